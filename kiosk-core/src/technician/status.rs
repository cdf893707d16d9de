//! What technician mode shows of the kiosk: its identity, the connection, the queue, the
//! parked actions by kiosk reference, space and speech. Nothing personal: an action is its
//! reference, kind and reason; no payload is opened here.

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::core::Core;
use crate::enrolment::Enrolment;
use crate::speech::Health;
use crate::store::{OutboxCounts, StoreError, kiosk_reference};
use crate::sync::CATALOGUE_KEY;

/// The parked actions a technician sees at most (the newest).
pub const PARKED_SHOWN: usize = 20;

/// A parked action as a technician sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParkedRow {
    pub id: Uuid,
    /// What the person's receipt shows (`K-7F3A09C2`), so a complaint can be matched.
    pub reference: String,
    pub kind: String,
    pub reason: String,
    pub tries: u32,
    pub queued_at: DateTime<Utc>,
    /// Its sealed payload is still there, so it can be sent again.
    pub retryable: bool,
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
    pub counts: OutboxCounts,
    pub oldest_pending_at: Option<DateTime<Utc>>,
    pub parked: Vec<ParkedRow>,
    pub catalogue_cached_at: Option<DateTime<Utc>>,
    /// Free space on the data folder's file system.
    pub disk_free_bytes: Option<u64>,
    pub outbox_bytes: Option<u64>,
    pub speech: Option<Health>,
}

impl Core {
    /// The kiosk's state now, read from its own files (no network).
    pub fn kiosk_status(&self) -> Result<KioskStatus, StoreError> {
        let data_dir = &self.config().data_dir;
        let (counts, oldest_pending_at, parked) = {
            let outbox = self.sync().outbox();
            (
                outbox.counts()?,
                outbox.oldest_pending_at()?,
                outbox.parked(PARKED_SHOWN)?,
            )
        };
        let parked = parked
            .into_iter()
            .map(|a| ParkedRow {
                id: a.id,
                reference: kiosk_reference(a.id),
                kind: a.kind,
                reason: a.reason.unwrap_or_default(),
                tries: a.attempts,
                queued_at: a.created_at,
                retryable: a.has_payload,
            })
            .collect();
        let catalogue_cached_at = self
            .sync()
            .cache()
            .get(CATALOGUE_KEY)?
            .map(|c| c.fetched_at);
        let status = self.status();
        Ok(KioskStatus {
            version: env!("CARGO_PKG_VERSION"),
            uptime: self.uptime(),
            enrolment: self.enrolment(),
            key_fingerprint: self.signer().identity().fingerprint(),
            online: status.online,
            last_error: status.last_error,
            clock_offset_secs: self.signer().clock_offset_secs(),
            counts,
            oldest_pending_at,
            parked,
            catalogue_cached_at,
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
