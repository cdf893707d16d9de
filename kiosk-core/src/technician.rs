//! Technician mode's side of the kiosk without a screen: opening it with a technician's code
//! (the card follows the participant's card login) and recording every step in the gateway's
//! audit log. What a step's detail may hold is decided here: kiosk references, counts and
//! kinds, never a person.

use chrono::{DateTime, Utc};
use komek_api as api;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::core::{Core, LoginError};

/// An open technician mode: whose, and until when the gateway accepts its steps.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct TechnicianSession {
    token: String,
    #[zeroize(skip)]
    pub technician_id: String,
    #[zeroize(skip)]
    pub expires_at: DateTime<Utc>,
}

impl std::fmt::Debug for TechnicianSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TechnicianSession")
            .field("technician_id", &self.technician_id)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

impl From<api::TechnicianSession> for TechnicianSession {
    fn from(session: api::TechnicianSession) -> Self {
        TechnicianSession {
            token: session.token.clone(),
            technician_id: session.technician_id.clone(),
            expires_at: session.expires_at,
        }
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
    CatalogueReloaded,
    ReportExported,
    AppRestarted,
    Rebooted,
    Closed,
}

impl TechnicianStep {
    fn wire(&self) -> api::TechnicianStep {
        let (action, detail) = match self {
            TechnicianStep::Opened => ("technician mode shown", String::new()),
            TechnicianStep::RetriedParked { kiosk_reference } => {
                ("parked action retried", kiosk_reference.clone())
            }
            TechnicianStep::SetAside {
                kiosk_reference,
                reason,
            } => ("action set aside", format!("{kiosk_reference}: {reason}")),
            TechnicianStep::CatalogueReloaded => ("catalogue reloaded", String::new()),
            TechnicianStep::ReportExported => ("report exported", String::new()),
            TechnicianStep::AppRestarted => ("app restarted", String::new()),
            TechnicianStep::Rebooted => ("rebooted", String::new()),
            TechnicianStep::Closed => ("technician mode closed", String::new()),
        };
        api::TechnicianStep {
            action: action.into(),
            detail,
        }
    }
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
        Ok(answer?.into())
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
            .technician_step(&session.token, &step.wire())
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
        let step = TechnicianStep::SetAside {
            kiosk_reference: "KR-7F3A".into(),
            reason: "supplier closed".into(),
        }
        .wire();
        assert_eq!(step.action, "action set aside");
        assert_eq!(step.detail, "KR-7F3A: supplier closed");
    }
}
