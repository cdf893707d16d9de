//! What the receipt's QR code says: the references a person keeps by photographing the screen,
//! labelled in their language so the photo reads on its own.

use komek_domain::Lang;

pub struct ReceiptFacts<'a> {
    pub kiosk_reference: &'a str,
    /// Empty until the portal has accepted the application.
    pub portal_reference: &'a str,
    pub item: &'a str,
    pub supplier: &'a str,
}

struct Labels {
    title: &'static str,
    kiosk: &'static str,
    portal: &'static str,
}

fn labels(lang: Lang) -> Labels {
    match lang {
        Lang::Kk => Labels {
            title: "Өтемақы алуға өтініш",
            kiosk: "Киосктегі нөмір",
            portal: "Порталдағы нөмір",
        },
        Lang::Ru => Labels {
            title: "Заявление на компенсацию",
            kiosk: "Номер в киоске",
            portal: "Номер на портале",
        },
        Lang::En => Labels {
            title: "Application for compensation",
            kiosk: "Kiosk reference",
            portal: "Portal reference",
        },
    }
}

/// The text of the receipt's QR code; the portal's line appears once it has a reference.
pub fn qr_text(lang: Lang, facts: &ReceiptFacts) -> String {
    let l = labels(lang);
    let mut text = format!(
        "{}\n{} · {}\n{}: {}",
        l.title, facts.item, facts.supplier, l.kiosk, facts.kiosk_reference
    );
    if !facts.portal_reference.is_empty() {
        text.push_str(&format!("\n{}: {}", l.portal, facts.portal_reference));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let queued = qr_text(Lang::En, &facts(""));
        assert_eq!(
            queued,
            "Application for compensation\nWheelchair · Ortho LLP\nKiosk reference: K-7F3A09C2"
        );
        let sent = qr_text(Lang::Ru, &facts("PR-1"));
        assert!(sent.ends_with("Номер в киоске: K-7F3A09C2\nНомер на портале: PR-1"));
    }

    #[test]
    fn every_language_labels_both_references() {
        for lang in Lang::ALL {
            let text = qr_text(lang, &facts("PR-1"));
            assert_eq!(text.lines().count(), 4, "{lang:?}");
            assert!(text.contains("K-7F3A09C2") && text.contains("PR-1"));
        }
    }
}
