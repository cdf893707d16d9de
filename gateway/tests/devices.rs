//! Kiosks the gateway can trust, against the real gateway binary: enrolment with a one-time
//! code and the key it enrols, every kiosk request signed, unknown and revoked kiosks refused
//! with a clear error, a login and its grant bound to the kiosk it began on, and each step in
//! the audit log.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use komek_api::{Action, DevicePlace, DeviceRecord, EnrolmentCode, ErrorCode};
use reqwest::StatusCode;
use uuid::Uuid;

async fn catalogue(http: &Kiosk, gw: &Gateway) -> reqwest::Response {
    http.get(format!("{}/v1/catalogue", gw.url))
        .send()
        .await
        .unwrap()
}

fn operator(gw: &Gateway, token: &str, path: &str) -> reqwest::RequestBuilder {
    reqwest::Client::new()
        .post(format!("{}{path}", gw.url))
        .bearer_auth(token)
}

async fn issue_code(gw: &Gateway, token: &str, kiosk_id: &str) -> EnrolmentCode {
    operator(gw, token, "/v1/operator/devices/enrolments")
        .json(&place(kiosk_id))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn revoke(gw: &Gateway, token: &str, kiosk_id: &str) -> DeviceRecord {
    let response = operator(
        gw,
        token,
        &format!("/v1/operator/devices/{kiosk_id}/revoke"),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// A gateway and a session of its fleet operator.
async fn operated() -> (Gateway, String) {
    let gw = start();
    let fleet = operator_session(&gw, "fleet").await;
    (gw, fleet)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_from_no_kiosk_or_an_unenrolled_one_is_refused_with_the_reason() {
    let gw = start();
    let plain = reqwest::get(format!("{}/v1/catalogue", gw.url))
        .await
        .unwrap();
    let error = error_of(plain, StatusCode::UNAUTHORIZED).await;
    assert_eq!(error.code, ErrorCode::UnknownDevice);
    assert!(
        error.message.contains("names no kiosk"),
        "{}",
        error.message
    );

    let mut stranger = Kiosk::unenrolled();
    stranger.id = Some("kiosk-nobody-enrolled".into());
    let error = error_of(catalogue(&stranger, &gw).await, StatusCode::UNAUTHORIZED).await;
    assert_eq!(error.code, ErrorCode::UnknownDevice);
    assert!(
        error.message.contains("no kiosk is enrolled"),
        "{}",
        error.message
    );

    // What is not the kiosks' stays open: health and the contract.
    let health = reqwest::get(format!("{}/healthz", gw.url)).await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_enrols_one_kiosk_once_and_the_operator_sees_its_fingerprint() {
    let (gw, fleet) = operated().await;
    let code = issue_code(&gw, &fleet, "KZ-35-KRG-014").await;
    assert_eq!(code.code.len(), 12);

    let mut kiosk = Kiosk::unenrolled();
    let enrolled = kiosk.enrol(&gw, &code.code).await;
    assert_eq!(enrolled.status(), StatusCode::OK);
    let place: DevicePlace = enrolled.json().await.unwrap();
    assert_eq!(place, common::place("KZ-35-KRG-014"));
    kiosk.id = Some(place.kiosk_id);
    assert_eq!(catalogue(&kiosk, &gw).await.status(), StatusCode::OK);

    let again = Kiosk::unenrolled().enrol(&gw, &code.code).await;
    assert_eq!(
        error_of(again, StatusCode::FORBIDDEN).await.code,
        ErrorCode::EnrolmentRefused
    );
    let guessed = Kiosk::unenrolled().enrol(&gw, "123412341234").await;
    assert_eq!(
        error_of(guessed, StatusCode::FORBIDDEN).await.code,
        ErrorCode::EnrolmentRefused
    );

    let devices: Vec<DeviceRecord> = reqwest::Client::new()
        .get(format!("{}/v1/operator/devices", gw.url))
        .bearer_auth(&fleet)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(devices.len(), 1);
    assert_eq!(devices[0].place.kiosk_id, "KZ-35-KRG-014");
    assert_eq!(devices[0].fingerprint, kiosk.fingerprint());
    assert_eq!(devices[0].revoked_at, None);

    let without_token = reqwest::get(format!("{}/v1/operator/devices", gw.url))
        .await
        .unwrap();
    assert_eq!(without_token.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enrolment_needs_the_private_key_of_the_key_it_enrols() {
    let (gw, fleet) = operated().await;
    let code = issue_code(&gw, &fleet, "kiosk-a").await;
    let holder = Kiosk::unenrolled();
    let thief = Kiosk::unenrolled();
    // The thief sends the holder's public key, signed with its own key.
    let body = komek_api::EnrolmentRequest {
        code: code.code.clone(),
        public_key: holder.public_key_base64(),
    };
    let stolen = thief
        .post(format!("{}/v1/devices/enrol", gw.url))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_of(stolen, StatusCode::UNAUTHORIZED).await.code,
        ErrorCode::UnknownDevice
    );
    // The code was not spent by the refused attempt.
    assert_eq!(holder.enrol(&gw, &code.code).await.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_kiosk_is_refused_on_its_next_request_until_enrolled_again() {
    let (gw, fleet) = operated().await;
    let kiosk = Kiosk::enrolled_by_operator(&gw, &fleet, "kiosk-lost").await;
    assert_eq!(catalogue(&kiosk, &gw).await.status(), StatusCode::OK);

    let record = revoke(&gw, &fleet, "kiosk-lost").await;
    assert!(record.revoked_at.is_some());
    let error = error_of(catalogue(&kiosk, &gw).await, StatusCode::FORBIDDEN).await;
    assert_eq!(error.code, ErrorCode::DeviceRevoked);

    // A replacement kiosk takes the id with a new code; the old key stays out.
    let replacement = Kiosk::enrolled_by_operator(&gw, &fleet, "kiosk-lost").await;
    assert_eq!(catalogue(&replacement, &gw).await.status(), StatusCode::OK);
    let error = error_of(catalogue(&kiosk, &gw).await, StatusCode::UNAUTHORIZED).await;
    assert_eq!(error.code, ErrorCode::UnknownDevice);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grant_and_a_login_belong_to_the_kiosk_they_began_on() {
    let gw = start();
    let kiosk = Kiosk::enrolled_as(&gw, "kiosk-a").await;
    let other = Kiosk::enrolled_as(&gw, "kiosk-b").await;
    let session = login(&kiosk, &gw, IIN).await;
    let submission = submission(
        &session,
        Action::ContactChange(komek_api::ContactChange {
            phone: None,
            phone_proof: None,
            email: Some("a@example.kz".into()),
        }),
    );
    let key = Uuid::now_v7();

    // Another kiosk with the grant: refused, and nothing is applied.
    let (status, _) = post_action(&other, &gw.url, key, &submission).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, receipt) = post_action(&kiosk, &gw.url, key, &submission).await;
    assert_eq!(status, StatusCode::CREATED);
    // Nor does it hear the answer of what the right kiosk delivered.
    let (status, _) = post_action(&other, &gw.url, key, &submission).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, again) = post_action(&kiosk, &gw.url, key, &submission).await;
    assert_eq!((status, again), (StatusCode::CREATED, receipt));

    // A code asked for on one kiosk cannot be typed on another.
    let challenge: komek_api::OtpChallenge =
        request_code(&kiosk, &gw, IIN).await.json().await.unwrap();
    let code = dev_code(&kiosk, &gw, challenge.challenge_id).await;
    let elsewhere = verify(&other, &gw, challenge.challenge_id, &code).await;
    assert_eq!(elsewhere.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_signed_far_from_the_gateways_time_is_refused_naming_the_clock() {
    let gw = start();
    let mut kiosk = Kiosk::enrolled(&gw).await;
    kiosk.clock_skew_secs = -(komek_api::SIGNATURE_WINDOW_SECS + 60);
    let error = error_of(catalogue(&kiosk, &gw).await, StatusCode::UNAUTHORIZED).await;
    assert_eq!(error.code, ErrorCode::UnknownDevice);
    assert!(error.message.contains("clock"), "{}", error.message);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_log_holds_each_step_with_who_and_which_kiosk() {
    let (gw, fleet) = operated().await;
    let kiosk = Kiosk::enrolled_by_operator(&gw, &fleet, "kiosk-audited").await;
    revoke(&gw, &fleet, "kiosk-audited").await;
    let db = gw.read_db();
    let rows: Vec<(String, String, Option<String>, String)> = db
        .prepare("SELECT actor, action, kiosk_id, detail FROM audit_log ORDER BY seq")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let operator = rows[1].0.clone();
    assert!(operator.starts_with("operator:operator-"), "{operator}");
    let steps: Vec<(&str, &str, Option<&str>)> = rows
        .iter()
        .map(|(actor, action, kiosk_id, _)| (actor.as_str(), action.as_str(), kiosk_id.as_deref()))
        .collect();
    let kiosk_id = Some("kiosk-audited");
    assert_eq!(
        steps,
        [
            ("administrator", "operator added", None),
            (operator.as_str(), "logged in", None),
            (operator.as_str(), "enrolment code issued", kiosk_id),
            ("kiosk:kiosk-audited", "enrolled", kiosk_id),
            (operator.as_str(), "revoked", kiosk_id),
        ]
    );
    assert!(rows[3].3.contains(&kiosk.fingerprint()));
}
