//! What can go wrong making or using a test identity.

use komek_api::SignatureAlgorithm;

use crate::KeyKind;

#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    #[error("the IIN must be 12 digits")]
    InvalidIin,
    #[error("generating a key: {0}")]
    KeyGeneration(String),
    #[error("the private key is not PKCS#8 of an RSA or P-256 key: {0}")]
    PrivateKey(String),
    #[error("encoding the certificate: {0}")]
    Encoding(#[from] x509_cert::der::Error),
    #[error("the validity period is not representable in a certificate: {0}")]
    Validity(String),
    #[error("{algorithm:?} does not fit a {kind:?} key")]
    AlgorithmMismatch {
        algorithm: SignatureAlgorithm,
        kind: KeyKind,
    },
    #[error("signing: {0}")]
    Signing(String),
}
