//! Activities of the individual rehabilitation programme (IPR) and what a person can do with each.

use chrono::NaiveDate;

use super::catalogue::Category;
use super::text::Text;
use super::window::ChoiceWindow;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivityStatus {
    AwaitingChoice,
    SupplierChosen,
    ApplicationSigned,
    InDelivery,
    Realised,
    ChoiceBlocked,
    ActivationRequested,
    Cancelled,
}

/// The steps an activity normally goes through, in order (Rules items 8, 9 and 11).
pub const PATH: [ActivityStatus; 5] = [
    ActivityStatus::AwaitingChoice,
    ActivityStatus::SupplierChosen,
    ActivityStatus::ApplicationSigned,
    ActivityStatus::InDelivery,
    ActivityStatus::Realised,
];

impl ActivityStatus {
    /// Where the status stands on the normal path, counting from 1; None when it is off the
    /// path (blocked, activation requested, cancelled).
    pub fn step(self) -> Option<usize> {
        PATH.iter().position(|s| *s == self).map(|i| i + 1)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activity {
    pub id: String,
    pub category: Category,
    pub title: Text,
    pub quantity: u32,
    pub programme_date: NaiveDate,
    pub notice_date: Option<NaiveDate>,
    pub term_until: NaiveDate,
    pub status: ActivityStatus,
    pub matching_items: Vec<String>,
    /// The statuses it has had, oldest first, with the day (Astana) each began.
    pub history: Vec<(ActivityStatus, NaiveDate)>,
}

impl Activity {
    pub fn window(&self, today: NaiveDate) -> ChoiceWindow {
        ChoiceWindow::on(self.notice_date, today)
    }

    /// The status to show today: an activity still awaiting a choice after its window has
    /// passed is blocked, even before the portal's next update says so.
    pub fn status_on(&self, today: NaiveDate) -> ActivityStatus {
        match self.status {
            ActivityStatus::AwaitingChoice if self.window(today).is_closed() => {
                ActivityStatus::ChoiceBlocked
            }
            other => other,
        }
    }

    /// The day each step of the normal path was reached, in the order of [`PATH`]; None for a
    /// step not reached (or with no date on record).
    pub fn path_dates(&self) -> Vec<Option<NaiveDate>> {
        PATH.iter()
            .map(|step| {
                self.history
                    .iter()
                    .rev()
                    .find(|(status, _)| status == step)
                    .map(|(_, on)| *on)
            })
            .collect()
    }

    /// Records a status the kiosk has just set (the portal's own history follows on the next
    /// read).
    pub fn change_status(&mut self, status: ActivityStatus, today: NaiveDate) {
        self.status = status;
        self.history.push((status, today));
    }

    /// A supplier can be chosen only while the activity awaits a choice and its window is open.
    pub fn can_choose_supplier(&self, today: NaiveDate) -> bool {
        self.status_on(today) == ActivityStatus::AwaitingChoice
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn statuses_on_the_normal_path_have_their_step_and_the_others_none() {
        assert_eq!(ActivityStatus::AwaitingChoice.step(), Some(1));
        assert_eq!(ActivityStatus::ApplicationSigned.step(), Some(3));
        assert_eq!(ActivityStatus::Realised.step(), Some(PATH.len()));
        for off in [
            ActivityStatus::ChoiceBlocked,
            ActivityStatus::ActivationRequested,
            ActivityStatus::Cancelled,
        ] {
            assert_eq!(off.step(), None);
        }
    }
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn activity(status: ActivityStatus, notice: Option<NaiveDate>) -> Activity {
        Activity {
            id: "ipr-1".into(),
            category: Category::Hearing,
            title: Text::default(),
            quantity: 1,
            programme_date: d(2026, 9, 1),
            notice_date: notice,
            term_until: d(2027, 9, 1),
            status,
            matching_items: vec!["hr-001".into()],
            history: Vec::new(),
        }
    }

    #[test]
    fn each_step_of_the_path_has_the_day_it_was_last_reached() {
        let mut a = activity(ActivityStatus::AwaitingChoice, Some(d(2026, 9, 30)));
        a.history = vec![
            (ActivityStatus::AwaitingChoice, d(2026, 9, 30)),
            (ActivityStatus::ChoiceBlocked, d(2026, 12, 1)),
            (ActivityStatus::ActivationRequested, d(2026, 12, 2)),
            (ActivityStatus::AwaitingChoice, d(2026, 12, 10)),
        ];
        a.change_status(ActivityStatus::ApplicationSigned, d(2026, 12, 11));
        assert_eq!(a.status, ActivityStatus::ApplicationSigned);
        assert_eq!(
            a.path_dates(),
            [
                Some(d(2026, 12, 10)),
                None,
                Some(d(2026, 12, 11)),
                None,
                None
            ]
        );
    }

    #[test]
    fn awaiting_choice_turns_blocked_after_the_window() {
        let a = activity(ActivityStatus::AwaitingChoice, Some(d(2026, 9, 30)));
        assert_eq!(a.status_on(d(2026, 11, 30)), ActivityStatus::AwaitingChoice);
        assert!(a.can_choose_supplier(d(2026, 11, 30)));
        assert_eq!(a.status_on(d(2026, 12, 1)), ActivityStatus::ChoiceBlocked);
        assert!(!a.can_choose_supplier(d(2026, 12, 1)));
    }

    #[test]
    fn other_statuses_are_kept_as_the_portal_sent_them() {
        for status in [
            ActivityStatus::SupplierChosen,
            ActivityStatus::ApplicationSigned,
            ActivityStatus::Realised,
            ActivityStatus::ActivationRequested,
            ActivityStatus::Cancelled,
        ] {
            let a = activity(status, Some(d(2025, 1, 1)));
            assert_eq!(a.status_on(d(2026, 12, 1)), status);
            assert!(!a.can_choose_supplier(d(2026, 12, 1)));
        }
    }
}
