//! The card's side of the Komek reference profile (see [`crate::komek`]): the applet the
//! virtual card runs, in memory. It holds two certificates and hands signing to its keys,
//! keeps the PIN's tries, and forgets a verified PIN when it is reset.

use komek_api::SignatureAlgorithm;
use zeroize::Zeroize;

use crate::apdu::{Command, Response};
use crate::komek::{
    AID, INS_MSE, INS_PSO, INS_READ_BINARY, INS_SELECT, INS_VERIFY, PIN_REFERENCE, PIN_TRIES,
    algorithm_of, certificate_file,
};
use crate::profile::{CardError, KeyRole, Transport};

/// The private keys behind the card's certificates.
pub trait CardKeys: Send {
    fn certificate(&self, role: KeyRole) -> &[u8];
    /// Signs a SHA-256 digest; `None` when the algorithm does not fit the key.
    fn sign_digest(
        &self,
        role: KeyRole,
        algorithm: SignatureAlgorithm,
        digest: &[u8; 32],
    ) -> Option<Vec<u8>>;
}

pub struct Applet {
    keys: Box<dyn CardKeys>,
    pin: Vec<u8>,
    tries_left: u8,
    selected_app: bool,
    selected_file: Option<KeyRole>,
    /// The PIN was verified since the last reset.
    verified: bool,
    /// The signing key has signed since the PIN was verified.
    signing_spent: bool,
    security_env: Option<(KeyRole, SignatureAlgorithm)>,
}

impl Drop for Applet {
    fn drop(&mut self) {
        self.pin.zeroize();
    }
}

impl Applet {
    pub fn new(keys: Box<dyn CardKeys>, pin: &str) -> Self {
        Applet {
            keys,
            pin: pin.as_bytes().to_vec(),
            tries_left: PIN_TRIES,
            selected_app: false,
            selected_file: None,
            verified: false,
            signing_spent: false,
            security_env: None,
        }
    }

    /// A card whose PIN tries are used up.
    pub fn blocked(mut self) -> Self {
        self.tries_left = 0;
        self
    }

    /// Power off, power on or reset: the session's state goes; the tries stay.
    pub fn reset(&mut self) {
        self.selected_app = false;
        self.selected_file = None;
        self.verified = false;
        self.signing_spent = false;
        self.security_env = None;
    }

    /// Answers one command APDU.
    pub fn process(&mut self, bytes: &[u8]) -> Vec<u8> {
        let response = match Command::parse(bytes) {
            Some(command) if command.cla == 0x00 => self.answer(&command),
            Some(_) => Response::status(0x6E00),
            None => Response::status(Response::WRONG_LENGTH),
        };
        response.to_bytes()
    }

    fn answer(&mut self, command: &Command) -> Response {
        match (command.ins, self.selected_app) {
            (INS_SELECT, _) => self.select(command),
            (_, false) => Response::status(Response::CONDITIONS_NOT_SATISFIED),
            (INS_READ_BINARY, true) => self.read_binary(command),
            (INS_VERIFY, true) => self.verify(command),
            (INS_MSE, true) => self.set_security_environment(command),
            (INS_PSO, true) => self.sign(command),
            _ => Response::status(Response::INS_NOT_SUPPORTED),
        }
    }

    fn select(&mut self, command: &Command) -> Response {
        match (command.p1, command.data.as_slice()) {
            (0x04, aid) if aid == AID => {
                self.selected_app = true;
                self.selected_file = None;
                Response::status(Response::OK)
            }
            (0x02, fid) if self.selected_app => {
                let role = [KeyRole::Authentication, KeyRole::Signing]
                    .into_iter()
                    .find(|r| certificate_file(*r) == fid);
                self.selected_file = role;
                match role {
                    Some(_) => Response::status(Response::OK),
                    None => Response::status(Response::FILE_NOT_FOUND),
                }
            }
            _ => Response::status(Response::FILE_NOT_FOUND),
        }
    }

    fn read_binary(&self, command: &Command) -> Response {
        let Some(role) = self.selected_file else {
            return Response::status(Response::CONDITIONS_NOT_SATISFIED);
        };
        let file = self.keys.certificate(role);
        let offset = usize::from(u16::from_be_bytes([command.p1, command.p2]));
        let wanted = match command.le {
            Some(0) | None => 256,
            Some(n) => usize::from(n),
        };
        if offset >= file.len() {
            return Response::status(Response::WRONG_P1P2);
        }
        let end = (offset + wanted).min(file.len());
        Response::ok(file[offset..end].to_vec())
    }

    fn verify(&mut self, command: &Command) -> Response {
        if command.p2 != PIN_REFERENCE {
            return Response::status(Response::WRONG_P1P2);
        }
        if self.tries_left == 0 {
            return Response::status(Response::PIN_BLOCKED);
        }
        if command.data.is_empty() {
            return if self.verified {
                Response::status(Response::OK)
            } else {
                Response::status(0x63C0 | u16::from(self.tries_left))
            };
        }
        if command.data == self.pin {
            self.tries_left = PIN_TRIES;
            self.verified = true;
            self.signing_spent = false;
            Response::status(Response::OK)
        } else {
            self.tries_left -= 1;
            self.verified = false;
            match self.tries_left {
                0 => Response::status(Response::PIN_BLOCKED),
                left => Response::status(0x63C0 | u16::from(left)),
            }
        }
    }

    fn set_security_environment(&mut self, command: &Command) -> Response {
        let env = match command.data.as_slice() {
            [0x84, 0x01, key, 0x80, 0x01, alg] => {
                let role = match key {
                    0x01 => Some(KeyRole::Authentication),
                    0x02 => Some(KeyRole::Signing),
                    _ => None,
                };
                role.zip(algorithm_of(*alg))
            }
            _ => None,
        };
        self.security_env = env;
        match env {
            Some(_) => Response::status(Response::OK),
            None => Response::status(Response::WRONG_DATA),
        }
    }

    fn sign(&mut self, command: &Command) -> Response {
        if (command.p1, command.p2) != (0x9E, 0x9A) {
            return Response::status(Response::WRONG_P1P2);
        }
        let Some((role, algorithm)) = self.security_env else {
            return Response::status(Response::CONDITIONS_NOT_SATISFIED);
        };
        let spent = role == KeyRole::Signing && self.signing_spent;
        if !self.verified || spent {
            return Response::status(Response::SECURITY_NOT_SATISFIED);
        }
        let Ok(digest) = <[u8; 32]>::try_from(command.data.as_slice()) else {
            return Response::status(Response::WRONG_LENGTH);
        };
        match self.keys.sign_digest(role, algorithm, &digest) {
            Some(signature) => {
                if role == KeyRole::Signing {
                    self.signing_spent = true;
                }
                Response::ok(signature)
            }
            None => Response::status(Response::WRONG_DATA),
        }
    }
}

/// The applet as a card in the kiosk's own process (the embedded demo): nothing between the
/// kiosk and the card, so nothing can fail on the way.
impl Transport for Applet {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, CardError> {
        Ok(self.process(command))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::komek::KomekProfile;
    use crate::profile::{CardProfile, Pin};

    /// Keys that "sign" by tagging the digest: enough to see what reached them.
    struct FakeKeys {
        auth: Vec<u8>,
        sign: Vec<u8>,
    }

    impl CardKeys for FakeKeys {
        fn certificate(&self, role: KeyRole) -> &[u8] {
            match role {
                KeyRole::Authentication => &self.auth,
                KeyRole::Signing => &self.sign,
            }
        }

        fn sign_digest(
            &self,
            role: KeyRole,
            algorithm: SignatureAlgorithm,
            digest: &[u8; 32],
        ) -> Option<Vec<u8>> {
            (algorithm == SignatureAlgorithm::EcdsaP256Sha256).then(|| {
                let mut s = vec![crate::komek::key_reference(role)];
                s.extend_from_slice(digest);
                s
            })
        }
    }

    fn card() -> Applet {
        // 600 bytes: three reads; 512: exactly two, then past the end.
        Applet::new(
            Box::new(FakeKeys {
                auth: (0..600u32).map(|i| i as u8).collect(),
                sign: vec![7; 512],
            }),
            "1234",
        )
    }

    #[test]
    fn certificates_are_read_whole_whatever_their_length() {
        let mut card = card();
        let profile = KomekProfile;
        profile.open(&mut card).unwrap();
        let auth = profile
            .certificate(&mut card, KeyRole::Authentication)
            .unwrap();
        assert_eq!(auth, (0..600u32).map(|i| i as u8).collect::<Vec<_>>());
        let sign = profile.certificate(&mut card, KeyRole::Signing).unwrap();
        assert_eq!(sign, vec![7; 512]);
    }

    #[test]
    fn a_wrong_pin_costs_a_try_the_right_one_restores_them_and_three_wrong_block_it() {
        let mut card = card();
        let profile = KomekProfile;
        profile.open(&mut card).unwrap();
        let wrong = Pin::new("0000").unwrap();
        assert_eq!(profile.pin_tries_left(&mut card), Ok(3));
        assert_eq!(
            profile.verify_pin(&mut card, &wrong),
            Err(CardError::WrongPin { tries_left: 2 })
        );
        assert_eq!(profile.pin_tries_left(&mut card), Ok(2));
        profile
            .verify_pin(&mut card, &Pin::new("1234").unwrap())
            .unwrap();
        assert_eq!(profile.pin_tries_left(&mut card), Ok(3));
        card.reset();
        profile.open(&mut card).unwrap();
        for left in [2, 1] {
            assert_eq!(
                profile.verify_pin(&mut card, &wrong),
                Err(CardError::WrongPin { tries_left: left })
            );
        }
        assert_eq!(
            profile.verify_pin(&mut card, &wrong),
            Err(CardError::PinBlocked)
        );
        assert_eq!(
            profile.verify_pin(&mut card, &Pin::new("1234").unwrap()),
            Err(CardError::PinBlocked),
            "blocked stays blocked, even for the right PIN"
        );
        assert_eq!(
            profile.pin_tries_left(&mut card),
            Err(CardError::PinBlocked)
        );
    }

    #[test]
    fn signing_needs_the_pin_and_the_signing_key_signs_once_per_pin() {
        let mut card = card();
        let profile = KomekProfile;
        let ecdsa = SignatureAlgorithm::EcdsaP256Sha256;
        let digest = [9u8; 32];
        profile.open(&mut card).unwrap();
        assert_eq!(
            profile.sign_digest(&mut card, KeyRole::Authentication, ecdsa, &digest),
            Err(CardError::PinNeeded)
        );
        profile
            .verify_pin(&mut card, &Pin::new("1234").unwrap())
            .unwrap();
        let signed = profile
            .sign_digest(&mut card, KeyRole::Authentication, ecdsa, &digest)
            .unwrap();
        assert_eq!((signed[0], &signed[1..]), (0x01, &digest[..]));
        // The authentication key stays usable; the signing key signs once.
        profile
            .sign_digest(&mut card, KeyRole::Authentication, ecdsa, &digest)
            .unwrap();
        assert_eq!(
            profile
                .sign_digest(&mut card, KeyRole::Signing, ecdsa, &digest)
                .unwrap()[0],
            0x02
        );
        assert_eq!(
            profile.sign_digest(&mut card, KeyRole::Signing, ecdsa, &digest),
            Err(CardError::PinNeeded)
        );
        // An algorithm the key cannot do is refused.
        assert_eq!(
            profile.sign_digest(
                &mut card,
                KeyRole::Authentication,
                SignatureAlgorithm::RsaPssSha256,
                &digest
            ),
            Err(CardError::Refused(Response::WRONG_DATA))
        );
        // A reset forgets the PIN.
        card.reset();
        profile.open(&mut card).unwrap();
        assert_eq!(
            profile.sign_digest(&mut card, KeyRole::Authentication, ecdsa, &digest),
            Err(CardError::PinNeeded)
        );
    }

    #[test]
    fn the_komek_atr_chooses_the_komek_profile_and_its_check_byte_is_right() {
        let atr = crate::komek::ATR;
        let tck = atr[1..atr.len() - 1].iter().fold(0u8, |x, b| x ^ b);
        assert_eq!(tck, atr[atr.len() - 1]);
        assert_eq!(
            crate::profile_for(&atr).map(|p| p.name()),
            Some("Komek reference card")
        );
        assert!(crate::profile_for(&[0x3B, 0x12, 0x96, 0xAB, 0xCD]).is_none());
    }
}
