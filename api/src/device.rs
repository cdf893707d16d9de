//! The kiosk as a device the gateway knows: its enrolment and the signature on every request.
//!
//! A kiosk signs each request with its own P-256 key (ECDSA, SHA-256, DER), and the gateway
//! checks it against the public key it recorded at enrolment. Signed requests rather than mutual
//! TLS: the check holds on plain HTTP over loopback (the embedded demo) and behind a reverse
//! proxy that ends TLS, needs no certificate authority for kiosks, and binds the body, so a
//! request cannot be carried over to another kiosk's name.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

/// The kiosk id the request is made as (absent only on enrolment, which proves the key in its
/// body instead).
pub const DEVICE_HEADER: &str = "Komek-Device";
/// When the kiosk signed the request: Unix seconds, by the gateway's clock as the kiosk knows it.
pub const SIGNED_AT_HEADER: &str = "Komek-Signed-At";
/// The signature (base64) of [`request_signing_bytes`].
pub const SIGNATURE_HEADER: &str = "Komek-Signature";

/// How far from the gateway's clock a signature's time may be, either way. A captured request
/// is worth nothing after this; within it, actions are still applied once by their key.
pub const SIGNATURE_WINDOW_SECS: i64 = 300;

/// What a kiosk signs: the method, the path with its query, the time, and the body's SHA-256.
pub fn request_signing_bytes(
    method: &str,
    path_and_query: &str,
    signed_at: i64,
    body: &[u8],
) -> Vec<u8> {
    let body_digest = hex::encode(Sha256::digest(body));
    format!("komek-request-v1\n{method}\n{path_and_query}\n{signed_at}\n{body_digest}").into_bytes()
}

/// A URL's path with its query, as the request line carries it: what is signed.
pub fn path_and_query(path: &str, query: Option<&str>) -> String {
    match query {
        Some(query) => format!("{path}?{query}"),
        None => path.to_string(),
    }
}

/// The headers that sign a request as `kiosk_id` (none on enrolment, which proves the key in
/// its body), given `sign`, which signs [`request_signing_bytes`] with the kiosk's key
/// (ECDSA P-256, SHA-256, DER). Every signer of kiosk requests goes through this.
pub fn signature_headers(
    kiosk_id: Option<&str>,
    method: &str,
    path_and_query: &str,
    signed_at: i64,
    body: &[u8],
    sign: impl FnOnce(&[u8]) -> Vec<u8>,
) -> Vec<(&'static str, String)> {
    use base64::Engine;
    let message = request_signing_bytes(method, path_and_query, signed_at, body);
    let signature = base64::engine::general_purpose::STANDARD.encode(sign(&message));
    let mut headers = vec![
        (SIGNED_AT_HEADER, signed_at.to_string()),
        (SIGNATURE_HEADER, signature),
    ];
    if let Some(id) = kiosk_id {
        headers.push((DEVICE_HEADER, id.to_string()));
    }
    headers
}

/// `POST /v1/devices/enrol`: the code an operator issued, and the kiosk's public key, which
/// also signs this request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EnrolmentRequest {
    pub code: String,
    /// SubjectPublicKeyInfo, DER, base64.
    pub public_key: String,
}

/// Where an enrolled kiosk stands, as the operator recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DevicePlace {
    /// The operator's name for the kiosk (`KZ-35-KRG-014`); the kiosk speaks as it.
    pub kiosk_id: String,
    /// The service centre or akimat it stands in.
    pub site: String,
    /// ISO 3166-2 (`KZ-35`).
    pub region: String,
}

/// `POST /v1/operator/devices/enrolments`: a one-time code to type on that kiosk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EnrolmentCode {
    pub code: String,
    pub kiosk_id: String,
    pub expires_at: DateTime<Utc>,
}

/// A kiosk as the operator's device list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DeviceRecord {
    #[serde(flatten)]
    pub place: DevicePlace,
    /// The public key's fingerprint, as the kiosk's technician report shows it.
    pub fingerprint: String,
    pub enrolled_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<DateTime<Utc>>,
}

/// The fingerprint of a public key (SubjectPublicKeyInfo, DER): the first 16 bytes of its
/// SHA-256 in groups of four hex digits, short enough to read aloud and compare.
pub fn key_fingerprint(public_key_der: &[u8]) -> String {
    Sha256::digest(public_key_der)[..16]
        .chunks(2)
        .map(hex::encode)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signed_bytes_change_with_every_part_of_the_request() {
        let base = request_signing_bytes("POST", "/v1/actions", 1_800_000_000, b"{}");
        assert_ne!(
            base,
            request_signing_bytes("GET", "/v1/actions", 1_800_000_000, b"{}")
        );
        assert_ne!(
            base,
            request_signing_bytes("POST", "/v1/actions?x=1", 1_800_000_000, b"{}")
        );
        assert_ne!(
            base,
            request_signing_bytes("POST", "/v1/actions", 1_800_000_001, b"{}")
        );
        assert_ne!(
            base,
            request_signing_bytes("POST", "/v1/actions", 1_800_000_000, b"{ }")
        );
    }

    #[test]
    fn a_fingerprint_is_eight_groups_of_four_hex_digits() {
        let fingerprint = key_fingerprint(b"any key");
        let groups: Vec<&str> = fingerprint.split(' ').collect();
        assert_eq!(groups.len(), 8);
        assert!(
            groups
                .iter()
                .all(|g| g.len() == 4 && g.chars().all(|c| c.is_ascii_hexdigit()))
        );
    }
}
