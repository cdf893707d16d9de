//! What a person types on the keypad and keyboard: the IIN, a phone number, an e-mail address.
#![no_main]

use komek_domain::{Iin, MobilePhone, check_email, is_phone_number};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(iin) = Iin::parse(text) {
        // Spaces (as an IIN is printed in groups) are let through; nothing else is.
        let typed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        assert_eq!(iin.digits(), typed, "an IIN accepted is the digits typed");
    }
    if let Ok(phone) = MobilePhone::from_local_digits(text) {
        assert_eq!(phone.international(), format!("+7{text}"));
        assert!(is_phone_number(phone.international()));
    }
    if let Ok(address) = check_email(text) {
        assert_eq!(
            check_email(&address).as_deref(),
            Ok(address.as_str()),
            "checked twice, the same"
        );
    }
});
