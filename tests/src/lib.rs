//! Harness for end-to-end tests across processes: starts and stops the real `komek-gateway`
//! binary on a loopback port, with its own SQLite file and the demo data.

use std::io::{BufRead, BufReader};
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

pub mod kiosk;
pub mod operator;
pub mod proxy;
pub mod tls;

/// The `komek-gateway` binary built beside this test (cargo builds every workspace binary
/// before running the tests of a workspace).
pub fn gateway_binary() -> anyhow::Result<PathBuf> {
    workspace_binary("komek-gateway")
}

/// A binary of the workspace built beside this test (`komek-gateway`, `komek-kiosk`).
pub fn workspace_binary(name: &str) -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe()?;
    // target/<profile>/deps/<test> → target/<profile>/komek-gateway
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .context("test binary has no profile directory")?;
    let bin = profile_dir.join(name);
    if !bin.is_file() {
        bail!(
            "{} not found: build it first with `cargo build --workspace --bins` (the README's test command does)",
            bin.display()
        );
    }
    Ok(bin)
}

pub fn demo_data() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/demo"))
}

/// A free loopback port, for a gateway that must come back on the same address.
pub fn free_port() -> anyhow::Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    Ok(listener.local_addr()?.port())
}

/// A running `komek-gateway` process; killed when dropped.
pub struct GatewayProcess {
    child: Child,
    pub addr: SocketAddr,
    https: bool,
}

impl GatewayProcess {
    /// Starts the gateway on `127.0.0.1:port` with the demo data and development endpoints,
    /// and waits until it says it listens.
    pub fn start(db: &Path, port: u16) -> anyhow::Result<Self> {
        Self::start_with(db, port, &[])
    }

    /// The same, serving HTTPS with `tls`'s certificate and key.
    pub fn start_tls(db: &Path, port: u16, tls: &tls::ServerFiles) -> anyhow::Result<Self> {
        let (cert, key) = (tls.certificate.display(), tls.key.display());
        let (cert, key) = (cert.to_string(), key.to_string());
        let mut gateway = Self::start_with(
            db,
            port,
            &["--tls-cert", cert.as_str(), "--tls-key", key.as_str()],
        )?;
        gateway.https = true;
        Ok(gateway)
    }

    /// The same, with extra command-line flags.
    pub fn start_with(db: &Path, port: u16, extra: &[&str]) -> anyhow::Result<Self> {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let mut child = Command::new(gateway_binary()?)
            .args(extra)
            .arg("--listen")
            .arg(addr.to_string())
            .arg("--db")
            .arg(db)
            .arg("--demo-data")
            .arg(demo_data())
            .arg("--dev-endpoints")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("starting komek-gateway")?;
        let stdout = child.stdout.take().context("gateway stdout")?;
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if line.starts_with("listening on") {
                    let _ = tx.send(());
                }
            }
        });
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if rx.recv_timeout(Duration::from_millis(100)).is_ok() {
                return Ok(GatewayProcess {
                    child,
                    addr,
                    https: false,
                });
            }
            if let Some(status) = child.try_wait()? {
                bail!("komek-gateway exited before listening: {status}");
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                bail!("komek-gateway did not start listening within 20 s");
            }
        }
    }

    /// Its address: `http://127.0.0.1:PORT`, or with TLS `https://localhost:PORT` (the name
    /// its certificate is for).
    pub fn url(&self) -> String {
        if self.https {
            format!("https://localhost:{}", self.addr.port())
        } else {
            format!("http://{}", self.addr)
        }
    }

    /// Stops the process at once (as a crash or a power cut would).
    pub fn kill(mut self) -> anyhow::Result<()> {
        self.child.kill()?;
        self.child.wait()?;
        Ok(())
    }
}

impl Drop for GatewayProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The idempotency keys of the contact changes the gateway applied, read from its database.
pub fn applied_contact_changes(gateway_db: &Path) -> anyhow::Result<Vec<String>> {
    let conn = rusqlite::Connection::open_with_flags(
        gateway_db,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )?;
    let mut stmt = conn.prepare("SELECT idempotency_key FROM contact_changes")?;
    let keys = stmt
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(keys)
}

/// The kiosk built without the demo feature, which `scripts/test` builds on its own and names
/// in `KOMEK_PRODUCTION_KIOSK`.
pub fn production_kiosk() -> anyhow::Result<PathBuf> {
    let path = std::env::var_os("KOMEK_PRODUCTION_KIOSK")
        .map(PathBuf::from)
        .context(
            "KOMEK_PRODUCTION_KIOSK names the kiosk built without the demo feature; \
             scripts/test sets it",
        )?;
    anyhow::ensure!(path.is_file(), "{} is not there", path.display());
    Ok(path)
}

/// (id, state, attempts) of every row of a kiosk's outbox.
pub fn outbox_rows(data_dir: &Path) -> anyhow::Result<Vec<(String, String, i64)>> {
    let conn = rusqlite::Connection::open(data_dir.join("outbox.db"))?;
    let mut stmt = conn.prepare("SELECT id, state, attempts FROM outbox ORDER BY seq")?;
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Polls `done` every 50 ms for up to `limit`.
pub fn wait_until(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    done()
}

/// Enrols the kiosk whose data are in `data_dir` on the demo gateway at `gateway_url` (if it is
/// not yet), logs `iin` in on it and returns the grant, bound to that kiosk, that its queued
/// actions carry: for harnesses that queue from another process over the same data folder.
pub fn login_grant(gateway_url: &str, data_dir: &Path, iin: &str) -> anyhow::Result<String> {
    let kiosk = kiosk::KioskCore::without_worker(gateway_url.to_string(), data_dir)?;
    let visit = kiosk.log_in(iin)?;
    Ok(komek_kiosk_core::core::Core::grant_of(&visit))
}

/// A small deterministic generator for fault schedules: the seed is printed, so a failing run
/// can be repeated.
pub struct Dice(u64);

impl Dice {
    pub fn new(seed: u64) -> Self {
        Dice(seed.max(1))
    }

    pub fn from_clock() -> Self {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1);
        Self::new(seed)
    }

    pub fn seed(&self) -> u64 {
        self.0
    }

    /// A number in `0..n` (xorshift64*).
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n.max(1)
    }
}
