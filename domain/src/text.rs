//! A text from the portal's data, in every language it was given in.

use std::collections::BTreeMap;

use zeroize::Zeroize;

use crate::Lang;

/// A portal text keyed by language code (`kk`, `ru`, `en`, …), as it comes over the wire.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Text(BTreeMap<String, String>);

impl Text {
    /// The text in each language code given (an empty one counts as not given); languages
    /// derived from another (the test-only pseudo-language) are filled in here.
    pub fn new<K: Into<String>, V: Into<String>>(texts: impl IntoIterator<Item = (K, V)>) -> Self {
        let mut map: BTreeMap<String, String> = texts
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .filter(|(_, v): &(String, String)| !v.trim().is_empty())
            .collect();
        Lang::complete(&mut map);
        Text(map)
    }

    /// The text in `lang`, else in its fallbacks, else in any language given; empty if none.
    pub fn get(&self, lang: Lang) -> &str {
        lang.pick(|l| self.0.get(l.code()))
            .or_else(|| self.0.values().next())
            .map_or("", String::as_str)
    }

    /// Every language's text.
    pub fn values(&self) -> impl Iterator<Item = &str> {
        self.0.values().map(String::as_str)
    }

    pub fn zeroize(&mut self) {
        for text in self.0.values_mut() {
            text.zeroize();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lang(code: &str) -> Lang {
        Lang::from_code(code).unwrap()
    }

    #[test]
    fn a_missing_language_falls_back_along_the_registry() {
        let text = Text::new([("ru", "Слуховой аппарат"), ("en", "Hearing aid")]);
        assert_eq!(text.get(lang("kk")), "Слуховой аппарат");
        assert_eq!(text.get(lang("en")), "Hearing aid");
        let english_only = Text::new([("en", "Hearing aid")]);
        assert_eq!(english_only.get(lang("kk")), "Hearing aid");
        let other = Text::new([("uz", "Eshitish apparati")]);
        assert_eq!(other.get(lang("ru")), "Eshitish apparati");
        assert_eq!(Text::default().get(lang("ru")), "");
        let empty_kazakh = Text::new([("kk", " "), ("ru", "Слуховой аппарат")]);
        assert_eq!(empty_kazakh.get(lang("kk")), "Слуховой аппарат");
    }
}
