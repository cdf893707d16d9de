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

fn random_token() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    hex::encode(bytes)
}

fn mask_phone(phone: &str) -> String {
    let digits: Vec<char> = phone.chars().filter(char::is_ascii_digit).collect();
    let tail: String = digits.iter().skip(digits.len().saturating_sub(2)).collect();
    format!("+7 *** *** ** {tail}")
}

/// Only the last four digits, for logs.
pub fn mask_iin(iin: &str) -> String {
    let tail: String = iin.chars().skip(iin.len().saturating_sub(4)).collect();
    format!("********{tail}")
}

fn valid_iin_shape(iin: &str) -> bool {
    iin.len() == 12 && iin.bytes().all(|b| b.is_ascii_digit())
}

#[utoipa::path(post, path = "/v1/auth/otp", request_body = OtpRequest,
    responses((status = 200, body = OtpChallenge), (status = 404, body = komek_api::ApiError),
              (status = 429, body = komek_api::ApiError)))]
pub async fn request_otp(
    State(state): State<AppState>,
    Json(req): Json<OtpRequest>,
) -> Result<Json<OtpChallenge>, Refusal> {
    if !valid_iin_shape(&req.iin) {
        return Err(Refusal::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::InvalidIin,
            "IIN must be 12 digits",
        ));
    }
    let now = Utc::now();
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
    let since = crate::db::ts(now - RATE_WINDOW);
    let (recent, oldest): (i64, Option<String>) = conn.query_row(
        "SELECT COUNT(*), MIN(created_at) FROM otp_challenges WHERE iin = ?1 AND created_at > ?2",
        params![req.iin, since],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if recent >= CODES_PER_WINDOW {
        let oldest = oldest
            .and_then(|s| DateTime::parse_from_rfc3339(&s).ok())
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or(now);
        let wait = (oldest + RATE_WINDOW - now).num_seconds().max(1);
        let mut refusal = Refusal::new(
            StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::TooManyRequests,
            "too many codes requested, wait before asking again",
        );
        refusal.retry_after_secs = u64::try_from(wait).ok();
        return Err(refusal);
    }
    let challenge_id = Uuid::now_v7();
    let code = format!("{:06}", rand::rng().random_range(0..1_000_000u32));
    let expires_at = now + CODE_LIFETIME;
    let dev_code = state.config.dev_endpoints.then_some(code.as_str());
    conn.execute(
        "INSERT INTO otp_challenges (id, iin, device_id, code_hash, dev_code, attempts_left, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            challenge_id.to_string(),
            req.iin,
            req.device_id,
            sha256_hex(&[challenge_id.as_bytes(), code.as_bytes()]),
            dev_code,
            ATTEMPTS_PER_CHALLENGE,
            crate::db::ts(now),
            crate::db::ts(expires_at)
        ],
    )?;
    if state.config.dev_endpoints {
        // Demo only: there is no SMS centre, so the code goes to the log.
        tracing::info!(iin = %mask_iin(&req.iin), phone = %mask_phone(&phone), %code, "demo SMS sent");
    } else {
        tracing::info!(iin = %mask_iin(&req.iin), "one-time code sent");
    }
    Ok(Json(OtpChallenge {
        challenge_id,
        expires_at,
        phone_hint: mask_phone(&phone),
        attempts_allowed: ATTEMPTS_PER_CHALLENGE,
    }))
}

#[utoipa::path(post, path = "/v1/auth/otp/verify", request_body = OtpVerify,
    responses((status = 200, body = LoginSession), (status = 401, body = komek_api::ApiError),
              (status = 410, body = komek_api::ApiError)))]
pub async fn verify_otp(
    State(state): State<AppState>,
    Json(req): Json<OtpVerify>,
) -> Result<Json<LoginSession>, Refusal> {
    let now = Utc::now();
    let mut conn = state.db.lock();
    let tx = conn.transaction()?;
    let row: Option<(String, String, String, u32, String, bool)> = tx
        .query_row(
            "SELECT iin, device_id, code_hash, attempts_left, expires_at, used
             FROM otp_challenges WHERE id = ?1",
            params![req.challenge_id.to_string()],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            },
        )
        .optional()?;
    let expired = |msg: &str| Refusal::new(StatusCode::GONE, ErrorCode::ChallengeExpired, msg);
    let Some((iin, device_id, code_hash, attempts_left, expires_at, used)) = row else {
        return Err(expired("unknown challenge"));
    };
    let expires_at = DateTime::parse_from_rfc3339(&expires_at)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(now);
    if used || expires_at < now {
        return Err(expired(
            "the code has expired or was used, ask for a new one",
        ));
    }
    if attempts_left == 0 {
        return Err(Refusal::new(
            StatusCode::FORBIDDEN,
            ErrorCode::AttemptsExhausted,
            "too many wrong codes, ask for a new one",
        ));
    }
    if sha256_hex(&[req.challenge_id.as_bytes(), req.code.trim().as_bytes()]) != code_hash {
        let left = attempts_left - 1;
        tx.execute(
            "UPDATE otp_challenges SET attempts_left = ?2 WHERE id = ?1",
            params![req.challenge_id.to_string(), left],
        )?;
        tx.commit()?;
        let mut refusal = if left == 0 {
            Refusal::new(
                StatusCode::FORBIDDEN,
                ErrorCode::AttemptsExhausted,
                "too many wrong codes, ask for a new one",
            )
        } else {
            Refusal::new(StatusCode::UNAUTHORIZED, ErrorCode::WrongCode, "wrong code")
        };
        refusal.body.attempts_left = Some(left);
        return Err(refusal);
    }
    tx.execute(
        "UPDATE otp_challenges SET used = 1 WHERE id = ?1",
        params![req.challenge_id.to_string()],
    )?;
    let session = start_session(&tx, &iin, &device_id, now, state.config.grant_lifetime)?;
    tx.commit()?;
    tracing::info!(iin = %mask_iin(&iin), "session started");
    Ok(Json(session))
}

fn start_session(
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

/// The IIN of the session named by the `Authorization: Bearer` header.
pub fn session_iin(conn: &Connection, headers: &HeaderMap) -> Result<String, Refusal> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(Refusal::unauthorized)?;
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
    if let Some(token) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    {
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
