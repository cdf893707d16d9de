//! A kiosk with no gateway configured serves nobody: it shows "out of service" in every
//! offered language, with nothing to press and no screen behind it, and any key says so.

// A test that cannot go on should stop loudly where it is.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use komek_kiosk::AppWindow;
use komek_kiosk::bridge::out_of_service::{self, OutOfService};
use slint::ComponentHandle;
use slint::platform::WindowEvent;
use std::time::{Duration, Instant};

#[test]
fn with_no_gateway_the_page_says_out_of_service_in_three_languages_and_offers_nothing() {
    i_slint_backend_testing::init_no_event_loop();
    let app = AppWindow::new().unwrap();
    assert!(
        !buttons(&app).is_empty(),
        "before: the welcome screen's buttons are there"
    );
    out_of_service::show(&app, OutOfService::NoGateway, silent_speech());
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

#[test]
fn any_key_says_the_page_in_every_language_and_nothing_is_said_unasked() {
    i_slint_backend_testing::init_no_event_loop();
    let app = AppWindow::new().unwrap();
    let speech = silent_speech();
    out_of_service::show(&app, OutOfService::NoGateway, speech.clone());
    std::thread::sleep(Duration::from_millis(200));
    assert!(speech.log().is_empty(), "spoke unasked: {:?}", speech.log());

    app.window()
        .dispatch_event(WindowEvent::KeyPressed { text: "h".into() });
    let said = |text: &str| speech.log().iter().any(|l| l == &format!("say:{text}"));
    let deadline = Instant::now() + Duration::from_secs(10);
    let titles = [
        "Терминал уақытша жұмыс істемейді",
        "Терминал временно не работает",
        "This kiosk is out of service",
    ];
    while Instant::now() < deadline && !titles.iter().all(|t| said(t)) {
        std::thread::sleep(Duration::from_millis(20));
    }
    for title in titles {
        assert!(said(title), "{title:?} was not said: {:?}", speech.log());
    }
}
