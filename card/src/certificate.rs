//! What the kiosk reads from a card's certificate before it asks for the PIN: whose card it
//! is, whether it is valid today, and which signature its key makes. The kiosk trusts none of
//! it: the gateway checks the chain to its roots and the signature. These are read first so a
//! card that cannot succeed (expired, not a national ID card) does not cost the person a PIN
//! try.

use chrono::{DateTime, Utc};
use komek_api::SignatureAlgorithm;
use x509_cert::Certificate;
use x509_cert::der::asn1::ObjectIdentifier;
use x509_cert::der::{Decode, Tag, Tagged};

/// The subject attribute in which NCA certificates carry `IIN` and the 12 digits.
const SERIAL_NUMBER: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.5");
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const PRIME256V1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertificateError {
    #[error("not an X.509 certificate: {0}")]
    Malformed(String),
    #[error("the certificate's subject carries no IIN")]
    NoIin,
    #[error("the certificate's key is not one the kiosk can sign with: {0}")]
    UnsupportedKey(String),
}

/// The IIN in the subject's `serialNumber`, written `IIN` and 12 digits, as NCA certificates
/// carry it; the kiosk and the gateway read it the same way.
pub fn subject_iin(certificate: &Certificate) -> Option<&str> {
    certificate
        .tbs_certificate
        .subject
        .0
        .iter()
        .flat_map(|rdn| rdn.0.iter())
        .filter(|atv| atv.oid == SERIAL_NUMBER)
        .filter(|atv| matches!(atv.value.tag(), Tag::PrintableString | Tag::Utf8String))
        .filter_map(|atv| std::str::from_utf8(atv.value.value()).ok())
        .find_map(komek_api::iin_in_serial_number)
}

/// A card certificate as far as the kiosk needs it.
#[derive(Clone, PartialEq, Eq)]
pub struct CardCertificate {
    /// The 12 digits of the subject's `serialNumber` (`IIN…`).
    pub iin: String,
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
    algorithm: SignatureAlgorithm,
}

/// Never shows the IIN whole: only its last four digits.
impl std::fmt::Debug for CardCertificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let tail = self
            .iin
            .get(self.iin.len().saturating_sub(4)..)
            .unwrap_or("");
        f.debug_struct("CardCertificate")
            .field("iin", &format_args!("********{tail}"))
            .field("not_before", &self.not_before)
            .field("not_after", &self.not_after)
            .field("algorithm", &self.algorithm)
            .finish()
    }
}

impl CardCertificate {
    pub fn parse(der: &[u8]) -> Result<CardCertificate, CertificateError> {
        let certificate =
            Certificate::from_der(der).map_err(|e| CertificateError::Malformed(e.to_string()))?;
        let tbs = &certificate.tbs_certificate;
        let iin = subject_iin(&certificate)
            .ok_or(CertificateError::NoIin)?
            .to_string();
        let key = &tbs.subject_public_key_info.algorithm;
        let algorithm = if key.oid == RSA_ENCRYPTION {
            SignatureAlgorithm::RsaPkcs1Sha256
        } else if key.oid == EC_PUBLIC_KEY {
            let curve = key
                .parameters
                .as_ref()
                .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
            if curve != Some(PRIME256V1) {
                return Err(CertificateError::UnsupportedKey(match curve {
                    Some(curve) => format!("EC on curve {curve}"),
                    None => "EC without a named curve".into(),
                }));
            }
            SignatureAlgorithm::EcdsaP256Sha256
        } else {
            return Err(CertificateError::UnsupportedKey(key.oid.to_string()));
        };
        Ok(CardCertificate {
            iin,
            not_before: DateTime::<Utc>::from(tbs.validity.not_before.to_system_time()),
            not_after: DateTime::<Utc>::from(tbs.validity.not_after.to_system_time()),
            algorithm,
        })
    }

    /// The signature the card's key makes: PKCS#1 v1.5 for RSA (what every card signs),
    /// ECDSA for P-256.
    pub fn algorithm(&self) -> SignatureAlgorithm {
        self.algorithm
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use chrono::{Duration, DurationRound, Utc};
    use komek_virtual_card::{Authority, KeyKind};

    use super::*;

    const IIN: &str = "810314304128";

    #[test]
    fn the_iin_dates_and_algorithm_are_read_from_both_kinds_of_card() {
        let now = Utc::now().duration_trunc(Duration::seconds(1)).unwrap();
        let (from, until) = (now - Duration::days(1), now + Duration::days(365));
        for (kind, algorithm) in [
            (KeyKind::P256, SignatureAlgorithm::EcdsaP256Sha256),
            (KeyKind::Rsa2048, SignatureAlgorithm::RsaPkcs1Sha256),
        ] {
            let card = Authority::new("Komek test root")
                .unwrap()
                .issue_card(IIN, kind, from, until)
                .unwrap();
            for der in [
                &card.authentication.certificate_der,
                &card.signing.certificate_der,
            ] {
                let certificate = CardCertificate::parse(der).unwrap();
                assert_eq!(certificate.iin, IIN);
                assert_eq!(certificate.not_before, from);
                assert_eq!(certificate.not_after, until);
                assert_eq!(certificate.algorithm(), algorithm, "{kind:?}");
                // The IIN is masked wherever the certificate is printed.
                let shown = format!("{certificate:?}");
                assert!(!shown.contains(IIN) && shown.contains("4128"), "{shown}");
            }
        }
    }

    #[test]
    fn a_root_has_no_iin_and_garbage_is_no_certificate() {
        let authority = Authority::new("Komek test root").unwrap();
        assert_eq!(
            CardCertificate::parse(authority.root_der()),
            Err(CertificateError::NoIin)
        );
        assert!(matches!(
            CardCertificate::parse(b"not a certificate"),
            Err(CertificateError::Malformed(_))
        ));
        let card = authority
            .issue_card(
                IIN,
                KeyKind::P256,
                Utc::now(),
                Utc::now() + Duration::days(1),
            )
            .unwrap();
        let der = &card.authentication.certificate_der;
        assert!(matches!(
            CardCertificate::parse(&der[..der.len() - 10]),
            Err(CertificateError::Malformed(_))
        ));
    }
}
