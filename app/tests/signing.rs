//! Signing the application with the code sent to the registered phone, on the headless kiosk
//! window with the in-process gateway (real HTTP and SQLite).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use komek_kiosk::{Screen, SigningAdapter};
use komek_kiosk_core::session::Timing;
use slint::ComponentHandle;

fn at_review(rig: &Rig) {
    log_in(rig);
    open_review(rig);
}

#[test]
fn a_wrong_code_signs_nothing_and_the_right_one_signs_what_was_reviewed() {
    let rig = rig(Timing::default());
    let app = &rig.app;
    at_review(&rig);
    let queued_before = rig.core.sync().outbox().counts().unwrap();

    press(app, "Confirm and sign");
    assert_eq!(rig.kiosk.screen(), Screen::Signing);
    let signing = app.global::<SigningAdapter>();
    wait(&rig, "the signing code", || {
        signing.get_demo_code().len() == 6
    });
    assert!(has_label_containing(
        app,
        "We sent a 6-digit code to your phone +7 ***"
    ));
    // What the code signs stays in view.
    assert!(has_label_containing(app, "You pay"));

    let right = signing.get_demo_code().to_string();
    let wrong: String = right
        .chars()
        .map(|c| if c == '0' { '1' } else { '0' })
        .collect();
    type_digits(app, &wrong);
    press(app, "Sign the application");
    wait(&rig, "the gateway's answer", || !signing.get_busy());
    assert_eq!(rig.kiosk.screen(), Screen::Signing);
    assert!(has_label_containing(
        app,
        "The code is not right. 4 tries left."
    ));
    assert_eq!(signing.get_code_length(), 0, "a wrong code is cleared");
    assert_eq!(
        rig.core.sync().outbox().counts().unwrap(),
        queued_before,
        "nothing is queued unsigned"
    );

    // Too short is said before anything is sent.
    type_digits(app, &right[..5]);
    press(app, "Sign the application");
    assert!(has_label_containing(app, "The code has 6 digits."));
    press(app, &right[5..]);
    press(app, "Sign the application");
    wait(&rig, "the receipt", || {
        rig.kiosk.screen() == Screen::Receipt
    });
    // The gateway accepts the application only with a signature of exactly its fields.
    wait_receipt_delivered(&rig);
}

#[test]
fn back_from_signing_returns_to_the_order_and_forgets_the_code() {
    let rig = rig(Timing::default());
    let app = &rig.app;
    at_review(&rig);
    press(app, "Confirm and sign");
    let signing = app.global::<SigningAdapter>();
    wait(&rig, "the signing code", || {
        signing.get_demo_code().len() == 6
    });
    type_digits(app, "12");
    press(app, "Back");
    assert_eq!(rig.kiosk.screen(), Screen::Review);
    assert!(rig.kiosk.receipt().is_none());
    // A second "Confirm and sign" starts afresh with a new code.
    press(app, "Confirm and sign");
    assert_eq!(signing.get_code_length(), 0);
    wait(&rig, "a new signing code", || {
        signing.get_demo_code().len() == 6
    });
}
