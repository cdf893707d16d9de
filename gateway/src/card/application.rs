//! An application signed with the card: the signing certificate must have been valid when the
//! person confirmed, be theirs (the grant's IIN), and its key must have signed exactly the
//! application's canonical bytes. The accepted signature is kept with the order as evidence.

use chrono::{DateTime, Duration, Utc};
use komek_api::{CardSignature, SupplierChoice};
use rusqlite::{Transaction, params};
use uuid::Uuid;

use super::{Purpose, Roots, verify};
use crate::actions::invalid;
use crate::error::Refusal;

/// A kiosk's clock may run a little ahead of the gateway's, no more.
const CLOCK_SKEW: Duration = Duration::minutes(5);

/// Verifies the card's signature of `choice` by `signer` (the grant's IIN), confirmed at
/// `confirmed_at`, and records it for the order of `key`, which the same transaction adds.
pub fn verify_application(
    tx: &Transaction<'_>,
    key: Uuid,
    roots: &Roots,
    signer: &str,
    choice: &SupplierChoice,
    signature: &CardSignature,
    confirmed_at: DateTime<Utc>,
) -> Result<(), Refusal> {
    let unsigned = |why: &str| invalid(&format!("the application is not signed: {why}"));
    if confirmed_at > Utc::now() + CLOCK_SKEW {
        return Err(unsigned("its confirmation time is in the future"));
    }
    let verified = verify(
        roots,
        signature,
        Purpose::Sign,
        confirmed_at,
        &choice.canonical_bytes(),
    )
    .map_err(|e| unsigned(&e.to_string()))?;
    if verified.iin != signer {
        return Err(unsigned("the card is not the logged-in person's"));
    }
    tx.execute(
        "INSERT INTO order_card_signatures
             (idempotency_key, signer_iin, certificate_sha256, certificate, algorithm,
              signature, confirmed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            key.to_string(),
            signer,
            verified.fingerprint,
            verified.certificate,
            crate::db::enum_text(signature.algorithm),
            verified.signature,
            crate::db::ts(confirmed_at)
        ],
    )?;
    Ok(())
}
