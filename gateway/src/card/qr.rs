//! Logging in with eGov Mobile. The kiosk starts a QR login and shows its code; the person
//! scans it in eGov Mobile and confirms; eGov's side tells the gateway whose login it approved;
//! the kiosk, asking after the state, receives the session once.
//!
//! The QR code carries its own one-time code, not the session id: whoever photographs the
//! screen could otherwise ask after the state and take the person's session before the kiosk.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use chrono::{Duration, Utc};
use komek_api::{ErrorCode, QrApproval, QrLoginStart, QrLoginState};
use rand::RngExt;
use rusqlite::{OptionalExtension, params};
use uuid::Uuid;

use crate::AppState;
use crate::auth::{check_token, is_participant, mask_iin, sha256_hex, start_session};
use crate::devices::KioskDevice;
use crate::error::Refusal;

/// How long a QR code may be scanned and approved, unless configured otherwise.
pub const QR_LIFETIME: Duration = Duration::seconds(120);

/// A random (version 4) UUID: unguessable, unlike the time-ordered ones of actions.
fn random_uuid() -> Uuid {
    uuid::Builder::from_random_bytes(rand::rng().random()).into_uuid()
}

/// The session id is the kiosk's secret; only its hash is kept.
fn session_hash(session_id: Uuid) -> String {
    sha256_hex(&[session_id.as_bytes()])
}

fn not_found() -> Refusal {
    Refusal::new(
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
        "no such QR login",
    )
}

#[utoipa::path(post, path = "/v1/auth/qr",
    responses((status = 200, body = QrLoginStart)))]
pub async fn start(
    State(state): State<AppState>,
    device: KioskDevice,
) -> Result<Json<QrLoginStart>, Refusal> {
    let session_id = random_uuid();
    let code = random_uuid();
    let now = Utc::now();
    let expires_at = now + state.config.qr_lifetime;
    state.db.lock().execute(
        "INSERT INTO qr_logins (session_hash, code, device_id, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            session_hash(session_id),
            code.to_string(),
            device.kiosk_id,
            crate::db::ts(now),
            crate::db::ts(expires_at)
        ],
    )?;
    Ok(Json(QrLoginStart {
        session_id,
        qr_payload: format!("kz.egov.mobile://komek/login?code={code}"),
        expires_at,
    }))
}

#[utoipa::path(get, path = "/v1/auth/qr/{session_id}",
    params(("session_id" = Uuid, Path)),
    responses((status = 200, body = QrLoginState), (status = 404, body = komek_api::ApiError)))]
pub async fn login_state(
    State(state): State<AppState>,
    device: KioskDevice,
    Path(session_id): Path<Uuid>,
) -> Result<Json<QrLoginState>, Refusal> {
    let now = Utc::now();
    let mut conn = state.db.lock();
    let tx = conn.transaction()?;
    let hash = session_hash(session_id);
    let row: Option<(String, String, Option<String>, bool)> = tx
        .query_row(
            "SELECT device_id, expires_at, approved_iin, handed_over
             FROM qr_logins WHERE session_hash = ?1",
            params![hash],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let Some((device_id, expires_at, approved_iin, handed_over)) = row else {
        return Err(not_found());
    };
    if device_id != device.kiosk_id {
        return Err(not_found());
    }
    if handed_over || expires_at < crate::db::ts(now) {
        return Ok(Json(QrLoginState::Expired));
    }
    let Some(iin) = approved_iin else {
        return Ok(Json(QrLoginState::Pending));
    };
    // Created only now, at the one read that hands it over, for the kiosk that started it.
    let session = start_session(&tx, &iin, &device_id, now, state.config.grant_lifetime)?;
    tx.execute(
        "UPDATE qr_logins SET handed_over = 1 WHERE session_hash = ?1",
        params![hash],
    )?;
    tx.commit()?;
    tracing::info!(iin = %mask_iin(&iin), "session started with eGov Mobile");
    Ok(Json(QrLoginState::Approved { session }))
}

/// Records that `iin` approved the QR login found by `column` = `key`.
fn approve(state: &AppState, column: &str, key: &str, iin: &str) -> Result<StatusCode, Refusal> {
    let now = Utc::now();
    let conn = state.db.lock();
    let row: Option<(String, Option<String>)> = conn
        .query_row(
            &format!("SELECT expires_at, approved_iin FROM qr_logins WHERE {column} = ?1"),
            params![key],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((expires_at, approved)) = row else {
        return Err(not_found());
    };
    if approved.is_some() || expires_at < crate::db::ts(now) {
        return Err(Refusal::new(
            StatusCode::GONE,
            ErrorCode::ChallengeExpired,
            "the QR code has expired or was already approved",
        ));
    }
    if !is_participant(&conn, iin)? {
        return Err(Refusal::new(
            StatusCode::NOT_FOUND,
            ErrorCode::UnknownParticipant,
            "no participant with this IIN",
        ));
    }
    conn.execute(
        &format!("UPDATE qr_logins SET approved_iin = ?2, approved_at = ?3 WHERE {column} = ?1"),
        params![key, iin, crate::db::ts(now)],
    )?;
    tracing::info!(iin = %mask_iin(iin), "QR login approved");
    Ok(StatusCode::NO_CONTENT)
}

/// eGov Mobile's side: the person whose phone scanned `code` (from the QR payload) confirmed.
#[utoipa::path(post, path = "/v1/egov/qr/{code}/approve", request_body = QrApproval,
    params(("code" = Uuid, Path, description = "the code in the QR payload")),
    responses((status = 204), (status = 401, body = komek_api::ApiError),
              (status = 404, body = komek_api::ApiError), (status = 410, body = komek_api::ApiError)))]
pub async fn egov_approve(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<Uuid>,
    Json(req): Json<QrApproval>,
) -> Result<StatusCode, Refusal> {
    check_token(state.config.egov_token.as_deref(), &headers, "eGov")?;
    approve(&state, "code", &code.to_string(), &req.iin)
}

/// Development only: the demo's stand-in for eGov Mobile, by the kiosk's session id.
#[utoipa::path(post, path = "/dev/qr/{session_id}/approve", request_body = QrApproval,
    params(("session_id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = komek_api::ApiError),
              (status = 410, body = komek_api::ApiError)))]
pub async fn dev_approve(
    State(state): State<AppState>,
    Path(session_id): Path<Uuid>,
    Json(req): Json<QrApproval>,
) -> Result<StatusCode, Refusal> {
    approve(&state, "session_hash", &session_hash(session_id), &req.iin)
}
