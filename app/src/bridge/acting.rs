//! Acting for someone (Rules item 2.9): after login a representative chooses whom they act
//! for; the choice loads that person's programme and a banner names them on every screen.
//! Every action then records it; a centre assistant can be recorded as present at login.

use std::rc::Rc;

use slint::ComponentHandle;

use super::login::login_problem;
use super::{Inner, Update, act, with};
use crate::{ActingAdapter, AppWindow, LoginProblem, PrincipalRow, Screen};
use komek_domain::{Principal, Relation};
use komek_kiosk_core::core::{Core, LoginError, Programme};

/// The slots of the choosing screen (ui/views/acting.slint).
const PRINCIPAL_SLOTS: usize = 3;

#[derive(Default)]
pub struct ActingState {
    pub busy: bool,
    pub problem: Option<LoginProblem>,
    /// The person has chosen once in this visit (the screen is not offered again by itself).
    pub chosen: bool,
}

pub enum Msg {
    /// `index` into the visit's principals, or -1 for the person themselves.
    Choose(i32),
    Loaded(Box<Result<Programme, LoginError>>),
}

/// What the choice needs of the visit: its session token and whom it may act for (none once
/// the visit has ended).
pub struct Context<'a> {
    pub token: Option<String>,
    pub principals: &'a [Principal],
}

pub enum Effect {
    /// Load the programme of `principal` (the person themselves when none).
    Load {
        token: String,
        principal: Option<Principal>,
    },
    /// The visit now acts for the person `programme` was loaded for: it opens their programme.
    ActFor(Box<Programme>),
}

impl ActingState {
    pub fn update(&mut self, msg: Msg, visit: Context) -> Option<Effect> {
        match msg {
            Msg::Choose(index) => {
                let token = visit.token?;
                let principal = match usize::try_from(index) {
                    Ok(i) => Some(visit.principals.get(i)?.clone()),
                    Err(_) => None,
                };
                self.busy = true;
                self.problem = None;
                Some(Effect::Load { token, principal })
            }
            Msg::Loaded(result) => {
                self.busy = false;
                match *result {
                    Ok(programme) => {
                        tracing::info!(
                            acting_for = programme.principal().is_some(),
                            "acting for chosen"
                        );
                        self.chosen = true;
                        Some(Effect::ActFor(Box::new(programme)))
                    }
                    Err(e) => {
                        self.problem = Some(login_problem(&e));
                        None
                    }
                }
            }
        }
    }

    /// Its background work died: the screen stops waiting and says the choice failed.
    fn interrupted(&mut self) {
        super::stop_waiting(&mut self.busy, &mut self.problem, LoginProblem::Failed);
    }
}

/// Choosing whom to act for: its part of [`super::Recover`].
fn interrupted(state: &mut super::state::State) {
    state.acting.interrupted();
}

pub(super) fn wire(app: &AppWindow, inner: &Rc<Inner>) {
    let adapter = app.global::<ActingAdapter>();
    adapter.on_choose(with(inner, |i, index: i32| i.acting(Msg::Choose(index))));
    adapter.on_open(act(inner, |i| i.show(Screen::Principals)));
    app.global::<crate::LoginAdapter>()
        .on_toggle_assistant(act(inner, |i| {
            let mut s = i.state.borrow_mut();
            s.login.assistant_present = !s.login.assistant_present;
        }));
}

impl Inner {
    /// Hands `msg` to the choice of whom to act for and carries out what it asks for.
    pub(super) fn acting(&self, msg: Msg) {
        let effect = {
            let mut s = self.state.borrow_mut();
            let (session, visit) = s.split_mut();
            let cx = Context {
                token: session.visit().map(Core::session_token),
                principals: session
                    .visit()
                    .map(|v| v.principals.as_slice())
                    .unwrap_or_default(),
            };
            visit.acting.update(msg, cx)
        };
        match effect {
            Some(Effect::Load { token, principal }) => {
                let core = self.core.clone();
                self.spawn(interrupted, async move {
                    let loaded = core.programme(&token, principal).await;
                    Update::Acting(Msg::Loaded(Box::new(loaded)))
                });
            }
            Some(Effect::ActFor(programme)) => {
                {
                    let mut s = self.state.borrow_mut();
                    if let Some(visit) = s.session.visit_mut() {
                        Core::act_for(visit, *programme);
                    }
                    // What was on screen was the other person's.
                    s.programme = Default::default();
                    s.report = Default::default();
                }
                self.show(Screen::Activities);
            }
            None => {}
        }
    }
}

pub(super) fn render(app: &AppWindow, state: &super::state::State) {
    let adapter = app.global::<ActingAdapter>();
    let visit = state.session.visit();
    let rows: Vec<PrincipalRow> = visit
        .map(|v| {
            v.principals
                .iter()
                .take(PRINCIPAL_SLOTS)
                .map(|p| PrincipalRow {
                    name: p.full_name.as_str().into(),
                    born: super::format::date(p.birth_date).into(),
                    relation: match p.relation {
                        Relation::Parent => crate::Relation::Parent,
                        Relation::Guardian => crate::Relation::Guardian,
                        Relation::Trustee => crate::Relation::Trustee,
                    },
                })
                .collect()
        })
        .unwrap_or_default();
    super::models::sync(adapter.get_principals(), rows, |m| {
        adapter.set_principals(m)
    });
    adapter.set_can_act_for_self(visit.is_some_and(|v| v.has_own_programme));
    adapter.set_busy(state.acting.busy);
    adapter.set_problem(state.acting.problem.unwrap_or(LoginProblem::None));
    app.global::<crate::AppAdapter>().set_acting_for(
        visit
            .and_then(|v| v.acting_for.as_ref())
            .map(|p| p.full_name.as_str())
            .unwrap_or_default()
            .into(),
    );
    app.global::<crate::ActivitiesAdapter>()
        .set_can_switch_person(visit.is_some_and(|v| !v.principals.is_empty()));
    app.global::<crate::LoginAdapter>()
        .set_assistant_present(state.login.assistant_present);
}

#[cfg(test)]
mod tests {
    use super::*;
    use komek_domain::{Iin, ParticipantCategory};

    fn child() -> Principal {
        Principal {
            iin: Iin::parse("810314304128").unwrap(),
            full_name: "Child".into(),
            birth_date: chrono::NaiveDate::from_ymd_opt(2015, 3, 14).unwrap(),
            relation: Relation::Parent,
            category: ParticipantCategory::Disability,
        }
    }

    fn visit(principals: &[Principal]) -> Context<'_> {
        Context {
            token: Some("token".into()),
            principals,
        }
    }

    #[test]
    fn a_choice_loads_that_persons_programme_or_the_persons_own() {
        let principals = [child()];
        let mut acting = ActingState::default();
        let effect = acting.update(Msg::Choose(0), visit(&principals));
        assert!(matches!(
            effect,
            Some(Effect::Load { principal: Some(p), .. }) if p.full_name == "Child"
        ));
        assert!(acting.busy);
        let own = acting.update(Msg::Choose(-1), visit(&principals));
        assert!(matches!(
            own,
            Some(Effect::Load {
                principal: None,
                ..
            })
        ));
    }

    #[test]
    fn no_choice_is_made_past_the_list_or_after_the_visit_ended() {
        let principals = [child()];
        let mut acting = ActingState::default();
        assert!(acting.update(Msg::Choose(1), visit(&principals)).is_none());
        let ended = Context {
            token: None,
            principals: &[],
        };
        assert!(acting.update(Msg::Choose(-1), ended).is_none());
        assert!(!acting.busy);
    }

    #[test]
    fn a_programme_that_cannot_be_loaded_is_said_and_the_choice_stays_open() {
        let mut acting = ActingState {
            busy: true,
            ..ActingState::default()
        };
        let effect = acting.update(Msg::Loaded(Box::new(Err(LoginError::Offline))), visit(&[]));
        assert!(effect.is_none());
        assert_eq!(
            (acting.busy, acting.problem, acting.chosen),
            (false, Some(LoginProblem::Offline), false)
        );
    }
}
