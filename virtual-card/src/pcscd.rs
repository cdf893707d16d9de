//! A test fixture for any crate's tests: the real pcscd of `scripts/pcscd-netns`, in its own
//! network namespace, and virtual cards put into its vpcd readers from inside that namespace.
//! Needs root, pcscd and vsmartcard-vpcd (`scripts/setup-debian`). pcscd is one per machine, so
//! a [`Pcscd`] holds a process-wide lock: tests that take one run one at a time.
//!
//! It is a public module rather than a feature so `cargo test` runs the pcscd tests as they are;
//! the crate is for tests and demos only.

use std::fs::File;
use std::io;
use std::net::{Ipv4Addr, TcpStream};
use std::path::PathBuf;
use std::process::Command;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use komek_card::applet::Applet;
use nix::sched::{CloneFlags, setns};

use crate::vpcd::InsertedCard;

/// The reader names vpcd's two slots get and the ports their cards connect to.
pub const READERS: [(&str, u16); 2] = [("Virtual PCD 00 00", 35963), ("Virtual PCD 00 01", 35964)];

const PID_FILE: &str = "/run/komek-pcscd/pid";
/// vpcd listens as soon as pcscd answers, but give a slow machine time.
const CONNECT_WITHIN: Duration = Duration::from_secs(5);

static TURN: Mutex<()> = Mutex::new(());

/// The namespace's pcscd, held for one test at a time.
pub struct Pcscd {
    _turn: MutexGuard<'static, ()>,
    pid: Option<u32>,
}

impl Pcscd {
    /// Waits for the other pcscd tests of this process, then makes sure pcscd is running.
    pub fn shared() -> io::Result<Pcscd> {
        let turn = TURN.lock().unwrap_or_else(PoisonError::into_inner);
        let mut pcscd = Pcscd {
            _turn: turn,
            pid: running_pid(),
        };
        if pcscd.pid.is_none() {
            pcscd.start()?;
        }
        pcscd.wait_until_empty()?;
        Ok(pcscd)
    }

    /// Waits for the other pcscd tests, then makes sure pcscd is not running.
    pub fn stopped() -> io::Result<Pcscd> {
        let mut pcscd = Pcscd {
            _turn: TURN.lock().unwrap_or_else(PoisonError::into_inner),
            pid: running_pid(),
        };
        pcscd.stop()?;
        Ok(pcscd)
    }

    /// pcscd's pid (its network namespace is `/proc/PID/ns/net`); `None` while stopped.
    pub fn pid(&self) -> Option<u32> {
        self.pid
    }

    pub fn start(&mut self) -> io::Result<()> {
        script("start")?;
        self.pid = running_pid();
        match self.pid {
            Some(_) => Ok(()),
            None => Err(io::Error::other("scripts/pcscd-netns start left no pcscd")),
        }
    }

    /// Stops pcscd: the readers and the service go, as when pcscd dies or is stopped.
    pub fn stop(&mut self) -> io::Result<()> {
        script("stop")?;
        self.pid = None;
        Ok(())
    }

    /// Puts a Komek reference card running `applet` into the vpcd slot on `port`.
    pub fn insert(&self, port: u16, applet: Applet) -> io::Result<InsertedCard> {
        self.insert_with_atr(port, applet, &komek_card::komek::ATR)
    }

    pub fn insert_with_atr(
        &self,
        port: u16,
        applet: Applet,
        atr: &[u8],
    ) -> io::Result<InsertedCard> {
        let pid = self
            .pid
            .ok_or_else(|| io::Error::other("pcscd is stopped"))?;
        InsertedCard::over(connect_in_namespace(pid, port)?, applet, atr)
    }
}

impl Pcscd {
    /// Waits until pcscd shows no card: a card pulled out and another put in within one of
    /// pcscd's polls (400 ms) look to it like one card, so one test's card must be seen gone
    /// before the next test puts its own in.
    fn wait_until_empty(&self) -> io::Result<()> {
        let failed = |e: pcsc::Error| io::Error::other(format!("pcscd: {e}"));
        let context = pcsc::Context::establish(pcsc::Scope::User).map_err(failed)?;
        let mut states: Vec<pcsc::ReaderState> = READERS
            .iter()
            .filter_map(|(name, _)| std::ffi::CString::new(*name).ok())
            .map(|name| pcsc::ReaderState::new(name, pcsc::State::UNAWARE))
            .collect();
        let deadline = Instant::now() + CONNECT_WITHIN;
        loop {
            match context.get_status_change(Duration::from_millis(500), &mut states) {
                Ok(()) | Err(pcsc::Error::Timeout) => {}
                Err(e) => return Err(failed(e)),
            }
            let empty = states
                .iter()
                .all(|state| !state.event_state().contains(pcsc::State::PRESENT));
            if empty {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(io::Error::other("a card stays in a vpcd reader"));
            }
            states
                .iter_mut()
                .for_each(pcsc::ReaderState::sync_current_state);
        }
    }
}

/// The workspace's `scripts/pcscd-netns` with `command`.
fn script(command: &str) -> io::Result<()> {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "..", "scripts", "pcscd-netns"]
        .iter()
        .collect();
    let status = Command::new(&path).arg(command).status()?;
    if status.success() {
        Ok(())
    } else {
        Err(io::Error::other(format!(
            "{} {command}: {status}",
            path.display()
        )))
    }
}

/// The pid of the script's pcscd when it is running.
fn running_pid() -> Option<u32> {
    let pid: u32 = std::fs::read_to_string(PID_FILE)
        .ok()?
        .trim()
        .parse()
        .ok()?;
    let name = std::fs::read_to_string(format!("/proc/{pid}/comm")).ok()?;
    (name.trim() == "pcscd").then_some(pid)
}

/// Connects to 127.0.0.1:`port` of the network namespace of process `pid`, on a thread of its
/// own: a thread's namespace is its own, and a socket stays in the namespace it was made in.
fn connect_in_namespace(pid: u32, port: u16) -> io::Result<TcpStream> {
    let connecting = thread::Builder::new()
        .name("vpcd-connect".into())
        .spawn(move || {
            let namespace = File::open(format!("/proc/{pid}/ns/net"))?;
            setns(&namespace, CloneFlags::CLONE_NEWNET).map_err(io::Error::from)?;
            let deadline = Instant::now() + CONNECT_WITHIN;
            loop {
                match TcpStream::connect((Ipv4Addr::LOCALHOST, port)) {
                    Ok(stream) => return Ok(stream),
                    Err(e) if Instant::now() >= deadline => return Err(e),
                    Err(_) => thread::sleep(Duration::from_millis(50)),
                }
            }
        })?;
    connecting
        .join()
        .unwrap_or_else(|_| Err(io::Error::other("the connecting thread panicked")))
}
