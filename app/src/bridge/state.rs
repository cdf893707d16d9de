//! What the bridge remembers between events. Everything on screen is derived from this by
//! `render`; wiping a visit is dropping its [`VisitState`] for a new one.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::Screen;
use komek_domain::{Catalogue, Lang};
use komek_kiosk_core::core::Visit;
use komek_kiosk_core::session::Session;

/// Types that can hold nothing of a person, so a [`State`] field may have them and outlive a
/// visit. Everything else the bridge keeps lives in [`VisitState`], which the end of a visit
/// drops whole.
pub trait KioskWide {}
/// Its visit is taken out (and dropped) by every [`State::wipe`]; the rest is idle timing.
impl KioskWide for Session<Visit> {}
impl KioskWide for u64 {}
/// The public catalogue and when it was fetched.
impl KioskWide for Option<(Catalogue, DateTime<Utc>)> {}
/// Public announcements (where a person is in them is in [`VisitState`]).
impl KioskWide for super::announcements::AnnouncementsState {}

/// Declares [`State`]: its own fields must be [`KioskWide`] (the compiler refuses any other
/// type there), and everything of the visit is in [`VisitState`], reached through `Deref`.
macro_rules! kiosk_wide_state {
    ($(#[$meta:meta])* pub struct $name:ident {
        $($(#[$field_meta:meta])* pub $field:ident: $ty:ty,)*
    }) => {
        $(#[$meta])*
        pub struct $name {
            $($(#[$field_meta])* pub $field: $ty,)*
            visit: VisitState,
        }

        const _: () = {
            fn kiosk_wide<T: KioskWide>() {}
            #[allow(dead_code)]
            fn every_field_is_kiosk_wide() {
                $(kiosk_wide::<$ty>();)*
            }
        };
    };
}

kiosk_wide_state! {
    /// What the bridge remembers between events. Everything on screen is derived from this by
    /// `render`.
    pub struct State {
        pub session: Session<Visit>,
        /// Bumped at every end of a visit, so answers to an old visit's requests are ignored.
        pub generation: u64,
        pub catalogue: Option<(Catalogue, DateTime<Utc>)>,
        pub announcements: super::announcements::AnnouncementsState,
    }
}

impl std::ops::Deref for State {
    type Target = VisitState;
    fn deref(&self) -> &VisitState {
        &self.visit
    }
}

impl std::ops::DerefMut for State {
    fn deref_mut(&mut self) -> &mut VisitState {
        &mut self.visit
    }
}

/// Everything of one visit: the person's data, what they typed and chose, and how they set
/// the screen. Made new for each visit and dropped whole at its end, so a field added here is
/// wiped without anyone remembering to.
pub struct VisitState {
    pub lang: Lang,
    pub screen: Screen,
    pub text_size: i32,
    pub high_contrast: bool,
    pub login: super::login::LoginState,
    pub programme: super::programme::ProgrammeState,
    pub receipt: Option<Uuid>,
    pub signing: super::signing::SigningState,
    pub card: super::card::CardState,
    pub qr: super::qr_login::QrState,
    pub acting: super::acting::ActingState,
    pub offer: super::offer::OfferState,
    pub speech: super::speaking::SpeechState,
    pub sign: super::sign_video::SignState,
    pub report: super::report::ReportState,
    pub account: super::account::AccountState,
    pub announcements_view: super::announcements::AnnouncementsView,
    /// The label of the control that has the focus (what speech says; what tests check): it
    /// can be a person's name.
    pub focused_label: String,
    /// The field the on-screen keyboard types into (the e-mail, a description).
    pub entry: komek_kiosk_core::text_entry::TextEntry,
    pub browse: super::catalogue::BrowseState,
    /// Technician mode runs in a visit of its own, so its end wipes it like a person's.
    pub technician: super::technician::TechnicianState,
}

impl VisitState {
    /// The start of a visit: the registry's first language (Kazakh), the welcome screen,
    /// default text and contrast.
    fn new() -> VisitState {
        VisitState {
            lang: Lang::default(),
            screen: Screen::Welcome,
            text_size: 0,
            high_contrast: false,
            login: Default::default(),
            programme: Default::default(),
            receipt: None,
            signing: Default::default(),
            card: Default::default(),
            qr: Default::default(),
            acting: Default::default(),
            offer: Default::default(),
            speech: Default::default(),
            sign: Default::default(),
            report: Default::default(),
            account: Default::default(),
            entry: komek_kiosk_core::text_entry::TextEntry::free_text("", Lang::default()),
            browse: Default::default(),
            announcements_view: Default::default(),
            focused_label: String::new(),
            technician: Default::default(),
        }
    }
}

impl State {
    pub fn new(session: Session<Visit>) -> Self {
        State {
            session,
            generation: 0,
            catalogue: None,
            announcements: Default::default(),
            visit: VisitState::new(),
        }
    }

    /// The session and the visit's state at once, for a change that needs both.
    pub fn split_mut(&mut self) -> (&mut Session<Visit>, &mut VisitState) {
        (&mut self.session, &mut self.visit)
    }

    /// Where the person is in the catalogue, and what the catalogue room needs to move on.
    pub fn browsing<'a>(
        &'a mut self,
        kiosk_region: &'a str,
    ) -> (
        &'a mut super::catalogue::BrowseState,
        super::catalogue::Context<'a>,
    ) {
        let visit = &mut self.visit;
        let cx = super::catalogue::Context {
            screen: visit.screen,
            text_size: visit.text_size,
            lang: visit.lang,
            catalogue: self.catalogue.as_ref().map(|(c, _)| c),
            region: super::catalogue::region(&self.session, kiosk_region),
        };
        (&mut visit.browse, cx)
    }

    /// The public announcements and where this visit is in them.
    pub fn announcements_mut(
        &mut self,
    ) -> (
        &mut super::announcements::AnnouncementsState,
        &mut super::announcements::AnnouncementsView,
    ) {
        (&mut self.announcements, &mut self.visit.announcements_view)
    }

    /// Forgets everything of the visit and returns to the welcome screen with the default
    /// presentation, ready for the next person. The public catalogue is kept.
    pub fn wipe(&mut self) -> Option<Visit> {
        let visit = self.session.end();
        self.generation += 1;
        // `Inner::end_visit` has closed the card off the UI thread already.
        drop(self.visit.card.wipe());
        // Headphones still plugged in stay known: only plugging in turns speech on.
        let headphones = self.visit.speech.headphones;
        self.visit = VisitState::new();
        self.visit.speech.headphones = headphones;
        // The welcome screen reads the notices again at once for the next person.
        self.announcements.read_at = None;
        self.announcements.unavailable = false;
        visit
    }

    /// The person's programme, and what it needs to move on.
    pub fn in_programme(
        &mut self,
        today: chrono::NaiveDate,
    ) -> (
        &mut super::programme::ProgrammeState,
        super::programme::Context<'_>,
    ) {
        let visit = &mut self.visit;
        let cx = super::programme::Context {
            activities: self
                .session
                .visit()
                .map(|v| v.activities.as_slice())
                .unwrap_or_default(),
            catalogue: self.catalogue.as_ref().map(|(c, _)| c),
            text_size: visit.text_size,
            today,
        };
        (&mut visit.programme, cx)
    }
}

/// Activities per page, fewer at larger text so that nothing is cut off.
pub fn activities_per_page(text_size: i32) -> usize {
    // One row fewer than the slots at the default size: the problem-report buttons sit
    // below the list.
    match text_size {
        0 => CARD_SLOTS - 1,
        1 => 2,
        _ => 1,
    }
}

pub fn choices_per_page(text_size: i32) -> usize {
    match text_size {
        0 => CARD_SLOTS,
        1 => 2,
        _ => 1,
    }
}

/// The card slots of the list screens (ui/views/activities.slint, activity.slint): no page
/// may hold more rows than there are slots.
pub const CARD_SLOTS: usize = 4;

/// Problem reports per page: each card lists up to six deadlines.
pub fn requests_per_page(text_size: i32) -> usize {
    if text_size == 0 { 2 } else { 1 }
}

/// How many pages `len` rows take, at least one.
pub fn page_count(len: usize, per_page: usize) -> usize {
    len.div_ceil(per_page.max(1)).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_page_holds_more_rows_than_the_screens_have_card_slots() {
        for size in 0..=2 {
            assert!(activities_per_page(size) <= CARD_SLOTS);
            assert!(choices_per_page(size) <= CARD_SLOTS);
        }
    }
}
