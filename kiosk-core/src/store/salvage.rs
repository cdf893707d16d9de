//! Recovery of a damaged outbox: the file is kept aside for the technician, every row that can
//! still be read is carried into a fresh outbox, and the kiosk goes on.

use std::path::{Path, PathBuf};

use chrono::Utc;
use rusqlite::{Connection, OpenFlags, params};

use super::StoreError;

const COLUMNS: &str = "seq, id, participant_key, kind, payload, state, attempts, next_attempt_at, \
                       created_at, reference, last_error, settled_at";

/// Renames the damaged database (with its `-wal` and `-shm`) to `<name>.damaged-<time>` and
/// returns the new path of the main file.
pub fn move_aside(path: &Path) -> Result<PathBuf, StoreError> {
    let stamp = Utc::now().format("%Y%m%dT%H%M%S%.3f");
    let aside = PathBuf::from(format!("{}.damaged-{stamp}", path.display()));
    std::fs::rename(path, &aside)?;
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", path.display()));
        if side.exists() {
            std::fs::rename(&side, format!("{}{suffix}", aside.display()))?;
        }
    }
    Ok(aside)
}

/// Copies every readable outbox row of `damaged` into `into` (a fresh outbox), one row at a
/// time so one bad page costs only the rows on it. Returns (rows carried, rows lost).
pub fn carry_rows(damaged: &Path, into: &Connection) -> (u64, u64) {
    let Ok(old) = Connection::open_with_flags(damaged, OpenFlags::SQLITE_OPEN_READ_ONLY) else {
        return (0, 0);
    };
    let highest: i64 = old
        .query_row("SELECT MAX(seq) FROM outbox", [], |r| {
            r.get::<_, Option<i64>>(0)
        })
        .ok()
        .flatten()
        .or_else(|| {
            old.query_row(
                "SELECT seq FROM sqlite_sequence WHERE name = 'outbox'",
                [],
                |r| r.get(0),
            )
            .ok()
        })
        .unwrap_or(0);
    let (mut carried, mut lost) = (0, 0);
    let select = format!("SELECT {COLUMNS} FROM outbox WHERE seq = ?1");
    let insert = format!(
        "INSERT OR IGNORE INTO outbox ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
    );
    for seq in 1..=highest {
        let row = old.query_row(&select, params![seq], |r| {
            let values: Vec<rusqlite::types::Value> =
                (0..12).map(|i| r.get(i)).collect::<Result<_, _>>()?;
            Ok(values)
        });
        match row {
            Ok(values) => match into.execute(&insert, rusqlite::params_from_iter(values)) {
                Ok(_) => carried += 1,
                Err(_) => lost += 1,
            },
            Err(rusqlite::Error::QueryReturnedNoRows) => {}
            Err(_) => lost += 1,
        }
    }
    (carried, lost)
}
