//! A whole visit driven through the real UI by accessible labels, headless, against the
//! gateway running in-process on loopback (real HTTP, real SQLite files).

// A test that cannot go on should stop loudly where it is.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use std::time::Duration;

use komek_kiosk::{
    ActivitiesAdapter, ActivityAdapter, AppAdapter, AppWindow, LoginAdapter, ReceiptAdapter, Screen,
};
use komek_kiosk_core::session::Timing;
use komek_kiosk_core::store::ActionState;
use slint::platform::{Key, WindowEvent};
use slint::{ComponentHandle, Model};

#[test]
fn a_whole_visit_by_accessible_labels_queues_the_order_and_wipes_at_logout() {
    let rig = rig(Timing::default());
    let app = &rig.app;

    // A mistyped IIN is refused on the kiosk with the reason, before any network call.
    press(app, "English");
    let wrong = format!("{}{}", &IIN[..11], (IIN.as_bytes()[11] - b'0' + 1) % 10);
    type_digits(app, &wrong);
    press(app, "Continue");
    assert_eq!(rig.kiosk.screen(), Screen::Iin);
    assert!(has_label_containing(app, "mistake in one of its digits"));
    press(app, "Erase the last digit");
    press(app, &IIN[11..]);
    assert!(!has_label_containing(app, "mistake in one of its digits"));
    press(app, "Back");
    assert_eq!(rig.kiosk.screen(), Screen::Welcome);

    log_in(&rig);
    assert!(has_label_containing(app, "Ерлан"));
    let rows = app.global::<ActivitiesAdapter>().get_rows();
    assert!(rows.row_count() >= 3, "the programme lists the activities");

    press_containing(app, "Awaiting your choice of supplier");
    assert_eq!(rig.kiosk.screen(), Screen::Activity);
    // The status timeline says where the activity stands on its path.
    assert!(has_label_containing(
        app,
        "Step 1 of 5: Choice of supplier · since "
    ));
    let detail = app.global::<ActivityAdapter>();
    wait(&rig, "the suppliers", || {
        detail.get_choices().row_count() > 0
    });
    press_containing(app, "Delivery in");
    assert_eq!(rig.kiosk.screen(), Screen::Review);
    assert!(has_label_containing(app, "Confirm and sign"));
    confirm_and_sign(&rig);
    assert_eq!(rig.kiosk.screen(), Screen::Receipt);

    // The action is in the outbox with its own id, and the receipt says what happens to it.
    let id = rig
        .kiosk
        .receipt()
        .expect("a receipt for the queued action");
    let row = rig.core.action(id).expect("the outbox row");
    assert_eq!(row.kind, "supplier_choice");
    assert!(has_label_containing(app, "Kiosk reference: K-"));
    // The QR code holds the kiosk reference at once, labelled in the person's language.
    let kiosk_ref = app.global::<ReceiptAdapter>().get_kiosk_reference();
    let queued_qr = read_qr(&app.global::<ReceiptAdapter>().get_qr()).expect("a readable QR");
    assert!(queued_qr.starts_with("Application for compensation\n"));
    assert!(queued_qr.contains(&format!("Kiosk reference: {kiosk_ref}")));
    // The portal's line appears only with the portal's reference (the worker may already
    // have delivered it).
    let portal_ref = app.global::<ReceiptAdapter>().get_portal_reference();
    assert_eq!(
        queued_qr.contains("Portal reference"),
        !portal_ref.is_empty(),
        "{queued_qr}"
    );
    wait(&rig, "delivery", || {
        rig.core
            .action(id)
            .is_some_and(|q| q.state == ActionState::Delivered)
    });
    // The receipt shows what the outbox knows at its next refresh.
    rig.kiosk.tick();
    let reference = rig.core.action(id).and_then(|q| q.reference).unwrap();
    assert!(reference.starts_with("SP-"));
    assert!(has_label_containing(
        app,
        &format!("Sent to the portal. Portal reference: {reference}")
    ));
    let sent_qr = read_qr(&app.global::<ReceiptAdapter>().get_qr()).expect("a readable QR");
    assert!(sent_qr.ends_with(&format!(
        "Kiosk reference: {kiosk_ref}\nPortal reference: {reference}"
    )));
    assert_eq!(
        rig.core.action(id).unwrap().payload,
        None,
        "delivered payloads are purged"
    );

    // Back in the programme the activity is no longer open for a choice.
    press(app, "Back to my programme");
    assert_eq!(rig.kiosk.screen(), Screen::Activities);
    assert!(has_label_containing(app, "Application signed"));
    // Its timeline says since when: today, in Astana.
    press_containing(app, "Application signed");
    let today = komek_domain::astana::date_on(chrono::Utc::now());
    assert!(has_label_containing(
        app,
        &format!(
            "Step 3 of 5: Application signed · since {}",
            komek_kiosk::bridge::format::date(today)
        )
    ));
    press(app, "Back");

    press(app, "Log out");
    assert_eq!(rig.kiosk.screen(), Screen::Welcome);
    assert!(!rig.kiosk.has_visit());
    assert!(!has_label_containing(app, "Ерлан"));
    assert_eq!(app.global::<ActivitiesAdapter>().get_rows().row_count(), 0);
    assert_eq!(app.global::<ActivityAdapter>().get_choices().row_count(), 0);
    assert_eq!(app.global::<AppAdapter>().get_person_name(), "");
    assert_eq!(app.global::<ReceiptAdapter>().get_kiosk_reference(), "");
    assert_eq!(app.global::<ReceiptAdapter>().get_qr().size().width, 0);
    assert_eq!(app.global::<LoginAdapter>().get_iin_length(), 0);
}

#[test]
fn idle_time_warns_then_ends_the_visit_and_wipes_it() {
    let rig = rig(Timing {
        warn_after: Duration::from_secs(60),
        end_after_warning: Duration::from_secs(20),
    });
    let app = &rig.app;
    log_in(&rig);
    let frame = app.global::<AppAdapter>();

    rig.clock.0.set(rig.clock.0.get() + Duration::from_secs(61));
    rig.kiosk.tick();
    assert!(frame.get_warning_visible());
    assert!(frame.get_warning_seconds() > 0 && frame.get_warning_seconds() <= 20);
    press(app, "Continue my session");
    assert!(!frame.get_warning_visible());
    assert!(rig.kiosk.has_visit());

    rig.clock.0.set(rig.clock.0.get() + Duration::from_secs(81));
    rig.kiosk.tick();
    assert_eq!(rig.kiosk.screen(), Screen::Welcome);
    assert!(!rig.kiosk.has_visit());
    assert!(!frame.get_warning_visible());
    assert_eq!(app.global::<ActivitiesAdapter>().get_rows().row_count(), 0);
    assert_eq!(frame.get_person_name(), "");
}

fn key(app: &AppWindow, key: Key) {
    let text: slint::SharedString = key.into();
    app.window()
        .dispatch_event(WindowEvent::KeyPressed { text: text.clone() });
    app.window()
        .dispatch_event(WindowEvent::KeyReleased { text });
}

#[test]
fn the_keyboard_alone_moves_focus_activates_and_goes_back() {
    let rig = rig(Timing::default());
    let app = &rig.app;
    app.show().unwrap();
    app.invoke_focus_root();
    // Down moves to the first control (Қазақша), Down again to Русский; Enter chooses it.
    key(app, Key::DownArrow);
    key(app, Key::DownArrow);
    key(app, Key::Return);
    assert_eq!(rig.kiosk.screen(), Screen::Iin);
    assert_eq!(app.global::<AppAdapter>().get_language(), "ru");
    // The screen now speaks Russian: the bundled catalogue is in use.
    button(app, "Продолжить");
    // Digits typed on a keyboard go straight into the IIN; Backspace erases.
    for c in ["8", "1", "x", "0"] {
        let text: slint::SharedString = c.into();
        app.window()
            .dispatch_event(WindowEvent::KeyPressed { text: text.clone() });
        app.window()
            .dispatch_event(WindowEvent::KeyReleased { text });
    }
    key(app, Key::Backspace);
    let login = app.global::<LoginAdapter>();
    assert_eq!(login.get_iin_display(), "81");
    // Escape goes back to the welcome screen.
    key(app, Key::Escape);
    assert_eq!(rig.kiosk.screen(), Screen::Welcome);
    // Tab works as Down does; Up goes back one.
    key(app, Key::Tab);
    key(app, Key::Tab);
    key(app, Key::Tab);
    key(app, Key::UpArrow);
    key(app, Key::Return);
    assert_eq!(app.global::<AppAdapter>().get_language(), "ru");
}

#[test]
fn when_the_disk_is_full_the_person_is_told_the_application_was_not_saved() {
    let rig = rig(Timing::default());
    let app = &rig.app;
    log_in(&rig);
    press_containing(app, "Awaiting your choice of supplier");
    let detail = app.global::<ActivityAdapter>();
    wait(&rig, "the suppliers", || {
        detail.get_choices().row_count() > 0
    });
    press_containing(app, "Delivery in");
    // The disk fills up: cap the file at its size, then fill what room is left in its pages.
    {
        let outbox = rig.core.sync().outbox();
        outbox.set_max_bytes(0).unwrap();
        for size in [4000, 1000, 250, 60, 10] {
            let filler = "f".repeat(size);
            while outbox
                .enqueue(
                    uuid::Uuid::now_v7(),
                    "filler",
                    "filler",
                    &filler,
                    chrono::Utc::now(),
                )
                .is_ok()
            {}
        }
    }
    let before = rig.core.sync().outbox().counts().unwrap();
    confirm_and_sign(&rig);
    assert_eq!(
        rig.kiosk.screen(),
        Screen::Signing,
        "no receipt for an unsaved action"
    );
    assert!(has_label_containing(app, "was NOT saved"));
    assert!(has_label_containing(app, "ask staff"));
    assert_eq!(
        rig.core.sync().outbox().counts().unwrap(),
        before,
        "nothing half-written"
    );
    assert!(rig.kiosk.receipt().is_none());
}

#[test]
fn the_programme_list_is_one_model_for_the_visit_updated_only_when_it_changes() {
    let rig = rig(Timing::default());
    let app = &rig.app;
    press(app, "English");
    log_in(&rig);
    let list = app.global::<ActivitiesAdapter>();
    let shown = list.get_rows();
    let first = shown.row_data(0).unwrap();
    for _ in 0..8 {
        rig.kiosk.tick();
    }
    assert!(
        list.get_rows() == shown,
        "the list's model is kept, not rebuilt each tick"
    );
    // Nothing changed, so the row (with its model of step dates) is the one shown before.
    assert!(shown.row_data(0).unwrap().step_dates == first.step_dates);
    // A change of language changes the rows in the same model.
    press(app, "Русский");
    rig.kiosk.tick();
    assert!(list.get_rows() == shown);
    assert_ne!(shown.row_data(0).unwrap().title, first.title);
}
