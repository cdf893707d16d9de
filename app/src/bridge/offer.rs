//! The proactive offer (pilot items P9-P11, docs/rules.md): shown after login while it awaits
//! an answer; the person consents with one of their accounts, consents to open one, refuses
//! (asked twice), or decides later. The answer is queued like every action.

use std::rc::Rc;

use slint::ComponentHandle;
use uuid::Uuid;

use super::{Inner, act, with};
use crate::{AccountRow, AppWindow, OfferAdapter, OfferAnswerKind, SaveProblem};
use komek_domain::offer::ProactiveOffer;
use komek_kiosk_core::core::OfferReply;

/// The slots of the offer screen (ui/views/offer.slint).
const ACCOUNT_SLOTS: usize = 3;

#[derive(Default)]
pub struct OfferState {
    /// The offer on screen (kept as answered once the answer is queued).
    pub shown: Option<ProactiveOffer>,
    /// The person has seen the offer in this visit: answered, or chose to decide later.
    pub dealt_with: bool,
    pub confirm_refusal: bool,
    /// The answer queued in this visit: its outbox id, what it was, and the account's words.
    pub answered: Option<(Uuid, OfferAnswerKind, String)>,
    pub save_problem: SaveProblem,
}

pub(super) fn wire(app: &AppWindow, inner: &Rc<Inner>) {
    let adapter = app.global::<OfferAdapter>();
    adapter.on_accept(with(inner, |i, index: i32| {
        if let Ok(index) = usize::try_from(index) {
            i.answer_offer(Answer::Account(index));
        }
    }));
    adapter.on_open_account(act(inner, |i| i.answer_offer(Answer::OpenAccount)));
    adapter.on_refuse(act(inner, |i| {
        let confirmed = std::mem::replace(&mut i.state.borrow_mut().offer.confirm_refusal, true);
        if confirmed {
            i.answer_offer(Answer::Refuse);
        }
    }));
    adapter.on_later(act(inner, |i| i.leave_offer()));
}

enum Answer {
    Account(usize),
    OpenAccount,
    Refuse,
}

impl Inner {
    /// The offer the person is asked about: the first one still open at `now`.
    pub(super) fn open_offer(&self) -> Option<ProactiveOffer> {
        let s = self.state.borrow();
        let now = self.clock.now();
        s.session.visit().and_then(|v| {
            v.offers
                .iter()
                .find(|o| o.awaits_answer(self.core.calendar(), now))
                .cloned()
        })
    }

    fn answer_offer(&self, answer: Answer) {
        let offer = self.state.borrow().offer.shown.clone();
        let Some(offer) = offer.filter(|o| o.awaits_answer(self.core.calendar(), self.clock.now()))
        else {
            return;
        };
        let (reply, kind, account_words) = match answer {
            Answer::Account(index) => match offer.accounts.get(index) {
                Some(a) => (
                    OfferReply::Account(a.id.clone()),
                    OfferAnswerKind::Accepted,
                    format!("{} {}", a.bank, a.number_masked),
                ),
                None => return,
            },
            Answer::OpenAccount => (
                OfferReply::OpenAccount,
                OfferAnswerKind::OpenAccount,
                String::new(),
            ),
            Answer::Refuse => (OfferReply::Refuse, OfferAnswerKind::Refused, String::new()),
        };
        let now = self.clock.now();
        let mut s = self.state.borrow_mut();
        let (session, visit_state) = s.split_mut();
        let Some(visit) = session.visit_mut() else {
            return;
        };
        match self.core.queue_offer_answer(visit, &offer.id, reply, now) {
            Ok(id) => {
                // The screen shows the visit's offer, answered now.
                visit_state.offer.shown = visit.offers.iter().find(|o| o.id == offer.id).cloned();
                visit_state.offer.answered = Some((id, kind, account_words));
                visit_state.offer.save_problem = SaveProblem::None;
                visit_state.offer.confirm_refusal = false;
            }
            Err(e) => {
                tracing::error!(error = %e, "offer answer could not be saved");
                visit_state.offer.save_problem = super::save_problem(&e);
            }
        }
    }

    /// On from the offer: to choosing whom to act for, or to the programme.
    pub(super) fn leave_offer(&self) {
        {
            let mut s = self.state.borrow_mut();
            s.offer.dealt_with = true;
            s.offer.confirm_refusal = false;
        }
        let next = self.after_login();
        self.show(next);
    }
}

pub(super) fn render(
    app: &AppWindow,
    state: &super::state::State,
    core: &komek_kiosk_core::core::Core,
) {
    let adapter = app.global::<OfferAdapter>();
    // Set whether or not an offer is shown, so nothing of one outlives its visit.
    let offer = state.offer.shown.as_ref();
    let lang = state.lang;
    let text = |f: &dyn Fn(&ProactiveOffer) -> String| -> slint::SharedString {
        offer.map(f).unwrap_or_default().into()
    };
    adapter.set_service(text(&|o| o.service.get(lang).to_string()));
    adapter.set_child_name(text(&|o| o.child_name.clone()));
    adapter.set_answer_by(text(&|o| {
        komek_domain::astana::time_text(o.answer_by(core.calendar()))
    }));
    adapter.set_working_days(
        offer
            .and_then(|o| i32::try_from(o.answer_within_working_days).ok())
            .unwrap_or(0),
    );
    let accounts: Vec<AccountRow> = offer
        .map(|o| o.accounts.as_slice())
        .unwrap_or_default()
        .iter()
        .take(ACCOUNT_SLOTS)
        .map(|a| AccountRow {
            bank: a.bank.as_str().into(),
            number: a.number_masked.as_str().into(),
        })
        .collect();
    super::models::sync(adapter.get_accounts(), accounts, |m| {
        adapter.set_accounts(m)
    });
    adapter.set_banks(text(&|o| o.banks.join(", ")));
    adapter.set_contact_centre(text(&|o| o.contact_centre.clone()));
    adapter.set_confirm_refusal(state.offer.confirm_refusal);
    adapter.set_save_problem(state.offer.save_problem);
    match &state.offer.answered {
        Some((id, kind, account)) => {
            adapter.set_answered(*kind);
            adapter.set_answered_account(account.as_str().into());
            adapter.set_answer_state(super::render::delivery_of(core, *id).0);
        }
        None => {
            adapter.set_answered(OfferAnswerKind::None);
            adapter.set_answered_account(slint::SharedString::new());
        }
    }
}
