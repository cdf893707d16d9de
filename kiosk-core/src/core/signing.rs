//! Signing the application for compensation with a one-time code (Rules item 8). The code is
//! asked for the digest of the application's canonical bytes, so what the person signs is
//! exactly what the queued action carries; the signed application is then queued like every
//! action and survives a dead network. The ID card signs the same canonical bytes offline
//! (`card.rs`); a code needs the network once, to be sent.

use chrono::{DateTime, Utc};
use komek_api as api;
use uuid::Uuid;

use super::{Core, LoginError, Visit};
use crate::store::StoreError;
use komek_domain::Order;

/// A code on its way to the person's phone to sign `application`.
#[derive(Debug, Clone)]
pub struct SigningChallenge {
    pub id: Uuid,
    pub phone_hint: String,
    pub expires_at: DateTime<Utc>,
    application: api::SupplierChoice,
}

/// The application with the person's signature: ready to queue.
#[derive(Clone)]
pub struct SignedApplication {
    application: api::SupplierChoice,
}

impl std::fmt::Debug for SignedApplication {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedApplication")
            .field("activity", &self.application.activity_id)
            .finish_non_exhaustive()
    }
}

impl SignedApplication {
    pub fn activity_id(&self) -> &str {
        &self.application.activity_id
    }

    /// `application` with the card's signature of its canonical bytes (the card signs
    /// offline, so there is no challenge to take the application from).
    pub(crate) fn signed_by_card(
        mut application: api::SupplierChoice,
        signature: api::CardSignature,
    ) -> Self {
        application.signature = Some(api::ApplicationSignature::Card(signature));
        SignedApplication { application }
    }

    /// How the application was signed (for the receipt and the tests).
    pub fn signature(&self) -> Option<&api::ApplicationSignature> {
        self.application.signature.as_ref()
    }
}

/// The application as the wire carries it, unsigned.
pub fn application_of(order: &Order) -> api::SupplierChoice {
    api::SupplierChoice {
        activity_id: order.activity_id.clone(),
        item_id: order.item_id.clone(),
        supplier_id: order.supplier_id.clone(),
        quantity: order.quantity,
        unit_price_kzt: order.unit_price_kzt,
        guaranteed_amount_kzt: order.guaranteed_amount_kzt,
        signature: None,
    }
}

impl Core {
    /// Sends a code to the registered phone that signs `order`'s application.
    pub async fn request_signing_code(
        &self,
        session_token: &str,
        order: &Order,
    ) -> Result<SigningChallenge, LoginError> {
        let application = application_of(order);
        let answer = self
            .portal()
            .request_signing_code(session_token, &application.digest())
            .await;
        self.shared.report_outcome(&answer);
        let c = answer?;
        tracing::info!(activity = %application.activity_id, "signing code requested");
        Ok(SigningChallenge {
            id: c.challenge_id,
            phone_hint: c.phone_hint,
            expires_at: c.expires_at,
            application,
        })
    }

    /// Checks the code; the right one signs the application.
    pub async fn verify_signing_code(
        &self,
        session_token: &str,
        challenge: &SigningChallenge,
        code: &str,
    ) -> Result<SignedApplication, LoginError> {
        let answer = self
            .portal()
            .verify_signing_code(session_token, challenge.id, code)
            .await;
        self.shared.report_outcome(&answer);
        let proof = answer?;
        if proof.digest != challenge.application.digest() {
            return Err(LoginError::Failed(
                "the gateway signed another application".into(),
            ));
        }
        let mut application = challenge.application.clone();
        application.signature = Some(api::ApplicationSignature::OneTimeCode { proof: proof.proof });
        Ok(SignedApplication { application })
    }

    /// Commits the order with its signed application to the outbox. When this returns `Ok`
    /// the action survives a crash, the screen may say "saved", and the visit shows the
    /// activity as signed, so the same activity cannot be ordered twice.
    pub fn queue_application(
        &self,
        visit: &mut Visit,
        signed: &SignedApplication,
        now: DateTime<Utc>,
    ) -> Result<Uuid, StoreError> {
        let action = api::Action::SupplierChoice(signed.application.clone());
        let id = self.queue_for(visit, action, now)?;
        visit.queued(
            signed.activity_id(),
            komek_domain::ActivityStatus::ApplicationSigned,
            now,
        );
        Ok(id)
    }
}
