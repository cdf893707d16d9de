//! What a field typed on the on-screen keyboard accepts: each language's layout from the
//! registry, an e-mail address in Latin letters, digits and `@ . _ -`, free text in every
//! layout (the person's language first) with spaces and a little punctuation, each within its
//! length. Letters are lower case: the texts typed here are read by people, who do not need
//! capitals, and one key less to find matters more to a person using the tactile keys.

use komek_domain::Lang;

/// A language's letters on the keyboard (the registry's `keyboard`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout(Lang);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    Email,
    FreeText,
}

pub const DIGITS: [&str; 10] = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0"];
const EMAIL_SYMBOLS: &[&str] = &["@", ".", "_", "-"];
const TEXT_SYMBOLS: &[&str] = &[",", ".", "?", "-"];
/// The keyboard's letter rows (ui/widgets/keyboard.slint).
pub const ROWS: usize = 4;

impl Layout {
    pub fn for_language(lang: Lang) -> Self {
        Layout(lang)
    }

    /// An e-mail address's letters: the first language whose keyboard is all Latin.
    pub fn latin() -> Self {
        Lang::all()
            .find(|l| {
                let rows = &l.info().keyboard;
                !rows.is_empty() && rows.iter().flatten().all(|k| k.is_ascii())
            })
            .map_or(Layout(Lang::default()), Layout)
    }

    /// The letter rows (empty where the layout has fewer than the keyboard's four).
    pub fn rows(self) -> [&'static [String]; ROWS] {
        let rows = &self.0.info().keyboard;
        std::array::from_fn(|i| rows.get(i).map_or(&[][..], Vec::as_slice))
    }

    fn next(self) -> Self {
        Layout(self.0.next_offered())
    }

    /// What the switch key shows: the layout it goes to.
    pub fn switch_label(self) -> &'static str {
        &self.0.info().short
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
            layout: Layout::latin(),
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
            || self
                .layout
                .rows()
                .iter()
                .any(|row| row.iter().any(|k| k == key))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn lang(code: &str) -> Lang {
        Lang::from_code(code).unwrap()
    }

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
        assert_eq!(e.layout, Layout::for_language(lang("en")));
    }

    #[test]
    fn free_text_starts_in_the_persons_language_and_cycles_through_the_offered() {
        let mut e = TextEntry::free_text("", lang("kk"));
        assert!(e.type_key("ә"));
        assert!(!e.type_key("q"), "not on the Kazakh layout");
        e.switch_layout();
        assert_eq!(e.layout, Layout::for_language(lang("ru")));
        assert!(!e.type_key("ә"), "Russian has no ә");
        assert!(e.type_key("ж"));
        e.switch_layout();
        assert!(e.type_key("q"));
        e.switch_layout();
        assert_eq!(e.layout, Layout::for_language(lang("kk")));
        assert_eq!(e.text, "әжq");
    }

    #[test]
    fn spaces_are_never_first_or_doubled_and_the_field_has_a_limit() {
        let mut e = TextEntry::free_text("", lang("ru"));
        assert!(!e.space());
        e.type_key("а");
        assert!(e.space());
        assert!(!e.space());
        assert_eq!(e.text, "а ");
        let mut full = TextEntry::free_text(&"ж".repeat(TextEntry::TEXT_MAX), lang("ru"));
        assert!(!full.type_key("а"));
        assert!(full.erase());
        assert!(full.type_key("а"));
    }

    #[test]
    fn every_layout_fits_the_keyboards_slots() {
        // ui/widgets/keyboard.slint has 12, 11, 10 and 9 slots in its letter rows.
        for lang in Lang::all() {
            assert!(lang.info().keyboard.len() <= ROWS, "{lang:?}");
            let rows = Layout::for_language(lang).rows();
            for (row, slots) in rows.iter().zip([12, 11, 10, 9]) {
                assert!(row.len() <= slots, "{lang:?}");
            }
        }
        assert_eq!(
            Layout::for_language(lang("kk"))
                .rows()
                .iter()
                .map(|r| r.len())
                .sum::<usize>(),
            42,
            "the Kazakh alphabet's 42 letters"
        );
    }
}
