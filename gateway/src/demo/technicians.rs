//! The demo's field technician: on the list for the demo region, with a TOTP secret everyone
//! can read (the demo kiosk shows its current code, as it shows the demo SMS).

use std::path::Path;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};
use serde::Deserialize;

use crate::error::GatewayError;

#[derive(Deserialize)]
struct DemoTechnician {
    technician_id: String,
    iin: String,
    regions: Vec<String>,
    totp_secret_base32: String,
}

#[derive(Deserialize)]
struct Technicians {
    technicians: Vec<DemoTechnician>,
}

/// Adds the demo technicians that are missing (one listed already keeps its last code).
pub fn load(conn: &Connection, dir: &Path, now: DateTime<Utc>) -> Result<usize, GatewayError> {
    let technicians: Technicians = super::read(dir, "technicians.json")?;
    for t in &technicians.technicians {
        let secret = totp_rs::Secret::Encoded(t.totp_secret_base32.clone())
            .to_bytes()
            .map_err(|e| GatewayError::DemoData(format!("technicians.json: {e}")))?;
        conn.execute(
            "INSERT OR IGNORE INTO technicians
                 (technician_id, iin_hash, regions, totp_secret, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                t.technician_id,
                crate::technicians::iin_hash(&t.iin),
                t.regions.join(","),
                secret,
                crate::db::ts(now)
            ],
        )?;
    }
    Ok(technicians.technicians.len())
}
