//! The `komek-gateway` binary over HTTP: login limits, idempotent actions, the OpenAPI document.

// A test that cannot go on should stop loudly where it is.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use komek_api::{
    Action, ActionReceipt, ActionSubmission, ApiError, ErrorCode, LoginSession, OtpChallenge,
    SupplierChoice,
};
use reqwest::StatusCode;
use uuid::Uuid;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_document_describes_every_endpoint() {
    let gw = start();
    let doc: serde_json::Value = reqwest::get(format!("{}/openapi.json", gw.url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let paths = doc["paths"].as_object().unwrap();
    for path in [
        "/v1/auth/otp",
        "/v1/auth/otp/verify",
        "/v1/auth/card/challenge",
        "/v1/auth/card/verify",
        "/v1/auth/qr",
        "/v1/auth/qr/{session_id}",
        "/v1/egov/qr/{code}/approve",
        "/dev/qr/{session_id}/approve",
        "/v1/me",
        "/v1/me/activities",
        "/v1/me/application/sign/otp",
        "/v1/me/application/sign/otp/verify",
        "/v1/me/principals",
        "/v1/me/offers",
        "/v1/me/phone/otp",
        "/v1/me/phone/otp/verify",
        "/v1/catalogue",
        "/v1/announcements",
        "/v1/actions",
        "/v1/me/failure-requests",
        "/v1/operator/tickets/{reference}/events",
        "/v1/operator/activities/{id}/reopen",
        "/healthz",
    ] {
        assert!(
            paths.contains_key(path),
            "{path} missing from the OpenAPI document"
        );
    }
    assert!(doc["components"]["schemas"]["ActionSubmission"].is_object());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn codes_are_rate_limited_per_iin_and_wrong_codes_burn_the_challenge() {
    let gw = start();
    let http = Kiosk::enrolled(&gw).await;

    let unknown = request_code(&http, &gw, "000101500007").await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        unknown.json::<ApiError>().await.unwrap().code,
        ErrorCode::UnknownParticipant
    );

    let first: OtpChallenge = request_code(&http, &gw, IIN).await.json().await.unwrap();
    assert!(first.phone_hint.starts_with("+7 ***"));
    for expected_left in (1..5).rev() {
        let wrong = verify(&http, &gw, first.challenge_id, "000000").await;
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
        let err: ApiError = wrong.json().await.unwrap();
        assert_eq!(
            (err.code, err.attempts_left),
            (ErrorCode::WrongCode, Some(expected_left))
        );
    }
    let last = verify(&http, &gw, first.challenge_id, "000000").await;
    assert_eq!(
        last.json::<ApiError>().await.unwrap().code,
        ErrorCode::AttemptsExhausted
    );
    // Even the right code no longer opens a burnt challenge.
    let code = dev_code(&http, &gw, first.challenge_id).await;
    let late = verify(&http, &gw, first.challenge_id, &code).await;
    assert_eq!(
        late.json::<ApiError>().await.unwrap().code,
        ErrorCode::AttemptsExhausted
    );

    assert_eq!(request_code(&http, &gw, IIN).await.status(), StatusCode::OK);
    assert_eq!(request_code(&http, &gw, IIN).await.status(), StatusCode::OK);
    let throttled = request_code(&http, &gw, IIN).await;
    assert_eq!(throttled.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = throttled.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=600).contains(&retry_after));
    // Another person is not held up by the first one's limit.
    assert_eq!(
        request_code(&http, &gw, BLIND_PARTICIPANT).await.status(),
        StatusCode::OK
    );
}

fn submission(
    session: &LoginSession,
    activity_id: &str,
    item: &str,
    supplier: &str,
    price: i64,
) -> ActionSubmission {
    ActionSubmission {
        grant: session.grant.clone(),
        confirmed_at: chrono::Utc::now(),
        action: Action::SupplierChoice(SupplierChoice {
            activity_id: activity_id.into(),
            item_id: item.into(),
            supplier_id: supplier.into(),
            quantity: 1,
            unit_price_kzt: price,
            guaranteed_amount_kzt: price,
            signature: None,
        }),
        acting_for: None,
        assistant_present: false,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_action_is_applied_once_per_key_and_a_repeat_gets_the_same_answer() {
    let gw = start();
    let http = Kiosk::enrolled(&gw).await;
    let session = login(&http, &gw, IIN).await;
    let activities: Vec<komek_api::Activity> =
        get_as(&http, &gw, &session, "/v1/me/activities").await;
    let activity = activities
        .iter()
        .find(|a| a.status == komek_api::ActivityStatus::AwaitingChoice)
        .unwrap();
    let mut choice = first_offer_for(&http, &gw, activity).await;
    sign(&http, &gw, &session, &mut choice).await;
    let body = common::submission(&session, Action::SupplierChoice(choice));
    let key = Uuid::now_v7();

    // Fifty copies at once: one effect, fifty identical answers.
    let url = gw.url.clone();
    let mut copies = tokio::task::JoinSet::new();
    for _ in 0..50 {
        let (http, body, url) = (http.clone(), body.clone(), url.clone());
        copies.spawn(async move { post_action(&http, &url, key, &body).await });
    }
    let answers = copies.join_all().await;
    assert!(
        answers.iter().all(|a| a == &answers[0]),
        "answers differ: {answers:?}"
    );
    assert_eq!(answers[0].0, StatusCode::CREATED);
    let receipt: ActionReceipt = serde_json::from_str(&answers[0].1).unwrap();
    assert_eq!(receipt.action_id, key);

    // A different action under the same key is refused.
    let mut other = body.clone();
    if let Action::SupplierChoice(choice) = &mut other.action {
        choice.quantity = 2;
    }
    let (status, text) = post_action(&http, &gw.url, key, &other).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        serde_json::from_str::<ApiError>(&text).unwrap().code,
        ErrorCode::IdempotencyConflict
    );

    // The activity is now signed: a second order under a new key is refused, and so is its repeat.
    let second = Uuid::now_v7();
    let refused = post_action(&http, &gw.url, second, &body).await;
    assert_eq!(refused.0, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(post_action(&http, &gw.url, second, &body).await, refused);

    // A made-up grant carries no authority.
    let mut forged = body.clone();
    forged.grant = "0".repeat(64);
    assert_eq!(
        post_action(&http, &gw.url, Uuid::now_v7(), &forged).await.0,
        StatusCode::UNAUTHORIZED
    );
    // Garbage is refused with a reason, not a crash.
    let garbage = http
        .post(format!("{}/v1/actions", gw.url))
        .header(
            komek_api::IDEMPOTENCY_KEY_HEADER,
            Uuid::now_v7().to_string(),
        )
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(garbage.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_action_whose_grant_has_expired_is_refused_with_what_to_do() {
    let gw = start_with(&["--grant-lifetime-secs", "1"]);
    let http = Kiosk::enrolled(&gw).await;
    let session = login(&http, &gw, IIN).await;
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let body = submission(&session, "ipr-0001", "po-001", "sup-01", 1);
    let (status, text) = post_action(&http, &gw.url, Uuid::now_v7(), &body).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let error: ApiError = serde_json::from_str(&text).unwrap();
    assert_eq!(error.code, ErrorCode::GrantExpired);
    assert!(
        error.message.contains("confirm it again"),
        "{}",
        error.message
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_a_blocked_choice_can_be_asked_to_be_activated_and_it_then_shows_requested() {
    use komek_api::{Activity, ActivityStatus, ChoiceActivation};
    let gw = start();
    let http = Kiosk::enrolled(&gw).await;
    let session = login(&http, &gw, BLIND_PARTICIPANT).await;
    let programme = operator_session(&gw, "programme").await;
    let fleet = operator_session(&gw, "fleet").await;
    let activities: Vec<Activity> = get_as(&http, &gw, &session, "/v1/me/activities").await;
    let today = chrono::Utc::now().date_naive();
    let window_passed = |a: &Activity| {
        a.notice_date
            .and_then(|n| n.checked_add_months(chrono::Months::new(2)))
            .is_some_and(|last| today > last)
    };
    let blocked = activities
        .iter()
        .find(|a| a.status == ActivityStatus::ChoiceBlocked || window_passed(a))
        .expect("the demo's blind participant has a blocked choice");
    let open = activities
        .iter()
        .find(|a| a.status == ActivityStatus::AwaitingChoice && !window_passed(a));
    let activate = |id: &str| ActionSubmission {
        grant: session.grant.clone(),
        confirmed_at: chrono::Utc::now(),
        action: Action::ChoiceActivation(ChoiceActivation {
            activity_id: id.into(),
        }),
        acting_for: None,
        assistant_present: false,
    };
    if let Some(open) = open {
        let (status, _) = post_action(&http, &gw.url, Uuid::now_v7(), &activate(&open.id)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let (status, body) = post_action(&http, &gw.url, Uuid::now_v7(), &activate(&blocked.id)).await;
    assert_eq!(status, StatusCode::CREATED);
    let receipt: ActionReceipt = serde_json::from_str(&body).unwrap();
    assert!(receipt.reference.starts_with("CA-"));
    let after: Vec<Activity> = get_as(&http, &gw, &session, "/v1/me/activities").await;
    let now = after.iter().find(|a| a.id == blocked.id).unwrap();
    assert_eq!(now.status, ActivityStatus::ActivationRequested);
    // Its history ends with the request, dated today in Astana.
    let astana_today = komek_domain::astana::date_on(chrono::Utc::now());
    let last = now.history.last().unwrap();
    assert_eq!(
        (last.status, last.on),
        (ActivityStatus::ActivationRequested, astana_today)
    );
    assert_eq!(now.history[0].status, ActivityStatus::AwaitingChoice);
    assert!(
        now.history.windows(2).all(|w| w[0].on <= w[1].on),
        "oldest first"
    );
    // Asking twice is refused: it is no longer blocked.
    let (again, _) = post_action(&http, &gw.url, Uuid::now_v7(), &activate(&blocked.id)).await;
    assert_eq!(again, StatusCode::UNPROCESSABLE_ENTITY);

    // The portal returns it to the person's queue with a new two-month window: operators only.
    let reopen = |token: &str| {
        http.post(format!(
            "{}/v1/operator/activities/{}/reopen",
            gw.url, blocked.id
        ))
        .bearer_auth(token)
        .send()
    };
    assert_eq!(
        reopen("wrong").await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    // An operator without the programme role may not.
    assert_eq!(
        reopen(&fleet).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    let reopened: Activity = reopen(&programme).await.unwrap().json().await.unwrap();
    assert_eq!(reopened.status, ActivityStatus::AwaitingChoice);
    assert_eq!(
        reopened.history.last().map(|c| (c.status, c.on)),
        Some((ActivityStatus::AwaitingChoice, astana_today))
    );
    assert!(!window_passed(&reopened), "a new window from today");
    assert_eq!(
        reopen(&programme).await.unwrap().status(),
        StatusCode::CONFLICT,
        "only a requested activation is reopened"
    );
}
