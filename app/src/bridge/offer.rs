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

/// What the person did on the offer screen, and whether the answer could be queued.
pub enum Msg {
    /// Consent, paid into the offer's account at this index.
    Accept(usize),
    OpenAccount,
    /// Asked twice: the first press asks to confirm.
    Refuse,
    Later,
    Queued(Result<Box<Queued>, SaveProblem>),
}

/// An answer in the outbox: its id, and the visit's offer as it stands now.
pub struct Queued {
    pub id: Uuid,
    pub offer: Option<ProactiveOffer>,
    pub kind: OfferAnswerKind,
    pub account_words: String,
}

/// What the bridge does for the offer.
pub enum Effect {
    Queue {
        offer_id: String,
        reply: OfferReply,
        kind: OfferAnswerKind,
        account_words: String,
    },
    /// On to choosing whom to act for, or to the programme.
    Leave,
}

impl OfferState {
    /// `open`: the offer on screen still awaits an answer now.
    pub fn update(&mut self, msg: Msg, open: bool) -> Option<Effect> {
        let answer = match msg {
            Msg::Later => {
                self.dealt_with = true;
                self.confirm_refusal = false;
                return Some(Effect::Leave);
            }
            Msg::Queued(Ok(queued)) => {
                // The screen shows the visit's offer, answered now.
                let queued = *queued;
                self.shown = queued.offer;
                self.answered = Some((queued.id, queued.kind, queued.account_words));
                self.save_problem = SaveProblem::None;
                self.confirm_refusal = false;
                return None;
            }
            Msg::Queued(Err(problem)) => {
                self.save_problem = problem;
                return None;
            }
            Msg::Refuse if !std::mem::replace(&mut self.confirm_refusal, true) => return None,
            answer => answer,
        };
        let offer = self.shown.as_ref().filter(|_| open)?;
        let (reply, kind, account_words) = match answer {
            Msg::Accept(index) => {
                let a = offer.accounts.get(index)?;
                (
                    OfferReply::Account(a.id.clone()),
                    OfferAnswerKind::Accepted,
                    format!("{} {}", a.bank, a.number_masked),
                )
            }
            Msg::OpenAccount => (
                OfferReply::OpenAccount,
                OfferAnswerKind::OpenAccount,
                String::new(),
            ),
            _ => (OfferReply::Refuse, OfferAnswerKind::Refused, String::new()),
        };
        Some(Effect::Queue {
            offer_id: offer.id.clone(),
            reply,
            kind,
            account_words,
        })
    }
}

pub(super) fn wire(app: &AppWindow, inner: &Rc<Inner>) {
    let adapter = app.global::<OfferAdapter>();
    adapter.on_accept(with(inner, |i, index: i32| {
        if let Ok(index) = usize::try_from(index) {
            i.offer(Msg::Accept(index));
        }
    }));
    adapter.on_open_account(act(inner, |i| i.offer(Msg::OpenAccount)));
    adapter.on_refuse(act(inner, |i| i.offer(Msg::Refuse)));
    adapter.on_later(act(inner, |i| i.offer(Msg::Later)));
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

    /// Hands `msg` to the offer and carries out what it asks for.
    pub(super) fn offer(&self, msg: Msg) {
        let now = self.clock.now();
        let effect = {
            let mut s = self.state.borrow_mut();
            let offer = &mut s.offer;
            let open = offer
                .shown
                .as_ref()
                .is_some_and(|o| o.awaits_answer(self.core.calendar(), now));
            offer.update(msg, open)
        };
        match effect {
            Some(Effect::Queue {
                offer_id,
                reply,
                kind,
                account_words,
            }) => {
                let queued = {
                    let mut s = self.state.borrow_mut();
                    let Some(visit) = s.session.visit_mut() else {
                        return;
                    };
                    match self.core.queue_offer_answer(visit, &offer_id, reply, now) {
                        Ok(id) => Ok(Box::new(Queued {
                            id,
                            offer: visit.offers.iter().find(|o| o.id == offer_id).cloned(),
                            kind,
                            account_words,
                        })),
                        Err(e) => {
                            tracing::error!(error = %e, "offer answer could not be saved");
                            Err(super::save_problem(&e))
                        }
                    }
                };
                self.offer(Msg::Queued(queued));
            }
            Some(Effect::Leave) => {
                let next = self.after_login();
                self.show(next);
            }
            None => {}
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use komek_domain::offer::{BankAccount, OfferStatus};

    fn shown() -> OfferState {
        OfferState {
            shown: Some(ProactiveOffer {
                id: "offer-1".into(),
                service: Default::default(),
                child_name: "Child".into(),
                sent_at: chrono::DateTime::UNIX_EPOCH,
                answer_within_working_days: 5,
                accounts: vec![BankAccount {
                    id: "acc-1".into(),
                    bank: "Bank".into(),
                    number_masked: "•• 1234".into(),
                }],
                banks: Vec::new(),
                status: OfferStatus::AwaitingAnswer,
                contact_centre: String::new(),
            }),
            ..OfferState::default()
        }
    }

    #[test]
    fn consent_names_the_chosen_account_and_nothing_is_queued_past_the_list_or_the_time() {
        let mut offer = shown();
        assert!(offer.update(Msg::Accept(1), true).is_none());
        assert!(
            offer.update(Msg::Accept(0), false).is_none(),
            "the time ran out"
        );
        let effect = offer.update(Msg::Accept(0), true);
        assert!(matches!(
            effect,
            Some(Effect::Queue { reply: OfferReply::Account(id), kind: OfferAnswerKind::Accepted, account_words, .. })
                if id == "acc-1" && account_words == "Bank •• 1234"
        ));
    }

    #[test]
    fn a_refusal_is_asked_twice_and_a_queued_answer_shows_as_answered() {
        let mut offer = shown();
        assert!(offer.update(Msg::Refuse, true).is_none());
        assert!(offer.confirm_refusal);
        let effect = offer.update(Msg::Refuse, true);
        assert!(matches!(
            effect,
            Some(Effect::Queue {
                reply: OfferReply::Refuse,
                ..
            })
        ));
        offer.update(Msg::Queued(Err(SaveProblem::DiskFull)), true);
        assert_eq!(offer.save_problem, SaveProblem::DiskFull);
        assert!(offer.answered.is_none());
        offer.update(
            Msg::Queued(Ok(Box::new(Queued {
                id: Uuid::nil(),
                offer: None,
                kind: OfferAnswerKind::Refused,
                account_words: String::new(),
            }))),
            true,
        );
        assert!(matches!(
            offer.answered,
            Some((_, OfferAnswerKind::Refused, _))
        ));
        assert_eq!(offer.save_problem, SaveProblem::None);
        assert!(!offer.confirm_refusal);
    }

    #[test]
    fn later_leaves_the_offer_and_it_is_not_shown_again_by_itself() {
        let mut offer = shown();
        offer.update(Msg::Refuse, true);
        assert!(matches!(
            offer.update(Msg::Later, true),
            Some(Effect::Leave)
        ));
        assert!(offer.dealt_with && !offer.confirm_refusal);
    }
}
