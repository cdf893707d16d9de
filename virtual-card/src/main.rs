//! `komek-virtual-card`: puts a virtual Komek ID card into vpcd's reader, for technicians and
//! demos, until SIGTERM, SIGINT or the end of standard input, then pulls it out.
//!
//! vpcd listens only inside the network namespace of `scripts/pcscd-netns`, so run it there:
//! `nsenter --net=/proc/$(cat /run/komek-pcscd/pid)/ns/net komek-virtual-card --port 35963`.

use std::fs::{self, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread;

use anyhow::{Context, Result};
use chrono::{Duration, Utc};
use clap::{Parser, ValueEnum};
use komek_virtual_card::vpcd::{DEFAULT_PORT, InsertedCard};
use komek_virtual_card::{Authority, KeyKind};
use nix::sys::signal::{SigSet, Signal};
use x509_cert::der::Encode;

const ROOT_CERTIFICATE: &str = "root.pem";
const ROOT_KEY: &str = "root-key.pk8";

#[derive(Parser)]
#[command(
    about = "Puts a virtual Komek ID card into vpcd's reader until SIGTERM, SIGINT or stdin's end"
)]
struct Options {
    /// vpcd's host (inside pcscd's network namespace).
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// vpcd's port: 35963 for the first reader, 35964 for the second.
    #[arg(long, default_value_t = DEFAULT_PORT)]
    port: u16,
    /// The holder's IIN, in both certificates.
    #[arg(long, default_value = "810314304128")]
    iin: String,
    #[arg(long, default_value = "1234")]
    pin: String,
    #[arg(long, value_enum, default_value_t = Key::P256)]
    key: Key,
    /// Keeps the root here (root.pem, root-key.pk8); made when missing. Without it the root is
    /// new each run and its certificate goes nowhere.
    #[arg(long)]
    authority: Option<PathBuf>,
    /// Issues certificates that expired yesterday.
    #[arg(long)]
    expired: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Key {
    P256,
    Rsa,
}

fn main() -> Result<()> {
    let options = Options::parse();
    // Before any thread starts, so every thread leaves these signals to the waiting one.
    let mut stop_signals = SigSet::empty();
    stop_signals.add(Signal::SIGINT);
    stop_signals.add(Signal::SIGTERM);
    stop_signals
        .thread_block()
        .context("blocking SIGINT and SIGTERM")?;

    let authority = match &options.authority {
        Some(dir) => kept_authority(dir)?,
        None => Authority::new("Komek virtual card root")?,
    };
    let kind = match options.key {
        Key::P256 => KeyKind::P256,
        Key::Rsa => KeyKind::Rsa2048,
    };
    let now = Utc::now();
    let (not_before, not_after) = if options.expired {
        (now - Duration::days(730), now - Duration::days(1))
    } else {
        (now - Duration::days(1), now + Duration::days(365))
    };
    let identity = authority.issue_card(&options.iin, kind, not_before, not_after)?;
    let address = (options.host.as_str(), options.port);
    let card = InsertedCard::insert(
        address,
        identity.applet(&options.pin),
        &komek_card::komek::ATR,
    )
    .with_context(|| format!("connecting to vpcd at {}:{}", options.host, options.port))?;
    println!(
        "card for IIN {} in vpcd at {}:{}; SIGTERM, Ctrl-C or end of input removes it",
        options.iin, options.host, options.port
    );

    let (stop, stopped) = mpsc::channel::<&'static str>();
    let on_signal = stop.clone();
    thread::spawn(move || {
        let why = match stop_signals.wait() {
            Ok(Signal::SIGTERM) => "SIGTERM",
            Ok(_) => "SIGINT",
            Err(_) => "a failed wait for signals",
        };
        let _ = on_signal.send(why);
    });
    thread::spawn(move || {
        // Reads to the end; what is typed does not matter.
        let _ = io::stdin().lock().read_to_end(&mut Vec::new());
        let _ = stop.send("end of input");
    });
    let why = stopped.recv().unwrap_or("the waiting threads ended");
    card.remove().context("removing the card")?;
    println!("card removed ({why})");
    Ok(())
}

/// The root kept in `dir`, or a new one written there.
fn kept_authority(dir: &Path) -> Result<Authority> {
    let certificate_path = dir.join(ROOT_CERTIFICATE);
    let key_path = dir.join(ROOT_KEY);
    if certificate_path.exists() && key_path.exists() {
        let pem = fs::read_to_string(&certificate_path)
            .with_context(|| format!("reading {}", certificate_path.display()))?;
        let root = x509_cert::Certificate::load_pem_chain(pem.as_bytes())
            .with_context(|| format!("{} is not a PEM certificate", certificate_path.display()))?;
        let root = root
            .into_iter()
            .next()
            .with_context(|| format!("{} holds no certificate", certificate_path.display()))?;
        let key = fs::read(&key_path).with_context(|| format!("reading {}", key_path.display()))?;
        let authority = Authority::from_parts(root.to_der()?, &key)?;
        println!("root certificate: {}", certificate_path.display());
        return Ok(authority);
    }
    let authority = Authority::new("Komek virtual card root")?;
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    // The key first and readable by its owner only: a root certificate without its key is
    // useless, a key without its certificate is made again next time.
    let key = authority.key_pkcs8_der()?;
    OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&key_path)
        .and_then(|mut file| file.write_all(&key))
        .with_context(|| format!("writing {}", key_path.display()))?;
    fs::write(&certificate_path, authority.root_pem())
        .with_context(|| format!("writing {}", certificate_path.display()))?;
    println!(
        "new root certificate (give it to the gateway's --card-roots): {}",
        certificate_path.display()
    );
    Ok(authority)
}
