//! Proofs the gateway hands out for a right one-time code, to be carried by a queued action:
//! that the person holds a new phone, or that they signed an application's digest. Each is
//! bound to the person and the thing proven, expires with the grant, and is spent once.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Transaction, params};

use crate::auth::{random_token, sha256_hex};
use crate::error::Refusal;

/// What a proof is about.
#[derive(Debug, Clone, Copy)]
pub enum Proven<'a> {
    Phone(&'a str),
    Digest(&'a str),
}

impl Proven<'_> {
    /// The table and the column holding what is proven.
    fn table(self) -> (&'static str, &'static str) {
        match self {
            Proven::Phone(_) => ("phone_proofs", "phone"),
            Proven::Digest(_) => ("signature_proofs", "digest"),
        }
    }
}

impl<'a> Proven<'a> {
    fn subject(self) -> &'a str {
        match self {
            Proven::Phone(s) | Proven::Digest(s) => s,
        }
    }
}

/// Why a proof was not accepted, for the refusal's message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unproven {
    Missing,
    Spent,
    Expired,
    NotThis,
}

impl Unproven {
    pub fn reason(self) -> &'static str {
        match self {
            Unproven::Missing => "no confirmation code was given",
            Unproven::Spent => "the confirmation was already used",
            Unproven::Expired => "the confirmation has expired",
            Unproven::NotThis => "the confirmation is not for this",
        }
    }
}

/// Records a new proof for `iin` and returns it (only its hash is kept).
pub fn mint(
    tx: &Transaction<'_>,
    iin: &str,
    proven: Proven<'_>,
    expires_at: DateTime<Utc>,
) -> Result<String, Refusal> {
    let proof = random_token();
    let (table, column) = proven.table();
    tx.execute(
        &format!(
            "INSERT INTO {table} (proof_hash, iin, {column}, expires_at) VALUES (?1, ?2, ?3, ?4)"
        ),
        params![
            sha256_hex(&[proof.as_bytes()]),
            iin,
            proven.subject(),
            crate::db::ts(expires_at)
        ],
    )?;
    Ok(proof)
}

/// Spends a proof that `iin` proved `proven`; `Err(Ok(why))` if it is missing, for another
/// person or subject, expired, or already spent.
pub fn spend(
    tx: &Transaction<'_>,
    proof: Option<&str>,
    iin: &str,
    proven: Proven<'_>,
) -> Result<Result<(), Unproven>, Refusal> {
    let Some(proof) = proof else {
        return Ok(Err(Unproven::Missing));
    };
    let (table, column) = proven.table();
    let hash = sha256_hex(&[proof.as_bytes()]);
    let row: Option<(String, String, String, bool)> = tx
        .query_row(
            &format!("SELECT iin, {column}, expires_at, used FROM {table} WHERE proof_hash = ?1"),
            params![hash],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let Some((owner, subject, expires_at, used)) = row else {
        return Ok(Err(Unproven::NotThis));
    };
    if owner != iin || subject != proven.subject() {
        return Ok(Err(Unproven::NotThis));
    }
    if used {
        return Ok(Err(Unproven::Spent));
    }
    if expires_at <= crate::db::ts(Utc::now()) {
        return Ok(Err(Unproven::Expired));
    }
    tx.execute(
        &format!("UPDATE {table} SET used = 1 WHERE proof_hash = ?1"),
        params![hash],
    )?;
    Ok(Ok(()))
}
