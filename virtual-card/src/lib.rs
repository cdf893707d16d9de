//! Test and demo PKI for Komek, made in memory: a self-signed root and national ID cards
//! whose authentication and signing certificates carry the holder's IIN in the subject, as
//! the National Certification Authority's do. The keys sign as a card would, so the gateway's
//! verification can be tested end to end without hardware; behind the Komek reference applet
//! (`komek-card`) they are the virtual card. Never for production identities.

mod applet_keys;
mod check;
mod error;
mod identity;
mod key;
mod name;
pub mod pcscd;
pub mod vpcd;

pub use check::{authentication_signs_as_certified, p256_signature_verifies};
pub use error::IdentityError;
pub use identity::{Authority, CardIdentity};
pub use key::{CardKey, KeyKind};

#[cfg(test)]
mod tests;
