//! The kiosk signs every request it makes as the device it was enrolled as (the contract is in
//! `komek_api::device`), and keeps the gateway's clock as it last heard it: a kiosk whose own
//! clock is off still signs within the gateway's window, and a technician sees the offset.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, RwLock};

use chrono::{DateTime, Utc};
use komek_api as api;
use reqwest::header::{DATE, HeaderMap, HeaderValue};

use crate::identity::DeviceIdentity;

/// Who the kiosk speaks as, and the key it signs with; shared by every clone of the client, so
/// an enrolment takes effect on all of them at once.
#[derive(Clone)]
pub struct DeviceSigner {
    identity: Arc<DeviceIdentity>,
    kiosk_id: Arc<RwLock<Option<String>>>,
    clock_offset_secs: Arc<AtomicI64>,
}

impl DeviceSigner {
    pub fn new(identity: Arc<DeviceIdentity>, kiosk_id: Option<String>) -> Self {
        DeviceSigner {
            identity,
            kiosk_id: Arc::new(RwLock::new(kiosk_id)),
            clock_offset_secs: Arc::new(AtomicI64::new(0)),
        }
    }

    pub fn identity(&self) -> &DeviceIdentity {
        &self.identity
    }

    /// The id the gateway knows this kiosk by, once enrolled.
    pub fn kiosk_id(&self) -> Option<String> {
        self.kiosk_id
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    pub fn set_kiosk_id(&self, id: String) {
        *self
            .kiosk_id
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(id);
    }

    /// How far the gateway's clock is ahead of this kiosk's, as of its last answer (seconds).
    pub fn clock_offset_secs(&self) -> i64 {
        self.clock_offset_secs.load(Ordering::Relaxed)
    }

    /// Learns the gateway's time from an answer's `Date` header, read at `local_now`.
    pub fn heard(&self, headers: &HeaderMap, local_now: DateTime<Utc>) {
        let gateway_now = headers
            .get(DATE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| DateTime::parse_from_rfc2822(v).ok());
        if let Some(gateway_now) = gateway_now {
            let offset = gateway_now.timestamp() - local_now.timestamp();
            self.clock_offset_secs.store(offset, Ordering::Relaxed);
        }
    }

    /// Adds the signature headers to `request`, signed at `local_now` by the gateway's clock.
    pub fn sign(&self, request: &mut reqwest::Request, local_now: DateTime<Utc>) {
        let body = request
            .body()
            .and_then(reqwest::Body::as_bytes)
            .unwrap_or_default();
        let url = request.url();
        let headers = api::signature_headers(
            self.kiosk_id().as_deref(),
            request.method().as_str(),
            &api::path_and_query(url.path(), url.query()),
            local_now.timestamp() + self.clock_offset_secs(),
            body,
            |message| self.identity.sign(message),
        );
        for (name, value) in headers {
            if let Ok(value) = HeaderValue::from_str(&value) {
                request.headers_mut().insert(name, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    use p256::ecdsa::signature::Verifier;
    use p256::ecdsa::{DerSignature, VerifyingKey};
    use p256::pkcs8::DecodePublicKey;

    fn signer() -> (DeviceSigner, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let identity = DeviceIdentity::load_or_create(&dir.path().join("key")).unwrap();
        (
            DeviceSigner::new(Arc::new(identity), Some("kiosk-1".into())),
            dir,
        )
    }

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(secs, 0).unwrap()
    }

    #[test]
    fn a_signed_request_verifies_with_the_public_key_over_what_the_gateway_reads() {
        let (signer, _dir) = signer();
        let mut request = reqwest::Client::new()
            .post("http://127.0.0.1:1/v1/actions?x=1")
            .body("{\"a\":1}")
            .build()
            .unwrap();
        signer.sign(&mut request, at(1_800_000_000));
        let headers = request.headers();
        assert_eq!(headers[api::DEVICE_HEADER], "kiosk-1");
        assert_eq!(headers[api::SIGNED_AT_HEADER], "1800000000");
        let signature = STANDARD
            .decode(headers[api::SIGNATURE_HEADER].to_str().unwrap())
            .unwrap();
        let key = VerifyingKey::from_public_key_der(&signer.identity().public_key_der()).unwrap();
        let message =
            api::request_signing_bytes("POST", "/v1/actions?x=1", 1_800_000_000, b"{\"a\":1}");
        let signature = DerSignature::from_bytes(&signature).unwrap();
        assert!(key.verify(&message, &signature).is_ok());
    }

    #[test]
    fn the_gateways_clock_is_learned_from_its_date_header_and_signs_the_next_request() {
        let (signer, _dir) = signer();
        let mut headers = HeaderMap::new();
        // 2027-01-15 08:00:00 UTC, heard when the kiosk's clock said ten minutes less.
        headers.insert(
            DATE,
            HeaderValue::from_static("Fri, 15 Jan 2027 08:00:00 GMT"),
        );
        let gateway = DateTime::parse_from_rfc2822("Fri, 15 Jan 2027 08:00:00 GMT")
            .unwrap()
            .timestamp();
        signer.heard(&headers, at(gateway - 600));
        assert_eq!(signer.clock_offset_secs(), 600);

        let mut request = reqwest::Client::new()
            .get("http://127.0.0.1:1/v1/catalogue")
            .build()
            .unwrap();
        signer.sign(&mut request, at(gateway - 590));
        assert_eq!(
            request.headers()[api::SIGNED_AT_HEADER],
            (gateway + 10).to_string().as_str()
        );

        // An answer without a readable date changes nothing.
        headers.insert(DATE, HeaderValue::from_static("yesterday"));
        signer.heard(&headers, at(0));
        assert_eq!(signer.clock_offset_secs(), 600);
    }
}
