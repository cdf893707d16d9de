//! Local storage on the kiosk: the outbox (precious) and the cache (disposable), each in its
//! own SQLite file under the data directory.

mod cache;
#[cfg(test)]
mod fault_tests;
mod outbox;
mod salvage;
mod seal;

use std::path::Path;

use chrono::{DateTime, SecondsFormat, Utc};

pub use cache::{Cache, Cached};
pub use outbox::{
    ActionState, ActionStatus, Outbox, OutboxCounts, PARKED_PAYLOAD_KEPT, ParkedSummary,
    QueuedAction,
};
pub use seal::DeviceKey;

/// Writes a new secret of the kiosk's (`bytes`) to `path`: readable by its owner alone, never
/// over an existing file, synced before it is used.
pub fn create_private_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Replaces `path` with `bytes` as one step: written beside it, synced, then renamed over it,
/// so a power cut leaves the old file or the new one, never half of either.
pub fn replace_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = std::path::PathBuf::from(partial);
    let mut file = std::fs::File::create(&partial)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&partial, path)?;
    if let Some(dir) = path.parent() {
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}

/// A short reference a person can read out to staff: the tail of the action's UUIDv7.
pub fn kiosk_reference(id: uuid::Uuid) -> String {
    let hex = id.simple().to_string().to_uppercase();
    format!("K-{}", &hex[hex.len() - 8..])
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database migration: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("file: {0}")]
    Io(#[from] std::io::Error),
    #[error("damaged data: {0}")]
    Corrupt(String),
}

impl StoreError {
    /// True when the disk is full: the person must hear that the action was NOT saved.
    pub fn is_disk_full(&self) -> bool {
        match self {
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => {
                e.code == rusqlite::ErrorCode::DiskFull
            }
            StoreError::Io(e) => e.kind() == std::io::ErrorKind::StorageFull,
            _ => false,
        }
    }
}

/// Opens both databases under `data_dir`, creating the directory and the device key
/// (`device.key`, mode 0600) when needed.
pub fn open(data_dir: &Path) -> Result<(Outbox, Cache), StoreError> {
    std::fs::create_dir_all(data_dir)?;
    let key = DeviceKey::load_or_create(&data_dir.join("device.key"))?;
    let outbox = Outbox::open(&data_dir.join("outbox.db"), key)?;
    let cache = Cache::open(&data_dir.join("cache.db"))?;
    Ok((outbox, cache))
}

/// Times are stored as fixed-width UTC text (`2026-11-23T09:15:00.123456Z`), so comparing the
/// text in SQL compares the times.
pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}
