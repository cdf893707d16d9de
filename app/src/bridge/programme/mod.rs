//! The person's programme: the activities of their IPR, one activity with the suppliers to
//! choose from, the review before signing, the receipt after, and the request to activate a
//! blocked choice (Rules items 7-10).

use std::rc::Rc;

use chrono::{DateTime, Utc};
use slint::ComponentHandle;

mod render;

pub use render::activity_row;
pub(super) use render::render;

use super::{Inner, Update, act, catalogue, turn_page, with};
use crate::{
    ActivitiesAdapter, ActivityAdapter, AppWindow, ReceiptAdapter, ReviewAdapter, SaveProblem,
    Screen,
};
use komek_domain::{Catalogue, Order, OrderError};

pub(super) fn wire(app: &AppWindow, inner: &Rc<Inner>) {
    let list = app.global::<ActivitiesAdapter>();
    list.on_open(with(inner, |i, index: i32| i.open_activity(index)));
    list.on_next_page(act(inner, |i| {
        let mut s = i.state.borrow_mut();
        let count = s.session.visit().map_or(0, |v| v.activities.len());
        let per_page = s.activities_per_page();
        turn_page(&mut s.activities_page, true, count, per_page);
    }));
    list.on_previous_page(act(inner, |i| {
        let mut s = i.state.borrow_mut();
        let per_page = s.activities_per_page();
        turn_page(&mut s.activities_page, false, 0, per_page);
    }));

    let detail = app.global::<ActivityAdapter>();
    detail.on_choose(with(inner, |i, index: i32| i.choose(index)));
    detail.on_request_activation(act(inner, |i| i.request_activation()));
    detail.on_next_page(act(inner, |i| {
        let mut s = i.state.borrow_mut();
        let (count, per_page) = (s.choices.len(), s.choices_per_page());
        turn_page(&mut s.choices_page, true, count, per_page);
    }));
    detail.on_previous_page(act(inner, |i| {
        let mut s = i.state.borrow_mut();
        let per_page = s.choices_per_page();
        turn_page(&mut s.choices_page, false, 0, per_page);
    }));

    app.global::<ReviewAdapter>().on_confirm(act(inner, |i| {
        if i.signs_with_card() {
            i.card(super::card::Msg::StartSigning);
        } else {
            i.signing(super::signing::Msg::Start);
        }
    }));
    let receipt = app.global::<ReceiptAdapter>();
    receipt.on_to_programme(act(inner, |i| i.show(Screen::Activities)));
    receipt.on_finish(act(inner, |i| i.end_visit()));
}

impl Inner {
    pub(super) fn apply_catalogue(&self, catalogue: Option<(Catalogue, DateTime<Utc>)>) {
        {
            let mut s = self.state.borrow_mut();
            if catalogue.is_some() {
                s.catalogue = catalogue;
            } else {
                s.browse.unavailable = true;
            }
        }
        self.refresh_choices();
    }

    fn refresh_choices(&self) {
        let mut s = self.state.borrow_mut();
        let choices = match (&s.catalogue, s.activity, s.session.visit()) {
            (Some((catalogue, _)), Some(i), Some(visit)) => visit
                .activities
                .get(i)
                .map(|a| catalogue.choices_for(a))
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        s.choices = choices;
    }

    pub(super) fn open_activity(&self, index_on_page: i32) {
        {
            let mut s = self.state.borrow_mut();
            let index = s.activities_page * s.activities_per_page()
                + usize::try_from(index_on_page).unwrap_or(0);
            if s.session
                .visit()
                .is_none_or(|v| index >= v.activities.len())
            {
                return;
            }
            s.activity = Some(index);
            s.choices_page = 0;
            s.activation_saved = false;
            s.activation_failed = false;
        }
        self.ensure_catalogue();
        self.refresh_choices();
        self.show(Screen::Activity);
    }

    /// Makes sure the catalogue is there: the cached copy at once, or fetched in the background.
    pub(super) fn ensure_catalogue(&self) {
        if self.state.borrow().catalogue.is_some() {
            return;
        }
        if let Some(cached) = self.core.cached_catalogue() {
            self.state.borrow_mut().catalogue = Some(cached);
        } else {
            let core = self.core.clone();
            self.spawn(catalogue::interrupted, async move {
                Update::Catalogue(core.catalogue().await)
            });
        }
    }

    pub(super) fn choose(&self, index_on_page: i32) {
        let today = komek_domain::astana::date_on(self.clock.now());
        let mut s = self.state.borrow_mut();
        let index =
            s.choices_page * s.choices_per_page() + usize::try_from(index_on_page).unwrap_or(0);
        let Some(choice) = s.choices.get(index).cloned() else {
            return;
        };
        let Some(activity) = s
            .activity
            .and_then(|i| s.session.visit().and_then(|v| v.activities.get(i)))
        else {
            return;
        };
        match Order::draw_up(activity, &choice, today) {
            Ok(order) => {
                s.order = Some((order, choice));
                s.save_problem = SaveProblem::None;
                drop(s);
                self.show(Screen::Review);
            }
            Err(OrderError::NotChoosable | OrderError::ItemDoesNotMatch) => {
                s.save_problem = SaveProblem::NotChoosable;
            }
        }
    }

    /// Queues the request to activate the blocked choice of the activity on screen; the
    /// activity shows "activation requested" at once, as an application shows "signed".
    pub(super) fn request_activation(&self) {
        let now = self.clock.now();
        let mut s = self.state.borrow_mut();
        let Some(index) = s.activity else {
            return;
        };
        let Some(visit) = s.session.visit_mut() else {
            return;
        };
        let Some(activity_id) = visit.activities.get(index).map(|a| a.id.clone()) else {
            return;
        };
        // The activity shows "activation requested" at once, as an application shows "signed".
        match self.core.queue_activation(visit, &activity_id, now) {
            Ok(_) => {
                s.activation_saved = true;
                s.activation_failed = false;
            }
            Err(e) => {
                tracing::error!(error = %e, "activation request could not be saved");
                s.activation_failed = true;
            }
        }
    }
}
