//! The gateway's own database: participants and their programmes, public catalogue, login
//! challenges, sessions and grants, and every action applied (keyed by its idempotency key).

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::Connection;
use rusqlite_migration::{M, Migrations};

use crate::error::GatewayError;

/// Never edit a migration that has shipped: add a new one.
fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(
            "CREATE TABLE participants (
            iin         TEXT PRIMARY KEY,
            body        TEXT NOT NULL,
            phone       TEXT NOT NULL
        );
        CREATE TABLE activities (
            id              TEXT PRIMARY KEY,
            participant_iin TEXT NOT NULL REFERENCES participants (iin),
            body            TEXT NOT NULL,
            status          TEXT NOT NULL
        );
        CREATE INDEX activities_by_participant ON activities (participant_iin);
        CREATE TABLE catalogue_items (id TEXT PRIMARY KEY, body TEXT NOT NULL);
        CREATE TABLE suppliers (id TEXT PRIMARY KEY, body TEXT NOT NULL);
        CREATE TABLE otp_challenges (
            id            TEXT PRIMARY KEY,
            iin           TEXT NOT NULL,
            device_id     TEXT NOT NULL,
            code_hash     TEXT NOT NULL,
            dev_code      TEXT,
            attempts_left INTEGER NOT NULL,
            created_at    TEXT NOT NULL,
            expires_at    TEXT NOT NULL,
            used          INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX otp_by_iin ON otp_challenges (iin, created_at);
        CREATE TABLE sessions (
            token_hash TEXT PRIMARY KEY,
            iin        TEXT NOT NULL,
            expires_at TEXT NOT NULL
        );
        CREATE TABLE grants (
            grant_hash TEXT PRIMARY KEY,
            iin        TEXT NOT NULL,
            device_id  TEXT NOT NULL,
            expires_at TEXT NOT NULL
        );
        CREATE TABLE actions (
            idempotency_key TEXT PRIMARY KEY,
            request_hash    TEXT NOT NULL,
            status_code     INTEGER NOT NULL,
            response        TEXT NOT NULL,
            created_at      TEXT NOT NULL
        );
        CREATE TABLE orders (
            seq             INTEGER PRIMARY KEY AUTOINCREMENT,
            reference       TEXT NOT NULL UNIQUE,
            idempotency_key TEXT NOT NULL UNIQUE,
            participant_iin TEXT NOT NULL,
            activity_id     TEXT NOT NULL,
            item_id         TEXT NOT NULL,
            supplier_id     TEXT NOT NULL,
            quantity        INTEGER NOT NULL,
            unit_price_kzt  INTEGER NOT NULL,
            created_at      TEXT NOT NULL
        );",
        ),
        M::up(
            "CREATE TABLE contact_changes (
            seq             INTEGER PRIMARY KEY AUTOINCREMENT,
            idempotency_key TEXT NOT NULL UNIQUE,
            participant_iin TEXT NOT NULL,
            phone           TEXT,
            email           TEXT,
            created_at      TEXT NOT NULL
        );",
        ),
        M::up(
            "CREATE TABLE tickets (
            seq             INTEGER PRIMARY KEY AUTOINCREMENT,
            reference       TEXT NOT NULL,
            idempotency_key TEXT NOT NULL UNIQUE,
            participant_iin TEXT NOT NULL,
            problem         TEXT NOT NULL,
            description     TEXT NOT NULL,
            contact_phone   TEXT,
            screenshot      TEXT,
            diagnostics     TEXT,
            submitted_at    TEXT NOT NULL,
            received_at     TEXT NOT NULL
        );
        CREATE INDEX tickets_by_participant ON tickets (participant_iin, seq);
        CREATE TABLE ticket_events (
            seq       INTEGER PRIMARY KEY AUTOINCREMENT,
            reference TEXT NOT NULL,
            event     TEXT NOT NULL,
            at        TEXT NOT NULL
        );
        CREATE INDEX ticket_events_by_reference ON ticket_events (reference, seq);",
        ),
        M::up(
            "CREATE TABLE choice_activations (
            seq             INTEGER PRIMARY KEY AUTOINCREMENT,
            idempotency_key TEXT NOT NULL UNIQUE,
            participant_iin TEXT NOT NULL,
            activity_id     TEXT NOT NULL,
            created_at      TEXT NOT NULL
        );",
        ),
        // Codes that prove a new phone, and the proofs a queued contact change carries.
        M::up(
            "ALTER TABLE otp_challenges ADD COLUMN new_phone TEXT;
        CREATE TABLE phone_proofs (
            proof_hash TEXT PRIMARY KEY,
            iin        TEXT NOT NULL,
            phone      TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            used       INTEGER NOT NULL DEFAULT 0
        );",
        ),
        M::up(
            "CREATE TABLE announcements (id TEXT PRIMARY KEY, body TEXT NOT NULL);
        CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);",
        ),
        // Each activity's statuses with the day each began: the person's timeline.
        M::up(
            "CREATE TABLE activity_events (
            seq         INTEGER PRIMARY KEY AUTOINCREMENT,
            activity_id TEXT NOT NULL,
            status      TEXT NOT NULL,
            on_date     TEXT NOT NULL
        );
        CREATE INDEX activity_events_by_activity ON activity_events (activity_id, seq);",
        ),
        // Codes that sign an application, and the proofs a queued supplier choice carries.
        M::up(
            "ALTER TABLE otp_challenges ADD COLUMN sign_digest TEXT;
        CREATE TABLE signature_proofs (
            proof_hash TEXT PRIMARY KEY,
            iin        TEXT NOT NULL,
            digest     TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            used       INTEGER NOT NULL DEFAULT 0
        );",
        ),
        // Who may act for whom (Rules item 2.9), and who did each applied action: the actor
        // and the person it was applied to (NULL both for an anonymous failure request).
        M::up(
            "CREATE TABLE representations (
            representative_iin TEXT NOT NULL,
            principal_iin      TEXT NOT NULL,
            relation           TEXT NOT NULL,
            PRIMARY KEY (representative_iin, principal_iin)
        );
        CREATE TABLE action_actors (
            idempotency_key   TEXT PRIMARY KEY,
            actor_iin         TEXT,
            principal_iin     TEXT,
            assistant_present INTEGER NOT NULL,
            created_at        TEXT NOT NULL
        );",
        ),
        // A failure can be reported without logging in (Rules item 15): such a ticket has no
        // participant. SQLite cannot drop NOT NULL in place, so the table is rebuilt.
        M::up(
            "CREATE TABLE tickets_nullable (
            seq             INTEGER PRIMARY KEY AUTOINCREMENT,
            reference       TEXT NOT NULL,
            idempotency_key TEXT NOT NULL UNIQUE,
            participant_iin TEXT,
            problem         TEXT NOT NULL,
            description     TEXT NOT NULL,
            contact_phone   TEXT,
            screenshot      TEXT,
            diagnostics     TEXT,
            submitted_at    TEXT NOT NULL,
            received_at     TEXT NOT NULL
        );
        INSERT INTO tickets_nullable SELECT * FROM tickets;
        DROP TABLE tickets;
        ALTER TABLE tickets_nullable RENAME TO tickets;
        CREATE INDEX tickets_by_participant ON tickets (participant_iin, seq);",
        ),
        // Proactive offers (the home-education pilot) with their current status, and answers.
        M::up(
            "CREATE TABLE offers (
            id            TEXT PRIMARY KEY,
            recipient_iin TEXT NOT NULL,
            body          TEXT NOT NULL,
            status        TEXT NOT NULL
        );
        CREATE INDEX offers_by_recipient ON offers (recipient_iin);
        CREATE TABLE offer_answers (
            seq             INTEGER PRIMARY KEY AUTOINCREMENT,
            idempotency_key TEXT NOT NULL UNIQUE,
            offer_id        TEXT NOT NULL,
            consent         INTEGER NOT NULL,
            account_id      TEXT,
            created_at      TEXT NOT NULL
        );",
        ),
        // The national ID card: nonces it signs to log in, and the signatures of applications
        // kept as evidence with their orders; eGov Mobile's QR logins.
        M::up(
            "CREATE TABLE card_challenges (
            id         TEXT PRIMARY KEY,
            nonce      BLOB NOT NULL,
            device_id  TEXT NOT NULL,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            used       INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE order_card_signatures (
            idempotency_key    TEXT PRIMARY KEY,
            signer_iin         TEXT NOT NULL,
            certificate_sha256 TEXT NOT NULL,
            certificate        BLOB NOT NULL,
            algorithm          TEXT NOT NULL,
            signature          BLOB NOT NULL,
            confirmed_at       TEXT NOT NULL
        );
        CREATE TABLE qr_logins (
            session_hash TEXT PRIMARY KEY,
            code         TEXT NOT NULL UNIQUE,
            device_id    TEXT NOT NULL,
            created_at   TEXT NOT NULL,
            expires_at   TEXT NOT NULL,
            approved_iin TEXT,
            approved_at  TEXT,
            handed_over  INTEGER NOT NULL DEFAULT 0
        );",
        ),
        M::up(
            "CREATE TABLE devices (
            kiosk_id    TEXT PRIMARY KEY,
            site        TEXT NOT NULL,
            region      TEXT NOT NULL,
            public_key  BLOB NOT NULL,
            fingerprint TEXT NOT NULL,
            enrolled_at TEXT NOT NULL,
            revoked_at  TEXT
        );
        CREATE TABLE enrolment_codes (
            code_hash  TEXT PRIMARY KEY,
            kiosk_id   TEXT NOT NULL,
            site       TEXT NOT NULL,
            region     TEXT NOT NULL,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            used_at    TEXT
        );
        CREATE TABLE audit_log (
            seq      INTEGER PRIMARY KEY AUTOINCREMENT,
            at       TEXT NOT NULL,
            actor    TEXT NOT NULL,
            action   TEXT NOT NULL,
            kiosk_id TEXT,
            detail   TEXT NOT NULL DEFAULT ''
        );
        ALTER TABLE actions ADD COLUMN kiosk_id TEXT;",
        ),
        M::up(
            "CREATE TABLE operators (
            username       TEXT PRIMARY KEY,
            password_hash  TEXT NOT NULL,
            totp_secret    BLOB NOT NULL,
            roles          TEXT NOT NULL,
            last_totp_step INTEGER NOT NULL DEFAULT 0,
            failed_logins  INTEGER NOT NULL DEFAULT 0,
            locked_until   TEXT,
            created_at     TEXT NOT NULL
        );
        CREATE TABLE operator_sessions (
            token_hash   TEXT PRIMARY KEY,
            username     TEXT NOT NULL REFERENCES operators (username),
            expires_at   TEXT NOT NULL,
            last_used_at TEXT NOT NULL
        );",
        ),
        M::up(
            "CREATE TABLE technicians (
            technician_id  TEXT PRIMARY KEY,
            iin_hash       TEXT NOT NULL UNIQUE,
            regions        TEXT NOT NULL,
            totp_secret    BLOB NOT NULL,
            last_totp_step INTEGER NOT NULL DEFAULT 0,
            revoked_at     TEXT,
            created_at     TEXT NOT NULL
        );
        CREATE TABLE technician_sessions (
            token_hash    TEXT PRIMARY KEY,
            technician_id TEXT NOT NULL REFERENCES technicians (technician_id),
            kiosk_id      TEXT NOT NULL,
            expires_at    TEXT NOT NULL
        );",
        ),
        // Guessing a technician's codes locks their code login for a while.
        M::up(
            "ALTER TABLE technicians ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
             ALTER TABLE technicians ADD COLUMN locked_until TEXT;",
        ),
    ])
}

/// One connection behind a mutex: every handler's work is a short transaction, and holding the
/// lock across it is what makes concurrent duplicates of one key apply once.
#[derive(Clone)]
pub struct Db {
    conn: Arc<Mutex<Connection>>,
}

impl Db {
    pub fn open(path: &Path) -> Result<Self, GatewayError> {
        let mut conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // `komek-gateway add-operator` writes while a gateway may be serving.
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrations().to_latest(&mut conn)?;
        Ok(Db {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    pub fn lock(&self) -> MutexGuard<'_, Connection> {
        // A handler that panicked mid-transaction left nothing committed; go on.
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Times are stored as fixed-width UTC text, so comparing the text in SQL compares the times.
pub fn ts(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// An enum stored by its wire name (`awaiting_choice`, `code_not_received`), so the database
/// and the API spell it the same.
pub fn enum_text<T: serde::Serialize>(value: T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::from("unknown"),
    }
}

pub fn enum_from_text<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, serde_json::Error> {
    serde_json::from_value(serde_json::Value::String(text.to_string()))
}

/// A stored time (written by `ts`).
pub fn parse_ts(text: &str) -> Result<chrono::DateTime<chrono::Utc>, crate::GatewayError> {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|e| crate::GatewayError::StoredTime(format!("{text}: {e}")))
}

/// The portal's reference for an applied action: its kind's prefix, the Astana date, and the
/// sequence number of its row (`SP-20261123-000042`).
/// Sets an activity's status and records the day it began in the activity's history.
pub fn set_activity_status(
    conn: &rusqlite::Connection,
    activity_id: &str,
    status: komek_api::ActivityStatus,
    on: chrono::NaiveDate,
) -> Result<(), rusqlite::Error> {
    conn.execute(
        "UPDATE activities SET status = ?2 WHERE id = ?1",
        rusqlite::params![activity_id, enum_text(status)],
    )?;
    conn.execute(
        "INSERT INTO activity_events (activity_id, status, on_date) VALUES (?1, ?2, ?3)",
        rusqlite::params![activity_id, enum_text(status), on.to_string()],
    )?;
    Ok(())
}

pub fn reference(prefix: &str, at: chrono::DateTime<chrono::Utc>, seq: i64) -> String {
    format!(
        "{prefix}-{}-{seq:06}",
        komek_domain::astana::date_on(at).format("%Y%m%d")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_migrations_are_valid() {
        assert!(migrations().validate().is_ok());
    }

    #[test]
    fn tickets_keep_their_rows_when_the_participant_becomes_optional() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrations().to_version(&mut conn, 7).unwrap();
        conn.execute(
            "INSERT INTO tickets (reference, idempotency_key, participant_iin, problem,
                                  description, submitted_at, received_at)
             VALUES ('TF-1', 'k1', '810314304128', 'other', 'x', 't', 't')",
            [],
        )
        .unwrap();
        migrations().to_latest(&mut conn).unwrap();
        conn.execute(
            "INSERT INTO tickets (reference, idempotency_key, participant_iin, problem,
                                  description, submitted_at, received_at)
             VALUES ('TF-2', 'k2', NULL, 'other', 'y', 't', 't')",
            [],
        )
        .unwrap();
        let rows: Vec<(i64, Option<String>)> = conn
            .prepare("SELECT seq, participant_iin FROM tickets ORDER BY seq")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(rows, [(1, Some("810314304128".into())), (2, None)]);
    }
}
