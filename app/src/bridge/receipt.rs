//! What the receipt's QR code says: the references a person keeps by photographing the screen,
//! labelled in their language so the photo reads on its own.

use komek_domain::{Lang, Word};

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
        facts.item,
        facts.supplier,
        lang.word(Word::ReceiptKioskReference),
        facts.kiosk_reference
    );
    if !facts.portal_reference.is_empty() {
        text.push_str(&format!(
            "\n{}: {}",
            lang.word(Word::ReceiptPortalReference),
            facts.portal_reference
        ));
    }
    text
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
}
