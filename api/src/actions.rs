//! Actions a person takes on the kiosk, queued in its outbox and delivered here.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// `POST /v1/actions` with the action's UUIDv7 in the `Idempotency-Key` header.
///
/// The submission carries its own authority (`grant`), so the outbox can deliver it after the
/// person has logged out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ActionSubmission {
    /// Empty only for an anonymous [`crate::FailureRequest`] with a `contact_phone` (Rules
    /// item 15: a failure can be reported without logging in).
    pub grant: String,
    /// When the person confirmed the action on the kiosk.
    pub confirmed_at: DateTime<Utc>,
    pub action: Action,
    /// The IIN of the person the grant's holder acts for (a [`crate::Principal`] of theirs);
    /// the action is applied to that person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acting_for: Option<String>,
    /// A service-centre assistant was present and helped the person.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub assistant_present: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Action {
    /// The order for an activity and the application for compensation to the chosen supplier.
    SupplierChoice(SupplierChoice),
    /// A new phone number for notifications and/or an e-mail address (Rules item 6).
    ContactChange(ContactChange),
    /// A report of a technical failure (Rules item 15).
    FailureRequest(crate::FailureRequest),
    /// Asks for a supplier choice blocked after two months to be activated again (Rules item 10).
    ChoiceActivation(ChoiceActivation),
    /// The answer to a proactive offer: consent with an account, or refusal.
    OfferAnswer(crate::OfferAnswer),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ChoiceActivation {
    pub activity_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ContactChange {
    /// `+7` and ten digits.
    pub phone: Option<String>,
    /// With `phone`: the [`crate::PhoneProof`] that the person received a code on it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_proof: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SupplierChoice {
    pub activity_id: String,
    pub item_id: String,
    pub supplier_id: String,
    pub quantity: u32,
    /// The supplier's unit price the person saw when confirming.
    pub unit_price_kzt: i64,
    /// The state's guaranteed amount per unit the person saw when confirming.
    pub guaranteed_amount_kzt: i64,
    /// The person's signature of the application ([`SupplierChoice::canonical_bytes`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<crate::ApplicationSignature>,
}

/// The gateway's answer to an accepted action; a repeat of the same key gets the same answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ActionReceipt {
    pub action_id: Uuid,
    /// The portal's reference for the application.
    pub reference: String,
    pub accepted_at: DateTime<Utc>,
}
