//! The holiday calendar (days off and transferred working days), as a file gives it, and the
//! deadlines counted in it: a calendar of nothing but days off must not hang a deadline.
#![no_main]

use chrono::{DateTime, Duration};
use komek_domain::calendar::WorkCalendar;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(calendar) = WorkCalendar::from_toml(text)
        && let Some(start) = DateTime::from_timestamp(1_767_225_600, 0)
    {
        let _ = calendar.add_working_time(start, Duration::hours(40));
    }
});
