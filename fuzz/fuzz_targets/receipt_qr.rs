//! The receipt's QR code, made of what the gateway names (the item, the supplier, the portal's
//! reference) and the kiosk's reference: whatever those are, its text fits in a code (that the
//! longest such text is drawn is a unit test of `kiosk-core/src/receipt.rs`; drawing each
//! input here would make a run 5000 times slower) and holds the kiosk's reference, on a line of
//! its own.
#![no_main]

use komek_domain::Lang;
use komek_kiosk_core::receipt::{ReceiptFacts, qr_text};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
struct Receipt {
    language: u8,
    portal_reference: String,
    item: String,
    supplier: String,
}

fuzz_target!(|receipt: Receipt| {
    let offered: Vec<Lang> = Lang::offered().collect();
    let lang = offered[usize::from(receipt.language) % offered.len()];
    let kiosk_reference = "K-7F3A09C2";
    let text = qr_text(
        lang,
        &ReceiptFacts {
            kiosk_reference,
            portal_reference: &receipt.portal_reference,
            item: &receipt.item,
            supplier: &receipt.supplier,
        },
    );
    assert!(
        text.len() <= komek_kiosk_core::qr::CAPACITY_BYTES,
        "no QR code holds {} bytes",
        text.len()
    );
    assert_eq!(
        text.lines().nth(2).map(|l| l.ends_with(kiosk_reference)),
        Some(true)
    );
});
