//! The individual identification number (IIN): 12 digits, birth date, century and sex, and a
//! check digit. An `Iin` value can only hold a number that passes every check.

use std::fmt;

use chrono::NaiveDate;
use zeroize::Zeroize;

#[derive(Clone, PartialEq, Eq, Hash, Zeroize)]
pub struct Iin([u8; 12]);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IinError {
    #[error("an IIN has 12 digits, this one has {0}")]
    WrongLength(usize),
    #[error("an IIN has only digits")]
    NotDigits,
    #[error("the 7th digit must be 1 to 6 (century and sex)")]
    BadCenturyDigit,
    #[error("the first six digits are not a real birth date")]
    ImpossibleBirthDate,
    #[error("the check digit does not match")]
    CheckDigitMismatch,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sex {
    Male,
    Female,
}

const FIRST_WEIGHTS: [u32; 11] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const SECOND_WEIGHTS: [u32; 11] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];

/// The check digit for the first 11 digits, or `None` when no check digit exists for them.
pub fn check_digit(first_eleven: &[u8; 11]) -> Option<u8> {
    let sum = |weights: &[u32; 11]| -> u32 {
        first_eleven
            .iter()
            .zip(weights)
            .map(|(d, w)| u32::from(*d) * w)
            .sum::<u32>()
            % 11
    };
    match sum(&FIRST_WEIGHTS) {
        10 => match sum(&SECOND_WEIGHTS) {
            10 => None,
            d => u8::try_from(d).ok(),
        },
        d => u8::try_from(d).ok(),
    }
}

impl Iin {
    /// The digits of an IIN.
    pub const LENGTH: usize = 12;

    pub fn parse(text: &str) -> Result<Self, IinError> {
        let digits: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.len() != Self::LENGTH {
            return Err(IinError::WrongLength(digits.len()));
        }
        let mut out = [0u8; 12];
        for (slot, c) in out.iter_mut().zip(&digits) {
            let d = c.to_digit(10).ok_or(IinError::NotDigits)?;
            *slot = u8::try_from(d).map_err(|_| IinError::NotDigits)?;
        }
        let iin = Iin(out);
        iin.century_base().ok_or(IinError::BadCenturyDigit)?;
        iin.birth_date_checked()
            .ok_or(IinError::ImpossibleBirthDate)?;
        let mut first_eleven = [0u8; 11];
        first_eleven.copy_from_slice(&out[..11]);
        match check_digit(&first_eleven) {
            Some(d) if d == out[11] => Ok(iin),
            _ => Err(IinError::CheckDigitMismatch),
        }
    }

    fn century_base(&self) -> Option<i32> {
        match self.0[6] {
            1 | 2 => Some(1800),
            3 | 4 => Some(1900),
            5 | 6 => Some(2000),
            _ => None,
        }
    }

    fn birth_date_checked(&self) -> Option<NaiveDate> {
        let two = |i: usize| u32::from(self.0[i]) * 10 + u32::from(self.0[i + 1]);
        let year = self.century_base()? + i32::try_from(two(0)).ok()?;
        NaiveDate::from_ymd_opt(year, two(2), two(4))
    }

    pub fn birth_date(&self) -> NaiveDate {
        // Every constructed Iin passed this check in `parse`.
        self.birth_date_checked().unwrap_or(NaiveDate::MIN)
    }

    pub fn century(&self) -> i32 {
        self.century_base().unwrap_or(1900) / 100 + 1
    }

    pub fn sex(&self) -> Sex {
        if self.0[6] % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// The 12 digits, for the wire. Never log this: use `Display`, which masks.
    pub fn digits(&self) -> String {
        self.0.iter().map(|d| char::from(b'0' + d)).collect()
    }

    /// The number with all but the last four digits hidden, for logs and screens over a shoulder.
    pub fn masked(&self) -> String {
        let tail: String = self.0[8..].iter().map(|d| char::from(b'0' + d)).collect();
        format!("********{tail}")
    }
}

impl fmt::Display for Iin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Debug for Iin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Iin({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a valid IIN from date, century digit and serial, for tests.
    pub(crate) fn make(yymmdd: &str, century_sex: u8, serial: &str) -> Option<String> {
        let head = format!("{yymmdd}{century_sex}{serial}");
        let mut first = [0u8; 11];
        for (slot, c) in first.iter_mut().zip(head.chars()) {
            *slot = c.to_digit(10)? as u8;
        }
        check_digit(&first).map(|d| format!("{head}{d}"))
    }

    fn check(input: &str, expected: Result<(NaiveDate, Sex, i32), IinError>) {
        let got = Iin::parse(input).map(|i| (i.birth_date(), i.sex(), i.century()));
        assert_eq!(got, expected, "input {input:?}");
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
    }

    #[test]
    fn valid_numbers_give_birth_date_sex_and_century() {
        let man_1985 = make("850412", 3, "0123").unwrap_or_default();
        check(&man_1985, Ok((date(1985, 4, 12), Sex::Male, 20)));
        let girl_2016 = make("160229", 6, "4410").unwrap_or_default();
        check(&girl_2016, Ok((date(2016, 2, 29), Sex::Female, 21)));
        let woman_1899 = make("991231", 2, "0007").unwrap_or_default();
        check(&woman_1899, Ok((date(1899, 12, 31), Sex::Female, 19)));
        // Spaces typed between groups are tolerated.
        let spaced = format!("{} {} {}", &man_1985[..4], &man_1985[4..8], &man_1985[8..]);
        check(&spaced, Ok((date(1985, 4, 12), Sex::Male, 20)));
    }

    #[test]
    fn second_weights_are_used_when_the_first_sum_is_ten() {
        // Search serials until the first weighted sum is 10; the number must still validate.
        let found = (0..10_000).find_map(|serial| {
            let head = format!("700101300{serial:04}");
            let head = &head[..11];
            let mut first = [0u8; 11];
            for (slot, c) in first.iter_mut().zip(head.chars()) {
                *slot = c.to_digit(10)? as u8;
            }
            let s: u32 = first
                .iter()
                .zip(FIRST_WEIGHTS)
                .map(|(d, w)| u32::from(*d) * w)
                .sum();
            (s % 11 == 10).then(|| check_digit(&first).map(|d| format!("{head}{d}")))?
        });
        let iin = found.unwrap_or_default();
        assert_eq!(iin.len(), 12);
        assert!(Iin::parse(&iin).is_ok());
    }

    #[test]
    fn every_kind_of_invalid_number_is_refused_with_its_reason() {
        let good = make("850412", 3, "0123").unwrap_or_default();
        check("", Err(IinError::WrongLength(0)));
        check("85041230012", Err(IinError::WrongLength(11)));
        check("8504123001234", Err(IinError::WrongLength(13)));
        check("85041230012a", Err(IinError::NotDigits));
        check("850412700123", Err(IinError::BadCenturyDigit));
        check("850412000123", Err(IinError::BadCenturyDigit));
        check("851312300123", Err(IinError::ImpossibleBirthDate));
        check("850230300123", Err(IinError::ImpossibleBirthDate));
        check("850400300123", Err(IinError::ImpossibleBirthDate));
        // 29 February only in leap years: 2023 is not one.
        check("230229500123", Err(IinError::ImpossibleBirthDate));
        let last = good
            .chars()
            .last()
            .and_then(|c| c.to_digit(10))
            .unwrap_or(0);
        let wrong = format!("{}{}", &good[..11], (last + 1) % 10);
        check(&wrong, Err(IinError::CheckDigitMismatch));
    }

    #[test]
    fn numbers_without_any_check_digit_are_refused() {
        // Find eleven digits for which both weightings give 10: no twelfth digit makes them valid.
        let head = (0..10_000).find_map(|serial| {
            let head = format!("700101300{serial:04}");
            let mut first = [0u8; 11];
            for (slot, c) in first.iter_mut().zip(head[..11].chars()) {
                *slot = c.to_digit(10)? as u8;
            }
            check_digit(&first)
                .is_none()
                .then(|| head[..11].to_string())
        });
        let head = head.unwrap_or_default();
        assert_eq!(head.len(), 11);
        for d in 0..10 {
            check(&format!("{head}{d}"), Err(IinError::CheckDigitMismatch));
        }
    }

    #[test]
    fn display_and_debug_mask_the_number() {
        let iin = Iin::parse(&make("850412", 3, "0123").unwrap_or_default());
        let iin = iin.unwrap_or_else(|e| panic!("valid IIN refused: {e}"));
        assert_eq!(iin.to_string(), format!("********{}", &iin.digits()[8..]));
        assert!(!format!("{iin:?}").contains("850412"));
    }
}
