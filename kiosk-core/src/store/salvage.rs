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

/// Bad rows in a row after which salvage gives up on the rest: a bad page holds far fewer.
const MAX_BAD_IN_A_ROW: u32 = 100;

/// Copies every readable outbox row of `damaged` into `into` (a fresh outbox), one row at a
/// time so one bad page costs only the rows on it. Returns (rows carried, rows lost).
///
/// It walks the rows there are (each the next after the last), never the numbers up to the
/// highest the file claims: a damaged file can claim any (the fuzzer found one near 2^62).
/// Each step moves past the last: a damaged index can answer a row it already gave, or one
/// before it (the fuzzer found one answering row 0 to "the next after 0" for ever).
pub fn carry_rows(damaged: &Path, into: &Connection) -> (u64, u64) {
    let Ok(old) = Connection::open_with_flags(damaged, OpenFlags::SQLITE_OPEN_READ_ONLY) else {
        return (0, 0);
    };
    let (mut carried, mut lost) = (0, 0);
    let next = format!("SELECT {COLUMNS} FROM outbox WHERE seq > ?1 ORDER BY seq LIMIT 1");
    let insert = format!(
        "INSERT OR IGNORE INTO outbox ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
    );
    let (mut after, mut bad_in_a_row) = (0_i64, 0);
    loop {
        let row = old.query_row(&next, params![after], |r| {
            let seq: i64 = r.get(0)?;
            let values: Vec<rusqlite::types::Value> =
                (0..12).map(|i| r.get(i)).collect::<Result<_, _>>()?;
            Ok((seq, values))
        });
        match row {
            Ok((seq, values)) if seq > after => {
                after = seq;
                bad_in_a_row = 0;
                // A row in no known state is garbage that read as a row: it stays in the
                // file kept aside.
                let saved = super::outbox::is_known_state(&values[5])
                    && into
                        .execute(&insert, rusqlite::params_from_iter(values))
                        .is_ok();
                if saved {
                    carried += 1;
                } else {
                    lost += 1;
                }
            }
            Err(rusqlite::Error::QueryReturnedNoRows) => break,
            // Unreadable, or out of order: step past it, and stop where a whole region is gone.
            Ok(_) | Err(_) => {
                lost += 1;
                bad_in_a_row += 1;
                if bad_in_a_row > MAX_BAD_IN_A_ROW || after == i64::MAX {
                    break;
                }
                after += 1;
            }
        }
    }
    (carried, lost)
}
