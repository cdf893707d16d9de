//! The kiosk's languages as data: the registry in `assets/languages.toml` (code, name in
//! itself, voice, sign language, keyboard, spoken formats, the words code puts together). A
//! [`Lang`] is a place in that registry; nothing else in the kiosk names a spoken language
//! (the two sign languages are `komek_kiosk_core::sign::SignLanguage`).

#[cfg(feature = "pseudo-language")]
pub mod pseudo;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

const LANGUAGES_TOML: &str = include_str!("../../assets/languages.toml");

/// One of the registry's languages. Copy and cheap: an index into the registry.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Lang(u8);

/// The words the kiosk puts together in code (spoken roles, amounts, the receipt's QR text,
/// the catalogue's small print) and those of the pages shown in every language at once.
/// Every language has every word; a test says which is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Word {
    Currency,
    Minus,
    Button,
    Selected,
    NotSelected,
    Unavailable,
    KeyboardKey,
    DigitKey,
    ReceiptTitle,
    ReceiptKioskReference,
    ReceiptPortalReference,
    PlannedFix,
    CategoryProstheticOrthopaedic,
    CategoryHearing,
    CategoryVision,
    CategoryHygiene,
    CategoryMobility,
    CategorySignLanguage,
    CategoryIndividualAssistant,
    CategorySanatorium,
    CategorySocialServicesHome,
    CategorySocialServicesDaycare,
    Welcome,
    ChooseLanguage,
    CardHint,
    TakeCard,
    OutOfServiceTitle,
    OutOfServiceBody,
}

impl Word {
    pub const ALL: [Word; 28] = [
        Word::Currency,
        Word::Minus,
        Word::Button,
        Word::Selected,
        Word::NotSelected,
        Word::Unavailable,
        Word::KeyboardKey,
        Word::DigitKey,
        Word::ReceiptTitle,
        Word::ReceiptKioskReference,
        Word::ReceiptPortalReference,
        Word::PlannedFix,
        Word::CategoryProstheticOrthopaedic,
        Word::CategoryHearing,
        Word::CategoryVision,
        Word::CategoryHygiene,
        Word::CategoryMobility,
        Word::CategorySignLanguage,
        Word::CategoryIndividualAssistant,
        Word::CategorySanatorium,
        Word::CategorySocialServicesHome,
        Word::CategorySocialServicesDaycare,
        Word::Welcome,
        Word::ChooseLanguage,
        Word::CardHint,
        Word::TakeCard,
        Word::OutOfServiceTitle,
        Word::OutOfServiceBody,
    ];
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Formats {
    /// With `{day}`, `{month}` and `{year}`.
    pub spoken_date: String,
    pub months: Vec<String>,
}

/// A language as the registry describes it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Language {
    pub code: String,
    pub name: String,
    pub short: String,
    /// The UI's gettext catalogue; empty for the language the UI is written in.
    pub translation: String,
    pub voice: String,
    pub sign: String,
    #[serde(default)]
    pub fallback: Option<String>,
    #[serde(default, deserialize_with = "keys")]
    pub keyboard: Vec<Vec<String>>,
    #[serde(default)]
    pub formats: Formats,
    #[serde(default)]
    words: BTreeMap<Word, String>,
    /// Whether a person is offered it (the test-only pseudo-language is not).
    #[serde(skip, default = "offered")]
    offered: bool,
    /// The language whose texts this one is derived from (the pseudo-language's English).
    #[serde(skip)]
    derived_from: Option<String>,
}

fn offered() -> bool {
    true
}

/// A keyboard row is written as one string; each letter is a key.
fn keys<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Vec<String>>, D::Error> {
    let rows: Vec<String> = Vec::deserialize(d)?;
    Ok(rows
        .iter()
        .map(|row| row.chars().map(String::from).collect())
        .collect())
}

#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("assets/languages.toml does not parse: {0}")]
    Syntax(String),
    #[error("assets/languages.toml has no language")]
    Empty,
}

#[derive(Deserialize)]
struct File {
    language: Vec<Language>,
}

fn parse(text: &str) -> Result<Vec<Language>, RegistryError> {
    let file: File = toml::from_str(text).map_err(|e| RegistryError::Syntax(e.to_string()))?;
    if file.language.is_empty() || file.language.len() > usize::from(u8::MAX) {
        return Err(RegistryError::Empty);
    }
    Ok(file.language)
}

/// English alone, with its words as their ids: what the kiosk still shows should the compiled-in
/// registry be broken (its unit test parses the same text, so a broken one cannot ship).
fn minimal() -> Vec<Language> {
    vec![Language {
        code: "en".into(),
        name: "English".into(),
        short: "ENG".into(),
        translation: String::new(),
        voice: "en".into(),
        sign: "ru".into(),
        fallback: None,
        keyboard: Vec::new(),
        formats: Formats::default(),
        words: BTreeMap::new(),
        offered: true,
        derived_from: None,
    }]
}

fn registry() -> &'static [Language] {
    static REGISTRY: OnceLock<Vec<Language>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        #[allow(unused_mut)]
        let mut languages = parse(LANGUAGES_TOML).unwrap_or_else(|_| minimal());
        #[cfg(feature = "pseudo-language")]
        if let Some(pseudo) = pseudo_language(&languages) {
            languages.push(pseudo);
        }
        languages
    })
}

#[cfg(feature = "pseudo-language")]
/// The pseudo-language's registry entry, derived from English's.
fn pseudo_language(languages: &[Language]) -> Option<Language> {
    let english = languages.iter().find(|l| l.code == "en")?;
    let mut pseudo = english.clone();
    pseudo.code = pseudo::CODE.into();
    pseudo.name = pseudo::text(&english.name);
    pseudo.short = "QPS".into();
    pseudo.translation = pseudo::CODE.into();
    pseudo.fallback = Some(english.code.clone());
    pseudo.offered = false;
    pseudo.derived_from = Some(english.code.clone());
    pseudo.formats.months = english
        .formats
        .months
        .iter()
        .map(|m| pseudo::text(m))
        .collect();
    for word in pseudo.words.values_mut() {
        *word = pseudo::text(word);
    }
    Some(pseudo)
}

/// Why the compiled-in registry could not be read, for the kiosk's log at start.
pub fn registry_error() -> Option<RegistryError> {
    parse(LANGUAGES_TOML).err()
}

impl Lang {
    /// Every language of the registry, in its order (with the `pseudo-language` feature, the
    /// pseudo-language last).
    pub fn all() -> impl Iterator<Item = Lang> {
        (0..registry().len()).filter_map(|i| u8::try_from(i).ok().map(Lang))
    }

    /// The languages a person can choose, in the order of their buttons.
    pub fn offered() -> impl Iterator<Item = Lang> {
        Lang::all().filter(|l| l.info().offered)
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::all().find(|l| l.code() == code)
    }

    pub fn info(self) -> &'static Language {
        let languages = registry();
        &languages[usize::from(self.0).min(languages.len() - 1)]
    }

    pub fn code(self) -> &'static str {
        &self.info().code
    }

    /// This language, then its fallbacks in turn (each once).
    pub fn fallbacks(self) -> impl Iterator<Item = Lang> {
        let mut chain = vec![self];
        while let Some(next) = chain
            .last()
            .and_then(|l| l.info().fallback.as_deref())
            .and_then(Lang::from_code)
            .filter(|l| !chain.contains(l))
        {
            chain.push(next);
        }
        chain.into_iter()
    }

    /// The first of this language's fallbacks that `find` gives something for.
    pub fn pick<T>(self, mut find: impl FnMut(Lang) -> Option<T>) -> Option<T> {
        self.fallbacks().find_map(&mut find)
    }

    /// `word` in this language (or its fallback's); empty where none has it.
    pub fn word(self, word: Word) -> &'static str {
        self.pick(|l| l.info().words.get(&word).map(String::as_str))
            .unwrap_or("")
    }

    /// `word` in every offered language, joined: "Тілді таңдаңыз · Выберите язык · Choose
    /// your language".
    pub fn in_every_language(word: Word) -> String {
        Lang::offered()
            .map(|l| l.word(word))
            .collect::<Vec<_>>()
            .join(" · ")
    }

    /// The language after this one among the offered, round again after the last.
    pub fn next_offered(self) -> Lang {
        let offered: Vec<Lang> = Lang::offered().collect();
        let at = offered.iter().position(|l| *l == self);
        let next = at.map_or(0, |i| (i + 1) % offered.len().max(1));
        offered.get(next).copied().unwrap_or_default()
    }

    /// Fills in, in `texts` (a text keyed by language code), the languages derived from another
    /// (the pseudo-language from English), so that every registered language reads it.
    pub fn complete(texts: &mut BTreeMap<String, String>) {
        for lang in Lang::all() {
            if let Some(base) = &lang.info().derived_from
                && !texts.contains_key(lang.code())
                && let Some(text) = texts.get(base)
            {
                let derived = derive(text);
                texts.insert(lang.code().to_string(), derived);
            }
        }
    }
}

#[cfg(feature = "pseudo-language")]
fn derive(text: &str) -> String {
    pseudo::text(text)
}

#[cfg(not(feature = "pseudo-language"))]
fn derive(text: &str) -> String {
    text.to_string()
}

impl std::fmt::Debug for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_parses_and_starts_with_kazakh() {
        let languages = parse(LANGUAGES_TOML).unwrap();
        let codes: Vec<&str> = languages.iter().map(|l| l.code.as_str()).collect();
        assert_eq!(&codes[..3], ["kk", "ru", "en"]);
        assert_eq!(Lang::default().code(), "kk");
        assert_eq!(Lang::offered().count(), languages.len());
    }

    #[test]
    fn every_language_has_every_word_twelve_months_and_a_date_pattern() {
        for lang in parse(LANGUAGES_TOML).unwrap() {
            for word in Word::ALL {
                assert!(
                    lang.words.get(&word).is_some_and(|w| !w.is_empty()),
                    "{} has no {word:?}",
                    lang.code
                );
            }
            assert_eq!(lang.formats.months.len(), 12, "{}", lang.code);
            for part in ["{day}", "{month}", "{year}"] {
                assert!(lang.formats.spoken_date.contains(part), "{}", lang.code);
            }
            assert!(!lang.keyboard.is_empty(), "{} has no keyboard", lang.code);
        }
    }

    #[test]
    fn fallbacks_name_registered_languages_and_end() {
        for lang in Lang::all() {
            if let Some(code) = &lang.info().fallback {
                assert!(
                    Lang::from_code(code).is_some(),
                    "{lang:?} falls back to {code}"
                );
            }
            let chain: Vec<Lang> = lang.fallbacks().collect();
            assert_eq!(chain[0], lang);
            assert!(chain.len() <= Lang::all().count());
        }
        let kk = Lang::from_code("kk").unwrap();
        let codes: Vec<&str> = kk.fallbacks().map(Lang::code).collect();
        assert_eq!(codes, ["kk", "ru", "en"]);
    }

    #[test]
    fn words_come_from_the_registry() {
        let ru = Lang::from_code("ru").unwrap();
        assert_eq!(ru.word(Word::Currency), "тенге");
        assert_eq!(Lang::from_code("en").unwrap().word(Word::Button), "button");
    }

    #[test]
    fn the_next_offered_language_goes_round() {
        let codes: Vec<&str> =
            std::iter::successors(Some(Lang::default()), |l| Some(l.next_offered()))
                .take(4)
                .map(Lang::code)
                .collect();
        assert_eq!(codes, ["kk", "ru", "en", "kk"]);
    }

    #[test]
    fn an_unknown_field_or_an_empty_registry_is_refused() {
        assert!(matches!(
            parse("[[language]]\ncode = \"uz\"\nnmae = \"O'zbekcha\""),
            Err(RegistryError::Syntax(_))
        ));
        assert!(matches!(parse("language = []"), Err(RegistryError::Empty)));
    }
}
