//! Technical-failure tickets over HTTP on the real binary: a person's queued request opens a
//! ticket, the contact centre's operators move it on in order with their token, and the person
//! sees every step's time.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use komek_api::{
    Action, ActionReceipt, ActionSubmission, ApiError, ErrorCode, FailureProblem, FailureRequest,
    LoginSession, OperatorEvent, Ticket, TicketEvent, TicketRecord,
};
use reqwest::StatusCode;
use uuid::Uuid;

const OTHER_IIN: &str = BLIND_PARTICIPANT;

async fn submit(
    http: &Kiosk,
    gw: &Gateway,
    session: &LoginSession,
    request: FailureRequest,
) -> reqwest::Response {
    http.post(format!("{}/v1/actions", gw.url))
        .header("Idempotency-Key", Uuid::now_v7().to_string())
        .json(&ActionSubmission {
            grant: session.grant.clone(),
            confirmed_at: chrono::Utc::now(),
            action: Action::FailureRequest(request),
            acting_for: None,
            assistant_present: false,
        })
        .send()
        .await
        .unwrap()
}

async fn my_tickets(http: &Kiosk, gw: &Gateway, session: &LoginSession) -> Vec<Ticket> {
    get_as(http, gw, session, "/v1/me/failure-requests").await
}

async fn operator(
    http: &Kiosk,
    gw: &Gateway,
    token: Option<&str>,
    reference: &str,
    event: TicketEvent,
) -> reqwest::Response {
    let mut request = http
        .post(format!("{}/v1/operator/tickets/{reference}/events", gw.url))
        .json(&OperatorEvent { event, at: None });
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failure_request_becomes_a_ticket_that_operators_move_on_in_order() {
    let gw = start();
    let http = Kiosk::enrolled(&gw).await;
    let operator_token = operator_session(&gw, "contact_centre").await;
    let session = login(&http, &gw, IIN).await;

    // "Other" needs words; a too-short phone is refused; nothing is stored for either.
    let empty = FailureRequest {
        problem: FailureProblem::Other,
        description: "  ".into(),
        contact_phone: None,
        screenshot_png_base64: None,
        kiosk_diagnostics: None,
    };
    assert_eq!(
        submit(&http, &gw, &session, empty).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );

    let answer = submit(
        &http,
        &gw,
        &session,
        FailureRequest {
            problem: FailureProblem::CodeNotReceived,
            description: String::new(),
            contact_phone: Some("+77011234567".into()),
            screenshot_png_base64: Some("iVBORw0KGgo=".into()),
            kiosk_diagnostics: Some("queue: 0 pending".into()),
        },
    )
    .await;
    assert_eq!(answer.status(), StatusCode::CREATED);
    let receipt: ActionReceipt = answer.json().await.unwrap();
    assert!(
        receipt.reference.starts_with("TF-"),
        "{}",
        receipt.reference
    );

    let tickets = my_tickets(&http, &gw, &session).await;
    assert_eq!(tickets.len(), 1);
    assert_eq!(tickets[0].reference, receipt.reference);
    assert_eq!(tickets[0].problem, FailureProblem::CodeNotReceived);
    assert!(tickets[0].events.is_empty());
    assert!(tickets[0].received_at >= tickets[0].submitted_at);

    // Operators only, with their token.
    let reference = receipt.reference.as_str();
    for token in [None, Some("wrong"), Some(session.session_token.as_str())] {
        assert_eq!(
            operator(&http, &gw, token, reference, TicketEvent::Register)
                .await
                .status(),
            StatusCode::UNAUTHORIZED,
            "{token:?}"
        );
    }
    // In order only.
    let early = operator(
        &http,
        &gw,
        Some(operator_token.as_str()),
        reference,
        TicketEvent::Confirm,
    )
    .await;
    assert_eq!(early.status(), StatusCode::CONFLICT);
    let refusal: ApiError = early.json().await.unwrap();
    assert_eq!(refusal.code, ErrorCode::InvalidTransition);
    assert_eq!(
        operator(
            &http,
            &gw,
            Some(operator_token.as_str()),
            "TF-00000000-999999",
            TicketEvent::Register
        )
        .await
        .status(),
        StatusCode::NOT_FOUND
    );
    let mut events = Vec::new();
    for event in [
        TicketEvent::Register,
        TicketEvent::Analyse,
        TicketEvent::Confirm,
        TicketEvent::Escalate,
    ] {
        let answer = operator(&http, &gw, Some(operator_token.as_str()), reference, event).await;
        assert_eq!(answer.status(), StatusCode::OK, "{event:?}");
        events = answer.json::<Vec<TicketRecord>>().await.unwrap();
    }
    assert_eq!(events.len(), 4);
    assert_eq!(
        operator(
            &http,
            &gw,
            Some(operator_token.as_str()),
            reference,
            TicketEvent::Register
        )
        .await
        .status(),
        StatusCode::CONFLICT,
        "once only"
    );

    // The person sees each step with its time; another person sees nothing of it.
    let tickets = my_tickets(&http, &gw, &session).await;
    let seen: Vec<TicketEvent> = tickets[0].events.iter().map(|r| r.event).collect();
    assert_eq!(
        seen,
        [
            TicketEvent::Register,
            TicketEvent::Analyse,
            TicketEvent::Confirm,
            TicketEvent::Escalate
        ]
    );
    let other = login(&http, &gw, OTHER_IIN).await;
    assert!(my_tickets(&http, &gw, &other).await.is_empty());
}

/// A failure reported without logging in: no grant, only a phone to call back.
fn anonymous(phone: Option<&str>) -> ActionSubmission {
    ActionSubmission {
        grant: String::new(),
        confirmed_at: chrono::Utc::now(),
        action: Action::FailureRequest(FailureRequest {
            problem: FailureProblem::CannotLogIn,
            description: String::new(),
            contact_phone: phone.map(Into::into),
            screenshot_png_base64: None,
            kiosk_diagnostics: None,
        }),
        acting_for: None,
        assistant_present: false,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failure_can_be_reported_without_logging_in_with_a_phone_to_call_back() {
    let gw = start();
    let http = Kiosk::enrolled(&gw).await;
    let operator_token = operator_session(&gw, "contact_centre").await;

    // Without a phone there is no one to answer: refused like any action without authority.
    let (status, text) = post_action(&http, &gw.url, Uuid::now_v7(), &anonymous(None)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{text}");
    // Nor may an anonymous request act for anyone.
    let mut acting = anonymous(Some("+77011234567"));
    acting.acting_for = Some(IIN.into());
    let (status, _) = post_action(&http, &gw.url, Uuid::now_v7(), &acting).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // Any other action needs a grant.
    let mut other = anonymous(Some("+77011234567"));
    other.action = Action::ChoiceActivation(komek_api::ChoiceActivation {
        activity_id: "ipr-0001".into(),
    });
    let (status, _) = post_action(&http, &gw.url, Uuid::now_v7(), &other).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let body = anonymous(Some("+77011234567"));
    let key = Uuid::now_v7();
    let first = post_action(&http, &gw.url, key, &body).await;
    assert_eq!(first.0, StatusCode::CREATED, "{}", first.1);
    let receipt: ActionReceipt = serde_json::from_str(&first.1).unwrap();
    assert!(receipt.reference.starts_with("TF-"));
    assert_eq!(
        post_action(&http, &gw.url, key, &body).await,
        first,
        "idempotent"
    );

    // Stored once, with no participant; the actor record says nobody.
    let db = gw.read_db();
    let (count, iin): (i64, Option<String>) = db
        .query_row(
            "SELECT COUNT(*), MAX(participant_iin) FROM tickets WHERE reference = ?1",
            [&receipt.reference],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((count, iin), (1, None));
    let actor: Option<String> = db
        .query_row(
            "SELECT actor_iin FROM action_actors WHERE idempotency_key = ?1",
            [key.to_string()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(actor, None);

    // Nobody sees it among their requests.
    for iin in [IIN, OTHER_IIN, PARENT] {
        let session = login(&http, &gw, iin).await;
        assert!(my_tickets(&http, &gw, &session).await.is_empty(), "{iin}");
    }

    // The contact centre moves it on like any other.
    let answer = operator(
        &http,
        &gw,
        Some(operator_token.as_str()),
        &receipt.reference,
        TicketEvent::Register,
    )
    .await;
    assert_eq!(answer.status(), StatusCode::OK);
    let events: Vec<TicketRecord> = answer.json().await.unwrap();
    assert_eq!(events.len(), 1);
}
