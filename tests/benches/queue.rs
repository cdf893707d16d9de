//! Queue benchmarks, printed as a table (run `cargo build --release -p komek-gateway` first,
//! then `cargo bench -p komek-e2e --bench queue`):
//! 1. durable enqueue (sealed, WAL, synchronous=FULL) against a raw INSERT + commit loop with
//!    the same pragmas on the same disk, in the same run;
//! 2. draining 10,000 queued actions to a local gateway process, against the gateway's own
//!    accept rate for the same load posted directly beside it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use komek_api::{Action, ActionSubmission, ContactChange};
use komek_domain::Iin;
use komek_e2e::{GatewayProcess, free_port, login_grant};
use komek_kiosk_core::core::{Core, CoreConfig};
use komek_kiosk_core::store::{DeviceKey, Outbox};
use uuid::Uuid;

const IIN: &str = "880209422641";
const ENQUEUES: usize = 2_000;
const DRAIN: usize = 10_000;

fn contact(i: usize) -> Action {
    Action::ContactChange(ContactChange {
        phone: None,
        phone_proof: None,
        email: Some(format!("bench.{i}@example.com")),
    })
}

fn row(name: &str, ops: usize, elapsed: Duration, baseline: Option<f64>) -> f64 {
    let rate = ops as f64 / elapsed.as_secs_f64();
    let ratio = baseline.map_or("1.00 (baseline)".to_string(), |b| {
        format!("{:.2}", rate / b)
    });
    println!(
        "| {name} | {ops} | {:.2} | {rate:.0} | {ratio} |",
        elapsed.as_secs_f64()
    );
    rate
}

fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    println!("| case | operations | seconds | per second | ratio to baseline |");
    println!("|---|---|---|---|---|");

    // 1. Durable enqueue against a raw insert loop, same pragmas, same disk.
    let raw = rusqlite::Connection::open(dir.path().join("raw.db"))?;
    raw.pragma_update(None, "journal_mode", "WAL")?;
    raw.pragma_update(None, "synchronous", "FULL")?;
    raw.execute("CREATE TABLE t (id TEXT PRIMARY KEY, payload BLOB)", [])?;
    let body = serde_json::to_string(&contact(0))?;
    let start = Instant::now();
    for _ in 0..ENQUEUES {
        raw.execute(
            "INSERT INTO t (id, payload) VALUES (?1, ?2)",
            (Uuid::now_v7().to_string(), body.as_bytes()),
        )?;
    }
    let baseline = row(
        "raw INSERT + commit (WAL, FULL)",
        ENQUEUES,
        start.elapsed(),
        None,
    );
    let outbox = Outbox::open(&dir.path().join("outbox.db"), DeviceKey::ephemeral())?;
    let start = Instant::now();
    for _ in 0..ENQUEUES {
        outbox.enqueue(
            Uuid::now_v7(),
            "bench",
            "contact_change",
            &body,
            chrono::Utc::now(),
        )?;
    }
    row(
        "Outbox::enqueue (sealed, WAL, FULL)",
        ENQUEUES,
        start.elapsed(),
        Some(baseline),
    );
    drop(outbox);

    // 2. Drain to a local gateway, and the gateway's own accept rate beside it.
    let gateway = GatewayProcess::start(&dir.path().join("gateway.db"), free_port()?)?;
    let kiosk_dir = dir.path().join("kiosk");
    let grant = login_grant(&gateway.url(), &kiosk_dir, IIN)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let core = Arc::new(Core::open(CoreConfig {
        data_dir: kiosk_dir,
        gateway_url: gateway.url(),
        gateway_ca: None,
        demo: false,
        request_timeout: komek_kiosk_core::portal::DEFAULT_REQUEST_TIMEOUT,
        region: "KZ-35".into(),
    })?);

    // Signed as the kiosk, as every request is, by the kiosk's own client.
    let start = Instant::now();
    runtime.block_on(async {
        for i in 0..DRAIN {
            let submission = ActionSubmission {
                grant: grant.clone(),
                confirmed_at: chrono::Utc::now(),
                action: contact(i),
                acting_for: None,
                assistant_present: false,
            };
            core.sync()
                .portal
                .submit_action(Uuid::now_v7(), &serde_json::to_string(&submission)?)
                .await?;
        }
        anyhow::Ok(())
    })?;
    let accept = row(
        "gateway accepts, posted directly (one client)",
        DRAIN,
        start.elapsed(),
        None,
    );

    let iin = Iin::parse(IIN).map_err(|e| anyhow::anyhow!("{e}"))?;
    for i in 0..DRAIN {
        core.queue_action(&iin, &grant, contact(i), chrono::Utc::now())?;
    }
    let start = Instant::now();
    let _worker = komek_kiosk_core::sync::spawn_supervised(core.sync().clone(), runtime.handle());
    while core.sync().outbox().counts()?.pending > 0 {
        std::thread::sleep(Duration::from_millis(5));
    }
    let elapsed = start.elapsed();
    let delivered = core.sync().outbox().counts()?.delivered;
    anyhow::ensure!(
        delivered as usize == DRAIN,
        "only {delivered} of {DRAIN} delivered"
    );
    row(
        "kiosk drains its outbox to the gateway",
        DRAIN,
        elapsed,
        Some(accept),
    );
    Ok(())
}
