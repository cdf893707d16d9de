//! The outbox file as a power cut, a bad sector or a stranger with the SD card leaves it: the
//! kiosk must open it (a damaged file set aside, what is readable carried over) and go on.
#![no_main]

use komek_kiosk_core::store::{DeviceKey, Outbox};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // In memory where the machine has it: the file system is not what is under test, and a
    // run of ten million files on disk would take a day.
    let dir = tempfile::Builder::new()
        .tempdir_in("/dev/shm")
        .or_else(|_| tempfile::tempdir());
    let Ok(dir) = dir else {
        return;
    };
    let path = dir.path().join("outbox.db");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let outbox = Outbox::open(&path, DeviceKey::ephemeral());
    let outbox = outbox.unwrap_or_else(|e| panic!("the kiosk could not go on: {e}"));
    if let Err(e) = outbox.counts() {
        panic!("an opened outbox cannot be counted: {e}");
    }
});
