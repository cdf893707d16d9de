//! The personal account (Rules item 6): what the portal holds about the person, and whether
//! their identity document is still valid on a given day.

use chrono::NaiveDate;
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::{PersonName, Sex};

/// Days before expiry from which the account warns that the document must be renewed.
pub const DOCUMENT_WARNING_DAYS: i64 = 30;

#[derive(Debug, Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct IdDocument {
    pub number: String,
    pub issuer: String,
    #[zeroize(skip)]
    pub issued_on: NaiveDate,
    #[zeroize(skip)]
    pub expires_on: NaiveDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentValidity {
    Valid,
    /// Valid through `expires_on`, which is at most [`DOCUMENT_WARNING_DAYS`] away.
    ExpiresSoon {
        days_left: i64,
    },
    Expired,
}

impl IdDocument {
    /// A document is valid through its expiry date.
    pub fn validity(&self, today: NaiveDate) -> DocumentValidity {
        let days_left = (self.expires_on - today).num_days();
        if days_left < 0 {
            DocumentValidity::Expired
        } else if days_left <= DOCUMENT_WARNING_DAYS {
            DocumentValidity::ExpiresSoon { days_left }
        } else {
            DocumentValidity::Valid
        }
    }
}

/// Everything of the account but the IIN, which the visit keeps on its own.
#[derive(Debug, Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct Profile {
    pub name: PersonName,
    pub patronymic: Option<String>,
    #[zeroize(skip)]
    pub birth_date: NaiveDate,
    #[zeroize(skip)]
    pub sex: Sex,
    pub address: String,
    /// `+7` and ten digits: where codes go.
    pub phone: String,
    pub email: Option<String>,
    pub id_document: IdDocument,
    /// ISO 3166-2 code of the region the person lives in: whose suppliers they see.
    pub region: String,
    #[zeroize(skip)]
    pub category: ParticipantCategory,
}

/// Who the person is to the portal (Rules items 2.9 and 7): what their account shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParticipantCategory {
    /// A person with disability: the activities of the individual rehabilitation programme.
    Disability,
    /// An elderly person unable to look after themselves: the recommended special social
    /// services.
    Elderly,
    /// A legal representative, acting for someone else.
    Representative,
}

impl Profile {
    /// An elderly person unable to look after themselves is recommended special social
    /// services; everyone else's list is a rehabilitation programme (Rules item 7).
    pub fn gets_social_services(&self) -> bool {
        self.category == ParticipantCategory::Elderly
    }

    /// Surname, given name and patronymic, as on the document.
    pub fn full_name(&self) -> String {
        let mut name = format!("{} {}", self.name.surname, self.name.given_name);
        if let Some(p) = &self.patronymic {
            name.push(' ');
            name.push_str(p);
        }
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(expires_on: NaiveDate) -> IdDocument {
        IdDocument {
            number: "012345678".into(),
            issuer: "МВД РК".into(),
            issued_on: NaiveDate::from_ymd_opt(2016, 5, 4).unwrap(),
            expires_on,
        }
    }

    #[test]
    fn a_document_is_valid_through_its_expiry_day_and_warns_a_month_before() {
        let expires = NaiveDate::from_ymd_opt(2026, 12, 23).unwrap();
        let d = document(expires);
        let day = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(d.validity(day(2026, 11, 22)), DocumentValidity::Valid);
        assert_eq!(
            d.validity(day(2026, 11, 23)),
            DocumentValidity::ExpiresSoon { days_left: 30 }
        );
        assert_eq!(
            d.validity(expires),
            DocumentValidity::ExpiresSoon { days_left: 0 }
        );
        assert_eq!(d.validity(day(2026, 12, 24)), DocumentValidity::Expired);
    }
}
