//! Whether a card's signature is to be believed: its certificate was issued by a configured
//! root, is valid at the moment that matters, is meant for the purpose (key usage), names an
//! IIN, and its key made the signature over exactly the message expected.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use komek_api::{CardSignature, SignatureAlgorithm};
use x509_cert::Certificate;
use x509_cert::der::oid::AssociatedOid;
use x509_cert::der::{Decode, DecodePem, Encode};
use x509_cert::ext::pkix::KeyUsage;
use x509_cert::name::Name;

use super::keys::PublicKey;
use crate::auth::sha256_hex;

/// What a card's key is used for; each needs its own key usage in the certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The authentication certificate: keyUsage digitalSignature.
    Login,
    /// The signing certificate: keyUsage nonRepudiation (contentCommitment).
    Sign,
}

impl Purpose {
    fn what(self) -> &'static str {
        match self {
            Purpose::Login => "logging in",
            Purpose::Sign => "signing",
        }
    }

    fn usage(self) -> &'static str {
        match self {
            Purpose::Login => "digitalSignature",
            Purpose::Sign => "nonRepudiation",
        }
    }
}

/// Why a card's signature was not accepted; the message is the refusal's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CardError {
    #[error("no card roots are configured on this gateway")]
    NotConfigured,
    #[error("the certificate or signature is not readable: {0}")]
    Malformed(String),
    #[error("unknown root: the certificate was not issued by a root this gateway trusts")]
    UnknownRoot,
    #[error("the certificate expired at {0}")]
    Expired(DateTime<Utc>),
    #[error("the certificate is not yet valid, only from {0}")]
    NotYetValid(DateTime<Utc>),
    #[error("wrong key usage: the certificate is not for {}, it lacks {}", .0.what(), .0.usage())]
    WrongKeyUsage(Purpose),
    #[error("the certificate's subject carries no IIN")]
    NoIin,
    #[error("forged signature: it does not verify with the certificate's key over this message")]
    Forged,
    #[error("the algorithm {algorithm:?} does not fit the certificate's {key} key")]
    AlgorithmMismatch {
        algorithm: SignatureAlgorithm,
        key: &'static str,
    },
    #[error("the certificate's key is not supported: {0}")]
    UnsupportedKey(String),
}

/// What a verified signature tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The IIN in the certificate's subject.
    pub iin: String,
    /// The certificate, DER, and its SHA-256 in lower-case hex: the evidence kept.
    pub certificate: Vec<u8>,
    pub fingerprint: String,
    /// The signature's bytes.
    pub signature: Vec<u8>,
}

struct Root {
    subject: Name,
    key: PublicKey,
}

/// The certificates a card certificate must be issued by directly: no chain is built through
/// intermediates, so the configured "roots" are the CAs that issue the cards.
#[derive(Default)]
pub struct Roots(Vec<Root>);

impl Roots {
    pub fn from_der(certificates: &[Vec<u8>]) -> Result<Self, CardError> {
        certificates
            .iter()
            .map(|der| {
                let cert = parse(der)?;
                Ok(Root {
                    key: PublicKey::from_spki(&cert.tbs_certificate.subject_public_key_info)?,
                    subject: cert.tbs_certificate.subject,
                })
            })
            .collect::<Result<_, _>>()
            .map(Roots)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether one of the roots issued `cert`: same name, and its key signed the certificate.
    fn issued(&self, cert: &Certificate) -> Result<bool, CardError> {
        let tbs = &cert.tbs_certificate;
        // The algorithm inside the signed part must be the one the signature claims.
        if tbs.signature != cert.signature_algorithm {
            return Err(CardError::Malformed(
                "the two signature algorithms differ".into(),
            ));
        }
        let tbs_der = tbs.to_der().map_err(malformed)?;
        let Some(signature) = cert.signature.as_bytes() else {
            return Err(CardError::Malformed(
                "the signature is not whole bytes".into(),
            ));
        };
        Ok(self.0.iter().any(|root| {
            root.subject == tbs.issuer
                && root
                    .key
                    .signed_certificate(&tbs_der, &cert.signature_algorithm, signature)
        }))
    }
}

fn malformed(e: impl std::fmt::Display) -> CardError {
    CardError::Malformed(e.to_string())
}

fn parse(der: &[u8]) -> Result<Certificate, CardError> {
    Certificate::from_der(der).map_err(|e| malformed(format!("not an X.509 certificate: {e}")))
}

/// Certificates in a PEM file (`--card-roots`), as DER; at least one. Text around the
/// blocks is ignored, as in the bundles OpenSSL writes. (x509-cert's `load_pem_chain` panics
/// on an empty file, hence this.)
pub fn roots_from_pem(pem: &[u8]) -> Result<Vec<Vec<u8>>, CardError> {
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    const END: &str = "-----END CERTIFICATE-----";
    let mut rest = std::str::from_utf8(pem).map_err(|_| malformed("the PEM file is not text"))?;
    let mut certificates = Vec::new();
    while let Some(start) = rest.find(BEGIN) {
        let block = &rest[start..];
        let end = block
            .find(END)
            .ok_or_else(|| malformed("a certificate in the PEM file has no end"))?
            + END.len();
        let certificate = Certificate::from_pem(&block[..end]).map_err(malformed)?;
        certificates.push(certificate.to_der().map_err(malformed)?);
        rest = &block[end..];
    }
    if certificates.is_empty() {
        return Err(malformed("no certificate in the PEM file"));
    }
    Ok(certificates)
}

fn check_validity(cert: &Certificate, at: DateTime<Utc>) -> Result<(), CardError> {
    let validity = &cert.tbs_certificate.validity;
    let not_before = DateTime::<Utc>::from(validity.not_before.to_system_time());
    let not_after = DateTime::<Utc>::from(validity.not_after.to_system_time());
    if at < not_before {
        return Err(CardError::NotYetValid(not_before));
    }
    if at > not_after {
        return Err(CardError::Expired(not_after));
    }
    Ok(())
}

/// A certificate without the key-usage extension is for nothing: every card carries it.
fn check_key_usage(cert: &Certificate, purpose: Purpose) -> Result<(), CardError> {
    let usage = cert
        .tbs_certificate
        .extensions
        .iter()
        .flatten()
        .find(|e| e.extn_id == KeyUsage::OID)
        .map(|e| KeyUsage::from_der(e.extn_value.as_bytes()).map_err(malformed))
        .transpose()?;
    let allowed = usage.is_some_and(|u| match purpose {
        Purpose::Login => u.digital_signature(),
        Purpose::Sign => u.non_repudiation(),
    });
    if allowed {
        Ok(())
    } else {
        Err(CardError::WrongKeyUsage(purpose))
    }
}

/// The IIN in subject serialNumber, written `IIN` and 12 digits.
fn iin(cert: &Certificate) -> Result<String, CardError> {
    komek_card::subject_iin(cert)
        .map(str::to_string)
        .ok_or(CardError::NoIin)
}

/// Verifies a card's `signature` over `message` for `purpose`, with the certificate valid
/// `at` that moment.
pub fn verify(
    roots: &Roots,
    signature: &CardSignature,
    purpose: Purpose,
    at: DateTime<Utc>,
    message: &[u8],
) -> Result<Verified, CardError> {
    if roots.is_empty() {
        return Err(CardError::NotConfigured);
    }
    let certificate = STANDARD
        .decode(&signature.certificate)
        .map_err(|_| malformed("the certificate is not standard base64"))?;
    let signature_bytes = STANDARD
        .decode(&signature.signature)
        .map_err(|_| malformed("the signature is not standard base64"))?;
    let cert = parse(&certificate)?;
    if !roots.issued(&cert)? {
        return Err(CardError::UnknownRoot);
    }
    check_validity(&cert, at)?;
    check_key_usage(&cert, purpose)?;
    let iin = iin(&cert)?;
    PublicKey::from_spki(&cert.tbs_certificate.subject_public_key_info)?.verify(
        message,
        signature.algorithm,
        &signature_bytes,
    )?;
    Ok(Verified {
        iin,
        fingerprint: sha256_hex(&[&certificate]),
        certificate,
        signature: signature_bytes,
    })
}
