//! The announcements screen (Rules item 14) and the current notices on the welcome screen. The
//! announcements are public: read from the cache (refreshed by the sync worker), fetched when
//! there is no copy yet, and readable without logging in.

use std::rc::Rc;
use std::time::Duration;

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
    pub read_at: Option<Duration>,
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

/// Read from the cache: the announcements found there (if any), and when it was read
/// (monotonic).
pub struct CacheRead {
    pub found: Option<(Announcements, DateTime<Utc>)>,
    pub at: Duration,
}

/// What the person did on the announcements, and what came back.
pub enum Msg {
    /// Opened from the screen on show, with the cache read just now.
    Open(Screen, CacheRead),
    /// The cache read again for the welcome screen's notices.
    Reread(CacheRead),
    /// A timer round: `Duration` since the kiosk started (monotonic).
    Tick(Duration),
    Fetched(Option<(Announcements, DateTime<Utc>)>),
    Choose(Section),
    NextPage,
    PreviousPage,
    /// Watch the video of the instruction at this index of the page shown.
    Watch(i32),
    Back,
}

/// What the announcements need of the rest of the kiosk.
#[derive(Clone, Copy)]
pub struct Context {
    pub screen: Screen,
    pub text_size: i32,
}

pub enum Effect {
    Show(Screen),
    /// Read the cache again (local and fast).
    ReadCache,
    /// No copy yet: fetch one from the gateway.
    Fetch,
    /// Play this sign-language clip in the sign panel.
    Play(&'static str),
}

/// The announcements room: the public copy, kept between visits, and where the person is.
pub struct Room<'a> {
    pub public: &'a mut AnnouncementsState,
    pub view: &'a mut AnnouncementsView,
}

impl Room<'_> {
    pub fn update(self, msg: Msg, cx: Context) -> Vec<Effect> {
        let per_page = per_page(cx.text_size);
        match msg {
            Msg::Open(from, read) => {
                // Opened again, it starts on the notices: what matters now comes first.
                *self.view = AnnouncementsView {
                    from: Some(from),
                    ..AnnouncementsView::default()
                };
                self.public.unavailable = false;
                self.public.cached(read);
                let mut effects = Vec::new();
                if self.public.loaded.is_none() {
                    effects.push(Effect::Fetch);
                }
                effects.push(Effect::Show(Screen::Announcements));
                effects
            }
            Msg::Reread(read) => {
                self.public.cached(read);
                Vec::new()
            }
            // On the welcome screen: until the first copy arrives, at every tick; then every
            // minute.
            Msg::Tick(now) => {
                let a = &self.public;
                let due = cx.screen == Screen::Welcome
                    && (a.loaded.is_none()
                        || a.read_at
                            .is_none_or(|at| now.saturating_sub(at) >= NOTICES_REREAD));
                due.then_some(Effect::ReadCache).into_iter().collect()
            }
            Msg::Fetched(found) => {
                match found {
                    Some(found) => self.public.loaded = Some(found),
                    None => self.public.unavailable = true,
                }
                Vec::new()
            }
            Msg::Choose(section) => {
                self.view.section = section;
                self.view.page = 0;
                Vec::new()
            }
            Msg::NextPage => {
                let rows = self.public.in_section(self.view.section).len();
                turn_page(&mut self.view.page, true, rows, per_page);
                Vec::new()
            }
            Msg::PreviousPage => {
                turn_page(&mut self.view.page, false, 0, per_page);
                Vec::new()
            }
            Msg::Watch(index) => {
                let video = usize::try_from(index).ok().and_then(|i| {
                    self.public
                        .in_section(self.view.section)
                        .into_iter()
                        .nth(self.view.page * per_page + i)
                        .and_then(|x| x.video.as_deref())
                });
                match video.and_then(komek_kiosk_core::sign::manifest::slot) {
                    Some(slot) => vec![Effect::Play(slot)],
                    None => {
                        tracing::warn!("an instruction's video is not installed on this kiosk");
                        Vec::new()
                    }
                }
            }
            // To where the person came from.
            Msg::Back => vec![Effect::Show(self.view.from.unwrap_or(Screen::Welcome))],
        }
    }
}

impl AnnouncementsState {
    /// A copy found in the cache replaces the one shown; none found keeps it.
    fn cached(&mut self, read: CacheRead) {
        self.read_at = Some(read.at);
        if read.found.is_some() {
            self.loaded = read.found;
        }
    }

    fn in_section(&self, section: Section) -> Vec<&Announcement> {
        self.loaded
            .as_ref()
            .map(|(all, _)| all.in_section(section))
            .unwrap_or_default()
    }
}

/// A fetch that died is an announcements page that could not be read.
fn interrupted(state: &mut super::state::State) {
    state.announcements.unavailable = true;
}

pub(super) fn wire(app: &AppWindow, inner: &Rc<Inner>) {
    let adapter = app.global::<AnnouncementsAdapter>();
    adapter.on_open(act(inner, |i| {
        let from = i.state.borrow().screen;
        i.announcements(Msg::Open(from, i.read_announcements()));
    }));
    adapter.on_watch(with(inner, |i, index: i32| {
        i.announcements(Msg::Watch(index))
    }));
    adapter.on_choose(with(inner, |i, section: AnnouncementSection| {
        i.announcements(Msg::Choose(section_from_ui(section)))
    }));
    adapter.on_next_page(act(inner, |i| i.announcements(Msg::NextPage)));
    adapter.on_previous_page(act(inner, |i| i.announcements(Msg::PreviousPage)));
}

impl Inner {
    /// Hands `msg` to the announcements and carries out what they ask for.
    pub(super) fn announcements(&self, msg: Msg) {
        let effects = {
            let mut s = self.state.borrow_mut();
            let cx = Context {
                screen: s.screen,
                text_size: s.text_size,
            };
            let (public, view) = s.announcements_mut();
            Room { public, view }.update(msg, cx)
        };
        for effect in effects {
            match effect {
                Effect::Show(screen) => self.show(screen),
                Effect::ReadCache => self.announcements(Msg::Reread(self.read_announcements())),
                Effect::Fetch => {
                    let core = self.core.clone();
                    self.spawn(interrupted, async move {
                        Update::Announcements(Msg::Fetched(core.announcements().await))
                    });
                }
                Effect::Play(slot) => self.sign(super::sign_video::Msg::Open(Some(slot))),
            }
        }
    }

    /// Reads the cached announcements (local, fast).
    pub(super) fn read_announcements(&self) -> CacheRead {
        CacheRead {
            found: self.core.cached_announcements(),
            at: self.clock.monotonic(),
        }
    }
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
const NOTICES_REREAD: Duration = Duration::from_secs(60);

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn instruction(id: &str, video: Option<&str>) -> Announcement {
        Announcement {
            id: id.into(),
            kind: AnnouncementKind::Instruction,
            title: Default::default(),
            body: Default::default(),
            published_on: NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(),
            starts_at: None,
            ends_at: None,
            planned_fix: None,
            video: video.map(Into::into),
        }
    }

    fn copy() -> Option<(Announcements, DateTime<Utc>)> {
        let items = vec![
            instruction("a", None),
            instruction("b", Some("welcome")),
            instruction("c", Some("no-such-clip")),
        ];
        Some((
            Announcements {
                contact_centre_phone: "1414".into(),
                items,
            },
            DateTime::UNIX_EPOCH,
        ))
    }

    const ON_WELCOME: Context = Context {
        screen: Screen::Welcome,
        text_size: 0,
    };

    fn send(
        public: &mut AnnouncementsState,
        view: &mut AnnouncementsView,
        msg: Msg,
        cx: Context,
    ) -> Vec<Effect> {
        Room { public, view }.update(msg, cx)
    }

    #[test]
    fn opened_without_a_copy_they_are_fetched_and_back_leads_where_they_were_opened() {
        let (mut public, mut view) = Default::default();
        let read = CacheRead {
            found: None,
            at: Duration::ZERO,
        };
        let effects = send(
            &mut public,
            &mut view,
            Msg::Open(Screen::Iin, read),
            ON_WELCOME,
        );
        assert!(matches!(
            effects.as_slice(),
            [Effect::Fetch, Effect::Show(Screen::Announcements)]
        ));
        send(&mut public, &mut view, Msg::Fetched(None), ON_WELCOME);
        assert!(public.unavailable);
        let back = send(&mut public, &mut view, Msg::Back, ON_WELCOME);
        assert!(matches!(back.as_slice(), [Effect::Show(Screen::Iin)]));
    }

    #[test]
    fn the_welcome_screen_rereads_the_cache_every_minute_and_nowhere_else() {
        let mut public = AnnouncementsState::default();
        let mut view = AnnouncementsView::default();
        let tick = |public: &mut AnnouncementsState, view: &mut AnnouncementsView, s, cx| {
            !send(public, view, Msg::Tick(Duration::from_secs(s)), cx).is_empty()
        };
        assert!(tick(&mut public, &mut view, 0, ON_WELCOME), "no copy yet");
        let read = CacheRead {
            found: copy(),
            at: Duration::from_secs(1),
        };
        send(&mut public, &mut view, Msg::Reread(read), ON_WELCOME);
        assert!(!tick(&mut public, &mut view, 30, ON_WELCOME));
        assert!(tick(&mut public, &mut view, 61, ON_WELCOME));
        let elsewhere = Context {
            screen: Screen::Activities,
            ..ON_WELCOME
        };
        assert!(!tick(&mut public, &mut view, 61, elsewhere));

        let empty = CacheRead {
            found: None,
            at: Duration::from_secs(62),
        };
        send(&mut public, &mut view, Msg::Reread(empty), ON_WELCOME);
        assert!(
            public.loaded.is_some(),
            "an empty cache keeps the copy shown"
        );
    }

    #[test]
    fn an_instructions_video_plays_only_when_the_kiosk_has_its_clip() {
        let mut public = AnnouncementsState {
            loaded: copy(),
            ..AnnouncementsState::default()
        };
        let mut view = AnnouncementsView::default();
        send(
            &mut public,
            &mut view,
            Msg::Choose(Section::Instructions),
            ON_WELCOME,
        );
        let watch = |public: &mut AnnouncementsState, view: &mut AnnouncementsView, i| {
            send(public, view, Msg::Watch(i), ON_WELCOME)
        };
        assert!(watch(&mut public, &mut view, 0).is_empty(), "no video");
        assert!(matches!(
            watch(&mut public, &mut view, 1).as_slice(),
            [Effect::Play("welcome")]
        ));
        send(&mut public, &mut view, Msg::NextPage, ON_WELCOME);
        assert_eq!(view.page, 1);
        assert!(
            watch(&mut public, &mut view, 0).is_empty(),
            "clip not installed"
        );
        send(&mut public, &mut view, Msg::NextPage, ON_WELCOME);
        assert_eq!(view.page, 1, "no page past the last");
    }
}
