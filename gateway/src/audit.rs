//! The audit log: who did what to which kiosk, and when. Rows are only ever added; an operator's
//! or technician's step and its log row commit in one transaction, so neither exists alone.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};

/// Who acted: an operator by name, a kiosk, or the administrator at the gateway's console.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    Operator(String),
    /// `komek-gateway add-operator`, run on the gateway's machine.
    Administrator,
    Kiosk(String),
    /// A field technician, by the operator's id for them.
    Technician(String),
    /// A development gateway's own endpoints (never on a production gateway).
    Development,
}

impl Actor {
    fn as_text(&self) -> String {
        match self {
            Actor::Operator(name) => format!("operator:{name}"),
            Actor::Administrator => "administrator".into(),
            Actor::Kiosk(id) => format!("kiosk:{id}"),
            Actor::Technician(id) => format!("technician:{id}"),
            Actor::Development => "development".into(),
        }
    }
}

/// One step, as the log keeps it. `detail` is for people and never holds personal data.
pub struct Entry<'a> {
    pub actor: Actor,
    pub action: &'a str,
    pub kiosk_id: Option<&'a str>,
    pub detail: &'a str,
}

pub fn record(conn: &Connection, entry: &Entry<'_>, at: DateTime<Utc>) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO audit_log (at, actor, action, kiosk_id, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            crate::db::ts(at),
            entry.actor.as_text(),
            entry.action,
            entry.kiosk_id,
            entry.detail
        ],
    )?;
    Ok(())
}
