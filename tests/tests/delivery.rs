//! The kiosk against the real `komek-gateway` process: an order confirmed on the kiosk arrives
//! at the gateway exactly once, also when the gateway is down at the moment of confirming.

// A test that cannot go on should stop loudly where it is.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use komek_e2e::kiosk::KioskCore;
use komek_e2e::{GatewayProcess, free_port, wait_until};
use komek_kiosk::bridge::Kiosk;
use komek_kiosk::{
    ActivitiesAdapter, ActivityAdapter, ActivityStatus, AppAdapter, AppWindow, DeliveryState,
    LoginAdapter, LoginProblem, ReceiptAdapter, ReviewAdapter, Screen, SigningAdapter,
};
use komek_kiosk_core::core::{Core, Visit};
use komek_kiosk_core::store::ActionState;
use slint::{ComponentHandle, Model};
use uuid::Uuid;

const IIN: &str = "810314304128";

struct Rig {
    core: Arc<Core>,
    runtime: tokio::runtime::Runtime,
    dir: tempfile::TempDir,
}

fn rig(gateway_url: String, dir: tempfile::TempDir) -> Rig {
    let KioskCore { core, runtime } =
        KioskCore::start(gateway_url, &dir.path().join("kiosk")).unwrap();
    Rig { core, runtime, dir }
}

/// On the signing screen: types the demo code and signs; returns the screen that follows.
fn sign_with_demo_code(app: &AppWindow, kiosk: &Kiosk) -> Screen {
    let signing = app.global::<SigningAdapter>();
    assert!(kiosk.pump_until(Duration::from_secs(10), || {
        signing.get_demo_code().len() == 6
    }));
    type_digits(|d| signing.invoke_digit(d), &signing.get_demo_code());
    signing.invoke_sign();
    assert!(kiosk.pump_until(Duration::from_secs(10), || !signing.get_busy()));
    kiosk.screen()
}

/// How many orders the gateway holds for this action, read from its own database file.
fn orders_for(gateway_db: &std::path::Path, action: Uuid) -> i64 {
    let conn = rusqlite::Connection::open_with_flags(
        gateway_db,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap();
    conn.query_row(
        "SELECT COUNT(*) FROM orders WHERE idempotency_key = ?1",
        [action.to_string()],
        |r| r.get(0),
    )
    .unwrap()
}

fn log_in(rig: &Rig) -> Visit {
    komek_e2e::kiosk::log_in(&rig.core, &rig.runtime, IIN).unwrap()
}

#[test]
fn an_order_confirmed_on_the_kiosk_arrives_at_the_gateway_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let gateway_db = dir.path().join("gateway.db");
    let gateway = GatewayProcess::start(&gateway_db, free_port().unwrap()).unwrap();
    let rig = rig(gateway.url(), dir);

    let mut visit = log_in(&rig);
    let order = komek_e2e::kiosk::first_order(&rig.core, &rig.runtime, &visit).unwrap();
    let signed = komek_e2e::kiosk::sign(&rig.core, &rig.runtime, &visit, &order).unwrap();
    let id = rig
        .core
        .queue_application(&mut visit, &signed, chrono::Utc::now())
        .unwrap();
    let signed_activity = visit.activities.iter().find(|a| a.id == order.activity_id);
    assert_eq!(
        signed_activity.map(|a| a.status),
        Some(komek_domain::ActivityStatus::ApplicationSigned),
        "once queued, the visit shows the activity signed"
    );

    assert!(wait_until(Duration::from_secs(15), || {
        rig.core
            .action(id)
            .is_some_and(|q| q.state == ActionState::Delivered)
    }));
    let row = rig.core.action(id).unwrap();
    assert!(
        row.reference
            .as_deref()
            .is_some_and(|r| r.starts_with("SP-"))
    );
    assert_eq!(orders_for(&gateway_db, id), 1);

    // Logging in again shows the activity as signed: the gateway applied the order.
    let again = log_in(&rig);
    let signed = again
        .activities
        .iter()
        .find(|a| a.id == order.activity_id)
        .unwrap();
    assert_eq!(
        signed.status,
        komek_domain::ActivityStatus::ApplicationSigned
    );
    drop(rig.dir);
}

fn type_digits(apply: impl Fn(slint::SharedString), digits: &str) {
    for d in digits.chars() {
        apply(d.to_string().into());
    }
}

/// The kiosk window on the headless testing backend, driven by `rig`'s core.
fn window(rig: &Rig) -> (AppWindow, Kiosk) {
    komek_e2e::kiosk::window(&rig.core, &rig.runtime).unwrap()
}

/// Logs the demo participant in through the UI's adapters, opens the activity awaiting a
/// choice and chooses its first offer: the review screen is up.
fn walk_to_review(app: &AppWindow, kiosk: &Kiosk) {
    let login = app.global::<LoginAdapter>();
    app.global::<AppAdapter>().invoke_start("en".into());
    type_digits(|d| login.invoke_iin_digit(d), IIN);
    login.invoke_iin_submit();
    assert!(kiosk.pump_until(Duration::from_secs(10), || login.get_demo_code().len() == 6));
    type_digits(|d| login.invoke_code_digit(d), &login.get_demo_code());
    login.invoke_code_submit();
    assert!(kiosk.pump_until(Duration::from_secs(10), || kiosk.screen()
        == Screen::Activities));
    let rows = app.global::<ActivitiesAdapter>().get_rows();
    let open = rows
        .iter()
        .position(|r| r.status == ActivityStatus::AwaitingChoice)
        .unwrap();
    app.global::<ActivitiesAdapter>().invoke_open(open as i32);
    let detail = app.global::<ActivityAdapter>();
    assert!(
        kiosk.pump_until(Duration::from_secs(10), || detail.get_choices().row_count()
            > 0)
    );
    detail.invoke_choose(0);
    assert_eq!(kiosk.screen(), Screen::Review);
}

#[test]
fn with_the_gateway_down_the_order_waits_in_the_queue_and_is_delivered_once_when_it_returns() {
    let dir = tempfile::tempdir().unwrap();
    let gateway_db = dir.path().join("gateway.db");
    let port = free_port().unwrap();
    let gateway = GatewayProcess::start(&gateway_db, port).unwrap();
    // The delivery worker starts only once the order is queued, so the outage meets it.
    let KioskCore { core, runtime } =
        KioskCore::without_worker(gateway.url(), &dir.path().join("kiosk")).unwrap();
    let rig = Rig { core, runtime, dir };
    let (app, kiosk) = window(&rig);
    let frame = app.global::<AppAdapter>();

    walk_to_review(&app, &kiosk);
    assert!(!frame.get_offline());

    // The gateway goes away while the person types the code: nothing is signed or queued,
    // and the person is told.
    app.global::<ReviewAdapter>().invoke_confirm();
    assert_eq!(kiosk.screen(), Screen::Signing);
    let signing = app.global::<SigningAdapter>();
    assert!(kiosk.pump_until(Duration::from_secs(10), || {
        signing.get_demo_code().len() == 6
    }));
    let code = signing.get_demo_code();
    gateway.kill().unwrap();
    assert_eq!(sign_with_demo_code(&app, &kiosk), Screen::Signing);
    assert_eq!(signing.get_problem(), LoginProblem::Offline);
    assert_eq!(rig.core.sync().outbox().counts().unwrap().pending, 0);

    // Back again: the same code signs, and the order is queued.
    let gateway = GatewayProcess::start(&gateway_db, port).unwrap();
    type_digits(|d| signing.invoke_digit(d), &code);
    signing.invoke_sign();
    assert!(kiosk.pump_until(Duration::from_secs(10), || {
        kiosk.screen() == Screen::Receipt
    }));
    let id = kiosk.receipt().unwrap();

    // The gateway goes away before the worker delivers it.
    gateway.kill().unwrap();
    komek_kiosk_core::sync::spawn_supervised(rig.core.sync().clone(), rig.runtime.handle());
    let receipt = app.global::<ReceiptAdapter>();
    assert!(kiosk.pump_until(Duration::from_secs(10), || {
        frame.get_offline() && rig.core.action(id).is_some_and(|q| q.attempts >= 1)
    }));
    assert_eq!(receipt.get_state(), DeliveryState::Queued);
    let queued = rig.core.action(id).unwrap();
    assert_eq!(queued.state, ActionState::Pending);
    assert!(queued.attempts >= 1, "a delivery was tried and failed");
    assert!(
        queued.payload.is_some(),
        "the action waits with its payload"
    );

    // The gateway comes back on the same address: the order is delivered, once.
    let _gateway = GatewayProcess::start(&gateway_db, port).unwrap();
    rig.core.sync().wake();
    assert!(
        kiosk.pump_until(Duration::from_secs(30), || receipt.get_state()
            == DeliveryState::Sent)
    );
    assert!(!frame.get_offline());
    assert!(receipt.get_portal_reference().starts_with("SP-"));
    assert_eq!(orders_for(&gateway_db, id), 1);
    // Further wake-ups deliver nothing again.
    rig.core.sync().wake();
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(orders_for(&gateway_db, id), 1);
}

#[test]
fn an_action_refused_for_good_is_parked_the_person_is_told_and_staff_see_why() {
    let dir = tempfile::tempdir().unwrap();
    let gateway_db = dir.path().join("gateway.db");
    // Grants that expire two seconds after login: the action will arrive too late.
    let gateway = GatewayProcess::start_with(
        &gateway_db,
        free_port().unwrap(),
        &["--grant-lifetime-secs", "2"],
    )
    .unwrap();
    let rig = rig(gateway.url(), dir);
    let (app, kiosk) = window(&rig);
    walk_to_review(&app, &kiosk);
    std::thread::sleep(Duration::from_millis(2500));
    app.global::<ReviewAdapter>().invoke_confirm();
    assert_eq!(sign_with_demo_code(&app, &kiosk), Screen::Receipt);

    let receipt = app.global::<ReceiptAdapter>();
    assert!(kiosk.pump_until(Duration::from_secs(10), || {
        receipt.get_state() == DeliveryState::Refused
    }));
    let id = kiosk.receipt().unwrap();
    let parked = rig.core.action(id).unwrap();
    assert_eq!(parked.state, ActionState::Parked);
    assert_eq!(parked.attempts, 1, "refused for good: not retried");
    assert_eq!(orders_for(&gateway_db, id), 0);
    let report = komek_kiosk_core::diagnostics::report(&rig.core.config().data_dir).unwrap();
    assert!(report.contains(&id.to_string()), "{report}");
    assert!(
        report.contains("grant of this action has expired"),
        "{report}"
    );
    assert!(!report.contains(IIN), "no IIN in the technician's report");
}
