//! The proactive offer (the home-education pilot, pilot items P9-P12 of docs/rules.md): the
//! state finds a person entitled to a service and asks them, within 3 working days, for consent
//! and the bank account to pay into, or tells them the banks where one can be opened.

use chrono::{DateTime, Utc};

use super::Text;
use super::calendar::{WorkCalendar, working_day};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfferStatus {
    AwaitingAnswer,
    Accepted,
    Refused,
    /// Consent given; the person opens an account in a listed bank, which tells the state.
    AwaitingAccount,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankAccount {
    pub id: String,
    pub bank: String,
    /// Only the last digits are known to the kiosk.
    pub number_masked: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProactiveOffer {
    pub id: String,
    pub service: Text,
    /// The child the service is for.
    pub child_name: String,
    /// When the SMS about it was sent: the answer time runs from here.
    pub sent_at: DateTime<Utc>,
    pub answer_within_working_days: u32,
    pub accounts: Vec<BankAccount>,
    /// Banks where an account for the payment can be opened.
    pub banks: Vec<String>,
    pub status: OfferStatus,
    pub contact_centre: String,
}

impl ProactiveOffer {
    /// The last moment to answer: the working days counted in Astana working time from the
    /// SMS (an SMS after hours counts from the next working morning).
    pub fn answer_by(&self, calendar: &WorkCalendar) -> DateTime<Utc> {
        let days = i32::try_from(self.answer_within_working_days).unwrap_or(i32::MAX);
        calendar.add_working_time(self.sent_at, working_day() * days)
    }

    /// Whether the person can still answer it at `now`.
    pub fn awaits_answer(&self, calendar: &WorkCalendar, now: DateTime<Utc>) -> bool {
        self.status == OfferStatus::AwaitingAnswer && now < self.answer_by(calendar)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn astana(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        // Astana is UTC+5 all year.
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap() - chrono::Duration::hours(5)
    }

    fn offer(sent_at: DateTime<Utc>) -> ProactiveOffer {
        ProactiveOffer {
            id: "po-1".into(),
            service: Text::default(),
            child_name: String::new(),
            sent_at,
            answer_within_working_days: 3,
            accounts: Vec::new(),
            banks: Vec::new(),
            status: OfferStatus::AwaitingAnswer,
            contact_centre: "1414".into(),
        }
    }

    #[test]
    fn three_working_days_skip_the_weekend() {
        let cal = WorkCalendar::kazakhstan().unwrap();
        // Thursday 2026-11-19 at 10:00 → Tuesday 2026-11-24 at 10:00.
        let o = offer(astana(2026, 11, 19, 10, 0));
        assert_eq!(o.answer_by(&cal), astana(2026, 11, 24, 10, 0));
    }

    #[test]
    fn an_sms_in_the_evening_counts_from_the_next_working_morning() {
        let cal = WorkCalendar::kazakhstan().unwrap();
        // Friday 2026-11-20 at 20:00 → counting starts Monday 09:00 → Wednesday 18:30.
        let o = offer(astana(2026, 11, 20, 20, 0));
        assert_eq!(o.answer_by(&cal), astana(2026, 11, 25, 18, 30));
    }

    #[test]
    fn public_holidays_do_not_count() {
        let cal = WorkCalendar::kazakhstan().unwrap();
        // Tuesday 2026-12-15 at 12:00; 16 December (Independence Day) is a day off, so the
        // days are Thursday, Friday and Monday (without the holiday it would be Friday).
        let o = offer(astana(2026, 12, 15, 12, 0));
        assert!(!cal.is_working_day(chrono::NaiveDate::from_ymd_opt(2026, 12, 16).unwrap()));
        assert_eq!(o.answer_by(&cal), astana(2026, 12, 21, 12, 0));
    }

    #[test]
    fn an_offer_awaits_an_answer_only_until_its_deadline_and_only_once() {
        let cal = WorkCalendar::kazakhstan().unwrap();
        let mut o = offer(astana(2026, 11, 19, 10, 0));
        assert!(o.awaits_answer(&cal, astana(2026, 11, 24, 9, 59)));
        assert!(!o.awaits_answer(&cal, astana(2026, 11, 24, 10, 0)));
        o.status = OfferStatus::Accepted;
        assert!(!o.awaits_answer(&cal, astana(2026, 11, 20, 10, 0)));
    }
}
