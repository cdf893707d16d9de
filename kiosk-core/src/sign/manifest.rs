//! The clip manifest: screen id → clip file per sign language. Compiled in, like the speech
//! prompts, so every kiosk knows every slot; the files live in the clips folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::Deserialize;

use komek_domain::Lang;

const MANIFEST_TOML: &str = include_str!("../../../assets/sign/manifest.toml");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignLanguage {
    /// Kazakh sign language.
    Kk,
    /// Russian sign language.
    Ru,
}

impl SignLanguage {
    pub const ALL: [SignLanguage; 2] = [SignLanguage::Kk, SignLanguage::Ru];

    pub fn code(self) -> &'static str {
        match self {
            SignLanguage::Kk => "kk",
            SignLanguage::Ru => "ru",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The sign language offered first on a screen in `lang` (the registry's `sign`); Russian,
    /// the one most Deaf people in Kazakhstan learned at school, where it names none known.
    pub fn for_screen_language(lang: Lang) -> Self {
        Self::from_code(&lang.info().sign).unwrap_or(SignLanguage::Ru)
    }
}

#[derive(Debug, Deserialize)]
struct Slot {
    kk: String,
    ru: String,
}

fn table() -> &'static BTreeMap<String, Slot> {
    static TABLE: OnceLock<BTreeMap<String, Slot>> = OnceLock::new();
    TABLE.get_or_init(|| crate::assets::embedded_table(MANIFEST_TOML, "sign-language manifest"))
}

/// The manifest's own name for slot `name` (a screen or a video instruction), if it has one.
pub fn slot(name: &str) -> Option<&'static str> {
    table().get_key_value(name).map(|(key, _)| key.as_str())
}

/// The clip of `screen` in `language`, inside `clips_dir`.
pub fn clip(clips_dir: &Path, screen: &str, language: SignLanguage) -> Option<PathBuf> {
    table().get(screen).map(|slot| {
        clips_dir.join(match language {
            SignLanguage::Kk => &slot.kk,
            SignLanguage::Ru => &slot.ru,
        })
    })
}

pub fn screens() -> impl Iterator<Item = &'static str> {
    table().keys().map(String::as_str)
}

/// The slots whose file is missing from `clips_dir`, as "screen/language" (for the technician).
pub fn missing(clips_dir: &Path) -> Vec<String> {
    let mut missing = Vec::new();
    for screen in screens() {
        for language in SignLanguage::ALL {
            if clip(clips_dir, screen, language).is_none_or(|path| !path.is_file()) {
                missing.push(format!("{screen}/{}", language.code()));
            }
        }
    }
    missing
}

/// The clips: an explicit folder, the installed copy, or the source tree.
pub fn default_dir(explicit: Option<&Path>) -> PathBuf {
    crate::assets::asset_dir(explicit, "sign", "assets/sign/clips", |d| d.is_dir())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifest_parses_and_names_a_file_per_sign_language() {
        let parsed: BTreeMap<String, Slot> = toml::from_str(MANIFEST_TOML).unwrap();
        assert!(parsed.len() >= 7);
        for (screen, slot) in &parsed {
            assert!(
                slot.kk.ends_with(".ogv") && slot.ru.ends_with(".ogv"),
                "{screen}"
            );
            assert_ne!(slot.kk, slot.ru, "{screen}");
        }
        let dir = Path::new("/clips");
        assert_eq!(
            clip(dir, "iin", SignLanguage::Ru),
            Some(PathBuf::from("/clips/iin-ru.ogv"))
        );
        assert_eq!(clip(dir, "nowhere", SignLanguage::Kk), None);
        assert_eq!(missing(Path::new("/nonexistent")).len(), parsed.len() * 2);
    }

    #[test]
    fn every_language_offers_a_sign_language_the_manifest_has() {
        for lang in Lang::all() {
            assert!(
                SignLanguage::from_code(&lang.info().sign).is_some(),
                "{lang:?} offers sign language {:?}",
                lang.info().sign
            );
        }
        let kk = Lang::from_code("kk").unwrap();
        let en = Lang::from_code("en").unwrap();
        assert_eq!(SignLanguage::for_screen_language(kk), SignLanguage::Kk);
        assert_eq!(SignLanguage::for_screen_language(en), SignLanguage::Ru);
    }
}
