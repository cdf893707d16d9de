//! The announcements of Rules item 14 through the real UI by accessible labels, against the
//! gateway in-process: current notices on the welcome screen in every language, the
//! announcements readable before and after logging in, Back to where the person came from.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;

use komek_kiosk::{AnnouncementsAdapter, Screen};
use komek_kiosk_core::session::Timing;
use slint::{ComponentHandle, Model};

#[test]
fn current_notices_show_on_the_welcome_screen_in_every_language() {
    let rig = rig(Timing::default());
    let app = &rig.app;
    let adapter = app.global::<AnnouncementsAdapter>();
    wait(&rig, "the notices", || {
        adapter.get_notices().row_count() > 0
    });
    // The demo's failure (now) comes before its maintenance (in two days).
    let first = adapter.get_notices().row_data(0).unwrap();
    assert_eq!(first.kind, komek_kiosk::AnnouncementKind::Failure);
    for title in [
        "Жеткізушілер каталогы баяу жаңартылады",
        "Каталог поставщиков обновляется с задержкой",
        "The catalogue of suppliers updates with a delay",
    ] {
        assert!(has_label_containing(app, title), "{title}");
    }
    assert_eq!(adapter.get_notices().row_count(), 2);
    // The audit that the wipe test relies on reads the titles inside each notice's row.
    let audited = komek_kiosk::audit::adapter_values(app);
    assert!(
        audited.iter().any(
            |(name, value)| *name == "AnnouncementsAdapter.notices.titles"
                && value.contains("The catalogue of suppliers updates with a delay")
        ),
        "{audited:#?}"
    );
}

#[test]
fn announcements_are_read_without_logging_in_and_back_returns_where_they_were_opened() {
    let rig = rig(Timing::default());
    let app = &rig.app;
    press(app, "English");
    press(app, "Announcements");
    assert_eq!(rig.kiosk.screen(), Screen::Announcements);
    let adapter = app.global::<AnnouncementsAdapter>();
    wait(&rig, "the announcements", || {
        adapter.get_rows().row_count() > 0
    });
    assert!(has_label_containing(
        app,
        "Contact centre: +7 7172 00 14 14"
    ));
    assert!(has_label_containing(
        app,
        "Scheduled maintenance of the portal. From "
    ));
    assert!(has_label_containing(app, "the fix is planned by"));

    press(app, "Questions");
    // Three questions, two to a page.
    assert_eq!(adapter.get_rows().row_count(), 2);
    assert_eq!(adapter.get_page_count(), 2);
    assert!(has_label_containing(
        app,
        "What if the two months to choose a supplier have passed?"
    ));
    press(app, "Instructions");
    assert!(has_label_containing(app, "How to choose a supplier"));
    press(app, "Back");
    assert_eq!(rig.kiosk.screen(), Screen::Iin);
    assert!(!rig.kiosk.has_visit());

    log_in_from_iin_screen(&rig, IIN);
    press(app, "Announcements");
    assert_eq!(rig.kiosk.screen(), Screen::Announcements);
    // Opened again, it starts on the notices.
    assert_eq!(
        adapter.get_section(),
        komek_kiosk::AnnouncementSection::Notices
    );
    press(app, "Back");
    assert_eq!(rig.kiosk.screen(), Screen::Activities);
}

#[test]
fn with_no_network_and_nothing_cached_the_public_screens_say_so() {
    let rig = rig_without_network(Timing::default());
    let app = &rig.app;
    press(app, "English");
    press(app, "Announcements");
    wait(&rig, "the announcements refused", || {
        app.global::<AnnouncementsAdapter>().get_unavailable()
    });
    assert!(has_label_containing(
        app,
        "The announcements cannot be loaded right now: there is no connection to the portal."
    ));
    press(app, "Back");
    press(app, "Technical aids and services");
    let catalogue = app.global::<komek_kiosk::CatalogueAdapter>();
    wait(&rig, "the catalogue refused", || {
        catalogue.get_unavailable()
    });
    assert!(has_label_containing(
        app,
        "The catalogue cannot be loaded right now: there is no connection to the portal."
    ));
    // A kind opened anyway is an empty list, not a crash.
    press(app, "Hearing aids");
    assert_eq!(catalogue.get_items().row_count(), 0);
    assert_eq!(rig.kiosk.screen(), Screen::CatalogueList);
}
