//! Changing the phone on record and the e-mail (Rules item 6). The new phone is proven first,
//! online: a code goes to it and the right code earns a proof from the gateway. The change
//! itself is then queued with the proof, like every action, so it survives a dead network.

use chrono::{DateTime, Utc};
use komek_api as api;
use uuid::Uuid;
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::{Core, LoginError, Visit};
use crate::store::StoreError;
use komek_domain::MobilePhone;

/// A code on its way to a new phone.
#[derive(Debug, Clone)]
pub struct PhoneChallenge {
    pub id: Uuid,
    pub phone: MobilePhone,
    pub phone_hint: String,
    pub expires_at: DateTime<Utc>,
}

/// The gateway's word that the person received a code on `phone`.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct ProvenPhone {
    #[zeroize(skip)]
    pub phone: MobilePhone,
    proof: String,
}

impl std::fmt::Debug for ProvenPhone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProvenPhone")
            .field("phone", &self.phone)
            .finish_non_exhaustive()
    }
}

impl Core {
    /// Sends a code to `phone` for the person logged in with `session_token`.
    pub async fn request_phone_code(
        &self,
        session_token: &str,
        phone: MobilePhone,
    ) -> Result<PhoneChallenge, LoginError> {
        let answer = self
            .portal()
            .request_phone_code(session_token, phone.international())
            .await;
        self.shared.report_outcome(&answer);
        let c = answer?;
        tracing::info!(%phone, "code sent to a new phone");
        Ok(PhoneChallenge {
            id: c.challenge_id,
            phone,
            phone_hint: c.phone_hint,
            expires_at: c.expires_at,
        })
    }

    /// Checks the code the person received on the new phone.
    pub async fn verify_phone_code(
        &self,
        session_token: &str,
        challenge: &PhoneChallenge,
        code: &str,
    ) -> Result<ProvenPhone, LoginError> {
        let answer = self
            .portal()
            .verify_phone_code(session_token, challenge.id, code)
            .await;
        self.shared.report_outcome(&answer);
        let proof = answer?;
        if proof.phone != challenge.phone.international() {
            return Err(LoginError::Failed(
                "the gateway proved another number".into(),
            ));
        }
        Ok(ProvenPhone {
            phone: challenge.phone.clone(),
            proof: proof.proof,
        })
    }

    /// Commits the change of the phone (proven) and/or the e-mail.
    pub fn queue_contact_change(
        &self,
        visit: &Visit,
        phone: Option<&ProvenPhone>,
        email: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Uuid, StoreError> {
        let action = api::Action::ContactChange(api::ContactChange {
            phone: phone.map(|p| p.phone.international().to_string()),
            phone_proof: phone.map(|p| p.proof.clone()),
            email: email.map(str::to_string),
        });
        self.queue_for(visit, action, now)
    }
}
