//! The deadlines of a technical-failure request (item 15 of the Rules of use of the portal),
//! counted in the contact centre's working time (item 16): Astana time, working days
//! 09:00-18:30. A request that arrives outside those hours is taken as received at the start of
//! the next working day.
//!
//! Each step's deadline runs from the moment the step before it happened:
//! received → registered (3 h) → analysed (1 working day) → if confirmed, escalated to the
//! administrator (3 h); the administrator's decision → the person notified (30 min); escalated →
//! fix started (1 working day); fixed → the person notified (3 h).

use chrono::{DateTime, Duration, Utc};

use super::calendar::{WorkCalendar, working_day};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Registration,
    Analysis,
    Escalation,
    DecisionNotice,
    FixStart,
    FixNotice,
}

impl Step {
    /// How much working time the step may take.
    pub fn allowance(self) -> Duration {
        match self {
            Step::Registration | Step::Escalation | Step::FixNotice => Duration::hours(3),
            Step::Analysis | Step::FixStart => working_day(),
            Step::DecisionNotice => Duration::minutes(30),
        }
    }
}

/// What the contact centre's analysis found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finding {
    Confirmed,
    Refuted,
}

/// When each step of a request happened, as far as it has gone (all UTC).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Timeline {
    pub submitted: Option<DateTime<Utc>>,
    pub registered: Option<DateTime<Utc>>,
    pub analysed: Option<(DateTime<Utc>, Finding)>,
    pub escalated: Option<DateTime<Utc>>,
    /// The administrator confirmed or refuted the failure.
    pub decided: Option<DateTime<Utc>>,
    pub decision_notified: Option<DateTime<Utc>>,
    pub fix_started: Option<DateTime<Utc>>,
    pub fixed: Option<DateTime<Utc>>,
    pub fix_notified: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Done by its deadline.
    Met,
    /// Done, but late.
    MissedDoneLate,
    /// Not done, and the deadline has passed.
    Overdue,
    /// Not done yet; the deadline is still ahead.
    Pending,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    pub step: Step,
    pub due: DateTime<Utc>,
    pub done: Option<DateTime<Utc>>,
}

impl Deadline {
    pub fn verdict(&self, now: DateTime<Utc>) -> Verdict {
        match self.done {
            Some(done) if done <= self.due => Verdict::Met,
            Some(_) => Verdict::MissedDoneLate,
            None if now > self.due => Verdict::Overdue,
            None => Verdict::Pending,
        }
    }
}

/// The moment the contact centre counts as having received a request submitted at `submitted`.
pub fn received(calendar: &WorkCalendar, submitted: DateTime<Utc>) -> DateTime<Utc> {
    calendar.next_working_moment(submitted)
}

/// The deadline of `step` when the step it follows happened at `from`.
pub fn due(calendar: &WorkCalendar, step: Step, from: DateTime<Utc>) -> DateTime<Utc> {
    calendar.add_working_time(from, step.allowance())
}

/// Every deadline that applies so far, in order: each appears once the step it runs from has
/// happened.
pub fn deadlines(calendar: &WorkCalendar, t: &Timeline) -> Vec<Deadline> {
    let mut out = Vec::new();
    let mut push = |step: Step, from: Option<DateTime<Utc>>, done: Option<DateTime<Utc>>| {
        if let Some(from) = from {
            out.push(Deadline {
                step,
                due: due(calendar, step, from),
                done,
            });
        }
    };
    push(Step::Registration, t.submitted, t.registered);
    push(Step::Analysis, t.registered, t.analysed.map(|(at, _)| at));
    let confirmed = t
        .analysed
        .filter(|(_, finding)| *finding == Finding::Confirmed)
        .map(|(at, _)| at);
    push(Step::Escalation, confirmed, t.escalated);
    push(Step::DecisionNotice, t.decided, t.decision_notified);
    push(Step::FixStart, t.escalated, t.fix_started);
    push(Step::FixNotice, t.fixed, t.fix_notified);
    out
}

#[cfg(test)]
mod tests {
    use super::super::calendar::tests::{at, shown};
    use super::*;

    fn registration_due(submitted: &str) -> (String, String) {
        let cal = WorkCalendar::kazakhstan().unwrap();
        let submitted = at(submitted);
        (
            shown(received(&cal, submitted)),
            shown(due(&cal, Step::Registration, submitted)),
        )
    }

    #[test]
    fn a_request_a_minute_before_closing_counts_from_then() {
        // Tuesday 24 November 2026.
        assert_eq!(
            registration_due("2026-11-24 18:29"),
            ("2026-11-24 18:29".into(), "2026-11-25 11:59".into())
        );
    }

    #[test]
    fn a_request_a_minute_after_closing_is_received_the_next_morning() {
        assert_eq!(
            registration_due("2026-11-24 18:31"),
            ("2026-11-25 09:00".into(), "2026-11-25 12:00".into())
        );
        assert_eq!(
            registration_due("2026-11-24 18:30"),
            ("2026-11-25 09:00".into(), "2026-11-25 12:00".into()),
            "18:30 is already closed"
        );
    }

    #[test]
    fn friday_evening_and_saturday_requests_are_received_on_monday() {
        assert_eq!(
            registration_due("2026-11-27 19:40"),
            ("2026-11-30 09:00".into(), "2026-11-30 12:00".into())
        );
        assert_eq!(
            registration_due("2026-11-28 11:00"),
            ("2026-11-30 09:00".into(), "2026-11-30 12:00".into())
        );
    }

    #[test]
    fn on_the_eve_of_nauryz_the_clock_stops_for_the_whole_holiday() {
        // Friday 20 March 2026, 17:00: 1 h 30 before closing, then Nauryz 21-25 March.
        assert_eq!(
            registration_due("2026-03-20 17:00"),
            ("2026-03-20 17:00".into(), "2026-03-26 10:30".into())
        );
        // During the holiday (Tuesday 24 March, a day off moved from the weekend).
        assert_eq!(
            registration_due("2026-03-24 10:00"),
            ("2026-03-26 09:00".into(), "2026-03-26 12:00".into())
        );
    }

    #[test]
    fn a_weekend_day_worked_by_transfer_counts_as_a_working_day() {
        // Friday 3 January 2025 was a day off moved from Sunday 5 January, which was worked.
        assert_eq!(
            registration_due("2025-01-03 10:00"),
            ("2025-01-05 09:00".into(), "2025-01-05 12:00".into())
        );
        assert_eq!(
            registration_due("2025-01-04 15:00"),
            ("2025-01-05 09:00".into(), "2025-01-05 12:00".into())
        );
    }

    #[test]
    fn each_deadline_runs_from_the_step_before_and_says_whether_it_was_met() {
        let cal = WorkCalendar::kazakhstan().unwrap();
        let timeline = Timeline {
            submitted: Some(at("2026-11-24 18:00")),
            registered: Some(at("2026-11-25 09:20")),
            analysed: Some((at("2026-11-26 10:00"), Finding::Confirmed)),
            escalated: Some(at("2026-11-26 11:00")),
            decided: Some(at("2026-11-26 15:00")),
            decision_notified: Some(at("2026-11-26 15:45")),
            fix_started: None,
            fixed: None,
            fix_notified: None,
        };
        let all = deadlines(&cal, &timeline);
        let steps: Vec<Step> = all.iter().map(|d| d.step).collect();
        assert_eq!(
            steps,
            [
                Step::Registration,
                Step::Analysis,
                Step::Escalation,
                Step::DecisionNotice,
                Step::FixStart
            ]
        );
        let now = at("2026-11-27 12:00");
        let verdicts: Vec<Verdict> = all[..4].iter().map(|d| d.verdict(now)).collect();
        assert_eq!(
            verdicts,
            [
                Verdict::Met,            // due 25 Nov 11:30, done 09:20
                Verdict::MissedDoneLate, // due 26 Nov 09:20, done 10:00
                Verdict::Met,            // due 26 Nov 13:00, done 11:00
                Verdict::MissedDoneLate, // due 26 Nov 15:30, done 15:45
            ]
        );
        assert_eq!(shown(all[0].due), "2026-11-25 11:30");
        assert_eq!(shown(all[1].due), "2026-11-26 09:20");
        // Fix start: one working day from escalation (26 Nov 11:00) is 27 Nov 11:00; at noon
        // it is overdue.
        assert_eq!(shown(all[4].due), "2026-11-27 11:00");
        assert_eq!(all[4].verdict(now), Verdict::Overdue);
        assert_eq!(all[4].verdict(at("2026-11-27 10:00")), Verdict::Pending);
        // A refuted request is never escalated, so it has no escalation deadline.
        let refuted = Timeline {
            analysed: Some((at("2026-11-26 10:00"), Finding::Refuted)),
            escalated: None,
            ..timeline
        };
        assert!(
            !deadlines(&cal, &refuted)
                .iter()
                .any(|d| d.step == Step::Escalation)
        );
    }
}
