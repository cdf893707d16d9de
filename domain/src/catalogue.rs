//! Goods and services of "Help for you" and the suppliers that offer them.

use super::activity::Activity;
use super::money::copayment_per_unit;
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
    /// (what, value), as the portal describes the item.
    pub characteristics: Vec<(Text, Text)>,
    pub guaranteed_amount_kzt: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Supplier {
    pub id: String,
    pub name: String,
    pub town: Text,
    pub address: Text,
    pub phone: String,
    /// ISO 3166-2 code of the region it serves (`KZ-35`).
    pub region: String,
    /// The kinds of goods and services it works in (Rules item 13).
    pub directions: Vec<Category>,
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

impl Choice {
    /// What the person pays above the state's guaranteed amount for one unit.
    pub fn copayment_kzt(&self) -> i64 {
        copayment_per_unit(self.unit_price_kzt, self.item.guaranteed_amount_kzt)
    }
}

impl Category {
    /// In the order "Help for you" lists them: the four kinds of technical aids, special
    /// vehicles, then services.
    pub const ALL: [Category; 10] = [
        Category::ProstheticOrthopaedic,
        Category::Hearing,
        Category::Vision,
        Category::Hygiene,
        Category::Mobility,
        Category::SignLanguage,
        Category::IndividualAssistant,
        Category::Sanatorium,
        Category::SocialServicesHome,
        Category::SocialServicesDaycare,
    ];
}

/// What a supplier asks for an item, as a person browsing the catalogue sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    pub supplier: Supplier,
    pub unit_price_kzt: i64,
    pub delivery_days: u32,
}

impl Offer {
    /// What the person pays above the state's guaranteed amount for one unit.
    pub fn copayment_kzt(&self, item: &Item) -> i64 {
        copayment_per_unit(self.unit_price_kzt, item.guaranteed_amount_kzt)
    }
}

/// Lower case, for matching what is typed on the keyboard (which has no capitals).
fn folded(text: &str) -> String {
    text.to_lowercase().replace('ё', "е")
}

impl Catalogue {
    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }

    pub fn items_in(&self, category: Category) -> Vec<&Item> {
        self.items
            .iter()
            .filter(|i| i.category == category)
            .collect()
    }

    /// Items whose name, in any language, or description, in the person's
    /// language, holds every word of `query`; names first.
    pub fn search(&self, query: &str, lang: super::Lang) -> Vec<&Item> {
        let words: Vec<String> = folded(query)
            .split_whitespace()
            .map(str::to_string)
            .collect();
        if words.is_empty() {
            return Vec::new();
        }
        let holds_all = |text: &str| {
            let text = folded(text);
            words.iter().all(|w| text.contains(w.as_str()))
        };
        let in_name = |i: &Item| i.name.values().any(&holds_all);
        let mut found: Vec<&Item> = self.items.iter().filter(|i| in_name(i)).collect();
        found.extend(
            self.items
                .iter()
                .filter(|i| !in_name(i) && holds_all(i.description.get(lang))),
        );
        found
    }

    /// The suppliers in `region` that offer the item, cheapest for the person first.
    pub fn offers_of(&self, item: &Item, region: &str) -> Vec<Offer> {
        let mut offers: Vec<Offer> = self
            .suppliers
            .iter()
            .filter(|s| s.region == region)
            .flat_map(|s| {
                s.offers
                    .iter()
                    .filter(|(id, _, _)| *id == item.id)
                    .map(|(_, price, days)| Offer {
                        supplier: s.clone(),
                        unit_price_kzt: *price,
                        delivery_days: *days,
                    })
            })
            .collect();
        offers.sort_by(|a, b| {
            a.copayment_kzt(item)
                .cmp(&b.copayment_kzt(item))
                .then(a.delivery_days.cmp(&b.delivery_days))
                .then(a.supplier.name.cmp(&b.supplier.name))
        });
        offers
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
            a.copayment_kzt()
                .cmp(&b.copayment_kzt())
                .then(a.delivery_days.cmp(&b.delivery_days))
                .then(a.supplier.name.cmp(&b.supplier.name))
        });
        choices
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Lang;

    fn lang(code: &str) -> Lang {
        Lang::from_code(code).unwrap()
    }

    fn text(kk: &str, ru: &str, en: &str) -> Text {
        Text::new([("kk", kk), ("ru", ru), ("en", en)])
    }

    fn item(id: &str, name: Text, description: Text, amount: i64) -> Item {
        Item {
            id: id.into(),
            category: Category::Hearing,
            name,
            description,
            unit: Text::default(),
            characteristics: Vec::new(),
            guaranteed_amount_kzt: amount,
        }
    }

    fn supplier(name: &str, region: &str, offers: &[(&str, i64, u32)]) -> Supplier {
        Supplier {
            id: name.into(),
            name: name.into(),
            town: Text::default(),
            address: Text::default(),
            phone: String::new(),
            region: region.into(),
            directions: vec![Category::Hearing],
            offers: offers
                .iter()
                .map(|(i, p, d)| ((*i).into(), *p, *d))
                .collect(),
        }
    }

    fn catalogue() -> Catalogue {
        Catalogue {
            items: vec![
                item(
                    "aid",
                    text("Есту аппараты", "Слуховой аппарат", "Hearing aid"),
                    text("Құлақ артына", "Заушный, цифровой", "Behind the ear"),
                    100_000,
                ),
                item(
                    "watch",
                    text("Дірілдейтін сағат", "Часы с вибрацией", "Vibrating watch"),
                    text(
                        "",
                        "Для слабослышащих: будильник",
                        "For people hard of hearing",
                    ),
                    20_000,
                ),
            ],
            suppliers: vec![
                supplier("Dear", "KZ-35", &[("aid", 130_000, 5)]),
                supplier("Cheap", "KZ-35", &[("aid", 90_000, 20)]),
                supplier("Elsewhere", "KZ-71", &[("aid", 1, 1)]),
            ],
        }
    }

    #[test]
    fn search_finds_names_in_any_language_then_descriptions_in_the_persons() {
        let c = catalogue();
        let ids = |q: &str, lang| -> Vec<String> {
            c.search(q, lang).iter().map(|i| i.id.clone()).collect()
        };
        assert_eq!(
            ids("слуховой", lang("en")),
            ["aid"],
            "a Russian name from English"
        );
        assert_eq!(
            ids("есту аппар", lang("kk")),
            ["aid"],
            "every word, parts of words"
        );
        assert_eq!(
            ids("HEARING", lang("en")),
            ["aid", "watch"],
            "name first, then description"
        );
        assert_eq!(ids("будильник", lang("ru")), ["watch"]);
        assert!(
            ids("будильник", lang("en")).is_empty(),
            "descriptions in the person's language only"
        );
        assert!(ids("   ", lang("ru")).is_empty());
    }

    #[test]
    fn offers_are_those_of_the_region_cheapest_for_the_person_first() {
        let c = catalogue();
        let aid = c.item("aid").unwrap();
        let offers = c.offers_of(aid, "KZ-35");
        let names: Vec<&str> = offers.iter().map(|o| o.supplier.name.as_str()).collect();
        assert_eq!(names, ["Cheap", "Dear"]);
        assert_eq!(offers[0].copayment_kzt(aid), 0);
        assert_eq!(offers[1].copayment_kzt(aid), 30_000);
        assert_eq!(c.offers_of(aid, "KZ-71").len(), 1);
        assert_eq!(c.items_in(Category::Hearing).len(), 2);
        assert!(c.items_in(Category::Vision).is_empty());
    }
}
