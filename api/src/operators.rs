//! The portal's operators: each logs in with their own name, password and a code from their
//! authenticator app, and may do what their roles allow.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OperatorRole {
    /// The contact centre: moves technical-failure requests on.
    ContactCentre,
    /// The portal's programme staff: return an activity to the person's queue.
    Programme,
    /// The fleet: enrol and revoke kiosks.
    Fleet,
}

/// `POST /v1/operator/login`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OperatorLogin {
    pub username: String,
    pub password: String,
    /// The six digits the authenticator app shows now (RFC 6238); each is taken once.
    pub code: String,
}

/// A logged-in operator's session: `token` goes in `Authorization: Bearer`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OperatorSession {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub roles: Vec<OperatorRole>,
}
