//! The Komek reference card: an ISO/IEC 7816-4 profile that the virtual card implements and
//! that a vendor's card can be compared with. Real Kazakh ID cards keep their own commands
//! unpublished; their profile goes beside this one, chosen by ATR.
//!
//! | step | command | answers |
//! |---|---|---|
//! | select the application | `00 A4 04 0C 07 F0 4B 4F 4D 45 4B 01` | `9000` |
//! | select a certificate | `00 A4 02 0C 02 C0 01` (authentication) or `C0 02` (signing) | `9000`, `6A82` |
//! | read it | `00 B0 <offset> 00`, 256 bytes at a time | data `9000`; fewer at the end; `6B00` past it |
//! | PIN tries left | `00 20 00 81` | `9000` (verified), `63Cx` (x left), `6983` (blocked) |
//! | verify the PIN | `00 20 00 81 <Lc> <ASCII digits>` | `9000`, `63Cx`, `6983` |
//! | choose key and algorithm | `00 22 41 B6 06 84 01 <key> 80 01 <alg>` | `9000`, `6A80` |
//! | sign a digest | `00 2A 9E 9A 20 <SHA-256> 00` | signature `9000`; `6982` PIN needed; `6985` no key chosen |
//!
//! Keys: `01` authentication, `02` signing. Algorithms: `01` RSA PKCS#1 v1.5, `02` RSA-PSS,
//! `03` ECDSA P-256 (the signature DER-encoded). Three PIN tries. A verified PIN lasts until
//! the card is reset or removed; the signing key takes one signature per PIN entry.

use komek_api::SignatureAlgorithm;
use zeroize::Zeroize;

use crate::apdu::{Command, Response};
use crate::profile::{CardError, CardProfile, KeyRole, Pin, Transport, exchange};

/// T=1, eight historical bytes "KOMEKID1", TCK.
pub const ATR: [u8; 13] = [
    0x3B, 0x88, 0x80, 0x01, b'K', b'O', b'M', b'E', b'K', b'I', b'D', b'1', 0x72,
];
pub const HISTORICAL_BYTES: &[u8] = b"KOMEKID1";
pub const AID: [u8; 7] = [0xF0, b'K', b'O', b'M', b'E', b'K', 0x01];
pub const PIN_TRIES: u8 = 3;

pub const INS_SELECT: u8 = 0xA4;
pub const INS_READ_BINARY: u8 = 0xB0;
pub const INS_VERIFY: u8 = 0x20;
pub const INS_MSE: u8 = 0x22;
pub const INS_PSO: u8 = 0x2A;
pub const PIN_REFERENCE: u8 = 0x81;

/// The certificate file of a key.
pub fn certificate_file(role: KeyRole) -> [u8; 2] {
    match role {
        KeyRole::Authentication => [0xC0, 0x01],
        KeyRole::Signing => [0xC0, 0x02],
    }
}

pub fn key_reference(role: KeyRole) -> u8 {
    match role {
        KeyRole::Authentication => 0x01,
        KeyRole::Signing => 0x02,
    }
}

pub fn algorithm_id(algorithm: SignatureAlgorithm) -> u8 {
    match algorithm {
        SignatureAlgorithm::RsaPkcs1Sha256 => 0x01,
        SignatureAlgorithm::RsaPssSha256 => 0x02,
        SignatureAlgorithm::EcdsaP256Sha256 => 0x03,
    }
}

pub fn algorithm_of(id: u8) -> Option<SignatureAlgorithm> {
    match id {
        0x01 => Some(SignatureAlgorithm::RsaPkcs1Sha256),
        0x02 => Some(SignatureAlgorithm::RsaPssSha256),
        0x03 => Some(SignatureAlgorithm::EcdsaP256Sha256),
        _ => None,
    }
}

/// Certificates are at most this long; a card that says otherwise is not believed.
const MAX_CERTIFICATE: usize = 16 * 1024;

/// The kiosk's side of the reference profile.
pub struct KomekProfile;

fn checked(response: Response) -> Result<Vec<u8>, CardError> {
    match response.sw {
        Response::OK => Ok(response.data),
        Response::SECURITY_NOT_SATISFIED => Err(CardError::PinNeeded),
        Response::PIN_BLOCKED => Err(CardError::PinBlocked),
        sw => match response.tries_left() {
            Some(tries_left) => Err(CardError::WrongPin { tries_left }),
            None => Err(CardError::Refused(sw)),
        },
    }
}

impl CardProfile for KomekProfile {
    fn name(&self) -> &'static str {
        "Komek reference card"
    }

    fn open(&self, card: &mut dyn Transport) -> Result<(), CardError> {
        let select = Command::new(0x00, INS_SELECT, 0x04, 0x0C).with_data(&AID);
        checked(exchange(card, &select)?).map(drop)
    }

    fn certificate(&self, card: &mut dyn Transport, role: KeyRole) -> Result<Vec<u8>, CardError> {
        let select = Command::new(0x00, INS_SELECT, 0x02, 0x0C).with_data(&certificate_file(role));
        checked(exchange(card, &select)?)?;
        let mut certificate = Vec::new();
        loop {
            let offset = u16::try_from(certificate.len()).map_err(|_| CardError::Malformed)?;
            let [high, low] = offset.to_be_bytes();
            let read = Command::new(0x00, INS_READ_BINARY, high, low).expecting(0);
            let response = exchange(card, &read)?;
            let done = match response.sw {
                Response::OK => response.data.len() < 256,
                Response::END_OF_FILE => true,
                // Past the end exactly when the file is a multiple of 256 bytes long.
                Response::WRONG_P1P2 if !certificate.is_empty() => break,
                sw => return Err(CardError::Refused(sw)),
            };
            certificate.extend_from_slice(&response.data);
            if certificate.len() > MAX_CERTIFICATE {
                return Err(CardError::Malformed);
            }
            if done {
                break;
            }
        }
        Ok(certificate)
    }

    fn pin_tries_left(&self, card: &mut dyn Transport) -> Result<u8, CardError> {
        let ask = Command::new(0x00, INS_VERIFY, 0x00, PIN_REFERENCE);
        match checked(exchange(card, &ask)?) {
            Ok(_) => Ok(PIN_TRIES),
            Err(CardError::WrongPin { tries_left }) => Ok(tries_left),
            Err(e) => Err(e),
        }
    }

    fn verify_pin(&self, card: &mut dyn Transport, pin: &Pin) -> Result<(), CardError> {
        let mut verify =
            Command::new(0x00, INS_VERIFY, 0x00, PIN_REFERENCE).with_data(pin.as_bytes());
        let answer = exchange(card, &verify);
        // The command held the PIN: wipe its bytes.
        verify.data.zeroize();
        checked(answer?).map(drop)
    }

    fn sign_digest(
        &self,
        card: &mut dyn Transport,
        role: KeyRole,
        algorithm: SignatureAlgorithm,
        digest: &[u8; 32],
    ) -> Result<Vec<u8>, CardError> {
        let set = Command::new(0x00, INS_MSE, 0x41, 0xB6).with_data(&[
            0x84,
            0x01,
            key_reference(role),
            0x80,
            0x01,
            algorithm_id(algorithm),
        ]);
        checked(exchange(card, &set)?)?;
        let sign = Command::new(0x00, INS_PSO, 0x9E, 0x9A)
            .with_data(digest)
            .expecting(0);
        checked(exchange(card, &sign)?)
    }
}
