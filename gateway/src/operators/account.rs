//! An operator's account: added from the command line, its password hashed with Argon2id, its
//! TOTP secret made here and shown once, for the operator's authenticator app.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Utc};
use komek_api::OperatorRole;
use rand::RngExt;
use rusqlite::params;
use totp_rs::{Algorithm, TOTP};

use crate::audit::{self, Actor, Entry};
use crate::{Db, GatewayError};

/// Shorter passwords are refused: the second factor is no excuse for a weak first.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// What the administrator hands the new operator: the secret for their authenticator app.
pub struct AddedOperator {
    pub totp_secret_base32: String,
    /// The same as a URI an authenticator app reads (from a QR code or pasted).
    pub otpauth_uri: String,
}

/// An operator's or a technician's name in the system: what the audit log says. It holds a
/// letter, so an IIN can never be one.
pub(crate) fn valid_username(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name.chars().any(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
}

/// Adds an operator with `roles`; an existing name is refused, never overwritten.
pub fn add_operator(
    db: &Db,
    username: &str,
    password: &str,
    roles: &[OperatorRole],
    now: DateTime<Utc>,
) -> Result<AddedOperator, GatewayError> {
    if !valid_username(username) {
        return Err(GatewayError::Operator(
            "a username is 1-64 lower-case letters, digits, '.', '_' or '-'".into(),
        ));
    }
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(GatewayError::Operator(format!(
            "a password has at least {MIN_PASSWORD_CHARS} characters"
        )));
    }
    if roles.is_empty() {
        return Err(GatewayError::Operator(
            "an operator has at least one role".into(),
        ));
    }
    let password_hash = Argon2::default()
        .hash_password(password.as_bytes(), &SaltString::generate(&mut OsRng))
        .map_err(|e| GatewayError::Operator(format!("hashing the password: {e}")))?
        .to_string();
    let new = new_totp(username)?;
    let roles_text = roles_to_text(roles);
    let mut conn = db.lock();
    let tx = conn.transaction()?;
    let exists: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM operators WHERE username = ?1)",
        params![username],
        |r| r.get(0),
    )?;
    if exists {
        return Err(GatewayError::Operator(format!(
            "an operator named {username} exists already"
        )));
    }
    tx.execute(
        "INSERT INTO operators (username, password_hash, totp_secret, roles, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            username,
            password_hash,
            new.secret.as_slice(),
            roles_text,
            crate::db::ts(now)
        ],
    )?;
    audit::record(
        &tx,
        &Entry {
            actor: Actor::Administrator,
            action: "operator added",
            kiosk_id: None,
            detail: &format!("{username}: {roles_text}"),
        },
        now,
    )?;
    tx.commit()?;
    Ok(AddedOperator {
        totp_secret_base32: new.base32,
        otpauth_uri: new.uri,
    })
}

/// A TOTP secret made for someone: its bytes to keep, and what their authenticator app takes.
pub(crate) struct NewTotp {
    pub secret: [u8; 20],
    pub base32: String,
    pub uri: String,
}

/// A new 160-bit secret (RFC 4226's recommendation) for the account `label`.
pub(crate) fn new_totp(label: &str) -> Result<NewTotp, GatewayError> {
    let secret: [u8; 20] = rand::rng().random();
    let base32 = totp(secret.to_vec())?.get_secret_base32();
    let uri = format!(
        "otpauth://totp/Komek:{label}?secret={base32}&issuer=Komek&algorithm=SHA1&digits=6&period=30"
    );
    Ok(NewTotp {
        secret,
        base32,
        uri,
    })
}

/// Six digits every 30 s with SHA-1: what every authenticator app shows. One step either side
/// is accepted for a phone whose clock is a little off.
pub(crate) fn totp(secret: Vec<u8>) -> Result<TOTP, GatewayError> {
    TOTP::new(Algorithm::SHA1, 6, 1, 30, secret)
        .map_err(|e| GatewayError::Operator(format!("TOTP secret: {e}")))
}

/// The 30-second step whose code `code` is, among the step of `now` and its neighbours.
pub(crate) fn matching_step(totp: &TOTP, code: &str, now: DateTime<Utc>) -> Option<u64> {
    let now_step = u64::try_from(now.timestamp()).ok()? / totp.step;
    let wanted = crate::auth::sha256_hex(&[code.trim().as_bytes()]);
    (now_step.saturating_sub(1)..=now_step + 1).find(|step| {
        // Compared as hashes, so the comparison takes the same time whatever is typed.
        crate::auth::sha256_hex(&[totp.generate(step * totp.step).as_bytes()]) == wanted
    })
}

pub(crate) fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

pub(crate) fn roles_to_text(roles: &[OperatorRole]) -> String {
    roles
        .iter()
        .map(|r| crate::db::enum_text(*r))
        .collect::<Vec<_>>()
        .join(",")
}

pub(crate) fn roles_from_text(text: &str) -> Vec<OperatorRole> {
    text.split(',')
        .filter_map(|r| crate::db::enum_from_text(r).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn a_code_matches_its_step_and_the_neighbours_only() {
        let totp = totp(vec![7u8; 20]).unwrap();
        let now = DateTime::from_timestamp(1_800_000_015, 0).unwrap();
        let step = 1_800_000_015 / 30;
        for s in [step - 1, step, step + 1] {
            assert_eq!(matching_step(&totp, &totp.generate(s * 30), now), Some(s));
        }
        assert_eq!(
            matching_step(&totp, &totp.generate((step + 2) * 30), now),
            None
        );
        assert_eq!(matching_step(&totp, "", now), None);
    }

    #[test]
    fn a_password_verifies_against_its_hash_only() {
        let hash = Argon2::default()
            .hash_password(b"correct horse battery", &SaltString::generate(&mut OsRng))
            .unwrap()
            .to_string();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password(&hash, "correct horse battery"));
        assert!(!verify_password(&hash, "correct horse batterY"));
        assert!(!verify_password("not a hash", "correct horse battery"));
    }

    #[test]
    fn a_name_holds_a_letter_so_an_iin_is_never_one() {
        assert!(valid_username("tech-krg-07"));
        assert!(!valid_username("810314304128"));
        assert!(!valid_username("Aigerim"));
        assert!(!valid_username(""));
    }

    #[test]
    fn roles_are_kept_by_their_wire_names() {
        let roles = [OperatorRole::ContactCentre, OperatorRole::Fleet];
        assert_eq!(roles_to_text(&roles), "contact_centre,fleet");
        assert_eq!(roles_from_text("contact_centre,fleet"), roles);
    }
}
