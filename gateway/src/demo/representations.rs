//! Who represents whom in the demo (`represents` and `relations` in `participants.json`).

use chrono::{Months, NaiveDate};
use komek_api::Relation;
use rusqlite::params;

use super::Participant;
use crate::error::GatewayError;

/// The relation a representative has to a principal the file gives none for: a parent of a
/// child under 18, else a guardian.
fn demo_relation(principal_birth: NaiveDate, today: NaiveDate) -> Relation {
    let adult_on = principal_birth.checked_add_months(Months::new(18 * 12));
    if adult_on.is_some_and(|d| d > today) {
        Relation::Parent
    } else {
        Relation::Guardian
    }
}

/// Replaces who represents whom: the state systems' record, like the catalogue.
pub fn load(
    tx: &rusqlite::Transaction<'_>,
    participants: &[Participant],
    today: NaiveDate,
) -> Result<(), GatewayError> {
    tx.execute("DELETE FROM representations", [])?;
    for p in participants {
        for principal in &p.represents {
            let relation = match p.relations.get(principal) {
                Some(r) => *r,
                None => {
                    let birth = participants
                        .iter()
                        .find(|q| &q.iin == principal)
                        .map(|q| q.birth_date)
                        .ok_or_else(|| {
                            GatewayError::DemoData(format!(
                                "{} represents an IIN not in participants.json",
                                crate::auth::mask_iin(&p.iin)
                            ))
                        })?;
                    demo_relation(birth, today)
                }
            };
            tx.execute(
                "INSERT INTO representations (representative_iin, principal_iin, relation)
                 VALUES (?1, ?2, ?3)",
                params![p.iin, principal, crate::db::enum_text(relation)],
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_parent_until_the_childs_eighteenth_birthday_then_a_guardian() {
        let birth = NaiveDate::from_ymd_opt(2008, 3, 1).unwrap();
        let eighteen = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let eve = eighteen.pred_opt().unwrap();
        assert_eq!(demo_relation(birth, eve), Relation::Parent);
        assert_eq!(demo_relation(birth, eighteen), Relation::Guardian);
    }
}
