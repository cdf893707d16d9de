#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Speech on real parts: a private speech-dispatcher with the espeak-ng module, writing its
//! audio through ALSA's `file` plugin (no sound card needed), and a daemon that accepts a
//! connection and never answers, as speech-dispatcher does when it has no audio device.

use std::os::unix::net::UnixListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output};
use std::time::{Duration, Instant};

use komek_e2e::{wait_until, workspace_binary};

/// A HOME whose ALSA default device writes what is played to `audio.raw`.
fn capturing_home(dir: &Path) -> PathBuf {
    let home = dir.join("home");
    std::fs::create_dir_all(&home).unwrap();
    let capture = dir.join("audio.raw");
    std::fs::write(
        home.join(".asoundrc"),
        format!(
            "pcm.!default {{\n  type file\n  slave.pcm \"null\"\n  file \"{}\"\n  format \"raw\"\n}}\n",
            capture.display()
        ),
    )
    .unwrap();
    home
}

struct Daemon {
    child: Child,
    socket: PathBuf,
}

impl Daemon {
    fn start(dir: &Path, home: &Path) -> Daemon {
        let conf = dir.join("speechd");
        std::fs::create_dir_all(conf.join("modules")).unwrap();
        std::fs::write(
            conf.join("speechd.conf"),
            "AudioOutputMethod \"alsa\"\nAudioALSADevice \"default\"\n\
             AddModule \"espeak-ng\" \"sd_espeak-ng\" \"espeak-ng.conf\"\n\
             DefaultModule espeak-ng\nDefaultLanguage \"en\"\n",
        )
        .unwrap();
        std::fs::copy(
            "/etc/speech-dispatcher/modules/espeak-ng.conf",
            conf.join("modules/espeak-ng.conf"),
        )
        .expect("speech-dispatcher-espeak-ng is installed (scripts/setup-debian)");
        let socket = dir.join("speechd.sock");
        let child = Command::new("speech-dispatcher")
            .args(["--run-single", "--timeout", "0"])
            .arg("--config-dir")
            .arg(&conf)
            .arg("--socket-path")
            .arg(&socket)
            .arg("--pid-file")
            .arg(dir.join("speechd.pid"))
            .arg("--log-dir")
            .arg(dir)
            .env("HOME", home)
            .spawn()
            .expect("speech-dispatcher is installed (scripts/setup-debian)");
        assert!(
            wait_until(Duration::from_secs(10), || socket.exists()),
            "speech-dispatcher made no socket"
        );
        Daemon { child, socket }
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        // The output module is the daemon's child; it goes when its pipe closes, or here.
        let _ = Command::new("pkill")
            .args(["-f", &format!("sd_espeak-ng.*{}", self.socket.display())])
            .status();
    }
}

fn kiosk(dir: &Path, home: &Path, socket: &Path) -> Command {
    let mut command = Command::new(workspace_binary("komek-kiosk").unwrap());
    command
        .arg("--data-dir")
        .arg(dir.join("kiosk"))
        .arg("--headphones")
        .arg("never")
        .env("HOME", home)
        .env(
            "SPEECHD_ADDRESS",
            format!("unix_socket:{}", socket.display()),
        )
        .env("RUST_LOG", "warn");
    command
}

fn speech_check(dir: &Path, home: &Path, socket: &Path, lang: &str, watchdog: u64) -> Output {
    kiosk(dir, home, socket)
        .args(["--speech-check", lang])
        .args(["--speech-watchdog-secs", &watchdog.to_string()])
        .output()
        .unwrap()
}

fn captured(dir: &Path) -> u64 {
    std::fs::metadata(dir.join("audio.raw")).map_or(0, |m| m.len())
}

#[test]
fn a_real_speech_dispatcher_speaks_the_welcome_screen_in_each_language() {
    let dir = tempfile::tempdir().unwrap();
    let home = capturing_home(dir.path());
    let daemon = Daemon::start(dir.path(), &home);
    for lang in ["kk", "ru", "en"] {
        let before = captured(dir.path());
        // A generous watchdog: this test is about a working daemon speaking, on a machine that
        // may be busy (the wedge has its own test).
        let out = speech_check(dir.path(), &home, &daemon.socket, lang, 10);
        let report = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{lang}: {report}");
        assert!(
            report.contains("spoke with: speech-dispatcher"),
            "{lang}: {report}"
        );
        assert!(report.contains("speech-dispatcher: ok"), "{lang}: {report}");
        // ALSA's file plugin may rewrite the file per stream: what counts is that audio came.
        assert!(
            wait_until(Duration::from_secs(5), || captured(dir.path()) != before
                && captured(dir.path()) > 10_000),
            "{lang}: no audio reached the device"
        );
    }
}

#[test]
fn a_wedged_daemon_is_caught_within_the_watchdog_and_espeak_ng_speaks_instead() {
    let dir = tempfile::tempdir().unwrap();
    let home = capturing_home(dir.path());
    // Accepts every connection and never answers: libspeechd waits forever in its connect.
    let socket = dir.path().join("wedged.sock");
    let listener = UnixListener::bind(&socket).unwrap();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    let watchdog = 2;
    let started = Instant::now();
    let out = speech_check(dir.path(), &home, &socket, "ru", watchdog);
    let took = started.elapsed();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{report}");
    assert!(report.contains("spoke with: espeak-ng"), "{report}");
    assert!(
        report.contains("speech-dispatcher: wedged"),
        "the technician is told: {report}"
    );
    let took_over: f32 = report
        .lines()
        .find_map(|l| l.strip_prefix("espeak-ng took over after "))
        .and_then(|l| l.trim_end_matches(" s").parse().ok())
        .expect("the report says when the fallback took over");
    // This daemon wedges in the connect, which is allowed twice the watchdog (a cold daemon
    // starts its output module and lists its voices first).
    let limit = 2.0 * watchdog as f32;
    assert!(
        took_over >= limit && took_over < limit + 1.0,
        "the wedge was caught after {took_over} s, watchdog {watchdog} s"
    );
    assert!(took < Duration::from_secs(60), "{took:?}");

    let diagnose = kiosk(dir.path(), &home, &socket)
        .arg("--diagnose")
        .output()
        .unwrap();
    let diagnosis = String::from_utf8_lossy(&diagnose.stdout);
    assert!(
        diagnosis.contains("speech-dispatcher: wedged") && diagnosis.contains("wedged 1 times"),
        "{diagnosis}"
    );
    assert!(diagnosis.contains("sign-language clips:"), "{diagnosis}");
}
