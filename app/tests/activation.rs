#![allow(clippy::unwrap_used, clippy::expect_used)]
//! A supplier choice blocked after two months (Rules item 10): the person asks for it to be
//! activated again; the request is queued and delivered, and the activity says so.

mod common;

use common::*;
use komek_kiosk::{ActivityAdapter, ActivityStatus, Screen};
use komek_kiosk_core::session::Timing;
use slint::ComponentHandle;

/// Петренко Виктор (demo): his reading machine's choice is blocked.
const BLOCKED_PARTICIPANT: &str = "660505315307";

#[test]
fn a_blocked_choice_is_asked_to_be_activated_again() {
    let rig = rig(Timing::default());
    let app = &rig.app;
    log_in_as(&rig, BLOCKED_PARTICIPANT);
    press_containing(app, "Choice blocked");
    assert_eq!(rig.kiosk.screen(), Screen::Activity);
    let detail = app.global::<ActivityAdapter>();
    assert_eq!(detail.get_activity().status, ActivityStatus::ChoiceBlocked);
    assert!(!detail.get_can_choose());

    press(app, "Ask to activate the choice again");
    assert!(detail.get_activation_saved());
    assert_eq!(
        detail.get_activity().status,
        ActivityStatus::ActivationRequested
    );
    assert!(
        !has_label_containing(app, "Ask to activate the choice again"),
        "asked once"
    );
    wait_delivered(&rig, 1);
    // The programme lists it as requested too.
    press(app, "Back");
    assert!(has_label_containing(
        app,
        "Activation of the choice requested"
    ));
}
