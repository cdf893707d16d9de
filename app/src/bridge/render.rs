//! State → Slint adapters, in one place: every event handler ends by calling `render`.

use komek_kiosk_core::store::kiosk_reference;

use chrono::{DateTime, Utc};
use slint::ComponentHandle;

use super::state::{State, page_count};
use super::{format, models};
use crate::{
    ActivitiesAdapter, ActivityAdapter, ActivityRow, ActivityStatus, AppAdapter, AppWindow,
    ChoiceRow, DeadlineRow, DeliveryState, LoginAdapter, LoginProblem, Modal, ReceiptAdapter,
    ReportAdapter, RequestRow, ReviewAdapter, Screen, SignAdapter, SlaStep, SlaVerdict,
    SpeechAdapter, Theme, WindowState,
};
use komek_domain::{self, ActivityStatus as Status, ChoiceWindow, Lang};
use komek_kiosk_core::core::Core;
use komek_kiosk_core::speech::{Rate, Volume};
use komek_kiosk_core::store::ActionState;

/// The receipt view shows the code at a third or a quarter of this: 4 or 3 px a module, which
/// a phone's photo of the screen resolves.
const QR_PIXELS_PER_MODULE: usize = 12;

/// Typed text shown on one line: as much as fits at the largest text size.
const SHOWN_CHARS: usize = 36;

/// The catalogue counts as stale, and shows its date, after this long without a refresh.
pub(super) const STALE_AFTER: chrono::Duration = chrono::Duration::hours(1);

fn status(s: Status) -> ActivityStatus {
    match s {
        Status::AwaitingChoice => ActivityStatus::AwaitingChoice,
        Status::SupplierChosen => ActivityStatus::SupplierChosen,
        Status::ApplicationSigned => ActivityStatus::ApplicationSigned,
        Status::InDelivery => ActivityStatus::InDelivery,
        Status::Realised => ActivityStatus::Realised,
        Status::ChoiceBlocked => ActivityStatus::ChoiceBlocked,
        Status::ActivationRequested => ActivityStatus::ActivationRequested,
        Status::Cancelled => ActivityStatus::Cancelled,
    }
}

pub fn activity_row(
    a: &komek_domain::Activity,
    lang: Lang,
    today: chrono::NaiveDate,
) -> ActivityRow {
    let (window, days_left, last_day) = match a.window(today) {
        ChoiceWindow::NotNotified => (WindowState::NotNotified, 0, String::new()),
        ChoiceWindow::Open {
            last_day,
            days_left,
        } => (
            WindowState::Open,
            i32::try_from(days_left).unwrap_or(i32::MAX),
            format::date(last_day),
        ),
        ChoiceWindow::Closed { last_day } => (WindowState::Closed, 0, format::date(last_day)),
    };
    ActivityRow {
        title: a.title.get(lang).into(),
        status: status(a.status_on(today)),
        window,
        days_left,
        last_day: last_day.into(),
        programme_date: format::date(a.programme_date).into(),
        term_until: format::date(a.term_until).into(),
        step: a
            .status_on(today)
            .step()
            .and_then(|s| i32::try_from(s).ok())
            .unwrap_or(0),
        step_dates: models::fixed(
            a.path_dates()
                .into_iter()
                .map(|d| d.map(format::date).unwrap_or_default().into())
                .collect(),
        ),
    }
}

fn choice_row(c: &komek_domain::Choice, lang: Lang) -> ChoiceRow {
    let copay = c.copayment_kzt();
    ChoiceRow {
        item_name: c.item.name.get(lang).into(),
        item_description: c.item.description.get(lang).into(),
        supplier_name: c.supplier.name.as_str().into(),
        supplier_town: c.supplier.town.get(lang).into(),
        price: format::money(c.unit_price_kzt).into(),
        copayment: format::money(copay).into(),
        has_copayment: copay > 0,
        delivery_days: i32::try_from(c.delivery_days).unwrap_or(i32::MAX),
    }
}

/// Two activity rows show the same (their steps' dates compared by content).
fn same_activity(a: &ActivityRow, b: &ActivityRow) -> bool {
    let without_dates = |r: &ActivityRow| ActivityRow {
        step_dates: Default::default(),
        ..r.clone()
    };
    without_dates(a) == without_dates(b) && models::same_rows(&a.step_dates, &b.step_dates)
}

/// Two failure requests show the same (their deadlines compared by content).
fn same_request(a: &RequestRow, b: &RequestRow) -> bool {
    let without_deadlines = |r: &RequestRow| RequestRow {
        deadlines: Default::default(),
        ..r.clone()
    };
    without_deadlines(a) == without_deadlines(b) && models::same_rows(&a.deadlines, &b.deadlines)
}

fn page<T: Clone>(rows: &[T], page: usize, per_page: usize) -> Vec<T> {
    rows.iter()
        .skip(page * per_page)
        .take(per_page)
        .cloned()
        .collect()
}

fn int(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

pub fn render(
    app: &AppWindow,
    state: &State,
    core: &Core,
    cards: &komek_kiosk_core::cards::CardReaders,
    now: DateTime<Utc>,
    warning_seconds: u64,
) {
    let lang = state.lang;
    let today = komek_domain::astana::date_on(now);
    let visit = state.session.visit();
    let status = core.status();

    let theme = app.global::<Theme>();
    theme.set_text_size(state.text_size);
    theme.set_high_contrast(state.high_contrast);

    let frame = app.global::<AppAdapter>();
    frame.set_screen(state.screen);
    frame.set_language(lang.code().into());
    frame.set_offline(!status.online);
    frame.set_logged_in(visit.is_some());
    frame.set_person_name(
        visit
            .map(|v| format!("{} {}", v.name.given_name, v.name.surname))
            .unwrap_or_default()
            .into(),
    );
    frame.set_can_go_back(!matches!(
        state.screen,
        Screen::Welcome | Screen::Activities
    ));
    frame.set_warning_visible(state.session.is_warning());
    frame.set_warning_seconds(i32::try_from(warning_seconds).unwrap_or(0));
    frame.set_demo(core.config().demo);

    let speech = app.global::<SpeechAdapter>();
    let spoken = &state.speech;
    speech.set_enabled(spoken.enabled);
    speech.set_exploring(spoken.exploring);
    speech.set_screen_off(spoken.enabled && spoken.screen_off);
    speech.set_settings_open(spoken.settings_open);
    speech.set_rate(match spoken.settings.rate {
        Rate::Slow => 0,
        Rate::Normal => 1,
        Rate::Fast => 2,
    });
    speech.set_volume(i32::from(spoken.settings.volume.step()));
    speech.set_volume_steps(i32::from(Volume::STEPS));

    render_report(app, state, now);
    super::account::render(app, state, core, now);
    super::signing::render(app, state);
    super::card::render(app, state, super::demo::card_inserted(cards));
    super::qr_login::render(app, state);
    app.global::<crate::QrAdapter>()
        .set_demo(core.config().demo);
    super::acting::render(app, state);
    super::offer::render(app, state, core);
    super::keyboard::render(app, &state.entry);
    super::announcements::render(app, state, now);
    super::catalogue::render(app, state, now, status.online, &core.config().region);
    let keyboard = app.global::<crate::KeyboardAdapter>();
    keyboard.set_text(state.entry.text.as_str().into());
    keyboard.set_tail(format::tail(&state.entry.text, SHOWN_CHARS).into());

    let sign = app.global::<SignAdapter>();
    sign.set_open(state.sign.open);
    sign.set_large(state.sign.large);
    sign.set_playing(state.sign.playing);
    sign.set_ended(state.sign.ended);
    sign.set_problem(state.sign.problem);
    sign.set_sign_language(state.sign.language.code().into());
    app.global::<Modal>()
        .set_open(state.speech.settings_open || state.sign.open || state.session.is_warning());

    let login = app.global::<LoginAdapter>();
    login.set_iin_display(format::iin_groups(&state.login.iin_digits).into());
    login.set_iin_length(int(state.login.iin_digits.len()));
    login.set_code_length(int(state.login.code.typed()));
    login.set_phone_hint(
        state
            .login
            .code
            .challenge
            .as_ref()
            .map(|c| c.phone_hint.clone())
            .unwrap_or_default()
            .into(),
    );
    login.set_attempts_left(i32::try_from(state.login.code.attempts_left).unwrap_or(0));
    login.set_problem(state.login.problem.unwrap_or(LoginProblem::None));
    login.set_busy(state.login.busy);
    login.set_demo_code(state.login.demo_code.as_str().into());

    let activities: &[komek_domain::Activity] =
        visit.map(|v| v.activities.as_slice()).unwrap_or(&[]);
    let rows: Vec<ActivityRow> = activities
        .iter()
        .map(|a| activity_row(a, lang, today))
        .collect();
    let per_page = state.activities_per_page();
    let list = app.global::<ActivitiesAdapter>();
    models::sync_by(
        list.get_rows(),
        page(&rows, state.activities_page, per_page),
        same_activity,
        |m| list.set_rows(m),
    );
    list.set_social_services(visit.is_some_and(|v| v.profile.gets_social_services()));
    list.set_page(int(state.activities_page));
    list.set_page_count(int(page_count(rows.len(), per_page)));

    let detail = app.global::<ActivityAdapter>();
    let current = state.activity.and_then(|i| activities.get(i));
    let shown = current
        .map(|a| activity_row(a, lang, today))
        .unwrap_or_default();
    if !same_activity(&detail.get_activity(), &shown) {
        detail.set_activity(shown);
    }
    detail.set_can_choose(current.is_some_and(|a| a.can_choose_supplier(today)));
    let choices: Vec<ChoiceRow> = state.choices.iter().map(|c| choice_row(c, lang)).collect();
    let per_page = state.choices_per_page();
    models::sync(
        detail.get_choices(),
        page(&choices, state.choices_page, per_page),
        |m| detail.set_choices(m),
    );
    detail.set_page(int(state.choices_page));
    detail.set_page_count(int(page_count(choices.len(), per_page)));
    let stale = state
        .catalogue
        .as_ref()
        .filter(|(_, at)| !status.online || now - *at > STALE_AFTER)
        .map(|(_, at)| komek_domain::astana::time_text(*at))
        .unwrap_or_default();
    detail.set_prices_as_of(stale.into());
    detail.set_activation_saved(state.activation_saved);
    detail.set_path_length(int(komek_domain::ACTIVITY_PATH.len()));
    detail.set_activation_failed(state.activation_failed);

    // Set whether or not there is an order, so nothing of one outlives it.
    let lines = state
        .order
        .as_ref()
        .map(|(order, choice)| ReviewLines::of(order, choice, current, lang))
        .unwrap_or_default();
    let review = app.global::<ReviewAdapter>();
    review.set_activity_title(lines.activity_title.into());
    review.set_item_name(lines.item_name.into());
    review.set_supplier_name(lines.supplier_name.into());
    review.set_supplier_address(lines.supplier_address.into());
    review.set_supplier_phone(lines.supplier_phone.into());
    review.set_quantity(lines.quantity);
    review.set_unit_price(lines.unit_price.into());
    review.set_total(lines.total.into());
    review.set_compensation(lines.compensation.into());
    review.set_copayment(lines.copayment.into());
    review.set_has_copayment(lines.has_copayment);
    review.set_delivery_days(lines.delivery_days);
    review.set_problem(state.save_problem);

    render_receipt(app, state, core, lang);
}

/// What the review shows of an order; all empty without one.
#[derive(Default)]
struct ReviewLines {
    activity_title: String,
    item_name: String,
    supplier_name: String,
    supplier_address: String,
    supplier_phone: String,
    quantity: i32,
    unit_price: String,
    total: String,
    compensation: String,
    copayment: String,
    has_copayment: bool,
    delivery_days: i32,
}

impl ReviewLines {
    fn of(
        order: &komek_domain::Order,
        choice: &komek_domain::Choice,
        activity: Option<&komek_domain::Activity>,
        lang: Lang,
    ) -> ReviewLines {
        ReviewLines {
            activity_title: activity
                .map(|a| a.title.get(lang).to_string())
                .unwrap_or_default(),
            item_name: choice.item.name.get(lang).to_string(),
            supplier_name: choice.supplier.name.clone(),
            supplier_address: format!(
                "{}, {}",
                choice.supplier.town.get(lang),
                choice.supplier.address.get(lang)
            ),
            supplier_phone: choice.supplier.phone.clone(),
            quantity: i32::try_from(order.quantity).unwrap_or(0),
            unit_price: format::money(order.unit_price_kzt),
            total: format::money(order.total_kzt()),
            compensation: format::money(order.compensation_kzt()),
            copayment: format::money(order.copayment_kzt()),
            has_copayment: order.copayment_kzt() > 0,
            delivery_days: i32::try_from(choice.delivery_days).unwrap_or(0),
        }
    }
}

/// The receipt of the action just queued; all empty without one.
fn render_receipt(app: &AppWindow, state: &State, core: &Core, lang: Lang) {
    let receipt = app.global::<ReceiptAdapter>();
    let (delivery, portal_reference, kiosk) = match state.receipt {
        Some(id) => {
            let (delivery, reference) = delivery_of(core, id);
            (delivery, reference, kiosk_reference(id))
        }
        None => (DeliveryState::Queued, String::new(), String::new()),
    };
    let (item, supplier) = match (&state.receipt, &state.order) {
        (Some(_), Some((_, choice))) => (
            choice.item.name.get(lang).to_string(),
            choice.supplier.name.clone(),
        ),
        _ => (String::new(), String::new()),
    };
    receipt.set_state(delivery);
    receipt.set_portal_reference(portal_reference.as_str().into());
    receipt.set_kiosk_reference(kiosk.as_str().into());
    receipt.set_item_name(item.as_str().into());
    receipt.set_supplier_name(supplier.as_str().into());
    let text = if state.receipt.is_some() {
        super::receipt::qr_text(
            lang,
            &super::receipt::ReceiptFacts {
                kiosk_reference: &kiosk,
                portal_reference: &portal_reference,
                item: &item,
                supplier: &supplier,
            },
        )
    } else {
        String::new()
    };
    // Drawn again only when what it says changes (sent, or another language).
    if receipt.get_qr_text() != text {
        if text.is_empty() {
            receipt.set_qr(slint::Image::default());
        } else {
            match super::qr::image(&text, QR_PIXELS_PER_MODULE) {
                Ok(image) => receipt.set_qr(image),
                Err(e) => tracing::warn!("receipt QR code: {e}"),
            }
        }
        receipt.set_qr_text(text.into());
    }
}

/// Where a queued action stands, as the screens say it, and the portal's reference once it
/// was accepted. The reason of a refusal is for staff (`--diagnose`), not read out to the
/// person.
pub(super) fn delivery_of(core: &Core, id: uuid::Uuid) -> (DeliveryState, String) {
    match core.action_status(id) {
        Some(q) if q.state == ActionState::Delivered => {
            (DeliveryState::Sent, q.reference.unwrap_or_default())
        }
        Some(q) if q.state == ActionState::Parked => (DeliveryState::Refused, String::new()),
        _ => (DeliveryState::Queued, String::new()),
    }
}

fn render_report(app: &AppWindow, state: &State, now: DateTime<Utc>) {
    use komek_domain::failure_sla::{Step, Verdict};
    let r = &state.report;
    let report = app.global::<ReportAdapter>();
    report.set_has_problem(r.problem.is_some());
    report.set_description(r.description.as_str().into());
    report.set_description_shown(format::head(&r.description, SHOWN_CHARS).into());
    if let Some(problem) = r.problem {
        report.set_problem(problem);
    }
    report.set_phone_display(format::phone_groups(&r.phone).into());
    report.set_phone_length(int(r.phone.len()));
    report.set_phone_incomplete(r.phone_incomplete);
    report.set_phone_needed(r.phone_needed);
    report.set_anonymous(state.session.visit().is_none());
    report.set_can_attach_screen(r.screenshot.is_some());
    report.set_attach_screen(r.attach_screen);
    report.set_attach_diagnostics(r.attach_diagnostics);
    report.set_save_problem(r.save_problem);
    report.set_loading(r.loading);
    report.set_offline(r.offline);
    report.set_just_saved(r.just_saved.map(kiosk_reference).unwrap_or_default().into());
    let per_page = super::state::requests_per_page(state.text_size);
    report.set_page(int(r.page));
    report.set_page_count(int(page_count(r.requests.len(), per_page)));
    let rows: Vec<RequestRow> = r
        .requests
        .iter()
        .skip(r.page * per_page)
        .take(per_page)
        .map(|view| RequestRow {
            reference: view.reference.clone().into(),
            problem: super::report::problem_from_wire(view.problem),
            received: komek_domain::astana::time_text(view.received_at).into(),
            closed: view.closed,
            deadlines: models::fixed(
                view.deadlines
                    .iter()
                    .map(|d| DeadlineRow {
                        step: match d.step {
                            Step::Registration => SlaStep::Registration,
                            Step::Analysis => SlaStep::Analysis,
                            Step::Escalation => SlaStep::Escalation,
                            Step::DecisionNotice => SlaStep::DecisionNotice,
                            Step::FixStart => SlaStep::FixStart,
                            Step::FixNotice => SlaStep::FixNotice,
                        },
                        due: komek_domain::astana::time_text(d.due).into(),
                        verdict: match d.verdict(now) {
                            Verdict::Met => SlaVerdict::Met,
                            Verdict::MissedDoneLate => SlaVerdict::Late,
                            Verdict::Overdue => SlaVerdict::Overdue,
                            Verdict::Pending => SlaVerdict::Pending,
                        },
                    })
                    .collect(),
            ),
        })
        .collect();
    models::sync_by(report.get_requests(), rows, same_request, |m| {
        report.set_requests(m)
    });
}
