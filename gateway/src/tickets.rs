//! Technical-failure tickets: created from a person's queued request, moved on by the contact
//! centre's operators through an event log whose order is checked, and shown to the person
//! with every event's time (the kiosk computes the deadlines in Astana working time).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Utc};
use komek_api::{
    ActionReceipt, ErrorCode, FailureProblem, FailureRequest, OperatorEvent, OperatorRole, Ticket,
    TicketEvent, TicketRecord,
};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use uuid::Uuid;

use crate::AppState;
use crate::error::Refusal;
use crate::representation::reader_iin;

/// The largest screenshot accepted, in base64 characters (a 1080p kiosk screen is far smaller).
const MAX_SCREENSHOT: usize = 1_500_000;
const MAX_DESCRIPTION: usize = 2_000;

/// Whether `next` may follow the events a ticket already has.
pub fn allowed(done: &[TicketEvent], next: TicketEvent) -> bool {
    use TicketEvent::*;
    let has = |e: TicketEvent| done.contains(&e);
    if has(next) || has(Close) {
        return false; // every event happens once, and nothing follows the close
    }
    match next {
        Register => true,
        Analyse => has(Register),
        Confirm | Refute => has(Analyse) && !has(Confirm) && !has(Refute),
        Escalate => has(Confirm),
        AdminConfirm | AdminRefute => has(Escalate) && !has(AdminConfirm) && !has(AdminRefute),
        NotifyDecision => has(AdminConfirm) || has(AdminRefute),
        StartFix => has(AdminConfirm),
        Fix => has(StartFix),
        NotifyFix => has(Fix),
        Close => has(NotifyFix) || has(Refute) || (has(AdminRefute) && has(NotifyDecision)),
    }
}

use crate::actions::invalid;

/// Opens a ticket for a queued failure request; received now, by the contact centre.
/// `iin` is None for a request made without logging in (its ticket has no participant).
pub fn apply_failure_request(
    tx: &Transaction<'_>,
    key: Uuid,
    iin: Option<&str>,
    submitted_at: DateTime<Utc>,
    request: &FailureRequest,
) -> Result<ActionReceipt, Refusal> {
    if request.problem == FailureProblem::Other && request.description.trim().is_empty() {
        return Err(invalid(
            "describe the problem, or pick one of the common ones",
        ));
    }
    if request.description.chars().count() > MAX_DESCRIPTION {
        return Err(invalid("the description is too long"));
    }
    if request
        .contact_phone
        .as_deref()
        .is_some_and(|p| !komek_domain::is_phone_number(p))
    {
        return Err(invalid("the phone must be +7 and ten digits"));
    }
    if request
        .screenshot_png_base64
        .as_ref()
        .is_some_and(|s| s.len() > MAX_SCREENSHOT)
    {
        return Err(invalid("the screenshot is too large"));
    }
    let now = Utc::now();
    tx.execute(
        "INSERT INTO tickets (reference, idempotency_key, participant_iin, problem, description,
                              contact_phone, screenshot, diagnostics, submitted_at, received_at)
         VALUES ('', ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            key.to_string(),
            iin,
            crate::db::enum_text(request.problem),
            request.description,
            request.contact_phone,
            request.screenshot_png_base64,
            request.kiosk_diagnostics,
            crate::db::ts(submitted_at),
            crate::db::ts(now)
        ],
    )?;
    let seq = tx.last_insert_rowid();
    let reference = crate::db::reference("TF", now, seq);
    tx.execute(
        "UPDATE tickets SET reference = ?2 WHERE seq = ?1",
        params![seq, reference],
    )?;
    Ok(ActionReceipt {
        action_id: key,
        reference,
        accepted_at: now,
    })
}

fn events_of(conn: &Connection, reference: &str) -> Result<Vec<TicketRecord>, Refusal> {
    let mut stmt =
        conn.prepare("SELECT event, at FROM ticket_events WHERE reference = ?1 ORDER BY seq")?;
    let rows: Vec<(String, String)> = stmt
        .query_map(params![reference], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    rows.into_iter()
        .map(|(event, at)| {
            Ok(TicketRecord {
                event: crate::db::enum_from_text(&event)?,
                at: crate::db::parse_ts(&at)?,
            })
        })
        .collect()
}

#[utoipa::path(get, path = "/v1/me/failure-requests",
    params(("Acting-For" = Option<String>, Header, description = "a principal's IIN: their data")),
    responses((status = 200, body = Vec<Ticket>), (status = 401),
              (status = 403, body = komek_api::ApiError)))]
pub async fn mine(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Vec<Ticket>>, Refusal> {
    let conn = state.db.lock();
    // Anonymous tickets have no IIN, so they match no one here.
    let iin = reader_iin(&conn, &headers)?;
    let mut stmt = conn.prepare(
        "SELECT reference, problem, submitted_at, received_at FROM tickets
         WHERE participant_iin = ?1 ORDER BY seq DESC",
    )?;
    let rows: Vec<(String, String, String, String)> = stmt
        .query_map(params![iin], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?
        .collect::<Result<_, _>>()?;
    let mut out = Vec::with_capacity(rows.len());
    for (reference, problem, submitted_at, received_at) in rows {
        out.push(Ticket {
            events: events_of(&conn, &reference)?,
            reference,
            problem: crate::db::enum_from_text(&problem)?,
            submitted_at: crate::db::parse_ts(&submitted_at)?,
            received_at: crate::db::parse_ts(&received_at)?,
        });
    }
    Ok(Json(out))
}

#[utoipa::path(post, path = "/v1/operator/tickets/{reference}/events", request_body = OperatorEvent,
    params(("reference" = String, Path, description = "the ticket's TF-… reference")),
    responses((status = 200, body = Vec<TicketRecord>), (status = 401), (status = 404),
              (status = 409, body = komek_api::ApiError)))]
pub async fn record_event(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(reference): Path<String>,
    Json(request): Json<OperatorEvent>,
) -> Result<Json<Vec<TicketRecord>>, Refusal> {
    let operator = crate::operators::require(&state, &headers, OperatorRole::ContactCentre)?;
    let mut conn = state.db.lock();
    let tx = conn.transaction()?;
    let known: Option<i64> = tx
        .query_row(
            "SELECT seq FROM tickets WHERE reference = ?1",
            params![reference],
            |r| r.get(0),
        )
        .optional()?;
    if known.is_none() {
        return Err(Refusal::new(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            "no such ticket",
        ));
    }
    let done: Vec<TicketEvent> = events_of(&tx, &reference)?
        .into_iter()
        .map(|r| r.event)
        .collect();
    if !allowed(&done, request.event) {
        return Err(Refusal::new(
            StatusCode::CONFLICT,
            ErrorCode::InvalidTransition,
            format!("{:?} cannot follow {done:?}", request.event),
        ));
    }
    let at = request.at.unwrap_or_else(Utc::now);
    tx.execute(
        "INSERT INTO ticket_events (reference, event, at) VALUES (?1, ?2, ?3)",
        params![
            reference,
            crate::db::enum_text(request.event),
            crate::db::ts(at)
        ],
    )?;
    let events = events_of(&tx, &reference)?;
    crate::audit::record(
        &tx,
        &crate::audit::Entry {
            actor: crate::audit::Actor::Operator(operator.0),
            action: "ticket moved on",
            kiosk_id: None,
            detail: &format!("{reference}: {}", crate::db::enum_text(request.event)),
        },
        Utc::now(),
    )?;
    tx.commit()?;
    tracing::info!(%reference, event = ?request.event, "ticket moved on");
    Ok(Json(events))
}

#[cfg(test)]
mod tests {
    use super::*;
    use TicketEvent::*;

    #[test]
    fn a_confirmed_failure_goes_all_the_way_to_its_close() {
        let path = [
            Register,
            Analyse,
            Confirm,
            Escalate,
            AdminConfirm,
            NotifyDecision,
            StartFix,
            Fix,
            NotifyFix,
            Close,
        ];
        for (i, event) in path.iter().enumerate() {
            assert!(
                allowed(&path[..i], *event),
                "{event:?} after {:?}",
                &path[..i]
            );
        }
    }

    #[test]
    fn events_out_of_order_twice_or_after_the_close_are_refused() {
        assert!(!allowed(&[], Analyse), "not before registration");
        assert!(!allowed(&[Register], Register), "not twice");
        assert!(
            !allowed(&[Register, Analyse], Escalate),
            "not before confirmation"
        );
        assert!(
            !allowed(&[Register, Analyse, Confirm], Refute),
            "one finding only"
        );
        assert!(!allowed(&[Register, Analyse, Refute], Escalate));
        assert!(
            allowed(&[Register, Analyse, Refute], Close),
            "a refuted request closes"
        );
        assert!(!allowed(
            &[Register, Analyse, Refute, Close],
            NotifyDecision
        ));
        assert!(
            !allowed(&[Register, Analyse, Confirm, Escalate], Close),
            "not while open"
        );
        assert!(!allowed(
            &[Register, Analyse, Confirm, Escalate, AdminRefute],
            StartFix
        ));
    }
}
