//! A participant's own data: profile and individual-programme (IPR) activities.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{Category, LocalizedText};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Profile {
    pub iin: String,
    pub surname: String,
    pub given_name: String,
    pub patronymic: Option<String>,
    pub birth_date: NaiveDate,
    pub sex: Sex,
    pub category: ParticipantCategory,
    pub region: String,
    /// The registered address.
    pub address: String,
    /// The phone in the mobile-citizens base (BMG) that codes go to: `+7` and ten digits.
    pub phone: String,
    pub email: Option<String>,
    pub id_document: IdDocument,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

/// The identity document on record (Rules item 6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct IdDocument {
    pub number: String,
    pub issuer: String,
    pub issued_on: NaiveDate,
    pub expires_on: NaiveDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ParticipantCategory {
    Disability,
    Elderly,
    Representative,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActivityStatus {
    AwaitingChoice,
    SupplierChosen,
    ApplicationSigned,
    InDelivery,
    Realised,
    ChoiceBlocked,
    ActivationRequested,
    Cancelled,
}

/// One activity of the individual programme, as E-Sobes sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Activity {
    pub id: String,
    pub category: Category,
    pub title: LocalizedText,
    pub quantity: u32,
    pub programme_date: NaiveDate,
    /// The day the person was notified to choose a supplier; the two-month window runs from it.
    pub notice_date: Option<NaiveDate>,
    pub term_until: NaiveDate,
    pub status: ActivityStatus,
    /// Catalogue items that satisfy this activity.
    pub matching_items: Vec<String>,
    /// Every status the activity has had, oldest first, with the day (Astana) it began.
    #[serde(default)]
    pub history: Vec<StatusChange>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StatusChange {
    pub status: ActivityStatus,
    pub on: NaiveDate,
}
