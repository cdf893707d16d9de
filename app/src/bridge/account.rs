//! The personal account (Rules item 6) and changing the phone or the e-mail: the number on the
//! keypad, a code sent to it, and, once the gateway has checked the code, the change queued
//! like every action. [`AccountState::update`] is the flow without a window, a gateway or a
//! runtime; `Inner::account` carries out its [`Effect`]s.

use std::rc::Rc;

use slint::ComponentHandle;
use uuid::Uuid;

use super::code_entry::CodeEntry;
use super::state::State;
use super::{Inner, Update, act, save_problem, stop_waiting, type_digit, with};
use crate::{
    AccountAdapter, AppWindow, EmailProblem, LoginProblem, NumberProblem, SaveProblem, Screen,
};
use komek_domain::{EmailError, Lang, MobilePhone, PhoneError, Profile, check_email};
use komek_kiosk_core::core::{Core, LoginError, PhoneChallenge, ProvenPhone};
use komek_kiosk_core::text_entry::TextEntry;

/// A number has ten digits after +7.
const NUMBER_LENGTH: usize = 10;

/// Changing the phone: the number typed, the code sent to it, and the change once saved.
#[derive(Default)]
pub struct AccountState {
    /// Digits typed after +7.
    pub number: String,
    pub number_problem: Option<NumberProblem>,
    pub code: CodeEntry<PhoneChallenge>,
    pub code_problem: Option<LoginProblem>,
    pub busy: bool,
    pub demo_code: String,
    pub save_problem: SaveProblem,
    /// The gateway's proof for the new number, kept until the change is saved, so a failed
    /// save can be tried again without a new code.
    pub proven: Option<ProvenPhone>,
    /// The change queued in this visit: its outbox id and the new number.
    pub saved: Option<(Uuid, MobilePhone)>,
    pub email_problem: Option<EmailProblem>,
    /// An e-mail change queued in this visit: its outbox id and the address.
    pub saved_email: Option<(Uuid, String)>,
}

/// What happened on the account screens or came back from the gateway and the outbox.
pub enum Msg {
    ChangePhone,
    Digit(String),
    Erase,
    SendCode,
    Resend,
    Confirm,
    OtherNumber,
    /// Back from the phone or e-mail screen.
    Back,
    ChangeEmail,
    /// The keyboard changed the e-mail typed.
    EntryChanged,
    SaveEmail,
    CodeRequested(Result<PhoneChallenge, LoginError>),
    DemoCode(String),
    Proven(Result<ProvenPhone, LoginError>),
    PhoneSaved(Result<(Uuid, MobilePhone), SaveProblem>),
    EmailSaved(Result<(Uuid, String), SaveProblem>),
}

/// What the account needs of the visit: its session token and profile (none once it has
/// ended), its language, and the keyboard's field, where the e-mail is typed.
pub struct Context<'a> {
    pub token: Option<String>,
    pub profile: Option<&'a Profile>,
    pub lang: Lang,
    pub entry: &'a mut TextEntry,
}

/// What the bridge does for the account.
pub enum Effect {
    Show(Screen),
    /// A keypad digit typed (`Some`) or refused (`None`).
    Typed(Option<String>),
    Erased(bool),
    RequestCode {
        token: String,
        phone: MobilePhone,
    },
    Verify {
        token: String,
        challenge: PhoneChallenge,
        code: String,
    },
    /// The code went out: on a demo kiosk the code itself is shown.
    CodeSent(Uuid),
    /// The proven number is to be queued as the visit's contact change.
    SavePhone(ProvenPhone),
    SaveEmail(String),
}

impl AccountState {
    pub fn update(&mut self, msg: Msg, visit: Context) -> Vec<Effect> {
        match msg {
            Msg::ChangePhone => {
                self.restart();
                vec![Effect::Show(Screen::Phone)]
            }
            Msg::OtherNumber => {
                self.restart();
                Vec::new()
            }
            Msg::Back => {
                self.restart();
                vec![Effect::Show(Screen::Account)]
            }
            Msg::Digit(digit) => {
                self.number_problem = None;
                self.code_problem = None;
                self.save_problem = SaveProblem::None;
                let typed = if self.code.challenge.is_some() {
                    self.code.type_digit(&digit)
                } else {
                    type_digit(&mut self.number, &digit, NUMBER_LENGTH)
                };
                vec![Effect::Typed(typed.then_some(digit))]
            }
            Msg::Erase => {
                self.number_problem = None;
                self.code_problem = None;
                let erased = if self.code.challenge.is_some() {
                    self.code.erase()
                } else {
                    self.number.pop().is_some()
                };
                vec![Effect::Erased(erased)]
            }
            Msg::SendCode => {
                let (Some(token), Some(profile)) = (visit.token, visit.profile) else {
                    return Vec::new();
                };
                match number_to_prove(&self.number, &profile.phone) {
                    Ok(phone) => {
                        self.busy = true;
                        vec![Effect::RequestCode { token, phone }]
                    }
                    Err(problem) => {
                        self.number_problem = Some(problem);
                        Vec::new()
                    }
                }
            }
            Msg::Resend => {
                self.code.clear();
                let phone = self.code.challenge.as_ref().map(|c| c.phone.clone());
                let (Some(phone), Some(token)) = (phone, visit.token) else {
                    return Vec::new();
                };
                self.busy = true;
                vec![Effect::RequestCode { token, phone }]
            }
            // Proven already, and only the save failed: it is tried again, with no new code.
            Msg::Confirm if self.proven.is_some() => self
                .proven
                .clone()
                .map(Effect::SavePhone)
                .into_iter()
                .collect(),
            Msg::Confirm => {
                let Some(token) = visit.token else {
                    return Vec::new();
                };
                self.code
                    .submit(&mut self.busy, &mut self.code_problem)
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
                .code_sent(result, &mut self.busy, &mut self.code_problem)
                .map(|sent| Effect::CodeSent(sent.id))
                .into_iter()
                .collect(),
            Msg::DemoCode(code) => {
                self.demo_code = code;
                Vec::new()
            }
            Msg::Proven(result) => {
                let Some(proven) =
                    self.code
                        .checked(result, &mut self.busy, &mut self.code_problem)
                else {
                    return Vec::new();
                };
                self.proven = Some(proven.clone());
                vec![Effect::SavePhone(proven)]
            }
            Msg::PhoneSaved(Ok(saved)) => {
                *self = AccountState {
                    saved: Some(saved),
                    saved_email: self.saved_email.take(),
                    ..AccountState::default()
                };
                vec![Effect::Show(Screen::Account)]
            }
            Msg::PhoneSaved(Err(problem)) | Msg::EmailSaved(Err(problem)) => {
                self.save_problem = problem;
                Vec::new()
            }
            Msg::ChangeEmail => {
                self.restart();
                let current = visit.profile.and_then(|p| p.email.clone());
                *visit.entry = TextEntry::email(current.as_deref().unwrap_or_default());
                vec![Effect::Show(Screen::Email)]
            }
            Msg::EntryChanged => {
                self.email_problem = None;
                self.save_problem = SaveProblem::None;
                Vec::new()
            }
            Msg::SaveEmail => {
                let Some(profile) = visit.profile else {
                    return Vec::new();
                };
                match email_to_save(&visit.entry.text, profile.email.as_deref()) {
                    Ok(email) => vec![Effect::SaveEmail(email)],
                    Err(problem) => {
                        self.email_problem = Some(problem);
                        Vec::new()
                    }
                }
            }
            Msg::EmailSaved(Ok(saved)) => {
                self.saved_email = Some(saved);
                *visit.entry = TextEntry::free_text("", visit.lang);
                vec![Effect::Show(Screen::Account)]
            }
        }
    }

    /// Back to typing a number; a change already saved stays known.
    pub fn restart(&mut self) {
        let (saved, saved_email) = (self.saved.take(), self.saved_email.take());
        *self = AccountState {
            saved,
            saved_email,
            ..AccountState::default()
        };
    }
}

/// The number typed, if it is a mobile number other than the one the profile has.
fn number_to_prove(digits: &str, current: &str) -> Result<MobilePhone, NumberProblem> {
    match MobilePhone::from_local_digits(digits) {
        Ok(phone) if phone.international() == current => Err(NumberProblem::SameAsNow),
        Ok(phone) => Ok(phone),
        Err(PhoneError::WrongLength(_) | PhoneError::NotDigits) => Err(NumberProblem::Incomplete),
        Err(PhoneError::NotMobile) => Err(NumberProblem::NotMobile),
    }
}

/// The address typed, if it is one and not the one the profile has.
fn email_to_save(typed: &str, current: Option<&str>) -> Result<String, EmailProblem> {
    let email = check_email(typed).map_err(|e| match e {
        EmailError::NoAt => EmailProblem::NoAt,
        EmailError::NoDomain => EmailProblem::NoDomain,
        EmailError::Malformed => EmailProblem::Malformed,
    })?;
    if current == Some(email.as_str()) {
        return Err(EmailProblem::SameAsNow);
    }
    Ok(email)
}

/// The phone change's part of [`super::Recover`].
fn interrupted(state: &mut State) {
    let a = &mut state.account;
    stop_waiting(&mut a.busy, &mut a.code_problem, LoginProblem::Failed);
}

pub(super) fn wire(app: &AppWindow, inner: &Rc<Inner>) {
    let account = app.global::<AccountAdapter>();
    account.on_open(act(inner, |i| {
        if let Some(app) = i.app.upgrade() {
            app.global::<AccountAdapter>().set_page(0);
        }
        i.show(Screen::Account);
    }));
    account.on_to_programme(act(inner, |i| i.show(Screen::Activities)));
    account.on_change_phone(act(inner, |i| i.account(Msg::ChangePhone)));
    account.on_digit(with(inner, |i, d: slint::SharedString| {
        i.account(Msg::Digit(d.into()))
    }));
    account.on_erase(act(inner, |i| i.account(Msg::Erase)));
    account.on_send_code(act(inner, |i| i.account(Msg::SendCode)));
    account.on_resend(act(inner, |i| i.account(Msg::Resend)));
    account.on_confirm(act(inner, |i| i.account(Msg::Confirm)));
    account.on_other_number(act(inner, |i| i.account(Msg::OtherNumber)));
    account.on_change_email(act(inner, |i| i.account(Msg::ChangeEmail)));
    account.on_save_email(act(inner, |i| i.account(Msg::SaveEmail)));
}

impl Inner {
    /// Hands `msg` to the account and carries out what it asks for.
    pub(super) fn account(&self, msg: Msg) {
        let effects = {
            let mut s = self.state.borrow_mut();
            let (session, visit) = s.split_mut();
            let context = Context {
                token: session.visit().map(Core::session_token),
                profile: session.visit().map(|v| &v.profile),
                lang: visit.lang,
                entry: &mut visit.entry,
            };
            visit.account.update(msg, context)
        };
        for effect in effects {
            let core = self.core.clone();
            match effect {
                Effect::Show(screen) => self.show(screen),
                Effect::Typed(digit) => self.key_feedback(digit.as_deref(), digit.is_some()),
                Effect::Erased(erased) => self.erase_feedback(erased),
                Effect::RequestCode { token, phone } => self.spawn(interrupted, async move {
                    let sent = core.request_phone_code(&token, phone).await;
                    Update::Account(Msg::CodeRequested(sent))
                }),
                Effect::Verify {
                    token,
                    challenge,
                    code,
                } => self.spawn(interrupted, async move {
                    let proven = core.verify_phone_code(&token, &challenge, &code).await;
                    Update::Account(Msg::Proven(proven))
                }),
                Effect::CodeSent(id) => {
                    self.show_demo_code(id, |code| Update::Account(Msg::DemoCode(code)))
                }
                Effect::SavePhone(proven) => {
                    let saved = self.queue_contact_change(Some(&proven), None, "phone");
                    self.account(Msg::PhoneSaved(saved.map(|id| (id, proven.phone.clone()))));
                }
                Effect::SaveEmail(email) => {
                    let saved = self.queue_contact_change(None, Some(&email), "e-mail");
                    self.account(Msg::EmailSaved(saved.map(|id| (id, email))));
                }
            }
        }
    }

    /// Queues the visit's contact change; what could not be saved is logged (as `what`
    /// changed, never its value) and said.
    fn queue_contact_change(
        &self,
        phone: Option<&ProvenPhone>,
        email: Option<&str>,
        what: &str,
    ) -> Result<Uuid, SaveProblem> {
        let s = self.state.borrow();
        let visit = s.session.visit().ok_or(SaveProblem::Failed)?;
        self.core
            .queue_contact_change(visit, phone, email, self.clock.now())
            .map_err(|e| {
                tracing::error!(error = %e, change = what, "contact change could not be saved");
                save_problem(&e)
            })
    }
}

/// The account and the phone change as the adapters show them.
pub(super) fn render(
    app: &AppWindow,
    state: &super::state::State,
    core: &Core,
    now: chrono::DateTime<chrono::Utc>,
) {
    use super::format;
    use super::render::delivery_of;
    use crate::DocumentState;
    use komek_domain::DocumentValidity;

    let adapter = app.global::<AccountAdapter>();
    // Set whether or not anyone is logged in, so nothing of a profile outlives its visit.
    let profile = state.session.visit().map(|visit| &visit.profile);
    let text = |f: &dyn Fn(&komek_domain::Profile) -> String| -> slint::SharedString {
        profile.map(f).unwrap_or_default().into()
    };
    adapter.set_full_name(text(&|p| p.full_name()));
    adapter.set_birth_date(text(&|p| format::date(p.birth_date)));
    adapter.set_female(profile.is_some_and(|p| p.sex == komek_domain::Sex::Female));
    adapter.set_address(text(&|p| p.address.clone()));
    adapter.set_phone(text(&|p| format::international_phone(&p.phone)));
    adapter.set_email(text(&|p| p.email.clone().unwrap_or_default()));
    adapter.set_document_number(text(&|p| p.id_document.number.clone()));
    adapter.set_document_issuer(text(&|p| p.id_document.issuer.clone()));
    adapter.set_document_issued(text(&|p| format::date(p.id_document.issued_on)));
    adapter.set_document_expires(text(&|p| format::date(p.id_document.expires_on)));
    let (validity, days_left) =
        match profile.map(|p| p.id_document.validity(komek_domain::astana::date_on(now))) {
            None | Some(DocumentValidity::Valid) => (DocumentState::Valid, 0),
            Some(DocumentValidity::ExpiresSoon { days_left }) => (
                DocumentState::ExpiresSoon,
                i32::try_from(days_left).unwrap_or(0),
            ),
            Some(DocumentValidity::Expired) => (DocumentState::Expired, 0),
        };
    adapter.set_document_state(validity);
    adapter.set_document_days_left(days_left);
    let a = &state.account;
    match &a.saved {
        Some((id, phone)) => {
            adapter.set_new_phone(format::international_phone(phone.international()).into());
            adapter.set_new_phone_state(delivery_of(core, *id).0);
        }
        None => adapter.set_new_phone(slint::SharedString::new()),
    }
    match &a.saved_email {
        Some((id, email)) => {
            adapter.set_new_email(email.as_str().into());
            adapter.set_new_email_state(delivery_of(core, *id).0);
        }
        None => adapter.set_new_email(slint::SharedString::new()),
    }
    adapter.set_email_problem(a.email_problem.unwrap_or(EmailProblem::None));
    adapter.set_code_sent(a.code.challenge.is_some());
    adapter.set_number_display(format::phone_groups(&a.number).into());
    adapter.set_number_length(i32::try_from(a.number.len()).unwrap_or(0));
    adapter.set_number_problem(a.number_problem.unwrap_or(NumberProblem::None));
    adapter.set_sent_to(
        a.code
            .challenge
            .as_ref()
            .map(|c| c.phone_hint.clone())
            .unwrap_or_default()
            .into(),
    );
    adapter.set_code_length(i32::try_from(a.code.typed()).unwrap_or(0));
    adapter.set_code_problem(a.code_problem.unwrap_or(LoginProblem::None));
    adapter.set_attempts_left(i32::try_from(a.code.attempts_left).unwrap_or(0));
    adapter.set_save_problem(a.save_problem);
    adapter.set_busy(a.busy);
    adapter.set_demo_code(a.demo_code.as_str().into());
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use komek_domain::{IdDocument, ParticipantCategory, PersonName, Sex};

    fn profile() -> Profile {
        let day = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
        Profile {
            name: PersonName {
                surname: "S".into(),
                given_name: "G".into(),
            },
            patronymic: None,
            birth_date: day,
            sex: Sex::Female,
            address: "A".into(),
            phone: "+77011234567".into(),
            email: Some("old@example.kz".into()),
            id_document: IdDocument {
                number: "N".into(),
                issuer: "I".into(),
                issued_on: day,
                expires_on: day,
            },
            region: "KZ-35".into(),
            category: ParticipantCategory::Disability,
        }
    }

    fn update(account: &mut AccountState, entry: &mut TextEntry, msg: Msg) -> Vec<Effect> {
        let profile = profile();
        account.update(
            msg,
            Context {
                token: Some("token".into()),
                profile: Some(&profile),
                lang: Lang::default(),
                entry,
            },
        )
    }

    fn type_number(account: &mut AccountState, entry: &mut TextEntry, digits: &str) {
        for d in digits.chars() {
            update(account, entry, Msg::Digit(d.to_string()));
        }
    }

    #[test]
    fn a_code_goes_only_to_a_whole_mobile_number_other_than_the_current_one() {
        let mut entry = TextEntry::email("");
        for (digits, problem) in [
            ("701123456", NumberProblem::Incomplete),
            ("7011234567", NumberProblem::SameAsNow),
            ("7172123456", NumberProblem::NotMobile),
        ] {
            let mut account = AccountState::default();
            type_number(&mut account, &mut entry, digits);
            assert!(update(&mut account, &mut entry, Msg::SendCode).is_empty());
            assert_eq!(account.number_problem, Some(problem), "{digits}");
            assert!(!account.busy);
        }
        let mut account = AccountState::default();
        type_number(&mut account, &mut entry, "70512345678");
        assert_eq!(account.number, "7051234567", "ten digits and no more");
        let effects = update(&mut account, &mut entry, Msg::SendCode);
        assert!(matches!(
            &effects[..],
            [Effect::RequestCode { token, phone }]
                if token == "token" && phone.international() == "+77051234567"
        ));
        assert!(account.busy);
    }

    #[test]
    fn a_refused_code_keeps_the_number_and_a_failed_save_is_said() {
        let mut entry = TextEntry::email("");
        let mut account = AccountState {
            busy: true,
            number: "7051234567".into(),
            ..AccountState::default()
        };
        let effects = update(
            &mut account,
            &mut entry,
            Msg::Proven(Err(LoginError::WrongCode { attempts_left: 2 })),
        );
        assert!(effects.is_empty());
        assert_eq!(
            (
                account.busy,
                account.code_problem,
                account.code.attempts_left
            ),
            (false, Some(LoginProblem::CodeWrong), 2)
        );
        assert_eq!(account.number, "7051234567");
        update(
            &mut account,
            &mut entry,
            Msg::PhoneSaved(Err(SaveProblem::DiskFull)),
        );
        assert_eq!(account.save_problem, SaveProblem::DiskFull);
        update(&mut account, &mut entry, Msg::Digit("1".into()));
        assert_eq!(account.save_problem, SaveProblem::None, "typing clears it");
    }

    #[test]
    fn an_email_is_checked_saved_once_and_a_saved_change_survives_starting_another() {
        let mut entry = TextEntry::email("");
        let mut account = AccountState::default();
        let effects = update(&mut account, &mut entry, Msg::ChangeEmail);
        assert!(matches!(effects[..], [Effect::Show(Screen::Email)]));
        assert_eq!(
            entry.text, "old@example.kz",
            "the keyboard starts at the current one"
        );
        update(&mut account, &mut entry, Msg::SaveEmail);
        assert_eq!(account.email_problem, Some(EmailProblem::SameAsNow));

        entry.text = "new.example.kz".into();
        update(&mut account, &mut entry, Msg::SaveEmail);
        assert_eq!(account.email_problem, Some(EmailProblem::NoAt));
        update(&mut account, &mut entry, Msg::EntryChanged);
        assert_eq!(account.email_problem, None);

        entry.text = "new@example.kz".into();
        let effects = update(&mut account, &mut entry, Msg::SaveEmail);
        assert!(matches!(&effects[..], [Effect::SaveEmail(e)] if e == "new@example.kz"));
        let id = Uuid::from_u128(7);
        let effects = update(
            &mut account,
            &mut entry,
            Msg::EmailSaved(Ok((id, "new@example.kz".into()))),
        );
        assert!(matches!(effects[..], [Effect::Show(Screen::Account)]));
        assert!(
            entry.text.is_empty(),
            "the typed address leaves the keyboard"
        );

        update(&mut account, &mut entry, Msg::ChangePhone);
        assert_eq!(
            account.saved_email.as_ref().map(|(saved, _)| *saved),
            Some(id),
            "starting a phone change keeps the e-mail change on show"
        );
        let phone = MobilePhone::from_local_digits("7051234567").unwrap();
        update(
            &mut account,
            &mut entry,
            Msg::PhoneSaved(Ok((Uuid::from_u128(8), phone))),
        );
        assert!(account.saved.is_some());
        assert!(
            account.saved_email.is_some(),
            "and so does saving the phone"
        );
    }
}
