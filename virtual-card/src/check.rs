//! Checking what a test card signed, as a relying party would: with the public key in the
//! certificate, not with anything the card holds.

use komek_api::SignatureAlgorithm;
use komek_card::{CardError, CardProfile, KeyRole, Transport};
use p256::ecdsa::signature::hazmat::PrehashVerifier;
use sha2::{Digest, Sha256};
use x509_cert::der::Decode;

/// Whether `signature` (ECDSA, DER) is a P-256 signature of `digest` by the key certified in
/// `certificate` (DER). False for anything that does not parse.
pub fn p256_signature_verifies(certificate: &[u8], digest: &[u8; 32], signature: &[u8]) -> bool {
    let Ok(certificate) = x509_cert::Certificate::from_der(certificate) else {
        return false;
    };
    let point = certificate
        .tbs_certificate
        .subject_public_key_info
        .subject_public_key
        .raw_bytes();
    let (Ok(key), Ok(signature)) = (
        p256::ecdsa::VerifyingKey::from_sec1_bytes(point),
        p256::ecdsa::Signature::from_der(signature),
    ) else {
        return false;
    };
    key.verify_prehash(digest, &signature).is_ok()
}

/// Has the card (PIN already verified) sign a login message with its P-256 authentication key
/// and checks it both ways: the signature verifies with `certificate`, and not for any other
/// digest. What a relying party learns from a card's login, through any transport.
pub fn authentication_signs_as_certified(
    profile: &dyn CardProfile,
    card: &mut dyn Transport,
    certificate: &[u8],
) -> Result<bool, CardError> {
    let digest: [u8; 32] = Sha256::digest(komek_api::card_login_message(&[7; 32])).into();
    let signature = profile.sign_digest(
        card,
        KeyRole::Authentication,
        SignatureAlgorithm::EcdsaP256Sha256,
        &digest,
    )?;
    let mut other = digest;
    other[0] ^= 1;
    Ok(p256_signature_verifies(certificate, &digest, &signature)
        && !p256_signature_verifies(certificate, &other, &signature))
}
