#![allow(clippy::unwrap_used, clippy::expect_used)]
//! A technical-failure report made on the kiosk by accessible labels: the problem, a phone on
//! the keypad, the attachments; queued, delivered to the gateway in-process, and listed back
//! with its registration deadline.

mod common;

use common::*;
use komek_kiosk::{ReportAdapter, Screen, SlaStep, SlaVerdict};
use komek_kiosk_core::session::Timing;
use slint::{ComponentHandle, Model};

#[test]
fn a_problem_report_is_queued_delivered_and_listed_with_its_deadline() {
    let rig = rig(Timing::default());
    let app = &rig.app;
    log_in(&rig);
    press(app, "Report a problem");
    assert_eq!(rig.kiosk.screen(), Screen::Report);
    let report = app.global::<ReportAdapter>();
    assert!(
        report.get_attach_diagnostics(),
        "nothing personal: attached by default"
    );
    assert!(
        !report.get_attach_screen(),
        "the screen may show the person's data: asked"
    );

    press(app, "The SMS code does not arrive");
    // A phone cut short is not sent: the person is told to complete or erase it.
    type_digits(app, "70112");
    press(app, "Send the report");
    assert_eq!(rig.kiosk.screen(), Screen::Report);
    assert!(report.get_phone_incomplete());
    type_digits(app, "34567");
    assert_eq!(report.get_phone_display(), "701 123 45 67");
    press(app, "Send the report");
    assert_eq!(rig.kiosk.screen(), Screen::Requests);
    assert!(report.get_just_saved().starts_with("K-"));

    // Delivered to the gateway, as a ticket.
    wait_delivered(&rig, 1);

    // Back to the programme and to the list again: it is there, registration not yet due.
    press(app, "Back");
    press(app, "My problem reports");
    wait(&rig, "the list", || report.get_requests().row_count() == 1);
    let row = report.get_requests().row_data(0).unwrap();
    assert!(row.reference.starts_with("TF-"), "{}", row.reference);
    let deadline = row.deadlines.row_data(0).unwrap();
    assert_eq!(deadline.step, SlaStep::Registration);
    assert_eq!(deadline.verdict, SlaVerdict::Pending);
}

#[test]
fn a_problem_in_own_words_is_typed_in_two_alphabets_and_reaches_the_gateway() {
    let rig = rig(Timing::default());
    let app = &rig.app;
    log_in(&rig);
    press(app, "Report a problem");
    let report = app.global::<ReportAdapter>();
    assert!(!report.get_has_problem());
    press(app, "Describe it in my own words");
    assert_eq!(rig.kiosk.screen(), Screen::Describe);

    // English first (the visit's language), then Kazakh letters.
    assert!(!has_label_containing(app, "ә"));
    for key in ["s", "m", "s"] {
        press(app, key);
    }
    press(app, "Space");
    press(app, "Space");
    press(app, "Other letters");
    assert!(has_label_containing(app, "ә"), "the Kazakh layout");
    for key in ["ж", "о", "қ"] {
        press(app, key);
    }
    press(app, "Erase the last letter");
    press(app, "қ");
    assert!(has_label_containing(app, "Your words: sms жоқ"));

    // Back keeps the words; with no common problem chosen, the report is "another problem".
    press(app, "Back");
    assert_eq!(rig.kiosk.screen(), Screen::Report);
    assert_eq!(report.get_description(), "sms жоқ");
    assert!(report.get_has_problem());
    assert_eq!(report.get_problem(), komek_kiosk::Problem::Other);
    press(app, "Send the report");
    assert_eq!(rig.kiosk.screen(), Screen::Requests);
    wait_delivered(&rig, 1);
    // The list as the gateway has it now, with the delivered ticket.
    press(app, "Back");
    press(app, "My problem reports");
    wait(&rig, "the list", || report.get_requests().row_count() == 1);
    assert!(has_label_containing(
        app,
        "Another problem, in my own words"
    ));

    let db = rusqlite::Connection::open(rig._dir.path().join("gateway.db")).unwrap();
    let (problem, description): (String, String) = db
        .query_row("SELECT problem, description FROM tickets", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(
        (problem.as_str(), description.as_str()),
        ("other", "sms жоқ")
    );
}
