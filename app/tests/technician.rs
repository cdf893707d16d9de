//! Technician mode on the kiosk's screen, against the in-process gateway with its demo
//! technician: reached by holding the welcome screen's corner, opened with the technician's
//! IIN and authenticator code, showing nothing of a person, sending a parked action again
//! (delivered once), and ending by itself after five idle minutes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::*;
use i_slint_backend_testing::{AccessibleRole, ElementQuery};
use komek_kiosk::{AppAdapter, Screen, TechnicianAdapter, TechnicianProblem};
use komek_kiosk_core::session::Timing;
use komek_kiosk_core::store::ActionState;
use komek_kiosk_core::technician::DEMO_TECHNICIAN_IIN;
use slint::ComponentHandle;

/// Holds the welcome screen's corner for five seconds: the sign-in opens.
fn open_sign_in(rig: &Rig) {
    assert_eq!(rig.kiosk.screen(), Screen::Welcome);
    hold_service_corner(rig);
    assert_eq!(rig.kiosk.screen(), Screen::TechnicianSignIn);
    // It opens in Kazakh, like the welcome screen; the technician chooses from the bar.
    press(&rig.app, "English");
}

/// A kiosk on a full-size screen (where the corner is), at the welcome screen.
fn full_size(rig: Rig) -> Rig {
    rig.app
        .window()
        .set_size(slint::PhysicalSize::new(1920, 1080));
    rig
}

/// Signs in as the demo technician with the code the demo shows.
fn sign_in(rig: &Rig) {
    let adapter = rig.app.global::<TechnicianAdapter>();
    wait(rig, "the demo technician's code", || {
        adapter.get_demo_code().len() == 6
    });
    type_digits(&rig.app, DEMO_TECHNICIAN_IIN);
    type_digits(&rig.app, &adapter.get_demo_code());
    press(&rig.app, "Open technician mode");
    wait(rig, "technician mode", || {
        rig.kiosk.screen() == Screen::Technician
    });
}

/// Every text and label on screen.
fn everything_shown(rig: &Rig) -> String {
    ElementQuery::from_root(&rig.app)
        .match_descendants()
        .find_all()
        .into_iter()
        .filter_map(|e| e.accessible_label().map(|l| l.to_string()))
        .chain(
            ElementQuery::from_root(&rig.app)
                .match_descendants()
                .match_accessible_role(AccessibleRole::Text)
                .find_all()
                .into_iter()
                .filter_map(|e| e.accessible_value().map(|v| v.to_string())),
        )
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn only_a_corner_held_for_five_seconds_opens_the_sign_in() {
    let rig = full_size(rig(Timing::default()));
    touch_service_corner(&rig, true);
    advance(&rig, Duration::from_secs(3));
    touch_service_corner(&rig, false);
    advance(&rig, Duration::from_secs(5));
    assert_eq!(rig.kiosk.screen(), Screen::Welcome, "a short press");
    open_sign_in(&rig);
    // Back from the sign-in ends it, and the welcome screen is as it was.
    rig.app.global::<AppAdapter>().invoke_back();
    assert_eq!(rig.kiosk.screen(), Screen::Welcome);
}

#[test]
fn a_wrong_code_or_a_participants_iin_is_refused_with_one_message() {
    let rig = full_size(rig(Timing::default()));
    open_sign_in(&rig);
    let adapter = rig.app.global::<TechnicianAdapter>();
    press(&rig.app, "Open technician mode");
    assert_eq!(adapter.get_problem(), TechnicianProblem::IinIncomplete);

    type_digits(&rig.app, DEMO_TECHNICIAN_IIN);
    type_digits(&rig.app, "000000");
    press(&rig.app, "Open technician mode");
    wait(&rig, "the refusal", || !adapter.get_busy());
    assert_eq!(adapter.get_problem(), TechnicianProblem::Refused);
    assert_eq!(adapter.get_code_length(), 0, "the code is forgotten");

    // A participant's IIN with a code is refused the same way.
    for _ in 0..12 {
        press(&rig.app, "Erase the last digit");
    }
    type_digits(&rig.app, IIN);
    type_digits(&rig.app, "123456");
    press(&rig.app, "Open technician mode");
    wait(&rig, "the refusal", || !adapter.get_busy());
    assert_eq!(adapter.get_problem(), TechnicianProblem::Refused);
    assert_eq!(rig.kiosk.screen(), Screen::TechnicianSignIn);
}

#[test]
fn a_parked_action_sent_again_from_technician_mode_is_delivered_once_and_nothing_personal_shows() {
    let rig = full_size(rig(Timing::default()));
    let gateway = rusqlite::Connection::open(rig._dir.path().join("gateway.db")).unwrap();
    // The activity stops awaiting a choice at the gateway before the application arrives:
    // the gateway refuses it for good, and the kiosk parks it.
    log_in(&rig);
    open_review(&rig);
    let blocked = gateway
        .execute(
            "UPDATE activities SET status = 'cancelled'
             WHERE participant_iin = ?1 AND status = 'awaiting_choice'",
            [IIN],
        )
        .unwrap();
    assert_eq!(blocked, 1);
    confirm_and_sign(&rig);
    let id = rig.kiosk.receipt().unwrap();
    wait(&rig, "the refusal", || {
        rig.core
            .action(id)
            .is_some_and(|a| a.state == ActionState::Parked)
    });
    rig.app.global::<AppAdapter>().invoke_logout();
    // What the programme's operator mends at the gateway.
    gateway
        .execute(
            "UPDATE activities SET status = 'awaiting_choice'
             WHERE participant_iin = ?1 AND status = 'cancelled'",
            [IIN],
        )
        .unwrap();

    open_sign_in(&rig);
    sign_in(&rig);
    press(&rig.app, "Queue");
    let reference = komek_kiosk_core::store::kiosk_reference(id);
    let shown = everything_shown(&rig);
    assert!(shown.contains(&reference), "{shown}");
    for personal in [IIN, "Ерлан", "Жақсылықов", "+7"] {
        assert!(!shown.contains(personal), "{personal} shown:\n{shown}");
    }

    press(&rig.app, &format!("Send {reference} again"));
    wait(&rig, "the delivery", || {
        rig.core
            .action(id)
            .is_some_and(|a| a.state == ActionState::Delivered)
    });
    let orders: i64 = gateway
        .query_row(
            "SELECT COUNT(*) FROM orders WHERE idempotency_key = ?1",
            [id.to_string()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(orders, 1, "applied once");
    // Nothing is parked any more: no row offers to send it again.
    assert!(!has_label_containing(
        &rig.app,
        &format!("Send {reference} again")
    ));
    let audited = || -> Vec<(String, String)> {
        gateway
            .prepare(
                "SELECT action, detail FROM audit_log
                 WHERE actor = 'technician:tech-demo' ORDER BY seq",
            )
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    wait(&rig, "the audit of the retry", || {
        audited().contains(&("parked action retried".into(), reference.clone()))
    });
    press(&rig.app, "Exit technician mode");
    assert_eq!(rig.kiosk.screen(), Screen::Welcome);
    wait(&rig, "the audit of the exit", || {
        audited().contains(&("technician mode closed".into(), "exit".into()))
    });
}

#[test]
fn technician_mode_warns_then_ends_after_five_idle_minutes() {
    let rig = full_size(rig(Timing::default()));
    open_sign_in(&rig);
    sign_in(&rig);
    // Longer than a person's visit lasts idle, and no warning yet.
    advance(&rig, Duration::from_secs(200));
    assert_eq!(rig.kiosk.screen(), Screen::Technician);
    assert!(!rig.app.global::<AppAdapter>().get_warning_visible());
    advance(&rig, Duration::from_secs(75));
    assert!(rig.app.global::<AppAdapter>().get_warning_visible());
    advance(&rig, Duration::from_secs(30));
    assert_eq!(rig.kiosk.screen(), Screen::Welcome);
    assert_eq!(rig.app.global::<TechnicianAdapter>().get_technician(), "");
}

/// Puts the demo card in and waits until its PIN screen has opened it.
fn put_card_in(rig: &Rig) {
    rig.kiosk.cards().demo().unwrap().insert();
    rig.kiosk.tick();
    let card = rig.app.global::<komek_kiosk::CardAdapter>();
    wait(rig, "the card opened", || {
        rig.kiosk.screen() == Screen::CardPin && !card.get_busy() && card.get_tries_left() > 0
    });
}

#[test]
fn the_technicians_card_opens_the_mode_and_taking_it_out_ends_it() {
    let rig = full_size(rig_with_card_of(Timing::default(), DEMO_TECHNICIAN_IIN));
    open_sign_in(&rig);
    put_card_in(&rig);
    type_digits(&rig.app, komek_kiosk_core::cards::DEMO_PIN);
    press(&rig.app, "Log in");
    wait(&rig, "technician mode", || {
        rig.kiosk.screen() == Screen::Technician
    });
    assert_eq!(
        rig.app.global::<TechnicianAdapter>().get_technician(),
        "tech-demo"
    );
    rig.kiosk.cards().demo().unwrap().remove();
    wait(&rig, "the end of the mode", || {
        rig.kiosk.screen() == Screen::Welcome
    });
    let gateway = rusqlite::Connection::open(rig._dir.path().join("gateway.db")).unwrap();
    let closed = || -> bool {
        gateway
            .query_row(
                "SELECT COUNT(*) FROM audit_log WHERE actor = 'technician:tech-demo'
                 AND action = 'technician mode closed' AND detail = 'card removed'",
                [],
                |r| r.get::<_, i64>(0),
            )
            .unwrap()
            == 1
    };
    wait(&rig, "the audit of the card's removal", closed);
}

#[test]
fn a_participants_card_is_refused_at_the_technicians_sign_in() {
    let rig = full_size(rig(Timing::default()));
    open_sign_in(&rig);
    put_card_in(&rig);
    type_digits(&rig.app, komek_kiosk_core::cards::DEMO_PIN);
    press(&rig.app, "Log in");
    let card = rig.app.global::<komek_kiosk::CardAdapter>();
    wait(&rig, "the refusal", || !card.get_busy());
    assert_eq!(card.get_problem(), komek_kiosk::CardProblem::Refused);
    assert_eq!(rig.kiosk.screen(), Screen::CardPin);
    assert!(has_label_containing(
        &rig.app,
        "not a technician of this kiosk's region"
    ));
    press(&rig.app, "Back");
    assert_eq!(rig.kiosk.screen(), Screen::TechnicianSignIn);
}

#[test]
fn the_catalogue_is_downloaded_again_from_the_network_section() {
    let rig = full_size(rig(Timing::default()));
    open_sign_in(&rig);
    sign_in(&rig);
    let fetched = || {
        rig.core
            .sync()
            .cache()
            .get(komek_kiosk_core::sync::CATALOGUE_KEY)
            .unwrap()
            .map(|c| c.fetched_at)
    };
    // A catalogue is cached already: "again" must fetch, not read the cache.
    assert!(rig._runtime.block_on(rig.core.sync().refresh_catalogue()));
    let before = fetched();
    assert!(before.is_some());
    std::thread::sleep(std::time::Duration::from_millis(5));
    press(&rig.app, "Network");
    press(&rig.app, "Download the catalogue again");
    let adapter = rig.app.global::<TechnicianAdapter>();
    wait(&rig, "the download", || {
        adapter.get_notice() == komek_kiosk::TechnicianNotice::CatalogueDownloaded
    });
    assert!(
        fetched().is_some() && fetched() > before,
        "the cache was fetched anew"
    );
}
