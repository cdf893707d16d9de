//! The person's programme: the activities of their IPR, one activity with the suppliers to
//! choose from, the review before signing, the receipt after, and the request to activate a
//! blocked choice (Rules items 7-10).

use std::rc::Rc;

use chrono::{DateTime, Utc};
use slint::ComponentHandle;

mod render;

pub use render::activity_row;
pub(super) use render::render;

use super::state::{activities_per_page, choices_per_page};
use super::{Inner, Update, act, catalogue, turn_page, with};
use crate::{
    ActivitiesAdapter, ActivityAdapter, AppWindow, ReceiptAdapter, ReviewAdapter, SaveProblem,
    Screen,
};
use chrono::NaiveDate;
use komek_domain::{Activity, Catalogue, Choice, Order, OrderError};

/// Where the person is in their programme: the activity on screen, the suppliers to choose
/// from, and the order on the review.
#[derive(Default)]
pub struct ProgrammeState {
    /// Index into the visit's activities of the one on screen.
    pub activity: Option<usize>,
    pub activities_page: usize,
    pub choices: Vec<Choice>,
    pub choices_page: usize,
    pub order: Option<(Order, Choice)>,
    pub save_problem: SaveProblem,
    /// An activation of the activity on screen was just queued, or could not be saved.
    pub activation_saved: bool,
    pub activation_failed: bool,
}

/// What the person did in their programme, and what came back.
pub enum Msg {
    OpenActivity(i32),
    NextActivities,
    PreviousActivities,
    /// A supplier's offer chosen on the activity: the order is drawn up for the review.
    Choose(i32),
    NextChoices,
    PreviousChoices,
    RequestActivation,
    /// Whether the activation request is in the outbox.
    ActivationQueued(bool),
    /// A copy of the catalogue arrived: the activity's choices are drawn from it again.
    CatalogueChanged,
    /// Back from the review.
    Back,
}

/// What the programme needs of the rest of the kiosk.
pub struct Context<'a> {
    /// The visit's activities (none once it has ended).
    pub activities: &'a [Activity],
    pub catalogue: Option<&'a Catalogue>,
    pub text_size: i32,
    /// Today in Astana: a choice is open only within its window.
    pub today: NaiveDate,
}

pub enum Effect {
    Show(Screen),
    /// Make sure a copy of the catalogue is there: from the cache, else from the gateway.
    EnsureCatalogue,
    QueueActivation(String),
}

impl ProgrammeState {
    pub fn update(&mut self, msg: Msg, cx: Context) -> Vec<Effect> {
        let index_on = |page: usize, per_page: usize, index: i32| {
            usize::try_from(index).ok().map(|i| page * per_page + i)
        };
        match msg {
            Msg::OpenActivity(index_on_page) => {
                let per_page = activities_per_page(cx.text_size);
                let Some(index) = index_on(self.activities_page, per_page, index_on_page)
                    .filter(|i| *i < cx.activities.len())
                else {
                    return Vec::new();
                };
                self.activity = Some(index);
                self.choices_page = 0;
                self.activation_saved = false;
                self.activation_failed = false;
                self.refresh_choices(&cx);
                vec![Effect::EnsureCatalogue, Effect::Show(Screen::Activity)]
            }
            Msg::NextActivities => {
                let per_page = activities_per_page(cx.text_size);
                turn_page(
                    &mut self.activities_page,
                    true,
                    cx.activities.len(),
                    per_page,
                );
                Vec::new()
            }
            Msg::PreviousActivities => {
                let per_page = activities_per_page(cx.text_size);
                turn_page(&mut self.activities_page, false, 0, per_page);
                Vec::new()
            }
            Msg::Choose(index_on_page) => {
                let per_page = choices_per_page(cx.text_size);
                let choice = index_on(self.choices_page, per_page, index_on_page)
                    .and_then(|i| self.choices.get(i));
                let activity = self.activity.and_then(|i| cx.activities.get(i));
                let (Some(choice), Some(activity)) = (choice, activity) else {
                    return Vec::new();
                };
                match Order::draw_up(activity, choice, cx.today) {
                    Ok(order) => {
                        self.order = Some((order, choice.clone()));
                        self.save_problem = SaveProblem::None;
                        vec![Effect::Show(Screen::Review)]
                    }
                    Err(OrderError::NotChoosable | OrderError::ItemDoesNotMatch) => {
                        self.save_problem = SaveProblem::NotChoosable;
                        Vec::new()
                    }
                }
            }
            Msg::NextChoices => {
                let per_page = choices_per_page(cx.text_size);
                turn_page(&mut self.choices_page, true, self.choices.len(), per_page);
                Vec::new()
            }
            Msg::PreviousChoices => {
                let per_page = choices_per_page(cx.text_size);
                turn_page(&mut self.choices_page, false, 0, per_page);
                Vec::new()
            }
            Msg::RequestActivation => self
                .activity
                .and_then(|i| cx.activities.get(i))
                .map(|a| Effect::QueueActivation(a.id.clone()))
                .into_iter()
                .collect(),
            Msg::ActivationQueued(saved) => {
                self.activation_saved = saved;
                self.activation_failed = !saved;
                Vec::new()
            }
            Msg::CatalogueChanged => {
                self.refresh_choices(&cx);
                Vec::new()
            }
            Msg::Back => {
                self.save_problem = SaveProblem::None;
                vec![Effect::Show(Screen::Activity)]
            }
        }
    }

    /// The choices of the activity on screen, from the catalogue's copy (none without one).
    fn refresh_choices(&mut self, cx: &Context) {
        self.choices = match (
            cx.catalogue,
            self.activity.and_then(|i| cx.activities.get(i)),
        ) {
            (Some(catalogue), Some(activity)) => catalogue.choices_for(activity),
            _ => Vec::new(),
        };
    }
}

pub(super) fn wire(app: &AppWindow, inner: &Rc<Inner>) {
    let list = app.global::<ActivitiesAdapter>();
    list.on_open(with(inner, |i, index: i32| {
        i.programme(Msg::OpenActivity(index))
    }));
    list.on_next_page(act(inner, |i| i.programme(Msg::NextActivities)));
    list.on_previous_page(act(inner, |i| i.programme(Msg::PreviousActivities)));

    let detail = app.global::<ActivityAdapter>();
    detail.on_choose(with(inner, |i, index: i32| i.programme(Msg::Choose(index))));
    detail.on_request_activation(act(inner, |i| i.programme(Msg::RequestActivation)));
    detail.on_next_page(act(inner, |i| i.programme(Msg::NextChoices)));
    detail.on_previous_page(act(inner, |i| i.programme(Msg::PreviousChoices)));

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
    /// Hands `msg` to the programme and carries out what it asks for.
    pub(super) fn programme(&self, msg: Msg) {
        let today = komek_domain::astana::date_on(self.clock.now());
        let effects = {
            let mut s = self.state.borrow_mut();
            let (programme, cx) = s.in_programme(today);
            programme.update(msg, cx)
        };
        for effect in effects {
            match effect {
                Effect::Show(screen) => self.show(screen),
                Effect::EnsureCatalogue => self.ensure_catalogue(),
                Effect::QueueActivation(activity_id) => {
                    let saved = {
                        let mut s = self.state.borrow_mut();
                        let Some(visit) = s.session.visit_mut() else {
                            continue;
                        };
                        // The activity shows "activation requested" at once, as an
                        // application shows "signed".
                        self.core
                            .queue_activation(visit, &activity_id, self.clock.now())
                            .inspect_err(|e| {
                                tracing::error!(error = %e, "activation request could not be saved");
                            })
                            .is_ok()
                    };
                    self.programme(Msg::ActivationQueued(saved));
                }
            }
        }
    }

    pub(super) fn apply_catalogue(&self, catalogue: Option<(Catalogue, DateTime<Utc>)>) {
        {
            let mut s = self.state.borrow_mut();
            if catalogue.is_some() {
                s.catalogue = catalogue;
            } else {
                s.browse.unavailable = true;
            }
        }
        self.programme(Msg::CatalogueChanged);
    }

    /// Makes sure the catalogue is there: the cached copy at once, or fetched in the background.
    pub(super) fn ensure_catalogue(&self) {
        if self.state.borrow().catalogue.is_some() {
            return;
        }
        if let Some(cached) = self.core.cached_catalogue() {
            self.state.borrow_mut().catalogue = Some(cached);
            self.programme(Msg::CatalogueChanged);
        } else {
            let core = self.core.clone();
            self.spawn(catalogue::interrupted, async move {
                Update::Catalogue(core.catalogue().await)
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use komek_domain::{ActivityStatus, Category, Item, Supplier};

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
    }

    fn activity(id: &str, status: ActivityStatus) -> Activity {
        Activity {
            id: id.into(),
            category: Category::Hearing,
            title: Default::default(),
            quantity: 1,
            programme_date: day(1),
            notice_date: Some(day(1)),
            term_until: NaiveDate::from_ymd_opt(2027, 3, 1).unwrap(),
            status,
            matching_items: vec!["aid".into()],
            history: Vec::new(),
        }
    }

    fn catalogue() -> Catalogue {
        Catalogue {
            items: vec![Item {
                id: "aid".into(),
                category: Category::Hearing,
                name: Default::default(),
                description: Default::default(),
                unit: Default::default(),
                characteristics: Vec::new(),
                guaranteed_amount_kzt: 1000,
            }],
            suppliers: vec![Supplier {
                id: "s".into(),
                name: "Supplier".into(),
                town: Default::default(),
                address: Default::default(),
                phone: String::new(),
                region: "Astana".into(),
                directions: vec![Category::Hearing],
                offers: vec![("aid".into(), 900, 5)],
            }],
        }
    }

    fn cx<'a>(activities: &'a [Activity], catalogue: Option<&'a Catalogue>) -> Context<'a> {
        Context {
            activities,
            catalogue,
            text_size: 2,
            today: day(3),
        }
    }

    #[test]
    fn an_activity_opens_with_its_choices_once_the_catalogue_is_there() {
        let activities = [
            activity("a", ActivityStatus::AwaitingChoice),
            activity("b", ActivityStatus::AwaitingChoice),
        ];
        let catalogue = catalogue();
        let mut programme = ProgrammeState::default();
        programme.update(Msg::NextActivities, cx(&activities, None));
        let opened = programme.update(Msg::OpenActivity(0), cx(&activities, None));
        assert!(matches!(
            opened.as_slice(),
            [Effect::EnsureCatalogue, Effect::Show(Screen::Activity)]
        ));
        assert_eq!(programme.activity, Some(1), "the second page's first row");
        assert!(programme.choices.is_empty(), "no catalogue yet");
        programme.update(Msg::CatalogueChanged, cx(&activities, Some(&catalogue)));
        assert_eq!(programme.choices.len(), 1);
        assert!(
            programme
                .update(Msg::OpenActivity(1), cx(&activities, None))
                .is_empty()
        );
    }

    #[test]
    fn a_choice_in_its_window_goes_to_the_review_and_one_outside_it_is_refused() {
        let catalogue = catalogue();
        let open = [activity("a", ActivityStatus::AwaitingChoice)];
        let mut programme = ProgrammeState::default();
        programme.update(Msg::OpenActivity(0), cx(&open, Some(&catalogue)));
        let chosen = programme.update(Msg::Choose(0), cx(&open, Some(&catalogue)));
        assert!(matches!(chosen.as_slice(), [Effect::Show(Screen::Review)]));
        let (order, _) = programme.order.as_ref().unwrap();
        assert_eq!(
            (order.activity_id.as_str(), order.unit_price_kzt),
            ("a", 900)
        );

        let signed = [activity("a", ActivityStatus::ApplicationSigned)];
        let mut again = ProgrammeState::default();
        again.update(Msg::OpenActivity(0), cx(&signed, Some(&catalogue)));
        again.choices = programme.choices.clone();
        assert!(
            again
                .update(Msg::Choose(0), cx(&signed, Some(&catalogue)))
                .is_empty()
        );
        assert_eq!(again.save_problem, SaveProblem::NotChoosable);
        assert!(again.order.is_none());
    }

    #[test]
    fn an_activation_is_asked_for_the_activity_on_screen_and_its_saving_is_said() {
        let blocked = [activity("a", ActivityStatus::ChoiceBlocked)];
        let mut programme = ProgrammeState::default();
        assert!(
            programme
                .update(Msg::RequestActivation, cx(&blocked, None))
                .is_empty()
        );
        programme.update(Msg::OpenActivity(0), cx(&blocked, None));
        let asked = programme.update(Msg::RequestActivation, cx(&blocked, None));
        assert!(matches!(asked.as_slice(), [Effect::QueueActivation(id)] if id == "a"));
        programme.update(Msg::ActivationQueued(false), cx(&blocked, None));
        assert!(programme.activation_failed && !programme.activation_saved);
        programme.update(Msg::ActivationQueued(true), cx(&blocked, None));
        assert!(programme.activation_saved && !programme.activation_failed);
    }
}
