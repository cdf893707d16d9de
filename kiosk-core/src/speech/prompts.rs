//! The fixed prompts: their texts (compiled in from `assets/speech/prompts.toml`, so a prompt
//! can always be spoken) and where their rendered audio files are.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::Deserialize;

use super::Rate;
use komek_domain::Lang;

const PROMPTS_TOML: &str = include_str!("../../../assets/speech/prompts.toml");

#[derive(Debug, Deserialize)]
struct Entry {
    kk: String,
    ru: String,
    en: String,
}

fn table() -> &'static BTreeMap<String, Entry> {
    static TABLE: OnceLock<BTreeMap<String, Entry>> = OnceLock::new();
    TABLE.get_or_init(|| crate::assets::embedded_table(PROMPTS_TOML, "speech prompts"))
}

/// The prompt's words in `lang`, if the prompt exists.
pub fn text(id: &str, lang: Lang) -> Option<&'static str> {
    table().get(id).map(|e| match lang {
        Lang::Kk => e.kk.as_str(),
        Lang::Ru => e.ru.as_str(),
        Lang::En => e.en.as_str(),
    })
}

/// Where scripts/render-prompts puts the prompt's audio.
pub fn audio_file(dir: &Path, rate: Rate, lang: Lang, id: &str) -> PathBuf {
    dir.join(rate.dir())
        .join(lang.code())
        .join(format!("{id}.wav"))
}

/// The rendered prompts: an explicit folder, the installed copy, or the source tree.
pub fn default_dir(explicit: Option<&Path>) -> PathBuf {
    crate::assets::asset_dir(explicit, "speech", "assets/speech/audio", |d| d.is_dir())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_prompt_has_all_three_languages() {
        let parsed: BTreeMap<String, Entry> = toml::from_str(PROMPTS_TOML).unwrap();
        assert!(parsed.len() >= 10);
        for (id, entry) in &parsed {
            for (lang, text) in [("kk", &entry.kk), ("ru", &entry.ru), ("en", &entry.en)] {
                assert!(text.trim().len() > 5, "{id} has no {lang} text");
            }
        }
        assert_eq!(
            text("welcome", Lang::Ru).map(|t| t.contains("Комек")),
            Some(true)
        );
        assert_eq!(text("no-such-prompt", Lang::En), None);
    }
}
