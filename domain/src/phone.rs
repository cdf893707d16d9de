//! A mobile number in Kazakhstan, typed on the keypad as the ten digits after `+7`. Codes go by
//! SMS, so the number must be a mobile one. After +7, mobiles start with 7 (700–708, 747, 771,
//! 775–778 …); landlines start with the city's code, which begins 71 or 72 (Astana 7172,
//! Almaty 727), and 3, 4, 6 and 9 are Russian numbers.

use std::fmt;

/// Whether `phone` is a Kazakh number as the portal stores it: `+7` and ten digits. Any such
/// number can be called back; only a [`MobilePhone`] gets an SMS.
pub fn is_phone_number(phone: &str) -> bool {
    phone
        .strip_prefix("+7")
        .is_some_and(|digits| digits.len() == 10 && digits.bytes().all(|b| b.is_ascii_digit()))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("a phone number has ten digits after +7, {0} were typed")]
    WrongLength(usize),
    #[error("only digits can be typed")]
    NotDigits,
    #[error("not a Kazakh mobile number: after +7 it starts with 7, but not 71 or 72")]
    NotMobile,
}

#[derive(Clone, PartialEq, Eq, zeroize::Zeroize, zeroize::ZeroizeOnDrop)]
pub struct MobilePhone(String);

impl MobilePhone {
    /// From the ten digits typed after `+7`.
    pub fn from_local_digits(digits: &str) -> Result<Self, PhoneError> {
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(PhoneError::NotDigits);
        }
        if digits.len() != 10 {
            return Err(PhoneError::WrongLength(digits.len()));
        }
        if !digits.starts_with('7') || matches!(&digits[..2], "71" | "72") {
            return Err(PhoneError::NotMobile);
        }
        Ok(MobilePhone(format!("+7{digits}")))
    }

    /// `+7` and ten digits, as the portal stores it.
    pub fn international(&self) -> &str {
        &self.0
    }
}

/// Masked for logs: only the last two digits.
impl fmt::Debug for MobilePhone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "+7 *** *** ** {}", &self.0[self.0.len() - 2..])
    }
}

impl fmt::Display for MobilePhone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_number_is_plus_seven_and_ten_digits() {
        assert!(is_phone_number("+77019998877"));
        assert!(
            is_phone_number("+77172123456"),
            "a landline can be called back"
        );
        assert!(!is_phone_number("+7701999887"));
        assert!(!is_phone_number("87019998877"));
        assert!(!is_phone_number("+7701999887a"));
        assert!(
            !is_phone_number("+7701999887７"),
            "a wide digit is not a digit"
        );
    }

    #[test]
    fn ten_mobile_digits_make_a_number_and_anything_else_says_why_not() {
        let p = MobilePhone::from_local_digits("7019998877").unwrap();
        assert_eq!(p.international(), "+77019998877");
        assert_eq!(p.to_string(), "+7 *** *** ** 77", "logs see two digits");
        assert_eq!(
            MobilePhone::from_local_digits("701999887"),
            Err(PhoneError::WrongLength(9))
        );
        assert_eq!(
            MobilePhone::from_local_digits("7172123456"),
            Err(PhoneError::NotMobile),
            "an Astana landline gets no SMS"
        );
        assert_eq!(
            MobilePhone::from_local_digits("70199988a7"),
            Err(PhoneError::NotDigits)
        );
        assert_eq!(
            MobilePhone::from_local_digits("9161234567"),
            Err(PhoneError::NotMobile),
            "a Russian mobile"
        );
        for prefix in ["700", "747", "771", "778"] {
            assert!(MobilePhone::from_local_digits(&format!("{prefix}1234567")).is_ok());
        }
    }
}
