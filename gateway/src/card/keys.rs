//! The public keys a card certificate or a root may hold, RSA (2048 bits or more) or P-256,
//! and the signatures made with them: PKCS#1 v1.5 or PSS (salt of 32 bytes) with SHA-256 for
//! RSA, DER-encoded ECDSA with SHA-256 for P-256.

use komek_api::SignatureAlgorithm;
use p256::pkcs8::DecodePublicKey;
use rsa::signature::Verifier;
use rsa::traits::PublicKeyParts;
use rsa::{Pkcs1v15Sign, Pss, RsaPublicKey};
use sha2::{Digest, Sha256};
use x509_cert::der::Encode;
use x509_cert::der::asn1::ObjectIdentifier;
use x509_cert::spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

use super::CardError;

const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const SHA256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const ECDSA_WITH_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");

/// Shorter RSA keys are not considered safe for signatures any more.
const MIN_RSA_BITS: usize = 2048;

pub enum PublicKey {
    Rsa(RsaPublicKey),
    P256(p256::ecdsa::VerifyingKey),
}

impl PublicKey {
    pub fn from_spki(spki: &SubjectPublicKeyInfoOwned) -> Result<Self, CardError> {
        let unsupported = |why: &dyn std::fmt::Display| CardError::UnsupportedKey(why.to_string());
        let der = spki.to_der().map_err(|e| unsupported(&e))?;
        if spki.algorithm.oid == RSA_ENCRYPTION {
            let key = RsaPublicKey::from_public_key_der(&der).map_err(|e| unsupported(&e))?;
            if key.size() * 8 < MIN_RSA_BITS {
                return Err(unsupported(&"an RSA key shorter than 2048 bits"));
            }
            Ok(PublicKey::Rsa(key))
        } else if spki.algorithm.oid == EC_PUBLIC_KEY {
            // Refuses any curve but P-256.
            p256::ecdsa::VerifyingKey::from_public_key_der(&der)
                .map(PublicKey::P256)
                .map_err(|_| unsupported(&"an elliptic-curve key not on P-256"))
        } else {
            Err(unsupported(&format!(
                "a key of algorithm {}",
                spki.algorithm.oid
            )))
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            PublicKey::Rsa(_) => "RSA",
            PublicKey::P256(_) => "P-256",
        }
    }

    /// Whether `signature` is this key's over SHA-256 of `message`.
    pub fn verify(
        &self,
        message: &[u8],
        algorithm: SignatureAlgorithm,
        signature: &[u8],
    ) -> Result<(), CardError> {
        let verified = match (self, algorithm) {
            (PublicKey::Rsa(key), SignatureAlgorithm::RsaPkcs1Sha256) => key
                .verify(
                    Pkcs1v15Sign::new::<Sha256>(),
                    &Sha256::digest(message),
                    signature,
                )
                .is_ok(),
            (PublicKey::Rsa(key), SignatureAlgorithm::RsaPssSha256) => key
                .verify(Pss::new::<Sha256>(), &Sha256::digest(message), signature)
                .is_ok(),
            (PublicKey::P256(key), SignatureAlgorithm::EcdsaP256Sha256) => {
                p256::ecdsa::Signature::from_der(signature)
                    .is_ok_and(|s| key.verify(message, &s).is_ok())
            }
            _ => {
                return Err(CardError::AlgorithmMismatch {
                    algorithm,
                    key: self.kind(),
                });
            }
        };
        if verified {
            Ok(())
        } else {
            Err(CardError::Forged)
        }
    }

    /// Whether this (an issuer's) key signed a certificate's `tbs` bytes.
    pub fn signed_certificate(
        &self,
        tbs: &[u8],
        algorithm: &AlgorithmIdentifierOwned,
        signature: &[u8],
    ) -> bool {
        let algorithm = if algorithm.oid == SHA256_WITH_RSA {
            SignatureAlgorithm::RsaPkcs1Sha256
        } else if algorithm.oid == ECDSA_WITH_SHA256 {
            SignatureAlgorithm::EcdsaP256Sha256
        } else {
            return false;
        };
        self.verify(tbs, algorithm, signature).is_ok()
    }
}
