//! Field technicians against the real gateway binary: put on the list by a fleet operator for
//! their regions, they open technician mode on a kiosk of those regions with a TOTP code (each
//! once; the card is in `card.rs`), their steps are in the audit log under their id and the
//! kiosk's, and revoking them ends their session at once.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use komek_api::{
    ErrorCode, TechnicianCodeLogin, TechnicianEnrolment, TechnicianSecret, TechnicianSession,
    TechnicianStep,
};
use reqwest::StatusCode;
use totp_rs::{Algorithm, Secret, TOTP};

async fn add_technician(gw: &Gateway, fleet: &str, id: &str, regions: &[&str]) -> TOTP {
    let secret: TechnicianSecret = reqwest::Client::new()
        .post(format!("{}/v1/operator/technicians", gw.url))
        .bearer_auth(fleet)
        .json(&TechnicianEnrolment {
            technician_id: id.into(),
            iin: TECHNICIAN_IIN.into(),
            regions: regions.iter().map(|r| r.to_string()).collect(),
        })
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let bytes = Secret::Encoded(secret.totp_secret).to_bytes().unwrap();
    TOTP::new(Algorithm::SHA1, 6, 1, 30, bytes).unwrap()
}

/// The IIN every technician of these tests is listed with (one per gateway).
const TECHNICIAN_IIN: &str = "000101500007";

async fn code_login(http: &Kiosk, gw: &Gateway, iin: &str, code: &str) -> reqwest::Response {
    http.post(format!("{}/v1/technician/login/code", gw.url))
        .json(&TechnicianCodeLogin {
            iin: iin.into(),
            code: code.into(),
        })
        .send()
        .await
        .unwrap()
}

async fn record_step(http: &Kiosk, gw: &Gateway, token: &str, action: &str) -> StatusCode {
    http.post(format!("{}/v1/technician/audit", gw.url))
        .bearer_auth(token)
        .json(&TechnicianStep {
            action: action.into(),
            detail: "KR-7F3A".into(),
            ends_session: action == "technician mode closed",
        })
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_technician_opens_a_kiosk_of_their_region_once_per_code_and_every_step_is_audited() {
    let gw = start();
    let fleet = operator_session(&gw, "fleet").await;
    let kiosk = Kiosk::enrolled_as(&gw, "kiosk-krg-1").await;
    let totp = add_technician(&gw, &fleet, "tech-krg-07", &["KZ-35"]).await;
    let code = totp.generate_current().unwrap();

    // An IIN on no list is refused and not written down: it may be a participant's.
    let unlisted = code_login(&kiosk, &gw, "810314304128", &code).await;
    assert_eq!(unlisted.status(), StatusCode::FORBIDDEN);
    let wrong = code_login(&kiosk, &gw, TECHNICIAN_IIN, "000000").await;
    assert_eq!(
        code_of(wrong, StatusCode::FORBIDDEN).await,
        ErrorCode::NotPermitted
    );
    let opened = code_login(&kiosk, &gw, TECHNICIAN_IIN, &code).await;
    assert_eq!(opened.status(), StatusCode::OK);
    let session: TechnicianSession = opened.json().await.unwrap();
    let replayed = code_login(&kiosk, &gw, TECHNICIAN_IIN, &code).await;
    assert_eq!(replayed.status(), StatusCode::FORBIDDEN);

    assert_eq!(
        record_step(&kiosk, &gw, &session.token, "parked action retried").await,
        StatusCode::NO_CONTENT
    );
    // The session is this kiosk's: another kiosk cannot write with it.
    let other = Kiosk::enrolled_as(&gw, "kiosk-krg-2").await;
    assert_eq!(
        record_step(&other, &gw, &session.token, "forged").await,
        StatusCode::UNAUTHORIZED
    );

    // A lost card: the operator revokes the technician, and the session ends at once.
    let revoked = reqwest::Client::new()
        .post(format!(
            "{}/v1/operator/technicians/tech-krg-07/revoke",
            gw.url
        ))
        .bearer_auth(&fleet)
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        record_step(&kiosk, &gw, &session.token, "after revocation").await,
        StatusCode::UNAUTHORIZED
    );

    let rows: Vec<(String, String, Option<String>)> = gw
        .read_db()
        .prepare(
            "SELECT actor, action, kiosk_id FROM audit_log
             WHERE actor LIKE 'technician:%' ORDER BY seq",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let kiosk_id = Some("kiosk-krg-1".to_string());
    let who = "technician:tech-krg-07".to_string();
    assert_eq!(
        rows,
        [
            (
                who.clone(),
                "technician login refused".into(),
                kiosk_id.clone()
            ),
            (
                who.clone(),
                "technician mode opened".into(),
                kiosk_id.clone()
            ),
            (
                who.clone(),
                "technician login refused".into(),
                kiosk_id.clone()
            ),
            (who, "parked action retried".into(), kiosk_id),
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_technician_of_another_region_is_refused() {
    let gw = start();
    let fleet = operator_session(&gw, "fleet").await;
    // The tests' kiosks stand in KZ-35 (Karaganda); this technician serves Almaty.
    let kiosk = Kiosk::enrolled(&gw).await;
    let totp = add_technician(&gw, &fleet, "tech-ala-02", &["KZ-75"]).await;
    let code = totp.generate_current().unwrap();
    let refused = code_login(&kiosk, &gw, TECHNICIAN_IIN, &code).await;
    assert_eq!(
        code_of(refused, StatusCode::FORBIDDEN).await,
        ErrorCode::NotPermitted
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_wrong_codes_lock_a_technicians_code_login_with_the_same_answer() {
    let gw = start();
    let fleet = operator_session(&gw, "fleet").await;
    let kiosk = Kiosk::enrolled(&gw).await;
    let totp = add_technician(&gw, &fleet, "tech-krg-09", &["KZ-35"]).await;
    let wrong = if totp.generate_current().unwrap() == "000000" {
        "111111"
    } else {
        "000000"
    };
    for _ in 0..10 {
        let refused = code_login(&kiosk, &gw, TECHNICIAN_IIN, wrong).await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    }
    let right = totp.generate_current().unwrap();
    let locked = code_login(&kiosk, &gw, TECHNICIAN_IIN, &right).await;
    assert_eq!(
        code_of(locked, StatusCode::FORBIDDEN).await,
        ErrorCode::NotPermitted
    );
    let details: Vec<String> = gw
        .read_db()
        .prepare(
            "SELECT detail FROM audit_log WHERE actor = 'technician:tech-krg-09'
             AND action = 'technician login refused' ORDER BY seq",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(details.len(), 11);
    assert_eq!(details[9], "code, now locked");
    assert_eq!(details[10], "code, locked");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_the_mode_ends_its_session_at_the_gateway() {
    let gw = start();
    let fleet = operator_session(&gw, "fleet").await;
    let kiosk = Kiosk::enrolled(&gw).await;
    let totp = add_technician(&gw, &fleet, "tech-krg-11", &["KZ-35"]).await;
    let opened = code_login(
        &kiosk,
        &gw,
        TECHNICIAN_IIN,
        &totp.generate_current().unwrap(),
    )
    .await;
    let session: TechnicianSession = opened.json().await.unwrap();
    assert_eq!(
        record_step(&kiosk, &gw, &session.token, "technician mode closed").await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        record_step(&kiosk, &gw, &session.token, "after the end").await,
        StatusCode::UNAUTHORIZED
    );
}
