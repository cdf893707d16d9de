//! Astana time, in which every date of the portal's rules is counted and every time a person
//! sees is written (UTC+5 all year since 1 March 2024; `Asia/Almaty` keeps the +6 before).

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Asia::Almaty;

/// The date in Astana at the instant `now`.
pub fn date_on(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&Almaty).date_naive()
}

/// The wall-clock time in Astana at the instant `t`.
pub fn local(t: DateTime<Utc>) -> NaiveDateTime {
    t.with_timezone(&Almaty).naive_local()
}

/// The instant at which Astana's clocks show `local`.
pub fn to_utc(local: NaiveDateTime) -> DateTime<Utc> {
    // Kazakhstan has no daylight saving: every local time exists exactly once.
    Almaty
        .from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&(local - chrono::Duration::hours(5))))
}

/// An instant as a person reads it: `DD.MM.YYYY HH:MM`, Astana time.
pub fn time_text(t: DateTime<Utc>) -> String {
    t.with_timezone(&Almaty)
        .format("%d.%m.%Y %H:%M")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn astana_is_five_hours_ahead_of_utc() {
        let late_utc = Utc.with_ymd_and_hms(2026, 12, 31, 19, 30, 0).single();
        let Some(t) = late_utc else {
            panic!("a valid instant")
        };
        assert_eq!(
            date_on(t),
            NaiveDate::from_ymd_opt(2027, 1, 1).unwrap_or_default()
        );
        assert_eq!(time_text(t), "01.01.2027 00:30");
        assert_eq!(to_utc(local(t)), t);
    }
}
