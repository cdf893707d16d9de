//! Signing the application: "Confirm and sign" on the review sends a code to the registered
//! phone for the order's digest; the person types it on the keypad; the right code signs the
//! application, which is then queued like every action and the receipt shown.

use std::rc::Rc;

use slint::ComponentHandle;

use super::code_entry::CodeEntry;
use super::{Inner, Update, act, login_problem, with};
use crate::{AppWindow, LoginProblem, SaveProblem, Screen, SigningAdapter};
use komek_kiosk_core::core::{Core, LoginError, SignedApplication, SigningChallenge};

/// The code that signs the order on the review, and the signed application until it is saved.
#[derive(Default)]
pub struct SigningState {
    pub code: CodeEntry<SigningChallenge>,
    pub problem: Option<LoginProblem>,
    pub busy: bool,
    pub demo_code: String,
    /// Kept until the outbox has it, so a failed save is tried again without a new code.
    pub signed: Option<SignedApplication>,
}

pub(super) fn wire(app: &AppWindow, inner: &Rc<Inner>) {
    let adapter = app.global::<SigningAdapter>();
    adapter.on_digit(with(inner, |i, d: slint::SharedString| i.signing_digit(&d)));
    adapter.on_erase(act(inner, |i| i.signing_erase()));
    adapter.on_sign(act(inner, |i| i.sign_application()));
    adapter.on_resend(act(inner, |i| i.send_signing_code()));
}

impl Inner {
    /// "Confirm and sign": the code is asked for, and the signing screen waits for it.
    pub(super) fn start_signing(&self) {
        self.state.borrow_mut().signing = SigningState::default();
        self.show(Screen::Signing);
        self.send_signing_code();
    }

    pub(super) fn send_signing_code(&self) {
        let request = {
            let mut s = self.state.borrow_mut();
            let token = s.session.visit().map(Core::session_token);
            let order = s.order.as_ref().map(|(order, _)| order.clone());
            s.signing.code.clear();
            s.signing.problem = None;
            match (token, order) {
                (Some(token), Some(order)) => {
                    s.signing.busy = true;
                    Some((token, order))
                }
                _ => None,
            }
        };
        let Some((token, order)) = request else {
            return;
        };
        let core = self.core.clone();
        self.spawn(interrupted, async move {
            Update::SigningCodeRequested(core.request_signing_code(&token, &order).await)
        });
    }

    pub(super) fn signing_digit(&self, digit: &str) {
        let typed = {
            let mut s = self.state.borrow_mut();
            s.signing.problem = None;
            s.save_problem = SaveProblem::None;
            s.signing.code.type_digit(digit)
        };
        // Like the login code: spoken only in headphones, a tone on the loudspeaker.
        self.key_feedback(Some(digit).filter(|_| typed), typed);
    }

    pub(super) fn signing_erase(&self) {
        let erased = self.state.borrow_mut().signing.code.erase();
        self.erase_feedback(erased);
    }

    fn sign_application(&self) {
        if self.state.borrow().signing.signed.is_some() {
            self.save_application();
            return;
        }
        let Some((challenge, code, token)) = self.code_to_send(|s| {
            let g = &mut s.signing;
            (&mut g.code, &mut g.problem, &mut g.busy)
        }) else {
            return;
        };
        let core = self.core.clone();
        self.spawn(interrupted, async move {
            Update::ApplicationSigned(core.verify_signing_code(&token, &challenge, &code).await)
        });
    }

    pub(super) fn apply_signing_code(&self, result: Result<SigningChallenge, LoginError>) {
        let mut s = self.state.borrow_mut();
        s.signing.busy = false;
        match result {
            Ok(challenge) => {
                let id = challenge.id;
                s.signing.code.sent(challenge);
                drop(s);
                self.show_demo_code(id, Update::SigningDemoCode);
            }
            Err(e) => s.signing.problem = Some(login_problem(&e)),
        }
    }

    pub(super) fn apply_signature(&self, result: Result<SignedApplication, LoginError>) {
        {
            let mut s = self.state.borrow_mut();
            s.signing.busy = false;
            match result {
                Ok(signed) => s.signing.signed = Some(signed),
                Err(e) => {
                    s.signing.problem = Some(s.signing.code.refused(&e));
                    return;
                }
            }
        }
        self.save_application();
    }

    /// Queues the signed application; the activity shows "signed" at once, so the same
    /// activity cannot be ordered twice, and the receipt follows.
    pub(super) fn save_application(&self) {
        let now = self.clock.now();
        let mut s = self.state.borrow_mut();
        let (Some(visit), Some(signed)) = (s.session.visit(), s.signing.signed.clone()) else {
            return;
        };
        match self.core.queue_application(visit, &signed, now) {
            Ok(id) => {
                if let Some(a) = s.session.visit_mut().and_then(|v| {
                    v.activities
                        .iter_mut()
                        .find(|a| a.id == signed.activity_id())
                }) {
                    a.change_status(
                        komek_domain::ActivityStatus::ApplicationSigned,
                        komek_domain::astana::date_on(now),
                    );
                }
                s.receipt = Some(id);
                s.save_problem = SaveProblem::None;
                s.signing = SigningState::default();
                drop(s);
                self.show(Screen::Receipt);
            }
            Err(e) => {
                tracing::error!(error = %e, "application could not be saved");
                s.save_problem = if e.is_disk_full() {
                    SaveProblem::DiskFull
                } else {
                    SaveProblem::Failed
                };
            }
        }
    }
}

/// The signing screen as its adapter shows it.
pub(super) fn render(app: &AppWindow, state: &super::state::State) {
    let adapter = app.global::<SigningAdapter>();
    let s = &state.signing;
    adapter.set_code_sent(s.code.challenge.is_some());
    adapter.set_sent_to(
        s.code
            .challenge
            .as_ref()
            .map(|c| c.phone_hint.clone())
            .unwrap_or_default()
            .into(),
    );
    adapter.set_code_length(i32::try_from(s.code.typed()).unwrap_or(0));
    adapter.set_problem(s.problem.unwrap_or(LoginProblem::None));
    adapter.set_attempts_left(i32::try_from(s.code.attempts_left).unwrap_or(0));
    adapter.set_busy(s.busy);
    adapter.set_demo_code(s.demo_code.as_str().into());
}
/// Signing by code: its part of [`super::Recover`].
fn interrupted(state: &mut super::state::State) {
    let s = &mut state.signing;
    super::stop_waiting(&mut s.busy, &mut s.problem, LoginProblem::Failed);
}
