//! Proactive offers (the pilot of home-education cost reimbursement for a child with
//! disability): the state finds the person entitled and offers the service; the person answers
//! within three working days with consent and the bank account to pay into, or refuses.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::LocalizedText;

/// `GET /v1/me/offers` (session): the offers addressed to the logged-in person (for a child,
/// to the legal representative), newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ProactiveOffer {
    pub id: String,
    pub service: LocalizedText,
    /// The child the service is for.
    pub child_name: String,
    /// When the offer's SMS was sent.
    pub sent_at: DateTime<Utc>,
    /// Working days to answer, from `sent_at` (3 in the pilot).
    pub answer_within_working_days: u32,
    /// The person's accounts in banks integrated with the ministry's system; may be empty.
    pub accounts: Vec<BankAccount>,
    /// Banks where an account can be opened to receive the payment.
    pub banks: Vec<String>,
    pub status: OfferStatus,
    /// Where to call with questions ("1414", free of charge).
    pub contact_centre: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BankAccount {
    pub id: String,
    pub bank: String,
    /// E.g. "KZ** **** **** **** 4821".
    pub number_masked: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OfferStatus {
    AwaitingAnswer,
    /// Consent given with an account: the application is formed with it.
    Accepted,
    Refused,
    /// Consent given; the person will open an account in one of `banks`.
    AwaitingAccount,
}

/// The queued answer to a [`ProactiveOffer`]; given by the person it was sent to, never with
/// `acting_for`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OfferAnswer {
    pub offer_id: String,
    /// Consent to personal-data processing and to the service.
    pub consent: bool,
    /// With consent: the account to pay into; None = the person will open one in a listed bank.
    pub account_id: Option<String>,
}
