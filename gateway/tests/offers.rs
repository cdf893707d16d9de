//! Proactive offers (the home-education reimbursement pilot) over HTTP on the real binary: the
//! offer is listed to the person it was sent to and answered once, with consent and an
//! account, consent alone, or a refusal. Each case starts its own gateway.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use komek_api::{
    Action, ActionReceipt, ActionSubmission, ApiError, ErrorCode, LoginSession, OfferAnswer,
    OfferStatus, ProactiveOffer,
};
use reqwest::StatusCode;
use uuid::Uuid;

async fn offers(http: &Kiosk, gw: &Gateway, session: &LoginSession) -> Vec<ProactiveOffer> {
    get_as(http, gw, session, "/v1/me/offers").await
}

/// The parent's offer, as listed to her.
async fn the_offer(http: &Kiosk, gw: &Gateway, session: &LoginSession) -> ProactiveOffer {
    let mut listed = offers(http, gw, session).await;
    assert_eq!(listed.len(), 1);
    listed.remove(0)
}

fn answer_body(
    session: &LoginSession,
    offer_id: &str,
    consent: bool,
    account_id: Option<&str>,
) -> ActionSubmission {
    submission(
        session,
        Action::OfferAnswer(OfferAnswer {
            offer_id: offer_id.into(),
            consent,
            account_id: account_id.map(Into::into),
        }),
    )
}

/// Delivers an answer under a new key.
async fn answer(
    http: &Kiosk,
    gw: &Gateway,
    session: &LoginSession,
    offer_id: &str,
    consent: bool,
    account_id: Option<&str>,
) -> (StatusCode, String) {
    let body = answer_body(session, offer_id, consent, account_id);
    post_action(http, &gw.url, Uuid::now_v7(), &body).await
}

fn code_of(text: &str) -> ErrorCode {
    serde_json::from_str::<ApiError>(text).unwrap().code
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_offer_is_listed_to_the_person_it_was_sent_to_only() {
    let gw = start();
    let http = Kiosk::enrolled(&gw).await;
    let parent = login(&http, &gw, PARENT).await;
    let offer = the_offer(&http, &gw, &parent).await;
    assert_eq!(offer.status, OfferStatus::AwaitingAnswer);
    assert_eq!(offer.child_name, "Сейтқали Әлихан");
    assert_eq!(offer.answer_within_working_days, 3);
    assert_eq!(offer.contact_centre, "1414");
    assert_eq!(offer.accounts.len(), 2);
    assert!(
        offer
            .accounts
            .iter()
            .all(|a| a.number_masked.starts_with("KZ**"))
    );
    assert_eq!(offer.banks.len(), 5);
    assert!(
        offer
            .service
            .get("ru")
            .is_some_and(|t| t.contains("обучение на дому"))
    );
    // Sent yesterday at 10:00 in Astana.
    let now = chrono::Utc::now();
    assert!(offer.sent_at < now && now - offer.sent_at < chrono::Duration::days(2));
    assert_eq!(
        (offer.sent_at + chrono::Duration::hours(5))
            .format("%H:%M")
            .to_string(),
        "10:00"
    );

    // Her own offers, whoever she reads for.
    let acting: Vec<ProactiveOffer> = get_for(&http, &gw, &parent, CHILD, "/v1/me/offers")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(acting, [offer]);
    for iin in [CHILD, TRUSTEE, IIN] {
        let session = login(&http, &gw, iin).await;
        assert!(offers(&http, &gw, &session).await.is_empty(), "{iin}");
    }
    let anonymous = http
        .get(format!("{}/v1/me/offers", gw.url))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consent_with_an_account_accepts_the_offer_once() {
    let gw = start();
    let http = Kiosk::enrolled(&gw).await;
    let parent = login(&http, &gw, PARENT).await;
    let offer = the_offer(&http, &gw, &parent).await;
    let account = offer.accounts[1].id.clone();

    let key = Uuid::now_v7();
    let body = answer_body(&parent, &offer.id, true, Some(&account));
    let first = post_action(&http, &gw.url, key, &body).await;
    assert_eq!(first.0, StatusCode::CREATED, "{}", first.1);
    let receipt: ActionReceipt = serde_json::from_str(&first.1).unwrap();
    assert!(
        receipt.reference.starts_with("PO-"),
        "{}",
        receipt.reference
    );
    assert_eq!(
        the_offer(&http, &gw, &parent).await.status,
        OfferStatus::Accepted
    );

    // The repeat of the same delivery gets the same answer; a second answer is refused.
    assert_eq!(post_action(&http, &gw.url, key, &body).await, first);
    let (status, text) = answer(&http, &gw, &parent, &offer.id, false, None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(code_of(&text), ErrorCode::InvalidAction);
    assert_eq!(
        the_offer(&http, &gw, &parent).await.status,
        OfferStatus::Accepted
    );

    let db = gw.read_db();
    let (consent, chosen): (bool, Option<String>) = db
        .query_row(
            "SELECT consent, account_id FROM offer_answers WHERE idempotency_key = ?1",
            [key.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((consent, chosen), (true, Some(account)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consent_without_an_account_awaits_one() {
    let gw = start();
    let http = Kiosk::enrolled(&gw).await;
    let parent = login(&http, &gw, PARENT).await;
    let offer = the_offer(&http, &gw, &parent).await;
    let (status, text) = answer(&http, &gw, &parent, &offer.id, true, None).await;
    assert_eq!(status, StatusCode::CREATED, "{text}");
    assert_eq!(
        the_offer(&http, &gw, &parent).await.status,
        OfferStatus::AwaitingAccount
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_is_recorded() {
    let gw = start();
    let http = Kiosk::enrolled(&gw).await;
    let parent = login(&http, &gw, PARENT).await;
    let offer = the_offer(&http, &gw, &parent).await;

    // An account goes only with consent.
    let account = Some(offer.accounts[0].id.as_str());
    let (status, _) = answer(&http, &gw, &parent, &offer.id, false, account).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let (status, text) = answer(&http, &gw, &parent, &offer.id, false, None).await;
    assert_eq!(status, StatusCode::CREATED, "{text}");
    assert_eq!(
        the_offer(&http, &gw, &parent).await.status,
        OfferStatus::Refused
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_account_another_persons_offer_or_acting_for_someone_are_refused() {
    let gw = start();
    let http = Kiosk::enrolled(&gw).await;
    let parent = login(&http, &gw, PARENT).await;
    let offer = the_offer(&http, &gw, &parent).await;

    let (status, text) = answer(&http, &gw, &parent, &offer.id, true, Some("acc-made-up")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(code_of(&text), ErrorCode::InvalidAction);

    let (status, _) = answer(&http, &gw, &parent, "po-made-up", false, None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let other = login(&http, &gw, IIN).await;
    let (status, _) = answer(&http, &gw, &other, &offer.id, false, None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "not his offer");

    // The offer is hers, not her son's: answered as herself only.
    let mut body = answer_body(&parent, &offer.id, false, None);
    body.acting_for = Some(CHILD.into());
    let (status, text) = post_action(&http, &gw.url, Uuid::now_v7(), &body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");

    assert_eq!(
        the_offer(&http, &gw, &parent).await.status,
        OfferStatus::AwaitingAnswer,
        "nothing refused changed it"
    );
}
