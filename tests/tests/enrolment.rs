#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Kiosks the gateway can trust, end to end over TLS with the real gateway binary: an operator's
//! one-time code enrols the production kiosk (`--enrol`); a revoked kiosk keeps its queue and
//! delivers it once when enrolled again; a grant taken to another kiosk is refused there and
//! applied nowhere; the gateway's audit log holds each step.

use std::process::Command;
use std::time::Duration;

use komek_api::{Action, ContactChange, DevicePlace, DeviceRecord, EnrolmentCode};
use komek_domain::Iin;
use komek_e2e::kiosk::KioskCore;
use komek_e2e::tls::TestCa;
use komek_e2e::{GatewayProcess, applied_contact_changes, free_port, wait_until};
use komek_kiosk_core::core::Core;
use komek_kiosk_core::store::ActionState;

const IIN: &str = "810314304128";

struct Rig {
    gateway: GatewayProcess,
    ca: TestCa,
    ca_file: std::path::PathBuf,
    dir: tempfile::TempDir,
    runtime: tokio::runtime::Runtime,
    /// A session of the fleet operator.
    fleet: String,
}

fn rig() -> Rig {
    let dir = tempfile::tempdir().unwrap();
    let ca = TestCa::new("Komek test gateway CA").unwrap();
    let files = ca.server_files(dir.path()).unwrap();
    let gateway =
        GatewayProcess::start_tls(&dir.path().join("gateway.db"), free_port().unwrap(), &files)
            .unwrap();
    let fleet = komek_e2e::operator::operator_session(
        &gateway.url(),
        &dir.path().join("gateway.db"),
        "fleet",
        Some(&ca.certificate_pem()),
    )
    .unwrap();
    let ca_file = dir.path().join("gateway-ca.pem");
    std::fs::write(&ca_file, ca.certificate_pem()).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    Rig {
        gateway,
        ca,
        ca_file,
        dir,
        runtime,
        fleet,
    }
}

impl Rig {
    /// The operator's side, over the same TLS.
    fn operator(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let ca = reqwest::Certificate::from_pem(&self.ca.certificate_pem()).unwrap();
        reqwest::Client::builder()
            .tls_certs_only([ca])
            .build()
            .unwrap()
            .request(method, format!("{}{path}", self.gateway.url()))
            .bearer_auth(&self.fleet)
    }

    fn issue_code(&self, kiosk_id: &str) -> String {
        let place = DevicePlace {
            kiosk_id: kiosk_id.into(),
            site: "ЦОН Караганды".into(),
            region: "KZ-35".into(),
        };
        let request = self
            .operator(reqwest::Method::POST, "/v1/operator/devices/enrolments")
            .json(&place);
        let code: EnrolmentCode = self
            .runtime
            .block_on(async { request.send().await?.error_for_status()?.json().await })
            .unwrap();
        code.code
    }

    fn revoke(&self, kiosk_id: &str) {
        let request = self.operator(
            reqwest::Method::POST,
            &format!("/v1/operator/devices/{kiosk_id}/revoke"),
        );
        self.runtime
            .block_on(async { request.send().await?.error_for_status() })
            .unwrap();
    }

    fn devices(&self) -> Vec<DeviceRecord> {
        let request = self.operator(reqwest::Method::GET, "/v1/operator/devices");
        self.runtime
            .block_on(async { request.send().await?.error_for_status()?.json().await })
            .unwrap()
    }

    fn audit_steps(&self) -> Vec<(String, String)> {
        let db = rusqlite::Connection::open_with_flags(
            self.dir.path().join("gateway.db"),
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .unwrap();
        db.prepare("SELECT actor, action FROM audit_log ORDER BY seq")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    /// The production kiosk on this gateway with its data in `data_dir`.
    fn production_kiosk(&self, data_dir: &std::path::Path) -> Command {
        let mut command = Command::new(komek_e2e::production_kiosk().unwrap());
        command
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .env("KOMEK_DATA_DIR", data_dir)
            .env("KOMEK_GATEWAY_URL", self.gateway.url())
            .env("KOMEK_GATEWAY_CA", &self.ca_file);
        command
    }
}

/// Queues on `kiosk` a contact change of the demo participant under `visit`'s grant (which
/// may be another kiosk's).
fn queue_contact_change(kiosk: &KioskCore, visit: &komek_kiosk_core::core::Visit) -> uuid::Uuid {
    let change = Action::ContactChange(ContactChange {
        phone: None,
        phone_proof: None,
        email: Some("enrolment.e2e@example.kz".into()),
    });
    kiosk
        .core
        .queue_action(
            &Iin::parse(IIN).unwrap(),
            &Core::grant_of(visit),
            change,
            chrono::Utc::now(),
        )
        .unwrap()
}

#[test]
fn an_operators_code_enrols_the_production_kiosk_over_tls_once() {
    let rig = rig();
    let data = rig.dir.path().join("kiosk");
    let stdout = |out: std::process::Output| {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let before = stdout(
        rig.production_kiosk(&data)
            .arg("--diagnose")
            .output()
            .unwrap(),
    );
    assert!(before.contains("not enrolled"), "{before}");

    let code = rig.issue_code("KZ-35-KRG-014");
    let enrolled = stdout(
        rig.production_kiosk(&data)
            .args(["--enrol", &code])
            .output()
            .unwrap(),
    );
    assert!(
        enrolled.contains("enrolled as KZ-35-KRG-014 at ЦОН Караганды (KZ-35)"),
        "{enrolled}"
    );

    // The technician's report and the operator's list name the same key.
    let report = stdout(
        rig.production_kiosk(&data)
            .arg("--diagnose")
            .output()
            .unwrap(),
    );
    assert!(report.contains("enrolled as KZ-35-KRG-014"), "{report}");
    let devices = rig.devices();
    assert_eq!(devices.len(), 1);
    assert!(
        report.contains(&format!("device identity: {}", devices[0].fingerprint)),
        "{report}"
    );

    // The code is spent: another kiosk cannot use it.
    let again = rig
        .production_kiosk(&rig.dir.path().join("another"))
        .args(["--enrol", &code])
        .output()
        .unwrap();
    assert!(!again.status.success());
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(stderr.contains("refused the enrolment"), "{stderr}");
}

#[test]
fn a_revoked_kiosk_keeps_its_queue_and_delivers_it_once_when_enrolled_again() {
    let rig = rig();
    let kiosk = KioskCore::unenrolled(
        rig.gateway.url(),
        Some(rig.ca.certificate_pem()),
        &rig.dir.path().join("kiosk"),
    )
    .unwrap();
    let code = rig.issue_code("kiosk-hall-2");
    let enrolment = kiosk.runtime.block_on(kiosk.core.enrol(&code)).unwrap();
    assert_eq!(enrolment.kiosk_id, "kiosk-hall-2");

    let visit = kiosk.log_in(IIN).unwrap();
    let id = queue_contact_change(&kiosk, &visit);
    rig.revoke("kiosk-hall-2");
    kiosk.start_worker();

    // Refused as a kiosk, the action waits: tried, never set aside, applied nowhere.
    assert!(wait_until(Duration::from_secs(20), || {
        kiosk.core.action(id).is_some_and(|a| a.attempts >= 2)
    }));
    let waiting = kiosk.core.action(id).unwrap();
    assert_eq!(waiting.state, ActionState::Pending);
    let gateway_db = rig.dir.path().join("gateway.db");
    assert!(applied_contact_changes(&gateway_db).unwrap().is_empty());

    let code = rig.issue_code("kiosk-hall-2");
    kiosk.runtime.block_on(kiosk.core.enrol(&code)).unwrap();
    assert!(wait_until(Duration::from_secs(20), || {
        kiosk
            .core
            .action(id)
            .is_some_and(|a| a.state == ActionState::Delivered)
    }));
    assert_eq!(
        applied_contact_changes(&gateway_db).unwrap(),
        [id.to_string()]
    );
    let steps: Vec<String> = rig
        .audit_steps()
        .iter()
        // Operators by role here, whatever name the harness gave them.
        .map(|(actor, action)| {
            let actor = if actor.starts_with("operator:") {
                "operator"
            } else {
                actor
            };
            format!("{actor}: {action}")
        })
        .collect();
    assert_eq!(
        steps,
        [
            "administrator: operator added",
            "operator: logged in",
            "operator: enrolment code issued",
            "kiosk:kiosk-hall-2: enrolled",
            "operator: revoked",
            "operator: enrolment code issued",
            "kiosk:kiosk-hall-2: enrolled",
        ]
    );
}

#[test]
fn a_grant_taken_to_another_kiosk_is_refused_there_and_applied_nowhere() {
    let rig = rig();
    let ca = Some(rig.ca.certificate_pem());
    let first =
        KioskCore::trusting(rig.gateway.url(), ca.clone(), &rig.dir.path().join("a")).unwrap();
    let second = KioskCore::trusting(rig.gateway.url(), ca, &rig.dir.path().join("b")).unwrap();
    let visit = first.log_in(IIN).unwrap();
    let id = queue_contact_change(&second, &visit);
    second.start_worker();
    assert!(wait_until(Duration::from_secs(20), || {
        second
            .core
            .action(id)
            .is_some_and(|a| a.state == ActionState::Parked)
    }));
    assert!(
        applied_contact_changes(&rig.dir.path().join("gateway.db"))
            .unwrap()
            .is_empty()
    );
}
