//! The two-month window to choose a supplier (Rules item 10): it runs two calendar months from
//! the notice date; afterwards the choice is blocked until the person asks to activate it.

use chrono::{Months, NaiveDate};

/// How many calendar months a person has to choose a supplier.
pub const CHOICE_WINDOW_MONTHS: u32 = 2;

/// The last day on which a supplier can still be chosen: the same day number two months later,
/// or the last day of that month when it is shorter (a notice on 31 December ends on the last
/// day of February).
pub fn window_last_day(notice: NaiveDate) -> NaiveDate {
    // `checked_add_months` clamps to the month's end; it only fails past year 262143.
    notice
        .checked_add_months(Months::new(CHOICE_WINDOW_MONTHS))
        .unwrap_or(NaiveDate::MAX)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChoiceWindow {
    /// The person has not been notified yet, so no window runs.
    NotNotified,
    /// Choosing is possible through `last_day`; `days_left` is 0 on the last day itself.
    Open { last_day: NaiveDate, days_left: u32 },
    /// The window passed on `last_day`; the choice is blocked.
    Closed { last_day: NaiveDate },
}

impl ChoiceWindow {
    pub fn on(notice: Option<NaiveDate>, today: NaiveDate) -> Self {
        let Some(notice) = notice else {
            return ChoiceWindow::NotNotified;
        };
        let last_day = window_last_day(notice);
        if today > last_day {
            ChoiceWindow::Closed { last_day }
        } else {
            let days = (last_day - today).num_days();
            ChoiceWindow::Open {
                last_day,
                days_left: u32::try_from(days).unwrap_or(u32::MAX),
            }
        }
    }

    pub fn is_closed(&self) -> bool {
        matches!(self, ChoiceWindow::Closed { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;

    /// Days in the month of `date`, used by tests to state month-end expectations plainly.
    pub fn days_in_month(date: NaiveDate) -> u32 {
        let first = NaiveDate::from_ymd_opt(date.year(), date.month(), 1).unwrap_or(date);
        let next = first
            .checked_add_months(Months::new(1))
            .unwrap_or(NaiveDate::MAX);
        u32::try_from((next - first).num_days()).unwrap_or(31)
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn check(notice: NaiveDate, expected_last_day: NaiveDate) {
        assert_eq!(
            window_last_day(notice),
            expected_last_day,
            "notice {notice}"
        );
    }

    #[test]
    fn window_ends_two_calendar_months_later() {
        check(d(2026, 1, 15), d(2026, 3, 15));
        check(d(2026, 10, 1), d(2026, 12, 1));
        check(d(2026, 11, 23), d(2027, 1, 23));
    }

    #[test]
    fn window_clamps_to_the_end_of_a_shorter_month() {
        // 31 December → last day of February, in common and leap years.
        check(d(2026, 12, 31), d(2027, 2, 28));
        check(d(2027, 12, 31), d(2028, 2, 29));
        check(d(2027, 12, 30), d(2028, 2, 29));
        check(d(2027, 12, 29), d(2028, 2, 29));
        check(d(2025, 12, 29), d(2026, 2, 28));
        // 31 → 30-day month.
        check(d(2026, 7, 31), d(2026, 9, 30));
        check(d(2026, 2, 28), d(2026, 4, 28));
        check(d(2028, 2, 29), d(2028, 4, 29));
        assert_eq!(days_in_month(d(2028, 2, 1)), 29);
        assert_eq!(days_in_month(d(2027, 2, 1)), 28);
    }

    #[test]
    fn window_state_counts_days_and_closes_the_day_after_the_last() {
        let notice = d(2026, 12, 31);
        assert_eq!(
            ChoiceWindow::on(Some(notice), d(2027, 2, 25)),
            ChoiceWindow::Open {
                last_day: d(2027, 2, 28),
                days_left: 3
            }
        );
        assert_eq!(
            ChoiceWindow::on(Some(notice), d(2027, 2, 28)),
            ChoiceWindow::Open {
                last_day: d(2027, 2, 28),
                days_left: 0
            }
        );
        assert_eq!(
            ChoiceWindow::on(Some(notice), d(2027, 3, 1)),
            ChoiceWindow::Closed {
                last_day: d(2027, 2, 28)
            }
        );
        assert_eq!(
            ChoiceWindow::on(None, d(2027, 3, 1)),
            ChoiceWindow::NotNotified
        );
        assert!(ChoiceWindow::on(Some(notice), d(2027, 3, 1)).is_closed());
    }
}
