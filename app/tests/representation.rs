//! A representative's visit, the proactive offer, an assistant recorded as present and a
//! report without logging in: the headless kiosk window by accessible labels, with the
//! in-process gateway (real HTTP and SQLite).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use komek_kiosk::{ActivitiesAdapter, AppAdapter, OfferAdapter, ReportAdapter, Screen};
use komek_kiosk_core::session::Timing;
use slint::{ComponentHandle, Model};

/// Айгерім, the mother of Әлихан (a child with disability); the demo offer is hers.
const PARENT: &str = "910418413194";

fn gateway_db(rig: &Rig) -> rusqlite::Connection {
    rusqlite::Connection::open_with_flags(
        rig._dir.path().join("gateway.db"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap()
}

#[test]
fn a_parent_sees_the_offer_then_acts_for_her_son_with_his_name_on_every_screen() {
    let rig = rig(Timing::default());
    let app = &rig.app;
    press(app, "English");
    submit_login(&rig, PARENT);
    wait(&rig, "the offer", || rig.kiosk.screen() == Screen::Offer);

    // The open offer comes first, with its deadline in working days.
    assert!(has_label_containing(app, "home education"));
    let answer_by = app.global::<OfferAdapter>().get_answer_by();
    assert!(has_label_containing(
        app,
        &format!("Please answer by {answer_by} (3 working days from the SMS)")
    ));
    assert_eq!(app.global::<OfferAdapter>().get_accounts().row_count(), 2);
    // "No" asks again before anything is queued.
    press(app, "No, I refuse the offer");
    assert!(has_label_containing(
        app,
        "Press \"Yes, I refuse\" to confirm"
    ));
    assert_eq!(rig.core.sync().outbox().counts().unwrap().pending, 0);
    press(app, "Decide later");

    // Then whom she acts for; she has no programme of her own.
    assert_eq!(rig.kiosk.screen(), Screen::Principals);
    assert!(!has_label_containing(app, "For myself"));
    press_containing(app, "Сейтқали Әлихан");
    wait(&rig, "the son's programme", || {
        rig.kiosk.screen() == Screen::Activities
    });
    let banner = "Айгерім Сейтқали acting for Сейтқали Әлихан";
    assert_eq!(
        app.global::<AppAdapter>().get_acting_for(),
        "Сейтқали Әлихан"
    );
    assert!(has_label_containing(app, banner));
    assert!(app.global::<ActivitiesAdapter>().get_rows().row_count() > 0);
    // The banner stays on the next screens.
    press(app, "My details");
    assert!(has_label_containing(app, banner));
    assert!(has_label_containing(app, "Әлихан"));
    press(app, "Back to my programme");
    // And the choice can be made again.
    press(app, "Act for someone else");
    assert_eq!(rig.kiosk.screen(), Screen::Principals);
    assert!(has_label_containing(app, "you are the parent"));

    // Logging out forgets whom she acted for.
    press(app, "Log out");
    assert_eq!(app.global::<AppAdapter>().get_acting_for(), "");
}

#[test]
fn consent_with_an_account_is_queued_and_accepted_by_the_portal() {
    let rig = rig(Timing::default());
    let app = &rig.app;
    press(app, "English");
    submit_login(&rig, PARENT);
    wait(&rig, "the offer", || rig.kiosk.screen() == Screen::Offer);

    press_containing(app, "Yes, pay to Kaspi Bank");
    assert!(has_label_containing(
        app,
        "You agreed. The money will be paid to Kaspi Bank"
    ));
    wait_delivered(&rig, 1);
    let status: String = gateway_db(&rig)
        .query_row("SELECT status FROM offers", [], |r| r.get(0))
        .unwrap();
    assert!(status.contains("accepted"), "{status}");
    press(app, "Continue");
    assert_eq!(rig.kiosk.screen(), Screen::Principals);
}

#[test]
fn an_assistant_set_at_login_is_recorded_with_the_actions_of_the_visit() {
    let rig = rig(Timing::default());
    let app = &rig.app;
    press(app, "English");
    type_digits(app, IIN);
    press(app, "Continue");
    wait(&rig, "the code screen", || {
        rig.kiosk.screen() == Screen::Code
    });
    press(app, "A centre assistant is helping me");
    let login = app.global::<komek_kiosk::LoginAdapter>();
    assert!(login.get_assistant_present());
    wait(&rig, "the demo code", || login.get_demo_code().len() == 6);
    type_digits(app, &login.get_demo_code());
    press(app, "Log in");
    wait(&rig, "the programme", || {
        rig.kiosk.screen() == Screen::Activities
    });
    // No one to act for: straight to the programme, no banner.
    assert_eq!(app.global::<AppAdapter>().get_acting_for(), "");

    press(app, "Report a problem");
    press(app, "The kiosk does not work properly");
    press(app, "Send the report");
    wait_delivered(&rig, 1);
    let (actor, assistant): (String, bool) = gateway_db(&rig)
        .query_row(
            "SELECT actor_iin, assistant_present FROM action_actors",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((actor.as_str(), assistant), (IIN, true));
}

#[test]
fn a_problem_is_reported_without_logging_in_with_a_phone_to_call_back() {
    let rig = rig(Timing::default());
    let app = &rig.app;
    press(app, "English");
    press(app, "Report a problem");
    assert_eq!(rig.kiosk.screen(), Screen::Report);
    assert!(app.global::<ReportAdapter>().get_anonymous());
    press(app, "I cannot log in");
    press(app, "Send the report");
    // Without a login the phone is the only way back.
    assert!(has_label_containing(
        app,
        "Please type a phone to call you back."
    ));
    assert_eq!(rig.core.sync().outbox().counts().unwrap().pending, 0);
    type_digits(app, "7015550199");
    press(app, "Send the report");
    assert_eq!(rig.kiosk.screen(), Screen::Requests);
    assert!(has_label_containing(app, "Your problem report"));
    assert!(has_label_containing(
        app,
        "will call you back at +7 701 555 01 99"
    ));
    wait_delivered(&rig, 1);
    let (participant, phone): (Option<String>, String) = gateway_db(&rig)
        .query_row(
            "SELECT participant_iin, contact_phone FROM tickets",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((participant, phone.as_str()), (None, "+77015550199"));
    // Back returns to the IIN screen, not to a programme.
    press(app, "Back");
    assert_eq!(rig.kiosk.screen(), Screen::Iin);
}
