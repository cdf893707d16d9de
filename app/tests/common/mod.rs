//! What the UI tests share: a kiosk on the headless testing backend against the gateway
//! running in-process on loopback (real HTTP, real SQLite files), and ways to press things by
//! their accessible labels.

// Each test file uses a part of this.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::cell::Cell;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use i_slint_backend_testing::{AccessibleRole, ElementHandle, ElementQuery};
use komek_kiosk::bridge::{Clock, Kiosk};
use komek_kiosk::{AppWindow, LoginAdapter, Screen, SigningAdapter, embedded};
use komek_kiosk_core::core::{Core, CoreConfig};
use komek_kiosk_core::session::Timing;
use komek_kiosk_core::sync;
use slint::ComponentHandle;

/// Speech that plays nothing and logs what it would say.
pub fn silent_speech() -> komek_kiosk_core::speech::Speech {
    use komek_kiosk_core::speech::{Speech, SpeechConfig, prompts};
    Speech::silent(SpeechConfig::new(prompts::default_dir(None)))
}

/// Ерлан Жақсылықов, demo participant with a prosthesis awaiting a supplier choice.
pub const IIN: &str = "810314304128";

#[derive(Clone)]
pub struct TestClock(pub Rc<Cell<Duration>>);

impl Clock for TestClock {
    fn monotonic(&self) -> Duration {
        self.0.get()
    }
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

pub struct Rig {
    pub app: AppWindow,
    pub kiosk: Kiosk,
    pub core: Arc<Core>,
    pub clock: TestClock,
    pub _gateway: komek_gateway::RunningGateway,
    pub _runtime: tokio::runtime::Runtime,
    pub _dir: tempfile::TempDir,
}

pub fn rig(timing: Timing) -> Rig {
    rig_with(timing, komek_kiosk::bridge::Aids::silent())
}

pub fn rig_with(timing: Timing, aids: komek_kiosk::bridge::Aids) -> Rig {
    build_rig(
        timing,
        aids,
        true,
        Some(komek_kiosk::embedded::DEMO_CARD_HOLDER),
    )
}

/// A kiosk whose demo card is `holder`'s (a technician's, say) instead of the participant's.
pub fn rig_with_card_of(timing: Timing, holder: &str) -> Rig {
    build_rig(
        timing,
        komek_kiosk::bridge::Aids::silent(),
        true,
        Some(holder),
    )
}

/// A kiosk whose gateway cannot be reached (a closed port), and which has never cached
/// anything: the dead network of a kiosk's first day.
pub fn rig_without_network(timing: Timing) -> Rig {
    build_rig(
        timing,
        komek_kiosk::bridge::Aids::silent(),
        false,
        Some(komek_kiosk::embedded::DEMO_CARD_HOLDER),
    )
}

/// A kiosk with no card reader and no pcscd: the card option shows as unavailable.
pub fn rig_without_card_readers(timing: Timing) -> Rig {
    build_rig(timing, komek_kiosk::bridge::Aids::silent(), true, None)
}

fn build_rig(
    timing: Timing,
    aids: komek_kiosk::bridge::Aids,
    reachable: bool,
    demo_card_of: Option<&str>,
) -> Rig {
    i_slint_backend_testing::init_no_event_loop();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let demo_card = komek_kiosk_core::cards::DemoCard::issue(
        demo_card_of.unwrap_or(komek_kiosk::embedded::DEMO_CARD_HOLDER),
        chrono::Utc::now(),
    )
    .unwrap();
    let gateway = runtime
        .block_on(embedded::start(
            &dir.path().join("gateway.db"),
            &embedded::demo_data_dir(None),
            vec![demo_card.root_der().to_vec()],
        ))
        .unwrap();
    let core = Arc::new(
        Core::open(CoreConfig {
            data_dir: dir.path().join("kiosk"),
            // Port 1 on loopback: nothing listens, so every request is refused at once.
            gateway_url: if reachable {
                gateway.url()
            } else {
                "http://127.0.0.1:1".into()
            },
            gateway_ca: None,
            demo: true,
            request_timeout: komek_kiosk_core::portal::DEFAULT_REQUEST_TIMEOUT,
            region: "KZ-35".into(),
        })
        .unwrap(),
    );
    if reachable {
        runtime
            .block_on(core.enrol_on_demo_gateway("kiosk-ui-test"))
            .unwrap();
    }
    sync::spawn_supervised(core.sync().clone(), runtime.handle());
    let app = AppWindow::new().unwrap();
    let clock = TestClock(Rc::new(Cell::new(Duration::ZERO)));
    let kiosk = Kiosk::new(
        &app,
        core.clone(),
        runtime.handle().clone(),
        timing,
        Box::new(clock.clone()),
        komek_kiosk::bridge::Aids {
            cards: if demo_card_of.is_some() {
                komek_kiosk_core::cards::CardReaders::new(false).with_demo_card(demo_card)
            } else {
                komek_kiosk_core::cards::CardReaders::new(false)
            },
            ..aids
        },
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

/// Puts a finger on the welcome screen's top-left corner (`down`) or lifts it.
pub fn touch_service_corner(rig: &Rig, down: bool) {
    let position = slint::LogicalPosition::new(30.0, 30.0);
    let button = slint::platform::PointerEventButton::Left;
    rig.app.window().dispatch_event(if down {
        slint::platform::WindowEvent::PointerPressed { position, button }
    } else {
        slint::platform::WindowEvent::PointerReleased { position, button }
    });
}

/// Moves the kiosk's idle clock on by `by` and lets it tick.
pub fn advance(rig: &Rig, by: Duration) {
    rig.clock.0.set(rig.clock.0.get() + by);
    rig.kiosk.tick();
}

/// Holds the welcome screen's corner for five seconds: technician mode's sign-in opens.
pub fn hold_service_corner(rig: &Rig) {
    touch_service_corner(rig, true);
    advance(rig, Duration::from_secs(5));
    touch_service_corner(rig, false);
}

pub fn buttons(app: &AppWindow) -> Vec<ElementHandle> {
    ElementQuery::from_root(app)
        .match_descendants()
        .match_accessible_role(AccessibleRole::Button)
        .find_all()
}

/// Where an element is: several element handles (a component's root and the base it
/// inherits) can stand for one item on screen.
pub fn place(e: &ElementHandle) -> (i64, i64, i64, i64) {
    let (p, s) = (e.absolute_position(), e.size());
    (p.x as i64, p.y as i64, s.width as i64, s.height as i64)
}

/// The one button on screen with exactly this label.
pub fn button(app: &AppWindow, label: &str) -> ElementHandle {
    let found: Vec<_> = buttons(app)
        .into_iter()
        .filter(|b| b.accessible_label().is_some_and(|l| l == label))
        .collect();
    let mut places: Vec<_> = found.iter().map(place).collect();
    places.dedup();
    assert_eq!(places.len(), 1, "buttons labelled {label:?}: {places:?}");
    found.into_iter().next().unwrap()
}

pub fn press(app: &AppWindow, label: &str) {
    button(app, label).invoke_accessible_default_action();
}

/// The first button whose label contains `part`.
pub fn press_containing(app: &AppWindow, part: &str) {
    let b = buttons(app)
        .into_iter()
        .find(|b| b.accessible_label().is_some_and(|l| l.contains(part)))
        .unwrap_or_else(|| panic!("no button whose label contains {part:?}"));
    b.invoke_accessible_default_action();
}

pub fn has_label_containing(app: &AppWindow, part: &str) -> bool {
    ElementQuery::from_root(app)
        .match_descendants()
        .match_predicate({
            let part = part.to_string();
            move |e| e.accessible_label().is_some_and(|l| l.contains(&part))
        })
        .find_first()
        .is_some()
}

pub fn type_digits(app: &AppWindow, digits: &str) {
    for d in digits.chars() {
        press(app, &d.to_string());
    }
}

pub fn wait(rig: &Rig, what: &str, done: impl Fn() -> bool) {
    assert!(
        rig.kiosk.pump_until(Duration::from_secs(10), done),
        "timed out waiting for {what}"
    );
}

/// Waits until the kiosk's outbox has delivered `count` actions to the gateway.
pub fn wait_delivered(rig: &Rig, count: u64) {
    wait(rig, "the queued actions delivered", || {
        rig.core
            .sync()
            .outbox()
            .counts()
            .is_ok_and(|c| c.delivered == count)
    });
}

pub fn log_in(rig: &Rig) {
    log_in_as(rig, IIN);
}

pub fn log_in_as(rig: &Rig, iin: &str) {
    press(&rig.app, "English");
    log_in_from_iin_screen(rig, iin);
}

/// Logs `iin` in with the demo code, from the IIN screen, to the programme.
pub fn log_in_from_iin_screen(rig: &Rig, iin: &str) {
    submit_login(rig, iin);
    wait(rig, "the programme", || {
        rig.kiosk.screen() == Screen::Activities
    });
}

/// Types `iin` and the demo code on the IIN and code screens and presses "Log in"; where the
/// visit goes next is the caller's to wait for.
pub fn submit_login(rig: &Rig, iin: &str) {
    let app = &rig.app;
    assert_eq!(rig.kiosk.screen(), Screen::Iin);
    type_digits(app, iin);
    press(app, "Continue");
    wait(rig, "the code screen", || {
        rig.kiosk.screen() == Screen::Code
    });
    let login = app.global::<LoginAdapter>();
    wait(rig, "the demo code", || login.get_demo_code().len() == 6);
    type_digits(app, &login.get_demo_code());
    press(app, "Log in");
}

/// From the review: "Confirm and sign", then the demo code on the signing screen's keypad.
/// Returns on the screen that follows (the receipt, unless the save failed).
pub fn confirm_and_sign(rig: &Rig) {
    let app = &rig.app;
    assert_eq!(rig.kiosk.screen(), Screen::Review);
    press(app, "Confirm and sign");
    sign_with_demo_code(rig);
}

/// On the signing screen: the demo code on the keypad, then "Sign the application".
pub fn sign_with_demo_code(rig: &Rig) {
    let app = &rig.app;
    assert_eq!(rig.kiosk.screen(), Screen::Signing);
    let signing = app.global::<SigningAdapter>();
    wait(rig, "the signing code", || {
        signing.get_demo_code().len() == 6
    });
    type_digits(app, &signing.get_demo_code());
    press(app, "Sign the application");
    wait(rig, "the signature", || !signing.get_busy());
}

/// Reads a QR code the way a phone camera would, from the image the kiosk shows.
pub fn read_qr(image: &slint::Image) -> Option<String> {
    let buffer = image.to_rgb8()?;
    let (w, h) = (buffer.width() as usize, buffer.height() as usize);
    let pixels = buffer.as_slice();
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| {
        let p = pixels[y * w + x];
        ((u16::from(p.r) + u16::from(p.g) + u16::from(p.b)) / 3) as u8
    });
    let grids = prepared.detect_grids();
    let (_, text) = grids.first()?.decode().ok()?;
    Some(text)
}

/// From the programme: opens the activity awaiting a choice and chooses its first supplier;
/// the review is up.
pub fn open_review(rig: &Rig) {
    let app = &rig.app;
    press_containing(app, "Awaiting your choice of supplier");
    let detail = app.global::<komek_kiosk::ActivityAdapter>();
    wait(rig, "the suppliers", || {
        slint::Model::row_count(&detail.get_choices()) > 0
    });
    press_containing(app, "Delivery in");
    assert_eq!(rig.kiosk.screen(), Screen::Review);
}

/// Waits until the gateway has accepted the application on the receipt.
pub fn wait_receipt_delivered(rig: &Rig) {
    let id = rig.kiosk.receipt().expect("a receipt");
    wait(rig, "delivery", || {
        rig.core
            .action(id)
            .is_some_and(|q| q.state == komek_kiosk_core::store::ActionState::Delivered)
    });
}
