//! The kiosk's queue and sync worker in a headless process, for the crash-loop harness: it
//! opens the outbox, says `ready`, queues `--enqueue` contact changes (printing `queued <id>`
//! after each commit), and runs the sync worker until nothing is pending. The kiosk it runs as is
//! the one enrolled in the data folder (`komek_e2e::login_grant` enrols it).

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use komek_api::{Action, ContactChange};
use komek_domain::Iin;
use komek_kiosk_core::core::{Core, CoreConfig};
use komek_kiosk_core::sync;

fn arg(name: &str) -> anyhow::Result<String> {
    let mut args = std::env::args();
    while let Some(a) = args.next() {
        if a == name {
            return args.next().with_context(|| format!("{name} needs a value"));
        }
    }
    anyhow::bail!("missing {name}")
}

fn main() -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let core = Arc::new(Core::open(CoreConfig {
        data_dir: arg("--data-dir")?.into(),
        gateway_url: arg("--gateway-url")?,
        gateway_ca: None,
        demo: false,
        request_timeout: arg("--timeout-ms")
            .ok()
            .and_then(|ms| ms.parse().ok())
            .map_or(
                komek_kiosk_core::portal::DEFAULT_REQUEST_TIMEOUT,
                Duration::from_millis,
            ),
        region: "KZ-35".into(),
    })?);
    let iin = Iin::parse(&arg("--iin")?).map_err(|e| anyhow::anyhow!("{e}"))?;
    let grant = arg("--grant")?;
    let count: usize = arg("--enqueue")?.parse()?;
    let _worker = sync::spawn_supervised(core.sync().clone(), runtime.handle());
    let mut out = std::io::stdout().lock();
    writeln!(out, "ready")?;
    out.flush()?;
    for i in 0..count {
        let action = Action::ContactChange(ContactChange {
            phone: None,
            phone_proof: None,
            email: Some(format!("person.{i}@example.com")),
        });
        let id = core.queue_action(&iin, &grant, action, chrono::Utc::now())?;
        writeln!(out, "queued {id}")?;
        out.flush()?;
    }
    while core.sync().outbox().counts()?.pending > 0 {
        std::thread::sleep(Duration::from_millis(10));
    }
    writeln!(out, "drained")?;
    Ok(())
}
