//! Demo data from `assets/demo/`: a fictional region's participants, programmes, catalogue and
//! suppliers. Dates in the files are relative ("days ago") so the demo works in any year.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{Months, NaiveDate};
use komek_api::{ActivityStatus, CatalogueItem, Category, LocalizedText, Relation, Supplier};
use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

use crate::error::GatewayError;

mod offers;
mod representations;
mod technicians;

/// A participant as the state systems would send them.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Participant {
    pub iin: String,
    pub surname: String,
    pub given_name: String,
    pub patronymic: Option<String>,
    pub birth_date: NaiveDate,
    pub sex: komek_api::Sex,
    pub category: komek_api::ParticipantCategory,
    pub disability_group: Option<String>,
    pub phone: String,
    pub email: Option<String>,
    pub region: String,
    pub address: String,
    pub id_document: komek_api::IdDocument,
    #[serde(default)]
    pub represents: Vec<String>,
    /// How the person represents some of `represents`; for the others it is derived
    /// (`demo_relation`). Absent from the stored body unless given.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub relations: BTreeMap<String, Relation>,
}

#[derive(Debug, Clone, Deserialize)]
struct DemoActivity {
    id: String,
    participant_iin: String,
    category: Category,
    title: LocalizedText,
    matching_items: Vec<String>,
    quantity: u32,
    programme_days_ago: i64,
    notice_days_ago: Option<i64>,
    term_months: u32,
    status: ActivityStatus,
}

#[derive(Deserialize)]
struct Participants {
    participants: Vec<Participant>,
}
#[derive(Deserialize)]
struct Activities {
    activities: Vec<DemoActivity>,
}
#[derive(Deserialize)]
struct Items {
    items: Vec<CatalogueItem>,
}
#[derive(Deserialize)]
struct Suppliers {
    suppliers: Vec<Supplier>,
}

/// An announcement with its times counted from now, so the demo always has current notices.
#[derive(Deserialize)]
struct DemoAnnouncement {
    id: String,
    kind: komek_api::AnnouncementKind,
    title: LocalizedText,
    body: LocalizedText,
    published_days_ago: i64,
    starts_in_hours: Option<i64>,
    ends_in_hours: Option<i64>,
    planned_fix_in_hours: Option<i64>,
    #[serde(default)]
    video: Option<String>,
}

#[derive(Deserialize)]
struct DemoAnnouncements {
    contact_centre_phone: String,
    items: Vec<DemoAnnouncement>,
}

fn load_announcements(
    tx: &rusqlite::Transaction<'_>,
    dir: &Path,
    today: NaiveDate,
) -> Result<usize, GatewayError> {
    let demo: DemoAnnouncements = read(dir, "announcements.json")?;
    let now = chrono::Utc::now();
    let hours = |h: Option<i64>| h.map(|h| now + chrono::Duration::hours(h));
    tx.execute("DELETE FROM announcements", [])?;
    for a in &demo.items {
        let announcement = komek_api::Announcement {
            id: a.id.clone(),
            kind: a.kind,
            title: a.title.clone(),
            body: a.body.clone(),
            published_on: days_before(today, a.published_days_ago),
            starts_at: hours(a.starts_in_hours),
            ends_at: hours(a.ends_in_hours),
            planned_fix: hours(a.planned_fix_in_hours),
            video: a.video.clone(),
        };
        tx.execute(
            "INSERT INTO announcements (id, body) VALUES (?1, ?2)",
            params![a.id, serde_json::to_string(&announcement)?],
        )?;
    }
    tx.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![
            crate::announcements::CONTACT_CENTRE_PHONE,
            demo.contact_centre_phone
        ],
    )?;
    Ok(demo.items.len())
}

pub(super) fn read<T: for<'de> Deserialize<'de>>(
    dir: &Path,
    name: &str,
) -> Result<T, GatewayError> {
    let path = dir.join(name);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| GatewayError::DemoData(format!("{}: {e}", path.display())))?;
    serde_json::from_str(&text)
        .map_err(|e| GatewayError::DemoData(format!("{}: {e}", path.display())))
}

/// A plausible history for a demo activity now at `status`: each step some days after the
/// one before, from the day the person was notified (`start`), never after today. The days are
/// invented, like the rest of the demo data.
fn demo_history(
    status: ActivityStatus,
    start: NaiveDate,
    today: NaiveDate,
) -> Vec<(ActivityStatus, NaiveDate)> {
    use ActivityStatus::*;
    let day = |offset: i64| (start + chrono::Duration::days(offset)).min(today);
    let blocked_on = start
        .checked_add_months(Months::new(2))
        .map_or(today, |d| (d + chrono::Duration::days(1)).min(today));
    let path = [
        (AwaitingChoice, day(0)),
        (SupplierChosen, day(5)),
        (ApplicationSigned, day(6)),
        (InDelivery, day(12)),
        (Realised, day(30)),
    ];
    match status {
        ChoiceBlocked => vec![(AwaitingChoice, day(0)), (ChoiceBlocked, blocked_on)],
        ActivationRequested => vec![
            (AwaitingChoice, day(0)),
            (ChoiceBlocked, blocked_on),
            (
                ActivationRequested,
                (blocked_on + chrono::Duration::days(2)).min(today),
            ),
        ],
        Cancelled => vec![(AwaitingChoice, day(0)), (Cancelled, day(10))],
        on_path => {
            let reached = path.iter().position(|(s, _)| *s == on_path).unwrap_or(0);
            path[..=reached].to_vec()
        }
    }
}

pub(super) fn days_before(today: NaiveDate, days: i64) -> NaiveDate {
    today - chrono::Duration::days(days)
}

/// Loads the demo data. The public catalogue, the announcements and who represents whom are
/// replaced on every start; participants, their activities and offers are added when missing
/// and never overwritten, so what people did survives a restart and new demo rows still reach
/// an older database.
pub fn load(conn: &mut Connection, dir: &Path, today: NaiveDate) -> Result<(), GatewayError> {
    let items: Items = read(dir, "catalogue.json")?;
    let suppliers: Suppliers = read(dir, "suppliers.json")?;
    let participants: Participants = read(dir, "participants.json")?;
    let activities: Activities = read(dir, "activities.json")?;

    let tx = conn.transaction()?;
    tx.execute("DELETE FROM catalogue_items", [])?;
    tx.execute("DELETE FROM suppliers", [])?;
    for item in &items.items {
        tx.execute(
            "INSERT INTO catalogue_items (id, body) VALUES (?1, ?2)",
            params![item.id, serde_json::to_string(item)?],
        )?;
    }
    for supplier in &suppliers.suppliers {
        tx.execute(
            "INSERT INTO suppliers (id, body) VALUES (?1, ?2)",
            params![supplier.id, serde_json::to_string(supplier)?],
        )?;
    }
    let announcements = load_announcements(&tx, dir, today)?;
    for p in &participants.participants {
        tx.execute(
            "INSERT OR IGNORE INTO participants (iin, body, phone) VALUES (?1, ?2, ?3)",
            params![p.iin, serde_json::to_string(p)?, p.phone],
        )?;
    }
    representations::load(&tx, &participants.participants, today)?;
    let offers = offers::load(&tx, dir, today)?;
    let technicians = technicians::load(&tx, dir, chrono::Utc::now())?;
    for a in &activities.activities {
        let programme_date = days_before(today, a.programme_days_ago);
        let activity = komek_api::Activity {
            id: a.id.clone(),
            category: a.category,
            title: a.title.clone(),
            quantity: a.quantity,
            programme_date,
            notice_date: a.notice_days_ago.map(|d| days_before(today, d)),
            term_until: programme_date
                .checked_add_months(Months::new(a.term_months))
                .unwrap_or(programme_date),
            status: a.status,
            matching_items: a.matching_items.clone(),
            history: Vec::new(),
        };
        let added = tx.execute(
            "INSERT OR IGNORE INTO activities (id, participant_iin, body, status)
             VALUES (?1, ?2, ?3, ?4)",
            params![
                a.id,
                a.participant_iin,
                serde_json::to_string(&activity)?,
                crate::db::enum_text(a.status)
            ],
        )?;
        if added == 0 {
            continue; // known already, with its own history
        }
        let start = activity.notice_date.unwrap_or(programme_date);
        for (status, on) in demo_history(a.status, start, today) {
            tx.execute(
                "INSERT INTO activity_events (activity_id, status, on_date) VALUES (?1, ?2, ?3)",
                params![a.id, crate::db::enum_text(status), on.to_string()],
            )?;
        }
    }
    tx.commit()?;
    tracing::info!(
        items = items.items.len(),
        suppliers = suppliers.suppliers.len(),
        participants = participants.participants.len(),
        announcements,
        offers,
        technicians,
        "demo data loaded"
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(conn: &Connection, table: &str) -> i64 {
        conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn loading_again_adds_nothing_twice_and_keeps_what_people_did() {
        let dir = tempfile::tempdir().unwrap();
        let db = crate::Db::open(&dir.path().join("g.db")).unwrap();
        let demo = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/demo"));
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let mut conn = db.lock();
        load(&mut conn, demo, today).unwrap();
        let events = count(&conn, "activity_events");
        assert_eq!(count(&conn, "representations"), 2);
        assert_eq!(count(&conn, "offers"), 1);
        assert_eq!(count(&conn, "technicians"), 1);
        conn.execute("UPDATE offers SET status = 'accepted'", [])
            .unwrap();

        load(&mut conn, demo, today).unwrap();
        assert_eq!(count(&conn, "activity_events"), events);
        assert_eq!(count(&conn, "representations"), 2);
        assert_eq!(count(&conn, "technicians"), 1);
        let status: String = conn
            .query_row("SELECT status FROM offers", [], |r| r.get(0))
            .unwrap();
        assert_eq!(status, "accepted");
    }
}
