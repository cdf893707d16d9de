//! Operators as the tests play them: added with `komek-gateway add-operator` on the gateway's
//! own database, logged in with the password and the code their authenticator app would show.

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

use komek_api::{OperatorLogin, OperatorSession};
use totp_rs::{Algorithm, Secret, TOTP};

use super::Gateway;

pub const OPERATOR_PASSWORD: &str = "a long operator passphrase";

/// An operator added with `roles` (comma-separated wire names); their TOTP secret.
pub fn add_operator(gw: &Gateway, username: &str, roles: &str) -> TOTP {
    let mut child = Command::new(env!("CARGO_BIN_EXE_komek-gateway"))
        .arg("--db")
        .arg(gw.db_path())
        .args(["add-operator", "--username", username, "--roles", roles])
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{OPERATOR_PASSWORD}").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "add-operator failed");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let secret = stdout
        .lines()
        .find_map(|l| l.strip_prefix("TOTP secret: "))
        .expect("the secret is printed");
    let bytes = Secret::Encoded(secret.to_string()).to_bytes().unwrap();
    TOTP::new(Algorithm::SHA1, 6, 1, 30, bytes).unwrap()
}

/// `POST /v1/operator/login` with `password` and `code`.
pub async fn operator_login(
    gw: &Gateway,
    username: &str,
    password: &str,
    code: &str,
) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{}/v1/operator/login", gw.url))
        .json(&OperatorLogin {
            username: username.into(),
            password: password.into(),
            code: code.into(),
        })
        .send()
        .await
        .unwrap()
}

/// A session of a new operator with `roles`: its bearer token.
pub async fn operator_session(gw: &Gateway, roles: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(1);
    let username = format!("operator-{}", NEXT.fetch_add(1, Ordering::Relaxed));
    let totp = add_operator(gw, &username, roles);
    let code = totp.generate_current().unwrap();
    let response = operator_login(gw, &username, OPERATOR_PASSWORD, &code).await;
    assert!(response.status().is_success(), "{}", response.status());
    response.json::<OperatorSession>().await.unwrap().token
}
