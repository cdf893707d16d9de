//! The personal account and the change of phone, through the real UI by accessible labels,
//! against the gateway in-process on loopback: the new number is proven by the code sent to
//! it, the change is queued, delivered, and the next login's code goes to the new number.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;

use komek_kiosk::{AccountAdapter, LoginAdapter, Screen};
use komek_kiosk_core::session::Timing;
use slint::ComponentHandle;

/// Айгүл Омарова, an elderly demo participant whose identity document expired in 2025.
const EXPIRED_DOCUMENT: &str = "440630402069";

#[test]
fn the_account_shows_what_the_rules_list_and_warns_of_an_expired_document() {
    let rig = rig(Timing::default());
    let app = &rig.app;
    log_in(&rig);
    press(app, "My details");
    assert_eq!(rig.kiosk.screen(), Screen::Account);
    for fact in [
        "Name: Жақсылықов Ерлан",
        "Date of birth, sex: 14.03.1981, male",
        "Registered address: ",
        "Phone for codes: +7 701 555 03 14",
        "E-mail: erlan.zhaksylykov@example.com",
        "Identity document: No. 048213577, issued 04.06.2019 by МВД РК",
        "Valid until: 04.06.2029",
    ] {
        assert!(has_label_containing(app, fact), "{fact}");
    }
    assert!(!has_label_containing(app, "has expired"));
    press(app, "Log out");

    log_in_as(&rig, EXPIRED_DOCUMENT);
    press(app, "My details");
    assert!(has_label_containing(
        app,
        "Your identity document has expired"
    ));
    assert!(has_label_containing(app, "E-mail: not given"));
    press(app, "Log out");
    assert_eq!(app.global::<AccountAdapter>().get_full_name(), "");
    assert_eq!(app.global::<AccountAdapter>().get_address(), "");
}

#[test]
fn a_new_phone_is_proven_by_its_code_queued_and_used_for_the_next_login() {
    let rig = rig(Timing::default());
    let app = &rig.app;
    let account = app.global::<AccountAdapter>();
    log_in(&rig);
    press(app, "My details");
    press(app, "Change the phone");
    assert_eq!(rig.kiosk.screen(), Screen::Phone);

    // What cannot receive an SMS, or changes nothing, is refused before any code is sent.
    type_digits(app, "717212345");
    press(app, "Continue");
    assert!(has_label_containing(
        app,
        "A phone number has 10 digits after +7."
    ));
    type_digits(app, "6");
    press(app, "Continue");
    assert!(has_label_containing(app, "must be a Kazakh mobile number"));
    for _ in 0..10 {
        press(app, "Erase the last digit");
    }
    type_digits(app, "7015550314");
    press(app, "Continue");
    assert!(has_label_containing(app, "already your phone"));
    for _ in 0..10 {
        press(app, "Erase the last digit");
    }

    // The code goes to the new number; a wrong one says how many tries are left.
    type_digits(app, "7019998877");
    assert!(has_label_containing(app, "Phone typed: +7 701 999 88 77"));
    press(app, "Continue");
    wait(&rig, "the code sent", || account.get_code_sent());
    assert!(has_label_containing(app, "+7 *** *** ** 77"));
    wait(&rig, "the demo code", || account.get_demo_code().len() == 6);
    let right = account.get_demo_code().to_string();
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    type_digits(app, wrong);
    press(app, "Confirm");
    wait(&rig, "the wrong code refused", || {
        has_label_containing(app, "The code is not right. 4 tries left.")
    });

    // The right code: the change is saved on the kiosk, then reaches the portal.
    type_digits(app, &right);
    press(app, "Confirm");
    wait(&rig, "the account again", || {
        rig.kiosk.screen() == Screen::Account
    });
    // Saved, or already delivered: the worker may be that quick.
    assert!(has_label_containing(
        app,
        "Your new phone +7 701 999 88 77 is "
    ));
    wait_delivered(&rig, 1);
    rig.kiosk.tick();
    assert!(has_label_containing(
        app,
        "Your new phone +7 701 999 88 77 is now on the portal."
    ));
    press(app, "Log out");
    assert_eq!(account.get_new_phone(), "");

    // The next login's code goes to the new number.
    press(app, "English");
    type_digits(app, IIN);
    press(app, "Continue");
    wait(&rig, "the code screen", || {
        rig.kiosk.screen() == Screen::Code
    });
    assert_eq!(
        app.global::<LoginAdapter>().get_phone_hint(),
        "+7 *** *** ** 77"
    );
}

#[test]
fn leaving_the_phone_screen_forgets_what_was_typed() {
    let rig = rig(Timing::default());
    let app = &rig.app;
    log_in(&rig);
    press(app, "My details");
    press(app, "Change the phone");
    type_digits(app, "70199");
    press(app, "Back");
    assert_eq!(rig.kiosk.screen(), Screen::Account);
    press(app, "Change the phone");
    assert_eq!(app.global::<AccountAdapter>().get_number_length(), 0);
    press(app, "Back");
    press(app, "Back");
    assert_eq!(rig.kiosk.screen(), Screen::Activities);
}

#[test]
fn a_new_email_is_checked_on_the_kiosk_queued_and_reaches_the_portal() {
    let rig = rig(Timing::default());
    let app = &rig.app;
    log_in(&rig);
    press(app, "My details");
    press(app, "Change the e-mail");
    assert_eq!(rig.kiosk.screen(), Screen::Email);
    // The field starts with the address on record; the keyboard has Latin letters only.
    assert!(has_label_containing(
        app,
        "E-mail typed: erlan.zhaksylykov@example.com"
    ));
    assert!(!has_label_containing(app, "Other letters"));
    press(app, "Save the e-mail");
    assert!(has_label_containing(app, "already your e-mail"));
    for _ in 0.."erlan.zhaksylykov@example.com".len() {
        press(app, "Erase the last letter");
    }
    for key in "erlan".chars() {
        press(app, &key.to_string());
    }
    press(app, "Save the e-mail");
    assert!(has_label_containing(app, "one @ with a name before it"));
    for key in ["@", "m", "a", "i", "l"] {
        press(app, key);
    }
    press(app, "Save the e-mail");
    assert!(has_label_containing(app, "After @ comes the mail service"));
    for key in [".", "k", "z"] {
        press(app, key);
    }
    press(app, "Save the e-mail");
    assert_eq!(rig.kiosk.screen(), Screen::Account);
    // Saved, or already delivered: the worker may be that quick.
    assert!(has_label_containing(
        app,
        "Your new e-mail erlan@mail.kz is "
    ));
    wait_delivered(&rig, 1);
    rig.kiosk.tick();
    assert!(has_label_containing(
        app,
        "Your new e-mail erlan@mail.kz is now on the portal."
    ));
    press(app, "Log out");
    assert_eq!(app.global::<komek_kiosk::KeyboardAdapter>().get_text(), "");
}
