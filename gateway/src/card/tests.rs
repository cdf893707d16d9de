//! The verification rules one by one, with certificates from the test PKI; the HTTP paths
//! are tested against the binary in `tests/card.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Duration, Utc};
use komek_api::{CardSignature, SignatureAlgorithm};
use komek_virtual_card::{Authority, CardKey, KeyKind};

use super::{CardError, Purpose, Roots, roots_from_pem, verify};

const IIN: &str = "810314304128";

fn signed(key: &CardKey, message: &[u8], algorithm: SignatureAlgorithm) -> CardSignature {
    CardSignature {
        certificate: STANDARD.encode(&key.certificate_der),
        algorithm,
        signature: STANDARD.encode(key.sign(message, algorithm).unwrap()),
    }
}

fn roots(authorities: &[&Authority]) -> Roots {
    let pem: String = authorities.iter().map(|a| a.root_pem()).collect();
    Roots::from_der(&roots_from_pem(pem.as_bytes()).unwrap()).unwrap()
}

fn year_around(now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    (now - Duration::days(1), now + Duration::days(365))
}

#[test]
fn a_card_from_an_rsa_root_verifies_for_its_purpose_only() {
    let rsa_root = Authority::with_key("Komek Test RSA Root", KeyKind::Rsa2048).unwrap();
    let other = Authority::new("Komek Test P-256 Root").unwrap();
    let now = Utc::now();
    let (from, to) = year_around(now);
    let card = rsa_root.issue_card(IIN, KeyKind::P256, from, to).unwrap();
    let roots = roots(&[&other, &rsa_root]);
    let ecdsa = SignatureAlgorithm::EcdsaP256Sha256;

    let login = signed(&card.authentication, b"m", ecdsa);
    let verified = verify(&roots, &login, Purpose::Login, now, b"m").unwrap();
    assert_eq!(verified.iin, IIN);
    assert_eq!(verified.fingerprint.len(), 64);
    assert_eq!(
        verify(&roots, &login, Purpose::Sign, now, b"m"),
        Err(CardError::WrongKeyUsage(Purpose::Sign))
    );
    let signature = signed(&card.signing, b"m", ecdsa);
    assert!(verify(&roots, &signature, Purpose::Sign, now, b"m").is_ok());
    assert_eq!(
        verify(&roots, &signature, Purpose::Login, now, b"m"),
        Err(CardError::WrongKeyUsage(Purpose::Login))
    );
    assert_eq!(
        verify(&roots, &signature, Purpose::Sign, now, b"n"),
        Err(CardError::Forged)
    );
}

#[test]
fn validity_unknown_roots_and_algorithms_are_each_named() {
    let root = Authority::new("Komek Test Root").unwrap();
    let stranger = Authority::new("Komek Test Root").unwrap();
    let now = Utc::now();
    let (from, to) = year_around(now);
    let card = root.issue_card(IIN, KeyKind::P256, from, to).unwrap();
    let roots = roots(&[&root]);
    let login = signed(
        &card.authentication,
        b"m",
        SignatureAlgorithm::EcdsaP256Sha256,
    );

    let later = to + Duration::days(1);
    let expired = verify(&roots, &login, Purpose::Login, later, b"m").unwrap_err();
    assert!(matches!(expired, CardError::Expired(_)));
    assert!(expired.to_string().contains("expired"), "{expired}");
    let early = verify(
        &roots,
        &login,
        Purpose::Login,
        from - Duration::days(1),
        b"m",
    );
    assert!(matches!(early, Err(CardError::NotYetValid(_))));

    // Same name, another key: the name alone does not make a root.
    let forged_issuer = stranger.issue_card(IIN, KeyKind::P256, from, to).unwrap();
    let foreign = signed(
        &forged_issuer.authentication,
        b"m",
        SignatureAlgorithm::EcdsaP256Sha256,
    );
    assert_eq!(
        verify(&roots, &foreign, Purpose::Login, now, b"m"),
        Err(CardError::UnknownRoot)
    );

    let mut mismatched = login.clone();
    mismatched.algorithm = SignatureAlgorithm::RsaPssSha256;
    assert!(matches!(
        verify(&roots, &mismatched, Purpose::Login, now, b"m"),
        Err(CardError::AlgorithmMismatch { .. })
    ));
    let mut garbled = login;
    garbled.certificate = "not base64!".into();
    assert!(matches!(
        verify(&roots, &garbled, Purpose::Login, now, b"m"),
        Err(CardError::Malformed(_))
    ));
    assert_eq!(
        verify(&Roots::default(), &mismatched, Purpose::Login, now, b"m"),
        Err(CardError::NotConfigured)
    );
}

#[test]
fn a_roots_file_needs_a_certificate_and_may_hold_several_among_other_text() {
    let one = Authority::new("Komek Test Root A").unwrap();
    let two = Authority::new("Komek Test Root B").unwrap();
    let bundle = format!(
        "# issuing CAs\n{}\nsubject=B\n{}",
        one.root_pem(),
        two.root_pem()
    );
    let ders = roots_from_pem(bundle.as_bytes()).unwrap();
    assert_eq!(ders, [one.root_der(), two.root_der()]);
    assert!(roots_from_pem(b"").is_err());
    assert!(
        roots_from_pem(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n").is_err()
    );
}
