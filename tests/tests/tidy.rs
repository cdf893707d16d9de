//! What the crate graph cannot say about the layers, checked on the sources: the domain reads
//! no clock and does no IO; the kiosk core knows no Slint, and GStreamer only behind its
//! `video` feature. Each failure names the file and the line.

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
            for word in forbidden {
                if code.contains(word) {
                    found.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
                }
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
