//! The national ID card on screen: a card put in the reader on the welcome or IIN screen
//! starts the card login at its PIN; after a card login, "Confirm and sign" on the review asks
//! the PIN again and the card signs the application with no network. The card's commands run
//! on blocking threads; the PIN is never shown or echoed, and is wiped once used.
//! [`CardState::update`] is the room without a window, a reader or a runtime: the opened card
//! travels in its [`Msg`]s and [`Effect`]s, so every hand-over of it is tested here.

use std::rc::Rc;

use komek_card::reader::{CardService, ReaderEvent};
use komek_card::{CardError, Pin};
use slint::ComponentHandle;
use zeroize::Zeroize;

use super::{Inner, Update, act, type_digit, with};
use crate::{AppWindow, CardAdapter, CardProblem, SaveProblem, Screen};
use komek_domain::{Iin, Order};
use komek_kiosk_core::core::{
    CardAccess, CardLoginError, Core, LoginError, LoginMethod, SignedApplication, Visit,
};
use komek_kiosk_core::technician::TechnicianSession;

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
    /// What the PIN being asked is for.
    pub purpose: PinPurpose,
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
            purpose: PinPurpose::Login,
            problem: None,
            tries_left: 0,
            busy: false,
        }
    }
}

/// What a card's PIN is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinPurpose {
    /// A person's login (the card put in on the welcome, IIN or code screen).
    Login,
    /// Signing the application on the review, after a card login.
    Signing,
    /// Opening technician mode (the card put in on its sign-in).
    Technician,
}

/// What the readers reported, what the person did on the PIN screen, and what the card did on
/// its blocking thread (the card comes back with the answer).
pub enum Msg {
    Service(CardService),
    Inserted(String),
    Removed(String),
    Digit(String),
    Erase,
    Submit,
    /// "Use the card" on the IIN screen, with a card in the reader.
    UseCard,
    /// "Sign with a code instead" on the PIN screen of a signing.
    SignWithCode,
    /// "Confirm and sign" on the review after a card login.
    StartSigning,
    Back,
    Opened(Result<(CardAccess, u8), CardError>),
    LoggedIn(Box<(CardAccess, Result<Visit, CardLoginError>)>),
    TechnicianLoggedIn(Box<(CardAccess, Result<TechnicianSession, CardLoginError>)>),
    Signed(Box<(CardAccess, Result<SignedApplication, CardLoginError>)>),
}

/// What the card room needs of the rest of the kiosk.
pub struct Context<'a> {
    pub screen: Screen,
    pub logged_in: bool,
    /// The order on the review and who signs it, once there is one to sign.
    pub to_sign: Option<(&'a Order, &'a Iin)>,
    /// The review's problem with saving, which typing the PIN clears.
    pub save_problem: &'a mut SaveProblem,
}

/// What the bridge does for the card.
#[derive(Debug)]
pub enum Effect {
    /// A PIN digit typed or refused: a tone only, never its word, even in headphones.
    Typed(bool),
    Erased(bool),
    /// The card's login begins: from the welcome screen the visit starts (in Kazakh until a
    /// language is chosen); a login by code that was waiting is given up.
    BeginLogin {
        from_welcome: bool,
    },
    Show(Screen),
    /// Connect to the card in this reader and read its PIN tries.
    Open(String),
    Login(CardAccess, Pin),
    TechnicianLogin(CardAccess, Pin),
    /// The technician's card opened technician mode.
    OpenTechnicianMode(Box<TechnicianSession>),
    /// A technician login nobody waits for: its session is ended at the gateway.
    DiscardTechnicianSession(Box<TechnicianSession>),
    Sign {
        access: CardAccess,
        pin: Pin,
        order: Order,
        signer: Iin,
    },
    /// Let the card go, off the UI thread.
    Close(CardAccess),
    EnterVisit(Box<Visit>),
    /// A login nobody waits for any more: its gateway session is closed.
    Discard(Box<Visit>),
    /// The card signed the application: it is to be queued.
    Save(Box<SignedApplication>),
    /// The signing goes on by SMS code instead.
    SignWithCode,
}

impl CardState {
    pub fn update(&mut self, msg: Msg, cx: Context) -> Vec<Effect> {
        match msg {
            Msg::Service(service) => {
                tracing::info!(service = %service, "card service");
                self.service = Some(service);
                Vec::new()
            }
            Msg::Inserted(reader) => self.inserted(reader, &cx),
            Msg::Removed(reader) => self.removed(&reader, cx.screen),
            Msg::Digit(digit) => {
                self.problem = None;
                *cx.save_problem = SaveProblem::None;
                let typed = !self.busy && type_digit(&mut self.pin, &digit, PIN_MAX);
                vec![Effect::Typed(typed)]
            }
            Msg::Erase => vec![Effect::Erased(self.pin.pop().is_some())],
            Msg::Submit => self.submit(cx.to_sign).into_iter().collect(),
            Msg::UseCard => {
                if self.reader.is_none() {
                    return Vec::new();
                }
                let mut effects = self.closed(CardState::wipe);
                effects.push(Effect::Show(Screen::CardPin));
                effects.extend(self.open());
                effects
            }
            Msg::SignWithCode => {
                let mut effects = self.closed(CardState::wipe);
                effects.push(Effect::SignWithCode);
                effects
            }
            Msg::StartSigning => {
                let mut effects = self.closed(CardState::wipe);
                self.purpose = PinPurpose::Signing;
                effects.push(Effect::Show(Screen::CardPin));
                effects.extend(self.open());
                effects
            }
            // Not while the card works: its answer belongs to this screen.
            Msg::Back if self.busy => Vec::new(),
            Msg::Back => {
                let asked_from = match self.purpose {
                    PinPurpose::Login => Screen::Iin,
                    PinPurpose::Signing => Screen::Review,
                    PinPurpose::Technician => Screen::TechnicianSignIn,
                };
                let mut effects = self.closed(CardState::wipe);
                effects.push(Effect::Show(asked_from));
                effects
            }
            Msg::Opened(opened) => {
                self.busy = false;
                match opened {
                    Ok((access, tries)) => {
                        self.tries_left = tries;
                        self.access
                            .replace(access)
                            .map(Effect::Close)
                            .into_iter()
                            .collect()
                    }
                    Err(e) => {
                        self.problem = Some(card_problem(&CardLoginError::Card(e)));
                        Vec::new()
                    }
                }
            }
            Msg::LoggedIn(done) => {
                let (access, result) = *done;
                self.busy = false;
                match result {
                    // The card is let go (and so reset): its verified PIN must not stay open
                    // for the visit. Signing opens it again and asks the PIN.
                    Ok(visit) => {
                        self.problem = None;
                        let waiting =
                            cx.screen == Screen::CardPin && self.purpose == PinPurpose::Login;
                        let visit = Box::new(visit);
                        vec![
                            Effect::Close(access),
                            if waiting {
                                Effect::EnterVisit(visit)
                            } else {
                                // The person went elsewhere meanwhile: the login is not theirs.
                                Effect::Discard(visit)
                            },
                        ]
                    }
                    Err(e) => {
                        self.access = Some(access);
                        self.failed(&e).into_iter().collect()
                    }
                }
            }
            Msg::TechnicianLoggedIn(done) => {
                let (access, result) = *done;
                self.busy = false;
                match result {
                    // Let go at once, like after a visit's login; pulling the card out still
                    // ends the mode (the reader reports it).
                    Ok(session)
                        if cx.screen == Screen::CardPin
                            && self.purpose == PinPurpose::Technician
                            && self.reader.is_some() =>
                    {
                        self.problem = None;
                        self.purpose = PinPurpose::Login;
                        vec![
                            Effect::Close(access),
                            Effect::OpenTechnicianMode(Box::new(session)),
                        ]
                    }
                    // Nobody waits for it any more, or the card was taken out meanwhile: the
                    // session is ended at the gateway.
                    Ok(session) => {
                        if self.reader.is_none() {
                            self.problem = Some(CardProblem::Removed);
                        }
                        vec![
                            Effect::Close(access),
                            Effect::DiscardTechnicianSession(Box::new(session)),
                        ]
                    }
                    Err(e) => {
                        self.access = Some(access);
                        self.failed(&e).into_iter().collect()
                    }
                }
            }
            Msg::Signed(done) => {
                let (access, result) = *done;
                self.busy = false;
                if cx.screen != Screen::CardPin || self.purpose != PinPurpose::Signing {
                    // Not asked for any more: nothing is saved.
                    return vec![Effect::Close(access)];
                }
                self.access = Some(access);
                match result {
                    Ok(signed) => {
                        self.purpose = PinPurpose::Login;
                        vec![Effect::Save(Box::new(signed))]
                    }
                    Err(e) => self.failed(&e).into_iter().collect(),
                }
            }
        }
    }

    fn inserted(&mut self, reader: String, cx: &Context) -> Vec<Effect> {
        tracing::info!(reader = %reader, "card inserted");
        self.reader = Some(reader);
        let mut effects: Vec<Effect> = self.access.take().map(Effect::Close).into_iter().collect();
        match cx.screen {
            // The card is the login: its PIN comes next.
            Screen::Welcome | Screen::Iin | Screen::Code if !cx.logged_in => {
                effects.extend(self.closed(CardState::wipe));
                effects.push(Effect::BeginLogin {
                    from_welcome: cx.screen == Screen::Welcome,
                });
                effects.push(Effect::Show(Screen::CardPin));
                effects.extend(self.open());
            }
            // Technician mode's sign-in: the technician's card, then its PIN.
            Screen::TechnicianSignIn => {
                effects.extend(self.closed(CardState::wipe));
                self.purpose = PinPurpose::Technician;
                effects.push(Effect::Show(Screen::CardPin));
                effects.extend(self.open());
            }
            // Put back while its PIN screen waits for it.
            Screen::CardPin => {
                self.problem = None;
                effects.extend(self.open());
            }
            _ => {}
        }
        effects
    }

    fn removed(&mut self, reader: &str, screen: Screen) -> Vec<Effect> {
        if self.reader.as_deref() != Some(reader) {
            return Vec::new();
        }
        tracing::info!(reader = %reader, "card removed");
        self.reader = None;
        self.pin.zeroize();
        if screen == Screen::CardPin && !self.busy {
            self.problem = Some(CardProblem::Removed);
        }
        self.access.take().map(Effect::Close).into_iter().collect()
    }

    /// Connects to the card in the reader, if there is one, and reads its PIN tries.
    fn open(&mut self) -> Option<Effect> {
        let reader = self.reader.clone()?;
        self.busy = true;
        Some(Effect::Open(reader))
    }

    fn submit(&mut self, to_sign: Option<(&Order, &Iin)>) -> Option<Effect> {
        if self.busy {
            return None;
        }
        if self.access.is_none() {
            self.problem = Some(CardProblem::Removed);
            return None;
        }
        let Some(pin) = Pin::new(&self.pin) else {
            self.problem = Some(CardProblem::PinIncomplete);
            return None;
        };
        self.pin.zeroize();
        // A signing needs the order and its signer first: without them nothing is taken.
        let to_sign = match self.purpose {
            PinPurpose::Signing => Some(to_sign?),
            PinPurpose::Login | PinPurpose::Technician => None,
        };
        let access = self.access.take()?;
        self.busy = true;
        Some(match (self.purpose, to_sign) {
            (PinPurpose::Technician, _) => Effect::TechnicianLogin(access, pin),
            (_, Some((order, signer))) => Effect::Sign {
                access,
                pin,
                order: order.clone(),
                signer: signer.clone(),
            },
            (_, None) => Effect::Login(access, pin),
        })
    }

    fn failed(&mut self, error: &CardLoginError) -> Option<Effect> {
        tracing::info!(error = %error, "card step failed");
        if let CardLoginError::Card(CardError::WrongPin { tries_left }) = error {
            self.tries_left = *tries_left;
        }
        self.problem = Some(card_problem(error));
        if matches!(error, CardLoginError::Card(CardError::Removed)) {
            self.access.take().map(Effect::Close)
        } else {
            None
        }
    }

    /// Runs `wipe` and lets go of the card it hands back.
    fn closed(&mut self, wipe: fn(&mut CardState) -> Option<CardAccess>) -> Vec<Effect> {
        wipe(self).map(Effect::Close).into_iter().collect()
    }

    /// At the end of a visit: the card stays where it is, nothing the person typed does. The
    /// opened card is handed back to be closed off the UI thread.
    #[must_use]
    pub fn wipe(&mut self) -> Option<CardAccess> {
        self.pin.zeroize();
        self.purpose = PinPurpose::Login;
        self.problem = None;
        self.busy = false;
        self.access.take()
    }

    fn available(&self, demo: bool) -> bool {
        demo || matches!(self.service, Some(CardService::Ready { .. }))
    }

    /// Its background work died: the screen stops waiting and says the card failed.
    fn interrupted(&mut self) {
        super::stop_waiting(&mut self.busy, &mut self.problem, CardProblem::Failed);
    }
}

impl Msg {
    /// What an answer that arrives after its visit ended leaves to let go: the card, and a
    /// login (a person's or a technician's) whose gateway session must be closed.
    pub(super) fn left_behind(
        self,
    ) -> (Option<CardAccess>, Option<Visit>, Option<TechnicianSession>) {
        match self {
            Msg::Opened(Ok((access, _))) => (Some(access), None, None),
            Msg::LoggedIn(done) => {
                let (access, result) = *done;
                (Some(access), result.ok(), None)
            }
            Msg::Signed(done) => (Some(done.0), None, None),
            Msg::TechnicianLoggedIn(done) => {
                let (access, result) = *done;
                (Some(access), None, result.ok())
            }
            _ => (None, None, None),
        }
    }
}

/// Closes a card off the UI thread: a reader resets the card as it lets it go, which can take
/// seconds when the card has just been pulled out.
pub(super) fn discard(runtime: &tokio::runtime::Handle, access: Option<CardAccess>) {
    if let Some(access) = access {
        runtime.spawn_blocking(move || drop(access));
    }
}

/// The card's part of [`super::Recover`].
fn interrupted(state: &mut super::state::State) {
    state.card.interrupted();
}

pub(super) fn wire(app: &AppWindow, inner: &Rc<Inner>) {
    let adapter = app.global::<CardAdapter>();
    adapter.on_digit(with(inner, |i, d: slint::SharedString| {
        i.card(Msg::Digit(d.into()))
    }));
    adapter.on_erase(act(inner, |i| i.card(Msg::Erase)));
    adapter.on_submit(act(inner, |i| i.card(Msg::Submit)));
    adapter.on_sign_with_code(act(inner, |i| i.card(Msg::SignWithCode)));
    adapter.on_use_card(act(inner, |i| i.card(Msg::UseCard)));
    adapter.on_toggle_demo_card(act(inner, |i| {
        super::demo::toggle_card(&i.cards);
        i.poll_cards();
    }));
}

impl Inner {
    /// Hands `msg` to the card room and carries out what it asks for.
    pub(super) fn card(&self, msg: Msg) {
        let effects = {
            let mut s = self.state.borrow_mut();
            let (session, visit) = s.split_mut();
            let signer = session.visit().map(|v| &v.iin);
            let cx = Context {
                screen: visit.screen,
                logged_in: signer.is_some(),
                to_sign: visit
                    .programme
                    .order
                    .as_ref()
                    .map(|(order, _)| order)
                    .zip(signer),
                save_problem: &mut visit.programme.save_problem,
            };
            visit.card.update(msg, cx)
        };
        for effect in effects {
            self.card_effect(effect);
        }
    }

    fn card_effect(&self, effect: Effect) {
        match effect {
            // A tone for each digit, also in headphones: a PIN typed is never echoed.
            Effect::Typed(typed) => self.key_feedback(None, typed),
            Effect::Erased(erased) => self.erase_feedback(erased),
            Effect::BeginLogin { from_welcome } => {
                if from_welcome {
                    self.start("kk");
                }
                self.state.borrow_mut().login.busy = false;
            }
            Effect::Show(screen) => self.show(screen),
            Effect::Open(reader) => {
                let opener = self.cards.opener();
                self.spawn(interrupted, async move {
                    let opened = tokio::task::spawn_blocking(move || {
                        let mut access = CardAccess::connected(opener.open(&reader)?);
                        let tries = access.pin_tries_left()?;
                        Ok((access, tries))
                    })
                    .await
                    .unwrap_or_else(|e| Err(CardError::Reader(e.to_string())));
                    Update::Card(Msg::Opened(opened))
                });
            }
            Effect::Login(access, pin) => {
                let core = self.core.clone();
                let now = self.clock.now();
                self.spawn(interrupted, async move {
                    let (access, result) = core.card_login(access, pin, now).await;
                    Update::Card(Msg::LoggedIn(Box::new((access, result))))
                });
            }
            Effect::TechnicianLogin(access, pin) => {
                let core = self.core.clone();
                let now = self.clock.now();
                self.spawn(interrupted, async move {
                    let (access, result) = core.technician_card_login(access, pin, now).await;
                    Update::Card(Msg::TechnicianLoggedIn(Box::new((access, result))))
                });
            }
            Effect::OpenTechnicianMode(session) => {
                self.technician(super::technician::Msg::OpenedByCard(session))
            }
            Effect::DiscardTechnicianSession(session) => self.discard_technician_session(*session),
            Effect::Sign {
                mut access,
                pin,
                order,
                signer,
            } => {
                let now = self.clock.now();
                self.spawn(interrupted, async move {
                    let signed = tokio::task::spawn_blocking(move || {
                        let result = Core::sign_with_card(&mut access, &pin, &order, &signer, now);
                        (access, result)
                    })
                    .await;
                    match signed {
                        Ok(done) => Update::Card(Msg::Signed(Box::new(done))),
                        Err(e) => {
                            tracing::error!(error = %e, "card signing thread failed");
                            Update::Failed(interrupted)
                        }
                    }
                });
            }
            Effect::Close(access) => discard(&self.runtime, Some(access)),
            Effect::EnterVisit(visit) => self.enter_visit(*visit),
            Effect::Discard(visit) => self.log_out_unused(*visit),
            Effect::Save(signed) => {
                self.state.borrow_mut().signing.signed = Some(*signed);
                self.save_application();
            }
            Effect::SignWithCode => self.signing(super::signing::Msg::Start),
        }
    }

    /// Hands what the readers reported since the last look to the card room.
    pub(super) fn poll_cards(&self) {
        while let Some(event) = self.cards.try_event() {
            let removed = matches!(event, ReaderEvent::Removed { .. });
            self.card(match event {
                ReaderEvent::Service(service) => Msg::Service(service),
                ReaderEvent::Inserted { reader, .. } => Msg::Inserted(reader),
                ReaderEvent::Removed { reader } => Msg::Removed(reader),
            });
            if removed {
                self.technician(super::technician::Msg::CardRemoved);
            }
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
    adapter.set_signing(c.purpose == PinPurpose::Signing);
    adapter.set_technician(c.purpose == PinPurpose::Technician);
    adapter.set_item_name(
        state
            .programme
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

    /// A card that answers nothing: the room never talks to it, it only hands it on.
    struct Silent;

    impl komek_card::Transport for Silent {
        fn transmit(&mut self, _command: &[u8]) -> Result<Vec<u8>, CardError> {
            Err(CardError::Removed)
        }
    }

    fn a_card() -> CardAccess {
        CardAccess::new(Box::new(Silent), Box::new(komek_card::komek::KomekProfile))
    }

    const READER: &str = "Reader 0";

    /// Sends `msg` on `screen`, with or without a visit and an order to sign.
    fn send(
        card: &mut CardState,
        msg: Msg,
        screen: Screen,
        to_sign: Option<(&Order, &Iin)>,
    ) -> Vec<Effect> {
        let mut save_problem = SaveProblem::Failed;
        card.update(
            msg,
            Context {
                screen,
                logged_in: to_sign.is_some(),
                to_sign,
                save_problem: &mut save_problem,
            },
        )
    }

    fn type_pin(card: &mut CardState, pin: &str) {
        for d in pin.chars() {
            send(card, Msg::Digit(d.to_string()), Screen::CardPin, None);
        }
    }

    fn order() -> Order {
        Order {
            activity_id: "A-1".into(),
            item_id: "tsr-1".into(),
            supplier_id: "S-1".into(),
            quantity: 1,
            unit_price_kzt: 100,
            guaranteed_amount_kzt: 100,
        }
    }

    #[test]
    fn a_card_put_in_on_the_welcome_screen_begins_its_login_at_the_pin() {
        let mut card = CardState::default();
        let effects = send(
            &mut card,
            Msg::Inserted(READER.into()),
            Screen::Welcome,
            None,
        );
        assert!(matches!(
            effects.as_slice(),
            [
                Effect::BeginLogin { from_welcome: true },
                Effect::Show(Screen::CardPin),
                Effect::Open(reader),
            ] if reader == READER
        ));
        assert!(card.busy, "the PIN waits for the card to open");

        let mut inside = CardState::default();
        let (order, iin) = (order(), Iin::parse("810314304128").unwrap());
        let effects = send(
            &mut inside,
            Msg::Inserted(READER.into()),
            Screen::Activities,
            Some((&order, &iin)),
        );
        assert!(
            effects.is_empty(),
            "a card put in during a visit logs nobody in"
        );
        assert_eq!(inside.reader.as_deref(), Some(READER));
    }

    #[test]
    fn the_pin_is_typed_up_to_its_length_checked_and_wiped_once_handed_to_the_card() {
        let mut card = CardState::default();
        send(&mut card, Msg::Inserted(READER.into()), Screen::Iin, None);
        type_pin(&mut card, "12");
        assert!(card.pin.is_empty(), "nothing is typed while the card opens");
        send(
            &mut card,
            Msg::Opened(Ok((a_card(), 3))),
            Screen::CardPin,
            None,
        );
        assert_eq!((card.busy, card.tries_left), (false, 3));

        type_pin(&mut card, "123");
        assert!(send(&mut card, Msg::Submit, Screen::CardPin, None).is_empty());
        assert_eq!(card.problem, Some(CardProblem::PinIncomplete));
        type_pin(&mut card, "4567890123");
        assert_eq!(card.pin.len(), PIN_MAX, "a thirteenth digit is refused");

        let effects = send(&mut card, Msg::Submit, Screen::CardPin, None);
        assert!(matches!(effects.as_slice(), [Effect::Login(..)]));
        assert!(card.pin.is_empty() && card.access.is_none() && card.busy);
    }

    #[test]
    fn a_wrong_pin_keeps_the_card_and_says_the_tries_left_and_a_pulled_card_is_let_go() {
        let mut card = CardState {
            reader: Some(READER.into()),
            busy: true,
            ..CardState::default()
        };
        let wrong = CardLoginError::Card(CardError::WrongPin { tries_left: 1 });
        let effects = send(
            &mut card,
            Msg::LoggedIn(Box::new((a_card(), Err(wrong)))),
            Screen::CardPin,
            None,
        );
        assert!(effects.is_empty());
        assert_eq!(
            (card.problem, card.tries_left, card.access.is_some()),
            (Some(CardProblem::WrongPin), 1, true)
        );

        let effects = send(
            &mut card,
            Msg::Removed(READER.into()),
            Screen::CardPin,
            None,
        );
        assert!(matches!(effects.as_slice(), [Effect::Close(_)]));
        assert_eq!(card.problem, Some(CardProblem::Removed));
        assert!(send(&mut card, Msg::Submit, Screen::CardPin, None).is_empty());
    }

    #[test]
    fn the_card_signs_the_order_on_the_review_and_a_late_signature_is_not_saved() {
        let (order, iin) = (order(), Iin::parse("810314304128").unwrap());
        let mut card = CardState {
            reader: Some(READER.into()),
            ..CardState::default()
        };
        let effects = send(
            &mut card,
            Msg::StartSigning,
            Screen::Review,
            Some((&order, &iin)),
        );
        assert!(matches!(
            effects.as_slice(),
            [Effect::Show(Screen::CardPin), Effect::Open(_)]
        ));
        send(
            &mut card,
            Msg::Opened(Ok((a_card(), 3))),
            Screen::CardPin,
            None,
        );
        type_pin(&mut card, "1234");
        let effects = send(
            &mut card,
            Msg::Submit,
            Screen::CardPin,
            Some((&order, &iin)),
        );
        assert!(matches!(
            effects.as_slice(),
            [Effect::Sign { order: o, signer, .. }] if *o == order && *signer == iin
        ));

        // The person pressed Back meanwhile: the card is let go and nothing is saved.
        let late = send(
            &mut card,
            Msg::Signed(Box::new((a_card(), Err(CardLoginError::Refused)))),
            Screen::Review,
            Some((&order, &iin)),
        );
        assert!(matches!(late.as_slice(), [Effect::Close(_)]));
        assert_eq!(card.problem, None);
    }

    #[test]
    fn back_waits_for_a_working_card_and_then_leads_where_the_pin_was_asked() {
        let mut card = CardState {
            busy: true,
            purpose: PinPurpose::Signing,
            ..CardState::default()
        };
        assert!(send(&mut card, Msg::Back, Screen::CardPin, None).is_empty());
        card.busy = false;
        card.access = Some(a_card());
        let effects = send(&mut card, Msg::Back, Screen::CardPin, None);
        assert!(matches!(
            effects.as_slice(),
            [Effect::Close(_), Effect::Show(Screen::Review)]
        ));
        assert_eq!(card.purpose, PinPurpose::Login);
        let effects = send(&mut card, Msg::Back, Screen::CardPin, None);
        assert!(matches!(effects.as_slice(), [Effect::Show(Screen::Iin)]));
    }

    #[test]
    fn a_late_answer_hands_back_its_card_and_its_login() {
        let (access, visit, technician) = Msg::Opened(Ok((a_card(), 3))).left_behind();
        assert!(access.is_some() && visit.is_none() && technician.is_none());
        let (access, visit, technician) = Msg::Digit("1".into()).left_behind();
        assert!(access.is_none() && visit.is_none() && technician.is_none());
    }
}
