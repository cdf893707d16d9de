//! An operator of the gateway under test: added with `komek-gateway add-operator` on its
//! database, logged in with the password and the code their authenticator app would show.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

use anyhow::Context;
use komek_api::{OperatorLogin, OperatorSession};
use totp_rs::{Algorithm, Secret, TOTP};

const PASSWORD: &str = "an operator passphrase for the tests";

/// A session, over `gateway_url` (trusting `ca` when given), of a new operator with `roles`
/// (comma-separated wire names) added to the gateway's database `db`: its bearer token.
pub fn operator_session(
    gateway_url: &str,
    db: &Path,
    roles: &str,
    ca: Option<&[u8]>,
) -> anyhow::Result<String> {
    static NEXT: AtomicU32 = AtomicU32::new(1);
    let username = format!("operator-{}", NEXT.fetch_add(1, Ordering::Relaxed));
    let mut child = Command::new(crate::gateway_binary()?)
        .arg("--db")
        .arg(db)
        .args(["add-operator", "--username", &username, "--roles", roles])
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .context("starting komek-gateway add-operator")?;
    writeln!(child.stdin.take().context("its stdin")?, "{PASSWORD}")?;
    let out = child.wait_with_output()?;
    anyhow::ensure!(out.status.success(), "add-operator failed");
    let stdout = String::from_utf8(out.stdout)?;
    let secret = stdout
        .lines()
        .find_map(|l| l.strip_prefix("TOTP secret: "))
        .context("the TOTP secret is printed")?;
    let bytes = Secret::Encoded(secret.to_string())
        .to_bytes()
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let code = TOTP::new(Algorithm::SHA1, 6, 1, 30, bytes)?.generate_current()?;
    let mut http = reqwest::Client::builder();
    if let Some(ca) = ca {
        http = http.tls_certs_only([reqwest::Certificate::from_pem(ca)?]);
    }
    let http = http.build()?;
    let login = OperatorLogin {
        username,
        password: PASSWORD.into(),
        code,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let session: OperatorSession = runtime.block_on(async {
        http.post(format!("{gateway_url}/v1/operator/login"))
            .json(&login)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await
    })?;
    Ok(session.token)
}
