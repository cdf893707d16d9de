#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Technician mode's kiosk side against the real gateway binary: a technician on the fleet's
//! list opens it with a code on a kiosk of their region, a replayed code is refused, and each
//! step is in the gateway's audit log under the technician and the kiosk.

use komek_api::{TechnicianEnrolment, TechnicianSecret};
use komek_e2e::kiosk::KioskCore;
use komek_e2e::{GatewayProcess, free_port};
use komek_kiosk_core::technician::TechnicianStep;
use totp_rs::{Algorithm, Secret, TOTP};

/// The IIN the technician of this test is listed with.
const TECHNICIAN_IIN: &str = "000101500007";

#[test]
fn a_technician_opens_the_kiosk_with_a_code_and_their_steps_are_audited() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gateway.db");
    let gateway = GatewayProcess::start(&db, free_port().unwrap()).unwrap();
    let fleet = komek_e2e::operator::operator_session(&gateway.url(), &db, "fleet", None).unwrap();
    let kiosk = KioskCore::start(gateway.url(), &dir.path().join("kiosk")).unwrap();
    let kiosk_id = kiosk.core.enrolment().unwrap().kiosk_id;

    let secret: TechnicianSecret = kiosk
        .runtime
        .block_on(async {
            reqwest::Client::new()
                .post(format!("{}/v1/operator/technicians", gateway.url()))
                .bearer_auth(&fleet)
                .json(&TechnicianEnrolment {
                    technician_id: "tech-e2e".into(),
                    iin: TECHNICIAN_IIN.into(),
                    regions: vec!["KZ-35".into()],
                })
                .send()
                .await?
                .error_for_status()?
                .json()
                .await
        })
        .unwrap();
    let bytes = Secret::Encoded(secret.totp_secret).to_bytes().unwrap();
    let code = TOTP::new(Algorithm::SHA1, 6, 1, 30, bytes)
        .unwrap()
        .generate_current()
        .unwrap();

    let core = &kiosk.core;
    let session = kiosk
        .runtime
        .block_on(core.technician_code_login(TECHNICIAN_IIN, &code))
        .unwrap();
    assert_eq!(session.technician_id, "tech-e2e");
    let replayed = kiosk
        .runtime
        .block_on(core.technician_code_login(TECHNICIAN_IIN, &code));
    assert!(replayed.is_err());

    for step in [
        TechnicianStep::Opened,
        TechnicianStep::RetriedParked {
            kiosk_reference: "KR-7F3A".into(),
        },
        TechnicianStep::Closed {
            why: komek_kiosk_core::technician::ClosedBy::Exit,
        },
    ] {
        kiosk
            .runtime
            .block_on(core.record_technician_step(&session, &step))
            .unwrap();
    }
    let rows: Vec<(String, String, String)> = rusqlite::Connection::open(&db)
        .unwrap()
        .prepare(
            "SELECT action, kiosk_id, detail FROM audit_log
             WHERE actor = 'technician:tech-e2e' ORDER BY seq",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let row =
        |action: &str, detail: &str| (action.to_string(), kiosk_id.clone(), detail.to_string());
    assert_eq!(
        rows,
        [
            row("technician mode opened", "code"),
            row("technician login refused", "code"),
            row("technician mode shown", ""),
            row("parked action retried", "KR-7F3A"),
            row("technician mode closed", "exit"),
        ]
    );
}
