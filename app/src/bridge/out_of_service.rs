//! The "out of service" page: what the kiosk shows when it cannot serve anyone, instead of
//! anything made up. Staff read the reason on it and in `--diagnose`.

use slint::ComponentHandle;

use crate::{AppAdapter, AppWindow};

/// Why the kiosk cannot serve anyone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutOfService {
    /// No gateway URL was configured (and no demo asked for).
    NoGateway,
}

impl OutOfService {
    /// For staff: technical, in English like the logs, nothing personal.
    pub fn reason(&self) -> &'static str {
        match self {
            OutOfService::NoGateway => "no gateway URL is configured",
        }
    }
}

/// Covers the window with the page, saying `why` for staff.
pub fn show(app: &AppWindow, why: OutOfService) {
    super::languages::show(app);
    let adapter = app.global::<AppAdapter>();
    adapter.set_out_of_service(true);
    adapter.set_out_of_service_reason(why.reason().into());
}
