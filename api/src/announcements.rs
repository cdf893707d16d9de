//! What the portal's administrator publishes for everyone (Rules item 14): scheduled
//! maintenance, technical failures with the planned date of their fix, news, questions and
//! answers, instructions, and the contact centre's phone. Public: readable without login.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::LocalizedText;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AnnouncementKind {
    /// Scheduled technical or maintenance work: `starts_at` to `ends_at`.
    Maintenance,
    /// A technical failure of the portal: noticed at `starts_at`, fix planned for
    /// `planned_fix`, fixed at `ends_at` once it is.
    Failure,
    News,
    /// A frequently asked question (`title`) and its answer (`body`).
    Question,
    Instruction,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Announcement {
    pub id: String,
    pub kind: AnnouncementKind,
    pub title: LocalizedText,
    pub body: LocalizedText,
    pub published_on: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ends_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub planned_fix: Option<DateTime<Utc>>,
    /// An instruction's video: a clip installed with the kiosk's image (its slot in the
    /// sign-language manifest), so it plays without a network, in KSL or RSL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video: Option<String>,
}

/// `GET /v1/announcements`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Announcements {
    /// The contact centre's phone for questions about the portal.
    pub contact_centre_phone: String,
    pub items: Vec<Announcement>,
}
