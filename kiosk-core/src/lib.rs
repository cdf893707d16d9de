//! The kiosk's services without a screen: the visit's state machine, logging in, reading the
//! programme and the catalogue, the durable outbox and its delivery to the gateway, and the
//! devices (ID card readers, speech, the sign-language player). No Slint: the `komek-kiosk`
//! crate puts this on screen, and the end-to-end tests drive it headless. See ARCHITECTURE.md.

pub mod assets;
pub mod cards;
pub mod core;
pub mod diagnostics;
pub mod enrolment;
pub mod identity;
pub mod portal;
pub mod qr;
pub mod receipt;
pub mod session;
pub mod sign;
pub mod speech;
pub mod store;
pub mod sync;
pub mod technician;
pub mod text_entry;
