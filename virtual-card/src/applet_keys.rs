//! A card identity as the keys behind the Komek reference applet: the virtual card.

use komek_api::SignatureAlgorithm;
use komek_card::KeyRole;
use komek_card::applet::{Applet, CardKeys};

use crate::CardIdentity;

impl CardKeys for CardIdentity {
    fn certificate(&self, role: KeyRole) -> &[u8] {
        &self.key(role).certificate_der
    }

    fn sign_digest(
        &self,
        role: KeyRole,
        algorithm: SignatureAlgorithm,
        digest: &[u8; 32],
    ) -> Option<Vec<u8>> {
        self.key(role).sign_digest(digest, algorithm).ok()
    }
}

impl CardIdentity {
    fn key(&self, role: KeyRole) -> &crate::CardKey {
        match role {
            KeyRole::Authentication => &self.authentication,
            KeyRole::Signing => &self.signing,
        }
    }

    /// The Komek reference applet holding this identity, with `pin`.
    pub fn applet(self, pin: &str) -> Applet {
        Applet::new(Box::new(self), pin)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use chrono::{Duration, Utc};
    use komek_card::applet::Applet;
    use komek_card::komek::KomekProfile;
    use komek_card::{CardError, CardProfile, KeyRole, Pin, Transport};

    use crate::{Authority, KeyKind};

    struct InMemory(Applet);

    impl Transport for InMemory {
        fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, CardError> {
            Ok(self.0.process(command))
        }
    }

    #[test]
    fn the_kiosk_reads_the_card_and_its_signature_verifies_with_the_certificates_key() {
        let authority = Authority::new("Komek test root").unwrap();
        let now = Utc::now();
        let identity = authority
            .issue_card(
                "810314304128",
                KeyKind::P256,
                now - Duration::days(1),
                now + Duration::days(365),
            )
            .unwrap();
        let auth_certificate = identity.authentication.certificate_der.clone();
        let mut card = InMemory(identity.applet("1234"));
        let profile = KomekProfile;
        profile.open(&mut card).unwrap();
        assert_eq!(
            profile
                .certificate(&mut card, KeyRole::Authentication)
                .unwrap(),
            auth_certificate
        );
        profile
            .verify_pin(&mut card, &Pin::new("1234").unwrap())
            .unwrap();
        assert!(
            crate::authentication_signs_as_certified(&profile, &mut card, &auth_certificate)
                .unwrap()
        );
    }
}
