//! Field technicians: on the gateway's list for the regions they serve, they open the kiosk's
//! technician mode with their national ID card (or a TOTP code), and every step they take
//! there is sent to the gateway's audit log.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `POST /v1/operator/technicians`: puts a technician on the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TechnicianEnrolment {
    /// The operator's id for them (`tech-krg-07`); what the audit log names.
    pub technician_id: String,
    /// Their IIN, so their ID card opens technician mode; kept only as a hash.
    pub iin: String,
    /// ISO 3166-2 codes of the regions whose kiosks they may open.
    pub regions: Vec<String>,
}

/// The answer: the TOTP secret for the technician's authenticator app, shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TechnicianSecret {
    pub technician_id: String,
    pub totp_secret: String,
    pub otpauth_uri: String,
}

/// `POST /v1/technician/login/code`: the fallback when the card cannot be used. The
/// technician is named by their IIN, which the kiosk's keypad can type (an id with letters
/// would need the keyboard); the code is the secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TechnicianCodeLogin {
    pub iin: String,
    pub code: String,
}

/// A technician's session on one kiosk: `token` goes in `Authorization: Bearer`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TechnicianSession {
    pub token: String,
    pub technician_id: String,
    pub expires_at: DateTime<Utc>,
}

/// `POST /v1/technician/audit`: one step taken in technician mode. `detail` names kiosk
/// references, counts and kinds, never a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TechnicianStep {
    pub action: String,
    #[serde(default)]
    pub detail: String,
    /// The mode ended with this step: the session ends at the gateway too.
    #[serde(default)]
    pub ends_session: bool,
}
