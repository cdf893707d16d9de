//! Logging in and signing the application with the national ID card, against the real
//! gateway binary over HTTP with a test PKI made at run time: the kiosk hashes, the card signs,
//! the gateway verifies the signature and the certificate's chain to its configured root.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write;
use std::sync::OnceLock;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{Duration, Utc};
use common::*;
use komek_api::{
    Action, ActivityStatus, ApiError, ApplicationSignature, CardChallenge, CardLogin,
    CardSignature, ErrorCode, LoginSession, Profile, SignatureAlgorithm, SupplierChoice,
    card_login_message,
};
use komek_virtual_card::{Authority, CardIdentity, CardKey, KeyKind};
use reqwest::StatusCode;
use sha2::{Digest, Sha256};
use uuid::Uuid;

const ECDSA: SignatureAlgorithm = SignatureAlgorithm::EcdsaP256Sha256;
/// Twelve digits, but nobody in the demo data.
const STRANGER: &str = "000101500007";

/// The test PKI: the gateway's root, a root it does not know, and cards (P-256).
struct Pki {
    root: Authority,
    card: CardIdentity,
    expired: CardIdentity,
    foreign: CardIdentity,
    other_person: CardIdentity,
    not_participant: CardIdentity,
}

fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        let root = Authority::new("Komek Test NCA").unwrap();
        let unknown_root = Authority::new("Some Other CA").unwrap();
        let now = Utc::now();
        let (from, to) = (now - Duration::days(1), now + Duration::days(365));
        let issue =
            |by: &Authority, iin: &str| by.issue_card(iin, KeyKind::P256, from, to).unwrap();
        Pki {
            card: issue(&root, IIN),
            expired: root
                .issue_card(
                    IIN,
                    KeyKind::P256,
                    now - Duration::days(800),
                    now - Duration::days(35),
                )
                .unwrap(),
            foreign: issue(&unknown_root, IIN),
            other_person: issue(&root, BLIND_PARTICIPANT),
            not_participant: issue(&root, STRANGER),
            root,
        }
    })
}

/// The gateway trusting `root`, read from a PEM file as in production.
fn start_trusting(root: &Authority) -> Gateway {
    let mut pem = tempfile::NamedTempFile::new().unwrap();
    pem.write_all(root.root_pem().as_bytes()).unwrap();
    start_with(&["--card-roots", pem.path().to_str().unwrap()])
}

async fn ask_challenge(http: &Kiosk, gw: &Gateway) -> reqwest::Response {
    http.post(format!("{}/v1/auth/card/challenge", gw.url))
        .send()
        .await
        .unwrap()
}

async fn new_challenge(http: &Kiosk, gw: &Gateway) -> CardChallenge {
    let response = ask_challenge(http, gw).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// What the kiosk sends: the certificate and the card's signature of the digest it computed.
fn card_signature(key: &CardKey, message: &[u8], algorithm: SignatureAlgorithm) -> CardSignature {
    let digest: [u8; 32] = Sha256::digest(message).into();
    CardSignature {
        certificate: STANDARD.encode(&key.certificate_der),
        algorithm,
        signature: STANDARD.encode(key.sign_digest(&digest, algorithm).unwrap()),
    }
}

fn nonce(challenge: &CardChallenge) -> Vec<u8> {
    STANDARD.decode(&challenge.nonce).unwrap()
}

async fn send_login(
    http: &Kiosk,
    gw: &Gateway,
    challenge_id: Uuid,
    signature: CardSignature,
) -> reqwest::Response {
    let body = CardLogin {
        challenge_id,
        signature,
    };
    http.post(format!("{}/v1/auth/card/verify", gw.url))
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// A fresh challenge signed by `key` and sent.
async fn card_login(
    http: &Kiosk,
    gw: &Gateway,
    key: &CardKey,
    algorithm: SignatureAlgorithm,
) -> reqwest::Response {
    let challenge = new_challenge(http, gw).await;
    let message = card_login_message(&nonce(&challenge));
    send_login(
        http,
        gw,
        challenge.challenge_id,
        card_signature(key, &message, algorithm),
    )
    .await
}

async fn refused(response: reqwest::Response, status: StatusCode) -> ApiError {
    assert_eq!(response.status(), status);
    response.json().await.unwrap()
}

/// Refused as `card_rejected` with `words` in the message.
async fn rejected(response: reqwest::Response, words: &str) {
    let error = refused(response, StatusCode::UNAUTHORIZED).await;
    assert_eq!(error.code, ErrorCode::CardRejected);
    assert!(error.message.contains(words), "{}", error.message);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_card_logs_in_once_per_challenge_and_its_session_reads_the_profile() {
    let pki = pki();
    let gw = start_trusting(&pki.root);
    let http = Kiosk::enrolled(&gw).await;

    let challenge = new_challenge(&http, &gw).await;
    assert_eq!(nonce(&challenge).len(), 32);
    assert!(challenge.expires_at > Utc::now());
    let message = card_login_message(&nonce(&challenge));
    let signature = card_signature(&pki.card.authentication, &message, ECDSA);
    let response = send_login(&http, &gw, challenge.challenge_id, signature.clone()).await;
    assert_eq!(response.status(), StatusCode::OK);
    let session: LoginSession = response.json().await.unwrap();
    let me: Profile = get_as(&http, &gw, &session, "/v1/me").await;
    assert_eq!(me.iin, IIN);

    // The same challenge, even with the same good signature, is spent.
    let again = send_login(&http, &gw, challenge.challenge_id, signature).await;
    assert_eq!(
        refused(again, StatusCode::GONE).await.code,
        ErrorCode::ChallengeExpired
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_rsa_card_logs_in_with_pkcs1_and_with_pss() {
    let pki = pki();
    let now = Utc::now();
    let rsa = pki
        .root
        .issue_card(
            IIN,
            KeyKind::Rsa2048,
            now - Duration::days(1),
            now + Duration::days(30),
        )
        .unwrap();
    let gw = start_trusting(&pki.root);
    let http = Kiosk::enrolled(&gw).await;
    for algorithm in [
        SignatureAlgorithm::RsaPkcs1Sha256,
        SignatureAlgorithm::RsaPssSha256,
    ] {
        let response = card_login(&http, &gw, &rsa.authentication, algorithm).await;
        assert_eq!(response.status(), StatusCode::OK, "{algorithm:?}");
    }
    // An RSA key does not make ECDSA signatures.
    let challenge = new_challenge(&http, &gw).await;
    let mut mismatched = card_signature(
        &rsa.authentication,
        b"x",
        SignatureAlgorithm::RsaPkcs1Sha256,
    );
    mismatched.algorithm = ECDSA;
    rejected(
        send_login(&http, &gw, challenge.challenge_id, mismatched).await,
        "does not fit",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_foreign_forged_and_misused_certificates_are_refused_with_the_reason() {
    let pki = pki();
    let gw = start_trusting(&pki.root);
    let http = Kiosk::enrolled(&gw).await;

    rejected(
        card_login(&http, &gw, &pki.expired.authentication, ECDSA).await,
        "expired",
    )
    .await;
    rejected(
        card_login(&http, &gw, &pki.foreign.authentication, ECDSA).await,
        "unknown root",
    )
    .await;
    // The signing certificate is not for logging in.
    rejected(
        card_login(&http, &gw, &pki.card.signing, ECDSA).await,
        "key usage",
    )
    .await;

    // Signed by another key, under this card's certificate.
    let challenge = new_challenge(&http, &gw).await;
    let message = card_login_message(&nonce(&challenge));
    let mut forged = card_signature(&pki.other_person.authentication, &message, ECDSA);
    forged.certificate = STANDARD.encode(&pki.card.authentication.certificate_der);
    rejected(
        send_login(&http, &gw, challenge.challenge_id, forged).await,
        "forged",
    )
    .await;

    // This card's key, but over another nonce.
    let challenge = new_challenge(&http, &gw).await;
    let mut altered = nonce(&challenge);
    altered[0] ^= 1;
    let signature = card_signature(
        &pki.card.authentication,
        &card_login_message(&altered),
        ECDSA,
    );
    rejected(
        send_login(&http, &gw, challenge.challenge_id, signature).await,
        "forged",
    )
    .await;

    // A real card, but not of a participant.
    let stranger = card_login(&http, &gw, &pki.not_participant.authentication, ECDSA).await;
    assert_eq!(
        refused(stranger, StatusCode::NOT_FOUND).await.code,
        ErrorCode::UnknownParticipant
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_roots_card_login_is_not_configured() {
    let gw = start();
    let http = Kiosk::enrolled(&gw).await;
    let response = ask_challenge(&http, &gw).await;
    let error = refused(response, StatusCode::SERVICE_UNAVAILABLE).await;
    assert_eq!(error.code, ErrorCode::CardRejected);
    assert!(
        error.message.contains("not configured"),
        "{}",
        error.message
    );
}

async fn card_session(http: &Kiosk, gw: &Gateway, card: &CardIdentity) -> LoginSession {
    let response = card_login(http, gw, &card.authentication, ECDSA).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

fn signed_by(key: &CardKey, choice: &SupplierChoice) -> SupplierChoice {
    let mut signed = choice.clone();
    signed.signature = Some(ApplicationSignature::Card(card_signature(
        key,
        &choice.canonical_bytes(),
        ECDSA,
    )));
    signed
}

async fn submit(
    http: &Kiosk,
    gw: &Gateway,
    session: &LoginSession,
    choice: SupplierChoice,
) -> (StatusCode, String) {
    let body = submission(session, Action::SupplierChoice(choice));
    post_action(http, &gw.url, Uuid::now_v7(), &body).await
}

fn not_signed(answer: (StatusCode, String), words: &str) {
    let (status, text) = answer;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    let error: ApiError = serde_json::from_str(&text).unwrap();
    assert_eq!(error.code, ErrorCode::InvalidAction);
    assert!(
        error.message.contains("not signed") && error.message.contains(words),
        "{}",
        error.message
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_application_signed_with_the_card_is_accepted_only_as_signed_and_kept() {
    let pki = pki();
    let gw = start_trusting(&pki.root);
    let http = Kiosk::enrolled(&gw).await;
    let session = card_session(&http, &gw, &pki.card).await;
    let choice = open_order(&http, &gw, &session).await;
    let signed = signed_by(&pki.card.signing, &choice);

    // The signature moved onto other fields (twice the quantity) signs nothing.
    let mut altered = signed.clone();
    altered.quantity = 2;
    not_signed(submit(&http, &gw, &session, altered).await, "forged");
    // The authentication key does not sign applications.
    let by_login_key = signed_by(&pki.card.authentication, &choice);
    not_signed(
        submit(&http, &gw, &session, by_login_key).await,
        "key usage",
    );
    // Another person's card does not sign for this person's grant.
    let theirs = signed_by(&pki.other_person.signing, &choice);
    not_signed(
        submit(&http, &gw, &session, theirs).await,
        "not the logged-in person's",
    );
    // A confirmation from the future is not believed.
    let mut early = submission(&session, Action::SupplierChoice(signed.clone()));
    early.confirmed_at = Utc::now() + Duration::minutes(10);
    not_signed(
        post_action(&http, &gw.url, Uuid::now_v7(), &early).await,
        "future",
    );

    let (status, text) = submit(&http, &gw, &session, signed).await;
    assert_eq!(status, StatusCode::CREATED, "{text}");
    assert_eq!(
        activity_status(&http, &gw, &session, &choice.activity_id).await,
        ActivityStatus::ApplicationSigned
    );

    // The portal keeps the evidence: whose certificate, and the signature itself.
    let (signer, fingerprint, algorithm): (String, String, String) = gw
        .read_db()
        .query_row(
            "SELECT s.signer_iin, s.certificate_sha256, s.algorithm
             FROM order_card_signatures s JOIN orders o USING (idempotency_key)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(signer, IIN);
    assert_eq!(
        fingerprint,
        hex::encode(Sha256::digest(&pki.card.signing.certificate_der))
    );
    assert_eq!(algorithm, "ecdsa_p256_sha256");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_application_signed_with_an_expired_card_is_refused() {
    let pki = pki();
    let gw = start_trusting(&pki.root);
    let http = Kiosk::enrolled(&gw).await;
    let session = login(&http, &gw, IIN).await;
    let choice = open_order(&http, &gw, &session).await;
    let signed = signed_by(&pki.expired.signing, &choice);
    not_signed(submit(&http, &gw, &session, signed).await, "expired");
}

/// A fresh challenge signed by `key` and sent to open technician mode.
async fn technician_card_login(http: &Kiosk, gw: &Gateway, key: &CardKey) -> reqwest::Response {
    let challenge = new_challenge(http, gw).await;
    let message = card_login_message(&nonce(&challenge));
    let body = CardLogin {
        challenge_id: challenge.challenge_id,
        signature: card_signature(key, &message, ECDSA),
    };
    http.post(format!("{}/v1/technician/login/card", gw.url))
        .json(&body)
        .send()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_technicians_card_opens_technician_mode_and_a_participants_does_not() {
    let pki = pki();
    let gw = start_trusting(&pki.root);
    let http = Kiosk::enrolled(&gw).await;
    let fleet = operator_session(&gw, "fleet").await;
    let listed = reqwest::Client::new()
        .post(format!("{}/v1/operator/technicians", gw.url))
        .bearer_auth(&fleet)
        .json(&komek_api::TechnicianEnrolment {
            technician_id: "tech-krg-07".into(),
            iin: STRANGER.into(),
            regions: vec!["KZ-35".into()],
        })
        .send()
        .await
        .unwrap();
    assert_eq!(listed.status(), StatusCode::OK);

    let opened = technician_card_login(&http, &gw, &pki.not_participant.authentication).await;
    assert_eq!(opened.status(), StatusCode::OK);
    let session: komek_api::TechnicianSession = opened.json().await.unwrap();
    assert_eq!(session.technician_id, "tech-krg-07");

    // A participant's own card is no technician's; an expired card is refused as at login.
    let participant = technician_card_login(&http, &gw, &pki.card.authentication).await;
    assert_eq!(
        code_of(participant, StatusCode::FORBIDDEN).await,
        ErrorCode::NotPermitted
    );
    let expired = technician_card_login(&http, &gw, &pki.expired.authentication).await;
    assert_eq!(
        code_of(expired, StatusCode::UNAUTHORIZED).await,
        ErrorCode::CardRejected
    );
}
