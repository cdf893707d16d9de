//! The gateway, as every kiosk and whatever pretends to be one reaches it: any request to any of
//! its routes, through the real router in-process, over a database with the demo data. A kiosk
//! is enrolled and a participant logged in on it once, so the fuzzer gets past authentication:
//! `$SESSION` and `$GRANT` in an input stand for that login's session token and grant, a
//! signature line `$SIGN` has the request signed as that kiosk, and `$OPERATOR` stands for the
//! session of an operator with every role.
//!
//! An input (see `fuzz/seeds/gateway_requests`) is
//!   route number, then lines: the path's parameter, `Authorization`, `Idempotency-Key`,
//!   `Acting-For`, `Content-Type` (an empty line: no such header), the signature (`$SIGN`, or
//!   `kiosk id|signed at|signature` sent as they are), then the body.
//! Revoking a kiosk is left out: it would revoke the one the run reaches the gateway through.
//! No answer may be a server failure (5xx other than 503, "not available here") or take down
//! the process.
#![no_main]

use std::sync::OnceLock;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use komek_api::{
    DEVICE_HEADER, OperatorRole, SIGNATURE_HEADER, SIGNED_AT_HEADER, signature_headers,
};
use komek_gateway::GatewayConfig;
use libfuzzer_sys::fuzz_target;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{DerSignature, SigningKey};
use p256::pkcs8::EncodePublicKey;
use totp_rs::{Algorithm, Secret, TOTP};
use tower::ServiceExt;

const ROUTES: &[(Method, &str)] = &[
    (Method::GET, "/healthz"),
    (Method::POST, "/v1/auth/otp"),
    (Method::POST, "/v1/auth/otp/verify"),
    (Method::POST, "/v1/auth/logout"),
    (Method::POST, "/v1/auth/card/challenge"),
    (Method::POST, "/v1/auth/card/verify"),
    (Method::POST, "/v1/auth/qr"),
    (Method::GET, "/v1/auth/qr/{}"),
    (Method::POST, "/v1/egov/qr/{}/approve"),
    (Method::GET, "/v1/me"),
    (Method::GET, "/v1/me/activities"),
    (Method::GET, "/v1/me/principals"),
    (Method::GET, "/v1/me/offers"),
    (Method::POST, "/v1/me/phone/otp"),
    (Method::POST, "/v1/me/phone/otp/verify"),
    (Method::POST, "/v1/me/application/sign/otp"),
    (Method::POST, "/v1/me/application/sign/otp/verify"),
    (Method::GET, "/v1/catalogue"),
    (Method::GET, "/v1/announcements"),
    (Method::POST, "/v1/actions"),
    (Method::GET, "/v1/me/failure-requests"),
    (Method::POST, "/v1/operator/tickets/{}/events"),
    (Method::POST, "/v1/operator/activities/{}/reopen"),
    (Method::POST, "/v1/devices/enrol"),
    (Method::POST, "/v1/operator/devices/enrolments"),
    (Method::GET, "/v1/operator/devices"),
    (Method::POST, "/v1/operator/login"),
    (Method::POST, "/v1/operator/technicians"),
    (Method::POST, "/v1/operator/technicians/{}/revoke"),
    (Method::POST, "/v1/technician/login/card"),
    (Method::POST, "/v1/technician/login/code"),
    (Method::POST, "/v1/technician/audit"),
];

/// The fuzzing kiosk's key: fixed, so a run is repeatable.
fn kiosk_key() -> SigningKey {
    SigningKey::from_slice(&[0x4b; 32]).expect("a fixed scalar is a key")
}

const KIOSK_ID: &str = "fuzz-kiosk";

/// Adds the signature headers of `key` (as `kiosk_id`, when given) over the request.
fn sign(
    builder: axum::http::request::Builder,
    method: &Method,
    path: &str,
    body: &[u8],
    kiosk_id: Option<&str>,
) -> axum::http::request::Builder {
    let headers = signature_headers(
        kiosk_id,
        method.as_str(),
        path,
        chrono::Utc::now().timestamp(),
        body,
        |message| {
            let signature: DerSignature = kiosk_key().sign(message);
            signature.as_bytes().to_vec()
        },
    );
    headers
        .into_iter()
        .fold(builder, |builder, (name, value)| builder.header(name, value))
}

struct Gateway {
    runtime: tokio::runtime::Runtime,
    router: axum::Router,
    session: String,
    grant: String,
    operator: String,
    _data: tempfile::TempDir,
}

fn gateway() -> &'static Gateway {
    static GATEWAY: OnceLock<Gateway> = OnceLock::new();
    GATEWAY.get_or_init(|| {
        let data = tempfile::tempdir().expect("a temporary folder");
        let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/demo");
        let config = GatewayConfig {
            db_path: data.path().join("gateway.db"),
            demo_data: Some(demo),
            dev_endpoints: true,
            grant_lifetime: chrono::Duration::hours(72),
            card_roots: vec![include_bytes!("../seeds/card_certificate/root.der").to_vec()],
            egov_token: Some("egov-token".into()),
            qr_lifetime: chrono::Duration::minutes(5),
        };
        let totp = add_operator(&config.db_path);
        let router = komek_gateway::build(config).expect("the gateway over the demo data");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        runtime.block_on(enrol(&router));
        let (session, grant) = runtime.block_on(log_in(&router));
        let operator = runtime.block_on(operator_login(&router, &totp));
        Gateway {
            runtime,
            router,
            session,
            grant,
            operator,
            _data: data,
        }
    })
}

/// A request of the setup, signed as the fuzzing kiosk.
async fn call(
    router: &axum::Router,
    method: Method,
    path: &str,
    body: String,
) -> serde_json::Value {
    let builder = Request::builder()
        .method(method.clone())
        .uri(path)
        .header("content-type", "application/json");
    let request = sign(builder, &method, path, body.as_bytes(), Some(KIOSK_ID))
        .body(Body::from(body))
        .expect("a request");
    let answer = router.clone().oneshot(request).await.expect("an answer");
    let bytes = axum::body::to_bytes(answer.into_body(), 1 << 20)
        .await
        .expect("a body");
    serde_json::from_slice(&bytes).expect("JSON")
}

const OPERATOR_PASSWORD: &str = "the fuzzing operator's passphrase";

/// An operator with every role in the database at `db`: their TOTP.
fn add_operator(db: &std::path::Path) -> TOTP {
    let db = komek_gateway::Db::open(db).expect("the gateway's database");
    let added = komek_gateway::operators::add_operator(
        &db,
        "fuzz",
        OPERATOR_PASSWORD,
        &[
            OperatorRole::ContactCentre,
            OperatorRole::Programme,
            OperatorRole::Fleet,
        ],
        chrono::Utc::now(),
    )
    .expect("an operator");
    let secret = Secret::Encoded(added.totp_secret_base32)
        .to_bytes()
        .expect("base32");
    TOTP::new(Algorithm::SHA1, 6, 1, 30, secret).expect("a TOTP")
}

/// The operator's session token.
async fn operator_login(router: &axum::Router, totp: &TOTP) -> String {
    let code = totp.generate_current().expect("the clock");
    let session = call(
        router,
        Method::POST,
        "/v1/operator/login",
        format!(r#"{{"username":"fuzz","password":"{OPERATOR_PASSWORD}","code":"{code}"}}"#),
    )
    .await;
    session["token"].as_str().expect("an operator session").to_owned()
}

/// Enrols the fuzzing kiosk with a code from the dev endpoint.
async fn enrol(router: &axum::Router) {
    let code = call(
        router,
        Method::POST,
        "/dev/enrolments",
        format!(r#"{{"kiosk_id":"{KIOSK_ID}","site":"fuzz","region":"KZ-35"}}"#),
    )
    .await;
    let code = code["code"].as_str().expect("an enrolment code");
    let public_key = kiosk_key()
        .verifying_key()
        .to_public_key_der()
        .expect("SPKI");
    let enrolled = call(
        router,
        Method::POST,
        "/v1/devices/enrol",
        format!(
            r#"{{"code":"{code}","public_key":"{}"}}"#,
            STANDARD.encode(public_key.as_bytes())
        ),
    )
    .await;
    assert_eq!(enrolled["kiosk_id"], KIOSK_ID, "{enrolled}");
}

/// A demo participant's login, through the one-time code the dev endpoint reads back.
async fn log_in(router: &axum::Router) -> (String, String) {
    let challenge = call(
        router,
        Method::POST,
        "/v1/auth/otp",
        r#"{"iin":"810314304128"}"#.into(),
    )
    .await;
    let id = challenge["challenge_id"].as_str().expect("a challenge");
    let code = call(
        router,
        Method::GET,
        &format!("/dev/otp/{id}"),
        String::new(),
    )
    .await;
    let code = code["code"].as_str().expect("the code");
    let login = call(
        router,
        Method::POST,
        "/v1/auth/otp/verify",
        format!(r#"{{"challenge_id":"{id}","code":"{code}"}}"#),
    )
    .await;
    let field = |name: &str| login[name].as_str().expect("a login").to_owned();
    (field("session_token"), field("grant"))
}

/// The next line of `data`, or all of it.
fn line<'a>(data: &mut &'a [u8]) -> &'a [u8] {
    let end = data.iter().position(|&b| b == b'\n').unwrap_or(data.len());
    let (line, rest) = data.split_at(end);
    *data = rest.get(1..).unwrap_or_default();
    line
}

fn request(gateway: &Gateway, mut data: &[u8]) -> Option<Request<Body>> {
    let (&route, rest) = data.split_first()?;
    data = rest;
    let (method, path) = &ROUTES[usize::from(route) % ROUTES.len()];
    let fill = |bytes: &[u8]| {
        String::from_utf8_lossy(bytes)
            .replace("$SESSION", &gateway.session)
            .replace("$GRANT", &gateway.grant)
            .replace("$OPERATOR", &gateway.operator)
    };
    let parameter = fill(line(&mut data));
    let uri = path.replace("{}", &parameter);
    let mut builder = Request::builder().method(method.clone()).uri(&uri);
    for name in [
        "authorization",
        "idempotency-key",
        "acting-for",
        "content-type",
    ] {
        let value = fill(line(&mut data));
        if !value.is_empty() {
            builder = builder.header(name, value);
        }
    }
    let signature = fill(line(&mut data));
    let body = fill(data);
    if signature == "$SIGN" {
        builder = sign(builder, method, &uri, body.as_bytes(), Some(KIOSK_ID));
    } else if !signature.is_empty() {
        let mut parts = signature.splitn(3, '|');
        for name in [DEVICE_HEADER, SIGNED_AT_HEADER, SIGNATURE_HEADER] {
            if let Some(value) = parts.next() {
                builder = builder.header(name, value);
            }
        }
    }
    // An invalid URI or header value is refused by the HTTP layer before the gateway sees it.
    builder.body(Body::from(body)).ok()
}

fuzz_target!(|data: &[u8]| {
    let gateway = gateway();
    let Some(request) = request(gateway, data) else {
        return;
    };
    let answer = gateway
        .runtime
        .block_on(gateway.router.clone().oneshot(request))
        .expect("the router always answers");
    let status = answer.status();
    assert!(
        !status.is_server_error() || status == StatusCode::SERVICE_UNAVAILABLE,
        "{status}"
    );
});
