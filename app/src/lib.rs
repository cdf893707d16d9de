//! The Komek kiosk: the touchscreen app of the portal of social services.

pub mod domain;
pub mod store;

slint::include_modules!();
