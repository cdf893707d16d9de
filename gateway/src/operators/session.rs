//! An operator's login (password and a TOTP code, each code once), their session (eight hours at
//! most, ended by fifteen idle minutes) and the check each operator route makes: a live session
//! whose operator has the route's role. Ten failed logins in a row lock the account for half an
//! hour (PCI DSS 8.3.4, 8.2.8).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Duration, Utc};
use komek_api::{ErrorCode, OperatorLogin, OperatorRole, OperatorSession};
use rusqlite::{OptionalExtension, params};

use super::account::{matching_step, roles_from_text, totp, verify_password};
use crate::AppState;
use crate::audit::{self, Actor, Entry};
use crate::auth::{bearer, random_token, sha256_hex};
use crate::error::Refusal;
use crate::lockout::{self, Lockable};

const SESSION_LIFETIME: Duration = Duration::hours(8);
const IDLE_LIMIT: Duration = Duration::minutes(15);

/// The operator a request is made by, for the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorName(pub String);

fn refused() -> Refusal {
    // One answer for every wrong part, so a guess learns nothing about the others.
    Refusal::new(
        StatusCode::UNAUTHORIZED,
        ErrorCode::Unauthorized,
        "wrong username, password or code",
    )
}

struct Account {
    password_hash: String,
    totp_secret: Vec<u8>,
    roles: Vec<OperatorRole>,
    last_totp_step: i64,
    locked_until: Option<String>,
}

#[utoipa::path(post, path = "/v1/operator/login", request_body = OperatorLogin,
    responses((status = 200, body = OperatorSession), (status = 401, body = komek_api::ApiError),
              (status = 429, body = komek_api::ApiError)))]
/// Starts an operator's session with their password and the code their app shows now.
pub async fn login(
    State(state): State<AppState>,
    Json(request): Json<OperatorLogin>,
) -> Result<Json<OperatorSession>, Refusal> {
    let now = Utc::now();
    let account = state
        .db
        .lock()
        .query_row(
            "SELECT password_hash, totp_secret, roles, last_totp_step, locked_until
             FROM operators WHERE username = ?1",
            params![request.username],
            |r| {
                Ok(Account {
                    password_hash: r.get(0)?,
                    totp_secret: r.get(1)?,
                    roles: roles_from_text(&r.get::<_, String>(2)?),
                    last_totp_step: r.get(3)?,
                    locked_until: r.get(4)?,
                })
            },
        )
        .optional()?;
    let Some(account) = account else {
        return Err(refused());
    };
    if lockout::is_locked(account.locked_until.as_deref(), now) {
        return Err(Refusal::new(
            StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::TooManyRequests,
            "this account is locked after too many failed logins; try again later",
        ));
    }
    // Argon2 takes its tens of milliseconds off the async threads and outside the lock.
    let (hash, password) = (account.password_hash.clone(), request.password.clone());
    let password_ok = tokio::task::spawn_blocking(move || verify_password(&hash, &password))
        .await
        .unwrap_or(false);
    let step = matching_step(&totp(account.totp_secret.clone())?, &request.code, now)
        .and_then(|s| i64::try_from(s).ok())
        .filter(|s| *s > account.last_totp_step);

    let mut conn = state.db.lock();
    let tx = conn.transaction()?;
    let (Some(step), true) = (step, password_ok) else {
        lockout::failed(&tx, Lockable::Operator, &request.username, now)?;
        record(&tx, &request.username, "login refused", now)?;
        tx.commit()?;
        return Err(refused());
    };
    tx.execute(
        "UPDATE operators SET last_totp_step = ?2 WHERE username = ?1",
        params![request.username, step],
    )?;
    lockout::succeeded(&tx, Lockable::Operator, &request.username)?;
    let token = random_token();
    let expires_at = now + SESSION_LIFETIME;
    tx.execute(
        "INSERT INTO operator_sessions (token_hash, username, expires_at, last_used_at)
         VALUES (?1, ?2, ?3, ?4)",
        params![
            sha256_hex(&[token.as_bytes()]),
            request.username,
            crate::db::ts(expires_at),
            crate::db::ts(now)
        ],
    )?;
    record(&tx, &request.username, "logged in", now)?;
    tx.commit()?;
    Ok(Json(OperatorSession {
        token,
        expires_at,
        roles: account.roles,
    }))
}

fn record(
    conn: &rusqlite::Connection,
    username: &str,
    action: &str,
    now: DateTime<Utc>,
) -> Result<(), Refusal> {
    audit::record(
        conn,
        &Entry {
            actor: Actor::Operator(username.to_string()),
            action,
            kiosk_id: None,
            detail: "",
        },
        now,
    )?;
    Ok(())
}

/// The operator behind the request's session, if it is live and their roles include `role`.
pub fn require(
    state: &AppState,
    headers: &HeaderMap,
    role: OperatorRole,
) -> Result<OperatorName, Refusal> {
    let no_session = || {
        Refusal::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::Unauthorized,
            "no operator session, or it has ended: log in again",
        )
    };
    let token = bearer(headers).ok_or_else(no_session)?;
    let now = Utc::now();
    let conn = state.db.lock();
    let hash = sha256_hex(&[token.as_bytes()]);
    let row: Option<(String, String, String, String)> = conn
        .query_row(
            "SELECT s.username, s.expires_at, s.last_used_at, o.roles
             FROM operator_sessions s JOIN operators o ON o.username = s.username
             WHERE s.token_hash = ?1",
            params![hash],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let Some((username, expires_at, last_used_at, roles)) = row else {
        return Err(no_session());
    };
    let now_text = crate::db::ts(now);
    if expires_at <= now_text || last_used_at < crate::db::ts(now - IDLE_LIMIT) {
        conn.execute(
            "DELETE FROM operator_sessions WHERE token_hash = ?1",
            params![hash],
        )?;
        return Err(no_session());
    }
    conn.execute(
        "UPDATE operator_sessions SET last_used_at = ?2 WHERE token_hash = ?1",
        params![hash, now_text],
    )?;
    if !roles_from_text(&roles).contains(&role) {
        return Err(Refusal::new(
            StatusCode::FORBIDDEN,
            ErrorCode::NotPermitted,
            format!("this needs the {} role", crate::db::enum_text(role)),
        ));
    }
    Ok(OperatorName(username))
}
