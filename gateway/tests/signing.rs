//! Signing the application with a one-time code: the code is bound to the application's
//! digest and the person, and the gateway accepts a supplier choice only with a proof for the
//! digest of exactly the fields that arrived. The real gateway binary over HTTP.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use komek_api::{
    Action, ActionSubmission, ActivityStatus, ApiError, ApplicationSignature, ErrorCode,
    LoginSession, OtpChallenge, SignatureProof, SupplierChoice,
};
use reqwest::StatusCode;
use uuid::Uuid;

fn submission(session: &LoginSession, choice: SupplierChoice) -> ActionSubmission {
    common::submission(session, Action::SupplierChoice(choice))
}

async fn refusal(http: &Kiosk, gw: &Gateway, body: &ActionSubmission) -> ApiError {
    let (status, text) = post_action(http, &gw.url, Uuid::now_v7(), body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    serde_json::from_str(&text).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_choice_is_accepted_only_with_a_signature_of_exactly_its_fields() {
    let gw = start();
    let http = Kiosk::enrolled(&gw).await;
    let session = login(&http, &gw, IIN).await;
    let choice = open_order(&http, &gw, &session).await;

    let unsigned = refusal(&http, &gw, &submission(&session, choice.clone())).await;
    assert_eq!(unsigned.code, ErrorCode::InvalidAction);
    assert!(
        unsigned.message.contains("not signed"),
        "{}",
        unsigned.message
    );

    let mut signed = choice.clone();
    sign(&http, &gw, &session, &mut signed).await;
    // The proof moved onto different fields (twice the quantity) signs nothing.
    let mut altered = signed.clone();
    altered.quantity = 2;
    let refused = refusal(&http, &gw, &submission(&session, altered)).await;
    assert!(
        refused.message.contains("not signed"),
        "{}",
        refused.message
    );
    // A made-up proof neither.
    let mut forged = choice.clone();
    forged.signature = Some(ApplicationSignature::OneTimeCode {
        proof: "0".repeat(64),
    });
    refusal(&http, &gw, &submission(&session, forged)).await;

    let (status, text) = post_action(
        &http,
        &gw.url,
        Uuid::now_v7(),
        &submission(&session, signed),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{text}");
    assert_eq!(
        activity_status(&http, &gw, &session, &choice.activity_id).await,
        ActivityStatus::ApplicationSigned
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signing_code_signs_only_for_its_person_and_never_logs_in() {
    let gw = start();
    let http = Kiosk::enrolled(&gw).await;
    let session = login(&http, &gw, IIN).await;
    let other = login(&http, &gw, BLIND_PARTICIPANT).await;
    let choice = open_order(&http, &gw, &session).await;

    let refused = ask_signing_code(&http, &gw, &session, "not a digest").await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let challenge: OtpChallenge = ask_signing_code(&http, &gw, &session, &choice.digest())
        .await
        .json()
        .await
        .unwrap();
    // The code goes to the registered phone, shown masked.
    assert!(
        challenge.phone_hint.starts_with("+7 ***"),
        "{}",
        challenge.phone_hint
    );
    let code = dev_code(&http, &gw, challenge.challenge_id).await;

    // Another person cannot use it, and it is not a login code.
    let theirs = confirm_signing_code(&http, &gw, &other, challenge.challenge_id, &code).await;
    assert_eq!(theirs.status(), StatusCode::GONE);
    let as_login = verify(&http, &gw, challenge.challenge_id, &code).await;
    assert_eq!(as_login.status(), StatusCode::GONE);

    // A login code does not sign.
    let login_challenge: OtpChallenge = request_code(&http, &gw, IIN).await.json().await.unwrap();
    let login_code = dev_code(&http, &gw, login_challenge.challenge_id).await;
    let as_signature = confirm_signing_code(
        &http,
        &gw,
        &session,
        login_challenge.challenge_id,
        &login_code,
    )
    .await;
    assert_eq!(as_signature.status(), StatusCode::GONE);

    let proof: SignatureProof =
        confirm_signing_code(&http, &gw, &session, challenge.challenge_id, &code)
            .await
            .json()
            .await
            .unwrap();
    assert_eq!(proof.digest, choice.digest());
}
