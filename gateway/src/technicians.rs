//! Field technicians. A fleet operator puts them on the list with the regions they serve; on a
//! kiosk of such a region they open technician mode with their national ID card (the card login
//! the kiosk already has) or, as the fallback, a TOTP code; every step they take there is sent
//! here and kept in the audit log under their id and the kiosk's. Revoking a technician (a lost
//! card) ends their sessions at once.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Duration, Utc};
use komek_api::{
    CardLogin, ErrorCode, OperatorRole, TechnicianCodeLogin, TechnicianEnrolment, TechnicianSecret,
    TechnicianSession, TechnicianStep,
};
use rusqlite::{Connection, OptionalExtension, params};

use crate::AppState;
use crate::audit::{self, Actor, Entry};
use crate::auth::{bearer, random_token, sha256_hex, valid_iin_shape};
use crate::devices::KioskDevice;
use crate::error::Refusal;
use crate::lockout::{self, Lockable};
use crate::operators::account::{matching_step, new_totp, totp, valid_username};

/// A technician's session lasts an hour at most; the kiosk ends it sooner (idle, card out).
const SESSION_LIFETIME: Duration = Duration::hours(1);

/// The longest step description kept.
const MAX_DETAIL_CHARS: usize = 500;

pub(crate) fn iin_hash(iin: &str) -> String {
    sha256_hex(&[b"technician-iin\n", iin.as_bytes()])
}

fn not_a_technician_here() -> Refusal {
    // One answer for every reason, so a stranger's card or guess learns nothing.
    Refusal::new(
        StatusCode::FORBIDDEN,
        ErrorCode::NotPermitted,
        "not a technician of this kiosk's region",
    )
}

#[utoipa::path(post, path = "/v1/operator/technicians", request_body = TechnicianEnrolment,
    responses((status = 200, body = TechnicianSecret), (status = 400, body = komek_api::ApiError),
              (status = 401), (status = 403)))]
/// Puts a technician on the list (the fleet role); answers their TOTP secret, once.
pub async fn add(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(request): Json<TechnicianEnrolment>,
) -> Result<Json<TechnicianSecret>, Refusal> {
    let operator = crate::operators::require(&state, &headers, OperatorRole::Fleet)?;
    let regions_ok = !request.regions.is_empty()
        && request
            .regions
            .iter()
            .all(|r| crate::devices::valid_region(r));
    if !valid_username(&request.technician_id) || !valid_iin_shape(&request.iin) || !regions_ok {
        return Err(Refusal::bad_request(
            "a technician id is 1-64 lower-case letters, digits, '.', '_' or '-'; an IIN is 12 \
             digits; regions are ISO 3166-2 codes (KZ-35)",
        ));
    }
    let new = new_totp(&request.technician_id)?;
    let now = Utc::now();
    let regions = request.regions.join(",");
    let mut conn = state.db.lock();
    let tx = conn.transaction()?;
    let added = tx.execute(
        "INSERT INTO technicians (technician_id, iin_hash, regions, totp_secret, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
        params![
            request.technician_id,
            iin_hash(&request.iin),
            regions,
            new.secret.as_slice(),
            crate::db::ts(now)
        ],
    )?;
    if added == 0 {
        return Err(Refusal::new(
            StatusCode::CONFLICT,
            ErrorCode::BadRequest,
            "a technician with this id or this IIN is on the list already",
        ));
    }
    audit::record(
        &tx,
        &Entry {
            actor: Actor::Operator(operator.0),
            action: "technician added",
            kiosk_id: None,
            detail: &format!("{}: {regions}", request.technician_id),
        },
        now,
    )?;
    tx.commit()?;
    Ok(Json(TechnicianSecret {
        technician_id: request.technician_id,
        totp_secret: new.base32,
        otpauth_uri: new.uri,
    }))
}

#[utoipa::path(post, path = "/v1/operator/technicians/{technician_id}/revoke",
    params(("technician_id" = String, Path)),
    responses((status = 204), (status = 401), (status = 403), (status = 404)))]
/// Takes a technician off the list (a lost card, a technician who left): their sessions end now.
pub async fn revoke(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(technician_id): Path<String>,
) -> Result<StatusCode, Refusal> {
    let operator = crate::operators::require(&state, &headers, OperatorRole::Fleet)?;
    let now = Utc::now();
    let mut conn = state.db.lock();
    let tx = conn.transaction()?;
    let changed = tx.execute(
        "UPDATE technicians SET revoked_at = COALESCE(revoked_at, ?2) WHERE technician_id = ?1",
        params![technician_id, crate::db::ts(now)],
    )?;
    if changed == 0 {
        return Err(Refusal::new(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            "no such technician",
        ));
    }
    tx.execute(
        "DELETE FROM technician_sessions WHERE technician_id = ?1",
        params![technician_id],
    )?;
    audit::record(
        &tx,
        &Entry {
            actor: Actor::Operator(operator.0),
            action: "technician revoked",
            kiosk_id: None,
            detail: &technician_id,
        },
        now,
    )?;
    tx.commit()?;
    Ok(StatusCode::NO_CONTENT)
}

/// Whether `technician` may open kiosks of the region `kiosk_id` stands in.
fn serves_the_kiosk(conn: &Connection, technician: &str, kiosk_id: &str) -> Result<bool, Refusal> {
    let row: Option<(String, Option<String>, String)> = conn
        .query_row(
            "SELECT t.regions, t.revoked_at, d.region FROM technicians t, devices d
             WHERE t.technician_id = ?1 AND d.kiosk_id = ?2",
            params![technician, kiosk_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    Ok(row.is_some_and(|(regions, revoked_at, region)| {
        revoked_at.is_none() && regions.split(',').any(|r| r == region)
    }))
}

/// Opens a session for `technician` on the kiosk and records it.
fn open_session(
    conn: &Connection,
    technician: &str,
    device: &KioskDevice,
    how: &str,
    now: DateTime<Utc>,
) -> Result<TechnicianSession, Refusal> {
    let token = random_token();
    let expires_at = now + SESSION_LIFETIME;
    conn.execute(
        "INSERT INTO technician_sessions (token_hash, technician_id, kiosk_id, expires_at)
         VALUES (?1, ?2, ?3, ?4)",
        params![
            sha256_hex(&[token.as_bytes()]),
            technician,
            device.kiosk_id,
            crate::db::ts(expires_at)
        ],
    )?;
    record(conn, technician, device, "technician mode opened", how, now)?;
    Ok(TechnicianSession {
        token,
        technician_id: technician.to_string(),
        expires_at,
    })
}

fn record(
    conn: &Connection,
    technician: &str,
    device: &KioskDevice,
    action: &str,
    detail: &str,
    now: DateTime<Utc>,
) -> Result<(), Refusal> {
    audit::record(
        conn,
        &Entry {
            actor: Actor::Technician(technician.to_string()),
            action,
            kiosk_id: Some(&device.kiosk_id),
            detail,
        },
        now,
    )?;
    Ok(())
}

#[utoipa::path(post, path = "/v1/technician/login/card", request_body = CardLogin,
    responses((status = 200, body = TechnicianSession), (status = 401, body = komek_api::ApiError),
              (status = 403, body = komek_api::ApiError), (status = 410, body = komek_api::ApiError)))]
/// Technician mode with the technician's ID card: its signature of this kiosk's nonce.
pub async fn login_card(
    State(state): State<AppState>,
    device: KioskDevice,
    Json(request): Json<CardLogin>,
) -> Result<Json<TechnicianSession>, Refusal> {
    let now = Utc::now();
    let mut conn = state.db.lock();
    let tx = conn.transaction()?;
    let holder = crate::card::login::card_holder(&state, &tx, &device, &request, now);
    let technician: Option<String> = match &holder {
        Ok(iin) => tx
            .query_row(
                "SELECT technician_id FROM technicians WHERE iin_hash = ?1",
                params![iin_hash(iin)],
                |r| r.get(0),
            )
            .optional()?,
        Err(_) => None,
    };
    let session = match technician {
        Some(id) if serves_the_kiosk(&tx, &id, &device.kiosk_id)? => {
            Ok(open_session(&tx, &id, &device, "card", now)?)
        }
        _ => Err(holder.err().unwrap_or_else(not_a_technician_here)),
    };
    tx.commit()?;
    session.map(Json)
}

#[utoipa::path(post, path = "/v1/technician/login/code", request_body = TechnicianCodeLogin,
    responses((status = 200, body = TechnicianSession), (status = 403, body = komek_api::ApiError)))]
/// Technician mode with a code from the technician's authenticator app (each code once).
pub async fn login_code(
    State(state): State<AppState>,
    device: KioskDevice,
    Json(request): Json<TechnicianCodeLogin>,
) -> Result<Json<TechnicianSession>, Refusal> {
    let now = Utc::now();
    let mut conn = state.db.lock();
    let tx = conn.transaction()?;
    let row: Option<(String, Vec<u8>, i64, Option<String>)> = tx
        .query_row(
            "SELECT technician_id, totp_secret, last_totp_step, locked_until FROM technicians
             WHERE iin_hash = ?1",
            params![iin_hash(&request.iin)],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let Some((technician, secret, last, locked_until)) = row else {
        // An IIN on no list is not written down: it may be anyone's.
        return Err(not_a_technician_here());
    };
    if lockout::is_locked(locked_until.as_deref(), now) {
        // The same answer as any refusal: a guesser learns nothing of the lock.
        record(
            &tx,
            &technician,
            &device,
            "technician login refused",
            "code, locked",
            now,
        )?;
        tx.commit()?;
        return Err(not_a_technician_here());
    }
    let step = matching_step(&totp(secret)?, &request.code, now)
        .and_then(|s| i64::try_from(s).ok())
        .filter(|s| *s > last);
    let allowed = step.is_some() && serves_the_kiosk(&tx, &technician, &device.kiosk_id)?;
    let session = match step {
        Some(step) if allowed => {
            tx.execute(
                "UPDATE technicians SET last_totp_step = ?2 WHERE technician_id = ?1",
                params![technician, step],
            )?;
            lockout::succeeded(&tx, Lockable::Technician, &technician)?;
            Ok(open_session(&tx, &technician, &device, "code", now)?)
        }
        _ if step.is_some() => {
            record(
                &tx,
                &technician,
                &device,
                "technician login refused",
                "code, another region",
                now,
            )?;
            Err(not_a_technician_here())
        }
        _ => {
            let detail = if lockout::failed(&tx, Lockable::Technician, &technician, now)? {
                "code, now locked"
            } else {
                "code"
            };
            record(
                &tx,
                &technician,
                &device,
                "technician login refused",
                detail,
                now,
            )?;
            Err(not_a_technician_here())
        }
    };
    tx.commit()?;
    session.map(Json)
}

#[utoipa::path(post, path = "/v1/technician/audit", request_body = TechnicianStep,
    responses((status = 204), (status = 401, body = komek_api::ApiError)))]
/// A step taken in technician mode, in the audit log under the technician and the kiosk.
pub async fn step(
    State(state): State<AppState>,
    device: KioskDevice,
    headers: HeaderMap,
    Json(step): Json<TechnicianStep>,
) -> Result<StatusCode, Refusal> {
    let ended = || {
        Refusal::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::Unauthorized,
            "no technician session on this kiosk, or it has ended",
        )
    };
    let token = bearer(&headers).ok_or_else(ended)?;
    let now = Utc::now();
    let conn = state.db.lock();
    let technician: Option<String> = conn
        .query_row(
            "SELECT technician_id FROM technician_sessions
             WHERE token_hash = ?1 AND kiosk_id = ?2 AND expires_at > ?3",
            params![
                sha256_hex(&[token.as_bytes()]),
                device.kiosk_id,
                crate::db::ts(now)
            ],
            |r| r.get(0),
        )
        .optional()?;
    let technician = technician.ok_or_else(ended)?;
    let action: String = step.action.chars().take(100).collect();
    let detail: String = step.detail.chars().take(MAX_DETAIL_CHARS).collect();
    record(&conn, &technician, &device, &action, &detail, now)?;
    if step.ends_session {
        conn.execute(
            "DELETE FROM technician_sessions WHERE token_hash = ?1",
            params![sha256_hex(&[token.as_bytes()])],
        )?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Development only: the current code of a listed technician's authenticator, so the demo
/// kiosk can show it. Absent unless `--dev-endpoints`.
#[utoipa::path(get, path = "/dev/technician-code/{iin}",
    params(("iin" = String, Path)),
    responses((status = 200, body = komek_api::DevOtp), (status = 404)))]
pub async fn dev_code(
    State(state): State<AppState>,
    Path(iin): Path<String>,
) -> Result<Json<komek_api::DevOtp>, Refusal> {
    let secret: Option<Vec<u8>> = state
        .db
        .lock()
        .query_row(
            "SELECT totp_secret FROM technicians WHERE iin_hash = ?1",
            params![iin_hash(&iin)],
            |r| r.get(0),
        )
        .optional()?;
    let secret = secret.ok_or_else(|| {
        Refusal::new(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            "no such technician",
        )
    })?;
    let now = u64::try_from(Utc::now().timestamp()).unwrap_or(0);
    Ok(Json(komek_api::DevOtp {
        code: totp(secret)?.generate(now),
    }))
}
