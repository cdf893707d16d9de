//! The order for an activity and the money it involves: the state compensates up to the
//! guaranteed amount; the person pays what the supplier asks above it.

use super::activity::Activity;
use super::catalogue::Choice;
use super::money::{compensation_per_unit, copayment_per_unit};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    pub activity_id: String,
    pub item_id: String,
    pub supplier_id: String,
    pub quantity: u32,
    pub unit_price_kzt: i64,
    pub guaranteed_amount_kzt: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OrderError {
    #[error("the activity does not await a supplier choice")]
    NotChoosable,
    #[error("the item does not satisfy the activity")]
    ItemDoesNotMatch,
}

impl Order {
    pub fn draw_up(
        activity: &Activity,
        choice: &Choice,
        today: chrono::NaiveDate,
    ) -> Result<Order, OrderError> {
        if !activity.can_choose_supplier(today) {
            return Err(OrderError::NotChoosable);
        }
        if !activity.matching_items.contains(&choice.item.id) {
            return Err(OrderError::ItemDoesNotMatch);
        }
        Ok(Order {
            activity_id: activity.id.clone(),
            item_id: choice.item.id.clone(),
            supplier_id: choice.supplier.id.clone(),
            quantity: activity.quantity.max(1),
            unit_price_kzt: choice.unit_price_kzt,
            guaranteed_amount_kzt: choice.item.guaranteed_amount_kzt,
        })
    }

    pub fn total_kzt(&self) -> i64 {
        self.unit_price_kzt * i64::from(self.quantity)
    }

    /// What the state pays the supplier.
    pub fn compensation_kzt(&self) -> i64 {
        compensation_per_unit(self.unit_price_kzt, self.guaranteed_amount_kzt)
            * i64::from(self.quantity)
    }

    /// What the person pays the supplier themselves.
    pub fn copayment_kzt(&self) -> i64 {
        copayment_per_unit(self.unit_price_kzt, self.guaranteed_amount_kzt)
            * i64::from(self.quantity)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ActivityStatus, Catalogue, Category, Item, Supplier, Text};
    use chrono::NaiveDate;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    fn catalogue() -> Catalogue {
        let item = |id: &str, amount| Item {
            id: id.into(),
            category: Category::Hearing,
            name: Text::default(),
            description: Text::default(),
            unit: Text::default(),
            characteristics: Vec::new(),
            guaranteed_amount_kzt: amount,
        };
        let supplier = |id: &str, name: &str, offers: Vec<(&str, i64, u32)>| Supplier {
            id: id.into(),
            name: name.into(),
            town: Text::default(),
            address: Text::default(),
            phone: String::new(),
            region: "KZ-35".into(),
            directions: vec![Category::Hearing],
            offers: offers
                .into_iter()
                .map(|(i, p, d)| (i.into(), p, d))
                .collect(),
        };
        Catalogue {
            items: vec![
                item("hr-1", 100_000),
                item("hr-2", 150_000),
                item("hr-9", 1),
            ],
            suppliers: vec![
                supplier("s1", "Beta", vec![("hr-1", 130_000, 10), ("hr-9", 5, 1)]),
                supplier(
                    "s2",
                    "Alpha",
                    vec![("hr-1", 90_000, 20), ("hr-2", 150_000, 5)],
                ),
                supplier("s3", "Gamma", vec![("hr-2", 150_000, 3)]),
            ],
        }
    }

    fn activity(quantity: u32) -> Activity {
        Activity {
            id: "ipr-7".into(),
            category: Category::Hearing,
            title: Text::default(),
            quantity,
            programme_date: NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
            notice_date: NaiveDate::from_ymd_opt(2026, 10, 20),
            term_until: NaiveDate::from_ymd_opt(2027, 10, 1).unwrap(),
            status: ActivityStatus::AwaitingChoice,
            matching_items: vec!["hr-1".into(), "hr-2".into()],
            history: Vec::new(),
        }
    }

    #[test]
    fn choices_list_only_matching_items_cheapest_for_the_person_first() {
        let choices = catalogue().choices_for(&activity(1));
        let seen: Vec<(&str, &str)> = choices
            .iter()
            .map(|c| (c.item.id.as_str(), c.supplier.id.as_str()))
            .collect();
        // Copayments: s2/hr-1 0, s3/hr-2 0 (3 days), s2/hr-2 0 (5 days), s1/hr-1 30 000.
        assert_eq!(
            seen,
            vec![
                ("hr-2", "s3"),
                ("hr-2", "s2"),
                ("hr-1", "s2"),
                ("hr-1", "s1")
            ]
        );
    }

    #[test]
    fn order_splits_compensation_and_copayment() {
        let choices = catalogue().choices_for(&activity(2));
        let dear = choices.iter().find(|c| c.supplier.id == "s1").unwrap();
        let order = Order::draw_up(&activity(2), dear, today()).unwrap();
        assert_eq!(order.total_kzt(), 260_000);
        assert_eq!(order.compensation_kzt(), 200_000);
        assert_eq!(order.copayment_kzt(), 60_000);
        let cheap = choices
            .iter()
            .find(|c| c.supplier.id == "s2" && c.item.id == "hr-1")
            .unwrap();
        let order = Order::draw_up(&activity(2), cheap, today()).unwrap();
        assert_eq!(
            (order.compensation_kzt(), order.copayment_kzt()),
            (180_000, 0)
        );
    }

    #[test]
    fn order_is_refused_for_a_blocked_activity_or_a_foreign_item() {
        let choices = catalogue().choices_for(&activity(1));
        let late = NaiveDate::from_ymd_opt(2026, 12, 21).unwrap();
        assert_eq!(
            Order::draw_up(&activity(1), &choices[0], late),
            Err(OrderError::NotChoosable)
        );
        let mut foreign = choices[0].clone();
        foreign.item.id = "hr-9".into();
        assert_eq!(
            Order::draw_up(&activity(1), &foreign, today()),
            Err(OrderError::ItemDoesNotMatch)
        );
    }
}
