//! Failed logins lock an account for a while: an operator's (password and code) and a field
//! technician's (code; their card's own PIN counter guards the card). One rule for both
//! tables, which carry the same two columns.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{Connection, params};

/// Failures in a row that lock the account, and for how long.
pub const MAX_FAILURES: i64 = 10;
pub const LOCKOUT: Duration = Duration::minutes(30);

/// The accounts that can be locked: their table and key column.
#[derive(Debug, Clone, Copy)]
pub enum Lockable {
    Operator,
    Technician,
}

impl Lockable {
    fn table_and_key(self) -> (&'static str, &'static str) {
        match self {
            Lockable::Operator => ("operators", "username"),
            Lockable::Technician => ("technicians", "technician_id"),
        }
    }
}

/// Whether a stored `locked_until` is still ahead of `now`.
pub fn is_locked(locked_until: Option<&str>, now: DateTime<Utc>) -> bool {
    locked_until.is_some_and(|until| until > crate::db::ts(now).as_str())
}

/// Counts a failed login of `key`; the one that reaches [`MAX_FAILURES`] locks the account
/// for [`LOCKOUT`] and starts the count again. Returns whether this failure locked it.
pub fn failed(
    conn: &Connection,
    account: Lockable,
    key: &str,
    now: DateTime<Utc>,
) -> Result<bool, rusqlite::Error> {
    let (table, column) = account.table_and_key();
    let failures: i64 = conn.query_row(
        &format!(
            "UPDATE {table} SET failed_logins = failed_logins + 1 WHERE {column} = ?1
             RETURNING failed_logins"
        ),
        params![key],
        |r| r.get(0),
    )?;
    if failures < MAX_FAILURES {
        return Ok(false);
    }
    conn.execute(
        &format!("UPDATE {table} SET failed_logins = 0, locked_until = ?2 WHERE {column} = ?1"),
        params![key, crate::db::ts(now + LOCKOUT)],
    )?;
    Ok(true)
}

/// A login of `key` succeeded: the count starts again.
pub fn succeeded(conn: &Connection, account: Lockable, key: &str) -> Result<(), rusqlite::Error> {
    let (table, column) = account.table_and_key();
    conn.execute(
        &format!("UPDATE {table} SET failed_logins = 0, locked_until = NULL WHERE {column} = ?1"),
        params![key],
    )?;
    Ok(())
}
