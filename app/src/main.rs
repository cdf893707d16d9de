//! `komek-kiosk`: the kiosk firmware. It talks to the gateway it is configured with; with none
//! it shows "out of service" and never serves made-up data. Built with the `demo` feature,
//! `--demo` runs the demo gateway in-process and `--tour` renders the guided tour of screens.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use komek_domain::Lang;
use komek_kiosk::bridge::keys::KeyMap;
use komek_kiosk::bridge::out_of_service::{self, OutOfService};
use komek_kiosk::bridge::{Aids, Kiosk, SystemClock};
use komek_kiosk_core::cards::CardReaders;
use komek_kiosk_core::core::{Core, CoreConfig};
use komek_kiosk_core::portal::{Endpoint, EndpointError};
use komek_kiosk_core::session::Timing;
use komek_kiosk_core::speech::{
    HeadphonePolicy, Speech, SpeechConfig, check as speech_check, prompts,
};
use komek_kiosk_core::sync;
use slint::ComponentHandle;

#[cfg(feature = "demo")]
mod demo;

#[global_allocator]
static ALLOCATOR: komek_kiosk::KioskAllocator = komek_kiosk::KIOSK_ALLOCATOR;

#[derive(Parser, Debug)]
#[command(
    version,
    about = "Komek: assisted-access kiosk for the portal of social services"
)]
struct Cli {
    /// The gateway's base URL. Without it (and without `--demo`) the kiosk shows "out of
    /// service"; with it, `--demo` is ignored.
    #[arg(long, env = "KOMEK_GATEWAY_URL")]
    gateway_url: Option<String>,
    /// The CA certificate(s) (PEM) the gateway's certificate must chain to; required for an
    /// `https://` gateway. Nothing else is trusted. Plain `http://` only to this machine.
    #[arg(long, env = "KOMEK_GATEWAY_CA")]
    gateway_ca: Option<PathBuf>,
    /// Run on the embedded demo: the demo gateway in-process on loopback with fictional data,
    /// and the demo ID card (builds with the `demo` feature only).
    #[arg(long)]
    demo: bool,
    /// Where the outbox, the cache, the kiosk's key and its enrolment live.
    #[arg(long, env = "KOMEK_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// Demo data for the embedded gateway (default: the copy installed or in the source tree).
    #[arg(long, env = "KOMEK_DEMO_DATA")]
    demo_data: Option<PathBuf>,
    /// Render every screen of a demo visit to PNG files in this folder, then exit (builds with
    /// the `demo` feature only).
    #[arg(long)]
    tour: Option<PathBuf>,
    /// Print the technician's report (queue, parked actions, damaged files; nothing
    /// personal), then exit.
    #[arg(long)]
    diagnose: bool,
    /// Enrol this kiosk with the one-time code an operator issued for it (twelve digits), on
    /// the configured gateway, then exit. Until it is enrolled the kiosk is out of service.
    #[arg(long, value_name = "CODE")]
    enrol: Option<String>,
    /// Idle seconds before the "are you still there?" warning.
    #[arg(long, env = "KOMEK_IDLE_WARNING_SECS", default_value_t = 120)]
    idle_warning_secs: u64,
    /// Seconds the warning stays before the visit ends and is wiped (at least 20, so a slow
    /// reader or a person with limited hand use can react).
    #[arg(long, env = "KOMEK_IDLE_END_SECS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(20..))]
    idle_end_secs: u64,
    /// The tactile keys: `up=Up,Left;down=Down,Right;enter=Return;back=Escape;help=F1,?;speech=F2`
    /// (functions not named keep these defaults). Keys: Up, Down, Left, Right, Return, Escape,
    /// Backspace, Tab, Space, Home, End, PageUp, PageDown, Insert, Delete, F1..F12, or a character.
    #[arg(long, env = "KOMEK_TACTILE_KEYS")]
    tactile_keys: Option<KeyMap>,
    /// The rendered speech prompts (scripts/render-prompts); default: installed or source tree.
    #[arg(long, env = "KOMEK_SPEECH_PROMPTS")]
    speech_prompts: Option<PathBuf>,
    /// Seconds an utterance may take to begin (or to end past its length) before
    /// speech-dispatcher counts as wedged and espeak-ng speaks instead.
    #[arg(long, env = "KOMEK_SPEECH_WATCHDOG_SECS", default_value_t = 3)]
    speech_watchdog_secs: u64,
    /// Headphones: `detect` (ALSA "Headphone Jack"), `always` (headset only), `never`
    /// (loudspeaker only). Digits of an IIN are spoken only in headphones.
    #[arg(long, env = "KOMEK_HEADPHONES", default_value = "detect")]
    headphones: HeadphonePolicy,
    /// The sign-language clips named in assets/sign/manifest.toml (default: installed copy,
    /// else assets/sign/clips, made by scripts/make-sample-clips).
    #[arg(long, env = "KOMEK_SIGN_CLIPS")]
    sign_clips: Option<PathBuf>,
    /// Speak a sentence in this language (a code of assets/languages.toml) through the kiosk's speech path, report
    /// which voice spoke and how speech-dispatcher fared, then exit (for technicians).
    #[arg(long)]
    speech_check: Option<String>,
    /// The most the outbox file may grow to, in MiB, so queued actions never fill the disk.
    #[arg(long, env = "KOMEK_OUTBOX_MAX_MB", default_value_t = 256)]
    outbox_max_mb: u64,
    /// The region the kiosk stands in (ISO 3166-2): whose suppliers the catalogue shows before
    /// anyone logs in. The demo data are in Karaganda Region.
    #[arg(long, env = "KOMEK_REGION", default_value = "KZ-35")]
    region: String,
    /// Run in a window instead of full screen (development).
    #[arg(long, env = "KOMEK_WINDOWED")]
    windowed: bool,
}

fn default_data_dir() -> PathBuf {
    std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .map(|d| d.join("komek"))
        .unwrap_or_else(|| PathBuf::from("komek-data"))
}

fn speech_config(cli: &Cli, data_dir: &Path) -> SpeechConfig {
    let mut config = SpeechConfig::new(prompts::default_dir(cli.speech_prompts.as_deref()));
    config.health_dir = Some(data_dir.to_path_buf());
    config.watchdog = Duration::from_secs(cli.speech_watchdog_secs.max(1));
    config.headphones = cli.headphones;
    config
}

fn has_display() -> bool {
    ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()))
}

fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    // A panic anywhere is logged where the technician looks, not only on a console nobody sees.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        tracing::error!(%info, "panic");
        default_hook(info);
    }));
    let cli = Cli::parse();
    if let Some(e) = komek_domain::language::registry_error() {
        tracing::error!(error = %e, "the languages could not be read: English only");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;

    if let Some(lang) = &cli.speech_check {
        let lang = Lang::from_code(lang)
            .context("--speech-check takes a language code of assets/languages.toml")?;
        let data_dir = cli.data_dir.clone().unwrap_or_else(default_data_dir);
        std::fs::create_dir_all(&data_dir)
            .with_context(|| format!("creating {}", data_dir.display()))?;
        let report = speech_check::run(speech_config(&cli, &data_dir), lang);
        print!("{report}");
        return if report.spoke() {
            Ok(())
        } else {
            anyhow::bail!("no voice could speak")
        };
    }
    if cli.demo && !cfg!(feature = "demo") {
        anyhow::bail!(NO_DEMO);
    }
    if cli.diagnose {
        let data_dir = cli.data_dir.clone().unwrap_or_else(default_data_dir);
        println!("{}", gateway_line(&cli));
        print!("{}", komek_kiosk_core::diagnostics::report(&data_dir)?);
        print!(
            "{}",
            komek_kiosk_core::diagnostics::sign_clips(
                &komek_kiosk_core::sign::manifest::default_dir(cli.sign_clips.as_deref())
            )
        );
        // Why the card option may show as unavailable: pcscd, and the readers it sees.
        println!("card readers: {}", komek_card::reader::CardService::now());
        return Ok(());
    }
    if let Some(code) = &cli.enrol {
        return enrol(&cli, &runtime, code);
    }
    if let Some(dir) = &cli.tour {
        return tour(&cli, &runtime, dir);
    }
    if !has_display() {
        anyhow::bail!(
            "no display found (neither DISPLAY nor WAYLAND_DISPLAY is set); the kiosk needs a \
             screen. To render the guided tour of screens to PNG files instead, use --tour DIR \
             (or scripts/run-kiosk)"
        );
    }
    let gateway = match (&cli.gateway_url, cli.demo) {
        (Some(url), _) => match configured_gateway(&cli, url) {
            Ok(gateway) => gateway,
            Err(why) => {
                tracing::error!(reason = %why, "gateway not usable: out of service");
                return show_out_of_service(&cli, OutOfService::Gateway(why));
            }
        },
        (None, true) => demo_gateway(&cli, &runtime)?,
        (None, false) => {
            tracing::error!("no gateway URL configured: out of service");
            return show_out_of_service(&cli, OutOfService::NoGateway);
        }
    };
    run_kiosk(&cli, &runtime, gateway)
}

/// `--enrol CODE`: enrols the kiosk on the configured gateway and says where it stands.
fn enrol(cli: &Cli, runtime: &tokio::runtime::Runtime, code: &str) -> anyhow::Result<()> {
    let url = cli
        .gateway_url
        .as_deref()
        .context("--enrol needs the gateway (--gateway-url or KOMEK_GATEWAY_URL)")?;
    let ca = gateway_ca(cli)?;
    let data_dir = cli.data_dir.clone().unwrap_or_else(default_data_dir);
    std::fs::create_dir_all(&data_dir)
        .with_context(|| format!("creating {}", data_dir.display()))?;
    let core = Core::open(CoreConfig {
        data_dir,
        gateway_url: url.to_string(),
        gateway_ca: ca,
        demo: false,
        request_timeout: komek_kiosk_core::portal::DEFAULT_REQUEST_TIMEOUT,
        region: cli.region.clone(),
    })?;
    let enrolment = runtime.block_on(core.enrol(code))?;
    println!(
        "enrolled as {} at {} ({}); key {}",
        enrolment.kiosk_id,
        enrolment.site,
        enrolment.region,
        core.signer().identity().fingerprint()
    );
    Ok(())
}

/// Where the kiosk's actions go: the configured gateway (and the CA its certificate chains
/// to), or on a demo the one in-process.
enum Gateway {
    Configured {
        url: String,
        ca: Option<Vec<u8>>,
    },
    #[cfg(feature = "demo")]
    Demo(Box<demo::DemoGateway>),
}

/// The first line of `--diagnose`: which gateway the kiosk talks to, or why it is out of
/// service.
fn gateway_line(cli: &Cli) -> String {
    match (&cli.gateway_url, cli.demo) {
        (Some(url), _) => match configured_gateway(cli, url) {
            Ok(_) => format!("gateway: {url}"),
            Err(why) => format!("out of service: {why}"),
        },
        (None, true) => "gateway: the embedded demo (fictional data)".to_string(),
        (None, false) => format!(
            "out of service: {} (set --gateway-url or KOMEK_GATEWAY_URL)",
            OutOfService::NoGateway.reason()
        ),
    }
}

/// The CA the gateway's certificate must chain to, if one is configured.
fn gateway_ca(cli: &Cli) -> Result<Option<Vec<u8>>, EndpointError> {
    cli.gateway_ca
        .as_ref()
        .map(|path| {
            std::fs::read(path)
                .map_err(|e| EndpointError::UnreadableCa(format!("{}: {e}", path.display())))
        })
        .transpose()
}

/// The configured gateway, if the kiosk may use it: HTTPS with its CA, or plain HTTP to this
/// machine.
fn configured_gateway(cli: &Cli, url: &str) -> Result<Gateway, EndpointError> {
    let ca = gateway_ca(cli)?;
    Endpoint::new(url, ca.as_deref())?;
    Ok(Gateway::Configured {
        url: url.to_string(),
        ca,
    })
}

#[cfg(feature = "demo")]
fn demo_gateway(cli: &Cli, runtime: &tokio::runtime::Runtime) -> anyhow::Result<Gateway> {
    let data_dir = cli.data_dir.clone().unwrap_or_else(default_data_dir);
    std::fs::create_dir_all(&data_dir)
        .with_context(|| format!("creating {}", data_dir.display()))?;
    let gateway = demo::DemoGateway::start(runtime, &data_dir, cli.demo_data.as_deref())?;
    Ok(Gateway::Demo(Box::new(gateway)))
}

const NO_DEMO: &str =
    "this build of komek-kiosk has no demo (it was built without the `demo` feature)";

#[cfg(not(feature = "demo"))]
fn demo_gateway(_cli: &Cli, _runtime: &tokio::runtime::Runtime) -> anyhow::Result<Gateway> {
    anyhow::bail!(NO_DEMO)
}

#[cfg(feature = "demo")]
fn tour(cli: &Cli, runtime: &tokio::runtime::Runtime, dir: &Path) -> anyhow::Result<()> {
    demo::run_tour(runtime, dir, cli.demo_data.as_deref(), &cli.region)
}

#[cfg(not(feature = "demo"))]
fn tour(_cli: &Cli, _runtime: &tokio::runtime::Runtime, _dir: &Path) -> anyhow::Result<()> {
    anyhow::bail!(
        "this build of komek-kiosk has no guided tour (it was built without the `demo` feature)"
    )
}

/// The full-screen "out of service" page, in every offered language, spoken at a key; nothing
/// else runs but speech: no gateway, no outbox, no port.
fn show_out_of_service(cli: &Cli, why: OutOfService) -> anyhow::Result<()> {
    let app = komek_kiosk::AppWindow::new().context("opening the kiosk window")?;
    let data_dir = cli.data_dir.clone().unwrap_or_else(default_data_dir);
    // Only speech's health report is written there; without it the page still speaks.
    if let Err(e) = std::fs::create_dir_all(&data_dir) {
        tracing::warn!(error = %e, "no data folder for speech's health report");
    }
    out_of_service::show(&app, why, Speech::start(speech_config(cli, &data_dir)));
    open_full_screen(cli, &app);
    app.run().context("running the kiosk window")?;
    Ok(())
}

fn open_full_screen(cli: &Cli, app: &komek_kiosk::AppWindow) {
    // The layout is made for a 1080p panel; without a window manager to honour full screen
    // (a bare X server) the window still gets that size.
    app.window()
        .set_size(slint::LogicalSize::new(1920.0, 1080.0));
    if !cli.windowed {
        app.window().set_fullscreen(true);
    }
}

fn run_kiosk(
    cli: &Cli,
    runtime: &tokio::runtime::Runtime,
    mut gateway: Gateway,
) -> anyhow::Result<()> {
    let data_dir = cli.data_dir.clone().unwrap_or_else(default_data_dir);
    std::fs::create_dir_all(&data_dir)
        .with_context(|| format!("creating {}", data_dir.display()))?;
    let (gateway_url, gateway_ca, demo) = match &gateway {
        Gateway::Configured { url, ca } => (url.clone(), ca.clone(), false),
        #[cfg(feature = "demo")]
        Gateway::Demo(demo) => (demo.url(), None, true),
    };
    let core = Arc::new(Core::open(CoreConfig {
        data_dir: data_dir.clone(),
        gateway_url,
        gateway_ca,
        demo,
        request_timeout: komek_kiosk_core::portal::DEFAULT_REQUEST_TIMEOUT,
        region: cli.region.clone(),
    })?);
    if core.enrolment().is_none() {
        match &gateway {
            Gateway::Configured { .. } => {
                let fingerprint = core.signer().identity().fingerprint();
                tracing::error!(%fingerprint, "not enrolled: out of service");
                drop(core);
                return show_out_of_service(cli, OutOfService::NotEnrolled { fingerprint });
            }
            #[cfg(feature = "demo")]
            Gateway::Demo(_) => {
                runtime
                    .block_on(core.enrol_on_demo_gateway("kiosk-demo"))
                    .context("enrolling on the demo gateway")?;
            }
        }
    }
    core.sync()
        .outbox()
        .set_max_bytes(cli.outbox_max_mb.saturating_mul(1024 * 1024))?;
    let _sync = sync::spawn_supervised(core.sync().clone(), runtime.handle());

    let app = komek_kiosk::AppWindow::new().context("opening the kiosk window")?;
    let timing = Timing {
        warn_after: Duration::from_secs(cli.idle_warning_secs),
        end_after_warning: Duration::from_secs(cli.idle_end_secs),
    };
    let speech = Speech::start(speech_config(cli, &data_dir));
    komek_kiosk_core::sign::init();
    let cards = match &mut gateway {
        Gateway::Configured { .. } => CardReaders::new(true),
        #[cfg(feature = "demo")]
        Gateway::Demo(demo) => demo.card_readers(),
    };
    let kiosk = Kiosk::new(
        &app,
        core,
        runtime.handle().clone(),
        timing,
        Box::new(SystemClock::default()),
        Aids {
            speech,
            keys: cli.tactile_keys.clone().unwrap_or_default(),
            sign_clips: komek_kiosk_core::sign::manifest::default_dir(cli.sign_clips.as_deref()),
            cards,
        },
    );
    let _timer = kiosk.start_timer();
    open_full_screen(cli, &app);
    app.run().context("running the kiosk window")?;
    Ok(())
}
