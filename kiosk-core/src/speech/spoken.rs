//! Turns what the screen shows into what a voice should say: amounts with the currency's name,
//! dates with the month's name, references letter by letter, and no decorative symbols.
//! Speech synthesisers read "14.03.2026" as a decimal number and "₸" as nothing.

use komek_domain::{Lang, Word};

/// Rewrites `shown` (a label or message as displayed) for a voice in `lang`.
pub fn spoken(shown: &str, lang: Lang) -> String {
    let mut words = Vec::new();
    let tokens: Vec<&str> = shown
        .split(|c: char| c.is_whitespace())
        .filter(|t| !t.is_empty())
        .collect();
    let mut i = 0;
    while i < tokens.len() {
        let token = tokens[i];
        // Thousands are grouped with spaces on screen: "150 000 ₸" is one number.
        if is_digits(token) {
            let mut number = token.to_string();
            while i + 1 < tokens.len() && tokens[i + 1].len() == 3 && is_digits(tokens[i + 1]) {
                number.push_str(tokens[i + 1]);
                i += 1;
            }
            words.push(number);
        } else if let Some(word) = symbol_word(token, lang) {
            words.push(word.to_string());
        } else if let Some((core, tail)) = split_trailing_punctuation(token)
            && let Some(date) = spoken_date(core, lang)
        {
            words.push(format!("{date}{tail}"));
        } else if is_reference(token) {
            words.push(spelled(token));
        } else if !token.chars().all(is_decoration) {
            words.push(token.chars().filter(|c| !is_decoration(*c)).collect());
        }
        i += 1;
    }
    words.join(" ")
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn symbol_word(token: &str, lang: Lang) -> Option<&'static str> {
    match token.trim_end_matches(['.', ',', ';']) {
        "₸" => Some(lang.word(Word::Currency)),
        "−" | "-" => Some(lang.word(Word::Minus)),
        _ => None,
    }
}

fn split_trailing_punctuation(token: &str) -> Option<(&str, &str)> {
    let core = token.trim_end_matches([',', ';', ':', ')']);
    let core = if core.len() > 10 && core.ends_with('.') {
        &core[..core.len() - 1]
    } else {
        core
    };
    Some((core, &token[core.len()..]))
}

/// "14.03.2026" → "14 March 2026" / "14 марта 2026 года" / "2026 жылғы 14 наурыз", after the
/// language's `formats` in the registry.
fn spoken_date(token: &str, lang: Lang) -> Option<String> {
    let mut parts = token.split('.');
    let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || d.len() != 2 || m.len() != 2 || y.len() != 4 {
        return None;
    }
    let day: u32 = d.parse().ok()?;
    let month: usize = m.parse().ok()?;
    let year: u32 = y.parse().ok()?;
    if !(1..=31).contains(&day) || !(1..=12).contains(&month) {
        return None;
    }
    let formats = lang.pick(|l| {
        let f = &l.info().formats;
        (f.months.len() == 12).then_some(f)
    })?;
    Some(
        formats
            .spoken_date
            .replace("{day}", &day.to_string())
            .replace("{month}", &formats.months[month - 1])
            .replace("{year}", &year.to_string()),
    )
}

/// Kiosk and portal references (K-7F3A09C2, SP-000123) are read one character at a time.
fn is_reference(token: &str) -> bool {
    let token = token.trim_end_matches(['.', ',']);
    let Some((prefix, rest)) = token.split_once('-') else {
        return false;
    };
    (1..=3).contains(&prefix.len())
        && prefix.bytes().all(|b| b.is_ascii_uppercase())
        && rest.len() >= 4
        && rest
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

fn spelled(token: &str) -> String {
    let token = token.trim_end_matches(['.', ',']);
    let mut out: Vec<String> = Vec::new();
    for c in token.chars().filter(|c| *c != '-') {
        out.push(c.to_string());
    }
    out.join(" ")
}

/// Arrows and symbols that decorate buttons ("◀ Back") say nothing.
fn is_decoration(c: char) -> bool {
    matches!(c, '◀' | '▶' | '◐' | '●' | '○' | '•' | '·' | '✓' | '🔊')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lang(code: &str) -> Lang {
        Lang::from_code(code).unwrap()
    }

    #[test]
    fn amounts_are_one_number_with_the_currency_named() {
        assert_eq!(
            spoken("Price 150\u{a0}000\u{a0}₸.", lang("en")),
            "Price 150000 tenge"
        );
        assert_eq!(spoken("1 250 000 ₸", lang("ru")), "1250000 тенге");
        assert_eq!(spoken("12 ₸", lang("kk")), "12 теңге");
    }

    #[test]
    fn dates_are_read_with_the_month_named_in_each_language() {
        assert_eq!(
            spoken("until 14.03.2026.", lang("en")),
            "until 14 March 2026."
        );
        assert_eq!(
            spoken("до 01.12.2026,", lang("ru")),
            "до 1 декабря 2026 года,"
        );
        assert_eq!(spoken("09.05.2027", lang("kk")), "2027 жылғы 9 мамыр");
        assert_eq!(
            spoken("31.13.2026", lang("en")),
            "31.13.2026",
            "not a date: left as shown"
        );
    }

    #[test]
    fn references_are_spelled_and_decorations_dropped() {
        assert_eq!(spoken("◀ Back", lang("en")), "Back");
        assert_eq!(
            spoken("Reference K-7F3A09C2.", lang("en")),
            "Reference K 7 F 3 A 0 9 C 2"
        );
        assert_eq!(spoken("Next ▶", lang("en")), "Next");
    }
}
