//! The UI bridge: Slint callbacks become session commands and core calls; state becomes what
//! the adapters show. Slow work (network) runs on the tokio runtime and comes back as an
//! `Update` through a channel that the UI thread drains, so the UI thread never waits.

mod account;
mod acting;
mod announcements;
mod card;
mod catalogue;
mod code_entry;
mod demo;
pub mod format;
mod keyboard;
pub mod keys;
mod languages;
mod login;
mod models;
mod offer;
pub mod out_of_service;
mod programme;
pub mod qr;
mod qr_login;
mod render;
mod report;
pub mod screens;
mod sign_video;
mod signing;
mod speaking;
mod state;
mod tactile;
mod technician;

use screens::Back;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use slint::ComponentHandle;
use slint::platform::{Key, WindowEvent};

pub use komek_kiosk_core::store::kiosk_reference;
pub use programme::activity_row;
use state::State;

use crate::{AppAdapter, AppWindow, SaveProblem, Screen};
use keys::KeyMap;
use komek_domain::{Catalogue, Lang};
use komek_kiosk_core::core::{Core, Visit};
use komek_kiosk_core::session::{Session, Tick, Timing};
use komek_kiosk_core::speech::{Speech, SpeechConfig};

/// What the kiosk offers beyond the screen: speech, the tactile keys, sign-language clips.
pub struct Aids {
    pub speech: Speech,
    pub keys: KeyMap,
    /// The folder of the sign-language clips named in assets/sign/manifest.toml.
    pub sign_clips: std::path::PathBuf,
    /// The ID card readers (and the demo card on a demo kiosk).
    pub cards: komek_kiosk_core::cards::CardReaders,
}

impl Aids {
    /// Silent speech (logged, not heard), the default keys and the clips of the source tree
    /// or installation: for the tour and headless tests.
    pub fn silent() -> Self {
        Aids {
            speech: Speech::silent(SpeechConfig::new(
                komek_kiosk_core::speech::prompts::default_dir(None),
            )),
            keys: KeyMap::default(),
            sign_clips: komek_kiosk_core::sign::manifest::default_dir(None),
            cards: komek_kiosk_core::cards::CardReaders::none(),
        }
    }
}

/// Where the bridge reads time; tests pass a clock they move by hand.
pub trait Clock {
    /// Monotonic time since some fixed start, for idle timeouts.
    fn monotonic(&self) -> Duration;
    fn now(&self) -> DateTime<Utc>;
}

pub struct SystemClock(Instant);

impl Default for SystemClock {
    fn default() -> Self {
        SystemClock(Instant::now())
    }
}

impl Clock for SystemClock {
    fn monotonic(&self) -> Duration {
        self.0.elapsed()
    }
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// Results of background work, applied on the UI thread.
enum Update {
    Login(login::Msg),
    Catalogue(Option<(Catalogue, DateTime<Utc>)>),
    Report(report::Msg),
    Account(account::Msg),
    Signing(signing::Msg),
    Acting(acting::Msg),
    Card(card::Msg),
    Qr(qr_login::Msg),
    Announcements(announcements::Msg),
    Technician(technician::Msg),
    /// The background work panicked; it was logged, and its feature stops waiting.
    Failed(Recover),
}

/// How a feature's screen stops waiting for background work that died: each feature names
/// its own when it spawns the work, so no central list knows every feature's busy flags.
type Recover = fn(&mut State);

/// Runs `work` as a task of its own, so that its panic is caught here and becomes its room's
/// `Update::Failed`.
async fn caught<F>(runtime: &tokio::runtime::Handle, recover: Recover, work: F) -> Update
where
    F: std::future::Future<Output = Update> + Send + 'static,
{
    match runtime.spawn(work).await {
        Ok(update) => update,
        Err(e) => {
            tracing::error!(error = %e, "background work failed");
            Update::Failed(recover)
        }
    }
}

/// What the person is told when an action could not be queued: a full disk is said as such,
/// so that nobody believes it was saved.
fn save_problem(e: &komek_kiosk_core::store::StoreError) -> SaveProblem {
    if e.is_disk_full() {
        SaveProblem::DiskFull
    } else {
        SaveProblem::Failed
    }
}

/// The [`Recover`] of work nobody waits for (a demo code that never shows, a round trip not
/// measured): a panic in it is logged and leaves every screen as it was.
fn nothing_waits(_: &mut State) {}

/// A feature whose work died stops waiting and, if it was waiting, says the work failed.
fn stop_waiting<P>(busy: &mut bool, problem: &mut Option<P>, failed: P) {
    if std::mem::take(busy) {
        *problem = Some(failed);
    }
}

/// The controller of the kiosk window.
pub struct Kiosk {
    inner: Rc<Inner>,
}

struct Inner {
    app: slint::Weak<AppWindow>,
    core: Arc<Core>,
    runtime: tokio::runtime::Handle,
    clock: Box<dyn Clock>,
    state: RefCell<State>,
    tx: mpsc::Sender<(u64, Update)>,
    rx: mpsc::Receiver<(u64, Update)>,
    warning_seconds: RefCell<u64>,
    speech: Speech,
    keys: KeyMap,
    /// Set while the bridge itself sends a key to the window, so it passes straight through.
    synthetic_key: Cell<bool>,
    sign_clips: std::path::PathBuf,
    cards: komek_kiosk_core::cards::CardReaders,
    video: RefCell<Option<komek_kiosk_core::sign::Player>>,
    /// Timer rounds since the last full tick (the timer also serves video frames).
    rounds: Cell<u32>,
    /// Since when the welcome screen's corner has been held (technician mode's way in).
    corner_down_at: Cell<Option<Duration>>,
    /// Back presses while Help is held on the welcome screen (the tactile way in).
    chord_backs: Cell<u8>,
}

impl Kiosk {
    pub fn new(
        app: &AppWindow,
        core: Arc<Core>,
        runtime: tokio::runtime::Handle,
        timing: Timing,
        clock: Box<dyn Clock>,
        aids: Aids,
    ) -> Self {
        let Aids {
            speech,
            keys,
            sign_clips,
            cards,
        } = aids;
        let (tx, rx) = mpsc::channel();
        let inner = Rc::new(Inner {
            app: app.as_weak(),
            core,
            runtime,
            clock,
            state: RefCell::new(State::new(Session::new(timing))),
            tx,
            rx,
            warning_seconds: RefCell::new(0),
            speech,
            keys,
            synthetic_key: Cell::new(false),
            sign_clips,
            cards,
            video: RefCell::new(None),
            rounds: Cell::new(0),
            corner_down_at: Cell::new(None),
            chord_backs: Cell::new(0),
        });
        wire(app, &inner);
        languages::show(app);
        inner.announcements(announcements::Msg::Reread(inner.read_announcements()));
        inner.select_translation(Lang::default());
        inner.render();
        Kiosk { inner }
    }

    /// Applies every finished piece of background work; returns how many were applied.
    pub fn drain(&self) -> usize {
        let mut applied = 0;
        while let Ok((generation, update)) = self.inner.rx.try_recv() {
            self.inner.apply(generation, update);
            applied += 1;
        }
        if applied > 0 {
            self.inner.render();
        }
        applied
    }

    /// Waits up to `timeout` for background work, then applies it (for tests and the tour,
    /// which have no event loop).
    pub fn pump(&self, timeout: Duration) -> usize {
        match self.inner.rx.recv_timeout(timeout) {
            Ok((generation, update)) => {
                self.inner.apply(generation, update);
                1 + self.drain()
            }
            Err(_) => {
                self.inner.render();
                0
            }
        }
    }

    /// Pumps background work and the idle clock until `done` holds or `limit` passes (for
    /// tests and the tour, which have no event loop). Returns whether `done` came to hold.
    pub fn pump_until(&self, limit: Duration, done: impl Fn() -> bool) -> bool {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if done() {
                return true;
            }
            self.pump(Duration::from_millis(50));
            self.tick();
        }
        done()
    }

    /// Advances the idle clock and refreshes what changes by itself (connection, delivery).
    pub fn tick(&self) {
        self.inner.poll_video();
        self.inner.tick();
    }

    /// The ID card readers, and the demo card on a demo kiosk.
    pub fn cards(&self) -> &komek_kiosk_core::cards::CardReaders {
        &self.inner.cards
    }

    pub fn screen(&self) -> Screen {
        self.inner.state.borrow().screen
    }

    /// True while a visit holds a person's data.
    pub fn has_visit(&self) -> bool {
        self.inner.state.borrow().session.visit().is_some()
    }

    pub fn core(&self) -> &Arc<Core> {
        &self.inner.core
    }

    pub fn speech(&self) -> &Speech {
        &self.inner.speech
    }

    pub fn keys(&self) -> &KeyMap {
        &self.inner.keys
    }

    /// The label of the control that last took the focus.
    pub fn focused_label(&self) -> String {
        self.inner.state.borrow().focused_label.clone()
    }

    pub fn receipt(&self) -> Option<uuid::Uuid> {
        self.inner.state.borrow().receipt
    }

    /// Runs the background drain, video frames and the idle clock from a Slint timer (the
    /// real event loop): frames every 40 ms (25 per second), the rest every 120 ms.
    pub fn start_timer(&self) -> slint::Timer {
        let timer = slint::Timer::default();
        let weak = Rc::downgrade(&self.inner);
        timer.start(
            slint::TimerMode::Repeated,
            Duration::from_millis(40),
            move || {
                if let Some(inner) = weak.upgrade() {
                    inner.poll_video();
                    let round = inner.rounds.get() + 1;
                    inner.rounds.set(round % 3);
                    if round == 3 {
                        let kiosk = Kiosk { inner };
                        kiosk.drain();
                        kiosk.tick();
                    }
                }
            },
        );
        timer
    }
}

fn with<A>(inner: &Rc<Inner>, f: impl Fn(&Inner, A) + 'static) -> impl Fn(A) + 'static {
    let weak: Weak<Inner> = Rc::downgrade(inner);
    move |arg| {
        if let Some(inner) = weak.upgrade() {
            inner.input();
            f(&inner, arg);
            inner.render();
        }
    }
}
/// The same for callbacks without arguments.
fn act(inner: &Rc<Inner>, f: impl Fn(&Inner) + 'static) -> impl Fn() + 'static {
    let g = with(inner, move |i, ()| f(i));
    move || g(())
}

/// Connects every adapter callback to the controller through a weak reference, so the window
/// and the controller do not keep each other alive.
fn wire(app: &AppWindow, inner: &Rc<Inner>) {
    let frame = app.global::<AppAdapter>();
    frame.on_start(with(inner, |i, lang: slint::SharedString| i.start(&lang)));
    frame.on_choose_language(with(inner, |i, lang: slint::SharedString| {
        i.choose_language(&lang)
    }));
    frame.on_choose_text_size(with(inner, |i, size: i32| {
        i.state.borrow_mut().text_size = size.clamp(0, 2)
    }));
    frame.on_toggle_contrast(act(inner, |i| {
        let mut s = i.state.borrow_mut();
        s.high_contrast = !s.high_contrast;
    }));
    frame.on_back(act(inner, |i| i.back()));
    frame.on_logout(act(inner, |i| i.end_visit()));
    frame.on_extend(act(inner, |_| {}));
    frame.on_service_corner(with(inner, |i, pressed: bool| i.service_corner(pressed)));
    frame.on_key({
        let weak = Rc::downgrade(inner);
        move |text, pressed, repeat| {
            let Some(i) = weak.upgrade() else {
                return false;
            };
            let used = i.key(&text, pressed, repeat);
            i.render();
            used
        }
    });
    speaking::wire(app, inner);
    sign_video::wire(app, inner);
    report::wire(app, inner);
    account::wire(app, inner);
    signing::wire(app, inner);
    card::wire(app, inner);
    qr_login::wire(app, inner);
    acting::wire(app, inner);
    offer::wire(app, inner);
    keyboard::wire(app, inner);
    announcements::wire(app, inner);
    catalogue::wire(app, inner);
    login::wire(app, inner);
    programme::wire(app, inner);
    technician::wire(app, inner);
}

/// Appends a keypad digit unless the field is full; says whether it did.
fn type_digit(field: &mut String, digit: &str, max_len: usize) -> bool {
    let fits =
        field.len() < max_len && digit.len() == 1 && digit.bytes().all(|b| b.is_ascii_digit());
    if fits {
        field.push_str(digit);
    }
    fits
}

/// Moves a page forward (while rows remain beyond it) or back (down to the first).
fn turn_page(page: &mut usize, forward: bool, rows: usize, per_page: usize) {
    if !forward {
        *page = page.saturating_sub(1);
    } else if (*page + 1) * per_page.max(1) < rows {
        *page += 1;
    }
}

impl Inner {
    fn render(&self) {
        if let Some(app) = self.app.upgrade() {
            let state = self.state.borrow();
            render::render(
                &app,
                &state,
                &self.core,
                &self.cards,
                self.clock.now(),
                *self.warning_seconds.borrow(),
            );
        }
    }

    /// A key or touch: the person is still here, and whatever is being said stops.
    fn input(&self) {
        let was_warning = {
            let mut s = self.state.borrow_mut();
            let was = s.session.is_warning();
            s.session.input(self.clock.monotonic());
            was
        };
        self.speech.stop();
        if was_warning {
            // The warning took the focus and is gone: it goes back to the window, or the next
            // key would have nowhere to go.
            self.render();
            if let Some(app) = self.app.upgrade() {
                app.invoke_focus_root();
            }
        }
    }

    fn select_translation(&self, lang: Lang) {
        // The registry names each language's catalogue ("" for the UI's own English).
        if let Err(e) = slint::select_bundled_translation(&lang.info().translation) {
            tracing::warn!(error = %e, lang = lang.code(), "translation not available");
        }
    }

    /// Runs `work` on the runtime and hands its result back to the UI thread, tagged with the
    /// current visit so a late answer cannot reach the next person.
    fn spawn<F>(&self, recover: Recover, work: F)
    where
        F: std::future::Future<Output = Update> + Send + 'static,
    {
        let generation = self.state.borrow().generation;
        let tx = self.tx.clone();
        let runtime = self.runtime.clone();
        self.runtime.spawn(async move {
            let update = caught(&runtime, recover, work).await;
            let _ = tx.send((generation, update));
        });
    }

    fn show(&self, screen: Screen) {
        self.state.borrow_mut().screen = screen;
        self.speak(speaking::Msg::ScreenShown);
        // Focus goes back to the window, so the next Tab or Down starts at the screen's top.
        if let Some(app) = self.app.upgrade() {
            app.invoke_focus_root();
        }
    }

    fn start(&self, lang: &str) {
        let lang = Lang::from_code(lang).unwrap_or_default();
        {
            let mut s = self.state.borrow_mut();
            s.session.start(self.clock.monotonic());
            s.lang = lang;
        }
        self.select_translation(lang);
        self.show(Screen::Iin);
    }

    fn choose_language(&self, lang: &str) {
        let lang = Lang::from_code(lang).unwrap_or_default();
        self.state.borrow_mut().lang = lang;
        self.select_translation(lang);
    }

    fn back(&self) {
        let screen = self.state.borrow().screen;
        match screens::entry(screen).back {
            Back::Nowhere => {}
            Back::EndVisit => self.end_visit(),
            Back::To(to) => self.show(to),
            Back::Own => self.back_within(screen),
        }
    }

    /// Back from a screen whose feature decides where it leads (`Back::Own` in the table).
    fn back_within(&self, screen: Screen) {
        match screen {
            Screen::Code => self.login(login::Msg::Back),
            Screen::Report | Screen::Requests => self.report(report::Msg::Back),
            Screen::Offer => self.offer(offer::Msg::Later),
            Screen::Phone | Screen::Email => self.account(account::Msg::Back),
            // Nothing typed is lost: Back keeps the words, as Done does.
            Screen::Describe => self.description_done(),
            Screen::Announcements => self.announcements(announcements::Msg::Back),
            Screen::Catalogue
            | Screen::CatalogueList
            | Screen::CatalogueItem
            | Screen::CatalogueSearch => self.catalogue(catalogue::Msg::Back),
            Screen::Signing => {
                self.state.borrow_mut().signing = Default::default();
                self.show(Screen::Review);
            }
            Screen::CardPin => self.card(card::Msg::Back),
            Screen::QrLogin => {
                self.state.borrow_mut().qr = Default::default();
                self.show(Screen::Iin);
            }
            Screen::Review => self.programme(programme::Msg::Back),
            Screen::Technician => {}
            // The table leads Back from these without their feature.
            Screen::Welcome
            | Screen::Iin
            | Screen::Activities
            | Screen::Activity
            | Screen::Receipt
            | Screen::Account
            | Screen::Principals
            | Screen::TechnicianSignIn => {}
        }
    }

    /// Ends the visit: the gateway session is closed, and every personal value is dropped from
    /// the state and blanked in the UI.
    fn end_visit(&self) {
        self.close_technician_mode(komek_kiosk_core::technician::ClosedBy::Exit);
        let card = self.state.borrow_mut().card.access.take();
        card::discard(&self.runtime, card);
        let visit = self.state.borrow_mut().wipe();
        if let Some(visit) = visit {
            let token = Core::session_token(&visit);
            drop(visit);
            let core = self.core.clone();
            self.runtime.spawn(async move { core.logout(token).await });
            tracing::info!("visit ended and wiped");
        }
        // Rendering the new visit's empty state blanks every adapter value of the old one.
        self.render();
        self.speech.stop();
        self.speech
            .set(komek_kiosk_core::speech::Settings::default());
        self.speech.forget();
        self.sign(sign_video::Msg::Close);
        self.select_translation(Lang::default());
        self.show(Screen::Welcome);
    }

    fn move_focus(&self, forward: bool) {
        if let Some(app) = self.app.upgrade() {
            let key = if forward { Key::Tab } else { Key::Backtab };
            self.send_key(&app, key.into());
        }
    }

    /// Sends a key to the window as if pressed, past the tactile mapping.
    fn send_key(&self, app: &AppWindow, text: slint::SharedString) {
        self.synthetic_key.set(true);
        app.window()
            .dispatch_event(WindowEvent::KeyPressed { text: text.clone() });
        app.window()
            .dispatch_event(WindowEvent::KeyReleased { text });
        self.synthetic_key.set(false);
    }

    /// A login succeeded, whichever way: the visit opens at the offer, the choice of whom to
    /// act for, or the programme.
    fn enter_visit(&self, mut visit: Visit) {
        if self.state.borrow().session.visit().is_some() {
            // A second login while a visit is open (a late answer): the open one stays.
            self.log_out_unused(visit);
            return;
        }
        {
            let mut s = self.state.borrow_mut();
            visit.assistant_present = s.login.assistant_present;
            s.session.logged_in(visit, self.clock.monotonic());
            s.login = Default::default();
            s.programme.activities_page = 0;
        }
        let next = self.after_login();
        self.show(next);
        let core = self.core.clone();
        self.spawn(catalogue::interrupted, async move {
            Update::Catalogue(core.catalogue().await)
        });
    }

    /// Ends at the gateway a session that no screen will show; the visit is dropped (wiped).
    fn log_out_unused(&self, visit: Visit) {
        let token = Core::session_token(&visit);
        drop(visit);
        let core = self.core.clone();
        self.runtime.spawn(async move { core.logout(token).await });
    }

    /// Where a visit goes from the login (and from the offer): an open proactive offer first,
    /// then the choice of whom to act for, then the programme.
    fn after_login(&self) -> Screen {
        let dealt_with = self.state.borrow().offer.dealt_with;
        if let Some(offer) = self.open_offer().filter(|_| !dealt_with) {
            self.state.borrow_mut().offer.shown = Some(offer);
            return Screen::Offer;
        }
        let s = self.state.borrow();
        let choose = s
            .session
            .visit()
            .is_some_and(|v| !v.principals.is_empty() && v.acting_for.is_none());
        if choose && !s.acting.chosen {
            Screen::Principals
        } else {
            Screen::Activities
        }
    }

    fn apply(&self, generation: u64, update: Update) {
        if generation != self.state.borrow().generation {
            // An answer for a visit that has ended: a login that arrives late is closed again,
            // and a card that comes back is let go.
            match update {
                Update::Login(login::Msg::Verified(Ok(visit))) => self.log_out_unused(*visit),
                Update::Card(msg) => {
                    let (access, visit, technician) = msg.left_behind();
                    card::discard(&self.runtime, access);
                    if let Some(visit) = visit {
                        self.log_out_unused(visit);
                    }
                    if let Some(session) = technician {
                        self.discard_technician_session(session);
                    }
                }
                Update::Technician(technician::Msg::Opened(Ok(session))) => {
                    self.discard_technician_session(session);
                }
                Update::Qr(qr_login::Msg::Polled(polled)) => {
                    if let Ok(komek_kiosk_core::core::QrProgress::Approved(visit)) = *polled {
                        self.log_out_unused(visit);
                    }
                }
                _ => {}
            }
            return;
        }
        match update {
            Update::Login(msg) => self.login(msg),
            Update::Failed(recover) => recover(&mut self.state.borrow_mut()),
            Update::Report(msg) => self.report(msg),
            Update::Account(msg) => self.account(msg),
            Update::Signing(msg) => self.signing(msg),
            Update::Acting(msg) => self.acting(msg),
            Update::Card(msg) => self.card(msg),
            Update::Qr(msg) => self.qr(msg),
            Update::Announcements(msg) => self.announcements(msg),
            Update::Technician(msg) => self.technician(msg),
            Update::Catalogue(catalogue) => self.apply_catalogue(catalogue),
        }
    }

    fn tick(&self) {
        self.check_service_corner();
        self.check_technician_expiry();
        self.poll_cards();
        self.poll_qr();
        let now = self.clock.monotonic();
        let tick = self.state.borrow_mut().session.tick(now);
        match tick {
            Tick::Ended => {
                *self.warning_seconds.borrow_mut() = 0;
                tracing::info!("idle time ran out");
                self.close_technician_mode(komek_kiosk_core::technician::ClosedBy::Idle);
                self.end_visit();
            }
            Tick::Warning { seconds_left } => {
                let first = *self.warning_seconds.borrow() == 0;
                *self.warning_seconds.borrow_mut() = seconds_left;
                if first {
                    self.speak(speaking::Msg::IdleWarning);
                }
            }
            Tick::Quiet => *self.warning_seconds.borrow_mut() = 0,
        }
        self.speak(speaking::Msg::Headphones(self.speech.private()));
        self.announcements(announcements::Msg::Tick(now));
        self.render();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::LoginProblem;

    #[test]
    fn keypad_digits_fill_a_field_up_to_its_length_and_nothing_else() {
        let mut field = String::new();
        for d in ["1", "2", "x", "", "34", "3"] {
            type_digit(&mut field, d, 3);
        }
        assert_eq!(field, "123");
        type_digit(&mut field, "4", 3);
        assert_eq!(field, "123");
    }

    #[test]
    fn a_task_that_panics_frees_only_its_own_rooms_screen() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let died = runtime.block_on(caught(runtime.handle(), login::interrupted, async {
            panic!("the gateway's answer could not be read")
        }));
        let Update::Failed(recover) = died else {
            panic!("a panic must come back as Failed");
        };
        let mut state = State::new(Session::new(Timing::default()));
        state.login.busy = true;
        state.account.busy = true;
        recover(&mut state);
        assert_eq!(
            (state.login.busy, state.login.problem),
            (false, Some(LoginProblem::Failed))
        );
        assert!(state.account.busy, "another room's wait is not touched");
    }

    #[test]
    fn pages_turn_within_the_rows() {
        let mut page = 0;
        turn_page(&mut page, false, 10, 4);
        assert_eq!(page, 0);
        turn_page(&mut page, true, 10, 4);
        turn_page(&mut page, true, 10, 4);
        assert_eq!(page, 2);
        turn_page(&mut page, true, 10, 4);
        assert_eq!(page, 2, "no page past the last row");
        turn_page(&mut page, false, 10, 4);
        assert_eq!(page, 1);
        let mut single = 0;
        turn_page(&mut single, true, 4, 4);
        assert_eq!(single, 0);
    }
}
