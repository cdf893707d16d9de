//! What technician mode shows of the kiosk: its identity, the connection, the queue, the
//! parked actions by kiosk reference, space and speech. Nothing personal: an action is its
//! reference, kind and reason; no payload is opened here.

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::core::Core;
use crate::enrolment::Enrolment;
use crate::speech::Health;
use crate::store::{Cache, Outbox, OutboxCounts, ParkedSummary, StoreError};
use crate::sync::CATALOGUE_KEY;

/// The parked actions a technician sees at most (the newest).
pub const PARKED_SHOWN: usize = 20;

/// The queue and the cached catalogue, as technician mode and `--diagnose` show them: one
/// reading for both, no payload opened.
#[derive(Debug, Clone)]
pub struct QueueState {
    pub counts: OutboxCounts,
    pub oldest_pending_at: Option<DateTime<Utc>>,
    pub next_due_at: Option<DateTime<Utc>>,
    /// The newest parked actions, at most [`PARKED_SHOWN`].
    pub parked: Vec<ParkedSummary>,
    pub catalogue_cached_at: Option<DateTime<Utc>>,
}

impl QueueState {
    pub fn read(outbox: &Outbox, cache: &Cache) -> Result<Self, StoreError> {
        Ok(QueueState {
            counts: outbox.counts()?,
            oldest_pending_at: outbox.oldest_pending_at()?,
            next_due_at: outbox.next_due_at()?,
            parked: outbox.parked(PARKED_SHOWN)?,
            catalogue_cached_at: cache.get(CATALOGUE_KEY)?.map(|c| c.fetched_at),
        })
    }
}

/// The kiosk's state at one moment, for the technician's screen.
#[derive(Debug, Clone)]
pub struct KioskStatus {
    pub version: &'static str,
    pub uptime: Duration,
    pub enrolment: Option<Enrolment>,
    pub key_fingerprint: String,
    /// The last exchange with the gateway got an answer.
    pub online: bool,
    pub last_error: Option<String>,
    /// The gateway's clock minus the kiosk's, from the last answer's `Date`.
    pub clock_offset_secs: i64,
    pub queue: QueueState,
    /// Free space on the data folder's file system.
    pub disk_free_bytes: Option<u64>,
    pub outbox_bytes: Option<u64>,
    pub speech: Option<Health>,
}

impl Core {
    /// The kiosk's state now, read from its own files (no network).
    pub fn kiosk_status(&self) -> Result<KioskStatus, StoreError> {
        let data_dir = &self.config().data_dir;
        let queue = QueueState::read(&self.sync().outbox(), &self.sync().cache())?;
        let status = self.status();
        Ok(KioskStatus {
            version: env!("CARGO_PKG_VERSION"),
            uptime: self.uptime(),
            enrolment: self.enrolment(),
            key_fingerprint: self.signer().identity().fingerprint(),
            online: status.online,
            last_error: status.last_error,
            clock_offset_secs: self.signer().clock_offset_secs(),
            queue,
            disk_free_bytes: disk_free(data_dir),
            outbox_bytes: std::fs::metadata(data_dir.join("outbox.db"))
                .ok()
                .map(|m| m.len()),
            speech: crate::diagnostics::read_speech_health(data_dir),
        })
    }

    /// How long the gateway takes to answer its health check now; None when it does not.
    pub async fn gateway_round_trip(&self) -> Option<Duration> {
        let started = std::time::Instant::now();
        let answer = self.sync().portal.health().await;
        self.sync().report_outcome(&answer);
        answer.ok().map(|_| started.elapsed())
    }
}

// statvfs's field types differ between platforms (u64 on this one, u32 on others).
#[allow(clippy::useless_conversion)]
fn disk_free(dir: &Path) -> Option<u64> {
    let stat = nix::sys::statvfs::statvfs(dir).ok()?;
    u64::try_from(stat.blocks_available())
        .ok()?
        .checked_mul(u64::try_from(stat.fragment_size()).ok()?)
}
