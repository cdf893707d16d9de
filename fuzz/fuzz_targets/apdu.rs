//! The bytes of a command or an answer, the ATR, and the profile it chooses.
#![no_main]

use komek_card::apdu::{Command, Response};
use komek_card::{historical_bytes, profile_for};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(command) = Command::parse(data)
        && let Some(bytes) = command.to_bytes()
    {
        assert_eq!(
            Command::parse(&bytes).and_then(|c| c.to_bytes()),
            Some(bytes)
        );
    }
    if let Some(response) = Response::parse(data) {
        assert_eq!(response.to_bytes(), data, "an answer reads back as it came");
        let _ = response.tries_left();
    }
    let _ = historical_bytes(data);
    let _ = profile_for(data).map(|p| p.name());
});
