//! What the fuzz targets share: a hostile card, scripted by the fuzzer.

use komek_card::{CardError, Transport};

/// A card session as the fuzzer writes it (and `virtual-card/examples/card-fuzz-seeds.rs` records
/// it): the ATR, then the card's answers in the order the kiosk asks, each record a two-byte
/// big-endian length and its bytes. A record cut short ends the script.
pub struct CardScript<'a> {
    pub atr: &'a [u8],
    answers: std::vec::IntoIter<&'a [u8]>,
}

impl<'a> CardScript<'a> {
    pub fn parse(mut data: &'a [u8]) -> Option<CardScript<'a>> {
        let mut records = Vec::new();
        while let [high, low, rest @ ..] = data {
            let len = usize::from(u16::from_be_bytes([*high, *low]));
            let Some((record, rest)) = rest.split_at_checked(len) else {
                break;
            };
            records.push(record);
            data = rest;
        }
        let mut records = records.into_iter();
        let atr = records.next()?;
        Some(CardScript {
            atr,
            answers: records.collect::<Vec<_>>().into_iter(),
        })
    }
}

/// Answers each command with the script's next record; once the script is spent the card is
/// gone, as one pulled out mid-exchange.
impl Transport for CardScript<'_> {
    fn transmit(&mut self, _command: &[u8]) -> Result<Vec<u8>, CardError> {
        self.answers
            .next()
            .map(<[u8]>::to_vec)
            .ok_or(CardError::Removed)
    }
}

/// A card's keys for the reference applet without a key to sign with: the certificates of the
/// recorded P-256 card, and a fixed signature (what verifies it is not under test here).
pub struct FixedKeys {
    authentication: &'static [u8],
    signing: &'static [u8],
}

impl FixedKeys {
    pub fn p256() -> FixedKeys {
        FixedKeys {
            authentication: include_bytes!("../seeds/card_certificate/p256-authentication.der"),
            signing: include_bytes!("../seeds/card_certificate/p256-signing.der"),
        }
    }
}

impl komek_card::applet::CardKeys for FixedKeys {
    fn certificate(&self, role: komek_card::KeyRole) -> &[u8] {
        match role {
            komek_card::KeyRole::Authentication => self.authentication,
            komek_card::KeyRole::Signing => self.signing,
        }
    }

    fn sign_digest(
        &self,
        _role: komek_card::KeyRole,
        _algorithm: komek_api::SignatureAlgorithm,
        digest: &[u8; 32],
    ) -> Option<Vec<u8>> {
        Some(digest.repeat(2))
    }
}
