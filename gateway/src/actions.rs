//! Idempotent action submission: each `Idempotency-Key` is applied at most once, and a repeat
//! of an applied request gets the same answer; a refused request applied nothing and is judged
//! again when it comes back (a technician's retry); a different body under a used key is
//! refused.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use komek_api::{
    Action, ActionReceipt, ActionSubmission, ActivityStatus, ContactChange, ErrorCode,
    IDEMPOTENCY_KEY_HEADER, SupplierChoice,
};
use rusqlite::{OptionalExtension, Transaction, params};
use uuid::Uuid;

use crate::AppState;
use crate::actor::{Actor, Authority, authority, record_actor};
use crate::auth::{mask_iin, sha256_hex};
use crate::card::Roots;
use crate::devices::KioskDevice;
use crate::error::Refusal;
use crate::participant::{load_activity, load_catalogue};

#[utoipa::path(post, path = "/v1/actions", request_body = ActionSubmission,
    params(("Idempotency-Key" = Uuid, Header, description = "the action's UUIDv7")),
    responses((status = 201, body = ActionReceipt),
              (status = 401, body = komek_api::ApiError), (status = 403, body = komek_api::ApiError),
              (status = 409, body = komek_api::ApiError), (status = 422, body = komek_api::ApiError)))]
pub async fn submit(
    State(state): State<AppState>,
    device: KioskDevice,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match submit_inner(&state, &device, &headers, &body) {
        Ok((status, json)) => json_response(status, json),
        Err(refusal) => refusal.into_response(),
    }
}

fn json_response(status: StatusCode, json: String) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], json).into_response()
}

fn submit_inner(
    state: &AppState,
    device: &KioskDevice,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(StatusCode, String), Refusal> {
    let key = headers
        .get(IDEMPOTENCY_KEY_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| Uuid::parse_str(v).ok())
        .ok_or_else(|| Refusal::bad_request("Idempotency-Key header with a UUID is required"))?;
    let submission: ActionSubmission = serde_json::from_slice(body)
        .map_err(|e| Refusal::bad_request(format!("body is not an action: {e}")))?;
    let request_hash = sha256_hex(&[body]);

    let mut conn = state.db.lock();
    let tx = conn.transaction()?;
    let seen: Option<(String, u16, String, Option<String>)> = tx
        .query_row(
            "SELECT request_hash, status_code, response, kiosk_id FROM actions
             WHERE idempotency_key = ?1",
            params![key.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    if let Some((seen_hash, status, response, delivered_by)) = seen {
        // Only the kiosk that delivered an action hears its answer again.
        if delivered_by.is_some_and(|by| by != device.kiosk_id) {
            return Err(Refusal::unauthorized());
        }
        if seen_hash != request_hash {
            return Err(Refusal::new(
                StatusCode::CONFLICT,
                ErrorCode::IdempotencyConflict,
                "this Idempotency-Key was used for a different action",
            ));
        }
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        // What was applied is only ever replayed. A refusal applied nothing: the same request
        // sent again (a technician's retry once the cause is mended) is judged again.
        if !status.is_client_error() {
            return Ok((status, response));
        }
        tx.execute(
            "DELETE FROM actions WHERE idempotency_key = ?1",
            params![key.to_string()],
        )?;
    }

    // The authority is checked first and its refusal is not recorded: a person can still
    // confirm the action again under a new login, or with someone they represent.
    let authority = authority(&tx, &submission, device)?;
    let applied = match &authority {
        Authority::Person(who) => apply(&tx, key, &state.card_roots, who, &submission),
        Authority::Anonymous(request) => {
            crate::tickets::apply_failure_request(&tx, key, None, submission.confirmed_at, request)
        }
    };
    let who = match &authority {
        Authority::Person(who) => Some(who),
        Authority::Anonymous(_) => None,
    };
    let (status, response) = match applied {
        Ok(receipt) => {
            record_actor(&tx, key, who, submission.assistant_present)?;
            (StatusCode::CREATED, serde_json::to_string(&receipt)?)
        }
        Err(refusal) if refusal.status.is_client_error() => {
            (refusal.status, serde_json::to_string(&refusal.body)?)
        }
        Err(internal) => return Err(internal),
    };
    tx.execute(
        "INSERT INTO actions
             (idempotency_key, request_hash, status_code, response, created_at, kiosk_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            key.to_string(),
            request_hash,
            status.as_u16(),
            response,
            crate::db::ts(Utc::now()),
            device.kiosk_id
        ],
    )?;
    tx.commit()?;
    match who {
        Some(who) => tracing::info!(
            %key,
            iin = %mask_iin(&who.actor),
            principal = %mask_iin(&who.principal),
            status = status.as_u16(),
            "action answered"
        ),
        None => tracing::info!(%key, status = status.as_u16(), "anonymous action answered"),
    }
    Ok((status, response))
}

/// An action the gateway understands but will not apply (422 `invalid_action`).
pub(crate) fn invalid(message: &str) -> Refusal {
    Refusal::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::InvalidAction,
        message,
    )
}

/// Applies the action to `who.principal`.
fn apply(
    tx: &Transaction<'_>,
    key: Uuid,
    card_roots: &Roots,
    who: &Actor,
    submission: &ActionSubmission,
) -> Result<ActionReceipt, Refusal> {
    let iin = who.principal.as_str();
    match &submission.action {
        Action::SupplierChoice(choice) => {
            apply_supplier_choice(tx, key, card_roots, who, choice, submission.confirmed_at)
        }
        Action::ContactChange(change) => apply_contact_change(tx, key, who, change),
        Action::FailureRequest(request) => crate::tickets::apply_failure_request(
            tx,
            key,
            Some(iin),
            submission.confirmed_at,
            request,
        ),
        Action::ChoiceActivation(activation) => {
            apply_choice_activation(tx, key, iin, &activation.activity_id)
        }
        // An offer is addressed to the representative themselves (for a child, the parent).
        Action::OfferAnswer(_) if submission.acting_for.is_some() => Err(invalid(
            "an offer is answered by the person it was sent to, not on someone's behalf",
        )),
        Action::OfferAnswer(answer) => {
            crate::offers::apply_offer_answer(tx, key, &who.actor, answer)
        }
    }
}

/// Orders for the principal; the signature is the actor's, who received the signing code or
/// holds the card.
fn apply_supplier_choice(
    tx: &Transaction<'_>,
    key: Uuid,
    card_roots: &Roots,
    who: &Actor,
    choice: &SupplierChoice,
    confirmed_at: DateTime<Utc>,
) -> Result<ActionReceipt, Refusal> {
    let iin = who.principal.as_str();
    let activity = load_activity(tx, iin, &choice.activity_id)?
        .ok_or_else(|| invalid("no such activity for this participant"))?;
    if activity.status != ActivityStatus::AwaitingChoice {
        return Err(invalid("the activity does not await a supplier choice"));
    }
    // The portal is the authority on the two-month window (Rules item 10).
    let today = komek_domain::astana::date_on(Utc::now());
    if window_passed(activity.notice_date, today) {
        return Err(invalid(
            "the two-month window to choose a supplier has passed",
        ));
    }
    if !activity.matching_items.contains(&choice.item_id) {
        return Err(invalid("the item does not satisfy the activity"));
    }
    let catalogue = load_catalogue(tx)?;
    let offer = catalogue
        .suppliers
        .iter()
        .filter(|s| s.id == choice.supplier_id)
        .flat_map(|s| &s.offers)
        .find(|o| o.item_id == choice.item_id)
        .ok_or_else(|| invalid("the supplier does not offer this item"))?;
    if offer.price_kzt != choice.unit_price_kzt {
        return Err(invalid(
            "the supplier's price has changed; review the order again",
        ));
    }
    crate::signing::spend_signature(tx, key, card_roots, &who.actor, choice, confirmed_at)?;
    let now = Utc::now();
    tx.execute(
        "INSERT INTO orders (reference, idempotency_key, participant_iin, activity_id, item_id,
                             supplier_id, quantity, unit_price_kzt, created_at)
         VALUES ('', ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            key.to_string(),
            iin,
            choice.activity_id,
            choice.item_id,
            choice.supplier_id,
            choice.quantity,
            choice.unit_price_kzt,
            crate::db::ts(now)
        ],
    )?;
    let seq = tx.last_insert_rowid();
    let reference = crate::db::reference("SP", now, seq);
    tx.execute(
        "UPDATE orders SET reference = ?2 WHERE seq = ?1",
        params![seq, reference],
    )?;
    crate::db::set_activity_status(
        tx,
        &choice.activity_id,
        ActivityStatus::ApplicationSigned,
        komek_domain::astana::date_on(now),
    )?;
    Ok(ActionReceipt {
        action_id: key,
        reference,
        accepted_at: now,
    })
}

/// Whether the two-month window to choose a supplier has passed (Rules item 10), in Astana.
fn window_passed(notice: Option<chrono::NaiveDate>, today: chrono::NaiveDate) -> bool {
    komek_domain::ChoiceWindow::on(notice, today).is_closed()
}

fn apply_choice_activation(
    tx: &Transaction<'_>,
    key: Uuid,
    iin: &str,
    activity_id: &str,
) -> Result<ActionReceipt, Refusal> {
    let activity = load_activity(tx, iin, activity_id)?
        .ok_or_else(|| invalid("no such activity for this participant"))?;
    let now = Utc::now();
    let blocked = activity.status == ActivityStatus::ChoiceBlocked
        || (activity.status == ActivityStatus::AwaitingChoice
            && window_passed(activity.notice_date, komek_domain::astana::date_on(now)));
    if !blocked {
        return Err(invalid(
            "the supplier choice of this activity is not blocked",
        ));
    }
    tx.execute(
        "INSERT INTO choice_activations (idempotency_key, participant_iin, activity_id, created_at)
         VALUES (?1, ?2, ?3, ?4)",
        params![key.to_string(), iin, activity_id, crate::db::ts(now)],
    )?;
    let seq = tx.last_insert_rowid();
    crate::db::set_activity_status(
        tx,
        activity_id,
        ActivityStatus::ActivationRequested,
        komek_domain::astana::date_on(now),
    )?;
    Ok(ActionReceipt {
        action_id: key,
        reference: crate::db::reference("CA", now, seq),
        accepted_at: now,
    })
}

fn valid_email(email: &str) -> bool {
    let mut parts = email.split('@');
    matches!((parts.next(), parts.next(), parts.next()), (Some(user), Some(domain), None)
        if !user.is_empty() && domain.contains('.') && !email.contains(char::is_whitespace))
}

/// Changes the principal's contacts. A new phone is proven by whoever acts: the code went to
/// the phone the actor holds (`/v1/me/phone/otp` is always the session person's own).
fn apply_contact_change(
    tx: &Transaction<'_>,
    key: Uuid,
    who: &Actor,
    change: &ContactChange,
) -> Result<ActionReceipt, Refusal> {
    let iin = who.principal.as_str();
    if change.phone.is_none() && change.email.is_none() {
        return Err(invalid("nothing to change"));
    }
    if change
        .phone
        .as_deref()
        .is_some_and(|p| !komek_domain::is_phone_number(p))
    {
        return Err(invalid("the phone must be +7 and ten digits"));
    }
    if change.email.as_deref().is_some_and(|e| !valid_email(e)) {
        return Err(invalid("the e-mail address is not valid"));
    }
    if let Some(phone) = &change.phone {
        crate::contact::spend_proof(tx, change.phone_proof.as_deref(), &who.actor, phone)?;
    }
    let now = Utc::now();
    tx.execute(
        "INSERT INTO contact_changes (idempotency_key, participant_iin, phone, email, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            key.to_string(),
            iin,
            change.phone,
            change.email,
            crate::db::ts(now)
        ],
    )?;
    let seq = tx.last_insert_rowid();
    if let Some(mut person) = crate::participant::load_participant(tx, iin)? {
        if let Some(phone) = &change.phone {
            person.phone.clone_from(phone);
        }
        if let Some(email) = &change.email {
            person.email = Some(email.clone());
        }
        tx.execute(
            "UPDATE participants SET phone = ?2, body = ?3 WHERE iin = ?1",
            params![iin, person.phone, serde_json::to_string(&person)?],
        )?;
    }
    Ok(ActionReceipt {
        action_id: key,
        reference: crate::db::reference("CC", now, seq),
        accepted_at: now,
    })
}
