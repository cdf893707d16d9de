//! `komek-gateway`: serves the kiosk API over HTTP.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::Parser;
use komek_gateway::GatewayConfig;

#[derive(Parser, Debug)]
#[command(
    version,
    about = "The Komek gateway: the kiosk's counterpart toward the portal"
)]
struct Cli {
    /// Address to listen on.
    #[arg(long, env = "KOMEK_GATEWAY_LISTEN", default_value = "127.0.0.1:8480")]
    listen: SocketAddr,
    /// The gateway's SQLite database file (created when missing).
    #[arg(long, env = "KOMEK_GATEWAY_DB", default_value = "komek-gateway.db")]
    db: PathBuf,
    /// Folder with demo data to load at start (e.g. assets/demo).
    #[arg(long, env = "KOMEK_GATEWAY_DEMO_DATA")]
    demo_data: Option<PathBuf>,
    /// Serve development endpoints (one-time codes in the clear). Never in production.
    #[arg(long, env = "KOMEK_GATEWAY_DEV_ENDPOINTS")]
    dev_endpoints: bool,
    /// How long after login a kiosk may still deliver a person's queued actions.
    #[arg(long, env = "KOMEK_GATEWAY_GRANT_LIFETIME_SECS", default_value_t = 72 * 3600)]
    grant_lifetime_secs: i64,
    /// A PEM file with the certificates of the CAs that issue national ID cards. Without it,
    /// card login and card-signed applications are refused.
    #[arg(long, env = "KOMEK_GATEWAY_CARD_ROOTS")]
    card_roots: Option<PathBuf>,
    /// The bearer token eGov Mobile's side presents to approve a QR login. Without it the
    /// approval endpoint refuses every request.
    #[arg(long, env = "KOMEK_GATEWAY_EGOV_TOKEN", hide_env_values = true)]
    egov_token: Option<String>,
    /// Serve HTTPS with this certificate chain (PEM: the gateway's certificate, then any
    /// intermediates). Kiosks refuse plain HTTP to any address but their own.
    #[arg(long, env = "KOMEK_GATEWAY_TLS_CERT", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The private key of `--tls-cert` (PEM).
    #[arg(long, env = "KOMEK_GATEWAY_TLS_KEY", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// How long a QR code for eGov Mobile may be approved.
    #[arg(long, env = "KOMEK_GATEWAY_QR_LIFETIME_SECS", default_value_t = 120)]
    qr_lifetime_secs: i64,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(clap::Subcommand, Debug)]
enum Command {
    /// Add an operator to the gateway's database (`--db`): reads the password from the first
    /// line of standard input, prints the TOTP secret for their authenticator app, and exits.
    AddOperator {
        #[arg(long)]
        username: String,
        /// Comma-separated: contact_centre, programme, fleet.
        #[arg(long, value_delimiter = ',', required = true)]
        roles: Vec<String>,
    },
}

/// `add-operator`: the password comes on standard input, never on the command line, where
/// other users of the machine could read it.
fn add_operator(db: &std::path::Path, username: &str, roles: &[String]) -> anyhow::Result<()> {
    let roles = roles
        .iter()
        .map(|r| {
            serde_json::from_value::<komek_api::OperatorRole>(serde_json::Value::String(
                r.trim().to_string(),
            ))
            .with_context(|| format!("{r} is not a role (contact_centre, programme, fleet)"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let mut password = String::new();
    std::io::stdin()
        .read_line(&mut password)
        .context("reading the password from standard input")?;
    let db = komek_gateway::Db::open(db).context("opening the gateway's database")?;
    let added = komek_gateway::operators::add_operator(
        &db,
        username,
        password.trim_end_matches(['\r', '\n']),
        &roles,
        chrono::Utc::now(),
    )?;
    println!("operator {username} added");
    println!("TOTP secret: {}", added.totp_secret_base32);
    println!("{}", added.otpauth_uri);
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let cli = Cli::parse();
    if let Some(Command::AddOperator { username, roles }) = &cli.command {
        return add_operator(&cli.db, username, roles);
    }
    let card_roots = match &cli.card_roots {
        Some(path) => {
            let pem = std::fs::read(path)
                .with_context(|| format!("reading the card roots {}", path.display()))?;
            komek_gateway::card::roots_from_pem(&pem)
                .with_context(|| format!("the card roots {}", path.display()))?
        }
        None => Vec::new(),
    };
    let config = GatewayConfig {
        db_path: cli.db,
        demo_data: cli.demo_data,
        dev_endpoints: cli.dev_endpoints,
        grant_lifetime: chrono::Duration::seconds(cli.grant_lifetime_secs),
        card_roots,
        egov_token: cli.egov_token,
        qr_lifetime: chrono::Duration::seconds(cli.qr_lifetime_secs),
    };
    let gateway = match (&cli.tls_cert, &cli.tls_key) {
        (Some(cert), Some(key)) => {
            let read = |path: &PathBuf| {
                std::fs::read(path).with_context(|| format!("reading {}", path.display()))
            };
            let tls = komek_gateway::tls::server_config(&read(cert)?, &read(key)?)
                .context("the gateway's TLS certificate")?;
            komek_gateway::spawn_tls(config, cli.listen, tls).await
        }
        _ => komek_gateway::spawn(config, cli.listen).await,
    }
    .context("starting the gateway")?;
    // Printed on stdout so a parent process (tests, scripts) can read the bound address.
    println!("listening on {}", gateway.url());
    shutdown_signal().await;
    gateway.shutdown().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}
