//! Logging in with eGov Mobile: the kiosk shows the gateway's QR code, the person approves
//! the login on their phone, and the kiosk asks after it until the session is handed over
//! (once) or the code expires. The session id is the kiosk's secret: only it can ask.

use chrono::{DateTime, Utc};
use komek_api::{self as api, ErrorCode};
use uuid::Uuid;

use super::{Core, LoginError, LoginMethod, Visit};
#[cfg(feature = "demo")]
use komek_domain::Iin;

#[cfg(feature = "demo")]
/// Whom a demo kiosk's stand-in for eGov Mobile approves (fictional; see
/// `assets/demo/README.md`).
pub const DEMO_QR_PARTICIPANT: &str = "810314304128";

/// A QR login under way: what to show, and until when.
#[derive(Clone, PartialEq, Eq)]
pub struct QrLogin {
    pub session_id: Uuid,
    /// What the QR code holds.
    pub payload: String,
    pub expires_at: DateTime<Utc>,
}

/// The session id is a bearer secret: it is not printed.
impl std::fmt::Debug for QrLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QrLogin")
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// What asking after a QR login found.
// The visit is handed over by value as the UI layer expects; one answer per poll, never
// stored in bulk, so its size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum QrProgress {
    /// Not approved yet: ask again (every second or two) until `expires_at`.
    Pending,
    /// Approved: the visit is open.
    Approved(Visit),
    /// Expired, already handed over, or unknown to the gateway: start a new one.
    Expired,
}

impl Core {
    pub async fn start_qr_login(&self) -> Result<QrLogin, LoginError> {
        let answer = self.portal().qr_start().await;
        self.shared.report_outcome(&answer);
        let start = answer?;
        tracing::info!("QR login started");
        Ok(QrLogin {
            session_id: start.session_id,
            payload: start.qr_payload,
            expires_at: start.expires_at,
        })
    }

    pub async fn poll_qr_login(&self, login: &QrLogin) -> Result<QrProgress, LoginError> {
        let answer = self.portal().qr_state(login.session_id).await;
        self.shared.report_outcome(&answer);
        let state = match answer {
            Ok(state) => state,
            // A login the gateway no longer knows is as good as expired.
            Err(e) if e.code() == Some(ErrorCode::NotFound) => return Ok(QrProgress::Expired),
            Err(e) => return Err(e.into()),
        };
        match state {
            api::QrLoginState::Pending => Ok(QrProgress::Pending),
            api::QrLoginState::Expired => Ok(QrProgress::Expired),
            api::QrLoginState::Approved { session } => self
                .open_visit(session, LoginMethod::Qr, None)
                .await
                .map(QrProgress::Approved),
        }
    }

    #[cfg(feature = "demo")]
    /// Demo kiosks only (`config.demo`): approves as eGov Mobile would, through the gateway's dev endpoint.
    /// The person approving is the demo participant [`DEMO_QR_PARTICIPANT`].
    pub async fn demo_approve_qr(&self, login: &QrLogin) -> bool {
        match Iin::parse(DEMO_QR_PARTICIPANT) {
            Ok(iin) => self.demo_approve_qr_as(login, &iin).await,
            Err(_) => false,
        }
    }

    #[cfg(feature = "demo")]
    /// [`Core::demo_approve_qr`] for the demo participant `iin`.
    pub async fn demo_approve_qr_as(&self, login: &QrLogin, iin: &Iin) -> bool {
        if !self.config.demo {
            return false;
        }
        let answer = self
            .portal()
            .dev_qr_approve(login.session_id, &iin.digits())
            .await;
        self.shared.report_outcome(&answer);
        match answer {
            Ok(()) => true,
            Err(e) => {
                tracing::info!(%iin, error = %e, "demo QR approval refused");
                false
            }
        }
    }
}
