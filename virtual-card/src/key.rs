//! A card's private key and how it signs: the kiosk hashes the message with SHA-256 and the
//! card signs the digest, PKCS#1 v1.5 or PSS with RSA, ECDSA (DER-encoded) with P-256.

use komek_api::SignatureAlgorithm;
use p256::ecdsa::signature::hazmat::PrehashSigner;
use p256::pkcs8::{DecodePrivateKey, EncodePrivateKey, EncodePublicKey};
use rsa::rand_core::OsRng;
use rsa::{Pkcs1v15Sign, Pss, RsaPrivateKey};
use sha2::{Digest, Sha256};
use x509_cert::Certificate;
use x509_cert::der::{Decode, Encode};

use crate::IdentityError;

/// The kinds of key a test card can hold; real cards hold RSA-2048 (and GOST, which the
/// gateway does not verify yet).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyKind {
    P256,
    Rsa2048,
}

#[derive(Clone)]
pub(crate) enum PrivateKey {
    P256(p256::ecdsa::SigningKey),
    Rsa(Box<RsaPrivateKey>),
}

impl PrivateKey {
    pub(crate) fn generate(kind: KeyKind) -> Result<Self, IdentityError> {
        Ok(match kind {
            KeyKind::P256 => PrivateKey::P256(p256::ecdsa::SigningKey::random(&mut OsRng)),
            KeyKind::Rsa2048 => PrivateKey::Rsa(Box::new(
                RsaPrivateKey::new(&mut OsRng, 2048)
                    .map_err(|e| IdentityError::KeyGeneration(e.to_string()))?,
            )),
        })
    }

    pub(crate) fn from_pkcs8_der(der: &[u8]) -> Result<Self, IdentityError> {
        if let Ok(key) = p256::ecdsa::SigningKey::from_pkcs8_der(der) {
            return Ok(PrivateKey::P256(key));
        }
        RsaPrivateKey::from_pkcs8_der(der)
            .map(|key| PrivateKey::Rsa(Box::new(key)))
            .map_err(|e| IdentityError::PrivateKey(e.to_string()))
    }

    pub(crate) fn kind(&self) -> KeyKind {
        match self {
            PrivateKey::P256(_) => KeyKind::P256,
            PrivateKey::Rsa(_) => KeyKind::Rsa2048,
        }
    }

    /// The public key as a DER SubjectPublicKeyInfo, as a certificate carries it.
    pub(crate) fn public_key_der(&self) -> Result<Vec<u8>, IdentityError> {
        let document = match self {
            PrivateKey::P256(key) => key.verifying_key().to_public_key_der(),
            PrivateKey::Rsa(key) => key.to_public_key().to_public_key_der(),
        };
        document
            .map(|d| d.into_vec())
            .map_err(|e| IdentityError::PrivateKey(e.to_string()))
    }

    pub(crate) fn pkcs8_der(&self) -> Result<Vec<u8>, IdentityError> {
        let document = match self {
            PrivateKey::P256(key) => key.to_pkcs8_der(),
            PrivateKey::Rsa(key) => key.to_pkcs8_der(),
        };
        document
            .map(|d| d.as_bytes().to_vec())
            .map_err(|e| IdentityError::PrivateKey(e.to_string()))
    }

    pub(crate) fn sign_digest(
        &self,
        digest: &[u8; 32],
        algorithm: SignatureAlgorithm,
    ) -> Result<Vec<u8>, IdentityError> {
        let failed = |e: &dyn std::fmt::Display| IdentityError::Signing(e.to_string());
        match (self, algorithm) {
            (PrivateKey::P256(key), SignatureAlgorithm::EcdsaP256Sha256) => {
                let signature: p256::ecdsa::Signature =
                    key.sign_prehash(digest).map_err(|e| failed(&e))?;
                Ok(signature.to_der().as_bytes().to_vec())
            }
            (PrivateKey::Rsa(key), SignatureAlgorithm::RsaPkcs1Sha256) => key
                .sign(Pkcs1v15Sign::new::<Sha256>(), digest)
                .map_err(|e| failed(&e)),
            (PrivateKey::Rsa(key), SignatureAlgorithm::RsaPssSha256) => key
                .sign_with_rng(&mut OsRng, Pss::new::<Sha256>(), digest)
                .map_err(|e| failed(&e)),
            _ => Err(IdentityError::AlgorithmMismatch {
                algorithm,
                kind: self.kind(),
            }),
        }
    }
}

/// One key of a card with its certificate (DER).
#[derive(Clone)]
pub struct CardKey {
    pub certificate_der: Vec<u8>,
    key: PrivateKey,
    /// Kept beside the key so handing it to another process cannot fail.
    pkcs8_der: Vec<u8>,
    pub kind: KeyKind,
}

impl std::fmt::Debug for CardKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CardKey")
            .field("kind", &self.kind)
            .field("certificate_der", &self.certificate_der.len())
            .finish_non_exhaustive()
    }
}

impl CardKey {
    pub(crate) fn new(certificate_der: Vec<u8>, key: PrivateKey) -> Result<Self, IdentityError> {
        Ok(CardKey {
            certificate_der,
            pkcs8_der: key.pkcs8_der()?,
            kind: key.kind(),
            key,
        })
    }

    /// A key held elsewhere (another process, a virtual card): its certificate and its PKCS#8
    /// private key, which must be the certificate's.
    pub fn from_parts(certificate_der: Vec<u8>, pkcs8_der: &[u8]) -> Result<Self, IdentityError> {
        let key = PrivateKey::from_pkcs8_der(pkcs8_der)?;
        let certificate = Certificate::from_der(&certificate_der)?;
        if certificate
            .tbs_certificate
            .subject_public_key_info
            .to_der()?
            != key.public_key_der()?
        {
            return Err(IdentityError::PrivateKey(
                "the key is not the certificate's".into(),
            ));
        }
        Self::new(certificate_der, key)
    }

    /// The private key as PKCS#8 DER, for another process to hold.
    pub fn private_key_pkcs8_der(&self) -> Vec<u8> {
        self.pkcs8_der.clone()
    }

    /// Signs SHA-256 of `message`: what the kiosk and the card do together.
    pub fn sign(
        &self,
        message: &[u8],
        algorithm: SignatureAlgorithm,
    ) -> Result<Vec<u8>, IdentityError> {
        self.sign_digest(&Sha256::digest(message).into(), algorithm)
    }

    /// Signs a SHA-256 digest computed elsewhere: what the card itself receives.
    pub fn sign_digest(
        &self,
        digest: &[u8; 32],
        algorithm: SignatureAlgorithm,
    ) -> Result<Vec<u8>, IdentityError> {
        self.key.sign_digest(digest, algorithm)
    }
}
