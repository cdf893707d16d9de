//! Signing the application: "Confirm and sign" on the review sends a code to the registered
//! phone for the order's digest; the person types it on the keypad; the right code signs the
//! application, which is then queued like every action and the receipt shown.
//! [`SigningState::update`] is the flow without a window, a gateway or a runtime;
//! `Inner::signing` carries out its [`Effect`]s.

use std::rc::Rc;

use slint::ComponentHandle;

use super::code_entry::CodeEntry;
use super::{Inner, Update, act, stop_waiting, with};
use crate::{AppWindow, LoginProblem, SaveProblem, Screen, SigningAdapter};
use komek_domain::Order;
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

/// What happened on the signing screen or came back from the gateway.
pub enum Msg {
    /// "Confirm and sign" on the review.
    Start,
    Resend,
    Digit(String),
    Erase,
    Sign,
    CodeRequested(Result<SigningChallenge, LoginError>),
    Signed(Result<SignedApplication, LoginError>),
    DemoCode(String),
}

/// What the signing needs of the visit: its session token and the order on the review (none
/// once the visit has ended), and the review's problem with saving, which typing clears.
pub struct Context<'a> {
    pub token: Option<String>,
    pub order: Option<&'a Order>,
    pub save_problem: &'a mut SaveProblem,
}

/// What the bridge does for the signing.
pub enum Effect {
    Show(Screen),
    /// A keypad digit typed (`Some`) or refused (`None`).
    Typed(Option<String>),
    Erased(bool),
    RequestCode {
        token: String,
        order: Order,
    },
    Verify {
        token: String,
        challenge: SigningChallenge,
        code: String,
    },
    /// The code went out: on a demo kiosk the code itself is shown.
    CodeSent(uuid::Uuid),
    /// The signed application is to be queued.
    Save,
}

impl SigningState {
    pub fn update(&mut self, msg: Msg, visit: Context) -> Vec<Effect> {
        match msg {
            Msg::Start => {
                *self = SigningState::default();
                let mut effects = vec![Effect::Show(Screen::Signing)];
                effects.extend(self.request_code(visit));
                effects
            }
            Msg::Resend => self.request_code(visit).into_iter().collect(),
            Msg::Digit(digit) => {
                self.problem = None;
                *visit.save_problem = SaveProblem::None;
                let typed = self.code.type_digit(&digit);
                vec![Effect::Typed(typed.then_some(digit))]
            }
            Msg::Erase => vec![Effect::Erased(self.code.erase())],
            // Signed already, and only the save failed: it is tried again, with no new code.
            Msg::Sign if self.signed.is_some() => vec![Effect::Save],
            Msg::Sign => {
                let Some(token) = visit.token else {
                    return Vec::new();
                };
                self.code
                    .submit(&mut self.busy, &mut self.problem)
                    .map(|(challenge, code)| Effect::Verify {
                        token,
                        challenge,
                        code,
                    })
                    .into_iter()
                    .collect()
            }
            Msg::CodeRequested(result) => self
                .code
                .code_sent(result, &mut self.busy, &mut self.problem)
                .map(|sent| Effect::CodeSent(sent.id))
                .into_iter()
                .collect(),
            Msg::Signed(result) => {
                let Some(signed) = self.code.checked(result, &mut self.busy, &mut self.problem)
                else {
                    return Vec::new();
                };
                self.signed = Some(signed);
                vec![Effect::Save]
            }
            Msg::DemoCode(code) => {
                self.demo_code = code;
                Vec::new()
            }
        }
    }

    /// A code for the order on the review, if there is a visit and an order.
    fn request_code(&mut self, visit: Context) -> Option<Effect> {
        self.code.clear();
        self.problem = None;
        let (token, order) = (visit.token?, visit.order?.clone());
        self.busy = true;
        Some(Effect::RequestCode { token, order })
    }
}

/// Signing by code: its part of [`super::Recover`].
fn interrupted(state: &mut super::state::State) {
    let s = &mut state.signing;
    stop_waiting(&mut s.busy, &mut s.problem, LoginProblem::Failed);
}

pub(super) fn wire(app: &AppWindow, inner: &Rc<Inner>) {
    let adapter = app.global::<SigningAdapter>();
    adapter.on_digit(with(inner, |i, d: slint::SharedString| {
        i.signing(Msg::Digit(d.into()))
    }));
    adapter.on_erase(act(inner, |i| i.signing(Msg::Erase)));
    adapter.on_sign(act(inner, |i| i.signing(Msg::Sign)));
    adapter.on_resend(act(inner, |i| i.signing(Msg::Resend)));
}

impl Inner {
    /// Hands `msg` to the signing and carries out what it asks for.
    pub(super) fn signing(&self, msg: Msg) {
        let effects = {
            let mut s = self.state.borrow_mut();
            let token = s.session.visit().map(Core::session_token);
            let visit = &mut **s;
            let context = Context {
                token,
                order: visit.programme.order.as_ref().map(|(order, _)| order),
                save_problem: &mut visit.programme.save_problem,
            };
            visit.signing.update(msg, context)
        };
        for effect in effects {
            let core = self.core.clone();
            match effect {
                Effect::Show(screen) => self.show(screen),
                // Like the login code: spoken only in headphones, a tone on the loudspeaker.
                Effect::Typed(digit) => self.key_feedback(digit.as_deref(), digit.is_some()),
                Effect::Erased(erased) => self.erase_feedback(erased),
                Effect::RequestCode { token, order } => self.spawn(interrupted, async move {
                    let sent = core.request_signing_code(&token, &order).await;
                    Update::Signing(Msg::CodeRequested(sent))
                }),
                Effect::Verify {
                    token,
                    challenge,
                    code,
                } => self.spawn(interrupted, async move {
                    let signed = core.verify_signing_code(&token, &challenge, &code).await;
                    Update::Signing(Msg::Signed(signed))
                }),
                Effect::CodeSent(id) => {
                    self.show_demo_code(id, |code| Update::Signing(Msg::DemoCode(code)))
                }
                Effect::Save => self.save_application(),
            }
        }
    }

    /// Queues the signed application; the activity shows "signed" at once, so the same
    /// activity cannot be ordered twice, and the receipt follows.
    pub(super) fn save_application(&self) {
        let now = self.clock.now();
        let mut s = self.state.borrow_mut();
        let signed = s.signing.signed.clone();
        let (Some(visit), Some(signed)) = (s.session.visit_mut(), signed) else {
            return;
        };
        match self.core.queue_application(visit, &signed, now) {
            Ok(id) => {
                s.receipt = Some(id);
                s.programme.save_problem = SaveProblem::None;
                s.signing = SigningState::default();
                drop(s);
                self.show(Screen::Receipt);
            }
            Err(e) => {
                tracing::error!(error = %e, "application could not be saved");
                s.programme.save_problem = super::save_problem(&e);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn order() -> Order {
        Order {
            activity_id: "A1".into(),
            item_id: "I1".into(),
            supplier_id: "S1".into(),
            quantity: 1,
            unit_price_kzt: 100,
            guaranteed_amount_kzt: 90,
        }
    }

    fn update(signing: &mut SigningState, msg: Msg, order: Option<&Order>) -> Vec<Effect> {
        let mut save_problem = SaveProblem::Failed;
        signing.update(
            msg,
            Context {
                token: Some("token".into()),
                order,
                save_problem: &mut save_problem,
            },
        )
    }

    #[test]
    fn confirming_shows_the_signing_screen_and_asks_a_code_for_the_order() {
        let mut signing = SigningState {
            problem: Some(LoginProblem::CodeWrong),
            ..SigningState::default()
        };
        let order = order();
        let effects = update(&mut signing, Msg::Start, Some(&order));
        assert!(matches!(effects[0], Effect::Show(Screen::Signing)));
        assert!(
            matches!(&effects[1], Effect::RequestCode { token, order } if token == "token" && order.activity_id == "A1")
        );
        assert!(signing.busy);
        assert_eq!(signing.problem, None, "a new start forgets the old problem");

        let mut without_order = SigningState::default();
        let effects = update(&mut without_order, Msg::Start, None);
        assert_eq!(effects.len(), 1, "no code without an order");
        assert!(!without_order.busy);
    }

    #[test]
    fn typing_clears_the_saving_problem_and_nothing_is_typed_or_sent_before_a_code() {
        let mut signing = SigningState::default();
        let mut save_problem = SaveProblem::DiskFull;
        let effects = signing.update(
            Msg::Digit("1".into()),
            Context {
                token: Some("token".into()),
                order: None,
                save_problem: &mut save_problem,
            },
        );
        assert_eq!(save_problem, SaveProblem::None);
        assert!(matches!(effects[..], [Effect::Typed(None)]));
        assert!(update(&mut signing, Msg::Sign, None).is_empty());
        assert!(!signing.busy);
    }

    #[test]
    fn a_refusal_is_shown_with_the_tries_left_and_a_code_that_could_not_be_sent_says_why() {
        let mut signing = SigningState {
            busy: true,
            ..SigningState::default()
        };
        let effects = update(
            &mut signing,
            Msg::Signed(Err(LoginError::WrongCode { attempts_left: 1 })),
            None,
        );
        assert!(effects.is_empty());
        assert_eq!(
            (signing.busy, signing.problem, signing.code.attempts_left),
            (false, Some(LoginProblem::CodeWrong), 1)
        );
        signing.busy = true;
        update(
            &mut signing,
            Msg::CodeRequested(Err(LoginError::Offline)),
            None,
        );
        assert_eq!(
            (signing.busy, signing.problem),
            (false, Some(LoginProblem::Offline))
        );
    }
}
