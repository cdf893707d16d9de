//! Compiles the Slint UI in `../ui` into the kiosk library, with the kk and ru catalogues
//! bundled. Debug builds carry element debug info, which the headless UI tests need to find
//! elements by their accessible labels.

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
}
