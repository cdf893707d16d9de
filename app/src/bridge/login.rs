//! Logging in by IIN and one-time SMS code: the IIN typed, the code sent and typed, and what
//! the gateway answered. [`LoginState::update`] turns what happened ([`Msg`]) into what the
//! bridge must do ([`Effect`]), so the whole flow is tested here without a window, a gateway
//! or a runtime; `Inner::login` only carries the effects out.

use std::rc::Rc;

use slint::ComponentHandle;

use super::code_entry::CodeEntry;
use super::state::State;
use super::{Inner, Update, act, format, stop_waiting, type_digit, with};
use crate::{AppWindow, LoginAdapter, LoginProblem, Screen};
use komek_domain::{Iin, IinError};
use komek_kiosk_core::core::{Challenge, LoginError, Visit};

/// The IIN has twelve digits.

#[derive(Default)]
pub struct LoginState {
    pub iin_digits: String,
    pub code: CodeEntry<Challenge>,
    pub problem: Option<LoginProblem>,
    pub busy: bool,
    pub demo_code: String,
    /// A service-centre assistant is helping (set on the code screen, kept with the visit).
    pub assistant_present: bool,
}

/// What happened on the login screens or came back from the gateway.
pub enum Msg {
    IinDigit(String),
    IinErase,
    SubmitIin,
    CodeDigit(String),
    CodeErase,
    SubmitCode,
    Resend,
    /// Back from the code screen.
    Back,
    CodeRequested(Result<Challenge, LoginError>),
    Verified(Result<Box<Visit>, LoginError>),
    DemoCode(String),
}

/// What the bridge does for the login.
pub enum Effect {
    /// A keypad digit typed (`Some`) or refused (`None`): its tone, or in headphones its word.
    Typed(Option<String>),
    /// A digit erased, or nothing there to erase.
    Erased(bool),
    RequestCode(Iin),
    VerifyCode(Challenge, String),
    /// The code went out: the code screen, and on a demo kiosk the code itself.
    CodeSent(uuid::Uuid),
    Show(Screen),
    EnterVisit(Box<Visit>),
    /// A login nobody waits for any more: its gateway session is closed.
    Discard(Box<Visit>),
}

impl LoginState {
    /// `screen` is the one on show when `msg` arrives: an answer for a screen the person has
    /// left (a card went in meanwhile) is not acted on.
    pub fn update(&mut self, msg: Msg, screen: Screen) -> Option<Effect> {
        match msg {
            Msg::IinDigit(digit) => {
                self.problem = None;
                let typed = type_digit(&mut self.iin_digits, &digit, Iin::LENGTH);
                Some(Effect::Typed(typed.then_some(digit)))
            }
            Msg::IinErase => {
                self.problem = None;
                Some(Effect::Erased(self.iin_digits.pop().is_some()))
            }
            Msg::SubmitIin => match Iin::parse(&self.iin_digits) {
                Ok(iin) => {
                    self.busy = true;
                    Some(Effect::RequestCode(iin))
                }
                Err(e) => {
                    self.problem = Some(iin_problem(e));
                    None
                }
            },
            Msg::CodeDigit(digit) => {
                self.problem = None;
                let typed = self.code.type_digit(&digit);
                Some(Effect::Typed(typed.then_some(digit)))
            }
            Msg::CodeErase => Some(Effect::Erased(self.code.erase())),
            Msg::SubmitCode => {
                let (challenge, code) = self.code.submit(&mut self.busy, &mut self.problem)?;
                Some(Effect::VerifyCode(challenge, code))
            }
            Msg::Resend => {
                let iin = self.code.challenge.as_ref()?.iin.clone();
                self.busy = true;
                self.code.clear();
                Some(Effect::RequestCode(iin))
            }
            Msg::Back => {
                self.code.clear();
                self.problem = None;
                self.demo_code.clear();
                Some(Effect::Show(Screen::Iin))
            }
            Msg::CodeRequested(_) if !matches!(screen, Screen::Iin | Screen::Code) => {
                self.busy = false;
                None
            }
            Msg::CodeRequested(result) => {
                let sent = self
                    .code
                    .code_sent(result, &mut self.busy, &mut self.problem)?;
                Some(Effect::CodeSent(sent.id))
            }
            Msg::Verified(result) => {
                let visit = self
                    .code
                    .checked(result, &mut self.busy, &mut self.problem)?;
                Some(if screen == Screen::Code {
                    Effect::EnterVisit(visit)
                } else {
                    Effect::Discard(visit)
                })
            }
            Msg::DemoCode(code) => {
                self.demo_code = code;
                None
            }
        }
    }

    /// Its background work died: the screen stops waiting and says the login failed.
    fn interrupted(&mut self) {
        stop_waiting(&mut self.busy, &mut self.problem, LoginProblem::Failed);
    }
}

/// The login's part of [`super::Recover`].
pub(super) fn interrupted(state: &mut State) {
    state.login.interrupted();
}

fn iin_problem(e: IinError) -> LoginProblem {
    match e {
        IinError::WrongLength(_) => LoginProblem::IinIncomplete,
        IinError::NotDigits => LoginProblem::IinNotDigits,
        IinError::BadCenturyDigit => LoginProblem::IinCentury,
        IinError::ImpossibleBirthDate => LoginProblem::IinBirthDate,
        IinError::CheckDigitMismatch => LoginProblem::IinCheckDigit,
    }
}

/// What the person is told of a refusal or a failure on the way to a visit.
pub(super) fn login_problem(e: &LoginError) -> LoginProblem {
    match e {
        LoginError::UnknownParticipant => LoginProblem::UnknownParticipant,
        LoginError::TooManyRequests => LoginProblem::TooManyRequests,
        LoginError::Offline => LoginProblem::Offline,
        LoginError::WrongCode { .. } => LoginProblem::CodeWrong,
        LoginError::Expired => LoginProblem::CodeExpired,
        LoginError::AttemptsExhausted => LoginProblem::AttemptsExhausted,
        LoginError::Failed(_) => LoginProblem::Failed,
    }
}

/// The login as the adapter shows it (the IIN in groups, the code as dots).
pub(super) fn render(app: &AppWindow, login: &LoginState) {
    let adapter = app.global::<LoginAdapter>();
    adapter.set_iin_display(format::iin_groups(&login.iin_digits).into());
    adapter.set_iin_length(i32::try_from(login.iin_digits.len()).unwrap_or(0));
    adapter.set_code_length(i32::try_from(login.code.typed()).unwrap_or(0));
    adapter.set_phone_hint(
        login
            .code
            .challenge
            .as_ref()
            .map(|c| c.phone_hint.clone())
            .unwrap_or_default()
            .into(),
    );
    adapter.set_attempts_left(i32::try_from(login.code.attempts_left).unwrap_or(0));
    adapter.set_problem(login.problem.unwrap_or(LoginProblem::None));
    adapter.set_busy(login.busy);
    adapter.set_demo_code(login.demo_code.as_str().into());
}

pub(super) fn wire(app: &AppWindow, inner: &Rc<Inner>) {
    let login = app.global::<LoginAdapter>();
    login.on_iin_digit(with(inner, |i, d: slint::SharedString| {
        i.login(Msg::IinDigit(d.into()))
    }));
    login.on_iin_erase(act(inner, |i| i.login(Msg::IinErase)));
    login.on_iin_submit(act(inner, |i| i.login(Msg::SubmitIin)));
    login.on_code_digit(with(inner, |i, d: slint::SharedString| {
        i.login(Msg::CodeDigit(d.into()))
    }));
    login.on_code_erase(act(inner, |i| i.login(Msg::CodeErase)));
    login.on_code_submit(act(inner, |i| i.login(Msg::SubmitCode)));
    login.on_code_resend(act(inner, |i| i.login(Msg::Resend)));
    login.on_open_qr(act(inner, |i| i.open_qr()));
}

impl Inner {
    /// Hands `msg` to the login and carries out what it asks for.
    pub(super) fn login(&self, msg: Msg) {
        let effect = {
            let mut s = self.state.borrow_mut();
            let screen = s.screen;
            s.login.update(msg, screen)
        };
        let Some(effect) = effect else {
            return;
        };
        let core = self.core.clone();
        match effect {
            // Spoken only in headphones; on the loudspeaker a tone stands for each digit.
            Effect::Typed(digit) => self.key_feedback(digit.as_deref(), digit.is_some()),
            Effect::Erased(erased) => self.erase_feedback(erased),
            Effect::RequestCode(iin) => self.spawn(interrupted, async move {
                Update::Login(Msg::CodeRequested(core.request_code(&iin).await))
            }),
            Effect::VerifyCode(challenge, code) => self.spawn(interrupted, async move {
                let verified = core.verify_code(&challenge, &code).await;
                Update::Login(Msg::Verified(verified.map(Box::new)))
            }),
            Effect::CodeSent(id) => {
                self.show(Screen::Code);
                self.show_demo_code(id, |code| Update::Login(Msg::DemoCode(code)));
            }
            Effect::Show(screen) => self.show(screen),
            Effect::EnterVisit(visit) => self.enter_visit(*visit),
            Effect::Discard(visit) => self.log_out_unused(*visit),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A valid IIN (its check digit holds).
    const IIN: &str = "810314304128";

    fn challenge() -> Challenge {
        Challenge {
            id: uuid::Uuid::nil(),
            iin: Iin::parse(IIN).unwrap(),
            phone_hint: "+7 7•• ••• •• 12".into(),
            expires_at: chrono::DateTime::UNIX_EPOCH,
        }
    }

    fn type_all(login: &mut LoginState, digits: &str, msg: fn(String) -> Msg) {
        for d in digits.chars() {
            login.update(msg(d.to_string()), Screen::Iin);
        }
    }

    #[test]
    fn an_iin_is_typed_up_to_twelve_digits_and_checked_before_a_code_is_asked_for() {
        let mut login = LoginState::default();
        type_all(&mut login, "81031430412", Msg::IinDigit);
        assert!(login.update(Msg::SubmitIin, Screen::Iin).is_none());
        assert_eq!(login.problem, Some(LoginProblem::IinIncomplete));
        assert!(!login.busy);

        let typed = login.update(Msg::IinDigit("8".into()), Screen::Iin);
        assert!(matches!(typed, Some(Effect::Typed(Some(d))) if d == "8"));
        assert_eq!(login.problem, None, "typing clears the problem");
        let refused = login.update(Msg::IinDigit("9".into()), Screen::Iin);
        assert!(
            matches!(refused, Some(Effect::Typed(None))),
            "a thirteenth digit is refused"
        );

        let asked = login.update(Msg::SubmitIin, Screen::Iin);
        assert!(matches!(asked, Some(Effect::RequestCode(iin)) if iin.digits() == IIN));
        assert!(login.busy);
    }

    #[test]
    fn a_wrong_check_digit_is_named_and_no_code_is_asked_for() {
        let mut login = LoginState::default();
        type_all(&mut login, "810314304129", Msg::IinDigit);
        assert!(login.update(Msg::SubmitIin, Screen::Iin).is_none());
        assert_eq!(login.problem, Some(LoginProblem::IinCheckDigit));
    }

    #[test]
    fn a_sent_code_opens_the_code_screen_and_a_whole_code_is_verified() {
        let mut login = LoginState {
            busy: true,
            ..LoginState::default()
        };
        let sent = login.update(Msg::CodeRequested(Ok(challenge())), Screen::Iin);
        assert!(matches!(sent, Some(Effect::CodeSent(_))));
        assert!(!login.busy);

        type_all(&mut login, "12345", Msg::CodeDigit);
        assert!(login.update(Msg::SubmitCode, Screen::Code).is_none());
        assert_eq!(login.problem, Some(LoginProblem::CodeIncomplete));
        type_all(&mut login, "6", Msg::CodeDigit);
        let verify = login.update(Msg::SubmitCode, Screen::Code);
        assert!(matches!(verify, Some(Effect::VerifyCode(_, code)) if code == "123456"));
        assert!(login.busy);

        let refused = login.update(
            Msg::Verified(Err(LoginError::WrongCode { attempts_left: 2 })),
            Screen::Code,
        );
        assert!(refused.is_none());
        assert_eq!(login.problem, Some(LoginProblem::CodeWrong));
        assert_eq!((login.code.typed(), login.code.attempts_left), (0, 2));
    }

    #[test]
    fn an_answer_for_a_screen_the_person_left_is_not_acted_on() {
        let mut login = LoginState {
            busy: true,
            ..LoginState::default()
        };
        let late = login.update(Msg::CodeRequested(Ok(challenge())), Screen::CardPin);
        assert!(late.is_none());
        assert!(!login.busy);
        assert!(
            login.code.challenge.is_none(),
            "no code screen behind the card's"
        );
    }

    #[test]
    fn resending_asks_again_for_the_same_iin_and_back_forgets_the_code() {
        let mut login = LoginState::default();
        assert!(
            login.update(Msg::Resend, Screen::Code).is_none(),
            "nothing to resend before a code was sent"
        );
        login.update(Msg::CodeRequested(Ok(challenge())), Screen::Iin);
        type_all(&mut login, "12", Msg::CodeDigit);
        login.update(Msg::DemoCode("123456".into()), Screen::Code);
        let again = login.update(Msg::Resend, Screen::Code);
        assert!(matches!(again, Some(Effect::RequestCode(iin)) if iin.digits() == IIN));
        assert_eq!(login.code.typed(), 0);

        let back = login.update(Msg::Back, Screen::Code);
        assert!(matches!(back, Some(Effect::Show(Screen::Iin))));
        assert!(login.demo_code.is_empty());
    }

    #[test]
    fn work_that_died_frees_the_screen_with_a_failure_only_if_it_was_waiting() {
        let mut login = LoginState::default();
        login.interrupted();
        assert_eq!(login.problem, None);
        login.busy = true;
        login.interrupted();
        assert_eq!(
            (login.busy, login.problem),
            (false, Some(LoginProblem::Failed))
        );
    }
}
