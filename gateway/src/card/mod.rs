//! The national ID card and eGov Mobile: logging in with the card's authentication key,
//! verifying an application signed with its signing key, and logging in by approving a QR
//! code in eGov Mobile. The gateway trusts the roots it was configured with and nothing else.

mod application;
mod keys;
pub(crate) mod login;
pub(crate) mod qr;
mod verify;

pub(crate) use application::verify_application;
pub use qr::QR_LIFETIME;
pub use verify::{CardError, Purpose, Roots, Verified, roots_from_pem, verify};

#[cfg(test)]
mod tests;
