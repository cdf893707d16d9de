//! What stays of a person in the kiosk's memory after their visit: a real gateway process, the
//! kiosk's window (headless) in this process, a visit by each demo participant through the
//! screens, logout; then a core dump of this process (gdb's `gcore`) is searched for each
//! person's IIN, names, phone, e-mail, address and document number (UTF-8). Prints a table.
//!
//! `cargo build -p komek-gateway && cargo bench --profile dev -p komek-e2e --bench memory_after_logout`
//! (needs gdb). Nothing here is asserted: the figure is reported; the goal is 0.

// A measurement that cannot go on should stop loudly where it is.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;
use std::time::Duration;

use komek_e2e::kiosk::KioskCore;
use komek_e2e::{GatewayProcess, free_port};
use komek_kiosk::bridge::{Aids, Kiosk, SystemClock};
use komek_kiosk::{AppAdapter, AppWindow, LoginAdapter, Screen};
use slint::ComponentHandle;

fn people() -> Vec<(String, Vec<(&'static str, String)>)> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../assets/demo/participants.json"
    );
    let data: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    data["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let text = |k: &str| p[k].as_str().unwrap_or_default().to_string();
            (
                text("iin"),
                vec![
                    ("IIN", text("iin")),
                    ("surname", text("surname")),
                    ("given name", text("given_name")),
                    ("phone", text("phone")),
                    ("e-mail", text("email")),
                    ("address", text("address")),
                    (
                        "document",
                        p["id_document"]["number"]
                            .as_str()
                            .unwrap_or_default()
                            .to_string(),
                    ),
                ],
            )
        })
        .collect()
}

fn visit(app: &AppWindow, kiosk: &Kiosk, iin: &str) {
    let within = Duration::from_secs(10);
    app.global::<AppAdapter>().invoke_start("en".into());
    let login = app.global::<LoginAdapter>();
    for d in iin.chars() {
        login.invoke_iin_digit(d.to_string().into());
    }
    login.invoke_iin_submit();
    assert!(kiosk.pump_until(within, || login.get_demo_code().len() == 6));
    for d in login.get_demo_code().chars() {
        login.invoke_code_digit(d.to_string().into());
    }
    login.invoke_code_submit();
    assert!(kiosk.pump_until(within, || matches!(
        kiosk.screen(),
        Screen::Activities | Screen::Principals | Screen::Offer
    )));
    // The account shows every field of the profile.
    app.global::<komek_kiosk::AccountAdapter>().invoke_open();
    kiosk.pump_until(Duration::from_millis(500), || false);
    app.global::<AppAdapter>().invoke_logout();
    assert!(kiosk.pump_until(within, || kiosk.screen() == Screen::Welcome));
    // Let the logout reach the gateway and the runtime drop what it held.
    kiosk.pump_until(Duration::from_secs(1), || false);
}

fn count(haystack: &[u8], needle: &[u8]) -> usize {
    if needle.is_empty() {
        return 0;
    }
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle)
        .count()
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let gateway = GatewayProcess::start(&dir.path().join("gateway.db"), free_port().unwrap())
        .expect("run `cargo build -p komek-gateway` first");
    let rig = KioskCore::start(
        format!("http://{}", gateway.addr),
        &dir.path().join("kiosk"),
    )
    .unwrap();
    i_slint_backend_testing::init_no_event_loop();
    let app = AppWindow::new().unwrap();
    let kiosk = Kiosk::new(
        &app,
        rig.core.clone(),
        rig.runtime.handle().clone(),
        komek_kiosk_core::session::Timing::default(),
        Box::new(SystemClock::default()),
        Aids::silent(),
    );
    let people = people();
    for (iin, _) in &people {
        visit(&app, &kiosk, iin);
    }
    let core_file = dir.path().join("kiosk.core");
    let status = Command::new("gcore")
        .arg("-o")
        .arg(&core_file)
        .arg(std::process::id().to_string())
        .output()
        .expect("gcore (Debian's gdb)");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let dumped = std::fs::read(format!("{}.{}", core_file.display(), std::process::id())).unwrap();
    println!(
        "core dump after {} visits and logouts: {} MiB",
        people.len(),
        dumped.len() >> 20
    );
    println!("| person | IIN | surname | given name | phone | e-mail | address | document |");
    println!("|---|---|---|---|---|---|---|---|");
    let mut total = 0;
    for (iin, fields) in &people {
        let counts: Vec<usize> = fields
            .iter()
            .map(|(_, value)| count(&dumped, value.as_bytes()))
            .collect();
        total += counts.iter().sum::<usize>();
        let masked = format!("…{}", &iin[iin.len() - 4..]);
        let cells: Vec<String> = counts.iter().map(usize::to_string).collect();
        println!("| {masked} | {} |", cells.join(" | "));
    }
    println!("total occurrences: {total}");
    drop(kiosk);
}
