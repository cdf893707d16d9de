//! The announcements of Rules item 14 over HTTP from the real binary: public, newest first,
//! with the maintenance window, the failure's planned fix and the contact centre's phone.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::Utc;
use common::*;
use komek_api::{AnnouncementKind, Announcements};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn announcements_are_public_newest_first_with_their_times() {
    let gw = start();
    let http = Kiosk::enrolled(&gw).await;
    let answer: Announcements = http
        .get(format!("{}/v1/announcements", gw.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(!answer.contact_centre_phone.is_empty());
    let dates: Vec<_> = answer.items.iter().map(|a| a.published_on).collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted, "newest first");
    let now = Utc::now();
    let maintenance = answer
        .items
        .iter()
        .find(|a| a.kind == AnnouncementKind::Maintenance)
        .unwrap();
    assert!(maintenance.starts_at.unwrap() > now);
    assert!(maintenance.ends_at.unwrap() > maintenance.starts_at.unwrap());
    let failure = answer
        .items
        .iter()
        .find(|a| a.kind == AnnouncementKind::Failure)
        .unwrap();
    assert!(failure.starts_at.unwrap() < now && failure.planned_fix.unwrap() > now);
    assert!(failure.ends_at.is_none(), "not fixed yet");
    for kind in [
        AnnouncementKind::News,
        AnnouncementKind::Question,
        AnnouncementKind::Instruction,
    ] {
        assert!(answer.items.iter().any(|a| a.kind == kind), "{kind:?}");
    }
    // An instruction can name its video; nothing else carries one.
    assert!(answer.items.iter().any(|a| a.video.is_some()));
    assert!(
        answer
            .items
            .iter()
            .filter(|a| a.video.is_some())
            .all(|a| a.kind == AnnouncementKind::Instruction)
    );
}
