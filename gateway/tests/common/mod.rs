//! The harness the gateway's HTTP tests share: the real binary on a free loopback port with
//! the demo data, and the login every test needs.

// Each test file uses a part of this.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use komek_api::{
    Action, ActionSubmission, DevOtp, LoginSession, OtpChallenge, OtpRequest, OtpVerify,
};
use reqwest::StatusCode;

mod kiosk;
mod operator;
#[allow(unused_imports)]
pub use kiosk::{Kiosk, dev_enrolment_code, place};
#[allow(unused_imports)]
pub use operator::{OPERATOR_PASSWORD, add_operator, operator_login, operator_session};
use uuid::Uuid;

pub const IIN: &str = "810314304128";
pub const BLIND_PARTICIPANT: &str = "660505315307";
/// Айгерім, who represents her son `CHILD` and has a proactive offer for him.
pub const PARENT: &str = "910418413194";
pub const CHILD: &str = "170912500976";
/// Омарова, elderly, and `TRUSTEE`, her trustee.
pub const ELDERLY: &str = "440630402069";
pub const TRUSTEE: &str = "700723307232";

pub struct Gateway {
    child: Child,
    pub url: String,
    dir: tempfile::TempDir,
}

impl Gateway {
    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join("gateway.db")
    }

    /// A read-only look into the gateway's database, to check what it recorded.
    pub fn read_db(&self) -> rusqlite::Connection {
        rusqlite::Connection::open_with_flags(
            self.db_path(),
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .unwrap()
    }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn start() -> Gateway {
    start_with(&[])
}

pub fn start_with(extra: &[&str]) -> Gateway {
    let mut args = vec!["--dev-endpoints"];
    args.extend_from_slice(extra);
    start_without_dev_endpoints(&args)
}

/// The gateway as in production: no `/dev/*` unless `extra` asks for it.
pub fn start_without_dev_endpoints(extra: &[&str]) -> Gateway {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_komek-gateway"))
        .args(extra)
        .args(["--listen", "127.0.0.1:0", "--demo-data"])
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/demo"))
        .arg("--db")
        .arg(dir.path().join("gateway.db"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap()
        .to_string();
    Gateway { child, url, dir }
}

pub async fn request_code(http: &Kiosk, gw: &Gateway, iin: &str) -> reqwest::Response {
    let body = OtpRequest { iin: iin.into() };
    http.post(format!("{}/v1/auth/otp", gw.url))
        .json(&body)
        .send()
        .await
        .unwrap()
}

pub async fn verify(http: &Kiosk, gw: &Gateway, challenge: Uuid, code: &str) -> reqwest::Response {
    let body = OtpVerify {
        challenge_id: challenge,
        code: code.into(),
    };
    http.post(format!("{}/v1/auth/otp/verify", gw.url))
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// The code the demo "SMS" carried, from the development endpoint.
pub async fn dev_code(http: &Kiosk, gw: &Gateway, challenge: Uuid) -> String {
    let url = format!("{}/dev/otp/{challenge}", gw.url);
    let otp: DevOtp = http.get(url).send().await.unwrap().json().await.unwrap();
    otp.code
}

pub async fn login(http: &Kiosk, gw: &Gateway, iin: &str) -> LoginSession {
    let challenge: OtpChallenge = request_code(http, gw, iin).await.json().await.unwrap();
    let code = dev_code(http, gw, challenge.challenge_id).await;
    verify(http, gw, challenge.challenge_id, &code)
        .await
        .json()
        .await
        .unwrap()
}

pub async fn post_action(
    http: &Kiosk,
    url: &str,
    key: Uuid,
    body: &ActionSubmission,
) -> (StatusCode, String) {
    let response = http
        .post(format!("{url}/v1/actions"))
        .header(komek_api::IDEMPOTENCY_KEY_HEADER, key.to_string())
        .json(body)
        .send()
        .await
        .unwrap();
    (response.status(), response.text().await.unwrap())
}

/// The error of a refused answer, which must have `status`.
pub async fn error_of(response: reqwest::Response, status: StatusCode) -> komek_api::ApiError {
    assert_eq!(response.status(), status);
    response.json().await.unwrap()
}

/// The error code of a refused answer, which must have `status`.
pub async fn code_of(response: reqwest::Response, status: StatusCode) -> komek_api::ErrorCode {
    error_of(response, status).await.code
}

/// An action as the kiosk's outbox would deliver it, under the person's grant, for themselves.
pub fn submission(session: &LoginSession, action: Action) -> ActionSubmission {
    ActionSubmission {
        grant: session.grant.clone(),
        confirmed_at: chrono::Utc::now(),
        action,
        acting_for: None,
        assistant_present: false,
    }
}

/// `GET path` as the logged-in person, read as JSON.
pub async fn get_as<T: serde::de::DeserializeOwned>(
    http: &Kiosk,
    gw: &Gateway,
    session: &LoginSession,
    path: &str,
) -> T {
    http.get(format!("{}{path}", gw.url))
        .bearer_auth(&session.session_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// `POST path` with a JSON body as the logged-in person.
pub async fn post_as<B: serde::Serialize>(
    http: &Kiosk,
    gw: &Gateway,
    session: &LoginSession,
    path: &str,
    body: &B,
) -> reqwest::Response {
    http.post(format!("{}{path}", gw.url))
        .bearer_auth(&session.session_token)
        .json(body)
        .send()
        .await
        .unwrap()
}

/// `POST /v1/me/application/sign/otp` for `digest`.
pub async fn ask_signing_code(
    http: &Kiosk,
    gw: &Gateway,
    session: &LoginSession,
    digest: &str,
) -> reqwest::Response {
    let body = komek_api::SignOtpRequest {
        digest: digest.into(),
    };
    post_as(http, gw, session, "/v1/me/application/sign/otp", &body).await
}

/// `GET path` as the logged-in person acting for `principal` (the `Acting-For` header).
pub async fn get_for(
    http: &Kiosk,
    gw: &Gateway,
    session: &LoginSession,
    principal: &str,
    path: &str,
) -> reqwest::Response {
    http.get(format!("{}{path}", gw.url))
        .bearer_auth(&session.session_token)
        .header(komek_api::ACTING_FOR_HEADER, principal)
        .send()
        .await
        .unwrap()
}

/// `POST path` with a code typed for `challenge` (the verify endpoints).
pub async fn confirm_code(
    http: &Kiosk,
    gw: &Gateway,
    session: &LoginSession,
    path: &str,
    challenge: Uuid,
    code: &str,
) -> reqwest::Response {
    let body = komek_api::OtpVerify {
        challenge_id: challenge,
        code: code.into(),
    };
    post_as(http, gw, session, path, &body).await
}

/// `POST /v1/me/application/sign/otp/verify`.
pub async fn confirm_signing_code(
    http: &Kiosk,
    gw: &Gateway,
    session: &LoginSession,
    challenge: Uuid,
    code: &str,
) -> reqwest::Response {
    let path = "/v1/me/application/sign/otp/verify";
    confirm_code(http, gw, session, path, challenge, code).await
}

/// An unsigned order for the first of the person's activities that awaits a choice.
pub async fn open_order(
    http: &Kiosk,
    gw: &Gateway,
    session: &LoginSession,
) -> komek_api::SupplierChoice {
    let activities: Vec<komek_api::Activity> = get_as(http, gw, session, "/v1/me/activities").await;
    let activity = activities
        .iter()
        .find(|a| a.status == komek_api::ActivityStatus::AwaitingChoice)
        .unwrap();
    first_offer_for(http, gw, activity).await
}

/// An unsigned order for `activity` from the first supplier in the public catalogue that
/// offers an item matching it, at that supplier's price.
pub async fn first_offer_for(
    http: &Kiosk,
    gw: &Gateway,
    activity: &komek_api::Activity,
) -> komek_api::SupplierChoice {
    let catalogue: komek_api::Catalogue = http
        .get(format!("{}/v1/catalogue", gw.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (supplier, offer) = catalogue
        .suppliers
        .iter()
        .flat_map(|s| s.offers.iter().map(move |o| (s, o)))
        .find(|(_, o)| activity.matching_items.contains(&o.item_id))
        .unwrap();
    komek_api::SupplierChoice {
        activity_id: activity.id.clone(),
        item_id: offer.item_id.clone(),
        supplier_id: supplier.id.clone(),
        quantity: 1,
        unit_price_kzt: offer.price_kzt,
        guaranteed_amount_kzt: offer.price_kzt,
        signature: None,
    }
}

/// Signs `choice` as the logged-in person with the demo code.
pub async fn sign(
    http: &Kiosk,
    gw: &Gateway,
    session: &LoginSession,
    choice: &mut komek_api::SupplierChoice,
) {
    let challenge: OtpChallenge = ask_signing_code(http, gw, session, &choice.digest())
        .await
        .json()
        .await
        .unwrap();
    let code = dev_code(http, gw, challenge.challenge_id).await;
    let proof: komek_api::SignatureProof =
        confirm_signing_code(http, gw, session, challenge.challenge_id, &code)
            .await
            .json()
            .await
            .unwrap();
    assert_eq!(proof.digest, choice.digest());
    choice.signature = Some(komek_api::ApplicationSignature::OneTimeCode { proof: proof.proof });
}

/// The status the portal now gives the person's activity `id`.
pub async fn activity_status(
    http: &Kiosk,
    gw: &Gateway,
    session: &LoginSession,
    id: &str,
) -> komek_api::ActivityStatus {
    let activities: Vec<komek_api::Activity> = get_as(http, gw, session, "/v1/me/activities").await;
    activities
        .iter()
        .find(|a| a.id == id)
        .map(|a| a.status)
        .expect("the activity")
}
