//! Pure rules of the portal: IIN, IPR activities and the two-month window, catalogue, orders,
//! working time in Astana and the deadlines of a technical-failure request, the personal
//! account and mobile numbers. Used by the kiosk and by the gateway, so each rule exists once.
//!
//! No IO, no clock reads, no Slint: every function takes the date it needs.

mod activity;
pub mod announcements;
pub mod astana;
pub mod calendar;
mod catalogue;
mod email;
mod failure;
pub mod failure_sla;
mod iin;
pub mod language;
pub mod money;
pub mod offer;
mod order;
mod phone;
mod profile;
mod representation;
mod text;
mod window;

pub use activity::{Activity, ActivityStatus, PATH as ACTIVITY_PATH};
pub use catalogue::{Catalogue, Category, Choice, Item, Offer, Supplier};
pub use email::{EmailError, check_email};
pub use failure::FailureProblem;
pub use iin::{Iin, IinError, Sex, check_digit};
pub use language::{Lang, Word};
pub use order::{Order, OrderError};
pub use phone::{MobilePhone, PhoneError, is_phone_number};
pub use profile::{
    DOCUMENT_WARNING_DAYS, DocumentValidity, IdDocument, ParticipantCategory, Profile,
};
pub use representation::{Principal, Relation};
pub use text::Text;
pub use window::{CHOICE_WINDOW_MONTHS, ChoiceWindow, window_last_day};

/// What a person sees of themselves during a visit.
#[derive(Debug, Clone, PartialEq, Eq, zeroize::Zeroize, zeroize::ZeroizeOnDrop)]
pub struct PersonName {
    pub surname: String,
    pub given_name: String,
}
