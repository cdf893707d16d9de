//! The certificates the kiosk reads from a card before the PIN is tried (DER).
#![no_main]

use komek_card::CardCertificate;
use komek_domain::Iin;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(certificate) = CardCertificate::parse(data) {
        let _ = Iin::parse(&certificate.iin);
        let _ = certificate.algorithm();
        assert!(certificate.iin.len() <= 64, "an IIN field of a sane size");
    }
});
