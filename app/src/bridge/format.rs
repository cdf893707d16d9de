//! How numbers, money and dates are written on screen. Kazakhstan writes dates as DD.MM.YYYY
//! and groups thousands with spaces in every language of the kiosk, so one format serves them all.

use chrono::NaiveDate;

/// Tenge with thousands grouped: `150 000 ₸`.
pub fn money(kzt: i64) -> String {
    let digits = kzt.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{a0}');
        }
        out.push(c);
    }
    let sign = if kzt < 0 { "−" } else { "" };
    format!("{sign}{out}\u{a0}₸")
}

pub fn date(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

/// A phone number typed after +7, grouped as it is said: `701 123 45 67`.
pub fn phone_groups(digits: &str) -> String {
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if matches!(i, 3 | 6 | 8) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// A number stored as `+77011234567`, written `+7 701 123 45 67`.
pub fn international_phone(phone: &str) -> String {
    match phone.strip_prefix("+7") {
        Some(local) => format!("+7 {}", phone_groups(local)),
        None => phone.to_string(),
    }
}

/// The last `chars` characters of `text`, after an ellipsis when some are left out.
pub fn tail(text: &str, chars: usize) -> String {
    let count = text.chars().count();
    if count <= chars {
        return text.to_string();
    }
    let kept: String = text.chars().skip(count - chars).collect();
    format!("…{kept}")
}

/// The first `chars` characters of `text`, before an ellipsis when some are left out.
pub fn head(text: &str, chars: usize) -> String {
    if text.chars().count() <= chars {
        return text.to_string();
    }
    let kept: String = text.chars().take(chars).collect();
    format!("{kept}…")
}

/// The IIN as typed so far, in two groups of six for reading back.
pub fn iin_groups(digits: &str) -> String {
    if digits.len() > 6 {
        format!("{} {}", &digits[..6], &digits[6..])
    } else {
        digits.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_groups_thousands() {
        assert_eq!(money(0), "0\u{a0}₸");
        assert_eq!(money(999), "999\u{a0}₸");
        assert_eq!(money(150_000), "150\u{a0}000\u{a0}₸");
        assert_eq!(money(1_234_567), "1\u{a0}234\u{a0}567\u{a0}₸");
        assert_eq!(money(-5_000), "−5\u{a0}000\u{a0}₸");
    }

    #[test]
    fn phones_are_grouped_as_they_are_said() {
        assert_eq!(international_phone("+77011234567"), "+7 701 123 45 67");
        assert_eq!(international_phone("not a phone"), "not a phone");
    }

    #[test]
    fn long_text_is_cut_to_its_tail_or_head_by_characters() {
        assert_eq!(tail("sms жоқ", 10), "sms жоқ");
        assert_eq!(tail("sms жоқ", 3), "…жоқ");
        assert_eq!(head("sms жоқ", 5), "sms ж…");
        assert_eq!(head("", 5), "");
    }

    #[test]
    fn iin_is_read_back_in_two_groups() {
        assert_eq!(iin_groups("8504"), "8504");
        assert_eq!(iin_groups("850412300123"), "850412 300123");
    }
}
