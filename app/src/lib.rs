//! The Komek kiosk: the touchscreen app of the portal of social services.
//!
//! Layers, top to bottom: `bridge` (Slint ↔ Rust), `session` (one visit's state machine),
//! `core` (the kiosk's services), `sync` (outbox delivery), `portal` (the gateway client),
//! `store` (SQLite), `domain` (pure rules). See ARCHITECTURE.md.

pub mod assets;
pub mod bridge;
pub mod cards;
pub mod core;
pub mod diagnostics;
pub mod domain;
pub mod embedded;
pub mod portal;
pub mod session;
pub mod sign;
pub mod speech;
pub mod store;
pub mod sync;
pub mod tour;

/// The Slint UI compiled from `ui/` (generated code).
#[allow(clippy::all, clippy::unwrap_used, clippy::expect_used)]
mod generated {
    slint::include_modules!();
}
pub use generated::*;
