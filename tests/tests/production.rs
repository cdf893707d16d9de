//! The production kiosk (built without the `demo` feature) never serves made-up data: with no
//! gateway URL it shows "out of service" and listens on no port; it contains no demo gateway,
//! no development endpoint and no test PKI; without a display it says so and exits.
//!
//! `scripts/test` builds that binary on its own (`cargo build -p komek-kiosk`, so no other
//! package's features reach it) and names it in `KOMEK_PRODUCTION_KIOSK`.

// A test that cannot go on should stop loudly where it is.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

fn production_kiosk() -> PathBuf {
    komek_e2e::production_kiosk().unwrap()
}

fn kiosk(data_dir: &std::path::Path) -> Command {
    let mut command = Command::new(production_kiosk());
    command
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("KOMEK_GATEWAY_URL")
        .env("KOMEK_DATA_DIR", data_dir)
        .stdin(Stdio::null());
    command
}

#[test]
fn the_binary_holds_no_demo_gateway_no_development_endpoint_no_test_pki_and_no_pseudo_language() {
    let bytes = std::fs::read(production_kiosk()).unwrap();
    for marker in [
        "/dev/otp/",
        "/dev/qr/",
        "/dev/enrolments",
        "Komek demo root",
        "demo-gateway.db",
        "embedded demo gateway started",
        "Komek demo card",
        // Routes only the gateway serves: its router is not linked in.
        "/v1/operator/",
        // The test-only pseudo-language's catalogue ("Back" in it).
        "Bááçk",
    ] {
        let found = bytes.windows(marker.len()).any(|w| w == marker.as_bytes());
        assert!(!found, "the production kiosk contains {marker:?}");
    }
}

#[test]
fn without_a_display_it_says_so_and_exits() {
    let dir = tempfile::tempdir().unwrap();
    let out = kiosk(dir.path()).output().unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no display found"), "{stderr}");
}

#[test]
fn the_demo_and_the_tour_are_refused_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let out = kiosk(dir.path()).arg("--demo").output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("has no demo"));
    let tour = dir.path().join("tour");
    let out = kiosk(dir.path()).arg("--tour").arg(&tour).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no guided tour"));
    assert!(!tour.exists(), "nothing was rendered");
}

#[test]
fn diagnose_says_why_it_is_out_of_service() {
    let dir = tempfile::tempdir().unwrap();
    let out = kiosk(dir.path()).arg("--diagnose").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("out of service: no gateway URL is configured"),
        "{stdout}"
    );
}

#[test]
fn a_gateway_it_must_not_use_puts_it_out_of_service_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let diagnose = |args: &[&str]| {
        let out = kiosk(dir.path())
            .args(args)
            .arg("--diagnose")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .unwrap_or_default()
            .to_string()
    };
    // Nothing is sent to these addresses: the URL is refused before any connection.
    let plain = diagnose(&["--gateway-url", "http://gateway.example.kz:8480"]);
    assert!(
        plain.starts_with("out of service: the gateway URL must be https://"),
        "{plain}"
    );
    let no_ca = diagnose(&["--gateway-url", "https://gateway.example.kz"]);
    assert!(
        no_ca.starts_with("out of service: no CA is configured"),
        "{no_ca}"
    );
    let local = diagnose(&["--gateway-url", "http://127.0.0.1:8480"]);
    assert_eq!(local, "gateway: http://127.0.0.1:8480");
}

/// An X server of its own for the window (software rendering, no GPU).
struct Xvfb {
    child: Child,
    display: String,
}

impl Xvfb {
    fn start() -> Xvfb {
        use std::io::BufRead;
        // Xvfb picks a free display and writes its number to the given descriptor.
        let mut child = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1920x1080x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb (Debian's xvfb; scripts/setup-debian installs it)");
        let mut number = String::new();
        let stdout = child.stdout.take().expect("Xvfb's stdout");
        std::io::BufReader::new(stdout)
            .read_line(&mut number)
            .expect("Xvfb's display number");
        let display = format!(":{}", number.trim());
        assert!(display.len() > 1, "Xvfb did not start");
        Xvfb { child, display }
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The inodes of the sockets process `pid` holds open.
fn socket_inodes(pid: u32) -> HashSet<String> {
    let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
        return HashSet::new();
    };
    fds.flatten()
        .filter_map(|fd| std::fs::read_link(fd.path()).ok())
        .filter_map(|target| {
            let target = target.to_string_lossy().to_string();
            target
                .strip_prefix("socket:[")
                .and_then(|rest| rest.strip_suffix(']'))
                .map(str::to_string)
        })
        .collect()
}

/// The TCP ports process `pid` listens on (IPv4 and IPv6), from /proc.
fn listening_ports(pid: u32) -> Vec<String> {
    let mine = socket_inodes(pid);
    let mut ports = Vec::new();
    for table in ["tcp", "tcp6"] {
        let text = std::fs::read_to_string(format!("/proc/{pid}/net/{table}")).unwrap_or_default();
        for line in text.lines().skip(1) {
            let fields: Vec<&str> = line.split_whitespace().collect();
            // local_address, state (0A = LISTEN), inode
            if fields.len() > 9 && fields[3] == "0A" && mine.contains(fields[9]) {
                ports.push(fields[1].to_string());
            }
        }
    }
    ports
}

#[test]
fn with_no_gateway_url_the_window_opens_out_of_service_and_listens_on_no_port() {
    let x = Xvfb::start();
    let dir = tempfile::tempdir().unwrap();
    let mut child = kiosk(dir.path())
        .env("DISPLAY", &x.display)
        .env("SLINT_BACKEND", "winit-software")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Long enough for a demo gateway to have bound its port, were there one.
    std::thread::sleep(Duration::from_secs(4));
    let still_running = child.try_wait().unwrap().is_none();
    let ports = listening_ports(child.id());
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(still_running, "the kiosk exited: {stderr}");
    assert!(ports.is_empty(), "the kiosk listens on {ports:?}");
    assert!(stderr.contains("out of service"), "{stderr}");
    assert!(
        !dir.path().join("outbox.db").exists(),
        "no outbox is opened when nothing can be delivered"
    );
}
