//! The on-screen keyboard: any presses, in any order, on an e-mail field or a free-text field
//! in any language, then what was typed read as the kiosk reads it. A field never outgrows its
//! limit, holds only what its keys offer, and never starts with or doubles a space.
#![no_main]

use komek_domain::{Lang, check_email};
use komek_kiosk_core::text_entry::{DIGITS, EntryKind, TextEntry};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
enum Press {
    /// The n-th key of the keyboard as it is now (letters, then digits, then symbols).
    Key(u8),
    /// Whatever a stale or forged press sends.
    Text(String),
    Space,
    Erase,
    SwitchLayout,
}

#[derive(Debug, Arbitrary)]
struct Typing {
    email: bool,
    language: u8,
    presses: Vec<Press>,
}

fn keys(entry: &TextEntry) -> Vec<String> {
    let letters = entry.layout.rows().into_iter().flatten().cloned();
    let digits = DIGITS.iter().map(|d| d.to_string());
    let symbols = entry.symbols().iter().map(|s| s.to_string());
    letters.chain(digits).chain(symbols).collect()
}

fuzz_target!(|typing: Typing| {
    let offered: Vec<Lang> = Lang::offered().collect();
    let lang = offered[usize::from(typing.language) % offered.len()];
    let mut entry = if typing.email {
        TextEntry::email("")
    } else {
        TextEntry::free_text("", lang)
    };
    for press in typing.presses {
        match press {
            Press::Key(n) => {
                let keys = keys(&entry);
                let key = &keys[usize::from(n) % keys.len()];
                entry.type_key(key);
            }
            Press::Text(text) => {
                if entry.type_key(&text) {
                    assert!(
                        keys(&entry).contains(&text),
                        "typed a key not shown: {text:?}"
                    );
                }
            }
            Press::Space => {
                entry.space();
            }
            Press::Erase => {
                entry.erase();
            }
            Press::SwitchLayout => entry.switch_layout(),
        }
        let max = match entry.kind {
            EntryKind::Email => TextEntry::EMAIL_MAX,
            EntryKind::FreeText => TextEntry::TEXT_MAX,
        };
        assert!(
            entry.text.chars().count() <= max,
            "{} chars",
            entry.text.len()
        );
        assert!(!entry.text.starts_with(' ') && !entry.text.contains("  "));
        if entry.kind == EntryKind::Email {
            assert!(!entry.text.contains(' '));
        }
    }
    // Read as the kiosk reads it when the person saves.
    if entry.kind == EntryKind::Email {
        let _ = check_email(&entry.text);
    }
});
