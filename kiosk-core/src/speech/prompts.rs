//! The fixed prompts: their texts (compiled in from `assets/speech/prompts.toml`, so a prompt
//! can always be spoken) and where their rendered audio files are.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use super::Rate;
use komek_domain::Lang;

const PROMPTS_TOML: &str = include_str!("../../../assets/speech/prompts.toml");

/// A prompt's words keyed by language code.
type Entry = BTreeMap<String, String>;

fn table() -> &'static BTreeMap<String, Entry> {
    static TABLE: OnceLock<BTreeMap<String, Entry>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table: BTreeMap<String, Entry> =
            crate::assets::embedded_table(PROMPTS_TOML, "speech prompts");
        table.values_mut().for_each(Lang::complete);
        table
    })
}

/// The prompt's words in `lang` (or its fallback's), if the prompt exists.
pub fn text(id: &str, lang: Lang) -> Option<&'static str> {
    let entry = table().get(id)?;
    lang.pick(|l| entry.get(l.code())).map(String::as_str)
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
    fn every_prompt_is_in_every_offered_language_and_no_other() {
        let parsed: BTreeMap<String, Entry> = toml::from_str(PROMPTS_TOML).unwrap();
        assert!(parsed.len() >= 10);
        for (id, entry) in &parsed {
            for lang in Lang::offered() {
                let text = entry.get(lang.code()).map_or("", |t| t.trim());
                assert!(text.len() > 5, "{id} has no {lang:?} text");
            }
            for code in entry.keys() {
                assert!(
                    Lang::from_code(code).is_some(),
                    "{id}: {code} is no language"
                );
            }
        }
        let ru = Lang::from_code("ru").unwrap();
        assert_eq!(text("welcome", ru).map(|t| t.contains("Комек")), Some(true));
        assert_eq!(text("no-such-prompt", ru), None);
    }
}
