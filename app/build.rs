//! Compiles the Slint UI in `../ui` into the kiosk library, with the kk and ru catalogues
//! bundled. Debug builds carry element debug info, which the headless UI tests need to find
//! elements by their accessible labels.

#[path = "build/audit.rs"]
mod audit;

fn main() {
    let debug = std::env::var("PROFILE").is_ok_and(|p| p == "debug");
    let config = slint_build::CompilerConfiguration::new()
        .with_style("fluent".into())
        .with_bundled_translations("../assets/translations")
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
    if std::env::var_os("CARGO_FEATURE_AUDIT").is_some() {
        let out = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default());
        if let Err(e) = audit::write(std::path::Path::new("../ui"), &out.join("adapter_audit.rs")) {
            eprintln!("writing the adapter audit: {e}");
            std::process::exit(1);
        }
    }
}
