//! The personal account (Rules item 6) and changing the phone: the number on the keypad, a
//! code sent to it, and, once the gateway has checked the code, the change queued like every
//! action.

use std::rc::Rc;

use slint::ComponentHandle;

use super::keyboard::TextEntry;
use super::state::AccountState;
use super::{Inner, Update, act, login_problem, type_digit, with};
use crate::{
    AccountAdapter, AppWindow, EmailProblem, LoginProblem, NumberProblem, SaveProblem, Screen,
};
use komek_domain::{EmailError, MobilePhone, PhoneError, check_email};
use komek_kiosk_core::core::{Core, LoginError, PhoneChallenge, ProvenPhone};

pub(super) fn wire(app: &AppWindow, inner: &Rc<Inner>) {
    let account = app.global::<AccountAdapter>();
    account.on_open(act(inner, |i| {
        if let Some(app) = i.app.upgrade() {
            app.global::<AccountAdapter>().set_page(0);
        }
        i.show(Screen::Account);
    }));
    account.on_to_programme(act(inner, |i| i.show(Screen::Activities)));
    account.on_change_phone(act(inner, |i| {
        i.state.borrow_mut().account.restart();
        i.show(Screen::Phone);
    }));
    account.on_digit(with(inner, |i, d: slint::SharedString| i.account_digit(&d)));
    account.on_erase(act(inner, |i| i.account_erase()));
    account.on_send_code(act(inner, |i| i.send_phone_code()));
    account.on_resend(act(inner, |i| i.resend_phone_code()));
    account.on_confirm(act(inner, |i| i.confirm_phone()));
    account.on_other_number(act(inner, |i| i.state.borrow_mut().account.restart()));
    account.on_change_email(act(inner, |i| {
        let current = i
            .state
            .borrow()
            .session
            .visit()
            .and_then(|v| v.profile.email.clone())
            .unwrap_or_default();
        let mut s = i.state.borrow_mut();
        s.account.restart();
        s.entry = TextEntry::email(&current);
        drop(s);
        i.show(Screen::Email);
    }));
    account.on_save_email(act(inner, |i| i.save_email()));
}

impl Inner {
    /// A digit for the number, or for the code once it has been sent.
    pub(super) fn account_digit(&self, digit: &str) {
        let typed = {
            let mut s = self.state.borrow_mut();
            let a = &mut s.account;
            a.number_problem = None;
            a.code_problem = None;
            a.save_problem = SaveProblem::None;
            if a.code.challenge.is_some() {
                a.code.type_digit(digit)
            } else {
                type_digit(&mut a.number, digit, 10)
            }
        };
        self.key_feedback(Some(digit).filter(|_| typed), typed);
    }

    pub(super) fn account_erase(&self) {
        let erased = {
            let mut s = self.state.borrow_mut();
            let a = &mut s.account;
            a.number_problem = None;
            a.code_problem = None;
            if a.code.challenge.is_some() {
                a.code.erase()
            } else {
                a.number.pop().is_some()
            }
        };
        self.erase_feedback(erased);
    }

    fn send_phone_code(&self) {
        let (phone, token) = {
            let mut s = self.state.borrow_mut();
            let Some(visit) = s.session.visit() else {
                return;
            };
            let token = Core::session_token(visit);
            let current = visit.profile.phone.clone();
            let problem = match MobilePhone::from_local_digits(&s.account.number) {
                Ok(phone) if phone.international() == current => Err(NumberProblem::SameAsNow),
                Ok(phone) => Ok(phone),
                Err(PhoneError::WrongLength(_) | PhoneError::NotDigits) => {
                    Err(NumberProblem::Incomplete)
                }
                Err(PhoneError::NotMobile) => Err(NumberProblem::NotMobile),
            };
            match problem {
                Ok(phone) => {
                    s.account.busy = true;
                    (phone, token)
                }
                Err(problem) => {
                    s.account.number_problem = Some(problem);
                    return;
                }
            }
        };
        let core = self.core.clone();
        self.spawn(interrupted, async move {
            Update::PhoneCodeRequested(core.request_phone_code(&token, phone).await)
        });
    }

    fn resend_phone_code(&self) {
        let phone = {
            let mut s = self.state.borrow_mut();
            let phone = s.account.code.challenge.as_ref().map(|c| c.phone.clone());
            s.account.code.clear();
            phone
        };
        let token = self.state.borrow().session.visit().map(Core::session_token);
        if let (Some(phone), Some(token)) = (phone, token) {
            self.state.borrow_mut().account.busy = true;
            let core = self.core.clone();
            self.spawn(interrupted, async move {
                Update::PhoneCodeRequested(core.request_phone_code(&token, phone).await)
            });
        }
    }

    fn confirm_phone(&self) {
        if self.state.borrow().account.proven.is_some() {
            self.save_phone_change();
            return;
        }
        let Some((challenge, code, token)) = self.code_to_send(|s| {
            let a = &mut s.account;
            (&mut a.code, &mut a.code_problem, &mut a.busy)
        }) else {
            return;
        };
        let core = self.core.clone();
        self.spawn(interrupted, async move {
            Update::PhoneProven(core.verify_phone_code(&token, &challenge, &code).await)
        });
    }

    pub(super) fn apply_phone_code(&self, result: Result<PhoneChallenge, LoginError>) {
        let mut s = self.state.borrow_mut();
        s.account.busy = false;
        match result {
            Ok(challenge) => {
                let id = challenge.id;
                s.account.code.sent(challenge);
                s.account.code_problem = None;
                drop(s);
                self.show_demo_code(id, Update::PhoneDemoCode);
            }
            Err(e) => s.account.code_problem = Some(login_problem(&e)),
        }
    }

    pub(super) fn apply_phone_proof(&self, result: Result<ProvenPhone, LoginError>) {
        {
            let mut s = self.state.borrow_mut();
            s.account.busy = false;
            match result {
                Ok(proven) => s.account.proven = Some(proven),
                Err(e) => {
                    s.account.code_problem = Some(s.account.code.refused(&e));
                    return;
                }
            }
        }
        self.save_phone_change();
    }

    /// The keyboard changed the field: an old complaint about it no longer applies.
    pub(super) fn entry_changed(&self) {
        let mut s = self.state.borrow_mut();
        s.account.email_problem = None;
        s.account.save_problem = SaveProblem::None;
    }

    /// Checks the address typed and queues the change; the account then shows it saved.
    fn save_email(&self) {
        let typed = self.state.borrow().entry.text.clone();
        let checked = check_email(&typed).map_err(|e| match e {
            EmailError::NoAt => EmailProblem::NoAt,
            EmailError::NoDomain => EmailProblem::NoDomain,
            EmailError::Malformed => EmailProblem::Malformed,
        });
        let queued = {
            let mut s = self.state.borrow_mut();
            let Some(visit) = s.session.visit() else {
                return;
            };
            let email = match checked {
                Ok(email) if visit.profile.email.as_deref() == Some(email.as_str()) => {
                    Err(EmailProblem::SameAsNow)
                }
                other => other,
            };
            let email = match email {
                Ok(email) => email,
                Err(problem) => {
                    s.account.email_problem = Some(problem);
                    return;
                }
            };
            self.core
                .queue_contact_change(visit, None, Some(&email), self.clock.now())
                .map(|id| (id, email))
        };
        match queued {
            Ok(saved) => {
                let mut s = self.state.borrow_mut();
                s.account.saved_email = Some(saved);
                s.entry = TextEntry::free_text("", s.lang);
                drop(s);
                self.show(Screen::Account);
            }
            Err(e) => {
                tracing::error!(error = %e, "e-mail change could not be saved");
                self.state.borrow_mut().account.save_problem = if e.is_disk_full() {
                    SaveProblem::DiskFull
                } else {
                    SaveProblem::Failed
                };
            }
        }
    }

    /// Queues the change with the proof; on success the account shows the new number saved.
    fn save_phone_change(&self) {
        let queued = {
            let s = self.state.borrow();
            let (Some(visit), Some(proven)) = (s.session.visit(), s.account.proven.as_ref()) else {
                return;
            };
            self.core
                .queue_contact_change(visit, Some(proven), None, self.clock.now())
                .map(|id| (id, proven.phone.clone()))
        };
        match queued {
            Ok(saved) => {
                self.state.borrow_mut().account = AccountState {
                    saved: Some(saved),
                    ..AccountState::default()
                };
                self.show(Screen::Account);
            }
            Err(e) => {
                tracing::error!(error = %e, "phone change could not be saved");
                self.state.borrow_mut().account.save_problem = if e.is_disk_full() {
                    SaveProblem::DiskFull
                } else {
                    SaveProblem::Failed
                };
            }
        }
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
/// The phone change's part of [`super::Recover`].
fn interrupted(state: &mut super::state::State) {
    let a = &mut state.account;
    super::stop_waiting(
        &mut a.busy,
        &mut a.code_problem,
        crate::LoginProblem::Failed,
    );
}
