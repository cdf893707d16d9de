//! The embedded demo (`--demo`, feature `demo`): the gateway in-process on loopback with its
//! fictional data, the demo ID card its root trusts, and the guided tour.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use komek_gateway::RunningGateway;
use komek_kiosk::{embedded, tour};
use komek_kiosk_core::cards::{CardReaders, DemoCard};
use komek_kiosk_core::core::{Core, CoreConfig};

/// The demo participant the tour logs in as (fictional; see assets/demo/README.md).
const TOUR_PARTICIPANT: &str = "810314304128";

/// The demo gateway, running for as long as this value lives, and its ID card.
pub struct DemoGateway {
    gateway: RunningGateway,
    card: Option<DemoCard>,
}

impl DemoGateway {
    /// Starts the demo gateway with its database in the kiosk's data folder.
    pub fn start(
        runtime: &tokio::runtime::Runtime,
        data_dir: &Path,
        demo_data: Option<&Path>,
    ) -> anyhow::Result<DemoGateway> {
        let demo_dir = embedded::demo_data_dir(demo_data);
        // The demo's ID card, for visitors without a reader; issued afresh at every start.
        let card = DemoCard::issue(embedded::DEMO_CARD_HOLDER, chrono::Utc::now())
            .context("issuing the demo ID card")?;
        let gateway = runtime
            .block_on(embedded::start(
                &data_dir.join("demo-gateway.db"),
                &demo_dir,
                vec![card.root_der().to_vec()],
            ))
            .context("starting the embedded demo gateway")?;
        tracing::info!(url = %gateway.url(), "embedded demo gateway started");
        Ok(DemoGateway {
            gateway,
            card: Some(card),
        })
    }

    pub fn url(&self) -> String {
        self.gateway.url()
    }

    /// The PC/SC readers and the demo card (which goes to the first caller).
    pub fn card_readers(&mut self) -> CardReaders {
        let readers = CardReaders::new(true);
        match self.card.take() {
            Some(card) => readers.with_demo_card(card),
            None => readers,
        }
    }
}

/// Renders every screen of a demo visit to PNG files in `dir`, on a throwaway gateway and
/// outbox, never the kiosk's own.
pub fn run_tour(
    runtime: &tokio::runtime::Runtime,
    dir: &Path,
    demo_data: Option<&Path>,
    region: &str,
) -> anyhow::Result<()> {
    let window = tour::install_headless_platform()?;
    let scratch = tempfile::tempdir().context("creating a scratch folder")?;
    let demo_dir = embedded::demo_data_dir(demo_data);
    let card = DemoCard::issue(embedded::DEMO_CARD_HOLDER, chrono::Utc::now())
        .context("issuing the demo ID card")?;
    let gateway = runtime
        .block_on(embedded::start(
            &scratch.path().join("gateway.db"),
            &demo_dir,
            vec![card.root_der().to_vec()],
        ))
        .context("starting the demo gateway for the tour")?;
    let core = Arc::new(Core::open(CoreConfig {
        data_dir: scratch.path().join("kiosk"),
        gateway_url: gateway.url(),
        gateway_ca: None,
        demo: true,
        request_timeout: komek_kiosk_core::portal::DEFAULT_REQUEST_TIMEOUT,
        region: region.to_string(),
    })?);
    runtime
        .block_on(core.enrol_on_demo_gateway("kiosk-tour"))
        .context("enrolling the tour's kiosk on the demo gateway")?;
    let stop_gateway = || runtime.block_on(gateway.shutdown());
    let files = tour::run(
        &window,
        core,
        runtime.handle().clone(),
        TOUR_PARTICIPANT,
        CardReaders::new(false).with_demo_card(card),
        dir,
        stop_gateway,
    )?;
    println!(
        "Rendered {} pictures of every screen (every language; default and largest text) to {}",
        files.len(),
        dir.display()
    );
    println!(
        "Open {} to see them side by side.",
        dir.join("index.html").display()
    );
    Ok(())
}
