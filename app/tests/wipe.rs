//! The end of a visit leaves nothing of the person in the UI: for every demo participant, log
//! in, walk the screens they can reach, log out, then search every property and model row of
//! every adapter (all of them, read by `komek_kiosk::audit`, generated from the `.slint`
//! sources) for their IIN, names, phone, e-mail, address and document number.

// A test that cannot go on should stop loudly where it is.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use komek_kiosk::{Screen, audit};
use komek_kiosk_core::session::Timing;
use slint::ComponentHandle;

struct Person {
    iin: String,
    /// What must not stay: the person's own data and, for a representative, whom they act for.
    secrets: Vec<String>,
    /// The names of the people they act for, as the principals screen shows them.
    principals: Vec<String>,
}

/// A value as the search reads it: without the spaces a screen groups digits with (an IIN
/// shown as "810314 304128", a phone as "+7 701 555 03 14").
fn ungrouped(value: &str) -> String {
    value
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
        .collect()
}

fn people() -> Vec<Person> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../assets/demo/participants.json"
    );
    let data: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let all = data["participants"].as_array().unwrap().clone();
    let secrets_of = |p: &serde_json::Value| -> Vec<String> {
        let text = |k: &str| p[k].as_str().unwrap_or_default().to_string();
        let phone = text("phone");
        // The birth date as the account shows it: DD.MM.YYYY.
        let birth: Vec<&str> = p["birth_date"]
            .as_str()
            .unwrap_or_default()
            .split('-')
            .collect();
        let birth = match birth.as_slice() {
            [y, m, d] => format!("{d}.{m}.{y}"),
            _ => String::new(),
        };
        vec![
            text("iin"),
            text("surname"),
            text("given_name"),
            text("patronymic"),
            phone.clone(),
            phone.trim_start_matches("+7").to_string(),
            text("email"),
            ungrouped(&text("address")),
            p["id_document"]["number"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            birth,
        ]
    };
    all.iter()
        .map(|p| {
            let mut secrets = secrets_of(p);
            let mut principals = Vec::new();
            for principal in p["represents"].as_array().into_iter().flatten() {
                if let Some(them) = all.iter().find(|q| q["iin"] == *principal) {
                    secrets.extend(secrets_of(them));
                    principals.push(them["surname"].as_str().unwrap_or_default().to_string());
                }
            }
            secrets.retain(|s| s.len() >= 3);
            Person {
                iin: p["iin"].as_str().unwrap().to_string(),
                secrets,
                principals,
            }
        })
        .collect()
}

fn press_if(rig: &Rig, label: &str) -> bool {
    let found = buttons(&rig.app)
        .into_iter()
        .find(|b| b.accessible_label().is_some_and(|l| l == label));
    if let Some(b) = &found {
        b.invoke_accessible_default_action();
        rig.kiosk
            .pump_until(std::time::Duration::from_millis(300), || false);
    }
    found.is_some()
}

fn press_containing_if(rig: &Rig, part: &str) -> bool {
    let found = buttons(&rig.app)
        .into_iter()
        .find(|b| b.accessible_label().is_some_and(|l| l.contains(part)));
    if let Some(b) = &found {
        b.invoke_accessible_default_action();
        rig.kiosk
            .pump_until(std::time::Duration::from_secs(1), || false);
    }
    found.is_some()
}

fn back_to_programme(rig: &Rig) {
    for _ in 0..6 {
        if rig.kiosk.screen() == Screen::Activities {
            return;
        }
        press_if(rig, "Back");
    }
    assert_eq!(
        rig.kiosk.screen(),
        Screen::Activities,
        "back to the programme"
    );
}

/// Every screen reachable from the programme without queueing anything.
fn walk_from_programme(rig: &Rig) {
    let app = &rig.app;
    if press_if(rig, "My details") {
        if press_if(rig, "Change the phone") {
            type_digits(app, "7011112233");
            press_if(rig, "Back");
        }
        if press_if(rig, "Change the e-mail") {
            press_if(rig, "Back");
        }
    }
    back_to_programme(rig);
    for route in [
        "My problem reports",
        "Announcements",
        "Technical aids and services",
    ] {
        press_if(rig, route);
        back_to_programme(rig);
    }
    if press_if(rig, "Report a problem") {
        press_if(rig, "The kiosk does not work properly");
    }
    back_to_programme(rig);
    if press_containing_if(rig, "Awaiting your choice of supplier") {
        let detail = app.global::<komek_kiosk::ActivityAdapter>();
        rig.kiosk.pump_until(std::time::Duration::from_secs(5), || {
            slint::Model::row_count(&detail.get_choices()) > 0
        });
        press_containing_if(rig, "Delivery in");
    } else {
        press_containing_if(rig, "Until");
    }
    back_to_programme(rig);
}

/// On the principals screen: the first person `person` acts for, whose name is on the button.
fn choose_principal(rig: &Rig, person: &Person) {
    let principal = buttons(&rig.app)
        .into_iter()
        .find(|b| {
            b.accessible_label()
                .is_some_and(|l| person.principals.iter().any(|s| l.contains(s.as_str())))
        })
        .expect("someone to act for");
    principal.invoke_accessible_default_action();
    wait(rig, "the principal's programme", || {
        rig.kiosk.screen() == Screen::Activities
    });
}

#[test]
fn after_logout_no_adapter_holds_anything_of_any_demo_participant() {
    let rig = rig(Timing::default());
    let app = &rig.app;
    let before = audit::adapter_values(app);
    for person in people() {
        // A fresh start: no value may already hold it (the test would prove nothing).
        for secret in &person.secrets {
            assert!(
                !before
                    .iter()
                    .any(|(_, v)| ungrouped(v).contains(secret.as_str())),
                "{secret:?} is in the UI before anyone logged in"
            );
        }
        press(app, "English");
        submit_login(&rig, &person.iin);
        wait(&rig, "the first screen after login", || {
            matches!(
                rig.kiosk.screen(),
                Screen::Activities | Screen::Principals | Screen::Offer
            )
        });
        if rig.kiosk.screen() == Screen::Offer {
            press_if(&rig, "Decide later");
        }
        let represents = rig.kiosk.screen() == Screen::Principals;
        if represents && !press_containing_if(&rig, "For myself") {
            choose_principal(&rig, &person);
        }
        assert!(
            rig.kiosk
                .pump_until(std::time::Duration::from_secs(10), || {
                    rig.kiosk.screen() == Screen::Activities
                }),
            "{}: the programme, not {:?}",
            person.iin,
            rig.kiosk.screen()
        );
        walk_from_programme(&rig);
        if represents && press_if(&rig, "Another person") {
            choose_principal(&rig, &person);
            walk_from_programme(&rig);
        }
        press(app, "Log out");
        wait(&rig, "the welcome screen", || {
            rig.kiosk.screen() == Screen::Welcome
        });
        let after = audit::adapter_values(app);
        let left: Vec<String> = after
            .iter()
            .filter_map(|(name, value)| {
                let value = ungrouped(value);
                person
                    .secrets
                    .iter()
                    .find(|s| value.contains(s.as_str()))
                    .map(|s| format!("{name} holds {s:?}: {value}"))
            })
            .collect();
        assert!(
            left.is_empty(),
            "after {}'s visit:\n{}",
            person.iin,
            left.join("\n")
        );
    }
}
