//! What the crate graph cannot say about the layers, checked on the sources: the domain reads
//! no clock and does no IO; the kiosk core knows no Slint, and GStreamer only behind its
//! `video` feature; no word a person sees or hears is written in code rather than in the
//! catalogues. Each failure names the file and the line.

use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        panic!("cannot read {}", dir.display())
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every line of the crate's sources (outside `#[cfg(test)]` modules, which may use what they
/// like) that contains one of `forbidden`.
fn offending_lines(crate_dir: &str, forbidden: &[&str]) -> Vec<String> {
    lines_where(crate_dir, |code| forbidden.iter().any(|w| code.contains(w)))
}

/// Every line of the crate's sources outside `#[cfg(test)]` modules whose code (what comes
/// before a `//`) `offends`.
fn lines_where(crate_dir: &str, offends: impl Fn(&str) -> bool) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(&workspace().join(crate_dir).join("src"), &mut files);
    assert!(!files.is_empty(), "no sources found in {crate_dir}");
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        for (n, line) in lines.iter().enumerate() {
            // A test module written inline ends what is checked; one in a file of its own
            // (`#[cfg(test)] mod x;`) leaves the rest of this file checked.
            let next = lines.get(n + 1).map(|l| l.trim()).unwrap_or_default();
            if line.trim_start().starts_with("#[cfg(test)]")
                && !(next.starts_with("mod ") && next.ends_with(';'))
            {
                break;
            }
            let code = line.split("//").next().unwrap_or_default();
            if offends(code) {
                found.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
            }
        }
    }
    found
}

#[test]
fn the_domain_reads_no_clock_and_does_no_io() {
    let found = offending_lines(
        "domain",
        &[
            "::now(",
            "::today(",
            "now_v7",
            "std::fs",
            "std::io",
            "println!",
            "eprintln!",
            "std::net",
            "std::process",
            "std::env",
            "std::thread",
            "tokio",
            "rusqlite",
            "reqwest",
            "slint",
            "rand::",
        ],
    );
    assert!(
        found.is_empty(),
        "the domain must stay pure:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_kiosk_core_knows_no_slint() {
    let found = offending_lines("kiosk-core", &["slint"]);
    assert!(
        found.is_empty(),
        "the core must not know the UI:\n{}",
        found.join("\n")
    );
    let manifest =
        std::fs::read_to_string(workspace().join("kiosk-core/Cargo.toml")).unwrap_or_default();
    assert!(
        !manifest.contains("slint"),
        "kiosk-core/Cargo.toml names slint"
    );
}

#[test]
fn gstreamer_is_optional_in_the_kiosk_core() {
    let manifest =
        std::fs::read_to_string(workspace().join("kiosk-core/Cargo.toml")).unwrap_or_default();
    let gstreamer_deps: Vec<&str> = manifest
        .lines()
        .filter(|l| l.starts_with("gstreamer"))
        .collect();
    assert!(
        !gstreamer_deps.is_empty(),
        "the manifest lost its gstreamer lines"
    );
    for line in gstreamer_deps {
        assert!(line.contains("optional = true"), "not optional: {line}");
    }
}

fn is_cyrillic(c: char) -> bool {
    ('\u{0400}'..='\u{04FF}').contains(&c)
}

#[test]
fn no_kazakh_or_russian_word_is_written_in_code() {
    // Words live in assets/languages.toml, the gettext catalogues and the prompts, so that a
    // language is added as data. Left alone: the search's folding of ё into е (a rule of
    // Russian spelling) and the demo tour's typing on the Kazakh keyboard.
    let allowed = ["'ё'", "for key in ["];
    let mut found = Vec::new();
    for crate_dir in ["domain", "kiosk-core", "app"] {
        found.extend(lines_where(crate_dir, |code| {
            code.chars().any(is_cyrillic) && !allowed.iter().any(|a| code.contains(a))
        }));
    }
    // In the UI only names that are not words: the product's name and the two sign languages'
    // abbreviations.
    let names = ["Көмек", "ҚЫТ", "РЖЯ"];
    let mut slint = Vec::new();
    slint_files(&workspace().join("ui"), &mut slint);
    assert!(!slint.is_empty());
    for file in slint {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        for (n, line) in text.lines().enumerate() {
            let mut code = line.split("//").next().unwrap_or_default().to_string();
            for name in names {
                code = code.replace(name, "");
            }
            if code.chars().any(is_cyrillic) {
                found.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "words written in code: {found:#?}");
}

fn slint_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            slint_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "slint") {
            out.push(path);
        }
    }
}
