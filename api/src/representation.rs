//! Acting for another person (Rules item 2.9): a parent for a child, a guardian or a trustee
//! for someone who cannot act alone. The representative logs in as themselves and names the
//! principal on each read (`Acting-For`) and on each queued action (`acting_for`).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::ParticipantCategory;

/// Header naming the principal's IIN on a session read under `/v1/me/...` (profile,
/// activities, failure requests); without it the session person's own data is answered.
pub const ACTING_FOR_HEADER: &str = "Acting-For";

/// Why a person may act for another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// A parent of a child under 18.
    Parent,
    /// A guardian appointed for a child or an incapable adult.
    Guardian,
    /// A trustee of an adult who cannot look after themselves.
    Trustee,
}

/// `GET /v1/me/principals` (session): the people the logged-in person may act for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Principal {
    pub iin: String,
    /// Surname, given name and patronymic (if any), as on record.
    pub full_name: String,
    pub birth_date: NaiveDate,
    pub relation: Relation,
    pub category: ParticipantCategory,
}
