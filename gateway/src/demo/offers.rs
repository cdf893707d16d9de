//! The demo's proactive offers (`offers.json`), sent some days ago at an hour in Astana.

use std::path::Path;

use chrono::NaiveDate;
use komek_api::{BankAccount, LocalizedText, OfferStatus, ProactiveOffer};
use rusqlite::params;
use serde::Deserialize;

use super::{days_before, read};
use crate::error::GatewayError;

/// A proactive offer sent some days ago at an hour of the Astana day.
#[derive(Deserialize)]
struct DemoOffer {
    id: String,
    recipient_iin: String,
    service: LocalizedText,
    child_name: String,
    sent_days_ago: i64,
    sent_at_astana_hour: u32,
    answer_within_working_days: u32,
    accounts: Vec<BankAccount>,
    banks: Vec<String>,
    contact_centre: String,
}

#[derive(Deserialize)]
struct DemoOffers {
    offers: Vec<DemoOffer>,
}

/// Adds the offers not yet known; an offer already there keeps its status (and its time).
pub fn load(
    tx: &rusqlite::Transaction<'_>,
    dir: &Path,
    today: NaiveDate,
) -> Result<usize, GatewayError> {
    let demo: DemoOffers = read(dir, "offers.json")?;
    for o in &demo.offers {
        let local = days_before(today, o.sent_days_ago)
            .and_hms_opt(o.sent_at_astana_hour, 0, 0)
            .ok_or_else(|| GatewayError::DemoData(format!("{}: no such hour", o.id)))?;
        let sent_at = komek_domain::astana::to_utc(local);
        let offer = ProactiveOffer {
            id: o.id.clone(),
            service: o.service.clone(),
            child_name: o.child_name.clone(),
            sent_at,
            answer_within_working_days: o.answer_within_working_days,
            accounts: o.accounts.clone(),
            banks: o.banks.clone(),
            status: OfferStatus::AwaitingAnswer,
            contact_centre: o.contact_centre.clone(),
        };
        tx.execute(
            "INSERT OR IGNORE INTO offers (id, recipient_iin, body, status) VALUES (?1, ?2, ?3, ?4)",
            params![
                o.id,
                o.recipient_iin,
                serde_json::to_string(&offer)?,
                crate::db::enum_text(OfferStatus::AwaitingAnswer)
            ],
        )?;
    }
    Ok(demo.offers.len())
}
