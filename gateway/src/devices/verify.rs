//! Every kiosk request is signed by an enrolled kiosk: the layer in front of the kiosk's routes
//! checks the signature against the key recorded at enrolment and hands the handlers the kiosk
//! it came from ([`KioskDevice`]). Unknown, revoked and badly signed requests never reach them.

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use komek_api::{
    DEVICE_HEADER, ErrorCode, SIGNATURE_HEADER, SIGNATURE_WINDOW_SECS, SIGNED_AT_HEADER,
    request_signing_bytes,
};
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{DerSignature, VerifyingKey};
use p256::pkcs8::DecodePublicKey;
use rusqlite::{OptionalExtension, params};

use crate::AppState;
use crate::error::Refusal;

/// The largest body a kiosk sends (the same as axum's own limit for JSON).
const MAX_SIGNED_BODY: usize = 2 * 1024 * 1024;

/// The enrolled kiosk a request came from, for handlers that bind what they issue to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KioskDevice {
    pub kiosk_id: String,
}

impl<S: Send + Sync> FromRequestParts<S> for KioskDevice {
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Refusal> {
        parts
            .extensions
            .get::<KioskDevice>()
            .cloned()
            .ok_or_else(|| unknown_device("the request is not signed by a kiosk"))
    }
}

pub(crate) fn unknown_device(why: &str) -> Refusal {
    Refusal::new(StatusCode::UNAUTHORIZED, ErrorCode::UnknownDevice, why)
}

/// The layer in front of every kiosk route.
pub async fn authenticate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    match admit(&state, request).await {
        Ok(request) => next.run(request).await,
        Err(refusal) => refusal.into_response(),
    }
}

async fn admit(state: &AppState, request: Request) -> Result<Request, Refusal> {
    let (mut parts, body) = request.into_parts();
    let body = to_bytes(body, MAX_SIGNED_BODY).await.map_err(|_| {
        Refusal::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::BadRequest,
            "the body is too large",
        )
    })?;
    let kiosk_id = header_text(&parts.headers, DEVICE_HEADER)
        .ok_or_else(|| unknown_device("the request names no kiosk"))?
        .to_string();
    let row: Option<(Vec<u8>, Option<String>)> = state
        .db
        .lock()
        .query_row(
            "SELECT public_key, revoked_at FROM devices WHERE kiosk_id = ?1",
            params![kiosk_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((public_key, revoked_at)) = row else {
        return Err(unknown_device("no kiosk is enrolled under this id"));
    };
    if revoked_at.is_some() {
        return Err(Refusal::new(
            StatusCode::FORBIDDEN,
            ErrorCode::DeviceRevoked,
            "this kiosk has been revoked; an operator must enrol it again",
        ));
    }
    let key = VerifyingKey::from_public_key_der(&public_key)
        .map_err(|e| crate::GatewayError::StoredKey(e.to_string()))?;
    let path = parts
        .uri
        .path_and_query()
        .map_or(parts.uri.path(), |p| p.as_str());
    check_signature(
        &parts.headers,
        parts.method.as_str(),
        path,
        &body,
        &key,
        Utc::now(),
    )?;
    parts.extensions.insert(KioskDevice { kiosk_id });
    Ok(Request::from_parts(parts, Body::from(body)))
}

fn header_text<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty())
}

/// Whether the request's signature headers hold `key`'s signature of this request, made within
/// the window around `now`.
pub(crate) fn check_signature(
    headers: &HeaderMap,
    method: &str,
    path_and_query: &str,
    body: &Bytes,
    key: &VerifyingKey,
    now: DateTime<Utc>,
) -> Result<(), Refusal> {
    let signed_at: i64 = header_text(headers, SIGNED_AT_HEADER)
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| unknown_device("the request carries no signing time"))?;
    if now.timestamp().abs_diff(signed_at) > SIGNATURE_WINDOW_SECS.unsigned_abs() {
        return Err(unknown_device(
            "the request was signed too far from the gateway's time: check the kiosk's clock",
        ));
    }
    let signature = header_text(headers, SIGNATURE_HEADER)
        .and_then(|v| STANDARD.decode(v).ok())
        .and_then(|der| DerSignature::from_bytes(&der).ok())
        .ok_or_else(|| unknown_device("the request carries no readable signature"))?;
    let message = request_signing_bytes(method, path_and_query, signed_at, body);
    key.verify(&message, &signature)
        .map_err(|_| unknown_device("the request's signature does not verify"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use axum::http::HeaderValue;
    use p256::ecdsa::SigningKey;
    use p256::ecdsa::signature::Signer;

    fn signed(key: &SigningKey, at: i64, body: &[u8]) -> HeaderMap {
        let message = request_signing_bytes("POST", "/v1/actions", at, body);
        let signature: DerSignature = key.sign(&message);
        let mut headers = HeaderMap::new();
        headers.insert(SIGNED_AT_HEADER, HeaderValue::from(at));
        headers.insert(
            SIGNATURE_HEADER,
            HeaderValue::from_str(&STANDARD.encode(signature.as_bytes())).unwrap(),
        );
        headers
    }

    fn key() -> SigningKey {
        SigningKey::from_slice(&[7u8; 32]).unwrap()
    }

    fn check(headers: &HeaderMap, body: &[u8], key: &SigningKey, now: i64) -> bool {
        let now = DateTime::from_timestamp(now, 0).unwrap();
        check_signature(
            headers,
            "POST",
            "/v1/actions",
            &Bytes::copy_from_slice(body),
            key.verifying_key(),
            now,
        )
        .is_ok()
    }

    const NOW: i64 = 1_800_000_000;

    #[test]
    fn a_request_signed_by_the_key_within_the_window_is_admitted() {
        let key = key();
        assert!(check(&signed(&key, NOW, b"{}"), b"{}", &key, NOW));
        assert!(check(&signed(&key, NOW - 300, b"{}"), b"{}", &key, NOW));
        assert!(check(&signed(&key, NOW + 300, b"{}"), b"{}", &key, NOW));
    }

    #[test]
    fn a_changed_body_another_key_or_a_time_outside_the_window_is_refused() {
        let key = key();
        let other = SigningKey::from_slice(&[9u8; 32]).unwrap();
        assert!(!check(&signed(&key, NOW, b"{}"), b"{ }", &key, NOW));
        assert!(!check(&signed(&other, NOW, b"{}"), b"{}", &key, NOW));
        assert!(!check(&signed(&key, NOW - 301, b"{}"), b"{}", &key, NOW));
        assert!(!check(&signed(&key, NOW + 301, b"{}"), b"{}", &key, NOW));
        assert!(!check(&HeaderMap::new(), b"{}", &key, NOW));
    }
}
