#![allow(clippy::unwrap_used, clippy::expect_used)]
//! A change of phone from the kiosk's core to the real gateway binary: the new number proven
//! by the code sent to it, the change queued while the gateway is down and delivered when it is
//! back, and the next login's code sent to the new number.

use std::time::Duration;

use chrono::Utc;
use komek_domain::{Iin, MobilePhone};
use komek_e2e::kiosk::KioskCore;
use komek_e2e::{GatewayProcess, free_port, wait_until};
use komek_kiosk_core::core::LoginError;
use komek_kiosk_core::store::ActionState;

const IIN: &str = "960822408713";

#[test]
fn a_proven_phone_change_survives_a_gateway_outage_and_is_used_at_the_next_login() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gateway.db");
    let port = free_port().unwrap();
    let gateway = GatewayProcess::start(&db, port).unwrap();
    let kiosk = KioskCore::start(gateway.url(), &dir.path().join("kiosk")).unwrap();
    let (core, runtime) = (&kiosk.core, &kiosk.runtime);
    let visit = kiosk.log_in(IIN).unwrap();
    assert_eq!(visit.profile.phone, "+77475550822");
    let token = komek_kiosk_core::core::Core::session_token(&visit);

    let phone = MobilePhone::from_local_digits("7771234567").unwrap();
    let challenge = runtime
        .block_on(core.request_phone_code(&token, phone))
        .unwrap();
    assert_eq!(challenge.phone_hint, "+7 *** *** ** 67");
    let code = runtime.block_on(core.demo_code(challenge.id)).unwrap();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    assert_eq!(
        runtime
            .block_on(core.verify_phone_code(&token, &challenge, wrong))
            .unwrap_err(),
        LoginError::WrongCode { attempts_left: 4 }
    );
    let proven = runtime
        .block_on(core.verify_phone_code(&token, &challenge, &code))
        .unwrap();

    // The gateway goes away; the change is saved on the kiosk all the same.
    gateway.kill().unwrap();
    let id = core
        .queue_contact_change(&visit, Some(&proven), None, Utc::now())
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    assert_ne!(core.action(id).unwrap().state, ActionState::Delivered);

    // Back again on the same database: the change is delivered and applied.
    let gateway = GatewayProcess::start(&db, port).unwrap();
    assert!(wait_until(Duration::from_secs(30), || {
        core.action(id)
            .is_some_and(|q| q.state == ActionState::Delivered)
    }));
    let reference = core.action(id).unwrap().reference.unwrap();
    assert!(reference.starts_with("CC-"), "{reference}");

    let again = runtime
        .block_on(core.request_code(&Iin::parse(IIN).unwrap()))
        .unwrap();
    assert_eq!(again.phone_hint, "+7 *** *** ** 67");
    drop(gateway);
}
