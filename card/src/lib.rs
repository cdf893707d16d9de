//! The national ID card as the kiosk speaks to it, free of PC/SC: APDUs, the card profiles
//! (chosen by the card's ATR) that read certificates, verify the PIN and sign a digest, and
//! the Komek reference card (`applet`) that the virtual card runs. The kiosk's reader thread
//! (PC/SC) and the virtual card's transport (vpcd) sit on either side of [`Transport`].

pub mod apdu;
pub mod applet;
mod atr;
mod certificate;
pub mod komek;
mod profile;
#[cfg(feature = "reader")]
pub mod reader;

pub use atr::historical_bytes;
pub use certificate::{CardCertificate, CertificateError, subject_iin};
pub use profile::{CardError, CardProfile, KeyRole, Pin, Transport, profile_for};
