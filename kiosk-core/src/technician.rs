//! Technician mode's side of the kiosk without a screen: opening it with a technician's code
//! (the card follows the participant's card login) and recording every step in the gateway's
//! audit log. A step names kiosk references, counts and kinds, never a person.

use chrono::{DateTime, Utc};
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::core::{Core, LoginError};
use crate::portal::{technician_session_from_wire, technician_step_to_wire};

/// An open technician mode: whose, and until when the gateway accepts its steps.
#[derive(Zeroize, ZeroizeOnDrop)]
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

/// A step of technician mode, as the audit log keeps it. The screens will add theirs.
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
    Closed,
}

impl Core {
    /// Opens technician mode with a code from the technician's authenticator app.
    pub async fn technician_code_login(
        &self,
        technician_id: &str,
        code: &str,
    ) -> Result<TechnicianSession, LoginError> {
        let answer = self
            .sync()
            .portal
            .technician_code_login(technician_id, code)
            .await;
        self.sync().report_outcome(&answer);
        Ok(technician_session_from_wire(answer?))
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
