//! Logging in with eGov Mobile: the IIN screen's "eGov Mobile QR code" shows the gateway's
//! one-time code; the kiosk asks after it every two seconds until the person approves on their
//! phone (the visit opens like any login) or the code expires (a new one is one press away).
//! [`QrState::update`] is the flow without a window, a gateway or a clock of its own;
//! `Inner::qr` carries out its [`Effect`]s.

use std::rc::Rc;
use std::time::Duration;

use slint::{ComponentHandle, Image};

use super::state::State;
use super::{Inner, Update, act};
use crate::{AppWindow, QrAdapter, Screen};
use komek_kiosk_core::core::{LoginError, QrLogin, QrProgress, Visit};

/// How often the kiosk asks whether the login was approved.
const POLL_EVERY: Duration = Duration::from_secs(2);

#[derive(Default)]
pub struct QrState {
    pub login: Option<QrLogin>,
    pub image: Option<Image>,
    pub expired: bool,
    pub offline: bool,
    pub busy: bool,
    /// A poll is on its way; the next waits for it.
    pub polling: bool,
    pub last_poll: Option<Duration>,
}

/// What happened on the QR screen, on the timer, or came back from the gateway.
pub enum Msg {
    /// A new code is asked for (the screen opened, or "new code" was pressed).
    Renew,
    /// The timer's round, at monotonic time `now`.
    Tick(Duration),
    Started(Result<QrLogin, LoginError>),
    Polled(Box<Result<QrProgress, LoginError>>),
    /// The demo's eGov Mobile approved: the next round asks at once.
    DemoApproved,
}

/// What the bridge does for the QR login.
pub enum Effect {
    Start,
    Poll(QrLogin),
    /// The code's picture is drawn from what it holds.
    Draw(String),
    /// Ask after the code now, not at the next round of the timer.
    AskNow,
    EnterVisit(Box<Visit>),
    /// Approved after the person left the screen: its session is closed, not opened.
    Discard(Box<Visit>),
}

impl QrState {
    /// `on_screen`: the QR screen is the one on show.
    pub fn update(&mut self, msg: Msg, on_screen: bool) -> Option<Effect> {
        match msg {
            Msg::Renew => {
                *self = QrState {
                    busy: true,
                    ..QrState::default()
                };
                Some(Effect::Start)
            }
            Msg::Tick(now) => {
                let due = self
                    .last_poll
                    .is_none_or(|last| now.saturating_sub(last) >= POLL_EVERY);
                if !on_screen || self.polling || self.expired || !due {
                    return None;
                }
                let login = self.login.clone()?;
                self.polling = true;
                self.last_poll = Some(now);
                Some(Effect::Poll(login))
            }
            Msg::DemoApproved => {
                self.last_poll = None;
                Some(Effect::AskNow)
            }
            // Left meanwhile: nothing to show it on.
            Msg::Started(_) if !on_screen => None,
            Msg::Started(started) => {
                self.busy = false;
                match started {
                    Ok(login) => {
                        let payload = login.payload.clone();
                        self.login = Some(login);
                        self.offline = false;
                        Some(Effect::Draw(payload))
                    }
                    Err(e) => {
                        tracing::info!(error = ?e, "QR login not started");
                        self.offline = true;
                        None
                    }
                }
            }
            Msg::Polled(polled) => {
                self.polling = false;
                match *polled {
                    Ok(QrProgress::Pending) => {
                        self.offline = false;
                        None
                    }
                    Ok(QrProgress::Expired) => {
                        self.expired = true;
                        None
                    }
                    Ok(QrProgress::Approved(visit)) => {
                        *self = QrState::default();
                        let visit = Box::new(visit);
                        Some(if on_screen {
                            Effect::EnterVisit(visit)
                        } else {
                            Effect::Discard(visit)
                        })
                    }
                    // Asked again at the next round; the code may still be scanned.
                    Err(_) => {
                        self.offline = true;
                        None
                    }
                }
            }
        }
    }
}

pub(super) fn wire(app: &AppWindow, inner: &Rc<Inner>) {
    let adapter = app.global::<QrAdapter>();
    adapter.on_renew(act(inner, |i| i.qr(Msg::Renew)));
    // As eGov Mobile would: the approval goes to the gateway, and the screen's own asking
    // picks it up, at once.
    adapter.on_demo_approve(act(inner, |i| {
        let login = i.state.borrow().qr.login.clone();
        if let Some(login) = login {
            i.demo_approve_qr(login, Update::Qr(Msg::DemoApproved));
        }
    }));
}

impl Inner {
    pub(super) fn open_qr(&self) {
        self.show(Screen::QrLogin);
        self.qr(Msg::Renew);
    }

    /// From the timer: asks after the code shown, one question at a time.
    pub(super) fn poll_qr(&self) {
        self.qr(Msg::Tick(self.clock.monotonic()));
    }

    /// Hands `msg` to the QR login and carries out what it asks for.
    pub(super) fn qr(&self, msg: Msg) {
        let effect = {
            let mut s = self.state.borrow_mut();
            let on_screen = s.screen == Screen::QrLogin;
            s.qr.update(msg, on_screen)
        };
        let core = self.core.clone();
        match effect {
            None => {}
            Some(Effect::Start) => self.spawn(interrupted, async move {
                Update::Qr(Msg::Started(core.start_qr_login().await))
            }),
            Some(Effect::Poll(login)) => self.spawn(interrupted, async move {
                Update::Qr(Msg::Polled(Box::new(core.poll_qr_login(&login).await)))
            }),
            Some(Effect::Draw(payload)) => {
                let image = super::qr::image(&payload, 8)
                    .map_err(|e| tracing::warn!(error = %e, "QR code not drawn"))
                    .ok();
                self.state.borrow_mut().qr.image = image;
            }
            Some(Effect::AskNow) => self.poll_qr(),
            Some(Effect::EnterVisit(visit)) => self.enter_visit(*visit),
            Some(Effect::Discard(visit)) => self.log_out_unused(*visit),
        }
    }
}

pub(super) fn render(app: &AppWindow, state: &super::state::State) {
    let adapter = app.global::<QrAdapter>();
    let q = &state.qr;
    adapter.set_code(q.image.clone().unwrap_or_default());
    adapter.set_valid_until(
        q.login
            .as_ref()
            .map(|l| komek_domain::astana::time_text(l.expires_at))
            .unwrap_or_default()
            .into(),
    );
    adapter.set_expired(q.expired);
    adapter.set_offline(q.offline);
    adapter.set_busy(q.busy);
}
/// The QR login's part of [`super::Recover`]: it stops waiting, and its next asking may begin.
pub(super) fn interrupted(state: &mut State) {
    state.qr.busy = false;
    state.qr.polling = false;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn started(qr: &mut QrState) {
        let login = QrLogin {
            session_id: uuid::Uuid::from_u128(1),
            payload: "egov://login/1".into(),
            expires_at: chrono::DateTime::UNIX_EPOCH,
        };
        qr.update(Msg::Renew, true);
        let drawn = qr.update(Msg::Started(Ok(login)), true);
        assert!(matches!(drawn, Some(Effect::Draw(p)) if p == "egov://login/1"));
    }

    fn at(seconds: u64) -> Msg {
        Msg::Tick(Duration::from_secs(seconds))
    }

    #[test]
    fn the_code_is_asked_after_every_two_seconds_one_question_at_a_time() {
        let mut qr = QrState::default();
        assert!(qr.update(at(0), true).is_none(), "no code, no question");
        started(&mut qr);
        assert!(matches!(qr.update(at(10), true), Some(Effect::Poll(_))));
        assert!(
            qr.update(at(13), true).is_none(),
            "the first is still on its way"
        );
        qr.update(Msg::Polled(Box::new(Ok(QrProgress::Pending))), true);
        assert!(
            qr.update(at(11), true).is_none(),
            "two seconds between questions"
        );
        assert!(matches!(qr.update(at(12), true), Some(Effect::Poll(_))));
        qr.update(Msg::Polled(Box::new(Err(LoginError::Offline))), true);
        assert!(qr.offline, "said, and asked again at the next round");
        assert!(matches!(qr.update(at(14), true), Some(Effect::Poll(_))));
    }

    #[test]
    fn nothing_is_asked_off_the_screen_or_after_expiry_and_a_late_code_is_not_shown() {
        let mut qr = QrState::default();
        started(&mut qr);
        assert!(qr.update(at(5), false).is_none());
        qr.update(at(5), true);
        qr.update(Msg::Polled(Box::new(Ok(QrProgress::Expired))), true);
        assert!(qr.expired);
        assert!(qr.update(at(60), true).is_none());

        let mut left = QrState::default();
        left.update(Msg::Renew, true);
        assert!(
            left.update(Msg::Started(Err(LoginError::Offline)), false)
                .is_none()
        );
        assert!(!left.offline, "not shown on a screen the person has left");
    }

    #[test]
    fn the_demo_approval_is_asked_after_at_once() {
        let mut qr = QrState::default();
        started(&mut qr);
        qr.update(at(100), true);
        qr.update(Msg::Polled(Box::new(Ok(QrProgress::Pending))), true);
        assert!(qr.update(at(101), true).is_none());
        assert!(matches!(
            qr.update(Msg::DemoApproved, true),
            Some(Effect::AskNow)
        ));
        assert!(matches!(qr.update(at(101), true), Some(Effect::Poll(_))));
    }
}
