//! Where the kiosk stands once an operator has enrolled it: the id the gateway knows it by, its
//! site and region. Kept in the data folder (`enrolment.json`) beside the key it was enrolled
//! with; without it the kiosk is out of service until a technician enrols it.

use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::store::StoreError;

/// Where in the data folder the enrolment is kept.
pub const ENROLMENT_FILE: &str = "enrolment.json";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrolment {
    pub kiosk_id: String,
    pub site: String,
    pub region: String,
    pub enrolled_at: DateTime<Utc>,
}

impl Enrolment {
    /// The enrolment in `data_dir`, `None` when the kiosk was never enrolled. A file that cannot
    /// be read as one is an error, for the technician to see: enrolling again mends it.
    pub fn load(data_dir: &Path) -> Result<Option<Self>, StoreError> {
        let path = data_dir.join(ENROLMENT_FILE);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| StoreError::Corrupt(format!("{}: {e}", path.display())))
    }

    /// Keeps this enrolment in `data_dir`, replacing any earlier one in one step.
    pub fn save(&self, data_dir: &Path) -> Result<(), StoreError> {
        let json = serde_json::to_vec_pretty(self)
            .map_err(|e| StoreError::Corrupt(format!("enrolment: {e}")))?;
        crate::store::replace_file(&data_dir.join(ENROLMENT_FILE), &json)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn enrolment(id: &str) -> Enrolment {
        Enrolment {
            kiosk_id: id.into(),
            site: "ЦОН Караганды".into(),
            region: "KZ-35".into(),
            enrolled_at: DateTime::from_timestamp(1_800_000_000, 0).unwrap(),
        }
    }

    #[test]
    fn an_enrolment_is_kept_across_starts_and_a_new_one_replaces_it() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Enrolment::load(dir.path()).unwrap(), None);
        enrolment("kiosk-1").save(dir.path()).unwrap();
        assert_eq!(
            Enrolment::load(dir.path()).unwrap(),
            Some(enrolment("kiosk-1"))
        );
        enrolment("kiosk-2").save(dir.path()).unwrap();
        assert_eq!(
            Enrolment::load(dir.path()).unwrap(),
            Some(enrolment("kiosk-2"))
        );
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, [ENROLMENT_FILE]);
    }

    #[test]
    fn a_damaged_enrolment_is_an_error_not_a_kiosk_without_one() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(ENROLMENT_FILE), b"{\"kiosk_id\": ").unwrap();
        assert!(matches!(
            Enrolment::load(dir.path()),
            Err(StoreError::Corrupt(_))
        ));
    }
}
