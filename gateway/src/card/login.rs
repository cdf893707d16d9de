//! Logging in with the card: the gateway hands out a random nonce, the card signs it with its
//! authentication key, and a signature that verifies starts a session for the IIN in the
//! certificate, bound to the kiosk that asked for the nonce.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::Utc;
use komek_api::{CardChallenge, CardLogin, ErrorCode, LoginSession, card_login_message};
use rand::RngExt;
use rusqlite::{OptionalExtension, params};
use uuid::Uuid;

use super::{CardError, Purpose, verify};
use crate::AppState;
use crate::auth::{CODE_LIFETIME, is_participant, mask_iin, start_session};
use crate::devices::KioskDevice;
use crate::error::Refusal;

/// Refused unless roots are configured: a gateway that trusts no root can verify no card.
fn configured(state: &AppState) -> Result<(), Refusal> {
    if state.card_roots.is_empty() {
        return Err(Refusal::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::CardRejected,
            "card login is not configured",
        ));
    }
    Ok(())
}

fn rejected(e: &CardError) -> Refusal {
    Refusal::new(
        StatusCode::UNAUTHORIZED,
        ErrorCode::CardRejected,
        e.to_string(),
    )
}

#[utoipa::path(post, path = "/v1/auth/card/challenge",
    responses((status = 200, body = CardChallenge), (status = 503, body = komek_api::ApiError)))]
pub async fn challenge(
    State(state): State<AppState>,
    device: KioskDevice,
) -> Result<Json<CardChallenge>, Refusal> {
    configured(&state)?;
    let nonce: [u8; 32] = rand::rng().random();
    let challenge_id = Uuid::now_v7();
    let now = Utc::now();
    let expires_at = now + CODE_LIFETIME;
    state.db.lock().execute(
        "INSERT INTO card_challenges (id, nonce, device_id, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            challenge_id.to_string(),
            nonce.as_slice(),
            device.kiosk_id,
            crate::db::ts(now),
            crate::db::ts(expires_at)
        ],
    )?;
    Ok(Json(CardChallenge {
        challenge_id,
        nonce: STANDARD.encode(nonce),
        expires_at,
    }))
}

#[utoipa::path(post, path = "/v1/auth/card/verify", request_body = CardLogin,
    responses((status = 200, body = LoginSession), (status = 401, body = komek_api::ApiError),
              (status = 404, body = komek_api::ApiError), (status = 410, body = komek_api::ApiError),
              (status = 503, body = komek_api::ApiError)))]
pub async fn verify_login(
    State(state): State<AppState>,
    device: KioskDevice,
    Json(req): Json<CardLogin>,
) -> Result<Json<LoginSession>, Refusal> {
    configured(&state)?;
    let now = Utc::now();
    let mut conn = state.db.lock();
    let tx = conn.transaction()?;
    let iin = match card_holder(&state, &tx, &device, &req, now) {
        Ok(iin) => iin,
        Err(refusal) => {
            // Spent, right or wrong.
            tx.commit()?;
            return Err(refusal);
        }
    };
    if !is_participant(&tx, &iin)? {
        tx.commit()?;
        return Err(Refusal::new(
            StatusCode::NOT_FOUND,
            ErrorCode::UnknownParticipant,
            "the card's holder is not a participant",
        ));
    }
    let session = start_session(
        &tx,
        &iin,
        &device.kiosk_id,
        now,
        state.config.grant_lifetime,
    )?;
    tx.commit()?;
    tracing::info!(iin = %mask_iin(&iin), "session started with the ID card");
    Ok(Json(session))
}

/// The IIN of the card whose signature of this kiosk's nonce `req` carries. The challenge is
/// spent by this answer, right or wrong: the caller commits `tx` either way.
pub(crate) fn card_holder(
    state: &AppState,
    tx: &rusqlite::Transaction<'_>,
    device: &KioskDevice,
    req: &CardLogin,
    now: chrono::DateTime<Utc>,
) -> Result<String, Refusal> {
    configured(state)?;
    let row: Option<(Vec<u8>, String, String, bool)> = tx
        .query_row(
            "SELECT nonce, device_id, expires_at, used FROM card_challenges WHERE id = ?1",
            params![req.challenge_id.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let expired = |msg: &str| Refusal::new(StatusCode::GONE, ErrorCode::ChallengeExpired, msg);
    let Some((nonce, device_id, expires_at, used)) = row else {
        return Err(expired("unknown challenge"));
    };
    crate::auth::same_kiosk(&device_id, device)?;
    if used || expires_at < crate::db::ts(now) {
        return Err(expired(
            "the challenge has expired or was used, ask for a new one",
        ));
    }
    // One answer per challenge, right or wrong: a refused signature cannot be tried again.
    tx.execute(
        "UPDATE card_challenges SET used = 1 WHERE id = ?1",
        params![req.challenge_id.to_string()],
    )?;
    let message = card_login_message(&nonce);
    verify(
        &state.card_roots,
        &req.signature,
        Purpose::Login,
        now,
        &message,
    )
    .map(|verified| verified.iin)
    .map_err(|e| {
        tracing::info!(reason = %e, "card login refused");
        rejected(&e)
    })
}
