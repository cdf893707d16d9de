//! A test root and the cards it issues: each card holds two keys, one to authenticate (log
//! in) and one to sign (non-repudiation), each with a certificate from the root.
//!
//! The certificates are assembled from x509-cert's types rather than its builder: the
//! builder's leaf profile always grants digitalSignature and nonRepudiation together, and a
//! card's two certificates must differ in exactly that.

use std::time::Duration as StdDuration;

use chrono::{DateTime, Datelike, Duration, Utc};
use komek_api::SignatureAlgorithm;
use rsa::rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};
use x509_cert::Certificate;
use x509_cert::certificate::{TbsCertificate, Version};
use x509_cert::der::asn1::{
    Any, BitString, GeneralizedTime, ObjectIdentifier, OctetString, UtcTime,
};
use x509_cert::der::oid::AssociatedOid;
use x509_cert::der::pem::LineEnding;
use x509_cert::der::{Decode, Encode};
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage, KeyUsage, KeyUsages};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_cert::time::{Time, Validity};

use crate::key::PrivateKey;
use crate::{CardKey, IdentityError, KeyKind, name};

const ECDSA_WITH_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const SHA256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const CLIENT_AUTH: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.2");

/// The holder's name on cards issued without one.
pub const TEST_HOLDER: &str = "TEST CARDHOLDER";

/// A self-signed root certification authority.
pub struct Authority {
    name: Name,
    key: PrivateKey,
    root_der: Vec<u8>,
    root_pem: String,
}

/// A national ID card: the holder's IIN and the card's two keys.
#[derive(Debug, Clone)]
pub struct CardIdentity {
    pub iin: String,
    /// keyUsage digitalSignature, extendedKeyUsage clientAuth: logs in.
    pub authentication: CardKey,
    /// keyUsage nonRepudiation: signs applications.
    pub signing: CardKey,
}

impl Authority {
    /// A root with a P-256 key, valid from ten years ago for twenty years.
    pub fn new(name: &str) -> Result<Self, IdentityError> {
        Self::with_key(name, KeyKind::P256)
    }

    /// A root with a key of `kind` (RSA roots sign with PKCS#1 v1.5 and SHA-256).
    pub fn with_key(name: &str, kind: KeyKind) -> Result<Self, IdentityError> {
        let key = PrivateKey::generate(kind)?;
        let subject = name::authority(name)?;
        let now = Utc::now();
        let extensions = vec![
            extension(
                &BasicConstraints {
                    ca: true,
                    path_len_constraint: Some(0),
                },
                true,
            )?,
            extension(&KeyUsage(KeyUsages::KeyCertSign | KeyUsages::CRLSign), true)?,
        ];
        let root_der = certify(
            &key,
            &subject,
            subject.clone(),
            &key.public_key_der()?,
            (now - Duration::days(3650), now + Duration::days(7300)),
            extensions,
        )?;
        let root_pem = x509_cert::der::pem::encode_string("CERTIFICATE", LineEnding::LF, &root_der)
            .map_err(x509_cert::der::Error::from)?;
        Ok(Authority {
            name: subject,
            key,
            root_der,
            root_pem,
        })
    }

    /// The root kept elsewhere: its certificate (DER) and its private key (PKCS#8 DER), which
    /// must be the certificate's.
    pub fn from_parts(root_der: Vec<u8>, key_pkcs8_der: &[u8]) -> Result<Self, IdentityError> {
        let key = PrivateKey::from_pkcs8_der(key_pkcs8_der)?;
        let root = Certificate::from_der(&root_der)?;
        if root.tbs_certificate.subject_public_key_info.to_der()? != key.public_key_der()? {
            return Err(IdentityError::PrivateKey(
                "the key is not the root certificate's".into(),
            ));
        }
        let root_pem = x509_cert::der::pem::encode_string("CERTIFICATE", LineEnding::LF, &root_der)
            .map_err(x509_cert::der::Error::from)?;
        Ok(Authority {
            name: root.tbs_certificate.subject,
            key,
            root_der,
            root_pem,
        })
    }

    /// The root's private key as PKCS#8 DER, to keep the root for another run.
    pub fn key_pkcs8_der(&self) -> Result<Vec<u8>, IdentityError> {
        self.key.pkcs8_der()
    }

    /// The root certificate, DER.
    pub fn root_der(&self) -> &[u8] {
        &self.root_der
    }

    /// The root certificate, PEM (what `--card-roots` reads).
    pub fn root_pem(&self) -> &str {
        &self.root_pem
    }

    /// A card for `iin` held by [`TEST_HOLDER`], both certificates valid in the period given.
    pub fn issue_card(
        &self,
        iin: &str,
        kind: KeyKind,
        not_before: DateTime<Utc>,
        not_after: DateTime<Utc>,
    ) -> Result<CardIdentity, IdentityError> {
        self.issue_card_for(TEST_HOLDER, iin, kind, not_before, not_after)
    }

    /// A card for `iin` held by `holder` (`SURNAME GIVEN`, as NCA certificates write it).
    pub fn issue_card_for(
        &self,
        holder: &str,
        iin: &str,
        kind: KeyKind,
        not_before: DateTime<Utc>,
        not_after: DateTime<Utc>,
    ) -> Result<CardIdentity, IdentityError> {
        let subject = name::cardholder(holder, iin)?;
        let leaf = |usage: KeyUsages, client_auth: bool| -> Result<CardKey, IdentityError> {
            let key = PrivateKey::generate(kind)?;
            let mut extensions = vec![
                extension(
                    &BasicConstraints {
                        ca: false,
                        path_len_constraint: None,
                    },
                    true,
                )?,
                extension(&KeyUsage(usage.into()), true)?,
            ];
            if client_auth {
                extensions.push(extension(&ExtendedKeyUsage(vec![CLIENT_AUTH]), false)?);
            }
            let der = certify(
                &self.key,
                &self.name,
                subject.clone(),
                &key.public_key_der()?,
                (not_before, not_after),
                extensions,
            )?;
            CardKey::new(der, key)
        };
        Ok(CardIdentity {
            iin: iin.to_string(),
            authentication: leaf(KeyUsages::DigitalSignature, true)?,
            signing: leaf(KeyUsages::NonRepudiation, false)?,
        })
    }
}

fn extension<T: Encode + AssociatedOid>(
    value: &T,
    critical: bool,
) -> Result<Extension, IdentityError> {
    Ok(Extension {
        extn_id: T::OID,
        critical,
        extn_value: OctetString::new(value.to_der()?)?,
    })
}

/// UTCTime until 2049 and GeneralizedTime after, as RFC 5280 asks; whole seconds.
fn time(at: DateTime<Utc>) -> Result<Time, IdentityError> {
    let secs = u64::try_from(at.timestamp())
        .map_err(|_| IdentityError::Validity(format!("{at} is before 1970")))?;
    let since_epoch = StdDuration::from_secs(secs);
    Ok(if at.year() < 2050 {
        Time::UtcTime(UtcTime::from_unix_duration(since_epoch)?)
    } else {
        Time::GeneralTime(GeneralizedTime::from_unix_duration(since_epoch)?)
    })
}

/// A certificate for `subject_key` (SubjectPublicKeyInfo DER), signed by `issuer_key`.
fn certify(
    issuer_key: &PrivateKey,
    issuer: &Name,
    subject: Name,
    subject_key: &[u8],
    (not_before, not_after): (DateTime<Utc>, DateTime<Utc>),
    extensions: Vec<Extension>,
) -> Result<Vec<u8>, IdentityError> {
    let (algorithm, algorithm_id) = match issuer_key.kind() {
        KeyKind::P256 => (
            SignatureAlgorithm::EcdsaP256Sha256,
            AlgorithmIdentifierOwned {
                oid: ECDSA_WITH_SHA256,
                parameters: None,
            },
        ),
        KeyKind::Rsa2048 => (
            SignatureAlgorithm::RsaPkcs1Sha256,
            AlgorithmIdentifierOwned {
                oid: SHA256_WITH_RSA,
                parameters: Some(Any::null()),
            },
        ),
    };
    // Positive and at most 20 bytes, as RFC 5280 wants; random, so two cards never share one.
    let mut serial = [0u8; 16];
    OsRng.fill_bytes(&mut serial);
    serial[0] = (serial[0] & 0x7f) | 0x01;
    let tbs = TbsCertificate {
        version: Version::V3,
        serial_number: SerialNumber::new(&serial)?,
        signature: algorithm_id.clone(),
        issuer: issuer.clone(),
        validity: Validity {
            not_before: time(not_before)?,
            not_after: time(not_after)?,
        },
        subject,
        subject_public_key_info: SubjectPublicKeyInfoOwned::from_der(subject_key)?,
        issuer_unique_id: None,
        subject_unique_id: None,
        extensions: Some(extensions),
    };
    let digest: [u8; 32] = Sha256::digest(tbs.to_der()?).into();
    let signature = issuer_key.sign_digest(&digest, algorithm)?;
    let certificate = Certificate {
        tbs_certificate: tbs,
        signature_algorithm: algorithm_id,
        signature: BitString::from_bytes(&signature)?,
    };
    Ok(certificate.to_der()?)
}
