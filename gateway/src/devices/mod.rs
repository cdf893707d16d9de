//! Kiosks as devices the gateway knows. An operator issues a one-time enrolment code for a
//! kiosk id, site and region; the kiosk sends it with its public key, signed by that key, and is
//! recorded; from then on every request it makes is signed ([`verify`]). Revocation takes
//! effect on the kiosk's next request.

mod verify;

pub use verify::{KioskDevice, authenticate};

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Duration, Utc};
use komek_api::{
    DevicePlace, DeviceRecord, EnrolmentCode, EnrolmentRequest, ErrorCode, OperatorRole,
    key_fingerprint,
};
use p256::ecdsa::VerifyingKey;
use p256::pkcs8::DecodePublicKey;
use rand::RngExt;
use rusqlite::{Connection, OptionalExtension, params};

use crate::AppState;
use crate::audit::{self, Actor, Entry};
use crate::auth::sha256_hex;
use crate::error::Refusal;

/// How long an enrolment code may be used: a technician's working day and the night after.
pub const ENROLMENT_CODE_LIFETIME: Duration = Duration::hours(24);

/// Twelve digits: typed on the kiosk's own keypad, and guessing one is hopeless in its day.
const CODE_DIGITS: usize = 12;

fn new_code() -> String {
    let mut rng = rand::rng();
    (0..CODE_DIGITS)
        .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
        .collect()
}

/// The code as typed, with any spaces or dashes the technician added left out.
fn code_hash(typed: &str) -> String {
    let digits: String = typed.chars().filter(char::is_ascii_digit).collect();
    sha256_hex(&[b"enrolment-code\n", digits.as_bytes()])
}

/// A Kazakh region's ISO 3166-2 code (`KZ-35`): where kiosks stand and technicians serve.
pub(crate) fn valid_region(code: &str) -> bool {
    code.len() == 5
        && code.starts_with("KZ-")
        && code[3..].chars().all(|c| c.is_ascii_alphanumeric())
}

fn valid_place(place: &DevicePlace) -> Result<(), Refusal> {
    let id_ok = !place.kiosk_id.is_empty()
        && place.kiosk_id.len() <= 64
        && place
            .kiosk_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    let region_ok = valid_region(&place.region);
    let site_ok = !place.site.trim().is_empty() && place.site.len() <= 200;
    if id_ok && region_ok && site_ok {
        Ok(())
    } else {
        Err(Refusal::bad_request(
            "a kiosk id is 1-64 letters, digits, '-', '_' or '.'; a region is ISO 3166-2 (KZ-35); \
             a site is named",
        ))
    }
}

/// Issues a one-time code for `place` and logs who asked.
fn issue(
    state: &AppState,
    place: &DevicePlace,
    actor: Actor,
) -> Result<Json<EnrolmentCode>, Refusal> {
    valid_place(place)?;
    let code = new_code();
    let now = Utc::now();
    let expires_at = now + ENROLMENT_CODE_LIFETIME;
    let mut conn = state.db.lock();
    let tx = conn.transaction()?;
    tx.execute(
        "INSERT INTO enrolment_codes (code_hash, kiosk_id, site, region, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            code_hash(&code),
            place.kiosk_id,
            place.site,
            place.region,
            crate::db::ts(now),
            crate::db::ts(expires_at)
        ],
    )?;
    audit::record(
        &tx,
        &Entry {
            actor,
            action: "enrolment code issued",
            kiosk_id: Some(&place.kiosk_id),
            detail: &format!("site {}, region {}", place.site, place.region),
        },
        now,
    )?;
    tx.commit()?;
    Ok(Json(EnrolmentCode {
        code,
        kiosk_id: place.kiosk_id.clone(),
        expires_at,
    }))
}

#[utoipa::path(post, path = "/v1/operator/devices/enrolments", request_body = DevicePlace,
    responses((status = 200, body = EnrolmentCode), (status = 400, body = komek_api::ApiError),
              (status = 401, body = komek_api::ApiError)))]
/// A one-time code to enrol the kiosk `kiosk_id` at `site` in `region`.
pub async fn issue_enrolment(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(place): Json<DevicePlace>,
) -> Result<Json<EnrolmentCode>, Refusal> {
    let operator = crate::operators::require(&state, &headers, OperatorRole::Fleet)?;
    issue(&state, &place, Actor::Operator(operator.0))
}

/// Development only: an enrolment code without an operator (the embedded demo enrols itself).
pub async fn dev_issue_enrolment(
    State(state): State<AppState>,
    Json(place): Json<DevicePlace>,
) -> Result<Json<EnrolmentCode>, Refusal> {
    issue(&state, &place, Actor::Development)
}

fn enrolment_refused() -> Refusal {
    Refusal::new(
        StatusCode::FORBIDDEN,
        ErrorCode::EnrolmentRefused,
        "the enrolment code is unknown, used or expired; ask the operator for a new one",
    )
}

#[utoipa::path(post, path = "/v1/devices/enrol", request_body = EnrolmentRequest,
    responses((status = 200, body = DevicePlace), (status = 400, body = komek_api::ApiError),
              (status = 401, body = komek_api::ApiError), (status = 403, body = komek_api::ApiError)))]
/// Records the kiosk's public key under the code's kiosk id. The request is signed by the key
/// it carries, so only the holder of the private key can enrol it.
pub async fn enrol(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<DevicePlace>, Refusal> {
    let request: EnrolmentRequest = serde_json::from_slice(&body)
        .map_err(|e| Refusal::bad_request(format!("body is not an enrolment: {e}")))?;
    let public_key = STANDARD
        .decode(&request.public_key)
        .map_err(|_| Refusal::bad_request("the public key is not base64"))?;
    let key = VerifyingKey::from_public_key_der(&public_key)
        .map_err(|_| Refusal::bad_request("the public key is not a P-256 key (SPKI, DER)"))?;
    let path = uri.path_and_query().map_or(uri.path(), |p| p.as_str());
    verify::check_signature(&headers, "POST", path, &body, &key, Utc::now())?;

    let now = Utc::now();
    let mut conn = state.db.lock();
    let tx = conn.transaction()?;
    let place = redeem(&tx, &request.code, now)?.ok_or_else(enrolment_refused)?;
    let fingerprint = key_fingerprint(&public_key);
    // Enrolling a kiosk id again (a replaced or re-imaged kiosk) takes the new key and lifts a
    // revocation: the operator issued the code for it.
    tx.execute(
        "INSERT INTO devices (kiosk_id, site, region, public_key, fingerprint, enrolled_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (kiosk_id) DO UPDATE SET site = excluded.site, region = excluded.region,
             public_key = excluded.public_key, fingerprint = excluded.fingerprint,
             enrolled_at = excluded.enrolled_at, revoked_at = NULL",
        params![
            place.kiosk_id,
            place.site,
            place.region,
            public_key,
            fingerprint,
            crate::db::ts(now)
        ],
    )?;
    audit::record(
        &tx,
        &Entry {
            actor: Actor::Kiosk(place.kiosk_id.clone()),
            action: "enrolled",
            kiosk_id: Some(&place.kiosk_id),
            detail: &format!("key {fingerprint}"),
        },
        now,
    )?;
    tx.commit()?;
    tracing::info!(kiosk = %place.kiosk_id, %fingerprint, "kiosk enrolled");
    Ok(Json(place))
}

/// The place a code was issued for, if it is unused and in time; it is used from now on.
fn redeem(
    conn: &Connection,
    typed: &str,
    now: DateTime<Utc>,
) -> Result<Option<DevicePlace>, Refusal> {
    let hash = code_hash(typed);
    let row: Option<(DevicePlace, String, Option<String>)> = conn
        .query_row(
            "SELECT kiosk_id, site, region, expires_at, used_at FROM enrolment_codes
             WHERE code_hash = ?1",
            params![hash],
            |r| {
                Ok((
                    DevicePlace {
                        kiosk_id: r.get(0)?,
                        site: r.get(1)?,
                        region: r.get(2)?,
                    },
                    r.get(3)?,
                    r.get(4)?,
                ))
            },
        )
        .optional()?;
    match row {
        Some((place, expires_at, None)) if expires_at > crate::db::ts(now) => {
            conn.execute(
                "UPDATE enrolment_codes SET used_at = ?2 WHERE code_hash = ?1",
                params![hash, crate::db::ts(now)],
            )?;
            Ok(Some(place))
        }
        _ => Ok(None),
    }
}

#[utoipa::path(post, path = "/v1/operator/devices/{kiosk_id}/revoke",
    params(("kiosk_id" = String, Path)),
    responses((status = 200, body = DeviceRecord), (status = 401), (status = 404)))]
/// Revokes a kiosk: its next request is refused, and so is everything it would deliver.
pub async fn revoke(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(kiosk_id): Path<String>,
) -> Result<Json<DeviceRecord>, Refusal> {
    let operator = crate::operators::require(&state, &headers, OperatorRole::Fleet)?;
    let now = Utc::now();
    let mut conn = state.db.lock();
    let tx = conn.transaction()?;
    tx.execute(
        "UPDATE devices SET revoked_at = COALESCE(revoked_at, ?2) WHERE kiosk_id = ?1",
        params![kiosk_id, crate::db::ts(now)],
    )?;
    // The record after the update is the answer; none means no such kiosk.
    let record = device_records(&tx, Some(&kiosk_id))?.pop().ok_or_else(|| {
        Refusal::new(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            "no kiosk is enrolled under this id",
        )
    })?;
    audit::record(
        &tx,
        &Entry {
            actor: Actor::Operator(operator.0),
            action: "revoked",
            kiosk_id: Some(&kiosk_id),
            detail: "",
        },
        now,
    )?;
    tx.commit()?;
    tracing::info!(kiosk = %kiosk_id, "kiosk revoked");
    Ok(Json(record))
}

#[utoipa::path(get, path = "/v1/operator/devices",
    responses((status = 200, body = Vec<DeviceRecord>), (status = 401)))]
/// Every enrolled kiosk, revoked ones too, by kiosk id.
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Vec<DeviceRecord>>, Refusal> {
    crate::operators::require(&state, &headers, OperatorRole::Fleet)?;
    let conn = state.db.lock();
    Ok(Json(device_records(&conn, None)?))
}

fn device_records(conn: &Connection, only: Option<&str>) -> Result<Vec<DeviceRecord>, Refusal> {
    let mut statement = conn.prepare(
        "SELECT kiosk_id, site, region, fingerprint, enrolled_at, revoked_at FROM devices
         WHERE ?1 IS NULL OR kiosk_id = ?1 ORDER BY kiosk_id",
    )?;
    let rows = statement
        .query_map(params![only], |r| {
            Ok((
                DevicePlace {
                    kiosk_id: r.get(0)?,
                    site: r.get(1)?,
                    region: r.get(2)?,
                },
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|(place, fingerprint, enrolled_at, revoked_at)| {
            Ok(DeviceRecord {
                place,
                fingerprint,
                enrolled_at: crate::db::parse_ts(&enrolled_at)?,
                revoked_at: revoked_at.as_deref().map(crate::db::parse_ts).transpose()?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_twelve_digits_and_typed_spacing_does_not_matter() {
        let code = new_code();
        assert_eq!(code.len(), CODE_DIGITS);
        assert!(code.chars().all(|c| c.is_ascii_digit()));
        let spaced = format!("{} {}-{}", &code[..4], &code[4..8], &code[8..]);
        assert_eq!(code_hash(&spaced), code_hash(&code));
        assert_ne!(code_hash("000000000000"), code_hash("000000000001"));
    }

    #[test]
    fn a_place_needs_a_plain_kiosk_id_a_kazakh_region_and_a_site() {
        let place = |id: &str, site: &str, region: &str| DevicePlace {
            kiosk_id: id.into(),
            site: site.into(),
            region: region.into(),
        };
        assert!(valid_place(&place("KZ-35-KRG-014", "ЦОН Караганды", "KZ-35")).is_ok());
        assert!(valid_place(&place("", "ЦОН", "KZ-35")).is_err());
        assert!(valid_place(&place("a b", "ЦОН", "KZ-35")).is_err());
        assert!(valid_place(&place("k1", " ", "KZ-35")).is_err());
        assert!(valid_place(&place("k1", "ЦОН", "RU-MOW")).is_err());
    }
}
