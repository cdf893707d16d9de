//! What the kiosk needs of an ID card, whatever its maker: read the authentication and
//! signing certificates, check the PIN, sign a digest. A profile speaks one card family's
//! commands; [`profile_for`] chooses it by the ATR.

use komek_api::SignatureAlgorithm;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::apdu::{Command, Response};

/// Sends one command APDU to the card and returns its response APDU.
pub trait Transport {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, CardError>;
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CardError {
    #[error("the card was removed")]
    Removed,
    #[error("wrong PIN: {tries_left} tries left")]
    WrongPin { tries_left: u8 },
    #[error("the PIN is blocked")]
    PinBlocked,
    #[error("the PIN must be verified first")]
    PinNeeded,
    #[error("this card is not one the kiosk can read")]
    UnknownCard,
    #[error("the card refused the command: status {0:04X}")]
    Refused(u16),
    #[error("the card's answer is malformed")]
    Malformed,
    #[error("card reader: {0}")]
    Reader(String),
}

/// Which of the card's two keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyRole {
    /// Proves who holds the card (login).
    Authentication,
    /// Signs documents (the application for compensation).
    Signing,
}

/// A PIN as typed, wiped from memory when dropped; never logged, never shown.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Pin(String);

impl Pin {
    /// 4 to 12 digits, as ID cards take them.
    pub fn new(digits: &str) -> Option<Pin> {
        let fits = (4..=12).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
        fits.then(|| Pin(digits.to_string()))
    }

    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl std::fmt::Debug for Pin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pin(…)")
    }
}

/// One card family's commands.
pub trait CardProfile: Send {
    fn name(&self) -> &'static str;
    /// Selects the card's application; done once after the card is connected or reset.
    fn open(&self, card: &mut dyn Transport) -> Result<(), CardError>;
    /// The certificate (DER) of the key with `role`.
    fn certificate(&self, card: &mut dyn Transport, role: KeyRole) -> Result<Vec<u8>, CardError>;
    /// How many PIN tries are left (`Err(PinBlocked)` when none).
    fn pin_tries_left(&self, card: &mut dyn Transport) -> Result<u8, CardError>;
    fn verify_pin(&self, card: &mut dyn Transport, pin: &Pin) -> Result<(), CardError>;
    /// Signs a SHA-256 digest with the key of `role`; the PIN must have been verified.
    fn sign_digest(
        &self,
        card: &mut dyn Transport,
        role: KeyRole,
        algorithm: SignatureAlgorithm,
        digest: &[u8; 32],
    ) -> Result<Vec<u8>, CardError>;
}

/// The profile for the card whose ATR this is; `None` for a card no profile knows.
pub fn profile_for(atr: &[u8]) -> Option<Box<dyn CardProfile>> {
    let historical = crate::historical_bytes(atr)?;
    if historical == crate::komek::HISTORICAL_BYTES {
        return Some(Box::new(crate::komek::KomekProfile));
    }
    None
}

/// Sends `command` and reads the response, mapping transport and format faults.
pub(crate) fn exchange(card: &mut dyn Transport, command: &Command) -> Result<Response, CardError> {
    // A VERIFY carries the PIN: the bytes sent are wiped as soon as they have gone.
    let bytes = zeroize::Zeroizing::new(command.to_bytes().ok_or(CardError::Malformed)?);
    let answer = card.transmit(&bytes)?;
    Response::parse(&answer).ok_or(CardError::Malformed)
}
