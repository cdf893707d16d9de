//! Working time in Astana: working days (Monday to Friday, less holidays and the days off moved
//! onto weekdays, plus the weekend days worked instead) from 09:00 to 18:30, and arithmetic in
//! working time. The calendar data is `assets/calendar/kz-days-off.toml`, compiled in.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc, Weekday};
use serde::Deserialize;

const KAZAKHSTAN: &str = include_str!("../../assets/calendar/kz-days-off.toml");

/// The contact centre's hours (item 16 of the Rules), Astana time: [09:00, 18:30).
pub fn opens() -> NaiveTime {
    NaiveTime::from_hms_opt(9, 0, 0).unwrap_or(NaiveTime::MIN)
}

pub fn closes() -> NaiveTime {
    NaiveTime::from_hms_opt(18, 30, 0).unwrap_or(NaiveTime::MIN)
}

/// One working day's worth of working time (09:00 to 18:30).
pub fn working_day() -> Duration {
    closes() - opens()
}

/// Far more days than any run of days off; a bound so a broken calendar cannot loop forever.
const MAX_DAYS_AHEAD: u32 = 366;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkCalendar {
    days_off: BTreeSet<NaiveDate>,
    working_weekends: BTreeSet<NaiveDate>,
    years: BTreeSet<i32>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CalendarError {
    #[error("the calendar does not parse: {0}")]
    Syntax(String),
    #[error(
        "{0} is listed as a day off but is a weekend day, or as a working weekend but is a weekday"
    )]
    WrongWeekday(NaiveDate),
    #[error("{0} is listed under the year {1}")]
    WrongYear(NaiveDate, i32),
}

#[derive(Deserialize)]
struct Year {
    days_off: Vec<NaiveDate>,
    working_weekends: Vec<NaiveDate>,
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

impl WorkCalendar {
    /// Kazakhstan's calendar, 2025 to 2027.
    pub fn kazakhstan() -> Result<Self, CalendarError> {
        Self::from_toml(KAZAKHSTAN)
    }

    pub fn from_toml(text: &str) -> Result<Self, CalendarError> {
        let years: std::collections::BTreeMap<i32, Year> =
            toml::from_str(text).map_err(|e| CalendarError::Syntax(e.to_string()))?;
        let mut calendar = WorkCalendar {
            days_off: BTreeSet::new(),
            working_weekends: BTreeSet::new(),
            years: years.keys().copied().collect(),
        };
        for (year, days) in years {
            for d in days.days_off {
                if d.year() != year {
                    return Err(CalendarError::WrongYear(d, year));
                }
                if is_weekend(d) {
                    return Err(CalendarError::WrongWeekday(d));
                }
                calendar.days_off.insert(d);
            }
            for d in days.working_weekends {
                if d.year() != year {
                    return Err(CalendarError::WrongYear(d, year));
                }
                if !is_weekend(d) {
                    return Err(CalendarError::WrongWeekday(d));
                }
                calendar.working_weekends.insert(d);
            }
        }
        Ok(calendar)
    }

    /// Whether the calendar knows this date's year (outside it only weekends are days off).
    pub fn covers(&self, d: NaiveDate) -> bool {
        self.years.contains(&d.year())
    }

    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        if is_weekend(d) {
            self.working_weekends.contains(&d)
        } else {
            !self.days_off.contains(&d)
        }
    }

    /// The first moment at or after `t` within working hours.
    pub fn next_working_moment(&self, t: DateTime<Utc>) -> DateTime<Utc> {
        to_utc(self.next_working_local(astana(t)))
    }

    /// `t` plus `work` counted in working time only; counting starts at the first working
    /// moment at or after `t`.
    pub fn add_working_time(&self, t: DateTime<Utc>, work: Duration) -> DateTime<Utc> {
        let mut at = self.next_working_local(astana(t));
        let mut left = work;
        for _ in 0..MAX_DAYS_AHEAD {
            let close = at.date().and_time(closes());
            let available = close - at;
            if left <= available {
                return to_utc(at + left);
            }
            left -= available;
            at = self.next_working_local(close);
        }
        to_utc(at + left)
    }

    fn next_working_local(&self, mut local: NaiveDateTime) -> NaiveDateTime {
        for _ in 0..MAX_DAYS_AHEAD {
            let day = local.date();
            if self.is_working_day(day) {
                if local.time() < opens() {
                    return day.and_time(opens());
                }
                if local.time() < closes() {
                    return local;
                }
            }
            let Some(next) = day.succ_opt() else {
                return local;
            };
            local = next.and_time(opens());
        }
        local
    }
}

use crate::astana::{local as astana, to_utc};

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn at(text: &str) -> DateTime<Utc> {
        let local = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap();
        to_utc(local)
    }

    pub(crate) fn shown(t: DateTime<Utc>) -> String {
        astana(t).format("%Y-%m-%d %H:%M").to_string()
    }

    #[test]
    fn the_calendar_knows_holidays_moved_days_and_transfer_days() {
        let cal = WorkCalendar::kazakhstan().unwrap();
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert!(
            !cal.is_working_day(d("2026-03-24")),
            "Nauryz, moved from the weekend"
        );
        assert!(!cal.is_working_day(d("2026-05-27")), "Kurban Ait");
        assert!(
            cal.is_working_day(d("2026-08-31")),
            "no longer Constitution Day"
        );
        assert!(
            cal.is_working_day(d("2025-01-05")),
            "a Sunday worked for 3 January"
        );
        assert!(!cal.is_working_day(d("2025-01-03")));
        assert!(!cal.is_working_day(d("2026-11-28")), "a Saturday");
        assert!(cal.covers(d("2027-12-31")) && !cal.covers(d("2028-01-03")));
        assert!(
            cal.is_working_day(d("2028-01-03")),
            "unknown years: Monday to Friday"
        );
    }

    #[test]
    fn mistakes_in_the_calendar_data_are_refused() {
        let weekend = "[2026]\ndays_off = [\"2026-11-28\"]\nworking_weekends = []\n";
        assert_eq!(
            WorkCalendar::from_toml(weekend),
            Err(CalendarError::WrongWeekday(
                NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
            ))
        );
        let year = "[2026]\ndays_off = [\"2027-01-05\"]\nworking_weekends = []\n";
        assert!(matches!(
            WorkCalendar::from_toml(year),
            Err(CalendarError::WrongYear(_, 2026))
        ));
        assert!(WorkCalendar::from_toml("nonsense").is_err());
    }

    #[test]
    fn working_time_skips_evenings_weekends_and_holidays() {
        let cal = WorkCalendar::kazakhstan().unwrap();
        // Tuesday 24 November 2026, inside working hours: the clock runs at once.
        assert_eq!(
            shown(cal.add_working_time(at("2026-11-24 10:00"), Duration::hours(3))),
            "2026-11-24 13:00"
        );
        // Thursday evening: one minute today, the rest tomorrow morning.
        assert_eq!(
            shown(cal.add_working_time(at("2026-11-26 18:29"), Duration::hours(3))),
            "2026-11-27 11:59"
        );
        // A whole working day from Friday noon ends on Monday at noon.
        assert_eq!(
            shown(cal.add_working_time(at("2026-11-27 12:00"), working_day())),
            "2026-11-30 12:00"
        );
        assert_eq!(
            shown(cal.next_working_moment(at("2026-11-24 07:45"))),
            "2026-11-24 09:00"
        );
    }
}
