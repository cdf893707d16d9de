//! Login with IIN and a one-time SMS code.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// `POST /v1/auth/otp`: ask the gateway to send a one-time code to the phone registered in the
/// mobile-citizens base for this IIN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OtpRequest {
    pub iin: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OtpChallenge {
    pub challenge_id: Uuid,
    pub expires_at: DateTime<Utc>,
    /// The registered phone with all but the last two digits hidden, to tell the person where
    /// the code went.
    pub phone_hint: String,
    pub attempts_allowed: u32,
}

/// `POST /v1/auth/otp/verify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OtpVerify {
    pub challenge_id: Uuid,
    pub code: String,
}

/// A started session. `session_token` authorises reads for this visit; `grant` is the
/// authority a queued action carries so it can be delivered after the person has left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LoginSession {
    pub session_token: String,
    pub session_expires_at: DateTime<Utc>,
    pub grant: String,
    pub grant_expires_at: DateTime<Utc>,
}

/// `GET /dev/otp/{challenge_id}`: development-only, answers the code a demo "SMS" carried.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DevOtp {
    pub code: String,
}

/// `POST /v1/me/phone/otp` (session): send a one-time code to a new phone number, to prove the
/// person holds it before it replaces the registered one. Answered with an [`OtpChallenge`]
/// whose hint is the new number, masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PhoneOtpRequest {
    /// `+7` and ten digits.
    pub phone: String,
}

/// `POST /v1/me/phone/otp/verify` (session) takes an [`OtpVerify`] and answers this: proof that
/// the person received the code on `phone`. A contact change carries it, so the change can be
/// queued and delivered later, while the proof is still valid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PhoneProof {
    pub proof: String,
    pub phone: String,
    pub expires_at: DateTime<Utc>,
}
