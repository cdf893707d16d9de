//! Technician mode's side of the kiosk without a screen: opening it with a technician's code
//! (the card follows the participant's card login) and recording every step in the gateway's
//! audit log. A step names kiosk references, counts and kinds, never a person.

use chrono::{DateTime, Utc};
use zeroize::{Zeroize, ZeroizeOnDrop};

mod status;

pub use status::{KioskStatus, PARKED_SHOWN, QueueState};

use crate::core::{Core, LoginError};
use crate::portal::{technician_session_from_wire, technician_step_to_wire};

/// An open technician mode: whose, and until when the gateway accepts its steps.
/// Cloned to send a step from a background task; every copy is wiped when dropped.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct TechnicianSession {
    token: String,
    #[zeroize(skip)]
    pub technician_id: String,
    #[zeroize(skip)]
    pub expires_at: DateTime<Utc>,
}

impl TechnicianSession {
    pub(crate) fn new(token: String, technician_id: String, expires_at: DateTime<Utc>) -> Self {
        TechnicianSession {
            token,
            technician_id,
            expires_at,
        }
    }
}

impl std::fmt::Debug for TechnicianSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TechnicianSession")
            .field("technician_id", &self.technician_id)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// A step of technician mode, as the audit log keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TechnicianStep {
    Opened,
    RetriedParked {
        kiosk_reference: String,
    },
    SetAside {
        kiosk_reference: String,
        reason: String,
    },
    CatalogueDownloaded,
    Closed {
        why: ClosedBy,
    },
}

/// How technician mode ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClosedBy {
    /// The technician pressed "Exit".
    Exit,
    /// Nobody touched the kiosk for the idle time.
    Idle,
    /// The card that opened it was taken out.
    CardRemoved,
    /// The gateway's session for it ran out (an hour).
    Expired,
    /// The login came back after the sign-in had been left: the mode never opened.
    Abandoned,
}

impl std::fmt::Display for ClosedBy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ClosedBy::Exit => "exit",
            ClosedBy::Idle => "idle",
            ClosedBy::CardRemoved => "card removed",
            ClosedBy::Expired => "expired",
            ClosedBy::Abandoned => "abandoned",
        })
    }
}

/// The demo technician of `assets/demo/technicians.json`, whose code a demo kiosk shows.
#[cfg(feature = "demo")]
pub const DEMO_TECHNICIAN_IIN: &str = "850412300155";

impl Core {
    /// Opens technician mode with the technician's IIN and a code from their authenticator app.
    pub async fn technician_code_login(
        &self,
        iin: &str,
        code: &str,
    ) -> Result<TechnicianSession, LoginError> {
        let answer = self.sync().portal.technician_code_login(iin, code).await;
        self.sync().report_outcome(&answer);
        Ok(technician_session_from_wire(answer?))
    }

    /// Puts a parked action back in the queue, due now, wakes the delivery and records the
    /// retry in the audit log under `session`'s technician. Returns whether it was parked with
    /// its payload (a second press, or a purged row, changes nothing and records nothing).
    pub async fn retry_parked(
        &self,
        session: &TechnicianSession,
        id: uuid::Uuid,
    ) -> Result<bool, crate::store::StoreError> {
        let retried = self.sync().outbox().retry_parked(id, Utc::now())?;
        if retried {
            let kiosk_reference = crate::store::kiosk_reference(id);
            tracing::info!(reference = %kiosk_reference, "parked action retried");
            self.sync().wake();
            let step = TechnicianStep::RetriedParked { kiosk_reference };
            if let Err(e) = self.record_technician_step(session, &step).await {
                // The kiosk's own log has it; the delivery goes on either way.
                tracing::warn!(error = ?e, "the retry could not reach the audit log");
            }
        }
        Ok(retried)
    }

    #[cfg(feature = "demo")]
    /// Demo gateways only: the current code of the demo technician's authenticator.
    pub async fn demo_technician_code(&self, iin: &str) -> Option<String> {
        if !self.config().demo {
            return None;
        }
        let answer = self.sync().portal.dev_technician_code(iin).await;
        answer.ok().map(|c| c.code)
    }

    /// Opens technician mode with the technician's ID card and PIN: the same proof as a
    /// participant's card login, sent to the technicians' door. The card comes back whatever
    /// happens.
    pub async fn technician_card_login(
        &self,
        mut card: crate::core::CardAccess,
        pin: komek_card::Pin,
        now: DateTime<Utc>,
    ) -> (
        crate::core::CardAccess,
        Result<TechnicianSession, crate::core::CardLoginError>,
    ) {
        let opened = async {
            let (_, login) = self.card_proof(&mut card, pin, now).await?;
            let answer = self.sync().portal.technician_card_login(&login).await;
            self.sync().report_outcome(&answer);
            Ok(technician_session_from_wire(answer?))
        }
        .await;
        (card, opened)
    }

    /// Records `step` in the gateway's audit log under the session's technician and this kiosk.
    pub async fn record_technician_step(
        &self,
        session: &TechnicianSession,
        step: &TechnicianStep,
    ) -> Result<(), LoginError> {
        let answer = self
            .sync()
            .portal
            .technician_step(&session.token, &technician_step_to_wire(step))
            .await;
        self.sync().report_outcome(&answer);
        Ok(answer?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_aside_names_the_kiosk_reference_and_the_reason_only() {
        let step = technician_step_to_wire(&TechnicianStep::SetAside {
            kiosk_reference: "KR-7F3A".into(),
            reason: "supplier closed".into(),
        });
        assert_eq!(step.action, "action set aside");
        assert_eq!(step.detail, "KR-7F3A: supplier closed");
    }
}
