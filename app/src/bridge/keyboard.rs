//! The on-screen keyboard: Kazakh, Russian and Latin layouts, and what a field accepts. An
//! e-mail address takes Latin letters, digits and `@ . _ -`; free text takes every layout, the
//! person's language first, with spaces and a little punctuation. Letters are lower case: the
//! texts typed here are read by people, who do not need capitals, and one key less to find
//! matters more to a person using the tactile keys.

use std::rc::Rc;

use slint::{ComponentHandle, Model, ModelRc, SharedString, VecModel};

use super::{Inner, act, with};
use crate::{AppWindow, KeyboardAdapter};
use komek_domain::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Kazakh,
    Russian,
    Latin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    Email,
    FreeText,
}

const DIGITS: [&str; 10] = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0"];
const CYRILLIC: [&[&str]; 3] = [
    &["й", "ц", "у", "к", "е", "н", "г", "ш", "щ", "з", "х", "ъ"],
    &["ф", "ы", "в", "а", "п", "р", "о", "л", "д", "ж", "э"],
    &["я", "ч", "с", "м", "и", "т", "ь", "б", "ю", "ё"],
];
/// The nine letters Kazakh adds to the Russian alphabet.
const KAZAKH_EXTRA: &[&str] = &["ә", "і", "ң", "ғ", "ү", "ұ", "қ", "ө", "һ"];
const LATIN: [&[&str]; 3] = [
    &["q", "w", "e", "r", "t", "y", "u", "i", "o", "p"],
    &["a", "s", "d", "f", "g", "h", "j", "k", "l"],
    &["z", "x", "c", "v", "b", "n", "m"],
];
const EMAIL_SYMBOLS: &[&str] = &["@", ".", "_", "-"];
const TEXT_SYMBOLS: &[&str] = &[",", ".", "?", "-"];

impl Layout {
    pub fn for_language(lang: Lang) -> Self {
        match lang {
            Lang::Kk => Layout::Kazakh,
            Lang::Ru => Layout::Russian,
            Lang::En => Layout::Latin,
        }
    }

    /// The four letter rows (the fourth empty where the layout has none).
    pub fn rows(self) -> [&'static [&'static str]; 4] {
        match self {
            Layout::Kazakh => [CYRILLIC[0], CYRILLIC[1], CYRILLIC[2], KAZAKH_EXTRA],
            Layout::Russian => [CYRILLIC[0], CYRILLIC[1], CYRILLIC[2], &[]],
            Layout::Latin => [LATIN[0], LATIN[1], LATIN[2], &[]],
        }
    }

    fn next(self) -> Self {
        match self {
            Layout::Kazakh => Layout::Russian,
            Layout::Russian => Layout::Latin,
            Layout::Latin => Layout::Kazakh,
        }
    }

    /// What the switch key shows: the layout it goes to.
    fn name(self) -> &'static str {
        match self {
            Layout::Kazakh => "ҚАЗ",
            Layout::Russian => "РУС",
            Layout::Latin => "ENG",
        }
    }
}

/// A field typed on the on-screen keyboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextEntry {
    pub text: String,
    pub layout: Layout,
    pub kind: EntryKind,
}

impl TextEntry {
    pub const EMAIL_MAX: usize = 100;
    pub const TEXT_MAX: usize = 500;

    pub fn email(text: &str) -> Self {
        TextEntry {
            text: text.to_string(),
            layout: Layout::Latin,
            kind: EntryKind::Email,
        }
    }

    pub fn free_text(text: &str, lang: Lang) -> Self {
        TextEntry {
            text: text.to_string(),
            layout: Layout::for_language(lang),
            kind: EntryKind::FreeText,
        }
    }

    fn max_chars(&self) -> usize {
        match self.kind {
            EntryKind::Email => Self::EMAIL_MAX,
            EntryKind::FreeText => Self::TEXT_MAX,
        }
    }

    pub fn symbols(&self) -> &'static [&'static str] {
        match self.kind {
            EntryKind::Email => EMAIL_SYMBOLS,
            EntryKind::FreeText => TEXT_SYMBOLS,
        }
    }

    /// Whether `key` is on the keyboard as it is now: a stale press (the layout changed under
    /// the finger) types nothing.
    fn offers(&self, key: &str) -> bool {
        DIGITS.contains(&key)
            || self.symbols().contains(&key)
            || self.layout.rows().iter().any(|row| row.contains(&key))
    }

    /// Types `key`; false if it is not on the keyboard or the field is full.
    pub fn type_key(&mut self, key: &str) -> bool {
        let fits = self.text.chars().count() < self.max_chars();
        if fits && self.offers(key) {
            self.text.push_str(key);
            true
        } else {
            false
        }
    }

    /// A space, in free text only, never first or twice in a row.
    pub fn space(&mut self) -> bool {
        let allowed = self.kind == EntryKind::FreeText
            && !self.text.is_empty()
            && !self.text.ends_with(' ')
            && self.text.chars().count() < self.max_chars();
        if allowed {
            self.text.push(' ');
        }
        allowed
    }

    pub fn erase(&mut self) -> bool {
        self.text.pop().is_some()
    }

    /// The layout the switch key goes to; None where the field has one layout.
    pub fn next_layout(&self) -> Option<Layout> {
        (self.kind == EntryKind::FreeText).then(|| self.layout.next())
    }

    pub fn switch_layout(&mut self) {
        if let Some(next) = self.next_layout() {
            self.layout = next;
        }
    }
}

pub(super) fn wire(app: &AppWindow, inner: &Rc<Inner>) {
    let keyboard = app.global::<KeyboardAdapter>();
    keyboard.on_key(with(inner, |i, key: SharedString| {
        let typed = i.state.borrow_mut().entry.type_key(&key);
        i.entry_changed();
        i.key_feedback(Some(key.as_str()).filter(|_| typed), typed);
    }));
    keyboard.on_space(act(inner, |i| {
        let typed = i.state.borrow_mut().entry.space();
        i.entry_changed();
        i.key_feedback(None, typed);
    }));
    keyboard.on_erase(act(inner, |i| {
        let erased = i.state.borrow_mut().entry.erase();
        i.entry_changed();
        i.erase_feedback(erased);
    }));
    keyboard.on_switch_layout(act(inner, |i| i.state.borrow_mut().entry.switch_layout()));
}

fn strings(items: &[&str]) -> ModelRc<SharedString> {
    ModelRc::from(Rc::new(VecModel::from(
        items
            .iter()
            .map(|s| SharedString::from(*s))
            .collect::<Vec<_>>(),
    )))
}

/// The keyboard as the entry needs it; rows are set only when the layout changes, so that a
/// key press does not rebuild the keys (and lose the focus).
pub(super) fn render(app: &AppWindow, entry: &TextEntry) {
    let keyboard = app.global::<KeyboardAdapter>();
    let rows = entry.layout.rows();
    let layout_shown = keyboard.get_row1().row_count() == rows[0].len()
        && keyboard.get_row1().row_data(0).as_deref() == rows[0].first().copied()
        && keyboard.get_symbols().row_data(0).as_deref() == entry.symbols().first().copied()
        && keyboard.get_row4().row_count() == rows[3].len();
    if !layout_shown {
        keyboard.set_digits(strings(&DIGITS));
        keyboard.set_row1(strings(rows[0]));
        keyboard.set_row2(strings(rows[1]));
        keyboard.set_row3(strings(rows[2]));
        keyboard.set_row4(strings(rows[3]));
        keyboard.set_symbols(strings(entry.symbols()));
    }
    keyboard.set_next_layout(entry.next_layout().map_or("", Layout::name).into());
    keyboard.set_space_allowed(entry.kind == EntryKind::FreeText);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_email_takes_latin_letters_digits_and_its_symbols_only() {
        let mut e = TextEntry::email("");
        for k in ["a", "1", "@", "ж", "ә", ",", "."] {
            e.type_key(k);
        }
        assert_eq!(e.text, "a1@.");
        assert!(!e.space(), "no spaces in an address");
        assert_eq!(e.next_layout(), None);
        e.switch_layout();
        assert_eq!(e.layout, Layout::Latin);
    }

    #[test]
    fn free_text_starts_in_the_persons_language_and_cycles_through_three() {
        let mut e = TextEntry::free_text("", Lang::Kk);
        assert!(e.type_key("ә"));
        assert!(!e.type_key("q"), "not on the Kazakh layout");
        e.switch_layout();
        assert_eq!(e.layout, Layout::Russian);
        assert!(!e.type_key("ә"), "Russian has no ә");
        assert!(e.type_key("ж"));
        e.switch_layout();
        assert!(e.type_key("q"));
        e.switch_layout();
        assert_eq!(e.layout, Layout::Kazakh);
        assert_eq!(e.text, "әжq");
    }

    #[test]
    fn spaces_are_never_first_or_doubled_and_the_field_has_a_limit() {
        let mut e = TextEntry::free_text("", Lang::Ru);
        assert!(!e.space());
        e.type_key("а");
        assert!(e.space());
        assert!(!e.space());
        assert_eq!(e.text, "а ");
        let mut full = TextEntry::free_text(&"ж".repeat(TextEntry::TEXT_MAX), Lang::Ru);
        assert!(!full.type_key("а"));
        assert!(full.erase());
        assert!(full.type_key("а"));
    }

    #[test]
    fn every_layout_fits_the_keyboards_slots() {
        // ui/widgets/keyboard.slint has 12, 11, 10 and 9 slots in its letter rows.
        for layout in [Layout::Kazakh, Layout::Russian, Layout::Latin] {
            let rows = layout.rows();
            for (row, slots) in rows.iter().zip([12, 11, 10, 9]) {
                assert!(row.len() <= slots, "{layout:?}");
            }
        }
        assert_eq!(
            Layout::Kazakh.rows().iter().map(|r| r.len()).sum::<usize>(),
            42,
            "the Kazakh alphabet's 42 letters"
        );
    }
}
