//! What the kiosk reads from the gateway (or from whatever sits on the network pretending to
//! be it): every answer it parses and converts into the domain. Each input is tried as every
//! kind of answer, as the kiosk would read it on each request.
#![no_main]

use komek_api as api;
use komek_kiosk_core::portal::{
    activity_from_wire, announcements_from_wire, catalogue_from_wire, offer_from_wire,
    principal_from_wire, profile_from_wire, ticket_timeline,
};
use libfuzzer_sys::fuzz_target;

fn read<T: serde::de::DeserializeOwned>(data: &[u8]) -> Option<T> {
    serde_json::from_slice(data).ok()
}

fuzz_target!(|data: &[u8]| {
    if let Some(catalogue) = read::<api::Catalogue>(data) {
        let catalogue = catalogue_from_wire(&catalogue);
        for item in &catalogue.items {
            let _ = catalogue.offers_of(item, "KZ-35");
        }
    }
    if let Some(announcements) = read::<api::Announcements>(data) {
        let _ = announcements_from_wire(&announcements);
    }
    if let Some(profile) = read::<api::Profile>(data) {
        let _ = profile_from_wire(&profile);
    }
    if let Some(activities) = read::<Vec<api::Activity>>(data) {
        let _: Vec<_> = activities.iter().map(activity_from_wire).collect();
    }
    if let Some(principals) = read::<Vec<api::Principal>>(data) {
        let _: Vec<_> = principals.iter().map(principal_from_wire).collect();
    }
    if let Some(offers) = read::<Vec<api::ProactiveOffer>>(data) {
        let _: Vec<_> = offers.iter().map(offer_from_wire).collect();
    }
    if let Some(tickets) = read::<Vec<api::Ticket>>(data) {
        let _: Vec<_> = tickets.iter().map(ticket_timeline).collect();
    }
    let _ = read::<api::ApiError>(data);
    let _ = read::<api::ActionReceipt>(data);
    let _ = read::<api::LoginSession>(data);
    let _ = read::<api::QrLoginState>(data);
});
