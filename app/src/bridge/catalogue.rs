//! "Help for you" (Rules item 8): the catalogue by kind or by a search on the keyboard, an
//! item with what the state pays, and the suppliers of the person's region (the kiosk's before
//! anyone logs in). Public data, from the cache when the network is down.

use std::rc::Rc;

use chrono::{DateTime, Utc};
use slint::ComponentHandle;

use super::state::{CARD_SLOTS, State, page_count};
use super::{Inner, act, format, models, turn_page, with};
use crate::{
    AppWindow, CatalogueAdapter, CatalogueCategory, CatalogueItemRow, CharacteristicRow, OfferRow,
    Screen,
};
use komek_domain::{Catalogue, Category, Item, Lang, Word};
use komek_kiosk_core::core::Visit;
use komek_kiosk_core::session::Session;
use komek_kiosk_core::text_entry::TextEntry;

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

/// What the person did in the catalogue.
pub enum Msg {
    /// Opened from the screen on show.
    Open(Screen),
    ChooseCategory(Category),
    OpenSearch,
    /// The words typed on the keyboard, to search for.
    Find(String),
    OpenItem(i32),
    ShowOffers(bool),
    NextPage,
    PreviousPage,
    NextOffers,
    PreviousOffers,
    Back,
}

/// What the catalogue room needs of the rest of the kiosk.
pub struct Context<'a> {
    pub screen: Screen,
    pub text_size: i32,
    pub lang: Lang,
    /// The catalogue, when a copy has been read.
    pub catalogue: Option<&'a Catalogue>,
    /// Whose suppliers are shown: the person's region once logged in, else the kiosk's.
    pub region: &'a str,
}

pub enum Effect {
    Show(Screen),
    /// Make sure a copy of the catalogue is there: from the cache, else from the gateway.
    EnsureCatalogue,
    /// The kinds start on their first page.
    FirstKindsPage,
    /// The keyboard opens on the words of the last search.
    EditSearch(String),
}

impl BrowseState {
    pub fn update(&mut self, msg: Msg, cx: Context) -> Vec<Effect> {
        let ids = |items: Vec<&Item>| items.iter().map(|i| i.id.clone()).collect();
        match msg {
            Msg::Open(from) => {
                *self = BrowseState {
                    from: Some(from),
                    ..BrowseState::default()
                };
                vec![
                    Effect::EnsureCatalogue,
                    Effect::FirstKindsPage,
                    Effect::Show(Screen::Catalogue),
                ]
            }
            Msg::ChooseCategory(category) => {
                self.items = cx
                    .catalogue
                    .map(|c| ids(c.items_in(category)))
                    .unwrap_or_default();
                self.category = Some(category);
                self.query = None;
                self.page = 0;
                vec![Effect::Show(Screen::CatalogueList)]
            }
            Msg::OpenSearch => vec![Effect::EditSearch(self.query.clone().unwrap_or_default())],
            Msg::Find(words) => {
                let query = words.trim().to_string();
                if query.is_empty() {
                    return Vec::new();
                }
                self.items = cx
                    .catalogue
                    .map(|c| ids(c.search(&query, cx.lang)))
                    .unwrap_or_default();
                self.query = Some(query);
                self.page = 0;
                vec![Effect::Show(Screen::CatalogueList)]
            }
            Msg::OpenItem(index_on_page) => {
                let Ok(index_on_page) = usize::try_from(index_on_page) else {
                    return Vec::new();
                };
                let index = self.page * items_per_page(cx.text_size) + index_on_page;
                let Some(id) = self.items.get(index).cloned() else {
                    return Vec::new();
                };
                self.item = Some(id);
                self.showing_offers = false;
                self.offers_page = 0;
                vec![Effect::Show(Screen::CatalogueItem)]
            }
            Msg::ShowOffers(show) => {
                self.showing_offers = show;
                self.offers_page = 0;
                Vec::new()
            }
            Msg::NextPage => {
                let per_page = items_per_page(cx.text_size);
                turn_page(&mut self.page, true, self.items.len(), per_page);
                Vec::new()
            }
            Msg::PreviousPage => {
                turn_page(&mut self.page, false, 0, items_per_page(cx.text_size));
                Vec::new()
            }
            Msg::NextOffers => {
                let rows = self.offers(cx.catalogue, cx.region).len();
                let per_page = offers_per_page(cx.text_size);
                turn_page(&mut self.offers_page, true, rows, per_page);
                Vec::new()
            }
            Msg::PreviousOffers => {
                turn_page(
                    &mut self.offers_page,
                    false,
                    0,
                    offers_per_page(cx.text_size),
                );
                Vec::new()
            }
            // Back within the catalogue: item → list → kinds → where it was opened from.
            Msg::Back => vec![Effect::Show(match cx.screen {
                Screen::CatalogueItem => Screen::CatalogueList,
                Screen::CatalogueList | Screen::CatalogueSearch => Screen::Catalogue,
                _ => self.from.unwrap_or(Screen::Welcome),
            })],
        }
    }

    /// The item on screen.
    fn item<'c>(&self, catalogue: Option<&'c Catalogue>) -> Option<&'c Item> {
        catalogue?.item(self.item.as_deref()?)
    }

    /// The offers of the item on screen in `region`.
    fn offers(&self, catalogue: Option<&Catalogue>, region: &str) -> Vec<komek_domain::Offer> {
        match (catalogue, self.item(catalogue)) {
            (Some(catalogue), Some(item)) => catalogue.offers_of(item, region),
            _ => Vec::new(),
        }
    }
}

pub(super) fn wire(app: &AppWindow, inner: &Rc<Inner>) {
    let adapter = app.global::<CatalogueAdapter>();
    adapter.on_open(act(inner, |i| {
        let from = i.state.borrow().screen;
        i.catalogue(Msg::Open(from));
    }));
    adapter.on_choose_category(with(inner, |i, c: CatalogueCategory| {
        i.catalogue(Msg::ChooseCategory(category_from_ui(c)))
    }));
    adapter.on_open_search(act(inner, |i| i.catalogue(Msg::OpenSearch)));
    adapter.on_find(act(inner, |i| {
        let words = i.state.borrow().entry.text.clone();
        i.catalogue(Msg::Find(words));
    }));
    adapter.on_open_item(with(inner, |i, index: i32| {
        i.catalogue(Msg::OpenItem(index))
    }));
    adapter.on_show_offers(with(inner, |i, show: bool| {
        i.catalogue(Msg::ShowOffers(show))
    }));
    adapter.on_next_page(act(inner, |i| i.catalogue(Msg::NextPage)));
    adapter.on_previous_page(act(inner, |i| i.catalogue(Msg::PreviousPage)));
    adapter.on_next_offers(act(inner, |i| i.catalogue(Msg::NextOffers)));
    adapter.on_previous_offers(act(inner, |i| i.catalogue(Msg::PreviousOffers)));
}

impl Inner {
    /// Hands `msg` to the catalogue room and carries out what it asks for.
    pub(super) fn catalogue(&self, msg: Msg) {
        let effects = {
            let mut s = self.state.borrow_mut();
            let (browse, cx) = s.browsing(&self.core.config().region);
            browse.update(msg, cx)
        };
        for effect in effects {
            match effect {
                Effect::Show(screen) => self.show(screen),
                Effect::EnsureCatalogue => self.ensure_catalogue(),
                Effect::FirstKindsPage => {
                    if let Some(app) = self.app.upgrade() {
                        app.global::<CatalogueAdapter>().set_kinds_page(0);
                    }
                }
                Effect::EditSearch(words) => {
                    {
                        let mut s = self.state.borrow_mut();
                        s.entry = TextEntry::free_text(&words, s.lang);
                    }
                    self.show(Screen::CatalogueSearch);
                }
            }
        }
    }
}

/// The region whose suppliers are shown: the person's once logged in, else the kiosk's.
pub(super) fn region<'a>(session: &'a Session<Visit>, kiosk_region: &'a str) -> &'a str {
    session
        .visit()
        .map_or(kiosk_region, |v| v.profile.region.as_str())
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
            offers: i32::try_from(
                catalogue
                    .offers_of(item, region(&state.session, kiosk_region))
                    .len(),
            )
            .unwrap_or(0),
        })
        .collect();
    models::sync(adapter.get_items(), rows, |m| adapter.set_items(m));
    adapter.set_page(i32::try_from(b.page).unwrap_or(0));
    adapter.set_page_count(i32::try_from(page_count(b.items.len(), per_page)).unwrap_or(1));

    if let Some(item) = b.item(Some(catalogue)) {
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
        let offers = b.offers(Some(catalogue), region(&state.session, kiosk_region));
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

    fn hearing_aid(id: &str, name: &str) -> Item {
        Item {
            id: id.into(),
            category: Category::Hearing,
            name: komek_domain::Text::new([("kk", name), ("ru", name), ("en", name)]),
            description: Default::default(),
            unit: Default::default(),
            characteristics: Vec::new(),
            guaranteed_amount_kzt: 1000,
        }
    }

    fn supplier(region: &str) -> komek_domain::Supplier {
        komek_domain::Supplier {
            id: region.into(),
            name: format!("Supplier in {region}"),
            town: Default::default(),
            address: Default::default(),
            phone: String::new(),
            region: region.into(),
            directions: vec![Category::Hearing],
            offers: vec![("aid-1".into(), 900, 5)],
        }
    }

    fn catalogue() -> Catalogue {
        Catalogue {
            items: vec![
                hearing_aid("aid-1", "Behind-the-ear aid"),
                hearing_aid("aid-2", "Pocket aid"),
            ],
            suppliers: vec![supplier("Astana"), supplier("Astana"), supplier("Almaty")],
        }
    }

    fn cx<'a>(screen: Screen, catalogue: &'a Catalogue, region: &'a str) -> Context<'a> {
        Context {
            screen,
            text_size: 2,
            lang: Lang::default(),
            catalogue: Some(catalogue),
            region,
        }
    }

    #[test]
    fn a_kind_lists_its_items_one_per_page_at_the_largest_size_and_opens_the_one_touched() {
        let catalogue = catalogue();
        let mut browse = BrowseState::default();
        let at = |screen| cx(screen, &catalogue, "Astana");
        let listed = browse.update(
            Msg::ChooseCategory(Category::Hearing),
            at(Screen::Catalogue),
        );
        assert!(matches!(
            listed.as_slice(),
            [Effect::Show(Screen::CatalogueList)]
        ));
        assert_eq!(browse.items, ["aid-1", "aid-2"]);
        browse.update(Msg::NextPage, at(Screen::CatalogueList));
        browse.update(Msg::NextPage, at(Screen::CatalogueList));
        assert_eq!(browse.page, 1, "one item per page, two pages");
        browse.update(Msg::OpenItem(0), at(Screen::CatalogueList));
        assert_eq!(browse.item.as_deref(), Some("aid-2"));
        assert!(
            browse
                .update(Msg::OpenItem(1), at(Screen::CatalogueList))
                .is_empty()
        );
    }

    #[test]
    fn an_items_offers_are_those_of_the_region_and_back_climbs_to_where_it_was_opened() {
        let catalogue = catalogue();
        let mut browse = BrowseState::default();
        browse.update(
            Msg::Open(Screen::Activities),
            cx(Screen::Activities, &catalogue, "Astana"),
        );
        browse.update(
            Msg::ChooseCategory(Category::Hearing),
            cx(Screen::Catalogue, &catalogue, "Astana"),
        );
        browse.update(
            Msg::OpenItem(0),
            cx(Screen::CatalogueList, &catalogue, "Astana"),
        );
        assert_eq!(browse.offers(Some(&catalogue), "Astana").len(), 2);
        assert_eq!(browse.offers(Some(&catalogue), "Almaty").len(), 1);
        browse.update(
            Msg::NextOffers,
            cx(Screen::CatalogueItem, &catalogue, "Almaty"),
        );
        assert_eq!(browse.offers_page, 0, "one offer in Almaty: no second page");
        browse.update(
            Msg::NextOffers,
            cx(Screen::CatalogueItem, &catalogue, "Astana"),
        );
        assert_eq!(browse.offers_page, 1);

        let back = |browse: &mut BrowseState, screen| match browse
            .update(Msg::Back, cx(screen, &catalogue, "Astana"))
            .as_slice()
        {
            [Effect::Show(to)] => *to,
            _ => panic!("Back shows a screen"),
        };
        assert_eq!(
            back(&mut browse, Screen::CatalogueItem),
            Screen::CatalogueList
        );
        assert_eq!(
            back(&mut browse, Screen::CatalogueSearch),
            Screen::Catalogue
        );
        assert_eq!(back(&mut browse, Screen::Catalogue), Screen::Activities);
    }

    #[test]
    fn a_search_of_nothing_but_spaces_is_not_run() {
        let catalogue = catalogue();
        let mut browse = BrowseState::default();
        assert!(
            browse
                .update(
                    Msg::Find("   ".into()),
                    cx(Screen::CatalogueSearch, &catalogue, "Astana")
                )
                .is_empty()
        );
        assert!(browse.query.is_none());
        browse.update(
            Msg::Find(" pocket ".into()),
            cx(Screen::CatalogueSearch, &catalogue, "Astana"),
        );
        assert_eq!(browse.query.as_deref(), Some("pocket"));
        assert_eq!(browse.items, ["aid-2"]);
    }
}
