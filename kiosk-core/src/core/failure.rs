//! A technical-failure report as the person made it on the screen, turned into the portal's
//! request and queued: with the visit's grant, or without a login on a queue of its own.

use base64::Engine;
use chrono::{DateTime, Utc};
use komek_api as api;
use uuid::Uuid;

use super::{AnonymousReportError, Core, Visit};

/// What the person chose to send.
pub struct FailureReport<'a> {
    pub problem: komek_domain::FailureProblem,
    /// In their own words; may be empty.
    pub description: String,
    /// `+7` and ten digits, to be called back on.
    pub contact_phone: Option<String>,
    /// The picture of the screen (PNG), if they agreed to attach it.
    pub screenshot_png: Option<&'a [u8]>,
    /// The kiosk's technician report (nothing personal) goes with it.
    pub with_diagnostics: bool,
}

impl Core {
    /// Queues `report` for the visit, or without a login (`visit` None, which needs a phone).
    pub fn queue_failure_report(
        &self,
        visit: Option<&Visit>,
        report: FailureReport,
        now: DateTime<Utc>,
    ) -> Result<Uuid, AnonymousReportError> {
        let request = api::FailureRequest {
            problem: crate::portal::problem_to_wire(report.problem),
            description: report.description,
            contact_phone: report.contact_phone,
            screenshot_png_base64: report
                .screenshot_png
                .map(|png| base64::engine::general_purpose::STANDARD.encode(png)),
            kiosk_diagnostics: report
                .with_diagnostics
                .then(|| self.technical_report())
                .flatten(),
        };
        match visit {
            Some(visit) => Ok(self.queue_failure_request(visit, request, now)?),
            None => self.queue_anonymous_failure_request(request, now),
        }
    }
}
