//! The administrator's announcements (Rules item 14) and which of them are current notices:
//! what the welcome screen shows before anyone has logged in.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::Text;

/// Maintenance shows on the welcome screen from this long before it starts.
pub const MAINTENANCE_NOTICE_AHEAD: Duration = Duration::days(7);
/// The welcome screen has room for this many notices.
pub const WELCOME_NOTICES: usize = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnnouncementKind {
    Maintenance,
    Failure,
    News,
    Question,
    Instruction,
}

/// The parts of the announcements screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Section {
    /// Maintenance and failures.
    #[default]
    Notices,
    News,
    Questions,
    Instructions,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Announcement {
    pub id: String,
    pub kind: AnnouncementKind,
    pub title: Text,
    pub body: Text,
    pub published_on: NaiveDate,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub planned_fix: Option<DateTime<Utc>>,
    /// An instruction's video: the clip slot it plays from (see `sign::manifest`).
    pub video: Option<String>,
}

impl Announcement {
    pub fn section(&self) -> Section {
        match self.kind {
            AnnouncementKind::Maintenance | AnnouncementKind::Failure => Section::Notices,
            AnnouncementKind::News => Section::News,
            AnnouncementKind::Question => Section::Questions,
            AnnouncementKind::Instruction => Section::Instructions,
        }
    }

    /// A notice people should see now: maintenance from a week before it starts until it
    /// ends, a failure until it is fixed.
    pub fn is_current(&self, now: DateTime<Utc>) -> bool {
        let not_over = self.ends_at.is_none_or(|end| now < end);
        match self.kind {
            AnnouncementKind::Maintenance => {
                not_over
                    && self
                        .starts_at
                        .is_some_and(|start| start - now <= MAINTENANCE_NOTICE_AHEAD)
            }
            AnnouncementKind::Failure => not_over,
            _ => false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Announcements {
    pub contact_centre_phone: String,
    /// Newest first, as the gateway sends them.
    pub items: Vec<Announcement>,
}

impl Announcements {
    pub fn in_section(&self, section: Section) -> Vec<&Announcement> {
        self.items
            .iter()
            .filter(|a| a.section() == section)
            .collect()
    }

    /// The current notices for the welcome screen: failures first (they affect people now),
    /// then maintenance by its start; at most [`WELCOME_NOTICES`].
    pub fn current_notices(&self, now: DateTime<Utc>) -> Vec<&Announcement> {
        let mut notices: Vec<&Announcement> =
            self.items.iter().filter(|a| a.is_current(now)).collect();
        notices.sort_by_key(|a| (a.kind != AnnouncementKind::Failure, a.starts_at));
        notices.truncate(WELCOME_NOTICES);
        notices
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).unwrap()
    }

    fn announcement(
        id: &str,
        kind: AnnouncementKind,
        starts: Option<DateTime<Utc>>,
        ends: Option<DateTime<Utc>>,
    ) -> Announcement {
        Announcement {
            id: id.into(),
            kind,
            title: Text::default(),
            body: Text::default(),
            published_on: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            starts_at: starts,
            ends_at: ends,
            planned_fix: None,
            video: None,
        }
    }

    #[test]
    fn maintenance_is_a_notice_from_a_week_ahead_until_it_ends() {
        let m = announcement(
            "m",
            AnnouncementKind::Maintenance,
            Some(at(20, 20)),
            Some(at(20, 23)),
        );
        assert!(!m.is_current(at(13, 19)), "more than a week ahead");
        assert!(m.is_current(at(13, 20)));
        assert!(m.is_current(at(20, 22)), "under way");
        assert!(!m.is_current(at(20, 23)), "over");
    }

    #[test]
    fn a_failure_is_a_notice_until_it_is_fixed_and_news_never_is() {
        let open = announcement("f", AnnouncementKind::Failure, Some(at(10, 9)), None);
        assert!(open.is_current(at(30, 9)));
        let fixed = announcement(
            "f",
            AnnouncementKind::Failure,
            Some(at(10, 9)),
            Some(at(11, 9)),
        );
        assert!(!fixed.is_current(at(12, 9)));
        let news = announcement("n", AnnouncementKind::News, None, None);
        assert!(!news.is_current(at(12, 9)));
    }

    #[test]
    fn the_welcome_screen_gets_failures_first_and_two_at_most() {
        let all = Announcements {
            contact_centre_phone: String::new(),
            items: vec![
                announcement("m1", AnnouncementKind::Maintenance, Some(at(22, 1)), None),
                announcement("m2", AnnouncementKind::Maintenance, Some(at(21, 1)), None),
                announcement("f", AnnouncementKind::Failure, Some(at(19, 1)), None),
                announcement("q", AnnouncementKind::Question, None, None),
            ],
        };
        let ids: Vec<&str> = all
            .current_notices(at(20, 0))
            .iter()
            .map(|a| a.id.as_str())
            .collect();
        assert_eq!(ids, ["f", "m2"]);
        assert_eq!(all.in_section(Section::Notices).len(), 3);
        assert_eq!(all.in_section(Section::Questions).len(), 1);
    }
}
