//! The programme as the adapters show it: the activities, the activity on screen with its
//! choices, the review of an order, the receipt.

use chrono::{DateTime, Utc};
use slint::ComponentHandle;

use super::super::render::{STALE_AFTER, delivery_of, int, page};
use super::super::state::{State, page_count};
use super::super::{format, models};
use crate::{
    ActivitiesAdapter, ActivityAdapter, ActivityRow, ActivityStatus, AppWindow, ChoiceRow,
    DeliveryState, ReceiptAdapter, ReviewAdapter, WindowState,
};
use komek_domain::{ActivityStatus as Status, ChoiceWindow, Lang};
use komek_kiosk_core::core::Core;
use komek_kiosk_core::store::kiosk_reference;

/// The receipt view shows the code at a third or a quarter of this: 4 or 3 px a module, which
/// a phone's photo of the screen resolves.
const QR_PIXELS_PER_MODULE: usize = 12;

pub(in super::super) fn render(
    app: &AppWindow,
    state: &State,
    core: &Core,
    now: DateTime<Utc>,
    online: bool,
) {
    let lang = state.lang;
    let today = komek_domain::astana::date_on(now);
    let visit = state.session.visit();
    let activities: &[komek_domain::Activity] =
        visit.map(|v| v.activities.as_slice()).unwrap_or(&[]);
    let rows: Vec<ActivityRow> = activities
        .iter()
        .map(|a| activity_row(a, lang, today))
        .collect();
    let per_page = super::super::state::activities_per_page(state.text_size);
    let list = app.global::<ActivitiesAdapter>();
    models::sync_by(
        list.get_rows(),
        page(&rows, state.programme.activities_page, per_page),
        same_activity,
        |m| list.set_rows(m),
    );
    list.set_social_services(visit.is_some_and(|v| v.profile.gets_social_services()));
    list.set_page(int(state.programme.activities_page));
    list.set_page_count(int(page_count(rows.len(), per_page)));

    let detail = app.global::<ActivityAdapter>();
    let current = state.programme.activity.and_then(|i| activities.get(i));
    let shown = current
        .map(|a| activity_row(a, lang, today))
        .unwrap_or_default();
    if !same_activity(&detail.get_activity(), &shown) {
        detail.set_activity(shown);
    }
    detail.set_can_choose(current.is_some_and(|a| a.can_choose_supplier(today)));
    let choices: Vec<ChoiceRow> = state
        .programme
        .choices
        .iter()
        .map(|c| choice_row(c, lang))
        .collect();
    let per_page = super::super::state::choices_per_page(state.text_size);
    models::sync(
        detail.get_choices(),
        page(&choices, state.programme.choices_page, per_page),
        |m| detail.set_choices(m),
    );
    detail.set_page(int(state.programme.choices_page));
    detail.set_page_count(int(page_count(choices.len(), per_page)));
    let stale = state
        .catalogue
        .as_ref()
        .filter(|(_, at)| !online || now - *at > STALE_AFTER)
        .map(|(_, at)| komek_domain::astana::time_text(*at))
        .unwrap_or_default();
    detail.set_prices_as_of(stale.into());
    detail.set_activation_saved(state.programme.activation_saved);
    detail.set_path_length(int(komek_domain::ACTIVITY_PATH.len()));
    detail.set_activation_failed(state.programme.activation_failed);

    // Set whether or not there is an order, so nothing of one outlives it.
    let lines = state
        .programme
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
    review.set_problem(state.programme.save_problem);

    render_receipt(app, state, core, lang);
}

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
    let (item, supplier) = match (&state.receipt, &state.programme.order) {
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
        komek_kiosk_core::receipt::qr_text(
            lang,
            &komek_kiosk_core::receipt::ReceiptFacts {
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
            match super::super::qr::image(&text, QR_PIXELS_PER_MODULE) {
                Ok(image) => receipt.set_qr(image),
                Err(e) => tracing::warn!("receipt QR code: {e}"),
            }
        }
        receipt.set_qr_text(text.into());
    }
}
