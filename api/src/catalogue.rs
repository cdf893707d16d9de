//! "Help for you": goods, services and their suppliers. Public data, readable without login.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::LocalizedText;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Good,
    Service,
}

/// The kinds of technical aids, special vehicles and services the portal offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    ProstheticOrthopaedic,
    Hearing,
    Vision,
    Hygiene,
    Mobility,
    SignLanguage,
    IndividualAssistant,
    Sanatorium,
    SocialServicesHome,
    SocialServicesDaycare,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Characteristic {
    pub label: LocalizedText,
    pub value: LocalizedText,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CatalogueItem {
    pub id: String,
    pub kind: ItemKind,
    pub category: Category,
    pub name: LocalizedText,
    pub description: LocalizedText,
    pub unit: LocalizedText,
    pub characteristics: Vec<Characteristic>,
    /// What the state compensates for one unit, in tenge.
    pub guaranteed_amount_kzt: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Offer {
    pub item_id: String,
    pub price_kzt: i64,
    pub delivery_days: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Supplier {
    pub id: String,
    pub name: String,
    pub bin: String,
    pub region: String,
    pub town: LocalizedText,
    pub address: LocalizedText,
    pub phone: String,
    pub directions: Vec<Category>,
    pub offers: Vec<Offer>,
}

/// `GET /v1/catalogue`: everything the kiosk caches for browsing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Catalogue {
    pub items: Vec<CatalogueItem>,
    pub suppliers: Vec<Supplier>,
}
