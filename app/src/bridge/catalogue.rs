//! "Help for you" (Rules item 8): the catalogue by kind or by a search on the keyboard, an
//! item with what the state pays, and the suppliers of the person's region (the kiosk's before
//! anyone logs in). Public data, from the cache when the network is down.

use std::rc::Rc;

use chrono::{DateTime, Utc};
use slint::ComponentHandle;

use super::keyboard::TextEntry;
use super::state::{CARD_SLOTS, State, page_count};
use super::{Inner, act, format, models, turn_page, with};
use crate::{
    AppWindow, CatalogueAdapter, CatalogueCategory, CatalogueItemRow, CharacteristicRow, OfferRow,
    Screen,
};
use komek_domain::{Catalogue, Category, Item, Lang, Word};

/// Where the person is in the catalogue; reset with every visit (the catalogue itself stays).
#[derive(Debug, Default)]
pub struct BrowseState {
    /// Where Back from the kinds goes.
    pub from: Option<Screen>,
    pub category: Option<Category>,
    /// The words of the search the list shows; None for a kind.
    pub query: Option<String>,
    /// The ids of the items listed.
    pub items: Vec<String>,
    pub page: usize,
    /// The id of the item on screen.
    pub item: Option<String>,
    pub showing_offers: bool,
    pub offers_page: usize,
    pub unavailable: bool,
}

pub fn items_per_page(text_size: i32) -> usize {
    match text_size {
        0 => CARD_SLOTS,
        1 => 2,
        _ => 1,
    }
}

/// Offer cards per page (the item view has two slots).
pub fn offers_per_page(text_size: i32) -> usize {
    if text_size == 0 { 2 } else { 1 }
}

fn category_from_ui(c: CatalogueCategory) -> Category {
    match c {
        CatalogueCategory::ProstheticOrthopaedic => Category::ProstheticOrthopaedic,
        CatalogueCategory::Hearing => Category::Hearing,
        CatalogueCategory::Vision => Category::Vision,
        CatalogueCategory::Hygiene => Category::Hygiene,
        CatalogueCategory::Mobility => Category::Mobility,
        CatalogueCategory::SignLanguage => Category::SignLanguage,
        CatalogueCategory::IndividualAssistant => Category::IndividualAssistant,
        CatalogueCategory::Sanatorium => Category::Sanatorium,
        CatalogueCategory::SocialServicesHome => Category::SocialServicesHome,
        CatalogueCategory::SocialServicesDaycare => Category::SocialServicesDaycare,
    }
}

fn category_to_ui(c: Category) -> CatalogueCategory {
    match c {
        Category::ProstheticOrthopaedic => CatalogueCategory::ProstheticOrthopaedic,
        Category::Hearing => CatalogueCategory::Hearing,
        Category::Vision => CatalogueCategory::Vision,
        Category::Hygiene => CatalogueCategory::Hygiene,
        Category::Mobility => CatalogueCategory::Mobility,
        Category::SignLanguage => CatalogueCategory::SignLanguage,
        Category::IndividualAssistant => CatalogueCategory::IndividualAssistant,
        Category::Sanatorium => CatalogueCategory::Sanatorium,
        Category::SocialServicesHome => CatalogueCategory::SocialServicesHome,
        Category::SocialServicesDaycare => CatalogueCategory::SocialServicesDaycare,
    }
}

pub(super) fn wire(app: &AppWindow, inner: &Rc<Inner>) {
    let adapter = app.global::<CatalogueAdapter>();
    adapter.on_open(act(inner, |i| i.open_catalogue()));
    adapter.on_choose_category(with(inner, |i, c: CatalogueCategory| {
        i.list_category(category_from_ui(c))
    }));
    adapter.on_open_search(act(inner, |i| {
        let mut s = i.state.borrow_mut();
        let query = s.browse.query.clone().unwrap_or_default();
        s.entry = TextEntry::free_text(&query, s.lang);
        drop(s);
        i.show(Screen::CatalogueSearch);
    }));
    adapter.on_find(act(inner, |i| i.find()));
    adapter.on_open_item(with(inner, |i, index: i32| i.open_item(index)));
    adapter.on_show_offers(with(inner, |i, show: bool| {
        let mut s = i.state.borrow_mut();
        s.browse.showing_offers = show;
        s.browse.offers_page = 0;
    }));
    adapter.on_next_page(act(inner, |i| {
        let mut s = i.state.borrow_mut();
        let (rows, per_page) = (s.browse.items.len(), items_per_page(s.text_size));
        turn_page(&mut s.browse.page, true, rows, per_page);
    }));
    adapter.on_previous_page(act(inner, |i| {
        let mut s = i.state.borrow_mut();
        let per_page = items_per_page(s.text_size);
        turn_page(&mut s.browse.page, false, 0, per_page);
    }));
    adapter.on_next_offers(act(inner, |i| {
        let mut s = i.state.borrow_mut();
        let rows = offers_on_screen(&s, &i.core.config().region).len();
        let per_page = offers_per_page(s.text_size);
        turn_page(&mut s.browse.offers_page, true, rows, per_page);
    }));
    adapter.on_previous_offers(act(inner, |i| {
        let mut s = i.state.borrow_mut();
        let per_page = offers_per_page(s.text_size);
        turn_page(&mut s.browse.offers_page, false, 0, per_page);
    }));
}

/// The region whose suppliers are shown: the person's once logged in, else the kiosk's.
fn region<'a>(state: &'a State, kiosk_region: &'a str) -> &'a str {
    state
        .session
        .visit()
        .map_or(kiosk_region, |v| v.profile.region.as_str())
}

fn item_on_screen(state: &State) -> Option<(&Catalogue, &Item)> {
    let (catalogue, _) = state.catalogue.as_ref()?;
    let item = catalogue.item(state.browse.item.as_deref()?)?;
    Some((catalogue, item))
}

fn offers_on_screen(state: &State, kiosk_region: &str) -> Vec<komek_domain::Offer> {
    match item_on_screen(state) {
        Some((catalogue, item)) => catalogue.offers_of(item, region(state, kiosk_region)),
        None => Vec::new(),
    }
}

fn directions(categories: &[Category], lang: Lang) -> String {
    categories
        .iter()
        .map(|c| category_words(*c, lang))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The kinds of work a supplier lists, in a few words (the card's small print).
fn category_words(c: Category, lang: Lang) -> &'static str {
    lang.word(match c {
        Category::ProstheticOrthopaedic => Word::CategoryProstheticOrthopaedic,
        Category::Hearing => Word::CategoryHearing,
        Category::Vision => Word::CategoryVision,
        Category::Hygiene => Word::CategoryHygiene,
        Category::Mobility => Word::CategoryMobility,
        Category::SignLanguage => Word::CategorySignLanguage,
        Category::IndividualAssistant => Word::CategoryIndividualAssistant,
        Category::Sanatorium => Word::CategorySanatorium,
        Category::SocialServicesHome => Word::CategorySocialServicesHome,
        Category::SocialServicesDaycare => Word::CategorySocialServicesDaycare,
    })
}

pub(super) fn render(
    app: &AppWindow,
    state: &State,
    now: DateTime<Utc>,
    online: bool,
    kiosk_region: &str,
) {
    let adapter = app.global::<CatalogueAdapter>();
    let b = &state.browse;
    let lang = state.lang;
    adapter.set_searched(b.query.is_some());
    adapter.set_query(b.query.clone().unwrap_or_default().into());
    if let Some(c) = b.category {
        adapter.set_category(category_to_ui(c));
    }
    adapter.set_unavailable(b.unavailable && state.catalogue.is_none());
    let cached_on = state
        .catalogue
        .as_ref()
        .filter(|(_, at)| !online || now - *at > super::render::STALE_AFTER)
        .map(|(_, at)| komek_domain::astana::time_text(*at))
        .unwrap_or_default();
    adapter.set_cached_on(cached_on.into());
    let Some((catalogue, _)) = state.catalogue.as_ref() else {
        models::sync(adapter.get_items(), Vec::new(), |m| adapter.set_items(m));
        return;
    };
    let per_page = items_per_page(state.text_size);
    let rows: Vec<CatalogueItemRow> = b
        .items
        .iter()
        .skip(b.page * per_page)
        .take(per_page)
        .filter_map(|id| catalogue.item(id))
        .map(|item| CatalogueItemRow {
            name: item.name.get(lang).into(),
            amount: format::money(item.guaranteed_amount_kzt).into(),
            unit: item.unit.get(lang).into(),
            offers: i32::try_from(catalogue.offers_of(item, region(state, kiosk_region)).len())
                .unwrap_or(0),
        })
        .collect();
    models::sync(adapter.get_items(), rows, |m| adapter.set_items(m));
    adapter.set_page(i32::try_from(b.page).unwrap_or(0));
    adapter.set_page_count(i32::try_from(page_count(b.items.len(), per_page)).unwrap_or(1));

    if let Some((_, item)) = item_on_screen(state) {
        adapter.set_item_name(item.name.get(lang).into());
        adapter.set_item_description(item.description.get(lang).into());
        adapter.set_item_amount(format::money(item.guaranteed_amount_kzt).into());
        adapter.set_item_unit(item.unit.get(lang).into());
        let characteristics = item
            .characteristics
            .iter()
            .map(|(label, value)| CharacteristicRow {
                label: label.get(lang).into(),
                value: value.get(lang).into(),
            })
            .collect();
        models::sync(adapter.get_characteristics(), characteristics, |m| {
            adapter.set_characteristics(m)
        });
        let offers = offers_on_screen(state, kiosk_region);
        let per_page = offers_per_page(state.text_size);
        adapter.set_offer_count(i32::try_from(offers.len()).unwrap_or(0));
        adapter.set_offers_page(i32::try_from(b.offers_page).unwrap_or(0));
        adapter
            .set_offers_page_count(i32::try_from(page_count(offers.len(), per_page)).unwrap_or(1));
        let offers: Vec<OfferRow> = offers
            .iter()
            .skip(b.offers_page * per_page)
            .take(per_page)
            .map(|o| OfferRow {
                supplier: o.supplier.name.as_str().into(),
                town: o.supplier.town.get(lang).into(),
                address: o.supplier.address.get(lang).into(),
                phone: o.supplier.phone.as_str().into(),
                directions: directions(&o.supplier.directions, lang).into(),
                price: format::money(o.unit_price_kzt).into(),
                copayment: format::money(o.copayment_kzt(item)).into(),
                has_copayment: o.copayment_kzt(item) > 0,
                delivery_days: i32::try_from(o.delivery_days).unwrap_or(0),
            })
            .collect();
        models::sync(adapter.get_offers(), offers, |m| adapter.set_offers(m));
    }
    adapter.set_showing_offers(b.showing_offers);
}

impl Inner {
    fn open_catalogue(&self) {
        let from = self.state.borrow().screen;
        self.state.borrow_mut().browse = BrowseState {
            from: Some(from),
            ..BrowseState::default()
        };
        self.ensure_catalogue();
        if let Some(app) = self.app.upgrade() {
            app.global::<CatalogueAdapter>().set_kinds_page(0);
        }
        self.show(Screen::Catalogue);
    }

    fn list_category(&self, category: Category) {
        {
            let mut s = self.state.borrow_mut();
            let items = s
                .catalogue
                .as_ref()
                .map(|(c, _)| c.items_in(category).iter().map(|i| i.id.clone()).collect())
                .unwrap_or_default();
            s.browse.category = Some(category);
            s.browse.query = None;
            s.browse.items = items;
            s.browse.page = 0;
        }
        self.show(Screen::CatalogueList);
    }

    fn find(&self) {
        {
            let mut s = self.state.borrow_mut();
            let query = s.entry.text.trim().to_string();
            if query.is_empty() {
                return;
            }
            let lang = s.lang;
            let items = s
                .catalogue
                .as_ref()
                .map(|(c, _)| {
                    c.search(&query, lang)
                        .iter()
                        .map(|i| i.id.clone())
                        .collect()
                })
                .unwrap_or_default();
            s.browse.query = Some(query);
            s.browse.items = items;
            s.browse.page = 0;
        }
        self.show(Screen::CatalogueList);
    }

    fn open_item(&self, index_on_page: i32) {
        {
            let mut s = self.state.borrow_mut();
            let index = s.browse.page * items_per_page(s.text_size)
                + usize::try_from(index_on_page).unwrap_or(0);
            let Some(id) = s.browse.items.get(index).cloned() else {
                return;
            };
            s.browse.item = Some(id);
            s.browse.showing_offers = false;
            s.browse.offers_page = 0;
        }
        self.show(Screen::CatalogueItem);
    }

    /// Back within the catalogue: item → list → kinds → where it was opened from.
    pub(super) fn catalogue_back(&self, screen: Screen) {
        match screen {
            Screen::CatalogueItem => self.show(Screen::CatalogueList),
            Screen::CatalogueList | Screen::CatalogueSearch => self.show(Screen::Catalogue),
            _ => {
                let from = self.state.borrow().browse.from.unwrap_or(Screen::Welcome);
                self.show(from);
            }
        }
    }
}

/// A catalogue fetch that died is a catalogue that could not be read.
pub(super) fn interrupted(state: &mut super::state::State) {
    state.browse.unavailable = true;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_has_a_place_on_screen_and_words_in_every_language() {
        for c in Category::ALL {
            assert_eq!(category_from_ui(category_to_ui(c)), c);
            for lang in Lang::all() {
                assert!(!category_words(c, lang).is_empty());
            }
        }
    }
}
