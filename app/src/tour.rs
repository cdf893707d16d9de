//! The guided tour: walks one demo visit through every screen and renders each, in the three
//! languages at the default and the largest text size, to PNG files with the software
//! renderer — no display needed. Also what the kiosk does when it finds no display.

use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use slint::platform::software_renderer::{MinimalSoftwareWindow, RepaintBufferType};
use slint::platform::{Platform, PlatformError, WindowAdapter};
use slint::{ComponentHandle, Model};

use crate::bridge::{Kiosk, SystemClock};
use crate::{
    ActivitiesAdapter, ActivityAdapter, ActivityStatus, AppAdapter, AppWindow, LoginAdapter,
    ReviewAdapter, Screen,
};
use komek_domain::Lang;
use komek_kiosk_core::core::Core;
use komek_kiosk_core::session::Timing;
use komek_kiosk_core::store::ActionState;
use komek_kiosk_core::sync;

pub const WIDTH: u32 = 1920;
pub const HEIGHT: u32 = 1080;
const SIZES: [(i32, &str); 2] = [(0, "default"), (2, "largest")];

#[derive(Debug, thiserror::Error)]
pub enum TourError {
    #[error("the headless renderer could not start: {0}")]
    Platform(String),
    #[error("writing {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("encoding a PNG: {0}")]
    Png(#[from] png::EncodingError),
    #[error("the demo visit did not reach the {0} screen")]
    Stuck(&'static str),
}

struct HeadlessPlatform {
    window: Rc<MinimalSoftwareWindow>,
}

impl Platform for HeadlessPlatform {
    fn create_window_adapter(&self) -> Result<Rc<dyn WindowAdapter>, PlatformError> {
        Ok(self.window.clone())
    }
}

/// Installs the headless software platform. Must run before any window is created; once per
/// process.
pub fn install_headless_platform() -> Result<Rc<MinimalSoftwareWindow>, TourError> {
    let window = MinimalSoftwareWindow::new(RepaintBufferType::NewBuffer);
    slint::platform::set_platform(Box::new(HeadlessPlatform {
        window: window.clone(),
    }))
    .map_err(|e| TourError::Platform(e.to_string()))?;
    window.set_size(slint::PhysicalSize::new(WIDTH, HEIGHT));
    Ok(window)
}

/// Renders the current frame of `window` to a PNG file.
pub fn snapshot(window: &MinimalSoftwareWindow, path: &Path) -> Result<(), TourError> {
    slint::platform::update_timers_and_animations();
    window.request_redraw();
    let mut buffer = slint::SharedPixelBuffer::<slint::Rgb8Pixel>::new(WIDTH, HEIGHT);
    window.draw_if_needed(|renderer| {
        renderer.render(buffer.make_mut_slice(), WIDTH as usize);
    });
    let file = std::fs::File::create(path).map_err(|source| TourError::Write {
        path: path.to_path_buf(),
        source,
    })?;
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), WIDTH, HEIGHT);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(buffer.as_bytes())?;
    writer.finish()?;
    Ok(())
}

struct Tour<'a> {
    app: &'a AppWindow,
    window: &'a MinimalSoftwareWindow,
    kiosk: &'a Kiosk,
    dir: &'a Path,
    shots: Vec<(String, Vec<PathBuf>)>,
}

impl Tour<'_> {
    /// Renders the screen on display in every language and size, then restores English at
    /// the default size to go on with the visit.
    fn shoot(&mut self, screen_id: &str) -> Result<(), TourError> {
        // Refresh what the screen shows of the world (delivery, connection) first.
        self.kiosk.tick();
        let frame = self.app.global::<AppAdapter>();
        let mut files = Vec::new();
        for lang in Lang::offered().map(Lang::code) {
            for (size, size_name) in SIZES {
                frame.invoke_choose_language(lang.into());
                frame.invoke_choose_text_size(size);
                let path = self.dir.join(format!("{screen_id}-{lang}-{size_name}.png"));
                snapshot(self.window, &path)?;
                files.push(path);
            }
        }
        frame.invoke_choose_language("en".into());
        frame.invoke_choose_text_size(0);
        self.shots.push((screen_id.to_string(), files));
        Ok(())
    }

    fn wait_for(&self, what: &'static str, done: impl Fn() -> bool) -> Result<(), TourError> {
        if self.kiosk.pump_until(Duration::from_secs(20), done) {
            Ok(())
        } else {
            Err(TourError::Stuck(what))
        }
    }
}

/// Walks the demo participant `iin` through a whole visit, rendering every screen into `dir`,
/// and writes `dir/index.html`. At the end `stop_gateway` takes the gateway away, to show how
/// the kiosk tells a person it is offline. Returns the files written.
pub fn run(
    window: &MinimalSoftwareWindow,
    core: Arc<Core>,
    runtime: tokio::runtime::Handle,
    iin: &str,
    cards: komek_kiosk_core::cards::CardReaders,
    dir: &Path,
    stop_gateway: impl FnOnce(),
) -> Result<Vec<PathBuf>, TourError> {
    std::fs::create_dir_all(dir).map_err(|source| TourError::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    let app = AppWindow::new().map_err(|e| TourError::Platform(e.to_string()))?;
    app.show().map_err(|e| TourError::Platform(e.to_string()))?;
    let timing = Timing {
        warn_after: Duration::from_secs(3600),
        end_after_warning: Duration::from_secs(60),
    };
    let runtime_handle = runtime.clone();
    let kiosk = Kiosk::new(
        &app,
        core,
        runtime,
        timing,
        Box::new(SystemClock::default()),
        crate::bridge::Aids {
            cards,
            ..crate::bridge::Aids::silent()
        },
    );
    let mut tour = Tour {
        app: &app,
        window,
        kiosk: &kiosk,
        dir,
        shots: Vec::new(),
    };

    // The welcome screen's current notices come from the cached announcements.
    runtime_handle.block_on(kiosk.core().sync().refresh_announcements());
    let notices = app.global::<crate::AnnouncementsAdapter>();
    tour.wait_for("notices", || notices.get_notices().row_count() > 0)?;
    tour.shoot("welcome")?;
    technician_mode(&mut tour)?;
    app.global::<AppAdapter>().invoke_start("en".into());
    let login = app.global::<LoginAdapter>();
    for d in iin.chars().take(11) {
        login.invoke_iin_digit(d.to_string().into());
    }
    // One wrong last digit first, to show how a mistake is explained.
    let wrong_last = iin
        .chars()
        .last()
        .and_then(|c| c.to_digit(10))
        .map_or(0, |d| (d + 1) % 10);
    login.invoke_iin_digit(wrong_last.to_string().into());
    login.invoke_iin_submit();
    tour.shoot("iin-error")?;
    login.invoke_iin_erase();
    login.invoke_iin_digit(iin.chars().last().unwrap_or('0').to_string().into());
    tour.shoot("iin")?;
    // The other ways in: eGov Mobile's QR code, and the ID card's PIN.
    login.invoke_open_qr();
    let qr = app.global::<crate::QrAdapter>();
    tour.wait_for("the eGov QR code", || qr.get_code().size().width > 0)?;
    tour.shoot("egov-qr")?;
    app.global::<AppAdapter>().invoke_back();
    if let Some(demo) = kiosk.cards().demo() {
        demo.insert();
        kiosk.tick();
        let card = app.global::<crate::CardAdapter>();
        tour.wait_for("the card opened", || {
            !card.get_busy() && card.get_tries_left() > 0
        })?;
        for d in ["1", "2"] {
            card.invoke_digit(d.into());
        }
        tour.shoot("card-pin")?;
        demo.remove();
        kiosk.tick();
        tour.shoot("card-pin-removed")?;
        app.global::<AppAdapter>().invoke_back();
    }
    let speech = app.global::<crate::SpeechAdapter>();
    speech.invoke_open_settings();
    tour.shoot("speech-settings")?;
    speech.invoke_close_settings();
    let sign = app.global::<crate::SignAdapter>();
    sign.invoke_open_player();
    // A frame of the clip if the clips are there; the panel says so if they are not.
    let _ = kiosk.pump_until(Duration::from_secs(5), || {
        sign.get_frame().size().width > 0 || sign.get_problem() != crate::SignProblem::None
    });
    tour.shoot("sign-language")?;
    sign.invoke_close();
    login.invoke_iin_submit();
    tour.wait_for("code", || kiosk.screen() == Screen::Code)?;
    tour.wait_for("demo code", || !login.get_demo_code().is_empty())?;
    let code = login.get_demo_code().to_string();
    for d in code.chars().take(3) {
        login.invoke_code_digit(d.to_string().into());
    }
    tour.shoot("code")?;
    for d in code.chars().skip(3) {
        login.invoke_code_digit(d.to_string().into());
    }
    login.invoke_code_submit();
    tour.wait_for("activities", || kiosk.screen() == Screen::Activities)?;
    tour.shoot("activities")?;
    app.global::<AppAdapter>().invoke_toggle_contrast();
    tour.shoot("activities-high-contrast")?;
    app.global::<AppAdapter>().invoke_toggle_contrast();

    let report = app.global::<crate::ReportAdapter>();
    report.invoke_open_report();
    report.invoke_choose(crate::Problem::CodeNotReceived);
    for d in "7011234567".chars() {
        report.invoke_phone_digit(d.to_string().into());
    }
    report.invoke_describe();
    let keyboard = app.global::<crate::KeyboardAdapter>();
    keyboard.invoke_switch_layout();
    for key in ["с", "м", "с"] {
        keyboard.invoke_key(key.into());
    }
    keyboard.invoke_space();
    for key in ["к", "е", "л", "м", "е", "й", "д", "і"] {
        keyboard.invoke_key(key.into());
    }
    tour.shoot("describe")?;
    report.invoke_description_done();
    tour.shoot("report")?;
    report.invoke_send();
    tour.wait_for("requests", || !report.get_loading())?;
    tour.shoot("requests")?;
    app.global::<AppAdapter>().invoke_back();

    let announcements = app.global::<crate::AnnouncementsAdapter>();
    announcements.invoke_open();
    tour.wait_for("announcements", || announcements.get_rows().row_count() > 0)?;
    tour.shoot("announcements")?;
    announcements.invoke_choose(crate::AnnouncementSection::Questions);
    tour.shoot("announcements-questions")?;
    app.global::<AppAdapter>().invoke_back();

    let catalogue = app.global::<crate::CatalogueAdapter>();
    catalogue.invoke_open();
    tour.shoot("catalogue")?;
    catalogue.invoke_choose_category(crate::CatalogueCategory::Mobility);
    tour.wait_for("catalogue list", || catalogue.get_items().row_count() > 0)?;
    tour.shoot("catalogue-list")?;
    catalogue.invoke_open_item(0);
    tour.shoot("catalogue-item")?;
    catalogue.invoke_show_offers(true);
    tour.shoot("catalogue-suppliers")?;
    app.global::<AppAdapter>().invoke_back();
    app.global::<AppAdapter>().invoke_back();
    app.global::<AppAdapter>().invoke_back();

    let account = app.global::<crate::AccountAdapter>();
    account.invoke_open();
    tour.shoot("account")?;
    account.invoke_change_phone();
    for d in "7019998877".chars() {
        account.invoke_digit(d.to_string().into());
    }
    tour.shoot("phone-number")?;
    account.invoke_send_code();
    tour.wait_for("phone code", || account.get_code_sent())?;
    tour.shoot("phone-code")?;
    app.global::<AppAdapter>().invoke_back();
    account.invoke_change_email();
    tour.shoot("email")?;
    app.global::<AppAdapter>().invoke_back();
    app.global::<AppAdapter>().invoke_back();

    let rows = app.global::<ActivitiesAdapter>().get_rows();
    let open = rows
        .iter()
        .position(|r| r.status == ActivityStatus::AwaitingChoice)
        .unwrap_or(0);
    app.global::<ActivitiesAdapter>()
        .invoke_open(i32::try_from(open).unwrap_or(0));
    let detail = app.global::<ActivityAdapter>();
    tour.wait_for("activity", || detail.get_choices().row_count() > 0)?;
    tour.shoot("activity")?;
    detail.invoke_choose(0);
    tour.wait_for("review", || kiosk.screen() == Screen::Review)?;
    tour.shoot("review")?;
    app.global::<ReviewAdapter>().invoke_confirm();
    let signing = app.global::<crate::SigningAdapter>();
    tour.wait_for("signing code", || signing.get_demo_code().len() == 6)?;
    for digit in signing.get_demo_code().chars().take(4) {
        signing.invoke_digit(digit.to_string().into());
    }
    tour.shoot("signing")?;
    for digit in signing.get_demo_code().chars().skip(4) {
        signing.invoke_digit(digit.to_string().into());
    }
    signing.invoke_sign();
    tour.wait_for("receipt", || kiosk.screen() == Screen::Receipt)?;
    tour.shoot("receipt-saved")?;
    // Only now may the queue be delivered, so the first receipt shows the action as saved.
    sync::spawn_supervised(kiosk.core().sync().clone(), &runtime_handle);
    let delivered = || {
        kiosk
            .receipt()
            .and_then(|id| kiosk.core().action_status(id))
            .is_some_and(|q| q.state == ActionState::Delivered)
    };
    tour.wait_for("receipt sent", delivered)?;
    tour.shoot("receipt-sent")?;

    stop_gateway();
    app.global::<crate::ReceiptAdapter>().invoke_to_programme();
    runtime_handle.block_on(kiosk.core().sync().refresh_catalogue());
    tour.wait_for("offline", || app.global::<AppAdapter>().get_offline())?;
    tour.shoot("activities-offline")?;

    write_index(dir, &tour.shots)?;
    Ok(tour.shots.into_iter().flat_map(|(_, f)| f).collect())
}

/// Technician mode, from the welcome screen's corner held five seconds to its exit.
fn technician_mode(tour: &mut Tour) -> Result<(), TourError> {
    let (app, kiosk) = (tour.app, tour.kiosk);
    let frame = app.global::<AppAdapter>();
    frame.invoke_service_corner(true);
    tour.wait_for("technician sign-in", || {
        kiosk.screen() == Screen::TechnicianSignIn
    })?;
    frame.invoke_service_corner(false);
    frame.invoke_choose_language("en".into());
    let technician = app.global::<crate::TechnicianAdapter>();
    tour.wait_for("the demo technician's code", || {
        technician.get_demo_code().len() == 6
    })?;
    for digit in komek_kiosk_core::technician::DEMO_TECHNICIAN_IIN.chars() {
        technician.invoke_digit(digit.to_string().into());
    }
    for digit in technician.get_demo_code().chars().take(3) {
        technician.invoke_digit(digit.to_string().into());
    }
    tour.shoot("technician-sign-in")?;
    for digit in technician.get_demo_code().chars().skip(3) {
        technician.invoke_digit(digit.to_string().into());
    }
    technician.invoke_submit();
    tour.wait_for("technician mode", || kiosk.screen() == Screen::Technician)?;
    for (section, name) in [
        (crate::TechnicianSection::Kiosk, "technician"),
        (crate::TechnicianSection::Network, "technician-network"),
        (crate::TechnicianSection::Queue, "technician-queue"),
        (crate::TechnicianSection::Devices, "technician-devices"),
    ] {
        technician.invoke_show_section(section);
        if section == crate::TechnicianSection::Network {
            tour.wait_for("the round trip", || {
                technician
                    .get_lines()
                    .iter()
                    .any(|l| l.item == crate::StatusItem::RoundTrip && l.value.ends_with("ms"))
            })?;
        }
        tour.shoot(name)?;
    }
    technician.invoke_exit();
    Ok(())
}

fn write_index(dir: &Path, shots: &[(String, Vec<PathBuf>)]) -> Result<(), TourError> {
    let mut html = String::from(
        "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Komek — guided tour</title>\n\
         <style>body{font-family:sans-serif;margin:1em}td{vertical-align:top;padding:4px}\
         img{width:480px;border:1px solid #888}</style>\n<h1>Komek — every screen of one visit</h1>\n\
         <p>Columns: each language, at the default and the largest text size. \
         Demo data: all people and organisations are fictional.</p>\n<table>\n<tr><th>screen</th>",
    );
    for lang in Lang::offered().map(Lang::code) {
        for (_, size) in SIZES {
            html.push_str(&format!("<th>{lang} · {size}</th>"));
        }
    }
    html.push_str("</tr>\n");
    for (screen, files) in shots {
        html.push_str(&format!("<tr><td>{screen}</td>"));
        for f in files {
            let name = f
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            html.push_str(&format!(
                "<td><a href=\"{name}\"><img src=\"{name}\" alt=\"{name}\"></a></td>"
            ));
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</table>\n</html>\n");
    let path = dir.join("index.html");
    std::fs::write(&path, html).map_err(|source| TourError::Write { path, source })
}
