//! "Help for you" through the real UI by accessible labels, without logging in, against the
//! gateway in-process: a kind, an item with what the state pays and its suppliers of the
//! region, a search on the on-screen keyboard in Latin and Kazakh letters, and Back all the way.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;

use komek_kiosk::{CatalogueAdapter, Screen};
use komek_kiosk_core::session::Timing;
use slint::{ComponentHandle, Model};

#[test]
fn the_catalogue_is_browsed_by_kind_without_logging_in() {
    let rig = rig(Timing::default());
    let app = &rig.app;
    press(app, "English");
    press(app, "Technical aids and services");
    assert_eq!(rig.kiosk.screen(), Screen::Catalogue);
    assert!(!rig.kiosk.has_visit());
    let adapter = app.global::<CatalogueAdapter>();
    wait(&rig, "the catalogue", || {
        press(app, "Hearing aids");
        adapter.get_items().row_count() > 0
    });
    assert_eq!(rig.kiosk.screen(), Screen::CatalogueList);
    // Twelve hearing aids, four to a page at the default size.
    assert_eq!(adapter.get_items().row_count(), 4);
    assert_eq!(adapter.get_page_count(), 3);
    press(app, "Next page");
    assert!(has_label_containing(
        app,
        "Watch for deaf and hard-of-hearing people"
    ));
    press(app, "Previous page");

    press_containing(app, "Digital behind-the-ear hearing aid");
    assert_eq!(rig.kiosk.screen(), Screen::CatalogueItem);
    assert!(has_label_containing(app, "The state pays up to"));
    assert!(adapter.get_characteristics().row_count() > 0);
    let suppliers = adapter.get_offer_count();
    assert!(suppliers >= 2, "every demo item has two offers or more");
    press(app, &format!("Suppliers near you: {suppliers}"));
    assert!(adapter.get_showing_offers());
    let first = adapter.get_offers().row_data(0).unwrap();
    assert!(first.phone.starts_with("+7"));
    assert!(!first.directions.is_empty());
    // Cheapest for the person first.
    let offers_shown = adapter.get_offers();
    if offers_shown.row_count() > 1 {
        let second = offers_shown.row_data(1).unwrap();
        assert!(!first.has_copayment || second.has_copayment);
    }

    press(app, "Back");
    assert_eq!(rig.kiosk.screen(), Screen::CatalogueList);
    press(app, "Back");
    assert_eq!(rig.kiosk.screen(), Screen::Catalogue);
    press(app, "Back");
    assert_eq!(rig.kiosk.screen(), Screen::Iin);
}

#[test]
fn the_catalogue_is_searched_on_the_keyboard_in_latin_and_kazakh_letters() {
    let rig = rig(Timing::default());
    let app = &rig.app;
    press(app, "Қазақша");
    press(app, "Техникалық құралдар мен қызметтер");
    let adapter = app.global::<CatalogueAdapter>();
    press(app, "Атауы бойынша іздеу");
    assert_eq!(rig.kiosk.screen(), Screen::CatalogueSearch);
    // The keyboard starts on the Kazakh letters of the visit's language.
    for key in ["а", "р", "б", "а"] {
        press(app, key);
    }
    wait(&rig, "the catalogue", || {
        press(app, "Іздеу");
        adapter.get_items().row_count() > 0
    });
    assert_eq!(rig.kiosk.screen(), Screen::CatalogueList);
    assert!(has_label_containing(app, "«арба» бойынша табылды"));
    assert!(has_label_containing(app, "кресло-арба"));

    // A name in English from the Kazakh screen.
    press(app, "Артқа");
    press(app, "Атауы бойынша іздеу");
    for _ in 0..4 {
        press(app, "Соңғы таңбаны өшіру");
    }
    press(app, "Басқа әріптер");
    press(app, "Басқа әріптер");
    for key in ["w", "a", "t", "c", "h"] {
        press(app, key);
    }
    press(app, "Іздеу");
    assert!(has_label_containing(
        app,
        "Естімейтін және нашар еститін жандарға арналған сағат"
    ));

    // Nothing found says what to try.
    press(app, "Артқа");
    press(app, "Атауы бойынша іздеу");
    // The last search is there to change; the keyboard is back on the Kazakh letters.
    for _ in 0.."watch".len() {
        press(app, "Соңғы таңбаны өшіру");
    }
    press(app, "Басқа әріптер");
    press(app, "Басқа әріптер");
    for key in ["q", "q", "q"] {
        press(app, key);
    }
    press(app, "Іздеу");
    assert_eq!(adapter.get_items().row_count(), 0);
    assert!(has_label_containing(app, "Ештеңе табылмады"));
}
