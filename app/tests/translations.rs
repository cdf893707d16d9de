//! Every text of the UI exists in every offered language (English is the source; the others
//! have catalogues): each catalogue covers the template made by `slint-tr-extractor`, with
//! every form filled and the same placeholders as the English.

// A test that cannot go on should stop loudly where it is.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(Debug, Default, Clone)]
struct Entry {
    msgid: String,
    plural: Option<String>,
    translations: Vec<String>,
    fuzzy: bool,
}

fn unquote(s: &str) -> String {
    let inner = s.trim().trim_start_matches('"').trim_end_matches('"');
    inner
        .replace("\\\"", "\"")
        .replace("\\n", "\n")
        .replace("\\\\", "\\")
}

/// A small reader for the subset of the gettext format the extractor writes.
fn parse(text: &str) -> BTreeMap<String, Entry> {
    let mut entries = BTreeMap::new();
    for block in text.split("\n\n") {
        let mut entry = Entry::default();
        let mut current: Option<&mut String> = None;
        let mut strs: BTreeMap<usize, String> = BTreeMap::new();
        let mut target = 0usize; // 0 msgid, 1 plural, 2.. msgstr[n]
        for line in block.lines() {
            if line.starts_with("#,") && line.contains("fuzzy") {
                entry.fuzzy = true;
            }
            if line.starts_with('#') {
                continue;
            }
            let _ = current.take();
            if let Some(rest) = line.strip_prefix("msgid_plural ") {
                entry.plural = Some(unquote(rest));
                target = 1;
            } else if let Some(rest) = line.strip_prefix("msgid ") {
                entry.msgid = unquote(rest);
                target = 0;
            } else if let Some(rest) = line.strip_prefix("msgstr[") {
                let (index, value) = rest.split_once("] ").unwrap();
                let index: usize = index.parse().unwrap();
                strs.insert(index, unquote(value));
                target = 2 + index;
            } else if let Some(rest) = line.strip_prefix("msgstr ") {
                strs.insert(0, unquote(rest));
                target = 2;
            } else if line.starts_with('"') {
                let more = unquote(line);
                match target {
                    0 => entry.msgid.push_str(&more),
                    1 => entry.plural.get_or_insert_with(String::new).push_str(&more),
                    n => strs.entry(n - 2).or_default().push_str(&more),
                }
            }
        }
        entry.translations = strs.into_values().collect();
        if !entry.msgid.is_empty() {
            entries.insert(entry.msgid.clone(), entry);
        }
    }
    entries
}

fn translations_dir() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../assets/translations"
    ))
}

fn placeholders(s: &str) -> (usize, usize) {
    (s.matches("{}").count(), s.matches("{n}").count())
}

#[test]
fn every_ui_text_is_translated_into_every_offered_language() {
    let template =
        parse(&std::fs::read_to_string(translations_dir().join("komek-kiosk.pot")).unwrap());
    assert!(template.len() > 50, "the template holds the UI's texts");
    // Every offered language but the UI's own (English) has a catalogue.
    let catalogues: Vec<&str> = komek_domain::Lang::offered()
        .map(|l| l.info().translation.as_str())
        .filter(|t| !t.is_empty())
        .collect();
    assert!(catalogues.contains(&"kk") && catalogues.contains(&"ru"));
    for lang in catalogues {
        let path = translations_dir()
            .join(lang)
            .join("LC_MESSAGES/komek-kiosk.po");
        let text = std::fs::read_to_string(&path).unwrap();
        let forms: usize = text
            .split("nplurals=")
            .nth(1)
            .and_then(|rest| rest.split(';').next())
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or_else(|| panic!("{lang}: no Plural-Forms"));
        let catalogue = parse(&text);
        for (msgid, source) in &template {
            let entry = catalogue
                .get(msgid)
                .unwrap_or_else(|| panic!("{lang}: {msgid:?} is missing"));
            assert!(!entry.fuzzy, "{lang}: {msgid:?} is fuzzy");
            let expected_forms = if source.plural.is_some() { forms } else { 1 };
            assert_eq!(
                entry.translations.len(),
                expected_forms,
                "{lang}: forms of {msgid:?}"
            );
            for translated in &entry.translations {
                assert!(!translated.trim().is_empty(), "{lang}: {msgid:?} is empty");
                assert_eq!(
                    placeholders(translated),
                    placeholders(msgid),
                    "{lang}: placeholders of {msgid:?} in {translated:?}"
                );
            }
        }
    }
}
