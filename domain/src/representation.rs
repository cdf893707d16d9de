//! Acting for someone (Rules item 2.9): a legal representative or a trustee logs in as
//! themselves and chooses whom they act for; the relations come from the state systems.

use chrono::NaiveDate;

use super::{Iin, ParticipantCategory};

/// How the person logged in stands to the one they act for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    Parent,
    Guardian,
    Trustee,
}

/// Someone the person logged in may act for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub iin: Iin,
    pub full_name: String,
    pub birth_date: NaiveDate,
    pub relation: Relation,
    pub category: ParticipantCategory,
}
