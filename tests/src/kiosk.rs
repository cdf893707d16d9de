//! The kiosk's core (outbox, sync worker, gateway client) in the test process, pointed at a
//! real gateway, with a demo login.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use komek_domain::{Iin, Order};
use komek_kiosk::AppWindow;
use komek_kiosk::bridge::{Aids, Kiosk, SystemClock};
use komek_kiosk_core::core::{Core, CoreConfig, EnrolError, SignedApplication, Visit};

pub struct KioskCore {
    pub core: Arc<Core>,
    pub runtime: tokio::runtime::Runtime,
}

impl KioskCore {
    /// Opens the kiosk's data in `data_dir` and starts its delivery worker.
    pub fn start(gateway_url: String, data_dir: &Path) -> anyhow::Result<Self> {
        let kiosk = Self::without_worker(gateway_url, data_dir)?;
        kiosk.start_worker();
        Ok(kiosk)
    }

    /// Starts the delivery worker of a kiosk opened without one.
    pub fn start_worker(&self) {
        komek_kiosk_core::sync::spawn_supervised(self.core.sync().clone(), self.runtime.handle());
    }

    /// Opens the kiosk's data with no delivery worker yet: what is queued stays queued.
    pub fn without_worker(gateway_url: String, data_dir: &Path) -> anyhow::Result<Self> {
        Self::trusting(gateway_url, None, data_dir)
    }

    /// Opens the kiosk's data with no delivery worker, trusting the gateway's certificate by
    /// `gateway_ca` (PEM), enrolled on the demo gateway (through its development endpoint).
    pub fn trusting(
        gateway_url: String,
        gateway_ca: Option<Vec<u8>>,
        data_dir: &Path,
    ) -> anyhow::Result<Self> {
        let kiosk = Self::unenrolled(gateway_url, gateway_ca, data_dir)?;
        if kiosk.core.enrolment().is_none() {
            let id = test_kiosk_id(&kiosk.core);
            // A kiosk that cannot reach its gateway (another CA, a dead network) stays
            // unenrolled: what it tries is refused before the gateway sees it anyway.
            match kiosk
                .runtime
                .block_on(kiosk.core.enrol_on_demo_gateway(&id))
            {
                Ok(_) | Err(EnrolError::Offline(_)) => {}
                Err(e) => anyhow::bail!("enrolling the test kiosk: {e}"),
            }
        }
        Ok(kiosk)
    }

    /// Opens the kiosk's data with no delivery worker and enrols it nowhere: as a kiosk is
    /// before a technician types the operator's code (or as it was left).
    pub fn unenrolled(
        gateway_url: String,
        gateway_ca: Option<Vec<u8>>,
        data_dir: &Path,
    ) -> anyhow::Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        let core = Arc::new(Core::open(CoreConfig {
            data_dir: data_dir.to_path_buf(),
            gateway_url,
            gateway_ca,
            demo: true,
            request_timeout: komek_kiosk_core::portal::DEFAULT_REQUEST_TIMEOUT,
            region: "KZ-35".into(),
        })?);
        Ok(KioskCore { core, runtime })
    }

    /// Logs `iin` in with the demo gateway's one-time code.
    pub fn log_in(&self, iin: &str) -> anyhow::Result<Visit> {
        log_in(&self.core, &self.runtime, iin)
    }

    /// The kiosk's window over this core, on Slint's headless testing backend.
    pub fn window(&self) -> anyhow::Result<(AppWindow, Kiosk)> {
        window(&self.core, &self.runtime)
    }
}

/// An id of the kiosk's own, from its key, so kiosks of one test never take each other's.
fn test_kiosk_id(core: &Core) -> String {
    let fingerprint = core.signer().identity().fingerprint().replace(' ', "");
    format!("kiosk-e2e-{}", &fingerprint[..12])
}

/// The kiosk's window over `core`, on Slint's headless testing backend, with the system clock
/// and silent aids.
pub fn window(
    core: &Arc<Core>,
    runtime: &tokio::runtime::Runtime,
) -> anyhow::Result<(AppWindow, Kiosk)> {
    i_slint_backend_testing::init_no_event_loop();
    let app = AppWindow::new()?;
    let kiosk = Kiosk::new(
        &app,
        core.clone(),
        runtime.handle().clone(),
        komek_kiosk_core::session::Timing::default(),
        Box::new(SystemClock::default()),
        Aids::silent(),
    );
    Ok((app, kiosk))
}

/// Logs `iin` in with the demo gateway's one-time code.
pub fn log_in(core: &Core, runtime: &tokio::runtime::Runtime, iin: &str) -> anyhow::Result<Visit> {
    let iin = Iin::parse(iin).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    runtime.block_on(async {
        let challenge = core
            .request_code(&iin)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let code = core
            .demo_code(challenge.id)
            .await
            .context("the demo gateway gave no code")?;
        core.verify_code(&challenge, &code)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))
    })
}

/// Signs `order` for the logged-in `visit` with the demo gateway's one-time code.
pub fn sign(
    core: &Core,
    runtime: &tokio::runtime::Runtime,
    visit: &Visit,
    order: &komek_domain::Order,
) -> anyhow::Result<SignedApplication> {
    let token = Core::session_token(visit);
    runtime.block_on(async {
        let challenge = core
            .request_signing_code(&token, order)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let code = core
            .demo_code(challenge.id)
            .await
            .context("the demo gateway gave no code")?;
        core.verify_signing_code(&token, &challenge, &code)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))
    })
}

/// The order the person would confirm: the first activity of `visit` awaiting a choice, with
/// the catalogue's first offer for it.
pub fn first_order(
    core: &Core,
    runtime: &tokio::runtime::Runtime,
    visit: &Visit,
) -> anyhow::Result<Order> {
    let (catalogue, _) = runtime
        .block_on(core.catalogue())
        .context("the catalogue")?;
    let today = komek_domain::astana::date_on(chrono::Utc::now());
    let activity = visit
        .activities
        .iter()
        .find(|a| a.can_choose_supplier(today))
        .context("an activity awaiting a choice")?;
    let choice = catalogue
        .choices_for(activity)
        .into_iter()
        .next()
        .context("a supplier")?;
    Ok(Order::draw_up(activity, &choice, today)?)
}
