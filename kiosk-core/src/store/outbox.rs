//! The outbox: every action a person takes, committed durably before the screen says "saved",
//! and kept until the gateway has answered it for good. Its own database file: it is precious.

use std::path::Path;

use chrono::{DateTime, Utc};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params};
use rusqlite_migration::{M, Migrations};
use uuid::Uuid;

use super::salvage;
use super::seal::DeviceKey;
use super::{StoreError, ts};

/// The outbox schema. Never edit a migration that has shipped: add a new one.
fn migrations() -> Migrations<'static> {
    Migrations::new(vec![M::up(
        "CREATE TABLE outbox (
            seq             INTEGER PRIMARY KEY AUTOINCREMENT,
            id              TEXT NOT NULL UNIQUE,
            participant_key TEXT NOT NULL,
            kind            TEXT NOT NULL,
            payload         TEXT,
            state           TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'parked')),
            attempts        INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT NOT NULL,
            created_at      TEXT NOT NULL,
            reference       TEXT,
            last_error      TEXT,
            settled_at      TEXT
        );
        CREATE INDEX outbox_pending ON outbox (state, participant_key, seq);",
    )])
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionState {
    /// Waiting for delivery (first try or a retry later).
    Pending,
    /// The gateway accepted it; `reference` is the portal's.
    Delivered,
    /// Rejected for good; kept with its reason for the person and the technician, and with
    /// its sealed payload, so a technician can send it again once the cause is mended.
    Parked,
}

impl ActionState {
    fn as_str(self) -> &'static str {
        match self {
            ActionState::Pending => "pending",
            ActionState::Delivered => "delivered",
            ActionState::Parked => "parked",
        }
    }

    fn parse(s: &str) -> Result<Self, StoreError> {
        match s {
            "pending" => Ok(ActionState::Pending),
            "delivered" => Ok(ActionState::Delivered),
            "parked" => Ok(ActionState::Parked),
            other => Err(StoreError::Corrupt(format!(
                "unknown outbox state {other:?}"
            ))),
        }
    }
}

/// Drops the sealed payloads of actions parked longer than [`PARKED_PAYLOAD_KEPT`].
fn purge_old_parked_payloads(conn: &Connection, now: DateTime<Utc>) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE outbox SET payload = NULL
         WHERE state = 'parked' AND payload IS NOT NULL AND settled_at < ?1",
        params![ts(now - PARKED_PAYLOAD_KEPT)],
    )?;
    Ok(())
}

/// Whether a stored `state` column holds one of the states (a damaged file can hold anything).
pub(super) fn is_known_state(state: &Value) -> bool {
    matches!(state, Value::Text(s) if ActionState::parse(s).is_ok())
}

/// A row of the outbox as the sync worker and the receipt screen see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedAction {
    pub id: Uuid,
    pub participant_key: String,
    pub kind: String,
    /// The JSON body to deliver, unsealed; purged once the action is settled.
    pub payload: Option<String>,
    /// The sealed payload is there but does not open with this device's key (key file
    /// replaced, or the row damaged): it can never be delivered.
    pub payload_unreadable: bool,
    pub state: ActionState,
    pub attempts: u32,
    pub next_attempt_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub reference: Option<String>,
    pub last_error: Option<String>,
}

/// Where an action stands, read from the columns that hold no payload: what screens show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionStatus {
    pub id: Uuid,
    pub kind: String,
    pub state: ActionState,
    pub attempts: u32,
    pub reference: Option<String>,
    pub last_error: Option<String>,
}

/// A parked action as the technician's screen and report list it, read without opening its
/// sealed payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParkedSummary {
    pub id: Uuid,
    pub kind: String,
    pub attempts: u32,
    pub created_at: DateTime<Utc>,
    pub reason: Option<String>,
    /// Its sealed payload is still kept, so it can be sent again.
    pub has_payload: bool,
}

/// How long a parked action keeps its sealed payload for a technician's retry: past a login
/// grant's 72 hours a retry is refused anyway, and the person's data should not stay longer.
pub const PARKED_PAYLOAD_KEPT: chrono::Duration = chrono::Duration::days(7);

/// Counts for the technician's view and the sync status line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OutboxCounts {
    pub pending: u64,
    pub delivered: u64,
    pub parked: u64,
}

pub struct Outbox {
    pub(super) conn: Connection,
    key: DeviceKey,
}

impl Outbox {
    /// Opens the outbox; payloads are sealed with `key` at rest. A damaged file is kept aside
    /// (`outbox.db.damaged-<time>`) and every row still readable in it is carried into a new
    /// one: the kiosk goes on, and the technician has the original.
    pub fn open(path: &Path, key: DeviceKey) -> Result<Self, StoreError> {
        let problem = match Self::open_checked(path) {
            Ok(conn) => return Ok(Outbox { conn, key }),
            Err(problem) => problem,
        };
        let aside = salvage::move_aside(path)?;
        let conn = Self::open_checked(path)?;
        let (carried, lost) = salvage::carry_rows(&aside, &conn);
        tracing::error!(
            %problem, damaged = %aside.display(), carried, lost,
            "outbox damaged: readable actions carried into a new outbox"
        );
        Ok(Outbox { conn, key })
    }

    fn open_checked(path: &Path) -> Result<Connection, StoreError> {
        let mut conn = Connection::open(path)?;
        let check: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
        if check != "ok" {
            return Err(StoreError::Corrupt(check));
        }
        // WAL keeps readers off the writer; FULL makes every commit survive a power cut.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrations().to_latest(&mut conn)?;
        // A page can be whole to SQLite and still hold garbage where a state should be.
        let states = conn
            .prepare("SELECT DISTINCT state FROM outbox")?
            .query_map([], |r| r.get::<_, Value>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        if let Some(unknown) = states.iter().find(|s| !is_known_state(s)) {
            return Err(StoreError::Corrupt(format!(
                "a row in no known state: {unknown:?}"
            )));
        }
        // Here, so that a file this write fails on is salvaged like any damaged one.
        purge_old_parked_payloads(&conn, Utc::now())?;
        Ok(conn)
    }

    /// Caps the outbox file at about `bytes` (never below its current size), so a flood of
    /// actions cannot fill the disk the system needs; past the cap an enqueue fails as on a
    /// full disk (`StoreError::is_disk_full`).
    pub fn set_max_bytes(&self, bytes: u64) -> Result<(), StoreError> {
        let page_size: i64 = self.conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
        let pages_now: i64 = self.conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
        let wanted = i64::try_from(bytes).unwrap_or(i64::MAX) / page_size.max(1);
        self.conn
            .pragma_update(None, "max_page_count", wanted.max(pages_now))?;
        Ok(())
    }

    /// Commits a new action. When this returns `Ok` the action survives a crash or power loss.
    pub fn enqueue(
        &self,
        id: Uuid,
        participant_key: &str,
        kind: &str,
        payload: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let sealed = self
            .key
            .seal(payload.as_bytes(), id.to_string().as_bytes())?;
        self.conn.execute(
            "INSERT INTO outbox (id, participant_key, kind, payload, state, next_attempt_at, created_at)
             VALUES (?1, ?2, ?3, ?4, 'pending', ?5, ?5)",
            params![id.to_string(), participant_key, kind, sealed, ts(now)],
        )?;
        Ok(())
    }

    /// The actions to try now: for each participant only the oldest pending one, so their
    /// actions reach the portal in the order they were taken; one participant's retry never
    /// holds back another's.
    pub fn due(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<QueuedAction>, StoreError> {
        self.actions(
            &format!(
                "SELECT {ROW} FROM outbox
                 WHERE seq IN (SELECT MIN(seq) FROM outbox
                               WHERE state = 'pending' GROUP BY participant_key)
                   AND next_attempt_at <= ?1
                 ORDER BY seq
                 LIMIT ?2"
            ),
            params![ts(now), i64::try_from(limit).unwrap_or(i64::MAX)],
        )
    }

    /// The oldest pending action of one participant, if it is due at `now` (an index lookup,
    /// for sending a participant's queue in a row).
    pub fn next_due_of(
        &self,
        participant_key: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<QueuedAction>, StoreError> {
        let raw = self
            .conn
            .query_row(
                &format!(
                    "SELECT {ROW} FROM outbox WHERE state = 'pending' AND participant_key = ?1
                     ORDER BY seq LIMIT 1"
                ),
                params![participant_key],
                row_to_raw,
            )
            .optional()?;
        let next = raw.map(|raw| raw.into_action(&self.key)).transpose()?;
        Ok(next.filter(|a| a.next_attempt_at <= now))
    }

    /// When the next pending action falls due, to sleep until then.
    pub fn next_due_at(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        let at: Option<String> = self.conn.query_row(
            "SELECT MIN(o.next_attempt_at) FROM outbox o
             WHERE o.seq IN (SELECT MIN(seq) FROM outbox
                             WHERE state = 'pending' GROUP BY participant_key)",
            [],
            |r| r.get(0),
        )?;
        at.map(|s| parse_time(&s)).transpose()
    }

    pub fn get(&self, id: Uuid) -> Result<Option<QueuedAction>, StoreError> {
        let raw = self
            .conn
            .query_row(
                &format!("SELECT {ROW} FROM outbox WHERE id = ?1"),
                params![id.to_string()],
                row_to_raw,
            )
            .optional()?;
        raw.map(|raw| raw.into_action(&self.key)).transpose()
    }

    /// Where action `id` stands, without touching its sealed payload (which is opened only to
    /// be sent).
    pub fn status(&self, id: Uuid) -> Result<Option<ActionStatus>, StoreError> {
        let row = self
            .conn
            .query_row(
                "SELECT kind, state, attempts, reference, last_error FROM outbox WHERE id = ?1",
                params![id.to_string()],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, u32>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, Option<String>>(4)?,
                    ))
                },
            )
            .optional()?;
        row.map(|(kind, state, attempts, reference, last_error)| {
            Ok(ActionStatus {
                id,
                kind,
                state: ActionState::parse(&state)?,
                attempts,
                reference,
                last_error,
            })
        })
        .transpose()
    }

    /// Accepted by the gateway: keep the reference, purge the payload.
    pub fn mark_delivered(
        &self,
        id: Uuid,
        reference: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.settle(id, ActionState::Delivered, Some(reference), None, now)
    }

    /// Rejected for good: keep the reason and the sealed payload, never block the queue.
    pub fn mark_parked(
        &self,
        id: Uuid,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.settle(id, ActionState::Parked, None, Some(reason), now)?;
        purge_old_parked_payloads(&self.conn, now)
    }

    fn settle(
        &self,
        id: Uuid,
        state: ActionState,
        reference: Option<&str>,
        reason: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        // A delivered payload is of no more use and is purged; a parked one stays sealed for
        // the technician's retry.
        self.conn.execute(
            "UPDATE outbox SET state = ?2, reference = ?3, last_error = ?4,
                               payload = CASE WHEN ?2 = 'delivered' THEN NULL ELSE payload END,
                               attempts = attempts + 1, settled_at = ?5
             WHERE id = ?1 AND state = 'pending'",
            params![id.to_string(), state.as_str(), reference, reason, ts(now)],
        )?;
        Ok(())
    }

    /// Not delivered this time: try again at `next_attempt_at`.
    pub fn mark_retry(
        &self,
        id: Uuid,
        next_attempt_at: DateTime<Utc>,
        error: &str,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?2, last_error = ?3
             WHERE id = ?1 AND state = 'pending'",
            params![id.to_string(), ts(next_attempt_at), error],
        )?;
        Ok(())
    }

    /// Every pending action waiting for a later attempt is due at `now`: what held them all
    /// back (the kiosk not enrolled, say) has been mended. Returns how many were waiting.
    pub fn bring_forward(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        let changed = self.conn.execute(
            "UPDATE outbox SET next_attempt_at = ?1
             WHERE state = 'pending' AND next_attempt_at > ?1",
            params![ts(now)],
        )?;
        Ok(changed)
    }

    /// A parked action goes back in the queue, due at `now` (a technician's retry, once the
    /// cause is mended). Returns whether it was parked with its payload.
    pub fn retry_parked(&self, id: Uuid, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let changed = self.conn.execute(
            "UPDATE outbox SET state = 'pending', next_attempt_at = ?2, settled_at = NULL
             WHERE id = ?1 AND state = 'parked' AND payload IS NOT NULL",
            params![id.to_string(), ts(now)],
        )?;
        Ok(changed == 1)
    }

    /// When the oldest action still waiting was queued: how long the queue has been stuck.
    pub fn oldest_pending_at(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        let oldest: Option<String> = self.conn.query_row(
            "SELECT MIN(created_at) FROM outbox WHERE state = 'pending'",
            [],
            |r| r.get(0),
        )?;
        oldest.map(|t| parse_time(&t)).transpose()
    }

    /// The most recently parked actions, newest first, for the technician; no payload is
    /// opened.
    pub fn parked(&self, limit: usize) -> Result<Vec<ParkedSummary>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, kind, attempts, created_at, last_error, payload IS NOT NULL
             FROM outbox WHERE state = 'parked' ORDER BY seq DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map(params![i64::try_from(limit).unwrap_or(i64::MAX)], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, u32>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, bool>(5)?,
            ))
        })?;
        rows.map(|row| {
            let (id, kind, attempts, created_at, reason, has_payload) = row?;
            Ok(ParkedSummary {
                id: Uuid::parse_str(&id)
                    .map_err(|e| StoreError::Corrupt(format!("outbox id {id:?}: {e}")))?,
                kind,
                attempts,
                created_at: parse_time(&created_at)?,
                reason,
                has_payload,
            })
        })
        .collect()
    }

    /// Runs a query selecting `ROW` and unseals what it finds.
    fn actions(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
    ) -> Result<Vec<QueuedAction>, StoreError> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt.query_map(params, row_to_raw)?;
        rows.map(|r| {
            r.map_err(StoreError::from)
                .and_then(|raw| raw.into_action(&self.key))
        })
        .collect()
    }

    pub fn counts(&self) -> Result<OutboxCounts, StoreError> {
        let mut counts = OutboxCounts::default();
        let mut stmt = self
            .conn
            .prepare_cached("SELECT state, COUNT(*) FROM outbox GROUP BY state")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        for row in rows {
            let (state, n) = row?;
            let n = u64::try_from(n).unwrap_or(0);
            match ActionState::parse(&state)? {
                ActionState::Pending => counts.pending = n,
                ActionState::Delivered => counts.delivered = n,
                ActionState::Parked => counts.parked = n,
            }
        }
        Ok(counts)
    }
}

/// The columns `row_to_raw` reads, in its order.
const ROW: &str = "id, participant_key, kind, payload, state, attempts, next_attempt_at, \
                   created_at, reference, last_error";

struct RawRow {
    id: String,
    participant_key: String,
    kind: String,
    payload: Option<Vec<u8>>,
    state: String,
    attempts: u32,
    next_attempt_at: String,
    created_at: String,
    reference: Option<String>,
    last_error: Option<String>,
}

fn row_to_raw(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawRow> {
    Ok(RawRow {
        id: r.get(0)?,
        participant_key: r.get(1)?,
        kind: r.get(2)?,
        payload: r.get(3)?,
        state: r.get(4)?,
        attempts: r.get(5)?,
        next_attempt_at: r.get(6)?,
        created_at: r.get(7)?,
        reference: r.get(8)?,
        last_error: r.get(9)?,
    })
}

impl RawRow {
    fn into_action(self, key: &DeviceKey) -> Result<QueuedAction, StoreError> {
        let opened = self.payload.as_deref().map(|sealed| {
            key.open(sealed, self.id.as_bytes())
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok())
        });
        let payload_unreadable = matches!(opened, Some(None));
        Ok(QueuedAction {
            id: Uuid::parse_str(&self.id)
                .map_err(|e| StoreError::Corrupt(format!("outbox id: {e}")))?,
            participant_key: self.participant_key,
            kind: self.kind,
            payload: opened.flatten(),
            payload_unreadable,
            state: ActionState::parse(&self.state)?,
            attempts: self.attempts,
            next_attempt_at: parse_time(&self.next_attempt_at)?,
            created_at: parse_time(&self.created_at)?,
            reference: self.reference,
            last_error: self.last_error,
        })
    }
}

fn parse_time(s: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Corrupt(format!("time {s:?}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(secs: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_790_000_000 + secs, 0).unwrap()
    }

    fn outbox() -> (tempfile::TempDir, Outbox) {
        let dir = tempfile::tempdir().unwrap();
        let outbox = Outbox::open(&dir.path().join("outbox.db"), DeviceKey::ephemeral()).unwrap();
        (dir, outbox)
    }

    #[test]
    fn enqueued_action_survives_reopening_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("outbox.db");
        let key_path = dir.path().join("device.key");
        let id = Uuid::now_v7();
        let outbox = Outbox::open(&path, DeviceKey::load_or_create(&key_path).unwrap()).unwrap();
        outbox
            .enqueue(id, "p1", "supplier_choice", "{}", at(0))
            .unwrap();
        drop(outbox);
        let again = Outbox::open(&path, DeviceKey::load_or_create(&key_path).unwrap()).unwrap();
        let row = again.get(id).unwrap().unwrap();
        assert_eq!(row.state, ActionState::Pending);
        assert_eq!(row.payload.as_deref(), Some("{}"));
        let mode: String = again
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let sync: i64 = again
            .conn
            .query_row("PRAGMA synchronous", [], |r| r.get(0))
            .unwrap();
        assert_eq!(sync, 2, "synchronous=FULL");
    }

    #[test]
    fn status_is_read_without_the_payload_and_follows_the_row() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("outbox.db");
        let id = Uuid::now_v7();
        let outbox = Outbox::open(&path, DeviceKey::ephemeral()).unwrap();
        outbox
            .enqueue(id, "p1", "supplier_choice", "{}", at(0))
            .unwrap();
        // Another key cannot open the payload; the status does not need to.
        let other_key = Outbox::open(&path, DeviceKey::ephemeral()).unwrap();
        assert!(other_key.get(id).unwrap().unwrap().payload_unreadable);
        let status = other_key.status(id).unwrap().unwrap();
        assert_eq!(
            (status.kind.as_str(), status.state, status.attempts),
            ("supplier_choice", ActionState::Pending, 0)
        );
        outbox.mark_delivered(id, "SP-7", at(1)).unwrap();
        let status = other_key.status(id).unwrap().unwrap();
        assert_eq!(status.state, ActionState::Delivered);
        assert_eq!(status.reference.as_deref(), Some("SP-7"));
        assert!(other_key.status(Uuid::now_v7()).unwrap().is_none());
    }

    #[test]
    fn due_keeps_order_per_participant_and_does_not_hold_others() {
        let (_dir, outbox) = outbox();
        let (a1, a2, b1) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        outbox.enqueue(a1, "a", "k", "1", at(0)).unwrap();
        outbox.enqueue(a2, "a", "k", "2", at(1)).unwrap();
        outbox.enqueue(b1, "b", "k", "3", at(2)).unwrap();
        let ids = |v: Vec<QueuedAction>| v.into_iter().map(|q| q.id).collect::<Vec<_>>();
        assert_eq!(ids(outbox.due(at(10), 10).unwrap()), vec![a1, b1]);
        // a1 waits for a retry: a2 must not overtake it, b1 goes on.
        outbox.mark_retry(a1, at(100), "offline").unwrap();
        assert_eq!(ids(outbox.due(at(10), 10).unwrap()), vec![b1]);
        assert_eq!(outbox.next_due_at().unwrap(), Some(at(2)));
        outbox.mark_parked(b1, "refused", at(11)).unwrap();
        assert_eq!(ids(outbox.due(at(10), 10).unwrap()), Vec::<Uuid>::new());
        assert_eq!(ids(outbox.due(at(100), 10).unwrap()), vec![a1]);
        assert_eq!(
            outbox.next_due_of("a", at(10)).unwrap(),
            None,
            "a1 waits until 100"
        );
        assert_eq!(
            outbox.next_due_of("a", at(100)).unwrap().map(|q| q.id),
            Some(a1)
        );
        outbox.mark_delivered(a1, "REF-1", at(101)).unwrap();
        assert_eq!(
            outbox.next_due_of("a", at(101)).unwrap().map(|q| q.id),
            Some(a2)
        );
        assert_eq!(
            outbox.next_due_of("b", at(101)).unwrap(),
            None,
            "b1 is parked"
        );
        assert_eq!(ids(outbox.due(at(101), 10).unwrap()), vec![a2]);
    }

    #[test]
    fn bringing_forward_makes_every_waiting_pending_action_due_and_nothing_else() {
        let (_dir, outbox) = outbox();
        let (waiting, parked, fresh) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        outbox.enqueue(waiting, "a", "k", "1", at(0)).unwrap();
        outbox.enqueue(parked, "b", "k", "2", at(0)).unwrap();
        outbox.enqueue(fresh, "c", "k", "3", at(5)).unwrap();
        outbox
            .mark_retry(waiting, at(300), "kiosk not enrolled")
            .unwrap();
        outbox.mark_parked(parked, "refused", at(1)).unwrap();
        assert_eq!(outbox.bring_forward(at(10)).unwrap(), 1);
        let due: Vec<Uuid> = outbox
            .due(at(10), 10)
            .unwrap()
            .iter()
            .map(|q| q.id)
            .collect();
        assert_eq!(due, [waiting, fresh]);
        assert_eq!(
            outbox.get(parked).unwrap().unwrap().state,
            ActionState::Parked
        );
    }

    #[test]
    fn delivery_purges_the_payload_and_parking_keeps_it_sealed() {
        let (_dir, outbox) = outbox();
        let (ok, bad) = (Uuid::now_v7(), Uuid::now_v7());
        outbox.enqueue(ok, "a", "k", "secret", at(0)).unwrap();
        outbox.enqueue(bad, "b", "k", "secret", at(0)).unwrap();
        outbox.mark_delivered(ok, "REF-9", at(1)).unwrap();
        outbox.mark_parked(bad, "grant expired", at(1)).unwrap();
        let ok = outbox.get(ok).unwrap().unwrap();
        assert_eq!(
            (ok.state, ok.reference.as_deref(), ok.payload),
            (ActionState::Delivered, Some("REF-9"), None)
        );
        let bad = outbox.get(bad).unwrap().unwrap();
        assert_eq!(
            (bad.state, bad.last_error.as_deref(), bad.payload.as_deref()),
            (ActionState::Parked, Some("grant expired"), Some("secret"))
        );
        // A late second answer cannot change a settled row.
        outbox.mark_retry(bad.id, at(5), "late").unwrap();
        assert_eq!(
            outbox.get(bad.id).unwrap().unwrap().state,
            ActionState::Parked
        );
        assert_eq!(
            outbox.counts().unwrap(),
            OutboxCounts {
                pending: 0,
                delivered: 1,
                parked: 1
            }
        );
    }

    #[test]
    fn a_parked_action_goes_back_in_the_queue_once_and_a_delivered_one_never() {
        let (_dir, outbox) = outbox();
        let (ok, bad) = (Uuid::now_v7(), Uuid::now_v7());
        outbox.enqueue(ok, "a", "k", "body", at(0)).unwrap();
        outbox.enqueue(bad, "b", "k", "body", at(0)).unwrap();
        outbox.mark_delivered(ok, "REF-9", at(1)).unwrap();
        outbox.mark_parked(bad, "activity closed", at(1)).unwrap();
        assert!(!outbox.retry_parked(ok, at(2)).unwrap(), "delivered once");
        assert!(outbox.retry_parked(bad, at(2)).unwrap());
        assert!(!outbox.retry_parked(bad, at(2)).unwrap(), "pending already");
        let due: Vec<_> = outbox
            .due(at(2), 10)
            .unwrap()
            .into_iter()
            .map(|a| (a.id, a.payload))
            .collect();
        assert_eq!(due, [(bad, Some("body".to_string()))]);
    }

    #[test]
    fn a_parked_payload_is_purged_once_it_has_waited_past_its_keeping() {
        let (_dir, outbox) = outbox();
        let (old, new) = (Uuid::now_v7(), Uuid::now_v7());
        outbox.enqueue(old, "a", "k", "body", at(0)).unwrap();
        outbox.enqueue(new, "b", "k", "body", at(0)).unwrap();
        outbox.mark_parked(old, "refused", at(1)).unwrap();
        let later = at(1) + PARKED_PAYLOAD_KEPT + chrono::Duration::seconds(1);
        outbox.mark_parked(new, "refused", later).unwrap();
        let kept: Vec<(Uuid, bool)> = outbox
            .parked(10)
            .unwrap()
            .into_iter()
            .map(|p| (p.id, p.has_payload))
            .collect();
        assert_eq!(kept, [(new, true), (old, false)]);
        assert!(
            !outbox.retry_parked(old, later).unwrap(),
            "nothing left to send"
        );
    }

    #[test]
    fn payloads_are_sealed_at_rest_and_unreadable_ones_are_flagged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("outbox.db");
        let id = Uuid::now_v7();
        let outbox = Outbox::open(&path, DeviceKey::ephemeral()).unwrap();
        outbox
            .enqueue(id, "p1", "k", r#"{"phone":"+77011234567"}"#, at(0))
            .unwrap();
        let raw: Vec<u8> = outbox
            .conn
            .query_row(
                "SELECT payload FROM outbox WHERE id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .unwrap();
        assert!(
            !raw.windows(8).any(|w| w == b"77011234"),
            "payload stored in clear"
        );
        assert_eq!(
            outbox.get(id).unwrap().unwrap().payload.as_deref(),
            Some(r#"{"phone":"+77011234567"}"#)
        );
        drop(outbox);
        // Opened with another key (the key file was replaced): flagged, never delivered as garbage.
        let other = Outbox::open(&path, DeviceKey::ephemeral()).unwrap();
        let row = other.get(id).unwrap().unwrap();
        assert_eq!((row.payload, row.payload_unreadable), (None, true));
    }

    #[test]
    fn a_full_disk_refuses_the_action_cleanly_and_keeps_what_was_saved() {
        let (_dir, outbox) = outbox();
        // Cap the file so that it fills up, as a full disk would.
        outbox.set_max_bytes(0).unwrap();
        let big = "x".repeat(2000);
        let mut saved = Vec::new();
        let error = loop {
            let id = Uuid::now_v7();
            match outbox.enqueue(id, "p", "k", &big, at(0)) {
                Ok(()) => saved.push(id),
                Err(e) => break e,
            }
            assert!(saved.len() < 1000, "the cap never filled");
        };
        assert!(error.is_disk_full(), "{error}");
        assert_eq!(
            outbox.counts().unwrap().pending,
            saved.len() as u64,
            "nothing half-written"
        );
        for id in &saved {
            assert_eq!(
                outbox.get(*id).unwrap().unwrap().payload.as_deref(),
                Some(big.as_str())
            );
        }
        let check: String = outbox
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok");
    }
}
