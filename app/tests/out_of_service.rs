//! A kiosk with no gateway configured serves nobody: it shows "out of service" in the three
//! languages, with nothing to press and no screen behind it.

// A test that cannot go on should stop loudly where it is.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use komek_kiosk::AppWindow;
use komek_kiosk::bridge::out_of_service::{self, OutOfService};

#[test]
fn with_no_gateway_the_page_says_out_of_service_in_three_languages_and_offers_nothing() {
    i_slint_backend_testing::init_no_event_loop();
    let app = AppWindow::new().unwrap();
    assert!(
        !buttons(&app).is_empty(),
        "before: the welcome screen's buttons are there"
    );
    out_of_service::show(&app, OutOfService::NoGateway);
    for text in [
        "Терминал уақытша жұмыс істемейді",
        "Терминал временно не работает",
        "This kiosk is out of service",
    ] {
        assert!(has_label_containing(&app, text), "{text:?} is not shown");
    }
    assert!(has_label_containing(&app, "no gateway URL is configured"));
    let pressable: Vec<String> = buttons(&app)
        .iter()
        .filter_map(|b| b.accessible_label().map(|l| l.to_string()))
        .collect();
    assert!(
        pressable.is_empty(),
        "something can still be pressed: {pressable:?}"
    );
}
