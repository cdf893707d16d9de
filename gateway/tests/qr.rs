//! Logging in with eGov Mobile's QR code, against the real gateway binary over HTTP: the kiosk
//! starts a login and shows the code, eGov's side approves it with its token (the demo with a
//! development command), and the kiosk receives the session once, before the code expires.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use komek_api::{ErrorCode, Profile, QrApproval, QrLoginStart, QrLoginState};
use reqwest::StatusCode;
use uuid::Uuid;

const TOKEN: &str = "egov-test-token";

async fn start_qr(http: &Kiosk, gw: &Gateway) -> QrLoginStart {
    http.post(format!("{}/v1/auth/qr", gw.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn state(http: &Kiosk, gw: &Gateway, start: &QrLoginStart) -> QrLoginState {
    let url = format!("{}/v1/auth/qr/{}", gw.url, start.session_id);
    let response = http.get(url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// The code eGov Mobile reads from the QR payload.
fn scanned(start: &QrLoginStart) -> Uuid {
    let (prefix, code) = start.qr_payload.split_once("?code=").unwrap();
    assert_eq!(prefix, "kz.egov.mobile://komek/login");
    code.parse().unwrap()
}

/// `POST path` approving for `iin`, with `token` as the bearer when given.
async fn approve(
    http: &Kiosk,
    gw: &Gateway,
    path: &str,
    token: Option<&str>,
    iin: &str,
) -> reqwest::Response {
    let mut request = http
        .post(format!("{}{path}", gw.url))
        .json(&QrApproval { iin: iin.into() });
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_approved_qr_login_hands_its_session_over_once() {
    let gw = start_with(&["--egov-token", TOKEN]);
    let http = Kiosk::enrolled(&gw).await;
    let start = start_qr(&http, &gw).await;
    assert!(start.expires_at > chrono::Utc::now());
    // Whoever photographs the screen learns the code, never the session id it is read by.
    assert!(!start.qr_payload.contains(&start.session_id.to_string()));
    assert_eq!(state(&http, &gw, &start).await, QrLoginState::Pending);

    let path = format!("/v1/egov/qr/{}/approve", scanned(&start));
    let without = approve(&http, &gw, &path, None, IIN).await;
    assert_eq!(
        code_of(without, StatusCode::UNAUTHORIZED).await,
        ErrorCode::Unauthorized
    );
    let wrong = approve(&http, &gw, &path, Some("guess"), IIN).await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let nobody = approve(&http, &gw, &path, Some(TOKEN), "000101500007").await;
    assert_eq!(
        code_of(nobody, StatusCode::NOT_FOUND).await,
        ErrorCode::UnknownParticipant
    );
    let by_session_id = format!("/v1/egov/qr/{}/approve", start.session_id);
    let by_session_id = approve(&http, &gw, &by_session_id, Some(TOKEN), IIN).await;
    assert_eq!(by_session_id.status(), StatusCode::NOT_FOUND);
    assert_eq!(state(&http, &gw, &start).await, QrLoginState::Pending);

    let approved = approve(&http, &gw, &path, Some(TOKEN), IIN).await;
    assert_eq!(approved.status(), StatusCode::NO_CONTENT);
    let twice = approve(&http, &gw, &path, Some(TOKEN), BLIND_PARTICIPANT).await;
    assert_eq!(
        code_of(twice, StatusCode::GONE).await,
        ErrorCode::ChallengeExpired
    );

    let QrLoginState::Approved { session } = state(&http, &gw, &start).await else {
        panic!("the approved login was not handed over");
    };
    let me: Profile = get_as(&http, &gw, &session, "/v1/me").await;
    assert_eq!(me.iin, IIN);
    assert_eq!(state(&http, &gw, &start).await, QrLoginState::Expired);

    let unknown = http
        .get(format!("{}/v1/auth/qr/{}", gw.url, Uuid::now_v7()))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_qr_code_cannot_be_approved() {
    let gw = start_with(&["--egov-token", TOKEN, "--qr-lifetime-secs", "1"]);
    let http = Kiosk::enrolled(&gw).await;
    let start = start_qr(&http, &gw).await;
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let path = format!("/v1/egov/qr/{}/approve", scanned(&start));
    let late = approve(&http, &gw, &path, Some(TOKEN), IIN).await;
    assert_eq!(
        code_of(late, StatusCode::GONE).await,
        ErrorCode::ChallengeExpired
    );
    assert_eq!(state(&http, &gw, &start).await, QrLoginState::Expired);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_approves_only_with_dev_endpoints_and_egov_only_with_a_token() {
    let demo = start();
    let http = Kiosk::enrolled(&demo).await;
    let start = start_qr(&http, &demo).await;
    let path = format!("/v1/egov/qr/{}/approve", scanned(&start));
    // No eGov token configured: nobody's is right.
    let refused = approve(&http, &demo, &path, Some(""), IIN).await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let dev = format!("/dev/qr/{}/approve", start.session_id);
    let approved = approve(&http, &demo, &dev, None, IIN).await;
    assert_eq!(approved.status(), StatusCode::NO_CONTENT);
    assert!(matches!(
        state(&http, &demo, &start).await,
        QrLoginState::Approved { .. }
    ));

    let production = start_without_dev_endpoints(&[]);
    let fleet = operator_session(&production, "fleet").await;
    let http = Kiosk::enrolled_by_operator(&production, &fleet, "kiosk-test").await;
    let start = start_qr(&http, &production).await;
    let dev = format!("/dev/qr/{}/approve", start.session_id);
    let absent = approve(&http, &production, &dev, None, IIN).await;
    assert_eq!(absent.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        state(&http, &production, &start).await,
        QrLoginState::Pending
    );
}
