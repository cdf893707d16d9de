//! Acting for someone (Rules item 2.9): after login a representative chooses whom they act
//! for; the choice loads that person's programme and a banner names them on every screen.
//! Every action then records it; a centre assistant can be recorded as present at login.

use std::rc::Rc;

use slint::ComponentHandle;

use super::{Inner, Update, act, login_problem, with};
use crate::{ActingAdapter, AppWindow, LoginProblem, PrincipalRow, Screen};
use komek_domain::Relation;
use komek_kiosk_core::core::{Core, LoginError, Programme};

/// The slots of the choosing screen (ui/views/acting.slint).
const PRINCIPAL_SLOTS: usize = 3;

/// What the choice of whom to act for came back with.
pub type ActingFor = Result<Programme, LoginError>;

#[derive(Default)]
pub struct ActingState {
    pub busy: bool,
    pub problem: Option<LoginProblem>,
    /// The person has chosen once in this visit (the screen is not offered again by itself).
    pub chosen: bool,
}

pub(super) fn wire(app: &AppWindow, inner: &Rc<Inner>) {
    let adapter = app.global::<ActingAdapter>();
    adapter.on_choose(with(inner, |i, index: i32| i.choose_principal(index)));
    adapter.on_open(act(inner, |i| i.show(Screen::Principals)));
    app.global::<crate::LoginAdapter>()
        .on_toggle_assistant(act(inner, |i| {
            let mut s = i.state.borrow_mut();
            s.login.assistant_present = !s.login.assistant_present;
        }));
}

impl Inner {
    /// `index` into the visit's principals, or -1 for the person themselves.
    fn choose_principal(&self, index: i32) {
        let request = {
            let mut s = self.state.borrow_mut();
            let Some(visit) = s.session.visit() else {
                return;
            };
            let principal = usize::try_from(index)
                .ok()
                .and_then(|i| visit.principals.get(i).cloned());
            if principal.is_none() && index >= 0 {
                return;
            }
            let token = Core::session_token(visit);
            s.acting.busy = true;
            s.acting.problem = None;
            (token, principal)
        };
        let (token, principal) = request;
        let core = self.core.clone();
        self.spawn(interrupted, async move {
            Update::ActingFor(Box::new(core.programme(&token, principal).await))
        });
    }

    pub(super) fn apply_acting_for(&self, result: ActingFor) {
        let mut s = self.state.borrow_mut();
        s.acting.busy = false;
        match result {
            Ok(programme) => {
                if let Some(visit) = s.session.visit_mut() {
                    tracing::info!(
                        acting_for = programme.principal().is_some(),
                        "acting for chosen"
                    );
                    Core::act_for(visit, programme);
                }
                s.acting.chosen = true;
                s.activity = None;
                s.activities_page = 0;
                s.order = None;
                s.report = Default::default();
                drop(s);
                self.show(Screen::Activities);
            }
            Err(e) => s.acting.problem = Some(login_problem(&e)),
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
/// Choosing whom to act for: its part of [`super::Recover`].
fn interrupted(state: &mut super::state::State) {
    let a = &mut state.acting;
    super::stop_waiting(&mut a.busy, &mut a.problem, LoginProblem::Failed);
}
