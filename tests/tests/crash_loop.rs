//! The kiosk's queue process is killed (SIGKILL) at random moments while it enqueues and
//! delivers, and restarted, over and over. In the end every action it committed is on the
//! real gateway exactly once, and nothing else is. `KOMEK_CRASH_KILLS` sets the number of
//! kills (200 by default; 1000+ for a long run), `KOMEK_CRASH_SEED` repeats a schedule.

// A test that cannot go on should stop loudly where it is.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use komek_e2e::{
    Dice, GatewayProcess, applied_contact_changes, free_port, login_grant, outbox_rows,
};

const IIN: &str = "960822408713";

fn agent(data: &std::path::Path, url: &str, grant: &str, enqueue: u64) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_queue-agent"));
    cmd.arg("--data-dir")
        .arg(data)
        .args(["--gateway-url", url, "--iin", IIN, "--grant", grant])
        .args(["--enqueue", &enqueue.to_string()])
        .env("RUST_LOG", "off")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    cmd
}

#[test]
fn killed_at_random_moments_the_queue_still_delivers_every_action_exactly_once() {
    let kills: usize = std::env::var("KOMEK_CRASH_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let mut dice = match std::env::var("KOMEK_CRASH_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        Some(seed) => Dice::new(seed),
        None => Dice::from_clock(),
    };
    eprintln!("crash loop: {kills} kills, seed {}", dice.seed());

    let dir = tempfile::tempdir().unwrap();
    let gateway_db = dir.path().join("gateway.db");
    let gateway = GatewayProcess::start(&gateway_db, free_port().unwrap()).unwrap();
    let data = dir.path().join("kiosk");
    let grant = login_grant(&gateway.url(), &data, IIN).unwrap();

    let mut printed: BTreeSet<String> = BTreeSet::new();
    let started = Instant::now();
    for _ in 0..kills {
        let mut child = agent(&data, &gateway.url(), &grant, 1 + dice.below(4))
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel::<String>();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        // Kill somewhere between "ready" and well after the last commit.
        let _ = rx.recv_timeout(Duration::from_secs(10));
        std::thread::sleep(Duration::from_millis(dice.below(40)));
        child.kill().unwrap();
        child.wait().unwrap();
        reader.join().unwrap();
        printed.extend(
            rx.try_iter()
                .filter_map(|l| l.strip_prefix("queued ").map(String::from)),
        );
    }
    eprintln!(
        "crash loop: {} actions reported committed in {:?}",
        printed.len(),
        started.elapsed()
    );

    // A last run with no kill drains whatever is left.
    let status = agent(&data, &gateway.url(), &grant, 0).status().unwrap();
    assert!(status.success());

    let rows = outbox_rows(&data).unwrap();
    assert!(
        rows.iter().all(|(_, state, _)| state == "delivered"),
        "every action delivered, none parked"
    );
    let queued: BTreeSet<String> = rows.into_iter().map(|(id, _, _)| id).collect();
    assert!(
        printed.is_subset(&queued),
        "an action reported as saved was lost"
    );

    let applied = applied_contact_changes(&gateway_db).unwrap();
    let applied_set: BTreeSet<String> = applied.iter().cloned().collect();
    assert_eq!(
        applied.len(),
        applied_set.len(),
        "an action was applied twice"
    );
    assert_eq!(
        applied_set, queued,
        "the gateway holds exactly the kiosk's actions"
    );
    assert!(
        queued.len() >= kills / 4,
        "the loop queued too little to mean anything: {}",
        queued.len()
    );
}
