//! The test-only pseudo-language: English with accented letters and about 40 % longer, as
//! translations into Kazakh or Russian often are. The accessibility walk runs in it to find
//! texts that would be cut in a longer language than the three the kiosk ships with. No
//! imports: app/build/pseudo_po.rs includes this file to write the pseudo-language's UI catalogue.

pub const CODE: &str = "qps";

/// How much longer than English a pseudo text is, at least.
const GROWTH: f64 = 0.4;

fn accented(c: char) -> char {
    match c {
        'a' => 'á',
        'c' => 'ç',
        'e' => 'é',
        'i' => 'í',
        'n' => 'ñ',
        'o' => 'ö',
        's' => 'š',
        'u' => 'ü',
        'y' => 'ý',
        'z' => 'ž',
        'A' => 'Å',
        'C' => 'Ç',
        'E' => 'É',
        'I' => 'Î',
        'N' => 'Ñ',
        'O' => 'Ø',
        'S' => 'Š',
        'U' => 'Û',
        'Y' => 'Ý',
        'Z' => 'Ž',
        other => other,
    }
}

fn is_vowel(c: char) -> bool {
    matches!(c.to_ascii_lowercase(), 'a' | 'e' | 'i' | 'o' | 'u')
}

/// `english` in the pseudo-language: vowels doubled and letters accented, so words stay words
/// and wrap as words; then, if that is not yet 40 % longer, a tail of "~". Placeholders
/// (`{}`, `{0}`, `{year}`) are kept as they are; a text without letters is kept whole.
pub fn text(english: &str) -> String {
    if !english.chars().any(|c| c.is_ascii_alphabetic()) {
        return english.to_string();
    }
    let mut out = String::with_capacity(english.len() * 2);
    let mut in_placeholder = false;
    for c in english.chars() {
        if c == '{' {
            in_placeholder = true;
        }
        if in_placeholder {
            in_placeholder = c != '}';
            out.push(c);
            continue;
        }
        out.push(accented(c));
        if is_vowel(c) {
            out.push(accented(c.to_ascii_lowercase()));
        }
    }
    let wanted = (english.chars().count() as f64 * (1.0 + GROWTH)).ceil() as usize;
    let have = out.chars().count();
    if have < wanted {
        out.push(' ');
        out.extend(std::iter::repeat_n(
            '~',
            wanted.saturating_sub(have + 1).max(1),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Lang;

    #[test]
    fn a_pseudo_text_is_at_least_forty_percent_longer_and_keeps_placeholders() {
        for english in [
            "Back",
            "Continue",
            "Log in with the ID card",
            "{} days left",
            "Next ▶",
        ] {
            let pseudo = text(english);
            let (e, p) = (english.chars().count(), pseudo.chars().count());
            assert!(p as f64 >= e as f64 * 1.4, "{english:?} → {pseudo:?}");
            assert!(!pseudo.is_ascii(), "{pseudo:?}");
        }
        assert!(text("{} days left").starts_with("{} "));
        assert!(
            text("until {year}").contains(" {year}"),
            "{}",
            text("until {year}")
        );
        assert_eq!(text("12 345 ₸"), "12 345 ₸");
    }

    #[test]
    fn the_pseudo_language_is_registered_but_not_offered() {
        let pseudo = Lang::from_code(CODE).unwrap();
        assert!(Lang::offered().all(|l| l != pseudo));
        assert_eq!(pseudo.fallbacks().nth(1).map(Lang::code), Some("en"));
        let mut texts =
            std::collections::BTreeMap::from([("en".to_string(), "Hearing aid".to_string())]);
        Lang::complete(&mut texts);
        assert_eq!(texts.get(CODE), Some(&text("Hearing aid")));
    }
}
