//! The portal's operators, each with their own account (PCI DSS 8.6: no shared credentials): a
//! name, an Argon2id password hash and a TOTP secret, and roles that say what they may do. An
//! administrator adds them on the gateway's own machine (`komek-gateway add-operator`); they
//! log in with password and code, and every step they take is in the audit log.

pub mod account;
pub mod activities;
pub mod session;

pub use account::{AddedOperator, add_operator};
pub use session::{OperatorName, login, require};
