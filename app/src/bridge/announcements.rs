//! The announcements screen (Rules item 14) and the current notices on the welcome screen. The
//! announcements are public: read from the cache (refreshed by the sync worker), fetched when
//! there is no copy yet, and readable without logging in.

use std::rc::Rc;

use chrono::{DateTime, Utc};
use slint::{ComponentHandle, SharedString};

use super::format;
use super::state::page_count;
use super::{Inner, Update, act, models, turn_page, with};
use crate::{
    AnnouncementRow, AnnouncementSection, AnnouncementsAdapter, AppWindow, NoticeRow, Screen,
};
use komek_domain::announcements::{Announcement, AnnouncementKind, Announcements, Section};
use komek_domain::{Lang, Word};

/// Cards per page by text size (the view has two slots): an answer or an instruction runs to
/// several lines.
pub fn per_page(text_size: i32) -> usize {
    if text_size == 0 { 2 } else { 1 }
}

/// The announcements, public, kept between visits.
#[derive(Debug, Default)]
pub struct AnnouncementsState {
    pub loaded: Option<(Announcements, DateTime<Utc>)>,
    pub unavailable: bool,
    /// When the cache was last read for the welcome screen's notices (monotonic).
    pub read_at: Option<std::time::Duration>,
}

/// Where a person is in the announcements: part of their visit, so the next starts on the
/// first section's first page.
#[derive(Debug, Default)]
pub struct AnnouncementsView {
    pub section: Section,
    pub page: usize,
    /// Where Back goes: the screen the person opened the announcements from.
    pub from: Option<Screen>,
}

pub(super) fn wire(app: &AppWindow, inner: &Rc<Inner>) {
    let adapter = app.global::<AnnouncementsAdapter>();
    adapter.on_open(act(inner, |i| i.open_announcements()));
    adapter.on_watch(with(inner, |i, index: i32| i.watch_video(index)));
    adapter.on_choose(with(inner, |i, section: AnnouncementSection| {
        let mut s = i.state.borrow_mut();
        s.announcements_view.section = section_from_ui(section);
        s.announcements_view.page = 0;
    }));
    adapter.on_next_page(act(inner, |i| {
        let mut s = i.state.borrow_mut();
        let per_page = per_page(s.text_size);
        let section = s.announcements_view.section;
        let rows = s
            .announcements
            .loaded
            .as_ref()
            .map_or(0, |(all, _)| all.in_section(section).len());
        turn_page(&mut s.announcements_view.page, true, rows, per_page);
    }));
    adapter.on_previous_page(act(inner, |i| {
        let mut s = i.state.borrow_mut();
        let per_page = per_page(s.text_size);
        turn_page(&mut s.announcements_view.page, false, 0, per_page);
    }));
}

fn section_from_ui(s: AnnouncementSection) -> Section {
    match s {
        AnnouncementSection::Notices => Section::Notices,
        AnnouncementSection::News => Section::News,
        AnnouncementSection::Questions => Section::Questions,
        AnnouncementSection::Instructions => Section::Instructions,
    }
}

fn section_to_ui(s: Section) -> AnnouncementSection {
    match s {
        Section::Notices => AnnouncementSection::Notices,
        Section::News => AnnouncementSection::News,
        Section::Questions => AnnouncementSection::Questions,
        Section::Instructions => AnnouncementSection::Instructions,
    }
}

fn kind_to_ui(k: AnnouncementKind) -> crate::AnnouncementKind {
    match k {
        AnnouncementKind::Maintenance => crate::AnnouncementKind::Maintenance,
        AnnouncementKind::Failure => crate::AnnouncementKind::Failure,
        AnnouncementKind::News => crate::AnnouncementKind::News,
        AnnouncementKind::Question => crate::AnnouncementKind::Question,
        AnnouncementKind::Instruction => crate::AnnouncementKind::Instruction,
    }
}

fn when(t: Option<DateTime<Utc>>) -> SharedString {
    t.map(komek_domain::astana::time_text)
        .unwrap_or_default()
        .into()
}

fn row(a: &Announcement, lang: Lang) -> AnnouncementRow {
    AnnouncementRow {
        kind: kind_to_ui(a.kind),
        title: a.title.get(lang).into(),
        body: a.body.get(lang).into(),
        published: format::date(a.published_on).into(),
        starts: when(a.starts_at),
        ends: when(a.ends_at),
        planned_fix: when(a.planned_fix),
        has_video: a.video.is_some(),
    }
}

/// A notice on the welcome screen, where nobody has chosen a language yet: in every one.
fn notice(a: &Announcement) -> NoticeRow {
    let mut titles: Vec<&str> = Lang::offered().map(|l| a.title.get(l)).collect();
    // A language the notice was not given in falls back to another: say that one once.
    titles.dedup();
    NoticeRow {
        kind: kind_to_ui(a.kind),
        titles: models::fixed(titles.iter().map(|t| (*t).into()).collect()),
        one_line: titles.join(" · ").into(),
        spoken: titles.join(". ").into(),
        fix_label: Lang::in_every_language(Word::PlannedFix).into(),
        starts: when(a.starts_at),
        ends: when(a.ends_at),
        planned_fix: when(a.planned_fix),
    }
}

/// Two notices show the same (their titles compared by content).
fn same_notice(a: &NoticeRow, b: &NoticeRow) -> bool {
    let without_titles = |r: &NoticeRow| NoticeRow {
        titles: Default::default(),
        ..r.clone()
    };
    without_titles(a) == without_titles(b) && models::same_rows(&a.titles, &b.titles)
}

pub(super) fn render(app: &AppWindow, state: &super::state::State, now: DateTime<Utc>) {
    let adapter = app.global::<AnnouncementsAdapter>();
    let a = &state.announcements;
    let view = &state.announcements_view;
    let (rows, notices, phone) = match &a.loaded {
        Some((all, _)) => {
            let in_section = all.in_section(view.section);
            let per_page = per_page(state.text_size);
            adapter
                .set_page_count(i32::try_from(page_count(in_section.len(), per_page)).unwrap_or(1));
            let shown: Vec<AnnouncementRow> = in_section
                .iter()
                .skip(view.page * per_page)
                .take(per_page)
                .map(|x| row(x, state.lang))
                .collect();
            let notices: Vec<NoticeRow> =
                all.current_notices(now).into_iter().map(notice).collect();
            (shown, notices, all.contact_centre_phone.as_str())
        }
        None => {
            adapter.set_page_count(1);
            (Vec::new(), Vec::new(), "")
        }
    };
    models::sync_by(adapter.get_notices(), notices, same_notice, |m| {
        adapter.set_notices(m)
    });
    models::sync(adapter.get_rows(), rows, |m| adapter.set_rows(m));
    adapter.set_section(section_to_ui(view.section));
    adapter.set_page(i32::try_from(view.page).unwrap_or(0));
    adapter.set_contact_phone(phone.into());
    adapter.set_unavailable(a.unavailable && a.loaded.is_none());
}

/// How often the welcome screen looks at the cache for new notices (the sync worker refreshes
/// the cache every quarter of an hour).
const NOTICES_REREAD: std::time::Duration = std::time::Duration::from_secs(60);

impl Inner {
    /// Plays the video of the instruction at `index` on the page shown, in the sign panel.
    fn watch_video(&self, index: i32) {
        let slot = {
            let s = self.state.borrow();
            let view = &s.announcements_view;
            let per_page = per_page(s.text_size);
            let Some((all, _)) = &s.announcements.loaded else {
                return;
            };
            usize::try_from(index)
                .ok()
                .and_then(|i| {
                    all.in_section(view.section)
                        .into_iter()
                        .nth(view.page * per_page + i)
                })
                .and_then(|x| x.video.as_deref())
                .and_then(komek_kiosk_core::sign::manifest::slot)
        };
        match slot {
            Some(slot) => self.open_sign_panel(Some(slot)),
            None => tracing::warn!("an instruction's video is not installed on this kiosk"),
        }
    }

    /// Reads the cached announcements (local, fast), for the welcome screen's notices.
    pub(super) fn reload_announcements(&self) {
        let found = self.core.cached_announcements();
        let mut s = self.state.borrow_mut();
        s.announcements.read_at = Some(self.clock.monotonic());
        if found.is_some() {
            s.announcements.loaded = found;
        }
    }

    /// On the welcome screen: until the first copy arrives, at every tick; then every minute.
    pub(super) fn refresh_notices(&self) {
        let due = {
            let s = self.state.borrow();
            let a = &s.announcements;
            s.screen == Screen::Welcome
                && (a.loaded.is_none()
                    || a.read_at.is_none_or(|at| {
                        self.clock.monotonic().saturating_sub(at) >= NOTICES_REREAD
                    }))
        };
        if due {
            self.reload_announcements();
        }
    }

    fn open_announcements(&self) {
        let from = self.state.borrow().screen;
        {
            let mut s = self.state.borrow_mut();
            // Opened again, it starts on the notices: what matters now comes first.
            s.announcements_view = AnnouncementsView {
                from: Some(from),
                ..AnnouncementsView::default()
            };
            s.announcements.unavailable = false;
        }
        self.reload_announcements();
        if self.state.borrow().announcements.loaded.is_none() {
            let core = self.core.clone();
            self.spawn(interrupted, async move {
                Update::Announcements(core.announcements().await)
            });
        }
        self.show(Screen::Announcements);
    }

    pub(super) fn apply_announcements(&self, found: Option<(Announcements, DateTime<Utc>)>) {
        let mut s = self.state.borrow_mut();
        match found {
            Some(found) => s.announcements.loaded = Some(found),
            None => s.announcements.unavailable = true,
        }
    }

    /// Back from the announcements: to where the person came from.
    pub(super) fn leave_announcements(&self) {
        let from = self
            .state
            .borrow()
            .announcements_view
            .from
            .unwrap_or(Screen::Welcome);
        self.show(from);
    }
}
/// A fetch that died is an announcements page that could not be read.
fn interrupted(state: &mut super::state::State) {
    state.announcements.unavailable = true;
}
