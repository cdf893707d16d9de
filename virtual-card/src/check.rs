//! Checking what a test card signed, as a relying party would: with the public key in the
//! certificate, not with anything the card holds.

use p256::ecdsa::signature::hazmat::PrehashVerifier;
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
