//! The background worker: drains the outbox to the gateway, with each action's UUIDv7 as its
//! `Idempotency-Key`, and keeps the cached catalogue and announcements fresh. It runs on the tokio runtime,
//! never on the UI thread, and is restarted if it panics.

mod decision;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use chrono::Utc;
use tokio::sync::{Notify, watch};

pub use decision::{
    Decision, FIRST_RETRY, Jitter, RETRY_CAP, backoff_ceiling, backoff_delay, decide,
};

use crate::portal::{PortalClient, PortalError};
use crate::store::{Cache, Outbox, OutboxCounts, StoreError};

/// The cache key of the catalogue document.
pub const CATALOGUE_KEY: &str = "catalogue";
/// The cache key of the announcements document.
pub const ANNOUNCEMENTS_KEY: &str = "announcements";
/// How often the catalogue and the announcements are refreshed while the gateway answers.
pub const CATALOGUE_REFRESH: Duration = Duration::from_secs(15 * 60);
/// How many of one participant's actions are sent in a row before others get their turn.
const PER_PARTICIPANT_ROUND: usize = 256;
/// The longest the worker sleeps without looking at the queue.
const IDLE_POLL: Duration = Duration::from_secs(20);

/// What the screens and the technician see of the connection and the queue.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SyncStatus {
    /// The last exchange with the gateway got an answer (true until one fails: the kiosk does
    /// not alarm anyone before it has tried).
    pub online: bool,
    pub counts: OutboxCounts,
    pub last_error: Option<String>,
}

/// What the UI thread and the worker share.
pub struct SyncShared {
    outbox: Mutex<Outbox>,
    cache: Mutex<Cache>,
    pub portal: PortalClient,
    wake: Notify,
    status: watch::Sender<SyncStatus>,
}

impl SyncShared {
    pub fn new(outbox: Outbox, cache: Cache, portal: PortalClient) -> Arc<Self> {
        let counts = outbox.counts().unwrap_or_default();
        let (status, _) = watch::channel(SyncStatus {
            online: true,
            counts,
            last_error: None,
        });
        Arc::new(SyncShared {
            outbox: Mutex::new(outbox),
            cache: Mutex::new(cache),
            portal,
            wake: Notify::new(),
            status,
        })
    }

    /// The outbox, for a short synchronous operation. A panic while it was held leaves SQLite
    /// consistent (the transaction rolls back), so a poisoned lock is taken over.
    pub fn outbox(&self) -> MutexGuard<'_, Outbox> {
        self.outbox.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn cache(&self) -> MutexGuard<'_, Cache> {
        self.cache.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Tells the worker there is something new to deliver.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    pub fn status(&self) -> watch::Receiver<SyncStatus> {
        self.status.subscribe()
    }

    pub fn current_status(&self) -> SyncStatus {
        self.status.borrow().clone()
    }

    /// Records what an exchange with the gateway (login, read, delivery) says of the
    /// connection: any answer, even a refusal, means the gateway is reachable.
    pub fn report_outcome<T>(&self, result: &Result<T, PortalError>) {
        let online = !matches!(result, Err(PortalError::Unreachable(_)));
        let error = result.as_ref().err().map(ToString::to_string);
        self.status.send_if_modified(|s| {
            let changed = s.online != online || s.last_error != error;
            s.online = online;
            s.last_error = error;
            changed
        });
    }

    fn refresh_counts(&self) {
        if let Ok(counts) = self.outbox().counts() {
            self.status.send_if_modified(|s| {
                let changed = s.counts != counts;
                s.counts = counts;
                changed
            });
        }
    }

    /// Tries every action that is due now, once. Returns how many were tried.
    pub async fn drain_due(&self) -> Result<usize, StoreError> {
        let heads = self.outbox().due(Utc::now(), 64)?;
        let mut tried = 0;
        for head in heads {
            // Go on down this participant's queue while it moves, without a new scan; a few
            // hundred at a time so that other participants get their turn.
            let mut next = Some(head);
            let mut sent_for_participant = 0;
            while let Some(action) = next.take() {
                let settled = self.deliver(&action).await?;
                tried += 1;
                sent_for_participant += 1;
                if settled && sent_for_participant < PER_PARTICIPANT_ROUND {
                    next = self
                        .outbox()
                        .next_due_of(&action.participant_key, Utc::now())?;
                }
            }
        }
        self.refresh_counts();
        Ok(tried)
    }

    /// One delivery attempt and its bookkeeping. True when the action is settled (delivered or
    /// parked), so the participant's next action may follow.
    async fn deliver(&self, action: &crate::store::QueuedAction) -> Result<bool, StoreError> {
        let Some(payload) = action.payload.as_deref() else {
            if action.payload_unreadable {
                let reason = "the saved action cannot be read with this kiosk's key; \
                              the person must do it again";
                self.outbox().mark_parked(action.id, reason, Utc::now())?;
                tracing::error!(action = %action.id, "action parked: payload unreadable");
            }
            return Ok(true);
        };
        let answer = self.portal.submit_action(action.id, payload).await;
        let now = Utc::now();
        let settled = match decide(&answer, action.attempts, Jitter::draw()) {
            Decision::Delivered { reference } => {
                self.outbox().mark_delivered(action.id, &reference, now)?;
                tracing::info!(action = %action.id, %reference, "action delivered");
                true
            }
            Decision::Park { reason } => {
                self.outbox().mark_parked(action.id, &reason, now)?;
                tracing::warn!(action = %action.id, %reason, "action parked");
                true
            }
            Decision::RetryAfter { delay, reason } => {
                let at = now + chrono::Duration::from_std(delay).unwrap_or_default();
                self.outbox().mark_retry(action.id, at, &reason)?;
                tracing::info!(action = %action.id, ?delay, %reason, "action will be retried");
                false
            }
        };
        // Reported after the row is updated, so whoever sees "offline" also sees the attempt.
        self.report_outcome(&answer);
        Ok(settled)
    }

    /// Caches a public document just fetched; a failure leaves the old copy in place.
    fn cache_public<T>(&self, key: &str, answer: Result<(T, String), PortalError>) -> bool {
        self.report_outcome(&answer);
        match answer {
            Ok((_, text)) => match self.cache().put(key, &text, Utc::now()) {
                Ok(()) => true,
                Err(e) => {
                    tracing::warn!(error = %e, %key, "public data could not be cached");
                    false
                }
            },
            Err(e) => {
                tracing::info!(error = %e, %key, "refresh failed, keeping the cached copy");
                false
            }
        }
    }

    /// Fetches the catalogue and caches it.
    pub async fn refresh_catalogue(&self) -> bool {
        let answer = self.portal.catalogue_json().await;
        self.cache_public(CATALOGUE_KEY, answer)
    }

    /// Fetches the announcements and caches them.
    pub async fn refresh_announcements(&self) -> bool {
        let answer = self.portal.announcements_json().await;
        self.cache_public(ANNOUNCEMENTS_KEY, answer)
    }

    /// The worker loop: deliver what is due, refresh the catalogue when it is old, sleep until
    /// woken or until the next action falls due.
    pub async fn run(self: Arc<Self>) {
        let mut catalogue_refreshed_at: Option<tokio::time::Instant> = None;
        loop {
            let tried = match self.drain_due().await {
                Ok(tried) => tried,
                Err(e) => {
                    tracing::error!(error = %e, "outbox could not be read");
                    0
                }
            };
            let stale = catalogue_refreshed_at.is_none_or(|t| t.elapsed() >= CATALOGUE_REFRESH);
            if stale {
                let catalogue = self.refresh_catalogue().await;
                let announcements = self.refresh_announcements().await;
                if catalogue && announcements {
                    catalogue_refreshed_at = Some(tokio::time::Instant::now());
                }
            }
            if tried > 0 {
                // The next action of each participant may be due right behind the one sent.
                continue;
            }
            let until_due = match self.outbox().next_due_at() {
                Ok(Some(at)) => (at - Utc::now()).to_std().unwrap_or(Duration::ZERO),
                _ => IDLE_POLL,
            };
            let sleep = until_due.clamp(Duration::from_millis(50), IDLE_POLL);
            tokio::select! {
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(sleep) => {}
            }
        }
    }
}

/// Runs the worker on `runtime`, restarting it after a panic (logged) so that one bad row or
/// answer can never stop delivery for good.
pub fn spawn_supervised(
    shared: Arc<SyncShared>,
    runtime: &tokio::runtime::Handle,
) -> tokio::task::JoinHandle<()> {
    let handle = runtime.clone();
    runtime.spawn(async move {
        loop {
            let worker = handle.spawn(shared.clone().run());
            match worker.await {
                Err(e) if e.is_panic() => {
                    tracing::error!("sync worker panicked; restarting it in 1 s");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
                _ => break,
            }
        }
    })
}
