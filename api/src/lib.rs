//! The HTTP contract between the Komek kiosk and its gateway.
//!
//! Only this crate, the gateway's handlers and the kiosk's `portal` module know the wire format.
//! The types are plain data: the kiosk's domain types are separate and never serialised by accident.

pub mod actions;
pub mod announcements;
pub mod auth;
pub mod card;
pub mod catalogue;
pub mod failures;
pub mod offers;
pub mod participant;
pub mod representation;
pub mod signing;

pub use actions::*;
pub use announcements::*;
pub use auth::*;
pub use card::*;
pub use catalogue::*;
pub use failures::*;
pub use offers::*;
pub use participant::*;
pub use representation::*;
pub use signing::*;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Header that carries an action's UUIDv7 so the gateway applies it at most once.
pub const IDEMPOTENCY_KEY_HEADER: &str = "Idempotency-Key";

/// A text in the three languages of the kiosk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LocalizedText {
    pub kk: String,
    pub ru: String,
    pub en: String,
}

impl LocalizedText {
    /// The text for a language code (`kk`, `ru`, `en`); English for anything else.
    pub fn get(&self, lang: &str) -> &str {
        match lang {
            "kk" => &self.kk,
            "ru" => &self.ru,
            _ => &self.en,
        }
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
