//! What a field technician sees: the queue's state, parked actions with their reasons, damaged
//! files kept aside, the age of the cached catalogue. Nothing personal: no IIN, name, phone or
//! payload — actions are shown by id and kind only.

use std::fmt::Write;
use std::path::Path;

use crate::speech::{HEALTH_FILE, Health};
use crate::store::{self, StoreError};
use crate::technician::QueueState;
use komek_domain::astana::time_text;

/// The report for the kiosk whose data live in `data_dir`.
pub fn report(data_dir: &Path) -> Result<String, StoreError> {
    let (outbox, cache) = store::open(data_dir)?;
    let queue = QueueState::read(&outbox, &cache)?;
    let counts = queue.counts;
    let mut out = String::new();
    let _ = writeln!(out, "Komek kiosk diagnostics — {}", data_dir.display());
    let _ = match crate::enrolment::Enrolment::load(data_dir) {
        Ok(Some(e)) => writeln!(
            out,
            "enrolled as {} at {} ({}), {}",
            e.kiosk_id,
            e.site,
            e.region,
            time_text(e.enrolled_at)
        ),
        Ok(None) => writeln!(
            out,
            "not enrolled: out of service until an operator's code is typed"
        ),
        Err(e) => writeln!(out, "enrolment: damaged ({e}); enrol again"),
    };
    let identity = data_dir.join(crate::identity::IDENTITY_FILE);
    let _ = match crate::identity::DeviceIdentity::load(&identity) {
        Ok(key) => writeln!(out, "device identity: {}", key.fingerprint()),
        Err(StoreError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
            writeln!(
                out,
                "device identity: none yet (made at the kiosk's first start)"
            )
        }
        Err(e) => writeln!(out, "device identity: damaged ({e})"),
    };
    let _ = writeln!(
        out,
        "queue: {} pending, {} delivered, {} parked",
        counts.pending, counts.delivered, counts.parked
    );
    if let Some(at) = queue.next_due_at {
        let _ = writeln!(out, "next delivery attempt: {} (Astana)", time_text(at));
    }
    for action in queue.parked {
        let _ = writeln!(
            out,
            "parked {} ({}) {} queued {}: {}",
            crate::store::kiosk_reference(action.id),
            action.id,
            action.kind,
            time_text(action.created_at),
            action.reason.unwrap_or_default()
        );
    }
    let _ = match queue.catalogue_cached_at {
        Some(at) => writeln!(out, "catalogue cached at {} (Astana)", time_text(at)),
        None => writeln!(out, "catalogue: not cached yet"),
    };
    let mut kept: Vec<String> = std::fs::read_dir(data_dir)?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.contains(".damaged-") || n.contains(".corrupt-"))
        .collect();
    kept.sort();
    for name in kept {
        let _ = writeln!(out, "damaged file kept: {name}");
    }
    speech_health(data_dir, &mut out);
    Ok(out)
}

/// Whether every slot of the sign-language manifest has its clip in `clips_dir`.
pub fn sign_clips(clips_dir: &Path) -> String {
    let missing = crate::sign::manifest::missing(clips_dir);
    if missing.is_empty() {
        format!(
            "sign-language clips: every screen has its clips in {}\n",
            clips_dir.display()
        )
    } else {
        format!(
            "sign-language clips: {} missing in {}: {}\n",
            missing.len(),
            clips_dir.display(),
            missing.join(", ")
        )
    }
}

/// The speech worker's last report on its voices and audio, if it has written one.
pub fn read_speech_health(data_dir: &Path) -> Option<Health> {
    std::fs::read(data_dir.join(HEALTH_FILE))
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Health>(&bytes).ok())
}

/// The speech worker's last word on its voices and audio (written as it changes).
fn speech_health(data_dir: &Path, out: &mut String) {
    let Some(h) = read_speech_health(data_dir) else {
        let _ = writeln!(out, "speech: no report yet (the kiosk has not spoken)");
        return;
    };
    let problem = h
        .dispatcher_problem
        .map(|p| format!(" ({p})"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "speech-dispatcher: {}{problem}; wedged {} times; espeak-ng spoke {} times instead",
        h.dispatcher, h.wedged_count, h.fallback_count
    );
    let _ = writeln!(out, "speech audio output: {}", h.audio);
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use uuid::Uuid;

    #[test]
    fn the_report_shows_the_queue_and_reasons_but_nothing_personal() {
        let dir = tempfile::tempdir().unwrap();
        let (outbox, _) = store::open(dir.path()).unwrap();
        let (kept, refused) = (Uuid::now_v7(), Uuid::now_v7());
        let personal = r#"{"phone":"+77011234567","iin":"810314304128"}"#;
        outbox
            .enqueue(kept, "k1", "contact_change", personal, Utc::now())
            .unwrap();
        outbox
            .enqueue(refused, "k2", "supplier_choice", personal, Utc::now())
            .unwrap();
        outbox
            .mark_parked(
                refused,
                "refused (403): the login grant has expired",
                Utc::now(),
            )
            .unwrap();
        drop(outbox);
        std::fs::write(dir.path().join("outbox.db.damaged-20261123T000000"), b"x").unwrap();

        let report = report(dir.path()).unwrap();
        assert!(
            report.contains("queue: 1 pending, 0 delivered, 1 parked"),
            "{report}"
        );
        let reference = crate::store::kiosk_reference(refused);
        assert!(
            report.contains(&format!("parked {reference} ({refused}) supplier_choice")),
            "{report}"
        );
        assert!(report.contains("the login grant has expired"), "{report}");
        assert!(report.contains("damaged file kept: outbox.db.damaged-20261123T000000"));
        assert!(report.contains("catalogue: not cached yet"));
        assert!(report.contains("speech: no report yet"), "{report}");
        let clips = sign_clips(dir.path());
        assert!(
            clips.contains(&format!(
                "{} missing",
                crate::sign::manifest::screens().count() * 2
            )) && clips.contains("welcome/kk"),
            "{clips}"
        );
        for secret in ["7011234567", "810314304128", "k1", "k2"] {
            assert!(!report.contains(secret), "{secret} in {report}");
        }
    }

    #[test]
    fn the_report_names_the_device_identity_without_making_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(crate::identity::IDENTITY_FILE);
        let before = report(dir.path()).unwrap();
        assert!(before.contains("device identity: none yet"), "{before}");
        assert!(!path.exists(), "reading the report made a key");
        let identity = crate::identity::DeviceIdentity::load_or_create(&path).unwrap();
        let after = report(dir.path()).unwrap();
        let line = format!("device identity: {}", identity.fingerprint());
        assert!(after.contains(&line), "{after}");
        std::fs::write(&path, b"x").unwrap();
        assert!(
            report(dir.path())
                .unwrap()
                .contains("device identity: damaged")
        );
    }
}
