//! Faults inflicted on the outbox file: power cuts in the middle of a commit, bad sectors,
//! garbage. Every action committed before the fault must be there afterwards.

use std::path::Path;

use chrono::{DateTime, TimeZone, Utc};
use uuid::Uuid;

use super::{DeviceKey, Outbox, OutboxCounts};

fn at(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_790_000_000 + secs, 0).unwrap()
}

fn damaged_files(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| {
            n.starts_with("outbox.db.damaged-") && !n.ends_with("-wal") && !n.ends_with("-shm")
        })
        .count()
}

#[test]
fn a_damaged_outbox_is_kept_aside_and_its_readable_actions_carried_over() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("outbox.db");
    let key_path = dir.path().join("device.key");
    let outbox = Outbox::open(&path, DeviceKey::load_or_create(&key_path).unwrap()).unwrap();
    let body = "y".repeat(1500);
    let ids: Vec<Uuid> = (0..60).map(|_| Uuid::now_v7()).collect();
    for id in &ids {
        outbox.enqueue(*id, "p", "k", &body, at(0)).unwrap();
    }
    outbox
        .conn
        .pragma_update(None, "wal_checkpoint", "TRUNCATE")
        .unwrap();
    let page_size: i64 = outbox
        .conn
        .query_row("PRAGMA page_size", [], |r| r.get(0))
        .unwrap();
    let page_size = page_size as usize;
    drop(outbox);
    // A bad sector: one leaf page in the middle of the table is overwritten.
    let mut bytes = std::fs::read(&path).unwrap();
    let page = bytes.len() / page_size / 2;
    bytes[page * page_size..(page + 1) * page_size].fill(0xA5);
    std::fs::write(&path, &bytes).unwrap();

    let outbox = Outbox::open(&path, DeviceKey::load_or_create(&key_path).unwrap()).unwrap();
    assert_eq!(
        damaged_files(dir.path()),
        1,
        "the damaged file is kept for the technician"
    );
    let pending = outbox.counts().unwrap().pending;
    assert!((40..60).contains(&pending), "carried {pending} of 60");
    let readable = ids
        .iter()
        .filter(|id| outbox.get(**id).unwrap().is_some())
        .count() as u64;
    assert_eq!(readable, pending);
    for id in &ids {
        if let Some(row) = outbox.get(*id).unwrap() {
            assert_eq!(
                row.payload.as_deref(),
                Some(body.as_str()),
                "carried rows still open"
            );
        }
    }
    let check: String = outbox
        .conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    outbox
        .enqueue(Uuid::now_v7(), "p", "k", "{}", at(1))
        .unwrap();
}

#[test]
fn a_garbage_outbox_file_gives_way_to_a_new_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("outbox.db");
    std::fs::write(&path, b"not a database at all ".repeat(500)).unwrap();
    let outbox = Outbox::open(&path, DeviceKey::ephemeral()).unwrap();
    assert_eq!(damaged_files(dir.path()), 1);
    assert_eq!(outbox.counts().unwrap(), OutboxCounts::default());
}

/// A power cut while a commit is being written leaves a prefix of that commit's WAL frames on
/// disk. For every cut point, reopening must give an intact database holding exactly the
/// actions whose commits had completed.
#[test]
fn a_power_cut_at_any_point_of_the_log_keeps_every_completed_commit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("outbox.db");
    let wal = dir.path().join("outbox.db-wal");
    let key_path = dir.path().join("device.key");
    let outbox = Outbox::open(&path, DeviceKey::load_or_create(&key_path).unwrap()).unwrap();
    // Keep every frame in the log, so the log alone holds the commits being cut.
    outbox
        .conn
        .pragma_update(None, "wal_autocheckpoint", 0)
        .unwrap();
    outbox
        .conn
        .pragma_update(None, "wal_checkpoint", "TRUNCATE")
        .unwrap();
    let main_file = std::fs::read(&path).unwrap();
    let mut commits: Vec<(Uuid, u64)> = Vec::new();
    for i in 0..40 {
        let id = Uuid::now_v7();
        outbox
            .enqueue(id, "p", "k", &format!("{{\"n\":{i}}}"), at(i))
            .unwrap();
        commits.push((id, std::fs::metadata(&wal).unwrap().len()));
    }
    let log = std::fs::read(&wal).unwrap();
    drop(outbox);

    let mut cuts: Vec<u64> = vec![0, 31, 32, 33, log.len() as u64];
    for (_, end) in &commits {
        cuts.extend([end - 1, *end, end + 1]);
    }
    let mut dice = 0x9E37_79B9_7F4A_7C15_u64;
    for _ in 0..60 {
        dice ^= dice << 13;
        dice ^= dice >> 7;
        dice ^= dice << 17;
        cuts.push(dice % (log.len() as u64 + 1));
    }
    for cut in cuts {
        let cut = cut.min(log.len() as u64);
        let trial = tempfile::tempdir().unwrap();
        std::fs::write(trial.path().join("outbox.db"), &main_file).unwrap();
        std::fs::write(trial.path().join("outbox.db-wal"), &log[..cut as usize]).unwrap();
        let reopened = Outbox::open(
            &trial.path().join("outbox.db"),
            DeviceKey::load_or_create(&key_path).unwrap(),
        )
        .unwrap();
        let check: String = reopened
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok", "cut at {cut}");
        let completed: Vec<&Uuid> = commits
            .iter()
            .filter(|(_, end)| *end <= cut)
            .map(|(id, _)| id)
            .collect();
        assert_eq!(
            reopened.counts().unwrap().pending,
            completed.len() as u64,
            "cut at {cut}"
        );
        for id in completed {
            let row = reopened
                .get(*id)
                .unwrap()
                .unwrap_or_else(|| panic!("cut at {cut}: {id} lost"));
            assert!(
                row.payload.is_some(),
                "cut at {cut}: payload of {id} unreadable"
            );
        }
    }
}

/// Found by the `outbox` fuzz target: a damaged file whose sequence claims an enormous last
/// row (salvage walked every number up to it), and one whose index answers row 0 when asked
/// for the row after 0 (salvage asked again for ever): the kiosk never got past opening its
/// outbox.
#[test]
fn a_damaged_outbox_claiming_a_huge_last_row_is_salvaged_at_once() {
    opens_in_time(include_bytes!("testdata/outbox-with-a-huge-sequence.bin"));
}

#[test]
fn a_damaged_outbox_whose_index_answers_out_of_order_is_salvaged_at_once() {
    opens_in_time(include_bytes!(
        "testdata/outbox-whose-index-answers-out-of-order.bin"
    ));
}

/// Found by the `outbox` fuzz target: a file SQLite finds whole, with garbage where a row's
/// state should be; the kiosk opened it and then could not count its queue.
#[test]
fn a_damaged_outbox_with_a_row_in_no_known_state_is_salvaged() {
    opens_in_time(include_bytes!(
        "testdata/outbox-with-a-row-in-no-known-state.bin"
    ));
}

/// Found by the `outbox` fuzz target: a file whose schema text is garbage passes the checks,
/// and the purge of old parked payloads at opening failed on it: the kiosk could not start.
#[test]
fn a_damaged_outbox_whose_schema_breaks_the_payload_purge_is_salvaged() {
    opens_in_time(include_bytes!(
        "testdata/outbox-whose-schema-breaks-the-payload-purge.bin"
    ));
}

fn opens_in_time(file: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("outbox.db");
    std::fs::write(&path, file).unwrap();
    let (done, opened) = std::sync::mpsc::channel();
    let opening = path.clone();
    std::thread::spawn(move || {
        let outbox = Outbox::open(&opening, DeviceKey::ephemeral());
        let _ = done.send(outbox.map(|o| o.counts().is_ok()).unwrap_or(false));
    });
    let counted = opened
        .recv_timeout(std::time::Duration::from_secs(10))
        .expect("opening the outbox hangs");
    assert!(counted, "the kiosk goes on with a fresh outbox");
    assert_eq!(
        damaged_files(dir.path()),
        1,
        "the damaged file is kept aside"
    );
}
