#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Technician mode's kiosk side against the real gateway binary: a technician on the fleet's
//! list opens it with a code on a kiosk of their region, a replayed code is refused, and each
//! step is in the gateway's audit log under the technician and the kiosk; over TLS, an
//! application the gateway refused is sent again by the technician once the programme has
//! mended the cause, and applied once.

use std::time::Duration;

use komek_api::{TechnicianEnrolment, TechnicianSecret};
use komek_e2e::kiosk::KioskCore;
use komek_e2e::{GatewayProcess, free_port, wait_until};
use komek_kiosk_core::store::ActionState;
use komek_kiosk_core::technician::TechnicianStep;
use totp_rs::{Algorithm, Secret, TOTP};

/// The IIN the technician of this test is listed with.
const TECHNICIAN_IIN: &str = "000101500007";

/// Puts technician `id` on the list for KZ-35 as the fleet operator; returns their
/// authenticator.
fn list_technician(
    kiosk: &KioskCore,
    http: &reqwest::Client,
    gateway: &str,
    fleet: &str,
    id: &str,
) -> TOTP {
    let secret: TechnicianSecret = kiosk
        .runtime
        .block_on(async {
            http.post(format!("{gateway}/v1/operator/technicians"))
                .bearer_auth(fleet)
                .json(&TechnicianEnrolment {
                    technician_id: id.into(),
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
    TOTP::new(Algorithm::SHA1, 6, 1, 30, bytes).unwrap()
}

#[test]
fn a_technician_opens_the_kiosk_with_a_code_and_their_steps_are_audited() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gateway.db");
    let gateway = GatewayProcess::start(&db, free_port().unwrap()).unwrap();
    let fleet = komek_e2e::operator::operator_session(&gateway.url(), &db, "fleet", None).unwrap();
    let kiosk = KioskCore::start(gateway.url(), &dir.path().join("kiosk")).unwrap();
    let kiosk_id = kiosk.core.enrolment().unwrap().kiosk_id;

    let code = list_technician(
        &kiosk,
        &reqwest::Client::new(),
        &gateway.url(),
        &fleet,
        "tech-e2e",
    )
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

/// Dinara Ismailova: her electric wheelchair's choice awaits the programme's reopening.
const PARTICIPANT: &str = "880209422641";

#[test]
fn a_parked_application_sent_again_by_a_technician_after_the_reopening_is_applied_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gateway.db");
    let ca = komek_e2e::tls::TestCa::new("Komek test gateway CA").unwrap();
    let files = ca.server_files(dir.path()).unwrap();
    let gateway = GatewayProcess::start_tls(&db, free_port().unwrap(), &files).unwrap();
    let pem = ca.certificate_pem();
    let operator = |role| {
        komek_e2e::operator::operator_session(&gateway.url(), &db, role, Some(&pem)).unwrap()
    };
    let (fleet, programme) = (operator("fleet"), operator("programme"));
    let kiosk =
        KioskCore::trusting(gateway.url(), Some(pem.clone()), &dir.path().join("kiosk")).unwrap();
    kiosk.start_worker();
    let core = &kiosk.core;
    let http = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&pem).unwrap())
        .build()
        .unwrap();

    // The kiosk still shows the wheelchair as choosable (its programme was read before the
    // person asked for the choice to be activated): the application is refused for good.
    let mut visit = kiosk.log_in(PARTICIPANT).unwrap();
    let (catalogue, _) = kiosk.runtime.block_on(core.catalogue()).unwrap();
    let today = komek_domain::astana::date_on(chrono::Utc::now());
    let mut as_the_kiosk_saw_it = visit
        .activities
        .iter()
        .find(|a| a.id == "ipr-0016")
        .unwrap()
        .clone();
    as_the_kiosk_saw_it.status = komek_domain::ActivityStatus::AwaitingChoice;
    as_the_kiosk_saw_it.notice_date = Some(today);
    let choice = catalogue
        .choices_for(&as_the_kiosk_saw_it)
        .into_iter()
        .next()
        .unwrap();
    let order = komek_domain::Order::draw_up(&as_the_kiosk_saw_it, &choice, today).unwrap();
    let signed = komek_e2e::kiosk::sign(core, &kiosk.runtime, &visit, &order).unwrap();
    let id = core
        .queue_application(&mut visit, &signed, chrono::Utc::now())
        .unwrap();
    let state = || core.action(id).map(|a| a.state);
    assert!(wait_until(Duration::from_secs(10), || state()
        == Some(ActionState::Parked)));

    // The programme reopens the activity; the technician sends the application again.
    let reopened = kiosk
        .runtime
        .block_on(
            http.post(format!(
                "{}/v1/operator/activities/ipr-0016/reopen",
                gateway.url()
            ))
            .bearer_auth(&programme)
            .send(),
        )
        .unwrap();
    assert_eq!(reopened.status(), reqwest::StatusCode::OK);
    let code = list_technician(&kiosk, &http, &gateway.url(), &fleet, "tech-e2e-2")
        .generate_current()
        .unwrap();
    let session = kiosk
        .runtime
        .block_on(core.technician_code_login(TECHNICIAN_IIN, &code))
        .unwrap();
    assert!(
        kiosk
            .runtime
            .block_on(core.retry_parked(&session, id))
            .unwrap()
    );
    let again = kiosk.runtime.block_on(core.retry_parked(&session, id));
    assert!(!again.unwrap(), "once in the queue");
    let reference = komek_kiosk_core::store::kiosk_reference(id);
    assert!(wait_until(Duration::from_secs(10), || state()
        == Some(ActionState::Delivered)));

    let gateway_db = rusqlite::Connection::open(&db).unwrap();
    let count = |sql: &str| -> i64 {
        gateway_db
            .query_row(sql, [id.to_string()], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(
        count("SELECT COUNT(*) FROM orders WHERE idempotency_key = ?1"),
        1
    );
    let retried: i64 = gateway_db
        .query_row(
            "SELECT COUNT(*) FROM audit_log WHERE actor = 'technician:tech-e2e-2'
             AND action = 'parked action retried' AND detail = ?1",
            [&reference],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(retried, 1);
}
