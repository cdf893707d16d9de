//! The ID card and eGov Mobile on the headless kiosk window, with the in-process gateway (real
//! HTTP and SQLite) and the demo card: an in-process virtual card under the Komek reference
//! profile, issued at start by a root the gateway trusts. The same screens over a real pcscd
//! are covered by the end-to-end tests.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use komek_kiosk::{CardAdapter, CardProblem, QrAdapter, Screen};
use komek_kiosk_core::session::Timing;
use slint::ComponentHandle;

fn insert_demo_card(rig: &Rig) {
    rig.kiosk.cards().demo().unwrap().insert();
    rig.kiosk.tick();
}

/// The PIN screen has the card open and its tries read.
fn wait_card_ready(rig: &Rig) {
    let card = rig.app.global::<CardAdapter>();
    wait(rig, "the card opened", || {
        !card.get_busy() && card.get_present() && card.get_tries_left() > 0
    });
}

#[test]
fn a_card_put_in_on_the_welcome_screen_logs_in_with_its_pin_and_a_wrong_pin_says_the_tries_left() {
    let rig = rig(Timing::default());
    let app = &rig.app;
    let card = app.global::<CardAdapter>();
    assert!(
        card.get_available(),
        "the demo card makes the card option available"
    );
    insert_demo_card(&rig);
    assert_eq!(rig.kiosk.screen(), Screen::CardPin);
    // In Kazakh until a language is chosen, and the bar offers the others.
    assert!(has_label_containing(app, "Жеке куәлікпен кіру"));
    press(app, "English");
    wait_card_ready(&rig);
    assert_eq!(card.get_tries_left(), 3);

    // The digits are never shown: one dot each.
    type_digits(app, "9999");
    assert_eq!(card.get_pin_dots(), "● ● ● ●");
    press(app, "Log in");
    wait(&rig, "the card's answer", || !card.get_busy());
    assert_eq!(card.get_problem(), CardProblem::WrongPin);
    assert_eq!(card.get_tries_left(), 2);
    assert_eq!(card.get_pin_length(), 0, "a wrong PIN is cleared");
    assert!(!rig.kiosk.has_visit());

    // Too short is said before the card is asked.
    type_digits(app, "12");
    press(app, "Log in");
    assert_eq!(card.get_problem(), CardProblem::PinIncomplete);
    type_digits(app, "34");
    press(app, "Log in");
    wait(&rig, "the programme", || {
        rig.kiosk.screen() == Screen::Activities
    });
    assert!(rig.kiosk.has_visit());
    assert!(
        has_label_containing(app, "Ерлан"),
        "the card's holder is logged in"
    );
}

#[test]
fn three_wrong_pins_block_the_card_and_the_screen_says_what_to_do() {
    let rig = rig(Timing::default());
    let app = &rig.app;
    let card = app.global::<CardAdapter>();
    press(app, "English");
    insert_demo_card(&rig);
    wait_card_ready(&rig);
    for left in [2, 1] {
        type_digits(app, "0000");
        press(app, "Log in");
        wait(&rig, "the card's answer", || !card.get_busy());
        assert_eq!(card.get_tries_left(), left);
    }
    type_digits(app, "0000");
    press(app, "Log in");
    wait(&rig, "the card's answer", || !card.get_busy());
    assert_eq!(card.get_problem(), CardProblem::PinBlocked);
    assert!(has_label_containing(app, "The PIN of this card is blocked"));
    // The right PIN no longer opens it.
    type_digits(app, "1234");
    press(app, "Log in");
    wait(&rig, "the card's answer", || !card.get_busy());
    assert_eq!(card.get_problem(), CardProblem::PinBlocked);
    assert!(!rig.kiosk.has_visit());
    // Back leads to the IIN, the other way in.
    press(app, "Back");
    assert_eq!(rig.kiosk.screen(), Screen::Iin);
}

#[test]
fn a_card_taken_out_during_the_pin_is_said_and_put_back_it_logs_in() {
    let rig = rig(Timing::default());
    let app = &rig.app;
    let card = app.global::<CardAdapter>();
    press(app, "English");
    insert_demo_card(&rig);
    wait_card_ready(&rig);
    type_digits(app, "12");
    rig.kiosk.cards().demo().unwrap().remove();
    rig.kiosk.tick();
    assert_eq!(card.get_problem(), CardProblem::Removed);
    assert_eq!(
        card.get_pin_length(),
        0,
        "the PIN typed so far is forgotten"
    );
    assert!(!card.get_present());
    assert!(has_label_containing(app, "The card was taken out"));

    insert_demo_card(&rig);
    assert_eq!(rig.kiosk.screen(), Screen::CardPin);
    wait_card_ready(&rig);
    assert_eq!(card.get_problem(), CardProblem::None);
    type_digits(app, "1234");
    press(app, "Log in");
    wait(&rig, "the programme", || {
        rig.kiosk.screen() == Screen::Activities
    });
}

fn card_login_to_review(rig: &Rig) {
    let app = &rig.app;
    press(app, "English");
    insert_demo_card(rig);
    wait_card_ready(rig);
    type_digits(app, "1234");
    press(app, "Log in");
    wait(rig, "the programme", || {
        rig.kiosk.screen() == Screen::Activities
    });
    open_review(rig);
}

/// A card login to the review, then "Confirm and sign": the PIN screen signs, the card open.
fn at_card_signing() -> Rig {
    let rig = rig(Timing::default());
    card_login_to_review(&rig);
    press(&rig.app, "Confirm and sign");
    assert_eq!(rig.kiosk.screen(), Screen::CardPin);
    wait_card_ready(&rig);
    rig
}

#[test]
fn after_a_card_login_the_card_signs_the_application_and_the_portal_accepts_it() {
    let rig = at_card_signing();
    let app = &rig.app;
    let card = app.global::<CardAdapter>();
    let queued_before = rig.core.sync().outbox().counts().unwrap();
    assert!(card.get_signing());
    assert!(has_label_containing(app, "Sign with your ID card"));
    type_digits(app, "1234");
    press(app, "Sign");
    wait(&rig, "the receipt", || {
        rig.kiosk.screen() == Screen::Receipt
    });
    assert_ne!(rig.core.sync().outbox().counts().unwrap(), queued_before);
    // The gateway checks the card's signature over exactly the application's fields.
    wait_receipt_delivered(&rig);
}

#[test]
fn a_card_taken_out_before_signing_signs_nothing_and_loses_nothing() {
    let rig = at_card_signing();
    let app = &rig.app;
    let card = app.global::<CardAdapter>();
    let queued_before = rig.core.sync().outbox().counts().unwrap();
    type_digits(app, "1234");
    rig.kiosk.cards().demo().unwrap().remove();
    rig.kiosk.tick();
    assert_eq!(card.get_problem(), CardProblem::Removed);
    assert!(
        !card.get_present(),
        "nothing to sign with until the card is back"
    );
    // Even asked to, it signs nothing.
    card.invoke_submit();
    rig.kiosk.pump(std::time::Duration::from_millis(200));
    assert_eq!(card.get_problem(), CardProblem::Removed);
    assert_eq!(rig.core.sync().outbox().counts().unwrap(), queued_before);
    assert!(rig.kiosk.receipt().is_none());
    // The order is still there: back on the review, nothing typed again but the PIN.
    insert_demo_card(&rig);
    wait_card_ready(&rig);
    type_digits(app, "1234");
    press(app, "Sign");
    wait(&rig, "the receipt", || {
        rig.kiosk.screen() == Screen::Receipt
    });
}

#[test]
fn egov_mobile_shows_a_qr_code_a_phone_can_read_and_logs_in_once_approved() {
    let rig = rig(Timing::default());
    let app = &rig.app;
    press(app, "English");
    press(app, "eGov Mobile QR code");
    assert_eq!(rig.kiosk.screen(), Screen::QrLogin);
    let qr = app.global::<QrAdapter>();
    wait(&rig, "the QR code", || qr.get_code().size().width > 0);
    let payload = read_qr(&qr.get_code()).expect("a QR code a phone can read");
    assert!(
        payload.starts_with("kz.egov.mobile://komek/login?code="),
        "{payload}"
    );
    assert!(!qr.get_valid_until().is_empty());
    // Asked after every 2 s: nothing happens until the person approves.
    for _ in 0..3 {
        rig.clock
            .0
            .set(rig.clock.0.get() + std::time::Duration::from_secs(2));
        rig.kiosk
            .pump_until(std::time::Duration::from_millis(300), || false);
    }
    assert_eq!(rig.kiosk.screen(), Screen::QrLogin);
    assert!(!qr.get_offline() && !qr.get_expired());
    press(app, "Demo: approve in eGov Mobile");
    wait(&rig, "the programme", || {
        rig.kiosk.screen() == Screen::Activities
    });
    assert!(has_label_containing(app, "Ерлан"));
}

#[test]
fn without_a_card_reader_the_card_option_says_it_is_unavailable_and_the_other_ways_work() {
    let rig = rig_without_card_readers(Timing::default());
    let app = &rig.app;
    let card = app.global::<CardAdapter>();
    rig.kiosk.tick();
    assert!(!card.get_available());
    assert!(!card.get_demo());
    press(app, "English");
    assert!(has_label_containing(
        app,
        "The ID card reader is not available now."
    ));
    assert!(!has_label_containing(app, "Insert the demo ID card"));
    log_in_from_iin_screen(&rig, IIN);
    assert!(rig.kiosk.has_visit());
}

#[test]
fn a_card_that_cannot_sign_gives_way_to_an_sms_code() {
    let rig = at_card_signing();
    let app = &rig.app;
    press(app, "Sign with an SMS code instead");
    assert_eq!(rig.kiosk.screen(), Screen::Signing);
    sign_with_demo_code(&rig);
    wait_receipt_delivered(&rig);
}

#[test]
fn a_card_left_in_the_reader_after_going_back_logs_in_from_the_iin_screen() {
    let rig = rig(Timing::default());
    let app = &rig.app;
    press(app, "English");
    insert_demo_card(&rig);
    wait_card_ready(&rig);
    press(app, "Back");
    assert_eq!(rig.kiosk.screen(), Screen::Iin);
    press(app, "Log in with the ID card in the reader");
    assert_eq!(rig.kiosk.screen(), Screen::CardPin);
    wait_card_ready(&rig);
    type_digits(app, "1234");
    press(app, "Log in");
    wait(&rig, "the programme", || {
        rig.kiosk.screen() == Screen::Activities
    });
}
