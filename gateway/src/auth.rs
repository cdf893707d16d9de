//! Login with IIN and a one-time code "sent by SMS", sessions for reads, grants for queued actions.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use chrono::{DateTime, Duration, Utc};
use komek_api::{DevOtp, ErrorCode, LoginSession, OtpChallenge, OtpRequest, OtpVerify};
use rand::RngExt;
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::AppState;
use crate::challenge::{self, Purpose};
use crate::devices::KioskDevice;
use crate::error::Refusal;

/// A code is valid this long.
pub const CODE_LIFETIME: Duration = Duration::minutes(5);
/// Wrong codes allowed per challenge before it is burnt.
pub const ATTEMPTS_PER_CHALLENGE: u32 = 5;
/// Codes sent per IIN in `RATE_WINDOW` before further requests are refused.
pub const CODES_PER_WINDOW: i64 = 3;
pub const RATE_WINDOW: Duration = Duration::minutes(10);
pub const SESSION_LIFETIME: Duration = Duration::minutes(30);
/// By default a queued action may be delivered this long after login.
pub const GRANT_LIFETIME: Duration = Duration::hours(72);

pub fn sha256_hex(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    hex::encode(h.finalize())
}

pub fn random_token() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    hex::encode(bytes)
}

pub fn mask_phone(phone: &str) -> String {
    let digits: Vec<char> = phone.chars().filter(char::is_ascii_digit).collect();
    let tail: String = digits.iter().skip(digits.len().saturating_sub(2)).collect();
    format!("+7 *** *** ** {tail}")
}

/// Only the last four digits, for logs.
pub fn mask_iin(iin: &str) -> String {
    let tail: String = iin.chars().skip(iin.len().saturating_sub(4)).collect();
    format!("********{tail}")
}

pub(crate) fn valid_iin_shape(iin: &str) -> bool {
    iin.len() == 12 && iin.bytes().all(|b| b.is_ascii_digit())
}

#[utoipa::path(post, path = "/v1/auth/otp", request_body = OtpRequest,
    responses((status = 200, body = OtpChallenge), (status = 404, body = komek_api::ApiError),
              (status = 429, body = komek_api::ApiError)))]
pub async fn request_otp(
    State(state): State<AppState>,
    device: KioskDevice,
    Json(req): Json<OtpRequest>,
) -> Result<Json<OtpChallenge>, Refusal> {
    if !valid_iin_shape(&req.iin) {
        return Err(Refusal::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::InvalidIin,
            "IIN must be 12 digits",
        ));
    }
    let conn = state.db.lock();
    let phone: Option<String> = conn
        .query_row(
            "SELECT phone FROM participants WHERE iin = ?1",
            params![req.iin],
            |r| r.get(0),
        )
        .optional()?;
    let Some(phone) = phone else {
        return Err(Refusal::new(
            StatusCode::NOT_FOUND,
            ErrorCode::UnknownParticipant,
            "no participant with this IIN",
        ));
    };
    let challenge = challenge::issue(
        &conn,
        &req.iin,
        &device.kiosk_id,
        &phone,
        challenge::Binding::Login,
        state.config.dev_endpoints,
    )?;
    Ok(Json(challenge))
}

#[utoipa::path(post, path = "/v1/auth/otp/verify", request_body = OtpVerify,
    responses((status = 200, body = LoginSession), (status = 401, body = komek_api::ApiError),
              (status = 410, body = komek_api::ApiError)))]
pub async fn verify_otp(
    State(state): State<AppState>,
    device: KioskDevice,
    Json(req): Json<OtpVerify>,
) -> Result<Json<LoginSession>, Refusal> {
    let now = Utc::now();
    let mut conn = state.db.lock();
    let (who, tx) = challenge::redeem(&mut conn, req.challenge_id, &req.code, Purpose::Login)?;
    same_kiosk(&who.device_id, &device)?;
    let session = start_session(
        &tx,
        &who.iin,
        &who.device_id,
        now,
        state.config.grant_lifetime,
    )?;
    tx.commit()?;
    tracing::info!(iin = %mask_iin(&who.iin), "session started");
    Ok(Json(session))
}

/// A login begun on one kiosk ends on the same kiosk: its grant is bound to it.
pub(crate) fn same_kiosk(started_on: &str, device: &KioskDevice) -> Result<(), Refusal> {
    if started_on == device.kiosk_id {
        Ok(())
    } else {
        Err(Refusal::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::Unauthorized,
            "this login was started on another kiosk",
        ))
    }
}

/// Starts a session for reads and a grant for queued actions bound to `device_id`: what every
/// way of logging in (code, card, eGov Mobile) ends with.
pub(crate) fn start_session(
    conn: &Connection,
    iin: &str,
    device_id: &str,
    now: DateTime<Utc>,
    grant_lifetime: Duration,
) -> Result<LoginSession, Refusal> {
    let session_token = random_token();
    let grant = random_token();
    let session_expires_at = now + SESSION_LIFETIME;
    let grant_expires_at = now + grant_lifetime;
    conn.execute(
        "INSERT INTO sessions (token_hash, iin, expires_at) VALUES (?1, ?2, ?3)",
        params![
            sha256_hex(&[session_token.as_bytes()]),
            iin,
            crate::db::ts(session_expires_at)
        ],
    )?;
    conn.execute(
        "INSERT INTO grants (grant_hash, iin, device_id, expires_at) VALUES (?1, ?2, ?3, ?4)",
        params![
            sha256_hex(&[grant.as_bytes()]),
            iin,
            device_id,
            crate::db::ts(grant_expires_at)
        ],
    )?;
    Ok(LoginSession {
        session_token,
        session_expires_at,
        grant,
        grant_expires_at,
    })
}

/// The token of an `Authorization: Bearer` header.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
}

/// Whether a service's bearer token is the one configured; with none configured, nobody's is.
pub fn check_token(expected: Option<&str>, headers: &HeaderMap, who: &str) -> Result<(), Refusal> {
    match (expected, bearer(headers)) {
        // Compared as hashes, so the comparison takes the same time whatever is sent.
        (Some(token), Some(given))
            if sha256_hex(&[token.as_bytes()]) == sha256_hex(&[given.as_bytes()]) =>
        {
            Ok(())
        }
        _ => Err(Refusal::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::Unauthorized,
            format!("{who} token missing or wrong"),
        )),
    }
}

pub fn is_participant(conn: &Connection, iin: &str) -> Result<bool, Refusal> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM participants WHERE iin = ?1",
            params![iin],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// The IIN of the session named by the `Authorization: Bearer` header.
pub fn session_iin(conn: &Connection, headers: &HeaderMap) -> Result<String, Refusal> {
    let token = bearer(headers).ok_or_else(Refusal::unauthorized)?;
    let row: Option<(String, String)> = conn
        .query_row(
            "SELECT iin, expires_at FROM sessions WHERE token_hash = ?1",
            params![sha256_hex(&[token.as_bytes()])],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match row {
        Some((iin, expires_at)) if expires_at > crate::db::ts(Utc::now()) => Ok(iin),
        _ => Err(Refusal::unauthorized()),
    }
}

/// The IIN a grant was issued for, if it is known and still valid for this device.
pub fn grant_iin(conn: &Connection, grant: &str, device_id: &str) -> Result<String, Refusal> {
    let row: Option<(String, String, String)> = conn
        .query_row(
            "SELECT iin, device_id, expires_at FROM grants WHERE grant_hash = ?1",
            params![sha256_hex(&[grant.as_bytes()])],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((iin, granted_device, expires_at)) = row else {
        return Err(Refusal::unauthorized());
    };
    if granted_device != device_id {
        return Err(Refusal::unauthorized());
    }
    if expires_at <= crate::db::ts(Utc::now()) {
        return Err(Refusal::new(
            StatusCode::FORBIDDEN,
            ErrorCode::GrantExpired,
            "the login grant of this action has expired; the person must confirm it again",
        ));
    }
    Ok(iin)
}

#[utoipa::path(post, path = "/v1/auth/logout", responses((status = 204)))]
pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> StatusCode {
    if let Some(token) = bearer(&headers) {
        let conn = state.db.lock();
        let deleted = conn.execute(
            "DELETE FROM sessions WHERE token_hash = ?1",
            params![sha256_hex(&[token.as_bytes()])],
        );
        if let Err(e) = deleted {
            tracing::warn!(error = %e, "logout could not delete the session");
        }
    }
    StatusCode::NO_CONTENT
}

/// Development only: the code the demo "SMS" carried. Absent unless `--dev-endpoints`.
#[utoipa::path(get, path = "/dev/otp/{challenge_id}",
    params(("challenge_id" = Uuid, Path)),
    responses((status = 200, body = DevOtp), (status = 404)))]
pub async fn dev_otp(
    State(state): State<AppState>,
    Path(challenge_id): Path<Uuid>,
) -> Result<Json<DevOtp>, Refusal> {
    let conn = state.db.lock();
    let code: Option<Option<String>> = conn
        .query_row(
            "SELECT dev_code FROM otp_challenges WHERE id = ?1",
            params![challenge_id.to_string()],
            |r| r.get(0),
        )
        .optional()?;
    match code.flatten() {
        Some(code) => Ok(Json(DevOtp { code })),
        None => Err(Refusal::new(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            "no such challenge",
        )),
    }
}
