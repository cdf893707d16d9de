//! State → Slint adapters: every event handler ends by calling `render`, which sets the
//! frame, speech and sign-language panel here and has each room render its own adapters.

use chrono::{DateTime, Utc};
use slint::ComponentHandle;

use super::format;
use super::state::State;
use crate::{AppAdapter, AppWindow, DeliveryState, Modal, SignAdapter, SpeechAdapter, Theme};
use komek_kiosk_core::core::Core;
use komek_kiosk_core::speech::{Rate, Volume};
use komek_kiosk_core::store::ActionState;

/// Typed text shown on one line: as much as fits at the largest text size.
pub(super) const SHOWN_CHARS: usize = 36;

/// The catalogue counts as stale, and shows its date, after this long without a refresh.
pub(super) const STALE_AFTER: chrono::Duration = chrono::Duration::hours(1);

/// The rows of page `page`.
pub(super) fn page<T: Clone>(rows: &[T], page: usize, per_page: usize) -> Vec<T> {
    rows.iter()
        .skip(page * per_page)
        .take(per_page)
        .cloned()
        .collect()
}

/// A count as the adapters take it.
pub(super) fn int(n: usize) -> i32 {
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
    frame
        .set_can_go_back(super::screens::entry(state.screen).back != super::screens::Back::Nowhere);
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

    super::report::render(app, state, now);
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

    super::login::render(app, &state.login);
    let card_service = state
        .card
        .service
        .as_ref()
        .map_or_else(|| "—".to_string(), ToString::to_string);
    super::technician::render(app, &state.technician, state.text_size, &card_service, now);
    super::programme::render(app, state, core, now, status.online);
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
