//! Technical-failure requests (Rules items 15-16): what the person sends from the kiosk, what
//! the contact centre's operators record, and what the person sees of their requests.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The queued action: a person reports that something does not work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FailureRequest {
    pub problem: FailureProblem,
    /// In the person's words (on-screen keyboard); may be empty when a common problem fits.
    pub description: String,
    /// Where the contact centre may call back: `+7` and ten digits.
    pub contact_phone: Option<String>,
    /// A snapshot of the kiosk's screen, PNG in base64, if the person agreed to attach it.
    pub screenshot_png_base64: Option<String>,
    /// The kiosk's technician report (`--diagnose`): nothing personal.
    pub kiosk_diagnostics: Option<String>,
}

/// The common problems a person can pick instead of typing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FailureProblem {
    CodeNotReceived,
    CannotLogIn,
    ProgrammeNotShown,
    ApplicationNotAccepted,
    WrongDataShown,
    KioskNotWorking,
    Other,
}

/// What the contact centre and the portal's administrator record about a request, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TicketEvent {
    /// Registered in the contact centre's system (within 3 working hours of receipt).
    Register,
    /// Analysis begun.
    Analyse,
    /// The analysis confirmed a failure of the portal (within 1 working day of registration).
    Confirm,
    /// The analysis found no failure of the portal.
    Refute,
    /// Passed to the portal's administrator (within 3 working hours of confirmation).
    Escalate,
    /// The administrator confirmed the failure and planned its fix.
    AdminConfirm,
    /// The administrator found no failure.
    AdminRefute,
    /// The person was told the administrator's decision (within 30 minutes).
    NotifyDecision,
    /// The administrator began the fix (within 1 working day of escalation).
    StartFix,
    Fix,
    /// The person was told of the fix (within 3 working hours).
    NotifyFix,
    Close,
}

/// `POST /v1/operator/tickets/{reference}/events` (operators only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OperatorEvent {
    pub event: TicketEvent,
    /// When it happened; now if absent.
    pub at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TicketRecord {
    pub event: TicketEvent,
    pub at: DateTime<Utc>,
}

/// `GET /v1/me/failure-requests`: a person's requests, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Ticket {
    pub reference: String,
    pub problem: FailureProblem,
    /// When the person confirmed it on the kiosk.
    pub submitted_at: DateTime<Utc>,
    /// When it reached the contact centre (the SLA counts from here, in working time).
    pub received_at: DateTime<Utc>,
    pub events: Vec<TicketRecord>,
}
