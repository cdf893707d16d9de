//! Writes the outbox fuzz target's seed: a real outbox file holding a few queued actions.
//! `cargo run -p komek-kiosk-core --example outbox-fuzz-seeds -- fuzz/seeds`

use std::path::PathBuf;

use anyhow::{Context, Result};
use chrono::Utc;
use komek_kiosk_core::store::{DeviceKey, Outbox};

fn main() -> Result<()> {
    let seeds = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "fuzz/seeds".into()),
    );
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("outbox.db");
    {
        let outbox = Outbox::open(&path, DeviceKey::ephemeral())?;
        let now = Utc::now();
        for (n, kind) in ["contact_change", "application", "failure_report"]
            .iter()
            .enumerate()
        {
            let payload = format!("{{\"n\":{n}}}");
            let id = uuid::Uuid::from_u128(u128::try_from(n)? + 1);
            outbox.enqueue(id, "participant-1", kind, &payload, now)?;
        }
    }
    // Fold the write-ahead log into the file: the seed is one file, as a power cut leaves it.
    let conn = rusqlite::Connection::open(&path)?;
    conn.pragma_update(None, "journal_mode", "DELETE")?;
    drop(conn);
    let out = seeds.join("outbox");
    std::fs::create_dir_all(&out)?;
    std::fs::copy(&path, out.join("three-actions.db")).context("copying the outbox")?;
    println!("seed written to {}", out.display());
    Ok(())
}
