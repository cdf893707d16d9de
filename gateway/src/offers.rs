//! Proactive offers (the home-education reimbursement pilot): listed to the person they were
//! sent to, answered once by a queued `OfferAnswer` with consent and an account, or refusal.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use chrono::Utc;
use komek_api::{ActionReceipt, OfferAnswer, OfferStatus, ProactiveOffer};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use uuid::Uuid;

use crate::AppState;
use crate::actions::invalid;
use crate::auth::session_iin;
use crate::error::Refusal;

/// An offer with its current status, if it was sent to `iin`.
fn load_offer(conn: &Connection, iin: &str, id: &str) -> Result<Option<ProactiveOffer>, Refusal> {
    let row: Option<(String, String)> = conn
        .query_row(
            "SELECT body, status FROM offers WHERE id = ?1 AND recipient_iin = ?2",
            params![id, iin],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    row.map(|(body, status)| {
        let mut offer: ProactiveOffer = serde_json::from_str(&body)?;
        offer.status = crate::db::enum_from_text(&status)?;
        Ok(offer)
    })
    .transpose()
}

/// The person's own offers: a representative's are addressed to them, so `Acting-For` is
/// not read here.
#[utoipa::path(get, path = "/v1/me/offers",
    responses((status = 200, body = Vec<ProactiveOffer>), (status = 401)))]
pub async fn mine(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Vec<ProactiveOffer>>, Refusal> {
    let conn = state.db.lock();
    let iin = session_iin(&conn, &headers)?;
    let mut stmt = conn.prepare("SELECT id FROM offers WHERE recipient_iin = ?1")?;
    let ids: Vec<String> = stmt
        .query_map(params![iin], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(offer) = load_offer(&conn, &iin, &id)? {
            out.push(offer);
        }
    }
    // Newest first.
    out.sort_by(|a, b| b.sent_at.cmp(&a.sent_at).then(a.id.cmp(&b.id)));
    Ok(Json(out))
}

/// What an answer makes of an offer awaiting one.
fn outcome(offer: &ProactiveOffer, answer: &OfferAnswer) -> Result<OfferStatus, Refusal> {
    match (answer.consent, &answer.account_id) {
        (false, None) => Ok(OfferStatus::Refused),
        (false, Some(_)) => Err(invalid("an account is chosen only with consent")),
        (true, None) => Ok(OfferStatus::AwaitingAccount),
        (true, Some(id)) if offer.accounts.iter().any(|a| &a.id == id) => Ok(OfferStatus::Accepted),
        (true, Some(_)) => Err(invalid("no such account in this offer")),
    }
}

/// Applies the answer of `iin`, the person the offer was sent to.
pub fn apply_offer_answer(
    tx: &Transaction<'_>,
    key: Uuid,
    iin: &str,
    answer: &OfferAnswer,
) -> Result<ActionReceipt, Refusal> {
    let offer = load_offer(tx, iin, &answer.offer_id)?
        .ok_or_else(|| invalid("no such offer for this person"))?;
    if offer.status != OfferStatus::AwaitingAnswer {
        return Err(invalid("the offer has already been answered"));
    }
    let status = outcome(&offer, answer)?;
    let now = Utc::now();
    tx.execute(
        "INSERT INTO offer_answers (idempotency_key, offer_id, consent, account_id, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            key.to_string(),
            answer.offer_id,
            answer.consent,
            answer.account_id,
            crate::db::ts(now)
        ],
    )?;
    let seq = tx.last_insert_rowid();
    tx.execute(
        "UPDATE offers SET status = ?2 WHERE id = ?1",
        params![answer.offer_id, crate::db::enum_text(status)],
    )?;
    Ok(ActionReceipt {
        action_id: key,
        reference: crate::db::reference("PO", now, seq),
        accepted_at: now,
    })
}
