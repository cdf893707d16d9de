//! Logging in and signing with the national ID card (Rules items 6, 8). The kiosk reads the
//! certificate and checks its dates before the PIN is tried, so a card that cannot succeed
//! never costs a try; the card signs SHA-256 digests computed here; the gateway checks the
//! certificate's chain and the signature. Card commands block (PC/SC waits on the reader), so
//! the async login runs them on tokio's blocking threads and hands the card back whatever
//! happens.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use komek_api::{self as api, ErrorCode};
use komek_card::{CardCertificate, CardError, CardProfile, KeyRole, Pin, Transport};
use sha2::{Digest, Sha256};

use super::{Core, LoginError, LoginMethod, SignedApplication, Visit, application_of};
use crate::cards::ConnectedCard;
use crate::portal::PortalError;
use komek_domain::{Iin, Order};

/// A card the kiosk is talking to: its transport and the profile chosen by its ATR.
pub struct CardAccess {
    transport: Box<dyn Transport + Send>,
    profile: Box<dyn CardProfile>,
    /// The card's application is selected (by `reader::open`, or on first use).
    selected: bool,
}

impl std::fmt::Debug for CardAccess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CardAccess")
            .field("profile", &self.profile.name())
            .finish_non_exhaustive()
    }
}

/// Stands in for a card while it is on a blocking thread; left in its place only if that
/// thread died, so the card counts as gone.
struct Gone;

impl Transport for Gone {
    fn transmit(&mut self, _command: &[u8]) -> Result<Vec<u8>, CardError> {
        Err(CardError::Removed)
    }
}

impl CardAccess {
    pub fn new(transport: Box<dyn Transport + Send>, profile: Box<dyn CardProfile>) -> CardAccess {
        CardAccess {
            transport,
            profile,
            selected: false,
        }
    }

    /// For a PC/SC reader: `komek_card::reader::open` wrapped.
    pub fn from_opened(card: komek_card::reader::OpenedCard) -> CardAccess {
        CardAccess::connected(ConnectedCard {
            transport: Box::new(card.transport),
            profile: card.profile,
        })
    }

    /// A card a reader opened, its application already selected.
    pub fn connected(card: ConnectedCard) -> CardAccess {
        CardAccess {
            transport: card.transport,
            profile: card.profile,
            selected: true,
        }
    }

    /// How many PIN tries are left (Err(PinBlocked) when none). Blocking.
    pub fn pin_tries_left(&mut self) -> Result<u8, CardError> {
        self.select()?;
        self.profile.pin_tries_left(&mut *self.transport)
    }

    fn gone() -> CardAccess {
        CardAccess {
            transport: Box::new(Gone),
            profile: Box::new(komek_card::komek::KomekProfile),
            selected: true,
        }
    }

    fn select(&mut self) -> Result<(), CardError> {
        if !self.selected {
            self.profile.open(&mut *self.transport)?;
            self.selected = true;
        }
        Ok(())
    }

    /// The certificate of `role`, readable, naming a valid IIN and valid at `now`. Tries no
    /// PIN.
    fn checked_certificate(
        &mut self,
        role: KeyRole,
        now: DateTime<Utc>,
    ) -> Result<CardKey, CardLoginError> {
        self.select()?;
        let der = self.profile.certificate(&mut *self.transport, role)?;
        let certificate = CardCertificate::parse(&der).map_err(|e| {
            tracing::info!(error = %e, ?role, "card certificate unreadable");
            CardLoginError::Unreadable
        })?;
        let iin = Iin::parse(&certificate.iin).map_err(|_| CardLoginError::Unreadable)?;
        if now > certificate.not_after {
            return Err(CardLoginError::CertificateExpired {
                not_after: certificate.not_after,
            });
        }
        if now < certificate.not_before {
            return Err(CardLoginError::CertificateNotYetValid);
        }
        Ok(CardKey {
            role,
            der,
            certificate,
            iin,
        })
    }

    fn verify_pin(&mut self, pin: &Pin) -> Result<(), CardLoginError> {
        self.select()?;
        Ok(self.profile.verify_pin(&mut *self.transport, pin)?)
    }

    /// The card's signature of SHA-256 of `message` with `key`, as the wire carries it.
    fn sign(
        &mut self,
        key: &CardKey,
        message: &[u8],
    ) -> Result<api::CardSignature, CardLoginError> {
        let digest: [u8; 32] = Sha256::digest(message).into();
        let algorithm = key.certificate.algorithm();
        let signature =
            self.profile
                .sign_digest(&mut *self.transport, key.role, algorithm, &digest)?;
        Ok(api::CardSignature {
            certificate: STANDARD.encode(&key.der),
            algorithm,
            signature: STANDARD.encode(signature),
        })
    }
}

/// One of the card's keys as its certificate describes it.
struct CardKey {
    role: KeyRole,
    der: Vec<u8>,
    certificate: CardCertificate,
    iin: Iin,
}

/// Why a card login or a card signature failed, in terms a screen can explain.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CardLoginError {
    /// The card itself: removed, wrong PIN (with the tries left), PIN blocked, unknown card…
    #[error(transparent)]
    Card(CardError),
    #[error("the card's certificate expired at {not_after}")]
    CertificateExpired { not_after: DateTime<Utc> },
    #[error("the card's certificate is not valid yet")]
    CertificateNotYetValid,
    /// No IIN, or a certificate that does not parse.
    #[error("the card's certificate is unreadable")]
    Unreadable,
    /// The gateway refused the card (unknown root, forged signature, …).
    #[error("the gateway refused the card")]
    Refused,
    /// Network or gateway faults, an unknown participant, …
    #[error("login failed: {0:?}")]
    Login(LoginError),
    /// The card is someone else's than the person logged in: it may not sign for them.
    #[error("the card belongs to another person")]
    NotTheHolder,
}

impl From<CardError> for CardLoginError {
    fn from(e: CardError) -> Self {
        CardLoginError::Card(e)
    }
}

impl From<PortalError> for CardLoginError {
    fn from(e: PortalError) -> Self {
        match e.code() {
            // A card the gateway does not accept, or whose holder may not do what was asked
            // (a participant's card at technician mode's sign-in).
            Some(ErrorCode::CardRejected | ErrorCode::NotPermitted) => CardLoginError::Refused,
            _ => CardLoginError::Login(e.into()),
        }
    }
}

/// Runs blocking card steps on tokio's blocking threads; the card is back in `card` when this
/// returns (a placeholder that answers `Removed` if the thread died).
async fn on_card<T: Send + 'static>(
    card: &mut CardAccess,
    steps: impl FnOnce(&mut CardAccess) -> Result<T, CardLoginError> + Send + 'static,
) -> Result<T, CardLoginError> {
    let mut taken = std::mem::replace(card, CardAccess::gone());
    let joined = tokio::task::spawn_blocking(move || {
        let outcome = steps(&mut taken);
        (taken, outcome)
    })
    .await;
    match joined {
        Ok((back, outcome)) => {
            *card = back;
            outcome
        }
        Err(e) => {
            tracing::error!(error = %e, "the card's task failed; the card counts as removed");
            Err(CardLoginError::Card(CardError::Removed))
        }
    }
}

impl Core {
    /// Reads the authentication certificate, checks its dates against `now` BEFORE the PIN is
    /// tried (an expired card must not spend a PIN try), verifies the PIN, gets a nonce from the
    /// gateway, signs `card_login_message(nonce)`'s SHA-256 with the authentication key, and
    /// opens the visit exactly as `verify_code` does. Card steps are blocking: run them with
    /// `tokio::task::spawn_blocking`; the card is handed back whatever happens.
    pub async fn card_login(
        &self,
        mut card: CardAccess,
        pin: Pin,
        now: DateTime<Utc>,
    ) -> (CardAccess, Result<Visit, CardLoginError>) {
        let visit = self.card_login_with(&mut card, pin, now).await;
        (card, visit)
    }

    async fn card_login_with(
        &self,
        card: &mut CardAccess,
        pin: Pin,
        now: DateTime<Utc>,
    ) -> Result<Visit, CardLoginError> {
        let (iin, login) = self.card_proof(card, pin, now).await?;
        let answer = self.portal().card_login(&login).await;
        self.shared.report_outcome(&answer);
        let session = answer.inspect_err(|e| {
            tracing::info!(iin = %iin, error = %e, "card login not accepted");
        })?;
        self.open_visit(session, LoginMethod::Card, Some(&iin))
            .await
            .map_err(CardLoginError::Login)
    }

    /// What every card login sends: the card's authentication certificate checked before the
    /// PIN is tried (an expired card costs no try), then the card's signature of the
    /// gateway's nonce for this kiosk. Returns whose card it is, with the proof.
    pub(crate) async fn card_proof(
        &self,
        card: &mut CardAccess,
        pin: Pin,
        now: DateTime<Utc>,
    ) -> Result<(Iin, api::CardLogin), CardLoginError> {
        let key = on_card(card, move |card| {
            let key = card.checked_certificate(KeyRole::Authentication, now)?;
            card.verify_pin(&pin)?;
            Ok(key)
        })
        .await?;
        let iin = key.iin.clone();
        let answer = self.portal().card_challenge().await;
        self.shared.report_outcome(&answer);
        let challenge = answer?;
        let nonce = STANDARD.decode(&challenge.nonce).map_err(|_| {
            CardLoginError::Login(LoginError::Failed(
                "the gateway's nonce is not base64".into(),
            ))
        })?;
        let signature = on_card(card, move |card| {
            card.sign(&key, &api::card_login_message(&nonce))
        })
        .await?;
        Ok((
            iin,
            api::CardLogin {
                challenge_id: challenge.challenge_id,
                signature,
            },
        ))
    }

    /// Signs `order`'s application with the card's signing key (PIN verified first), with no
    /// network: the result is queued with `queue_application` like a code-signed one. Only the
    /// card of `signer` (the person logged in) signs, checked before a PIN try is spent: the
    /// gateway would refuse any other, after the receipt had said "saved". Blocking.
    pub fn sign_with_card(
        card: &mut CardAccess,
        pin: &Pin,
        order: &Order,
        signer: &Iin,
        now: DateTime<Utc>,
    ) -> Result<SignedApplication, CardLoginError> {
        let key = card.checked_certificate(KeyRole::Signing, now)?;
        if key.iin != *signer {
            return Err(CardLoginError::NotTheHolder);
        }
        card.verify_pin(pin)?;
        let application = application_of(order);
        let signature = card.sign(&key, &application.canonical_bytes())?;
        tracing::info!(iin = %key.iin, activity = %application.activity_id, "application signed with the ID card");
        Ok(SignedApplication::signed_by_card(application, signature))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use chrono::Duration;
    use komek_card::komek::KomekProfile;
    use komek_virtual_card::{Authority, CardIdentity, CardKey, KeyKind};

    use super::*;
    use crate::core::CoreConfig;

    const IIN: &str = "810314304128";
    const PIN: &str = "1234";

    fn holder() -> Iin {
        Iin::parse(IIN).unwrap()
    }

    fn identity(from: DateTime<Utc>, until: DateTime<Utc>) -> CardIdentity {
        Authority::new("Komek core test root")
            .unwrap()
            .issue_card(IIN, KeyKind::P256, from, until)
            .unwrap()
    }

    fn valid() -> CardIdentity {
        let now = Utc::now();
        identity(now - Duration::days(1), now + Duration::days(365))
    }

    fn card(identity: CardIdentity) -> CardAccess {
        CardAccess::new(Box::new(identity.applet(PIN)), Box::new(KomekProfile))
    }

    fn pin(digits: &str) -> Pin {
        Pin::new(digits).unwrap()
    }

    fn order() -> Order {
        Order {
            activity_id: "A1".into(),
            item_id: "I1".into(),
            supplier_id: "S1".into(),
            quantity: 1,
            unit_price_kzt: 100,
            guaranteed_amount_kzt: 90,
        }
    }

    /// A core whose gateway is nowhere: any step that reaches the network fails offline.
    fn offline_core(dir: &tempfile::TempDir) -> Core {
        Core::open(CoreConfig {
            data_dir: dir.path().to_path_buf(),
            gateway_url: "http://127.0.0.1:9".into(),
            gateway_ca: None,
            demo: false,
            request_timeout: std::time::Duration::from_secs(2),
            region: "KZ-35".into(),
        })
        .unwrap()
    }

    #[test]
    fn an_expired_or_future_certificate_is_refused_before_the_pin_is_tried() {
        let now = Utc::now();
        let expired_at = now - Duration::days(1);
        let mut expired = card(identity(now - Duration::days(400), expired_at));
        let refused = Core::sign_with_card(&mut expired, &pin("9999"), &order(), &holder(), now);
        // Certificates hold whole seconds.
        assert!(matches!(
            refused,
            Err(CardLoginError::CertificateExpired { not_after })
                if (not_after - expired_at).num_seconds().abs() <= 1
        ));
        assert_eq!(expired.pin_tries_left(), Ok(3));

        let mut future = card(identity(now + Duration::days(1), now + Duration::days(400)));
        assert_eq!(
            Core::sign_with_card(&mut future, &pin("9999"), &order(), &holder(), now).err(),
            Some(CardLoginError::CertificateNotYetValid)
        );
        assert_eq!(future.pin_tries_left(), Ok(3));
    }

    #[test]
    fn a_wrong_pin_costs_a_try_and_three_block_the_card() {
        let mut card = card(valid());
        for left in [2, 1] {
            assert_eq!(
                Core::sign_with_card(&mut card, &pin("9999"), &order(), &holder(), Utc::now())
                    .err(),
                Some(CardLoginError::Card(CardError::WrongPin {
                    tries_left: left
                }))
            );
        }
        assert_eq!(
            Core::sign_with_card(&mut card, &pin("9999"), &order(), &holder(), Utc::now()).err(),
            Some(CardLoginError::Card(CardError::PinBlocked))
        );
        assert_eq!(card.pin_tries_left(), Err(CardError::PinBlocked));
    }

    #[test]
    fn the_card_signs_the_orders_canonical_bytes_with_its_signing_certificate() {
        let identity = valid();
        let signing = identity.signing.certificate_der.clone();
        let mut card = card(identity);
        let signed =
            Core::sign_with_card(&mut card, &pin(PIN), &order(), &holder(), Utc::now()).unwrap();
        let Some(api::ApplicationSignature::Card(signature)) = signed.signature() else {
            panic!("not a card signature: {:?}", signed.signature());
        };
        assert_eq!(STANDARD.decode(&signature.certificate).unwrap(), signing);
        assert_eq!(
            signature.algorithm,
            api::SignatureAlgorithm::EcdsaP256Sha256
        );
        assert!(!STANDARD.decode(&signature.signature).unwrap().is_empty());
        assert_eq!(signed.activity_id(), "A1");
    }

    #[test]
    fn another_persons_card_signs_nothing_and_costs_no_try() {
        let now = Utc::now();
        let mut card = card(identity(now - Duration::days(1), now + Duration::days(30)));
        let someone_else = Iin::parse("910418413194").unwrap();
        assert_eq!(
            Core::sign_with_card(&mut card, &pin(PIN), &order(), &someone_else, now).err(),
            Some(CardLoginError::NotTheHolder)
        );
        assert_eq!(card.pin_tries_left(), Ok(3));
    }

    #[test]
    fn a_certificate_without_an_iin_is_unreadable_and_costs_no_try() {
        let authority = Authority::new("Komek core test root").unwrap();
        let root_key = authority.key_pkcs8_der().unwrap();
        let root = CardKey::from_parts(authority.root_der().to_vec(), &root_key).unwrap();
        let nameless = CardIdentity {
            iin: IIN.into(),
            authentication: root.clone(),
            signing: root,
        };
        let mut card = card(nameless);
        assert_eq!(
            Core::sign_with_card(&mut card, &pin("9999"), &order(), &holder(), Utc::now()).err(),
            Some(CardLoginError::Unreadable)
        );
        assert_eq!(card.pin_tries_left(), Ok(3));
    }

    #[tokio::test]
    async fn the_login_checks_dates_and_pin_before_the_network_and_hands_the_card_back() {
        let dir = tempfile::tempdir().unwrap();
        let core = offline_core(&dir);
        let now = Utc::now();

        let expired = card(identity(now - Duration::days(400), now - Duration::days(1)));
        let (mut expired, outcome) = core.card_login(expired, pin("9999"), now).await;
        assert!(matches!(
            outcome,
            Err(CardLoginError::CertificateExpired { .. })
        ));
        assert_eq!(expired.pin_tries_left(), Ok(3));

        let (mut valid, outcome) = core.card_login(card(valid()), pin("9999"), now).await;
        assert_eq!(
            outcome.err(),
            Some(CardLoginError::Card(CardError::WrongPin { tries_left: 2 }))
        );
        assert_eq!(valid.pin_tries_left(), Ok(2));

        // The right PIN reaches the network, which is not there; the card is still usable.
        let (mut valid, outcome) = core.card_login(valid, pin(PIN), now).await;
        assert_eq!(
            outcome.err(),
            Some(CardLoginError::Login(LoginError::Offline))
        );
        assert!(!core.status().online);
        assert_eq!(valid.pin_tries_left(), Ok(3));
    }
}
