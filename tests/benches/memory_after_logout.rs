//! What stays of a person in the kiosk's memory after their visit: a real gateway process, the
//! kiosk's window (headless) in this process, a visit by each demo participant through the
//! screens, logout; then a core dump of the kiosk process (gdb's `gcore`) is searched for
//! each person's IIN, names, phone, e-mail, address and document number (UTF-8). The kiosk
//! runs as a child of this program, which alone reads the demo data. Prints a table. A copy
//! counts where it is a whole word and not in the program's own text.
//!
//! `cargo build -p komek-gateway && cargo bench --profile dev -p komek-e2e --bench memory_after_logout`
//! (needs gdb, and ptrace allowed on a child). Nothing here is asserted: the figure is reported; the goal is 0.

// A measurement that cannot go on should stop loudly where it is.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;
use std::time::Duration;

use komek_e2e::kiosk::KioskCore;
use komek_e2e::{GatewayProcess, free_port};
use komek_kiosk::bridge::Kiosk;
use komek_kiosk::{AppAdapter, AppWindow, LoginAdapter, Screen};
use slint::ComponentHandle;

// The kiosk process measured here is this program: it allocates as the firmware does.
#[global_allocator]
static ALLOCATOR: komek_kiosk::KioskAllocator = komek_kiosk::KIOSK_ALLOCATOR;

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

/// One visit by the person whose IIN is `reversed_iin` backwards.
fn visit(app: &AppWindow, kiosk: &Kiosk, reversed_iin: &str) {
    let within = Duration::from_secs(10);
    app.global::<AppAdapter>().invoke_start("en".into());
    let login = app.global::<LoginAdapter>();
    for d in reversed_iin.chars().rev() {
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

/// Occurrences of `needle` as a whole word: "Әлихан" inside "Әлиханов көшесі" (a street in
/// the public catalogue) or an IIN inside a longer run of digits is another word, not a copy.
fn count(haystack: &[u8], needle: &[u8]) -> usize {
    if needle.is_empty() {
        return 0;
    }
    let word_char = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    memchr::memmem::find_iter(haystack, needle)
        .filter(|at| {
            let before = &haystack[at.saturating_sub(4)..*at];
            let after = &haystack[at + needle.len()..(at + needle.len() + 4).min(haystack.len())];
            let last_before = String::from_utf8_lossy(before).chars().last();
            let first_after = String::from_utf8_lossy(after).chars().next();
            !word_char(last_before) && !word_char(first_after)
        })
        .count()
}

/// Runs the visits in this process, knowing the IINs only as they are typed: they come on
/// standard input reversed, one a line, so no copy of the searched text is made here but
/// the kiosk's own.
fn child(gateway_url: String) {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let rig = KioskCore::start(gateway_url, &dir.path().join("kiosk")).unwrap();
    let (app, kiosk) = rig.window().unwrap();
    let reversed: Vec<String> = std::io::stdin()
        .lock()
        .lines()
        .map_while(Result::ok)
        .take_while(|l| !l.is_empty())
        .collect();
    for iin in &reversed {
        visit(&app, &kiosk, iin);
    }
    // As long as the next person takes to walk up.
    kiosk.pump_until(Duration::from_secs(5), || false);
    println!("done");
    // Stays as it is until the dump is taken and it is killed.
    loop {
        kiosk.pump_until(Duration::from_secs(1), || false);
    }
}

fn main() {
    if let Ok(url) = std::env::var("KOMEK_MEMORY_CHILD") {
        child(url);
        return;
    }
    use std::io::{BufRead, Write};
    let dir = tempfile::tempdir().unwrap();
    let gateway = GatewayProcess::start(&dir.path().join("gateway.db"), free_port().unwrap())
        .expect("run `cargo build -p komek-gateway` first");
    let people = people();
    let mut kiosk = Command::new(std::env::current_exe().unwrap())
        .env("KOMEK_MEMORY_CHILD", format!("http://{}", gateway.addr))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        let mut stdin = kiosk.stdin.take().unwrap();
        for (iin, _) in &people {
            writeln!(stdin, "{}", iin.chars().rev().collect::<String>()).unwrap();
        }
        writeln!(stdin).unwrap();
    }
    let mut line = String::new();
    std::io::BufReader::new(kiosk.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(
        line.trim(),
        "done",
        "the kiosk process did not finish its visits"
    );
    let core_file = dir.path().join("kiosk.core");
    let status = Command::new("gcore")
        .arg("-o")
        .arg(&core_file)
        .arg(kiosk.id().to_string())
        .output()
        .expect("gcore (Debian's gdb)");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let dumped = std::fs::read(format!("{}.{}", core_file.display(), kiosk.id())).unwrap();
    let _ = kiosk.kill();
    let _ = kiosk.wait();
    // To look at where a copy sits: KOMEK_MEMORY_KEEP=FILE keeps the dump.
    if let Some(keep) = std::env::var_os("KOMEK_MEMORY_KEEP") {
        std::fs::write(keep, &dumped).unwrap();
    }
    println!(
        "core dump of the kiosk process after {} visits and logouts: {} MiB",
        people.len(),
        dumped.len() >> 20
    );
    println!("| person | IIN | surname | given name | phone | e-mail | address | document |");
    println!("|---|---|---|---|---|---|---|---|");
    let program = std::fs::read(std::env::current_exe().unwrap()).unwrap();
    let mut total = 0;
    for (iin, fields) in &people {
        // The program's own text is mapped into the dump: the demo's constants (its eGov
        // Mobile approves as one demo participant) are not something a visit left behind.
        let counts: Vec<usize> = fields
            .iter()
            .map(|(_, value)| {
                count(&dumped, value.as_bytes()).saturating_sub(count(&program, value.as_bytes()))
            })
            .collect();
        total += counts.iter().sum::<usize>();
        let masked = format!("…{}", &iin[iin.len() - 4..]);
        let cells: Vec<String> = counts.iter().map(usize::to_string).collect();
        println!("| {masked} | {} |", cells.join(" | "));
    }
    println!("total occurrences: {total}");
}
