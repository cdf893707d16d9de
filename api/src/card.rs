//! Logging in and signing with the national ID card (Rules items 6, 8), and logging in with
//! eGov Mobile's QR code. The card signs on the kiosk; the gateway verifies the signature and
//! the certificate's chain to its configured roots.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::LoginSession;

/// How a card signed. The message is hashed with SHA-256 (on the kiosk) and the card signs
/// the digest: PKCS#1 v1.5 or PSS for RSA keys, ECDSA (DER-encoded) for P-256 keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SignatureAlgorithm {
    RsaPkcs1Sha256,
    RsaPssSha256,
    EcdsaP256Sha256,
}

/// A signature made by a card, with the certificate that proves whose key made it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CardSignature {
    /// The card's signing or authentication certificate, DER in standard base64.
    pub certificate: String,
    pub algorithm: SignatureAlgorithm,
    /// Standard base64.
    pub signature: String,
}

/// `POST /v1/auth/card/challenge` (no body): a nonce for the card to sign, bound to the kiosk
/// that signed the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CardChallenge {
    pub challenge_id: Uuid,
    /// 32 random bytes, standard base64.
    pub nonce: String,
    pub expires_at: DateTime<Utc>,
}

/// `POST /v1/auth/card/verify`: the card's signature of [`card_login_message`]; answered with
/// a [`LoginSession`] for the IIN in the certificate's subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CardLogin {
    pub challenge_id: Uuid,
    pub signature: CardSignature,
}

/// The bytes a card signs to log in: a fixed label, then the nonce's bytes (decoded).
pub fn card_login_message(nonce: &[u8]) -> Vec<u8> {
    let mut message = b"komek-card-login/1\n".to_vec();
    message.extend_from_slice(nonce);
    message
}

/// The IIN in a certificate subject's `serialNumber` as the National Certification Authority
/// writes it: `IIN` and the 12 digits, nothing else. The gateway and the kiosk read it alike.
pub fn iin_in_serial_number(serial_number: &str) -> Option<&str> {
    serial_number
        .strip_prefix("IIN")
        .filter(|digits| digits.len() == 12 && digits.bytes().all(|b| b.is_ascii_digit()))
}

/// `POST /v1/auth/qr` (no body): starts a login with eGov Mobile; the kiosk shows `qr_payload`
/// as a QR code and asks [`QrLoginState`] until the person approves it on their phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct QrLoginStart {
    /// One-time and unguessable; only the kiosk that asked can read its state.
    pub session_id: Uuid,
    /// What the QR code holds (what eGov Mobile scans).
    pub qr_payload: String,
    pub expires_at: DateTime<Utc>,
}

/// `GET /v1/auth/qr/{session_id}`. `Approved` comes once: the login session is handed over
/// a single time, later asks answer `Expired`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum QrLoginState {
    Pending,
    Approved { session: LoginSession },
    Expired,
}

/// `POST /v1/egov/qr/{code}/approve`, where `code` is the one in the QR payload (not the
/// session id, which only the kiosk that asked knows): what the eGov Mobile side sends once
/// the person has confirmed the login on their phone (bearer: the gateway's eGov token). The
/// demo approves through `POST /dev/qr/{session_id}/approve` with the same body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct QrApproval {
    pub iin: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_iin_is_iin_and_twelve_digits() {
        assert_eq!(
            iin_in_serial_number("IIN810314304128"),
            Some("810314304128")
        );
        for not in [
            "810314304128",
            "IIN81031430412",
            "IIN8103143041280",
            "IIN81031430412x",
            "BIN810314304128",
            "iin810314304128",
        ] {
            assert_eq!(iin_in_serial_number(not), None, "{not}");
        }
    }
}
