//! Goods and services of "Help for you" and the suppliers that offer them.

use super::activity::Activity;
use super::text::Text;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    ProstheticOrthopaedic,
    Hearing,
    Vision,
    Hygiene,
    Mobility,
    SignLanguage,
    IndividualAssistant,
    Sanatorium,
    SocialServicesHome,
    SocialServicesDaycare,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub id: String,
    pub category: Category,
    pub name: Text,
    pub description: Text,
    pub unit: Text,
    pub guaranteed_amount_kzt: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Supplier {
    pub id: String,
    pub name: String,
    pub town: Text,
    pub address: Text,
    pub phone: String,
    /// (item id, unit price in tenge, delivery days)
    pub offers: Vec<(String, i64, u32)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Catalogue {
    pub items: Vec<Item>,
    pub suppliers: Vec<Supplier>,
}

/// One item a supplier offers for an activity: a line the person can choose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub item: Item,
    pub supplier: Supplier,
    pub unit_price_kzt: i64,
    pub delivery_days: u32,
}

impl Catalogue {
    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }

    /// Every supplier's offer of an item that satisfies the activity, cheapest for the person
    /// first (then fastest delivery, then supplier name), so the top of the list costs least.
    pub fn choices_for(&self, activity: &Activity) -> Vec<Choice> {
        let mut choices: Vec<Choice> = activity
            .matching_items
            .iter()
            .filter_map(|id| self.item(id))
            .flat_map(|item| {
                self.suppliers.iter().flat_map(move |supplier| {
                    supplier
                        .offers
                        .iter()
                        .filter(move |(id, _, _)| *id == item.id)
                        .map(move |(_, price, days)| Choice {
                            item: item.clone(),
                            supplier: supplier.clone(),
                            unit_price_kzt: *price,
                            delivery_days: *days,
                        })
                })
            })
            .collect();
        choices.sort_by(|a, b| {
            let copay = |c: &Choice| (c.unit_price_kzt - c.item.guaranteed_amount_kzt).max(0);
            copay(a)
                .cmp(&copay(b))
                .then(a.delivery_days.cmp(&b.delivery_days))
                .then(a.supplier.name.cmp(&b.supplier.name))
        });
        choices
    }
}
