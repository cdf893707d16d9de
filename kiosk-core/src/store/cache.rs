//! The cache of public data (catalogue, suppliers): disposable, so a damaged file is moved aside
//! and rebuilt rather than repaired.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use rusqlite_migration::{M, Migrations};

use super::{StoreError, ts};

fn migrations() -> Migrations<'static> {
    Migrations::new(vec![M::up(
        "CREATE TABLE entries (
            key        TEXT PRIMARY KEY,
            body       TEXT NOT NULL,
            fetched_at TEXT NOT NULL
        );",
    )])
}

pub struct Cache {
    conn: Connection,
}

/// A cached document and when it was fetched, so screens can show its age.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cached {
    pub body: String,
    pub fetched_at: DateTime<Utc>,
}

impl Cache {
    /// Opens the cache; if the file is damaged it is renamed `*.corrupt-<time>` and a fresh one
    /// is made, so a bad cache never keeps the kiosk from starting.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        match Self::open_checked(path) {
            Ok(cache) => Ok(cache),
            Err(first) => {
                let aside = aside_path(path);
                tracing::warn!(error = %first, aside = %aside.display(), "cache damaged, rebuilding");
                std::fs::rename(path, &aside)?;
                for suffix in ["-wal", "-shm"] {
                    let side = PathBuf::from(format!("{}{suffix}", path.display()));
                    if side.exists() {
                        std::fs::remove_file(side)?;
                    }
                }
                Self::open_checked(path)
            }
        }
    }

    fn open_checked(path: &Path) -> Result<Self, StoreError> {
        let mut conn = Connection::open(path)?;
        let check: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
        if check != "ok" {
            return Err(StoreError::Corrupt(check));
        }
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        migrations().to_latest(&mut conn)?;
        Ok(Cache { conn })
    }

    pub fn put(&self, key: &str, body: &str, fetched_at: DateTime<Utc>) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO entries (key, body, fetched_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (key) DO UPDATE SET body = excluded.body, fetched_at = excluded.fetched_at",
            params![key, body, ts(fetched_at)],
        )?;
        Ok(())
    }

    pub fn get(&self, key: &str) -> Result<Option<Cached>, StoreError> {
        let row: Option<(String, String)> = self
            .conn
            .query_row(
                "SELECT body, fetched_at FROM entries WHERE key = ?1",
                params![key],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        row.map(|(body, at)| {
            let fetched_at = DateTime::parse_from_rfc3339(&at)
                .map_err(|e| StoreError::Corrupt(format!("cache time: {e}")))?
                .with_timezone(&Utc);
            Ok(Cached { body, fetched_at })
        })
        .transpose()
    }
}

fn aside_path(path: &Path) -> PathBuf {
    let stamp = Utc::now().format("%Y%m%dT%H%M%S");
    PathBuf::from(format!("{}.corrupt-{stamp}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn put_then_get_returns_body_and_time() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(&dir.path().join("cache.db")).unwrap();
        let t = Utc::now();
        cache.put("catalogue", "{\"a\":1}", t).unwrap();
        cache.put("catalogue", "{\"a\":2}", t).unwrap();
        let got = cache.get("catalogue").unwrap().unwrap();
        assert_eq!(got.body, "{\"a\":2}");
        assert_eq!(got.fetched_at.timestamp(), t.timestamp());
        assert_eq!(cache.get("other").unwrap(), None);
    }

    #[test]
    fn a_garbage_file_is_moved_aside_and_rebuilt() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.db");
        std::fs::write(
            &path,
            b"this is not a database, just bytes on a bad sector".repeat(100),
        )
        .unwrap();
        let cache = Cache::open(&path).unwrap();
        cache.put("k", "v", Utc::now()).unwrap();
        assert_eq!(cache.get("k").unwrap().unwrap().body, "v");
        let aside = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().contains(".corrupt-"))
            .count();
        assert_eq!(aside, 1);
    }
}
