//! The HTTP contract between the Komek kiosk and its gateway.
//!
//! Only this crate, the gateway's handlers and the kiosk's `portal` module know the wire format.
//! The types are plain data: the kiosk's domain types are separate and never serialised by accident.

pub mod actions;
pub mod announcements;
pub mod auth;
pub mod card;
pub mod catalogue;
pub mod device;
pub mod failures;
pub mod offers;
pub mod operators;
pub mod participant;
pub mod representation;
pub mod signing;
pub mod technicians;

pub use actions::*;
pub use announcements::*;
pub use auth::*;
pub use card::*;
pub use catalogue::*;
pub use device::*;
pub use failures::*;
pub use offers::*;
pub use operators::*;
pub use participant::*;
pub use representation::*;
pub use signing::*;
pub use technicians::*;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Header that carries an action's UUIDv7 so the gateway applies it at most once.
pub const IDEMPOTENCY_KEY_HEADER: &str = "Idempotency-Key";

/// A text keyed by language code (`{"kk": "…", "ru": "…", "en": "…"}`): the portal gives its
/// texts in the kiosk's languages, and a language it does not give falls back on the kiosk.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(transparent)]
pub struct LocalizedText(pub BTreeMap<String, String>);

impl LocalizedText {
    pub fn new<K: Into<String>, V: Into<String>>(texts: impl IntoIterator<Item = (K, V)>) -> Self {
        LocalizedText(
            texts
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }

    /// The text in language `code`, if it was given.
    pub fn get(&self, code: &str) -> Option<&str> {
        self.0.get(code).map(String::as_str)
    }
}

/// The body of every error answer. `code` is stable and machine-readable; the kiosk turns it
/// into a message in the person's language, `message` is for logs and technicians.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    /// With `wrong_code`: how many tries the challenge has left.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempts_left: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    InvalidIin,
    UnknownParticipant,
    TooManyRequests,
    ChallengeExpired,
    WrongCode,
    AttemptsExhausted,
    Unauthorized,
    GrantExpired,
    IdempotencyConflict,
    InvalidAction,
    /// An operator event that does not follow from the ticket's history.
    InvalidTransition,
    /// The logged-in person does not represent the IIN they asked to act for.
    NotRepresentative,
    /// A card's certificate or signature was not accepted (unknown root, expired, forged,
    /// or its IIN is not a participant); the message says which.
    CardRejected,
    /// The request is not signed by an enrolled kiosk (no signature, an unknown kiosk id, a
    /// signature that does not verify, or a time outside the window); the message says which.
    UnknownDevice,
    /// The kiosk was enrolled, and an operator has revoked it.
    DeviceRevoked,
    /// An enrolment code that is unknown, used or expired.
    EnrolmentRefused,
    /// The operator is logged in but their roles do not include this action.
    NotPermitted,
    BadRequest,
    NotFound,
    Internal,
}

/// `GET /healthz`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Health {
    pub status: String,
    pub version: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_localized_text_is_an_object_keyed_by_language_code() {
        let json = r#"{"en":"Hearing aid","kk":"Есту аппараты","ru":"Слуховой аппарат"}"#;
        let text: LocalizedText = serde_json::from_str(json).unwrap();
        assert_eq!(text.get("kk"), Some("Есту аппараты"));
        assert_eq!(text.get("uz"), None);
        assert_eq!(serde_json::to_string(&text).unwrap(), json);
        // A fourth language travels without a change to the contract.
        let four: LocalizedText =
            serde_json::from_str(r#"{"kk":"a","ru":"b","en":"c","uz":"d"}"#).unwrap();
        assert_eq!(four.get("uz"), Some("d"));
    }
}
