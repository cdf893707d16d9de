#![allow(clippy::unwrap_used, clippy::expect_used)]
//! A technical-failure report made on the kiosk by accessible labels: the problem, a phone on
//! the keypad, the attachments; queued, delivered to the gateway in-process, and listed back
//! with its registration deadline.

mod common;

use common::*;
use komek_kiosk::session::Timing;
use komek_kiosk::{ReportAdapter, Screen, SlaStep, SlaVerdict};
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
