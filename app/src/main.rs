//! `komek-kiosk`: the kiosk firmware. With no gateway configured it starts the demo gateway
//! in-process; with no display it renders the guided tour of screens to PNG files instead.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use komek_kiosk::bridge::keys::KeyMap;
use komek_kiosk::bridge::{Aids, Kiosk, SystemClock};
use komek_kiosk::cards::{CardReaders, DemoCard};
use komek_kiosk::core::{Core, CoreConfig};
use komek_kiosk::domain::Lang;
use komek_kiosk::session::Timing;
use komek_kiosk::speech::{HeadphonePolicy, Speech, SpeechConfig, check as speech_check, prompts};
use komek_kiosk::{embedded, sync, tour};
use slint::ComponentHandle;

/// The demo participant the tour logs in as (fictional; see assets/demo/README.md).
const TOUR_PARTICIPANT: &str = "810314304128";

#[derive(Parser, Debug)]
#[command(
    version,
    about = "Komek: assisted-access kiosk for the portal of social services"
)]
struct Cli {
    /// The gateway's base URL. Without it the demo gateway runs inside the kiosk.
    #[arg(long, env = "KOMEK_GATEWAY_URL")]
    gateway_url: Option<String>,
    /// Where the outbox, the cache and the device id live.
    #[arg(long, env = "KOMEK_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// Demo data for the embedded gateway (default: the copy installed or in the source tree).
    #[arg(long, env = "KOMEK_DEMO_DATA")]
    demo_data: Option<PathBuf>,
    /// Render every screen of a demo visit to PNG files in this folder, then exit.
    #[arg(long)]
    tour: Option<PathBuf>,
    /// Print the technician's report (queue, parked actions, damaged files; nothing
    /// personal), then exit.
    #[arg(long)]
    diagnose: bool,
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
    /// Speak a sentence in this language (kk, ru, en) through the kiosk's speech path, report
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

/// A stable id for this kiosk, made once and kept in the data folder.
fn device_id(data_dir: &Path) -> anyhow::Result<String> {
    let path = data_dir.join("device-id");
    if let Ok(id) = std::fs::read_to_string(&path) {
        let id = id.trim();
        if !id.is_empty() {
            return Ok(id.to_string());
        }
    }
    let id = format!("kiosk-{}", uuid::Uuid::now_v7());
    std::fs::write(&path, &id).with_context(|| format!("writing {}", path.display()))?;
    Ok(id)
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
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;

    if let Some(lang) = &cli.speech_check {
        let lang = Lang::from_code(lang).context("--speech-check takes kk, ru or en")?;
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
    if cli.diagnose {
        let data_dir = cli.data_dir.clone().unwrap_or_else(default_data_dir);
        print!("{}", komek_kiosk::diagnostics::report(&data_dir)?);
        print!(
            "{}",
            komek_kiosk::diagnostics::sign_clips(&komek_kiosk::sign::manifest::default_dir(
                cli.sign_clips.as_deref()
            ))
        );
        // Why the card option may show as unavailable: pcscd, and the readers it sees.
        println!("card readers: {}", komek_card::reader::CardService::now());
        return Ok(());
    }
    if let Some(dir) = &cli.tour {
        return run_tour(&cli, &runtime, dir);
    }
    if !has_display() {
        let dir = cli
            .data_dir
            .clone()
            .unwrap_or_else(default_data_dir)
            .join("tour");
        println!("No display found (neither DISPLAY nor WAYLAND_DISPLAY is set).");
        println!("Rendering the guided tour of every screen instead…");
        return run_tour(&cli, &runtime, &dir);
    }
    run_kiosk(&cli, &runtime)
}

fn run_kiosk(cli: &Cli, runtime: &tokio::runtime::Runtime) -> anyhow::Result<()> {
    let data_dir = cli.data_dir.clone().unwrap_or_else(default_data_dir);
    std::fs::create_dir_all(&data_dir)
        .with_context(|| format!("creating {}", data_dir.display()))?;
    let device_id = device_id(&data_dir)?;
    let (gateway_url, _embedded, demo_card) = match &cli.gateway_url {
        Some(url) => (url.clone(), None, None),
        None => {
            let demo_dir = embedded::demo_data_dir(cli.demo_data.as_deref());
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
            (gateway.url(), Some(gateway), Some(card))
        }
    };
    let demo = demo_card.is_some();
    let core = Arc::new(Core::open(CoreConfig {
        data_dir: data_dir.clone(),
        gateway_url,
        device_id,
        demo,
        request_timeout: komek_kiosk::portal::DEFAULT_REQUEST_TIMEOUT,
        region: cli.region.clone(),
    })?);
    core.sync()
        .outbox()
        .set_max_bytes(cli.outbox_max_mb.saturating_mul(1024 * 1024))?;
    let _sync = sync::spawn_supervised(core.sync().clone(), runtime.handle());

    let app = match komek_kiosk::AppWindow::new() {
        Ok(app) => app,
        Err(e) => {
            println!("The display could not be opened ({e}); rendering the guided tour instead.");
            return run_tour(cli, runtime, &data_dir.join("tour"));
        }
    };
    let timing = Timing {
        warn_after: Duration::from_secs(cli.idle_warning_secs),
        end_after_warning: Duration::from_secs(cli.idle_end_secs),
    };
    let speech = Speech::start(speech_config(cli, &data_dir));
    komek_kiosk::sign::init();
    let kiosk = Kiosk::new(
        &app,
        core,
        runtime.handle().clone(),
        timing,
        Box::new(SystemClock::default()),
        Aids {
            speech,
            keys: cli.tactile_keys.clone().unwrap_or_default(),
            sign_clips: komek_kiosk::sign::manifest::default_dir(cli.sign_clips.as_deref()),
            cards: CardReaders::new(true, demo_card),
        },
    );
    let _timer = kiosk.start_timer();
    // The layout is made for a 1080p panel; without a window manager to honour full screen
    // (a bare X server) the window still gets that size.
    app.window()
        .set_size(slint::LogicalSize::new(1920.0, 1080.0));
    if !cli.windowed {
        app.window().set_fullscreen(true);
    }
    app.run().context("running the kiosk window")?;
    Ok(())
}

fn run_tour(cli: &Cli, runtime: &tokio::runtime::Runtime, dir: &Path) -> anyhow::Result<()> {
    let window = tour::install_headless_platform()?;
    // The tour's visit goes to a throwaway gateway and outbox, never the kiosk's own.
    let scratch = tempfile::tempdir().context("creating a scratch folder")?;
    let demo_dir = embedded::demo_data_dir(cli.demo_data.as_deref());
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
        device_id: "kiosk-tour".into(),
        demo: true,
        request_timeout: komek_kiosk::portal::DEFAULT_REQUEST_TIMEOUT,
        region: cli.region.clone(),
    })?);
    let stop_gateway = || runtime.block_on(gateway.shutdown());
    let files = tour::run(
        &window,
        core,
        runtime.handle().clone(),
        TOUR_PARTICIPANT,
        CardReaders::new(false, Some(card)),
        dir,
        stop_gateway,
    )?;
    println!(
        "Rendered {} pictures of every screen (kk, ru, en; default and largest text) to {}",
        files.len(),
        dir.display()
    );
    println!(
        "Open {} to see them side by side.",
        dir.join("index.html").display()
    );
    Ok(())
}
