//! Compiles the Slint UI in `../ui` into the kiosk library, with the catalogues of
//! `../assets/translations` bundled (and, for tests, the pseudo-language's). Debug builds carry
//! element debug info, which the headless UI tests need to find elements by their accessible
//! labels.

#[path = "build/audit.rs"]
mod audit;
#[path = "build/pseudo_po.rs"]
mod pseudo_po;

fn main() {
    let debug = std::env::var("PROFILE").is_ok_and(|p| p == "debug");
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default());
    let mut translations = std::path::PathBuf::from("../assets/translations");
    // Feature "pseudo-language" (the UI tests'): the real catalogues and a pseudo one.
    if std::env::var_os("CARGO_FEATURE_PSEUDO_LANGUAGE").is_some() {
        match pseudo_po::write(&translations, &out) {
            Ok(dir) => translations = dir,
            Err(e) => {
                eprintln!("writing the pseudo-language's catalogue: {e}");
                std::process::exit(1);
            }
        }
    }
    println!("cargo:rerun-if-changed=../assets/translations");
    println!("cargo:rerun-if-changed=build/pseudo_po.rs");
    println!("cargo:rerun-if-changed=../domain/src/language/pseudo.rs");
    let config = slint_build::CompilerConfiguration::new()
        .with_style("fluent".into())
        .with_bundled_translations(translations)
        // Strings are translated by their text alone, so one entry serves every screen.
        .with_default_translation_context(slint_build::DefaultTranslationContext::None)
        .with_debug_info(debug);
    if let Err(e) = slint_build::compile_with_config("../ui/main.slint", config) {
        eprintln!("{e}");
        std::process::exit(1);
    }
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=build/audit.rs");
    // Feature "audit" (the UI tests'): every adapter property readable as text.
    if std::env::var_os("CARGO_FEATURE_AUDIT").is_some()
        && let Err(e) = audit::write(std::path::Path::new("../ui"), &out.join("adapter_audit.rs"))
    {
        eprintln!("writing the adapter audit: {e}");
        std::process::exit(1);
    }
}
