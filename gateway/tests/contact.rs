//! Changing the phone on record: a code to the new number, a proof for the right code, and the
//! queued contact change accepted only with that proof. The real gateway binary over HTTP.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use komek_api::{
    Action, ActionSubmission, ApiError, ContactChange, ErrorCode, LoginSession, OtpChallenge,
    PhoneOtpRequest, PhoneProof, Profile,
};
use reqwest::StatusCode;
use uuid::Uuid;

const NEW_PHONE: &str = "+77019998877";

async fn ask_code(
    http: &Kiosk,
    gw: &Gateway,
    session: &LoginSession,
    phone: &str,
) -> reqwest::Response {
    let body = PhoneOtpRequest {
        phone: phone.into(),
    };
    post_as(http, gw, session, "/v1/me/phone/otp", &body).await
}

async fn confirm(
    http: &Kiosk,
    gw: &Gateway,
    session: &LoginSession,
    challenge: Uuid,
    code: &str,
) -> reqwest::Response {
    confirm_code(
        http,
        gw,
        session,
        "/v1/me/phone/otp/verify",
        challenge,
        code,
    )
    .await
}

fn change(session: &LoginSession, phone: Option<&str>, proof: Option<&str>) -> ActionSubmission {
    ActionSubmission {
        grant: session.grant.clone(),
        confirmed_at: chrono::Utc::now(),
        action: Action::ContactChange(ContactChange {
            phone: phone.map(Into::into),
            phone_proof: proof.map(Into::into),
            email: Some("new.address@example.kz".into()),
        }),
        acting_for: None,
        assistant_present: false,
    }
}

/// Delivers a contact change (a new e-mail, and `phone` with `proof`) as the outbox would.
async fn submit(
    http: &Kiosk,
    gw: &Gateway,
    session: &LoginSession,
    phone: Option<&str>,
    proof: Option<&str>,
) -> (StatusCode, String) {
    post_action(
        http,
        &gw.url,
        Uuid::now_v7(),
        &change(session, phone, proof),
    )
    .await
}

async fn prove(http: &Kiosk, gw: &Gateway, session: &LoginSession) -> PhoneProof {
    let challenge: OtpChallenge = ask_code(http, gw, session, NEW_PHONE)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        challenge.phone_hint, "+7 *** *** ** 77",
        "the hint is the new number"
    );
    let code = dev_code(http, gw, challenge.challenge_id).await;
    let answer = confirm(http, gw, session, challenge.challenge_id, &code).await;
    assert_eq!(answer.status(), StatusCode::OK);
    answer.json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_profile_has_everything_the_rules_list() {
    let gw = start();
    let http = Kiosk::enrolled(&gw).await;
    let session = login(&http, &gw, IIN).await;
    let me: Profile = get_as(&http, &gw, &session, "/v1/me").await;
    assert_eq!(me.iin, IIN);
    assert!(!me.address.is_empty());
    assert!(me.phone.starts_with("+7") && me.phone.len() == 12);
    assert!(!me.id_document.number.is_empty() && !me.id_document.issuer.is_empty());
    assert!(me.id_document.issued_on < me.id_document.expires_on);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_phone_replaces_the_old_one_only_with_the_code_sent_to_it() {
    let gw = start();
    let http = Kiosk::enrolled(&gw).await;
    let session = login(&http, &gw, IIN).await;
    let before: Profile = get_as(&http, &gw, &session, "/v1/me").await;

    // Without a proof, and with a made-up one, the change is refused and nothing changes.
    for proof in [None, Some("made-up")] {
        let (status, body) = submit(&http, &gw, &session, Some(NEW_PHONE), proof).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body.contains("not confirmed"), "{body}");
    }

    // A wrong code costs a try and says how many are left.
    let challenge: OtpChallenge = ask_code(&http, &gw, &session, NEW_PHONE)
        .await
        .json()
        .await
        .unwrap();
    let right = dev_code(&http, &gw, challenge.challenge_id).await;
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    let answer = confirm(&http, &gw, &session, challenge.challenge_id, wrong).await;
    assert_eq!(answer.status(), StatusCode::UNAUTHORIZED);
    let error: ApiError = answer.json().await.unwrap();
    assert_eq!(error.code, ErrorCode::WrongCode);
    assert_eq!(error.attempts_left, Some(4));

    // The right code earns a proof for that number; the change with it is applied.
    let answer = confirm(&http, &gw, &session, challenge.challenge_id, &right).await;
    let proof: PhoneProof = answer.json().await.unwrap();
    assert_eq!(proof.phone, NEW_PHONE);
    let (status, body) = submit(&http, &gw, &session, Some(NEW_PHONE), Some(&proof.proof)).await;
    assert!(status.is_success(), "{status}: {body}");
    let after: Profile = get_as(&http, &gw, &session, "/v1/me").await;
    assert_ne!(before.phone, after.phone);
    assert_eq!(after.phone, NEW_PHONE);
    assert_eq!(after.email.as_deref(), Some("new.address@example.kz"));

    // The next login code goes to the new number.
    let next: OtpChallenge = request_code(&http, &gw, IIN).await.json().await.unwrap();
    assert_eq!(next.phone_hint, "+7 *** *** ** 77");

    // A proof is spent once.
    let (status, body) = submit(&http, &gw, &session, Some(NEW_PHONE), Some(&proof.proof)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("already used"), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proof_holds_for_its_own_number_and_person_only() {
    let gw = start();
    let http = Kiosk::enrolled(&gw).await;
    let session = login(&http, &gw, IIN).await;
    let proof = prove(&http, &gw, &session).await;

    // For another number.
    let (status, _) = submit(
        &http,
        &gw,
        &session,
        Some("+77010000000"),
        Some(&proof.proof),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // For another person.
    let other = login(&http, &gw, BLIND_PARTICIPANT).await;
    let (status, _) = submit(&http, &gw, &other, Some(NEW_PHONE), Some(&proof.proof)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // A login code cannot prove a phone, and a phone code cannot log in.
    let login_challenge: OtpChallenge = request_code(&http, &gw, IIN).await.json().await.unwrap();
    let code = dev_code(&http, &gw, login_challenge.challenge_id).await;
    let answer = confirm(&http, &gw, &session, login_challenge.challenge_id, &code).await;
    assert_eq!(answer.status(), StatusCode::GONE);
    // (The other person's code: three codes in ten minutes is the limit per IIN.)
    let phone_challenge: OtpChallenge = ask_code(&http, &gw, &other, NEW_PHONE)
        .await
        .json()
        .await
        .unwrap();
    let code = dev_code(&http, &gw, phone_challenge.challenge_id).await;
    let answer = verify(&http, &gw, phone_challenge.challenge_id, &code).await;
    assert_eq!(answer.status(), StatusCode::GONE);

    // Without a session there is no code, and a malformed number is refused.
    let anonymous = http
        .post(format!("{}/v1/me/phone/otp", gw.url))
        .json(&PhoneOtpRequest {
            phone: NEW_PHONE.into(),
        })
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let short = ask_code(&http, &gw, &session, "+7701").await;
    assert_eq!(short.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
