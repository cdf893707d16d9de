//! The national ID card on screen: a card put in the reader on the welcome or IIN screen
//! starts the card login at its PIN; after a card login, "Confirm and sign" on the review asks
//! the PIN again and the card signs the application with no network. The card's commands run
//! on blocking threads; the PIN is never shown or echoed, and is wiped once used.

use std::rc::Rc;

use komek_card::reader::{CardService, ReaderEvent};
use komek_card::{CardError, Pin};
use slint::ComponentHandle;
use zeroize::Zeroize;

use super::{Inner, Update, act, type_digit, with};
use crate::{AppWindow, CardAdapter, CardProblem, SaveProblem, Screen};
use komek_kiosk_core::core::{
    CardAccess, CardLoginError, LoginError, LoginMethod, SignedApplication, Visit,
};

/// The longest PIN an ID card takes.
const PIN_MAX: usize = 12;

/// The card reader, the card in it, and the PIN being typed.
pub struct CardState {
    /// The card service as last reported (what the technician sees too).
    pub service: Option<CardService>,
    /// The reader a card is in.
    pub reader: Option<String>,
    /// The card, opened; away on a blocking thread while it works.
    pub access: Option<CardAccess>,
    pub pin: String,
    /// The PIN signs the application on the review, not a login.
    pub signing: bool,
    pub problem: Option<CardProblem>,
    pub tries_left: u8,
    pub busy: bool,
}

impl Default for CardState {
    fn default() -> Self {
        CardState {
            service: None,
            reader: None,
            access: None,
            // Room for the longest PIN from the start: growing would free an unwiped copy.
            pin: String::with_capacity(PIN_MAX),
            signing: false,
            problem: None,
            tries_left: 0,
            busy: false,
        }
    }
}

impl CardState {
    /// At the end of a visit: the card stays where it is, nothing the person typed does. The
    /// opened card is handed back to be closed off the UI thread.
    #[must_use]
    pub fn wipe(&mut self) -> Option<CardAccess> {
        self.pin.zeroize();
        self.signing = false;
        self.problem = None;
        self.busy = false;
        self.access.take()
    }

    fn available(&self, demo: bool) -> bool {
        demo || matches!(self.service, Some(CardService::Ready { .. }))
    }
}

/// Closes a card off the UI thread: a reader resets the card as it lets it go, which can take
/// seconds when the card has just been pulled out.
pub(super) fn discard(runtime: &tokio::runtime::Handle, access: Option<CardAccess>) {
    if let Some(access) = access {
        runtime.spawn_blocking(move || drop(access));
    }
}

/// What the card did on its blocking thread; the card comes back with the answer.
pub(super) enum CardUpdate {
    Opened(Result<(CardAccess, u8), CardError>),
    LoggedIn(Box<(CardAccess, Result<Visit, CardLoginError>)>),
    Signed(Box<(CardAccess, Result<SignedApplication, CardLoginError>)>),
}

pub(super) fn wire(app: &AppWindow, inner: &Rc<Inner>) {
    let adapter = app.global::<CardAdapter>();
    adapter.on_digit(with(inner, |i, d: slint::SharedString| i.pin_digit(&d)));
    adapter.on_erase(act(inner, |i| i.pin_erase()));
    adapter.on_submit(act(inner, |i| i.submit_pin()));
    adapter.on_sign_with_code(act(inner, |i| {
        let access = i.state.borrow_mut().card.wipe();
        discard(&i.runtime, access);
        i.signing(super::signing::Msg::Start);
    }));
    adapter.on_use_card(act(inner, |i| {
        if i.state.borrow().card.reader.is_some() {
            discard(&i.runtime, i.state.borrow_mut().card.wipe());
            i.show(Screen::CardPin);
            i.open_card();
        }
    }));
    adapter.on_toggle_demo_card(act(inner, |i| {
        super::demo::toggle_card(&i.cards);
        i.poll_cards();
    }));
}

impl Inner {
    /// Applies what the readers reported since the last look.
    pub(super) fn poll_cards(&self) {
        while let Some(event) = self.cards.try_event() {
            match event {
                ReaderEvent::Service(service) => {
                    tracing::info!(service = %service, "card service");
                    self.state.borrow_mut().card.service = Some(service);
                }
                ReaderEvent::Inserted { reader, .. } => self.card_inserted(reader),
                ReaderEvent::Removed { reader } => self.card_removed(&reader),
            }
        }
    }

    fn card_inserted(&self, reader: String) {
        tracing::info!(reader = %reader, "card inserted");
        let (screen, logged_in) = {
            let mut s = self.state.borrow_mut();
            s.card.reader = Some(reader);
            discard(&self.runtime, s.card.access.take());
            (s.screen, s.session.visit().is_some())
        };
        match screen {
            // The card is the login: its PIN comes next, in Kazakh until a language is chosen.
            Screen::Welcome | Screen::Iin | Screen::Code if !logged_in => {
                if screen == Screen::Welcome {
                    self.start("kk");
                }
                {
                    let mut s = self.state.borrow_mut();
                    discard(&self.runtime, s.card.wipe());
                    s.login.busy = false;
                }
                self.show(Screen::CardPin);
                self.open_card();
            }
            // Put back while its PIN screen waits for it.
            Screen::CardPin => {
                self.state.borrow_mut().card.problem = None;
                self.open_card();
            }
            _ => {}
        }
    }

    fn card_removed(&self, reader: &str) {
        let mut s = self.state.borrow_mut();
        if s.card.reader.as_deref() != Some(reader) {
            return;
        }
        tracing::info!(reader = %reader, "card removed");
        s.card.reader = None;
        discard(&self.runtime, s.card.access.take());
        s.card.pin.zeroize();
        if s.screen == Screen::CardPin && !s.card.busy {
            s.card.problem = Some(CardProblem::Removed);
        }
    }

    /// Connects to the card in the reader and reads how many PIN tries it has left.
    fn open_card(&self) {
        let Some(reader) = self.state.borrow().card.reader.clone() else {
            return;
        };
        let opener = self.cards.opener();
        self.state.borrow_mut().card.busy = true;
        self.spawn(interrupted, async move {
            let opened = tokio::task::spawn_blocking(move || {
                let mut access = CardAccess::connected(opener.open(&reader)?);
                let tries = access.pin_tries_left()?;
                Ok((access, tries))
            })
            .await
            .unwrap_or_else(|e| Err(CardError::Reader(e.to_string())));
            Update::Card(CardUpdate::Opened(opened))
        });
    }

    /// "Confirm and sign" after a card login: the card's PIN signs, no code is sent.
    pub(super) fn start_card_signing(&self) {
        let needs_opening = {
            let mut s = self.state.borrow_mut();
            discard(&self.runtime, s.card.wipe());
            s.card.signing = true;
            s.card.reader.is_some()
        };
        self.show(Screen::CardPin);
        if needs_opening {
            self.open_card();
        }
    }

    /// The visit was opened with the card: the application is signed with it too.
    pub(super) fn signs_with_card(&self) -> bool {
        self.state
            .borrow()
            .session
            .visit()
            .is_some_and(|v| v.login == LoginMethod::Card)
    }

    pub(super) fn pin_digit(&self, digit: &str) {
        let typed = {
            let mut s = self.state.borrow_mut();
            s.card.problem = None;
            s.save_problem = SaveProblem::None;
            !s.card.busy && type_digit(&mut s.card.pin, digit, PIN_MAX)
        };
        // A tone for each digit, also in headphones: a PIN typed is never echoed.
        self.key_feedback(None, typed);
    }

    pub(super) fn pin_erase(&self) {
        let erased = self.state.borrow_mut().card.pin.pop().is_some();
        self.erase_feedback(erased);
    }

    fn submit_pin(&self) {
        let mut s = self.state.borrow_mut();
        if s.card.busy {
            return;
        }
        if s.card.access.is_none() {
            s.card.problem = Some(CardProblem::Removed);
            return;
        }
        let Some(pin) = Pin::new(&s.card.pin) else {
            s.card.problem = Some(CardProblem::PinIncomplete);
            return;
        };
        s.card.pin.zeroize();
        let Some(mut access) = s.card.access.take() else {
            return;
        };
        s.card.busy = true;
        let now = self.clock.now();
        if !s.card.signing {
            drop(s);
            let core = self.core.clone();
            self.spawn(interrupted, async move {
                let (access, result) = core.card_login(access, pin, now).await;
                Update::Card(CardUpdate::LoggedIn(Box::new((access, result))))
            });
            return;
        }
        let order = s.order.as_ref().map(|(order, _)| order.clone());
        let signer = s.session.visit().map(|v| v.iin.clone());
        let (Some(order), Some(signer)) = (order, signer) else {
            s.card.busy = false;
            s.card.access = Some(access);
            return;
        };
        drop(s);
        self.spawn(interrupted, async move {
            let signed = tokio::task::spawn_blocking(move || {
                let result = komek_kiosk_core::core::Core::sign_with_card(
                    &mut access,
                    &pin,
                    &order,
                    &signer,
                    now,
                );
                (access, result)
            })
            .await;
            match signed {
                Ok(done) => Update::Card(CardUpdate::Signed(Box::new(done))),
                Err(e) => {
                    tracing::error!(error = %e, "card signing thread failed");
                    Update::Failed(interrupted)
                }
            }
        });
    }

    pub(super) fn apply_card(&self, update: CardUpdate) {
        match update {
            CardUpdate::Opened(opened) => {
                let mut s = self.state.borrow_mut();
                s.card.busy = false;
                match opened {
                    Ok((access, tries)) => {
                        s.card.access = Some(access);
                        s.card.tries_left = tries;
                    }
                    Err(e) => s.card.problem = Some(card_problem(&CardLoginError::Card(e))),
                }
            }
            CardUpdate::LoggedIn(done) => {
                let (access, result) = *done;
                let visit = {
                    let mut s = self.state.borrow_mut();
                    s.card.busy = false;
                    match result {
                        // The card is let go (and so reset): its verified PIN must not stay
                        // open for the visit. Signing opens it again and asks the PIN.
                        Ok(visit) => {
                            discard(&self.runtime, Some(access));
                            s.card.problem = None;
                            Some(visit)
                        }
                        Err(e) => {
                            s.card.access = Some(access);
                            self.card_failed(&mut s.card, &e);
                            None
                        }
                    }
                };
                if let Some(visit) = visit {
                    let waiting = {
                        let s = self.state.borrow();
                        s.screen == Screen::CardPin && !s.card.signing
                    };
                    if waiting {
                        self.enter_visit(visit);
                    } else {
                        // The person went elsewhere meanwhile: the login is not theirs now.
                        self.log_out_unused(visit);
                    }
                }
            }
            CardUpdate::Signed(done) => {
                let (access, result) = *done;
                {
                    let mut s = self.state.borrow_mut();
                    if s.screen != Screen::CardPin || !s.card.signing {
                        // Not asked for any more: nothing is saved.
                        s.card.busy = false;
                        discard(&self.runtime, Some(access));
                        return;
                    }
                    s.card.busy = false;
                    s.card.access = Some(access);
                    match result {
                        Ok(signed) => {
                            s.card.signing = false;
                            s.signing.signed = Some(signed);
                        }
                        Err(e) => {
                            self.card_failed(&mut s.card, &e);
                            return;
                        }
                    }
                }
                self.save_application();
            }
        }
    }

    fn card_failed(&self, card: &mut CardState, error: &CardLoginError) {
        tracing::info!(error = %error, "card step failed");
        if let CardLoginError::Card(CardError::WrongPin { tries_left }) = error {
            card.tries_left = *tries_left;
        }
        if matches!(error, CardLoginError::Card(CardError::Removed)) {
            discard(&self.runtime, card.access.take());
        }
        card.problem = Some(card_problem(error));
    }
}

fn card_problem(error: &CardLoginError) -> CardProblem {
    match error {
        CardLoginError::Card(card) => match card {
            CardError::Removed => CardProblem::Removed,
            CardError::WrongPin { .. } => CardProblem::WrongPin,
            CardError::PinBlocked => CardProblem::PinBlocked,
            CardError::UnknownCard => CardProblem::UnknownCard,
            CardError::PinNeeded
            | CardError::Refused(_)
            | CardError::Malformed
            | CardError::Reader(_) => CardProblem::Failed,
        },
        CardLoginError::CertificateExpired { .. } => CardProblem::Expired,
        CardLoginError::CertificateNotYetValid => CardProblem::NotYetValid,
        CardLoginError::Unreadable => CardProblem::UnknownCard,
        CardLoginError::Refused => CardProblem::Refused,
        CardLoginError::NotTheHolder => CardProblem::OtherPerson,
        CardLoginError::Login(login) => match login {
            LoginError::UnknownParticipant => CardProblem::UnknownParticipant,
            LoginError::Offline | LoginError::TooManyRequests => CardProblem::Offline,
            _ => CardProblem::Failed,
        },
    }
}

/// The card as its adapter shows it.
pub(super) fn render(
    app: &AppWindow,
    state: &super::state::State,
    demo_card_inserted: Option<bool>,
) {
    let adapter = app.global::<CardAdapter>();
    let c = &state.card;
    adapter.set_available(c.available(demo_card_inserted.is_some()));
    adapter.set_present(c.reader.is_some());
    adapter.set_signing(c.signing);
    adapter.set_item_name(
        state
            .order
            .as_ref()
            .map(|(_, choice)| choice.item.name.get(state.lang).to_string())
            .unwrap_or_default()
            .into(),
    );
    adapter.set_pin_dots(vec!["●"; c.pin.len()].join(" ").into());
    adapter.set_pin_length(i32::try_from(c.pin.len()).unwrap_or(0));
    adapter.set_tries_left(i32::from(c.tries_left));
    adapter.set_problem(c.problem.unwrap_or(CardProblem::None));
    adapter.set_busy(c.busy);
    adapter.set_demo(demo_card_inserted.is_some());
    adapter.set_demo_inserted(demo_card_inserted.unwrap_or(false));
    adapter.set_demo_pin(super::demo::CARD_PIN.into());
}

/// The card's part of [`super::Recover`]: its screen stops waiting and says the card failed.
fn interrupted(state: &mut super::state::State) {
    let c = &mut state.card;
    super::stop_waiting(&mut c.busy, &mut c.problem, crate::CardProblem::Failed);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_card_failure_has_its_own_message_and_faults_say_something_went_wrong() {
        let wrong = CardLoginError::Card(CardError::WrongPin { tries_left: 2 });
        assert_eq!(card_problem(&wrong), CardProblem::WrongPin);
        assert_eq!(
            card_problem(&CardLoginError::Card(CardError::PinBlocked)),
            CardProblem::PinBlocked
        );
        assert_eq!(
            card_problem(&CardLoginError::Login(LoginError::Offline)),
            CardProblem::Offline
        );
        assert_eq!(card_problem(&CardLoginError::Refused), CardProblem::Refused);
        assert_eq!(
            card_problem(&CardLoginError::Card(CardError::Malformed)),
            CardProblem::Failed
        );
    }
}
