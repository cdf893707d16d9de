//! One-time codes "sent by SMS": to the registered phone to log in or to sign an application,
//! or to a new phone to prove the person holds it before it replaces the registered one. All
//! share the rate limit per IIN, the lifetime, the tries and the development read-out.

use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use komek_api::{ErrorCode, OtpChallenge};
use rand::RngExt;
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use uuid::Uuid;

use crate::auth::{
    ATTEMPTS_PER_CHALLENGE, CODE_LIFETIME, CODES_PER_WINDOW, RATE_WINDOW, mask_iin, mask_phone,
    sha256_hex,
};
use crate::error::Refusal;

/// What a code is for; a code issued for one purpose is unknown to the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose<'a> {
    Login,
    /// Proving that the person logged in as this IIN holds the new phone.
    NewPhone {
        iin: &'a str,
    },
    /// The person logged in as this IIN signs the application with this digest.
    Sign {
        iin: &'a str,
        digest: &'a str,
    },
}

/// Whom a redeemed code was issued to.
pub struct Redeemed {
    pub iin: String,
    pub device_id: String,
    /// For `Purpose::NewPhone`: the number the code went to.
    pub new_phone: Option<String>,
}

/// What a code is issued for: the number it proves, or the digest it signs.
#[derive(Debug, Clone, Copy)]
pub enum Binding<'a> {
    Login,
    NewPhone,
    Sign { digest: &'a str },
}

/// Issues a code to `phone` for `iin`, unless the IIN has had too many codes lately.
/// With `Binding::NewPhone`, `phone` is the new number the code proves.
pub fn issue(
    conn: &Connection,
    iin: &str,
    device_id: &str,
    phone: &str,
    binding: Binding<'_>,
    dev_endpoints: bool,
) -> Result<OtpChallenge, Refusal> {
    let now = Utc::now();
    let since = crate::db::ts(now - RATE_WINDOW);
    let (recent, oldest): (i64, Option<String>) = conn.query_row(
        "SELECT COUNT(*), MIN(created_at) FROM otp_challenges WHERE iin = ?1 AND created_at > ?2",
        params![iin, since],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if recent >= CODES_PER_WINDOW {
        let oldest = oldest
            .and_then(|s| DateTime::parse_from_rfc3339(&s).ok())
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or(now);
        let wait = (oldest + RATE_WINDOW - now).num_seconds().max(1);
        let mut refusal = Refusal::new(
            StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::TooManyRequests,
            "too many codes requested, wait before asking again",
        );
        refusal.retry_after_secs = u64::try_from(wait).ok();
        return Err(refusal);
    }
    let challenge_id = Uuid::now_v7();
    let code = format!("{:06}", rand::rng().random_range(0..1_000_000u32));
    let expires_at = now + CODE_LIFETIME;
    conn.execute(
        "INSERT INTO otp_challenges
             (id, iin, device_id, code_hash, dev_code, attempts_left, created_at, expires_at,
              new_phone, sign_digest)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            challenge_id.to_string(),
            iin,
            device_id,
            sha256_hex(&[challenge_id.as_bytes(), code.as_bytes()]),
            dev_endpoints.then_some(code.as_str()),
            ATTEMPTS_PER_CHALLENGE,
            crate::db::ts(now),
            crate::db::ts(expires_at),
            matches!(binding, Binding::NewPhone).then_some(phone),
            match binding {
                Binding::Sign { digest } => Some(digest),
                _ => None,
            },
        ],
    )?;
    if dev_endpoints {
        tracing::info!(iin = %mask_iin(iin), phone = %mask_phone(phone), %code, ?binding, "demo SMS sent");
    } else {
        tracing::info!(iin = %mask_iin(iin), ?binding, "one-time code sent");
    }
    Ok(OtpChallenge {
        challenge_id,
        expires_at,
        phone_hint: mask_phone(phone),
        attempts_allowed: ATTEMPTS_PER_CHALLENGE,
    })
}

/// A challenge as the database holds it.
struct Stored {
    iin: String,
    device_id: String,
    code_hash: String,
    attempts_left: u32,
    expires_at: String,
    used: bool,
    new_phone: Option<String>,
    sign_digest: Option<String>,
}

/// Checks `code` against the challenge. A right code marks it used in the returned
/// transaction, which the caller commits with what the code unlocks; a wrong one costs a try
/// (committed here) and is refused with the tries left.
pub fn redeem<'c>(
    conn: &'c mut Connection,
    challenge_id: Uuid,
    code: &str,
    purpose: Purpose<'_>,
) -> Result<(Redeemed, Transaction<'c>), Refusal> {
    let now = Utc::now();
    let tx = conn.transaction()?;
    let row = tx
        .query_row(
            "SELECT iin, device_id, code_hash, attempts_left, expires_at, used, new_phone,
                    sign_digest
             FROM otp_challenges WHERE id = ?1",
            params![challenge_id.to_string()],
            |r| {
                Ok(Stored {
                    iin: r.get(0)?,
                    device_id: r.get(1)?,
                    code_hash: r.get(2)?,
                    attempts_left: r.get(3)?,
                    expires_at: r.get(4)?,
                    used: r.get(5)?,
                    new_phone: r.get(6)?,
                    sign_digest: r.get(7)?,
                })
            },
        )
        .optional()?;
    let expired = |msg: &str| Refusal::new(StatusCode::GONE, ErrorCode::ChallengeExpired, msg);
    let Some(Stored {
        iin,
        device_id,
        code_hash,
        attempts_left,
        expires_at,
        used,
        new_phone,
        sign_digest,
    }) = row
    else {
        return Err(expired("unknown challenge"));
    };
    let fits = match purpose {
        Purpose::Login => new_phone.is_none() && sign_digest.is_none(),
        Purpose::NewPhone { iin: session_iin } => new_phone.is_some() && iin == session_iin,
        Purpose::Sign {
            iin: session_iin,
            digest,
        } => sign_digest.as_deref() == Some(digest) && iin == session_iin,
    };
    if !fits {
        return Err(expired("unknown challenge"));
    }
    let expires_at = DateTime::parse_from_rfc3339(&expires_at)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(now);
    if used || expires_at < now {
        return Err(expired(
            "the code has expired or was used, ask for a new one",
        ));
    }
    let exhausted = || {
        Refusal::new(
            StatusCode::FORBIDDEN,
            ErrorCode::AttemptsExhausted,
            "too many wrong codes, ask for a new one",
        )
    };
    if attempts_left == 0 {
        return Err(exhausted());
    }
    if sha256_hex(&[challenge_id.as_bytes(), code.trim().as_bytes()]) != code_hash {
        let left = attempts_left - 1;
        tx.execute(
            "UPDATE otp_challenges SET attempts_left = ?2 WHERE id = ?1",
            params![challenge_id.to_string(), left],
        )?;
        tx.commit()?;
        let mut refusal = if left == 0 {
            exhausted()
        } else {
            Refusal::new(StatusCode::UNAUTHORIZED, ErrorCode::WrongCode, "wrong code")
        };
        refusal.body.attempts_left = Some(left);
        return Err(refusal);
    }
    tx.execute(
        "UPDATE otp_challenges SET used = 1 WHERE id = ?1",
        params![challenge_id.to_string()],
    )?;
    Ok((
        Redeemed {
            iin,
            device_id,
            new_phone,
        },
        tx,
    ))
}
