//! A whole visit driven through the real UI by accessible labels, headless, against the
//! gateway running in-process on loopback (real HTTP, real SQLite files).

// A test that cannot go on should stop loudly where it is.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::cell::Cell;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use i_slint_backend_testing::{AccessibleRole, ElementHandle, ElementQuery};
use komek_kiosk::bridge::{Clock, Kiosk};
use komek_kiosk::core::{Core, CoreConfig};
use komek_kiosk::session::Timing;
use komek_kiosk::store::ActionState;
use komek_kiosk::{
    ActivitiesAdapter, ActivityAdapter, AppAdapter, AppWindow, LoginAdapter, ReceiptAdapter,
    Screen, embedded, sync,
};
use slint::platform::{Key, WindowEvent};
use slint::{ComponentHandle, Model};

/// Ерлан Жақсылықов, demo participant with a prosthesis awaiting a supplier choice.
const IIN: &str = "810314304128";

#[derive(Clone)]
struct TestClock(Rc<Cell<Duration>>);

impl Clock for TestClock {
    fn monotonic(&self) -> Duration {
        self.0.get()
    }
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

struct Rig {
    app: AppWindow,
    kiosk: Kiosk,
    core: Arc<Core>,
    clock: TestClock,
    _gateway: komek_gateway::RunningGateway,
    _runtime: tokio::runtime::Runtime,
    _dir: tempfile::TempDir,
}

fn rig(timing: Timing) -> Rig {
    i_slint_backend_testing::init_no_event_loop();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let gateway = runtime
        .block_on(embedded::start(
            &dir.path().join("gateway.db"),
            &embedded::demo_data_dir(None),
        ))
        .unwrap();
    let core = Arc::new(
        Core::open(CoreConfig {
            data_dir: dir.path().join("kiosk"),
            gateway_url: gateway.url(),
            device_id: "kiosk-ui-test".into(),
            demo: true,
            request_timeout: komek_kiosk::portal::DEFAULT_REQUEST_TIMEOUT,
        })
        .unwrap(),
    );
    sync::spawn_supervised(core.sync().clone(), runtime.handle());
    let app = AppWindow::new().unwrap();
    let clock = TestClock(Rc::new(Cell::new(Duration::ZERO)));
    let kiosk = Kiosk::new(
        &app,
        core.clone(),
        runtime.handle().clone(),
        timing,
        Box::new(clock.clone()),
    );
    Rig {
        app,
        kiosk,
        core,
        clock,
        _gateway: gateway,
        _runtime: runtime,
        _dir: dir,
    }
}

fn buttons(app: &AppWindow) -> Vec<ElementHandle> {
    ElementQuery::from_root(app)
        .match_descendants()
        .match_accessible_role(AccessibleRole::Button)
        .find_all()
}

/// Where an element is: several element handles (a component's root and the base it
/// inherits) can stand for one item on screen.
fn place(e: &ElementHandle) -> (i64, i64, i64, i64) {
    let (p, s) = (e.absolute_position(), e.size());
    (p.x as i64, p.y as i64, s.width as i64, s.height as i64)
}

/// The one button on screen with exactly this label.
fn button(app: &AppWindow, label: &str) -> ElementHandle {
    let found: Vec<_> = buttons(app)
        .into_iter()
        .filter(|b| b.accessible_label().is_some_and(|l| l == label))
        .collect();
    let mut places: Vec<_> = found.iter().map(place).collect();
    places.dedup();
    assert_eq!(places.len(), 1, "buttons labelled {label:?}: {places:?}");
    found.into_iter().next().unwrap()
}

fn press(app: &AppWindow, label: &str) {
    button(app, label).invoke_accessible_default_action();
}

/// The first button whose label contains `part`.
fn press_containing(app: &AppWindow, part: &str) {
    let b = buttons(app)
        .into_iter()
        .find(|b| b.accessible_label().is_some_and(|l| l.contains(part)))
        .unwrap_or_else(|| panic!("no button whose label contains {part:?}"));
    b.invoke_accessible_default_action();
}

fn has_label_containing(app: &AppWindow, part: &str) -> bool {
    ElementQuery::from_root(app)
        .match_descendants()
        .match_predicate({
            let part = part.to_string();
            move |e| e.accessible_label().is_some_and(|l| l.contains(&part))
        })
        .find_first()
        .is_some()
}

fn type_digits(app: &AppWindow, digits: &str) {
    for d in digits.chars() {
        press(app, &d.to_string());
    }
}

fn wait(rig: &Rig, what: &str, done: impl Fn() -> bool) {
    for _ in 0..200 {
        if done() {
            return;
        }
        rig.kiosk.pump(Duration::from_millis(50));
        rig.kiosk.tick();
    }
    panic!("timed out waiting for {what}");
}

fn log_in(rig: &Rig) {
    let app = &rig.app;
    press(app, "English");
    assert_eq!(rig.kiosk.screen(), Screen::Iin);
    type_digits(app, IIN);
    press(app, "Continue");
    wait(rig, "the code screen", || {
        rig.kiosk.screen() == Screen::Code
    });
    let login = app.global::<LoginAdapter>();
    wait(rig, "the demo code", || login.get_demo_code().len() == 6);
    type_digits(app, &login.get_demo_code());
    press(app, "Log in");
    wait(rig, "the programme", || {
        rig.kiosk.screen() == Screen::Activities
    });
}

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
    let detail = app.global::<ActivityAdapter>();
    wait(&rig, "the suppliers", || {
        detail.get_choices().row_count() > 0
    });
    press_containing(app, "Delivery in");
    assert_eq!(rig.kiosk.screen(), Screen::Review);
    assert!(has_label_containing(app, "Confirm and sign"));
    press(app, "Confirm and sign");
    assert_eq!(rig.kiosk.screen(), Screen::Receipt);

    // The action is in the outbox with its own id, and the receipt says what happens to it.
    let id = rig
        .kiosk
        .receipt()
        .expect("a receipt for the queued action");
    let row = rig.core.action(id).expect("the outbox row");
    assert_eq!(row.kind, "supplier_choice");
    assert!(has_label_containing(app, "Kiosk reference: K-"));
    wait(&rig, "delivery", || {
        rig.core
            .action(id)
            .is_some_and(|q| q.state == ActionState::Delivered)
    });
    let reference = rig.core.action(id).and_then(|q| q.reference).unwrap();
    assert!(reference.starts_with("SP-"));
    assert!(has_label_containing(
        app,
        &format!("Sent to the portal. Portal reference: {reference}")
    ));
    assert_eq!(
        rig.core.action(id).unwrap().payload,
        None,
        "delivered payloads are purged"
    );

    // Back in the programme the activity is no longer open for a choice.
    press(app, "Back to my programme");
    assert_eq!(rig.kiosk.screen(), Screen::Activities);
    assert!(has_label_containing(app, "Application signed"));

    press(app, "Log out");
    assert_eq!(rig.kiosk.screen(), Screen::Welcome);
    assert!(!rig.kiosk.has_visit());
    assert!(!has_label_containing(app, "Ерлан"));
    assert_eq!(app.global::<ActivitiesAdapter>().get_rows().row_count(), 0);
    assert_eq!(app.global::<ActivityAdapter>().get_choices().row_count(), 0);
    assert_eq!(app.global::<AppAdapter>().get_person_name(), "");
    assert_eq!(app.global::<ReceiptAdapter>().get_kiosk_reference(), "");
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
    press(app, "Confirm and sign");
    assert_eq!(
        rig.kiosk.screen(),
        Screen::Review,
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
