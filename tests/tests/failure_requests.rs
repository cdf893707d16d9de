#![allow(clippy::unwrap_used, clippy::expect_used)]
//! A technical-failure request from the kiosk to the real gateway binary: queued, delivered
//! once as a ticket, moved on by an operator, and shown back to the person with each deadline
//! in Astana working time and whether it was met.

use std::time::Duration;

use chrono::Utc;
use komek_api::{OperatorEvent, TicketEvent};
use komek_domain::FailureProblem;
use komek_domain::failure_sla::{Step, Verdict};
use komek_e2e::kiosk::KioskCore;
use komek_e2e::{GatewayProcess, free_port, wait_until};
use komek_kiosk_core::core::FailureReport;
use komek_kiosk_core::store::ActionState;

const IIN: &str = "810314304128";

#[test]
fn a_request_becomes_a_ticket_and_its_deadlines_come_back_with_verdicts() {
    let dir = tempfile::tempdir().unwrap();
    let gateway =
        GatewayProcess::start(&dir.path().join("gateway.db"), free_port().unwrap()).unwrap();
    let contact_centre = komek_e2e::operator::operator_session(
        &gateway.url(),
        &dir.path().join("gateway.db"),
        "contact_centre",
        None,
    )
    .unwrap();
    let kiosk = KioskCore::start(gateway.url(), &dir.path().join("kiosk")).unwrap();
    let (core, runtime) = (&kiosk.core, &kiosk.runtime);
    let visit = kiosk.log_in(IIN).unwrap();

    let picture: &[u8] = b"\x89PNG the screen";
    let id = core
        .queue_failure_report(
            Some(&visit),
            FailureReport {
                problem: FailureProblem::ApplicationNotAccepted,
                description: "Өтінім жіберілмеді".into(),
                contact_phone: Some("+77011234567".into()),
                screenshot_png: Some(picture),
                with_diagnostics: true,
            },
            Utc::now(),
        )
        .unwrap();
    assert!(wait_until(Duration::from_secs(15), || {
        core.action(id)
            .is_some_and(|q| q.state == ActionState::Delivered)
    }));
    let reference = core.action(id).unwrap().reference.unwrap();
    assert!(reference.starts_with("TF-"), "{reference}");
    // The picture and the kiosk's technician report arrive with the ticket.
    let (screenshot, diagnostics): (Option<String>, Option<String>) =
        rusqlite::Connection::open(dir.path().join("gateway.db"))
            .unwrap()
            .query_row(
                "SELECT screenshot, diagnostics FROM tickets WHERE reference = ?1",
                [&reference],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
    use base64::Engine;
    let sent = base64::engine::general_purpose::STANDARD.decode(screenshot.unwrap_or_default());
    assert_eq!(sent.ok().as_deref(), Some(picture));
    assert!(
        diagnostics.is_some_and(|d| d.contains("queue:")),
        "the technician report is attached"
    );

    let views = runtime.block_on(core.failure_requests(&visit)).unwrap();
    assert_eq!(views.len(), 1);
    let received = views[0].received_at;
    assert_eq!(
        views[0].deadlines.len(),
        1,
        "only registration is due at first"
    );
    assert_eq!(views[0].deadlines[0].step, Step::Registration);
    assert_eq!(views[0].deadlines[0].verdict(Utc::now()), Verdict::Pending);

    // The operator registers it at once, and confirms it a month later (far too late).
    let operator = reqwest::Client::new();
    let record = |event: TicketEvent, at: chrono::DateTime<Utc>| {
        let answer = runtime
            .block_on(
                operator
                    .post(format!(
                        "{}/v1/operator/tickets/{reference}/events",
                        gateway.url()
                    ))
                    .bearer_auth(&contact_centre)
                    .json(&OperatorEvent {
                        event,
                        at: Some(at),
                    })
                    .send(),
            )
            .unwrap();
        assert!(
            answer.status().is_success(),
            "{event:?}: {}",
            answer.status()
        );
    };
    record(
        TicketEvent::Register,
        received + chrono::Duration::minutes(1),
    );
    record(
        TicketEvent::Analyse,
        received + chrono::Duration::minutes(2),
    );
    record(TicketEvent::Confirm, received + chrono::Duration::days(30));

    let views = runtime.block_on(core.failure_requests(&visit)).unwrap();
    let verdicts: Vec<(Step, Verdict)> = views[0]
        .deadlines
        .iter()
        .map(|d| (d.step, d.verdict(Utc::now())))
        .collect();
    assert_eq!(
        verdicts,
        [
            (Step::Registration, Verdict::Met),
            (Step::Analysis, Verdict::MissedDoneLate),
            (Step::Escalation, Verdict::Pending),
        ]
    );
    assert!(!views[0].closed);
}
