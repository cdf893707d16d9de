//! Operators with their own credentials, against the real gateway binary: added on the
//! gateway's machine, logged in with password and a TOTP code (each code once), allowed what
//! their roles say, locked after ten failed logins, and every step in the audit log.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use komek_api::{ErrorCode, OperatorRole, OperatorSession};
use reqwest::StatusCode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_logs_in_with_password_and_a_code_that_works_once() {
    let gw = start();
    let totp = add_operator(&gw, "aigerim.s", "contact_centre,fleet");
    let code = totp.generate_current().unwrap();

    let wrong_password = operator_login(&gw, "aigerim.s", "not the passphrase", &code).await;
    assert_eq!(
        code_of(wrong_password, StatusCode::UNAUTHORIZED).await,
        ErrorCode::Unauthorized
    );
    let wrong_code = operator_login(&gw, "aigerim.s", OPERATOR_PASSWORD, "000000").await;
    assert_eq!(wrong_code.status(), StatusCode::UNAUTHORIZED);
    let nobody = operator_login(&gw, "nobody", OPERATOR_PASSWORD, &code).await;
    assert_eq!(nobody.status(), StatusCode::UNAUTHORIZED);

    let session: OperatorSession = operator_login(&gw, "aigerim.s", OPERATOR_PASSWORD, &code)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        session.roles,
        [OperatorRole::ContactCentre, OperatorRole::Fleet]
    );
    // The same code again (someone who saw it over the shoulder) is refused.
    let replayed = operator_login(&gw, "aigerim.s", OPERATOR_PASSWORD, &code).await;
    assert_eq!(replayed.status(), StatusCode::UNAUTHORIZED);

    // The session works for what the roles allow, and not for the rest.
    let devices = reqwest::Client::new()
        .get(format!("{}/v1/operator/devices", gw.url))
        .bearer_auth(&session.token)
        .send()
        .await
        .unwrap();
    assert_eq!(devices.status(), StatusCode::OK);
    let reopen = reqwest::Client::new()
        .post(format!("{}/v1/operator/activities/ipr-0001/reopen", gw.url))
        .bearer_auth(&session.token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        code_of(reopen, StatusCode::FORBIDDEN).await,
        ErrorCode::NotPermitted
    );

    let steps: Vec<(String, String)> = gw
        .read_db()
        .prepare("SELECT actor, action FROM audit_log ORDER BY seq")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let steps: Vec<(&str, &str)> = steps
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    assert_eq!(
        steps,
        [
            ("administrator", "operator added"),
            ("operator:aigerim.s", "login refused"),
            ("operator:aigerim.s", "login refused"),
            ("operator:aigerim.s", "logged in"),
            ("operator:aigerim.s", "login refused"),
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_failed_logins_lock_the_account_even_against_the_right_password() {
    let gw = start();
    let totp = add_operator(&gw, "guess.target", "fleet");
    for _ in 0..10 {
        let guess = operator_login(&gw, "guess.target", "wrong guess 1234", "123456").await;
        assert_eq!(guess.status(), StatusCode::UNAUTHORIZED);
    }
    let code = totp.generate_current().unwrap();
    let locked = operator_login(&gw, "guess.target", OPERATOR_PASSWORD, &code).await;
    assert_eq!(
        code_of(locked, StatusCode::TOO_MANY_REQUESTS).await,
        ErrorCode::TooManyRequests
    );
}

#[test]
fn an_operator_is_added_only_with_a_long_password_a_known_role_and_a_new_name() {
    let gw = start();
    let add = |username: &str, roles: &str, password: &str| {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_komek-gateway"))
            .arg("--db")
            .arg(gw.db_path())
            .args(["add-operator", "--username", username, "--roles", roles])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
        let out = child.wait_with_output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, stderr) = add("short.pw", "fleet", "too short");
    assert!(!ok && stderr.contains("at least 12 characters"), "{stderr}");
    let (ok, stderr) = add("no.role", "janitor", OPERATOR_PASSWORD);
    assert!(!ok && stderr.contains("janitor is not a role"), "{stderr}");
    let (ok, _) = add("dana.k", "programme", OPERATOR_PASSWORD);
    assert!(ok);
    let (ok, stderr) = add("dana.k", "fleet", OPERATOR_PASSWORD);
    assert!(!ok && stderr.contains("exists already"), "{stderr}");
    // The password is kept only as an Argon2id hash.
    let hash: String = gw
        .read_db()
        .query_row(
            "SELECT password_hash FROM operators WHERE username = 'dana.k'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(hash.starts_with("$argon2id$") && !hash.contains(OPERATOR_PASSWORD));
}
