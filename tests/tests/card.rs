//! The national ID card and eGov Mobile's QR login end to end: the kiosk's core with real
//! SQLite files, the real `komek-gateway` binary trusting a test root (`--card-roots`), and the
//! virtual card in a vpcd reader of the real pcscd (`scripts/pcscd-netns`; needs root). Every
//! APDU goes from `PcscTransport` through pcscd and vpcd to the applet.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::{Duration as Days, Utc};
use komek_card::applet::Applet;
use komek_card::{CardError, Pin, reader};
use komek_domain::{Iin, Order};
use komek_e2e::kiosk::KioskCore;
use komek_e2e::{GatewayProcess, free_port, wait_until};
use komek_kiosk_core::core::{CardAccess, CardLoginError, Core, LoginMethod, QrProgress, Visit};
use komek_kiosk_core::store::ActionState;
use komek_virtual_card::pcscd::{Pcscd, READERS};
use komek_virtual_card::vpcd::InsertedCard;
use komek_virtual_card::{Authority, CardIdentity, KeyKind};

/// A demo participant with an activity awaiting a supplier choice.
const IIN: &str = "810314304128";
const PIN: &str = "1234";
const WRONG_PIN: &str = "9999";

struct Rig {
    kiosk: KioskCore,
    authority: Authority,
    gateway_db: PathBuf,
    // Dropped last: the gateway and the kiosk use files in it.
    _gateway: GatewayProcess,
    _dir: tempfile::TempDir,
}

/// The gateway trusting a fresh test root, with `extra` flags, and a kiosk core against it.
fn rig(extra: &[&str]) -> Rig {
    let dir = tempfile::tempdir().unwrap();
    let authority = Authority::new("Komek e2e root").unwrap();
    let roots = dir.path().join("roots.pem");
    std::fs::write(&roots, authority.root_pem()).unwrap();
    let gateway_db = dir.path().join("gateway.db");
    let roots = roots.to_str().unwrap().to_string();
    let mut flags = vec!["--card-roots", roots.as_str()];
    flags.extend_from_slice(extra);
    let gateway = GatewayProcess::start_with(&gateway_db, free_port().unwrap(), &flags).unwrap();
    let kiosk_dir = dir.path().join("kiosk");
    let kiosk = KioskCore::start(gateway.url(), &kiosk_dir).unwrap();
    Rig {
        kiosk,
        authority,
        gateway_db,
        _gateway: gateway,
        _dir: dir,
    }
}

fn card_of(authority: &Authority, kind: KeyKind) -> CardIdentity {
    let now = Utc::now();
    authority
        .issue_card(IIN, kind, now - Days::days(1), now + Days::days(365))
        .unwrap()
}

fn pin(digits: &str) -> Pin {
    Pin::new(digits).unwrap()
}

/// Puts `applet` in the first reader and opens it as the kiosk does, once pcscd shows it.
fn insert(pcscd: &Pcscd, applet: Applet) -> (InsertedCard, CardAccess) {
    let (name, port) = READERS[0];
    let inserted = pcscd.insert(port, applet).unwrap();
    let context = reader::establish().unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match reader::open(&context, name) {
            Ok(opened) => return (inserted, CardAccess::from_opened(opened)),
            Err(CardError::Removed) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(e) => panic!("the card in {name} did not open: {e}"),
        }
    }
}

fn card_login(
    rig: &Rig,
    card: CardAccess,
    digits: &str,
) -> (CardAccess, Result<Visit, CardLoginError>) {
    rig.kiosk
        .runtime
        .block_on(rig.kiosk.core.card_login(card, pin(digits), Utc::now()))
}

/// The visit works at the gateway: its session reads the person's failure requests.
fn session_works(rig: &Rig, visit: &Visit) -> bool {
    rig.kiosk
        .runtime
        .block_on(rig.kiosk.core.failure_requests(visit))
        .is_some()
}

fn logs_in_with(kind: KeyKind) {
    let pcscd = Pcscd::shared().unwrap();
    let rig = rig(&[]);
    let (_inserted, card) = insert(&pcscd, card_of(&rig.authority, kind).applet(PIN));
    let (_card, visit) = card_login(&rig, card, PIN);
    let visit = visit.unwrap();
    assert_eq!(visit.iin.digits(), IIN);
    assert_eq!(visit.login, LoginMethod::Card);
    assert!(!visit.activities.is_empty());
    assert!(session_works(&rig, &visit));
    assert!(rig.kiosk.core.status().online);
}

#[test]
fn a_p256_card_logs_in_and_its_session_works() {
    logs_in_with(KeyKind::P256);
}

#[test]
fn an_rsa_card_logs_in_and_its_session_works() {
    logs_in_with(KeyKind::Rsa2048);
}

#[test]
fn a_wrong_pin_opens_no_visit_and_three_block_the_card() {
    let pcscd = Pcscd::shared().unwrap();
    let rig = rig(&[]);
    let (_inserted, card) = insert(&pcscd, card_of(&rig.authority, KeyKind::P256).applet(PIN));
    let (card, outcome) = card_login(&rig, card, WRONG_PIN);
    assert_eq!(
        outcome.err(),
        Some(CardLoginError::Card(CardError::WrongPin { tries_left: 2 }))
    );
    let (card, outcome) = card_login(&rig, card, WRONG_PIN);
    assert_eq!(
        outcome.err(),
        Some(CardLoginError::Card(CardError::WrongPin { tries_left: 1 }))
    );
    let (mut card, outcome) = card_login(&rig, card, WRONG_PIN);
    assert_eq!(
        outcome.err(),
        Some(CardLoginError::Card(CardError::PinBlocked))
    );
    assert_eq!(card.pin_tries_left(), Err(CardError::PinBlocked));
    // Blocked for the right PIN too.
    let (_card, outcome) = card_login(&rig, card, PIN);
    assert_eq!(
        outcome.err(),
        Some(CardLoginError::Card(CardError::PinBlocked))
    );
}

#[test]
fn an_expired_card_is_refused_without_spending_a_pin_try() {
    let pcscd = Pcscd::shared().unwrap();
    let rig = rig(&[]);
    let now = Utc::now();
    let expired = rig
        .authority
        .issue_card(
            IIN,
            KeyKind::P256,
            now - Days::days(400),
            now - Days::days(2),
        )
        .unwrap();
    let (_inserted, card) = insert(&pcscd, expired.applet(PIN));
    // A wrong PIN: had it been tried, a try would be gone.
    let (mut card, outcome) = card_login(&rig, card, WRONG_PIN);
    assert!(
        matches!(outcome, Err(CardLoginError::CertificateExpired { not_after }) if not_after < now),
        "{outcome:?}"
    );
    assert_eq!(card.pin_tries_left(), Ok(3));
}

#[test]
fn a_card_from_an_unknown_root_is_refused_by_the_gateway() {
    let pcscd = Pcscd::shared().unwrap();
    let rig = rig(&[]);
    let stranger = Authority::new("Not a root the gateway trusts").unwrap();
    let (_inserted, card) = insert(&pcscd, card_of(&stranger, KeyKind::P256).applet(PIN));
    let (_card, outcome) = card_login(&rig, card, PIN);
    assert_eq!(outcome.err(), Some(CardLoginError::Refused));
    assert!(rig.kiosk.core.status().online);
}

#[test]
fn a_card_whose_key_is_not_its_certificates_is_refused_as_forged() {
    let pcscd = Pcscd::shared().unwrap();
    let rig = rig(&[]);
    let genuine = card_of(&rig.authority, KeyKind::P256);
    let mut forged = card_of(&rig.authority, KeyKind::P256);
    // The genuine certificate, but the other card's key signs.
    forged.authentication.certificate_der = genuine.authentication.certificate_der.clone();
    let (_inserted, card) = insert(&pcscd, forged.applet(PIN));
    let (_card, outcome) = card_login(&rig, card, PIN);
    assert_eq!(outcome.err(), Some(CardLoginError::Refused));
}

fn order_for(rig: &Rig, visit: &Visit) -> Order {
    komek_e2e::kiosk::first_order(&rig.kiosk.core, &rig.kiosk.runtime, visit).unwrap()
}

#[test]
fn a_card_signed_application_is_queued_delivered_and_kept_with_its_signature() {
    let pcscd = Pcscd::shared().unwrap();
    let rig = rig(&[]);
    let (_inserted, card) = insert(&pcscd, card_of(&rig.authority, KeyKind::P256).applet(PIN));
    let (mut card, visit) = card_login(&rig, card, PIN);
    let mut visit = visit.unwrap();
    let order = order_for(&rig, &visit);

    let signed =
        Core::sign_with_card(&mut card, &pin(PIN), &order, &visit.iin, Utc::now()).unwrap();
    let id = rig
        .kiosk
        .core
        .queue_application(&mut visit, &signed, Utc::now())
        .unwrap();
    assert!(wait_until(Duration::from_secs(15), || {
        rig.kiosk
            .core
            .action(id)
            .is_some_and(|q| q.state == ActionState::Delivered)
    }));
    let reference = rig.kiosk.core.action(id).unwrap().reference.unwrap();
    assert!(reference.starts_with("SP-"), "{reference}");

    // The gateway verified the card's signature and kept it with the order, as the person's.
    let conn = rusqlite::Connection::open_with_flags(
        &rig.gateway_db,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap();
    let (signer, algorithm): (String, String) = conn
        .query_row(
            "SELECT signer_iin, algorithm FROM order_card_signatures WHERE idempotency_key = ?1",
            [id.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(signer, IIN);
    assert_eq!(algorithm, "ecdsa_p256_sha256");
    let orders: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM orders WHERE idempotency_key = ?1 AND activity_id = ?2",
            [id.to_string(), order.activity_id.clone()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(orders, 1);
}

#[test]
fn a_card_pulled_out_after_the_login_signs_nothing() {
    let pcscd = Pcscd::shared().unwrap();
    let rig = rig(&[]);
    let (inserted, card) = insert(&pcscd, card_of(&rig.authority, KeyKind::P256).applet(PIN));
    let (mut card, visit) = card_login(&rig, card, PIN);
    let visit = visit.unwrap();
    let order = order_for(&rig, &visit);

    inserted.remove().unwrap();
    assert_eq!(
        Core::sign_with_card(&mut card, &pin(PIN), &order, &visit.iin, Utc::now()).err(),
        Some(CardLoginError::Card(CardError::Removed))
    );
}

#[test]
fn a_qr_login_approved_in_egov_mobile_opens_the_visit_of_the_person_who_approved() {
    let rig = rig(&[]);
    let (core, runtime) = (&rig.kiosk.core, &rig.kiosk.runtime);
    let login = runtime.block_on(core.start_qr_login()).unwrap();
    assert!(login.payload.starts_with("kz.egov.mobile://"));
    // The QR code does not give the kiosk's secret away.
    assert!(!login.payload.contains(&login.session_id.to_string()));
    assert!(matches!(
        runtime.block_on(core.poll_qr_login(&login)).unwrap(),
        QrProgress::Pending
    ));

    let person = Iin::parse("960822408713").unwrap();
    assert!(runtime.block_on(core.demo_approve_qr_as(&login, &person)));
    let visit = match runtime.block_on(core.poll_qr_login(&login)).unwrap() {
        QrProgress::Approved(visit) => visit,
        other => panic!("expected Approved, got {other:?}"),
    };
    assert_eq!(visit.iin, person);
    assert_eq!(visit.login, LoginMethod::Qr);
    assert!(session_works(&rig, &visit));
    // The session is handed over once.
    assert!(matches!(
        runtime.block_on(core.poll_qr_login(&login)).unwrap(),
        QrProgress::Expired
    ));

    // The demo's own approval is for the demo participant.
    let another = runtime.block_on(core.start_qr_login()).unwrap();
    assert!(runtime.block_on(core.demo_approve_qr(&another)));
    match runtime.block_on(core.poll_qr_login(&another)).unwrap() {
        QrProgress::Approved(visit) => assert_eq!(visit.iin.digits(), IIN),
        other => panic!("expected Approved, got {other:?}"),
    }
}

#[test]
fn an_unapproved_qr_login_expires() {
    let rig = rig(&["--qr-lifetime-secs", "1"]);
    let (core, runtime) = (&rig.kiosk.core, &rig.kiosk.runtime);
    let login = runtime.block_on(core.start_qr_login()).unwrap();
    assert!(login.expires_at <= Utc::now() + Days::seconds(2));
    std::thread::sleep(Duration::from_millis(2100));
    assert!(matches!(
        runtime.block_on(core.poll_qr_login(&login)).unwrap(),
        QrProgress::Expired
    ));
    // Too late to approve, too.
    assert!(!runtime.block_on(core.demo_approve_qr(&login)));
    assert!(matches!(
        runtime.block_on(core.poll_qr_login(&login)).unwrap(),
        QrProgress::Expired
    ));
}

/// The kiosk window on the headless backend, watching the real readers as the firmware does.
fn window(rig: &Rig) -> (komek_kiosk::AppWindow, komek_kiosk::bridge::Kiosk) {
    i_slint_backend_testing::init_no_event_loop();
    let app = komek_kiosk::AppWindow::new().unwrap();
    let kiosk = komek_kiosk::bridge::Kiosk::new(
        &app,
        rig.kiosk.core.clone(),
        rig.kiosk.runtime.handle().clone(),
        komek_kiosk_core::session::Timing::default(),
        Box::new(komek_kiosk::bridge::SystemClock::default()),
        komek_kiosk::bridge::Aids {
            cards: komek_kiosk_core::cards::CardReaders::new(true),
            ..komek_kiosk::bridge::Aids::silent()
        },
    );
    (app, kiosk)
}

#[test]
fn the_kiosk_window_sees_a_card_put_in_a_real_reader_and_logs_in_with_its_pin() {
    use komek_kiosk::{AppAdapter, CardAdapter, CardProblem, Screen};
    use slint::ComponentHandle;

    let pcscd = Pcscd::shared().unwrap();
    let rig = rig(&[]);
    let (app, kiosk) = window(&rig);
    let card = app.global::<CardAdapter>();
    let within = Duration::from_secs(10);
    assert!(
        kiosk.pump_until(within, || card.get_available()),
        "the readers are seen"
    );
    app.global::<AppAdapter>().invoke_start("en".into());
    assert_eq!(kiosk.screen(), Screen::Iin);

    let (_, port) = READERS[0];
    let inserted = pcscd
        .insert(port, card_of(&rig.authority, KeyKind::P256).applet(PIN))
        .unwrap();
    assert!(
        kiosk.pump_until(within, || kiosk.screen() == Screen::CardPin
            && !card.get_busy()
            && card.get_tries_left() == 3),
        "the PIN screen with the card opened"
    );
    // Pulled out while the PIN is typed: said, and the PIN forgotten.
    card.invoke_digit("1".into());
    inserted.remove().unwrap();
    assert!(
        kiosk.pump_until(within, || card.get_problem() == CardProblem::Removed),
        "the removal is noticed"
    );
    assert_eq!(card.get_pin_length(), 0);

    let _inserted = pcscd
        .insert(port, card_of(&rig.authority, KeyKind::P256).applet(PIN))
        .unwrap();
    assert!(kiosk.pump_until(within, || card.get_present()
        && !card.get_busy()
        && card.get_tries_left() == 3));
    for d in PIN.chars() {
        card.invoke_digit(d.to_string().into());
    }
    card.invoke_submit();
    assert!(
        kiosk.pump_until(within, || kiosk.screen() == Screen::Activities),
        "logged in: {:?}",
        card.get_problem()
    );
    assert!(kiosk.has_visit());
}

/// A card that answers the reference profile's commands but whose certificates are garbage:
/// a DER header claiming more than there is, then noise (what a stranger's programmable card
/// can hold).
struct HostileKeys {
    certificate: Vec<u8>,
}

impl komek_card::applet::CardKeys for HostileKeys {
    fn certificate(&self, _role: komek_card::KeyRole) -> &[u8] {
        &self.certificate
    }

    fn sign_digest(
        &self,
        _role: komek_card::KeyRole,
        _algorithm: komek_api::SignatureAlgorithm,
        _digest: &[u8; 32],
    ) -> Option<Vec<u8>> {
        Some(vec![0xFF; 4096])
    }
}

#[test]
fn a_hostile_card_is_refused_like_a_broken_one_costs_no_try_and_the_visit_goes_on() {
    let pcscd = Pcscd::shared().unwrap();
    let rig = rig(&[]);
    let mut certificate = vec![0x30, 0x84, 0x7F, 0xFF, 0xFF, 0xFF];
    certificate.extend((0..700u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    let hostile = Applet::new(Box::new(HostileKeys { certificate }), PIN);
    let (inserted, card) = insert(&pcscd, hostile);
    let (mut card, outcome) = card_login(&rig, card, PIN);
    // The same answer as a card whose certificate cannot be read for any other reason.
    assert_eq!(outcome.err(), Some(CardLoginError::Unreadable));
    assert_eq!(card.pin_tries_left(), Ok(3), "no PIN was tried");
    drop(card);
    inserted.remove().unwrap();
    // The person goes on with a one-time code.
    let visit = rig.kiosk.log_in(IIN).unwrap();
    assert!(session_works(&rig, &visit));
    assert!(rig.kiosk.core.status().online);
}
