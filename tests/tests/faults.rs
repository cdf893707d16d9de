//! A bad network between kiosk and gateway — hang-ups, stalls, truncated answers, 500 and 503,
//! 429 with Retry-After, garbage, a slow drip — and still every action is delivered exactly
//! once, none is parked, none is left behind.

// A test that cannot go on should stop loudly where it is.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use komek_e2e::proxy::{Fault, FaultProxy};
use komek_e2e::{
    GatewayProcess, applied_contact_changes, free_port, login_grant, outbox_rows, wait_until,
};

const IIN: &str = "170912500976";

#[test]
fn through_every_kind_of_network_fault_each_action_arrives_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let gateway_db = dir.path().join("gateway.db");
    let gateway = GatewayProcess::start(&gateway_db, free_port().unwrap()).unwrap();
    let data = dir.path().join("kiosk");
    let grant = login_grant(&gateway.url(), &data, IIN).unwrap();
    let faults = [
        Fault::Hangup,
        Fault::Stall,
        Fault::Truncate,
        Fault::ServerError,
        Fault::Unavailable,
        Fault::TooMany,
        Fault::Garbage,
        Fault::Drip,
    ];
    // Every fault followed by one clean request, so each action meets at most a fault or two.
    let schedule: Vec<Fault> = faults.iter().flat_map(|f| [*f, Fault::PassOnce]).collect();
    let proxy = FaultProxy::start(gateway.addr, schedule).unwrap();

    let started = Instant::now();
    let mut agent = Command::new(env!("CARGO_BIN_EXE_queue-agent"))
        .arg("--data-dir")
        .arg(&data)
        .args(["--gateway-url", &proxy.url(), "--iin", IIN])
        .args(["--grant", &grant, "--enqueue", "8", "--timeout-ms", "1500"])
        .env("RUST_LOG", "off")
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let finished = wait_until(Duration::from_secs(150), || {
        matches!(agent.try_wait(), Ok(Some(_)))
    });
    if !finished {
        let _ = agent.kill();
    }
    assert!(finished, "the queue was not drained within 150 s");
    assert!(agent.wait().unwrap().success());
    eprintln!("drained through the faults in {:?}", started.elapsed());

    let rows = outbox_rows(&data).unwrap();
    assert_eq!(rows.len(), 8);
    assert!(
        rows.iter().all(|(_, state, _)| state == "delivered"),
        "{rows:?}"
    );
    let retried = rows.iter().filter(|(_, _, attempts)| *attempts > 1).count();
    assert!(retried >= 4, "the faults were met: {rows:?}");

    let applied = applied_contact_changes(&gateway_db).unwrap();
    let queued: BTreeSet<String> = rows.into_iter().map(|(id, _, _)| id).collect();
    assert_eq!(applied.len(), 8, "each action applied once");
    assert_eq!(applied.into_iter().collect::<BTreeSet<_>>(), queued);
}
