//! Round trips: what a test card signs verifies with its certificate's key, by the message
//! and by the digest; the certificates say what the gateway will read from them.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::OnceLock;

use chrono::{Duration, Utc};
use komek_api::SignatureAlgorithm;
use p256::pkcs8::DecodePublicKey;
use rsa::signature::Verifier;
use sha2::{Digest, Sha256};
use x509_cert::Certificate;
use x509_cert::der::oid::AssociatedOid;
use x509_cert::der::{Decode, Encode};
use x509_cert::ext::pkix::KeyUsage;

use crate::{Authority, CardIdentity, CardKey, IdentityError, KeyKind};

const IIN: &str = "810314304128";

fn authority() -> &'static Authority {
    static ROOT: OnceLock<Authority> = OnceLock::new();
    ROOT.get_or_init(|| Authority::new("Komek Test Root").unwrap())
}

fn card(kind: KeyKind) -> &'static CardIdentity {
    static P256: OnceLock<CardIdentity> = OnceLock::new();
    static RSA: OnceLock<CardIdentity> = OnceLock::new();
    let cell = match kind {
        KeyKind::P256 => &P256,
        KeyKind::Rsa2048 => &RSA,
    };
    cell.get_or_init(|| {
        let now = Utc::now();
        authority()
            .issue_card(
                IIN,
                kind,
                now - Duration::days(1),
                now + Duration::days(365),
            )
            .unwrap()
    })
}

fn certificate(key: &CardKey) -> Certificate {
    Certificate::from_der(&key.certificate_der).unwrap()
}

/// Verifies with the public key in the certificate, by the crates' own verifiers.
fn verifies(
    key: &CardKey,
    message: &[u8],
    algorithm: SignatureAlgorithm,
    signature: &[u8],
) -> bool {
    let spki = certificate(key)
        .tbs_certificate
        .subject_public_key_info
        .to_der()
        .unwrap();
    match algorithm {
        SignatureAlgorithm::EcdsaP256Sha256 => {
            let key = p256::ecdsa::VerifyingKey::from_public_key_der(&spki).unwrap();
            let signature = p256::ecdsa::Signature::from_der(signature).unwrap();
            key.verify(message, &signature).is_ok()
        }
        SignatureAlgorithm::RsaPkcs1Sha256 => {
            let key = rsa::RsaPublicKey::from_public_key_der(&spki).unwrap();
            let key = rsa::pkcs1v15::VerifyingKey::<Sha256>::new(key);
            let signature = rsa::pkcs1v15::Signature::try_from(signature).unwrap();
            key.verify(message, &signature).is_ok()
        }
        SignatureAlgorithm::RsaPssSha256 => {
            let key = rsa::RsaPublicKey::from_public_key_der(&spki).unwrap();
            let key = rsa::pss::VerifyingKey::<Sha256>::new(key);
            let signature = rsa::pss::Signature::try_from(signature).unwrap();
            key.verify(message, &signature).is_ok()
        }
    }
}

#[test]
fn each_algorithm_signs_by_message_and_by_digest_and_verifies() {
    let message = b"komek-card-login/1\nnonce";
    let digest: [u8; 32] = Sha256::digest(message).into();
    for (kind, algorithm) in [
        (KeyKind::P256, SignatureAlgorithm::EcdsaP256Sha256),
        (KeyKind::Rsa2048, SignatureAlgorithm::RsaPkcs1Sha256),
        (KeyKind::Rsa2048, SignatureAlgorithm::RsaPssSha256),
    ] {
        for key in [&card(kind).authentication, &card(kind).signing] {
            let by_message = key.sign(message, algorithm).unwrap();
            let by_digest = key.sign_digest(&digest, algorithm).unwrap();
            assert!(
                verifies(key, message, algorithm, &by_message),
                "{algorithm:?}"
            );
            assert!(
                verifies(key, message, algorithm, &by_digest),
                "{algorithm:?}"
            );
            assert!(!verifies(key, b"another message", algorithm, &by_message));
        }
    }
}

#[test]
fn an_algorithm_that_does_not_fit_the_key_is_refused() {
    let p256 = &card(KeyKind::P256).authentication;
    let rsa = &card(KeyKind::Rsa2048).authentication;
    for (key, algorithm) in [
        (p256, SignatureAlgorithm::RsaPkcs1Sha256),
        (p256, SignatureAlgorithm::RsaPssSha256),
        (rsa, SignatureAlgorithm::EcdsaP256Sha256),
    ] {
        assert!(matches!(
            key.sign(b"m", algorithm),
            Err(IdentityError::AlgorithmMismatch { .. })
        ));
    }
}

#[test]
fn a_key_moves_to_another_holder_through_pkcs8_only_with_its_own_certificate() {
    let card = card(KeyKind::P256);
    let key = &card.authentication;
    let moved =
        CardKey::from_parts(key.certificate_der.clone(), &key.private_key_pkcs8_der()).unwrap();
    let signature = moved
        .sign(b"m", SignatureAlgorithm::EcdsaP256Sha256)
        .unwrap();
    assert!(verifies(
        key,
        b"m",
        SignatureAlgorithm::EcdsaP256Sha256,
        &signature
    ));
    let mismatched = CardKey::from_parts(
        key.certificate_der.clone(),
        &card.signing.private_key_pkcs8_der(),
    );
    assert!(matches!(mismatched, Err(IdentityError::PrivateKey(_))));
}

#[test]
fn the_certificates_carry_the_iin_and_differ_in_key_usage() {
    let card = card(KeyKind::P256);
    let root = Certificate::load_pem_chain(authority().root_pem().as_bytes()).unwrap();
    assert_eq!(root.len(), 1);
    assert_eq!(root[0].to_der().unwrap(), authority().root_der());
    let usage = |key: &CardKey| -> KeyUsage {
        let cert = certificate(key);
        assert_eq!(cert.tbs_certificate.issuer, root[0].tbs_certificate.subject);
        let subject = cert.tbs_certificate.subject.to_string();
        assert!(subject.contains("IIN810314304128"), "{subject}");
        assert!(subject.contains("CN=TEST CARDHOLDER"), "{subject}");
        let ext = cert
            .tbs_certificate
            .extensions
            .unwrap()
            .into_iter()
            .find(|e| e.extn_id == KeyUsage::OID)
            .unwrap();
        KeyUsage::from_der(ext.extn_value.as_bytes()).unwrap()
    };
    let auth = usage(&card.authentication);
    assert!(auth.digital_signature() && !auth.non_repudiation());
    let sign = usage(&card.signing);
    assert!(sign.non_repudiation() && !sign.digital_signature());
}

#[test]
fn an_iin_must_be_twelve_digits() {
    let now = Utc::now();
    let issued = authority().issue_card("81031430412", KeyKind::P256, now, now);
    assert!(matches!(issued, Err(IdentityError::InvalidIin)));
}

#[test]
fn an_authority_kept_as_certificate_and_pkcs8_key_issues_cards_it_signed() {
    let root = authority();
    let kept =
        Authority::from_parts(root.root_der().to_vec(), &root.key_pkcs8_der().unwrap()).unwrap();
    assert_eq!(kept.root_pem(), root.root_pem());
    let now = Utc::now();
    let card = kept
        .issue_card(IIN, KeyKind::P256, now, now + Duration::days(1))
        .unwrap();
    let issuer = certificate(&card.authentication).tbs_certificate.issuer;
    let root_certificate = Certificate::from_der(root.root_der()).unwrap();
    assert_eq!(issuer, root_certificate.tbs_certificate.subject);
    let other = Authority::new("Another root").unwrap();
    let mismatched =
        Authority::from_parts(root.root_der().to_vec(), &other.key_pkcs8_der().unwrap());
    assert!(matches!(mismatched, Err(IdentityError::PrivateKey(_))));
}
