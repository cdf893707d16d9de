#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The kiosk and the real gateway binary over HTTPS: the gateway serves TLS with a certificate
//! from a CA made here, the kiosk trusts that CA and nothing else. A kiosk given another CA
//! reaches nothing; plain HTTP to another machine is refused before any connection.

use std::time::Duration;

use komek_e2e::kiosk::KioskCore;
use komek_e2e::tls::TestCa;
use komek_e2e::{GatewayProcess, free_port};
use komek_kiosk_core::core::LoginError;
use komek_kiosk_core::store::ActionState;

const IIN: &str = "810314304128";

struct Rig {
    gateway: GatewayProcess,
    ca: TestCa,
    dir: tempfile::TempDir,
}

fn rig() -> Rig {
    let dir = tempfile::tempdir().unwrap();
    let ca = TestCa::new("Komek test gateway CA").unwrap();
    let files = ca.server_files(dir.path()).unwrap();
    let gateway =
        GatewayProcess::start_tls(&dir.path().join("gateway.db"), free_port().unwrap(), &files)
            .unwrap();
    Rig { gateway, ca, dir }
}

#[test]
fn a_kiosk_trusting_the_gateways_ca_logs_in_and_delivers_over_https() {
    let rig = rig();
    assert!(rig.gateway.url().starts_with("https://"));
    let kiosk = KioskCore::trusting(
        rig.gateway.url(),
        Some(rig.ca.certificate_pem()),
        &rig.dir.path().join("kiosk"),
    )
    .unwrap();
    let mut visit = kiosk.log_in(IIN).unwrap();
    let order = komek_e2e::kiosk::first_order(&kiosk.core, &kiosk.runtime, &visit).unwrap();
    let signed = komek_e2e::kiosk::sign(&kiosk.core, &kiosk.runtime, &visit, &order).unwrap();
    let id = kiosk
        .core
        .queue_application(&mut visit, &signed, chrono::Utc::now())
        .unwrap();
    kiosk.start_worker();
    assert!(komek_e2e::wait_until(Duration::from_secs(20), || {
        kiosk
            .core
            .action(id)
            .is_some_and(|a| a.state == ActionState::Delivered)
    }));
}

#[test]
fn a_kiosk_trusting_another_ca_reaches_nothing() {
    let rig = rig();
    let stranger = TestCa::new("Not the gateway's CA").unwrap();
    let kiosk = KioskCore::trusting(
        rig.gateway.url(),
        Some(stranger.certificate_pem()),
        &rig.dir.path().join("kiosk"),
    )
    .unwrap();
    let iin = komek_domain::Iin::parse(IIN).unwrap();
    let asked = kiosk.runtime.block_on(kiosk.core.request_code(&iin));
    assert_eq!(asked.err(), Some(LoginError::Offline));
    assert!(!kiosk.core.status().online);
}

#[test]
fn plain_http_to_another_machine_and_https_without_a_ca_are_refused_before_connecting() {
    let dir = tempfile::tempdir().unwrap();
    let ca = TestCa::new("Komek test gateway CA").unwrap();
    let plain = KioskCore::trusting(
        "http://gateway.example.kz:8480".into(),
        Some(ca.certificate_pem()),
        &dir.path().join("a"),
    );
    let refused = plain.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(refused.contains("must be https://"), "{refused}");
    let no_ca = KioskCore::trusting(
        "https://gateway.example.kz".into(),
        None,
        &dir.path().join("b"),
    );
    let refused = no_ca.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(refused.contains("no CA is configured"), "{refused}");
}
