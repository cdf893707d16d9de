//! Wire types to domain types. Kept apart so the domain never depends on the wire format.

use komek_api as api;

use crate::domain::{Activity, ActivityStatus, Catalogue, Category, Item, Supplier, Text};

fn text(t: &api::LocalizedText) -> Text {
    Text {
        kk: t.kk.clone(),
        ru: t.ru.clone(),
        en: t.en.clone(),
    }
}

fn category(c: api::Category) -> Category {
    match c {
        api::Category::ProstheticOrthopaedic => Category::ProstheticOrthopaedic,
        api::Category::Hearing => Category::Hearing,
        api::Category::Vision => Category::Vision,
        api::Category::Hygiene => Category::Hygiene,
        api::Category::Mobility => Category::Mobility,
        api::Category::SignLanguage => Category::SignLanguage,
        api::Category::IndividualAssistant => Category::IndividualAssistant,
        api::Category::Sanatorium => Category::Sanatorium,
        api::Category::SocialServicesHome => Category::SocialServicesHome,
        api::Category::SocialServicesDaycare => Category::SocialServicesDaycare,
    }
}

fn status(s: api::ActivityStatus) -> ActivityStatus {
    match s {
        api::ActivityStatus::AwaitingChoice => ActivityStatus::AwaitingChoice,
        api::ActivityStatus::SupplierChosen => ActivityStatus::SupplierChosen,
        api::ActivityStatus::ApplicationSigned => ActivityStatus::ApplicationSigned,
        api::ActivityStatus::InDelivery => ActivityStatus::InDelivery,
        api::ActivityStatus::Realised => ActivityStatus::Realised,
        api::ActivityStatus::ChoiceBlocked => ActivityStatus::ChoiceBlocked,
        api::ActivityStatus::ActivationRequested => ActivityStatus::ActivationRequested,
        api::ActivityStatus::Cancelled => ActivityStatus::Cancelled,
    }
}

pub fn activity_from_wire(a: &api::Activity) -> Activity {
    Activity {
        id: a.id.clone(),
        category: category(a.category),
        title: text(&a.title),
        quantity: a.quantity,
        programme_date: a.programme_date,
        notice_date: a.notice_date,
        term_until: a.term_until,
        status: status(a.status),
        matching_items: a.matching_items.clone(),
    }
}

pub fn catalogue_from_wire(c: &api::Catalogue) -> Catalogue {
    Catalogue {
        items: c
            .items
            .iter()
            .map(|i| Item {
                id: i.id.clone(),
                category: category(i.category),
                name: text(&i.name),
                description: text(&i.description),
                unit: text(&i.unit),
                guaranteed_amount_kzt: i.guaranteed_amount_kzt,
            })
            .collect(),
        suppliers: c
            .suppliers
            .iter()
            .map(|s| Supplier {
                id: s.id.clone(),
                name: s.name.clone(),
                town: text(&s.town),
                address: text(&s.address),
                phone: s.phone.clone(),
                offers: s
                    .offers
                    .iter()
                    .map(|o| (o.item_id.clone(), o.price_kzt, o.delivery_days))
                    .collect(),
            })
            .collect(),
    }
}
