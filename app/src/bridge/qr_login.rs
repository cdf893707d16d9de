//! Logging in with eGov Mobile: the IIN screen's "eGov Mobile QR code" shows the gateway's
//! one-time code; the kiosk asks after it every two seconds until the person approves on their
//! phone (the visit opens like any login) or the code expires (a new one is one press away).

use std::rc::Rc;
use std::time::Duration;

use slint::{ComponentHandle, Image};

use super::{Inner, Update, act};
use crate::{AppWindow, QrAdapter, Screen};
use komek_kiosk_core::core::{LoginError, QrLogin, QrProgress};

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

pub(super) enum QrUpdate {
    Started(Result<QrLogin, LoginError>),
    Polled(Box<Result<QrProgress, LoginError>>),
    DemoApproved,
}

pub(super) fn wire(app: &AppWindow, inner: &Rc<Inner>) {
    let adapter = app.global::<QrAdapter>();
    adapter.on_renew(act(inner, |i| i.start_qr()));
    // As eGov Mobile would: the approval goes to the gateway, and the screen's own asking
    // picks it up, at once.
    adapter.on_demo_approve(act(inner, |i| {
        let login = i.state.borrow().qr.login.clone();
        if let Some(login) = login {
            i.demo_approve_qr(login, Update::Qr(QrUpdate::DemoApproved));
        }
    }));
}

impl Inner {
    pub(super) fn open_qr(&self) {
        self.show(Screen::QrLogin);
        self.start_qr();
    }

    fn start_qr(&self) {
        {
            let mut s = self.state.borrow_mut();
            s.qr = QrState {
                busy: true,
                ..QrState::default()
            };
        }
        let core = self.core.clone();
        self.spawn(interrupted, async move {
            Update::Qr(QrUpdate::Started(core.start_qr_login().await))
        });
    }

    /// From the timer: asks after the code shown, one question at a time.
    pub(super) fn poll_qr(&self) {
        let now = self.clock.monotonic();
        let login = {
            let mut s = self.state.borrow_mut();
            let due =
                s.qr.last_poll
                    .is_none_or(|last| now.saturating_sub(last) >= POLL_EVERY);
            if s.screen != Screen::QrLogin || s.qr.polling || s.qr.expired || !due {
                return;
            }
            let Some(login) = s.qr.login.clone() else {
                return;
            };
            s.qr.polling = true;
            s.qr.last_poll = Some(now);
            login
        };
        let core = self.core.clone();
        self.spawn(interrupted, async move {
            Update::Qr(QrUpdate::Polled(Box::new(core.poll_qr_login(&login).await)))
        });
    }

    pub(super) fn apply_qr(&self, update: QrUpdate) {
        match update {
            // Left meanwhile: nothing to show it on.
            QrUpdate::Started(_) if self.state.borrow().screen != Screen::QrLogin => {}
            QrUpdate::DemoApproved => {
                self.state.borrow_mut().qr.last_poll = None;
                self.poll_qr();
            }
            QrUpdate::Started(started) => {
                let mut s = self.state.borrow_mut();
                s.qr.busy = false;
                match started {
                    Ok(login) => {
                        s.qr.image = super::qr::image(&login.payload, 8)
                            .map_err(|e| tracing::warn!(error = %e, "QR code not drawn"))
                            .ok();
                        s.qr.login = Some(login);
                        s.qr.offline = false;
                    }
                    Err(e) => {
                        tracing::info!(error = ?e, "QR login not started");
                        s.qr.offline = true;
                    }
                }
            }
            QrUpdate::Polled(polled) => {
                self.state.borrow_mut().qr.polling = false;
                match *polled {
                    Ok(QrProgress::Pending) => self.state.borrow_mut().qr.offline = false,
                    Ok(QrProgress::Expired) => self.state.borrow_mut().qr.expired = true,
                    Ok(QrProgress::Approved(visit)) => {
                        let waiting = self.state.borrow().screen == Screen::QrLogin;
                        self.state.borrow_mut().qr = QrState::default();
                        if waiting {
                            self.enter_visit(visit);
                        } else {
                            // Approved after the person left the screen: not opened.
                            self.log_out_unused(visit);
                        }
                    }
                    // Asked again at the next round; the code may still be scanned.
                    Err(_) => self.state.borrow_mut().qr.offline = true,
                }
            }
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
pub(super) fn interrupted(state: &mut super::state::State) {
    state.qr.busy = false;
    state.qr.polling = false;
}
