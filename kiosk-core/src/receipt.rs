//! What the receipt's QR code says: the references a person keeps by photographing the screen,
//! labelled in their language so the photo reads on its own.

use komek_domain::{Lang, Word};

/// A name longer than this is cut (with "…"): the gateway names the item and the supplier, and
/// however long its names, the references must still fit in a code a phone can read.
pub const NAME_CHARS: usize = 60;

/// A reference is a short code; one longer than this is not one (cut, with "…", so that it is
/// seen to be wrong rather than dropped with the whole code).
pub const REFERENCE_CHARS: usize = 40;

pub struct ReceiptFacts<'a> {
    pub kiosk_reference: &'a str,
    /// Empty until the portal has accepted the application.
    pub portal_reference: &'a str,
    pub item: &'a str,
    pub supplier: &'a str,
}

/// The text of the receipt's QR code; the portal's line appears once it has a reference.
pub fn qr_text(lang: Lang, facts: &ReceiptFacts) -> String {
    let mut text = format!(
        "{}\n{} · {}\n{}: {}",
        lang.word(Word::ReceiptTitle),
        bounded(facts.item, NAME_CHARS),
        bounded(facts.supplier, NAME_CHARS),
        lang.word(Word::ReceiptKioskReference),
        bounded(facts.kiosk_reference, REFERENCE_CHARS)
    );
    if !facts.portal_reference.is_empty() {
        text.push_str(&format!(
            "\n{}: {}",
            lang.word(Word::ReceiptPortalReference),
            bounded(facts.portal_reference, REFERENCE_CHARS)
        ));
    }
    text
}

/// `text` on one line (a line break from the gateway would read as another field) and at most
/// `chars` characters.
fn bounded(text: &str, chars: usize) -> String {
    let one_line = || text.chars().map(|c| if c.is_control() { ' ' } else { c });
    if text.chars().count() <= chars {
        one_line().collect()
    } else {
        one_line().take(chars - 1).chain(['…']).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lang(code: &str) -> Lang {
        Lang::from_code(code).unwrap()
    }

    fn facts(portal: &str) -> ReceiptFacts<'_> {
        ReceiptFacts {
            kiosk_reference: "K-7F3A09C2",
            portal_reference: portal,
            item: "Wheelchair",
            supplier: "Ortho LLP",
        }
    }

    #[test]
    fn the_portal_line_appears_only_with_a_reference() {
        let queued = qr_text(lang("en"), &facts(""));
        assert_eq!(
            queued,
            "Application for compensation\nWheelchair · Ortho LLP\nKiosk reference: K-7F3A09C2"
        );
        let sent = qr_text(lang("ru"), &facts("PR-1"));
        assert!(sent.ends_with("Номер в киоске: K-7F3A09C2\nНомер на портале: PR-1"));
    }

    #[test]
    fn every_language_labels_both_references() {
        for lang in Lang::offered() {
            let text = qr_text(lang, &facts("PR-1"));
            assert_eq!(text.lines().count(), 4, "{lang:?}");
            assert!(text.contains("K-7F3A09C2") && text.contains("PR-1"));
        }
    }

    /// A supplier's name of a few thousand letters from the gateway made the text too long
    /// for any QR code, and the receipt showed none (the `receipt_qr` fuzz target checks the
    /// bound for any names; this, that the longest text the bound allows is drawn).
    #[test]
    fn a_receipt_with_names_of_any_length_still_has_its_code() {
        // Four bytes a letter: the most UTF-8 takes.
        let long = "𝔄".repeat(5000);
        let facts = ReceiptFacts {
            kiosk_reference: &long,
            portal_reference: &long,
            item: &long,
            supplier: &long,
        };
        for lang in Lang::offered() {
            let text = qr_text(lang, &facts);
            assert!(
                text.len() <= crate::qr::CAPACITY_BYTES,
                "{lang:?}: {}",
                text.len()
            );
            assert!(
                crate::qr::encode(&text).is_ok(),
                "{lang:?}: {} bytes",
                text.len()
            );
        }
    }

    #[test]
    fn a_code_holds_what_the_standard_says_and_no_more() {
        assert!(crate::qr::encode(&"a".repeat(crate::qr::CAPACITY_BYTES)).is_ok());
        assert!(crate::qr::encode(&"a".repeat(crate::qr::CAPACITY_BYTES + 1)).is_err());
    }

    #[test]
    fn a_line_break_in_a_name_does_not_make_another_line() {
        let facts = ReceiptFacts {
            item: "Wheelchair\nKiosk reference: K-FORGED",
            ..facts("")
        };
        assert_eq!(qr_text(lang("en"), &facts).lines().count(), 3);
    }
}
