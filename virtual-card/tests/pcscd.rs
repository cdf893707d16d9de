//! The kiosk's reader layer against the real pcscd with vpcd's virtual readers and the virtual
//! card connected to them (`scripts/pcscd-netns`; needs root). No mocks: every APDU goes from
//! `PcscTransport` through pcscd and vpcd to the applet over TCP.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use chrono::{Duration as Days, Utc};
use komek_api::SignatureAlgorithm;
use komek_card::applet::Applet;
use komek_card::komek::ATR;
use komek_card::reader::{self, CardService, PcscTransport, ReaderEvent, ReaderWatch};
use komek_card::{CardError, CardProfile, KeyRole, Pin};
use komek_virtual_card::pcscd::{Pcscd, READERS};
use komek_virtual_card::{Authority, CardIdentity, KeyKind};

const PIN: &str = "1234";
const RETRY: Duration = Duration::from_millis(100);
/// pcscd polls vpcd every 400 ms; a few polls are plenty.
const WITHIN: Duration = Duration::from_secs(5);

fn identity() -> CardIdentity {
    let authority = Authority::new("Komek pcscd test root").unwrap();
    let now = Utc::now();
    authority
        .issue_card(
            "810314304128",
            KeyKind::P256,
            now - Days::days(1),
            now + Days::days(365),
        )
        .unwrap()
}

fn watch() -> (ReaderWatch, Receiver<ReaderEvent>) {
    let (sender, events) = channel();
    (ReaderWatch::spawn(sender, RETRY).unwrap(), events)
}

/// The first event that `wanted` accepts, skipping others; fails with what was seen.
fn next<T>(
    events: &Receiver<ReaderEvent>,
    what: &str,
    wanted: impl Fn(&ReaderEvent) -> Option<T>,
) -> T {
    let deadline = Instant::now() + WITHIN;
    let mut seen = Vec::new();
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match events.recv_timeout(left) {
            Ok(event) => match wanted(&event) {
                Some(found) => return found,
                None => seen.push(event),
            },
            Err(_) => break,
        }
    }
    panic!("no {what} within {WITHIN:?}; saw {seen:?}");
}

fn ready_with_both_readers(events: &Receiver<ReaderEvent>) {
    next(events, "Ready with both readers", |event| match event {
        ReaderEvent::Service(CardService::Ready { readers })
            if READERS
                .iter()
                .all(|(name, _)| readers.iter().any(|r| r == name)) =>
        {
            Some(())
        }
        _ => None,
    });
}

fn inserted(events: &Receiver<ReaderEvent>, reader: &str) -> Vec<u8> {
    next(events, "Inserted", |event| match event {
        ReaderEvent::Inserted { reader: r, atr } if r == reader => Some(atr.clone()),
        _ => None,
    })
}

fn removed(events: &Receiver<ReaderEvent>, reader: &str) {
    next(events, "Removed", |event| match event {
        ReaderEvent::Removed { reader: r } if r == reader => Some(()),
        _ => None,
    });
}

/// Opens the card in the first reader once the watch has seen it.
fn open_card(
    events: &Receiver<ReaderEvent>,
) -> (PcscTransport, Box<dyn CardProfile>, reader::Context) {
    let (reader, _) = READERS[0];
    inserted(events, reader);
    let context = reader::establish().unwrap();
    let opened = reader::open(&context, reader).unwrap();
    assert_eq!(opened.atr, ATR);
    (opened.transport, opened.profile, context)
}

#[test]
fn an_inserted_card_is_reported_with_its_atr_and_then_removed() {
    let pcscd = Pcscd::shared().unwrap();
    let (_watch, events) = watch();
    ready_with_both_readers(&events);
    let (reader, port) = READERS[0];
    let card = pcscd.insert(port, identity().applet(PIN)).unwrap();
    assert_eq!(inserted(&events, reader), ATR);
    let pulled = Instant::now();
    card.remove().unwrap();
    removed(&events, reader);
    eprintln!(
        "Removed reported {:?} after the card's socket closed",
        pulled.elapsed()
    );
}

#[test]
fn the_kiosk_reads_both_certificates_and_the_authentication_signature_verifies() {
    let pcscd = Pcscd::shared().unwrap();
    let (_watch, events) = watch();
    let identity = identity();
    let expected = identity.clone();
    let _card = pcscd.insert(READERS[0].1, identity.applet(PIN)).unwrap();
    let (mut card, profile, _context) = open_card(&events);

    let started = Instant::now();
    let authentication = profile
        .certificate(&mut card, KeyRole::Authentication)
        .unwrap();
    let signing = profile.certificate(&mut card, KeyRole::Signing).unwrap();
    eprintln!("both certificates read in {:?}", started.elapsed());
    assert_eq!(authentication, expected.authentication.certificate_der);
    assert_eq!(signing, expected.signing.certificate_der);
    assert_ne!(authentication, signing);

    profile
        .verify_pin(&mut card, &Pin::new(PIN).unwrap())
        .unwrap();
    assert!(
        komek_virtual_card::authentication_signs_as_certified(
            profile.as_ref(),
            &mut card,
            &authentication
        )
        .unwrap()
    );
}

#[test]
fn wrong_pins_count_down_then_block_and_a_blocked_card_stays_blocked() {
    let pcscd = Pcscd::shared().unwrap();
    let (_watch, events) = watch();
    let (reader, port) = READERS[0];
    let inserted_card = pcscd.insert(port, identity().applet(PIN)).unwrap();
    let (mut card, profile, _context) = open_card(&events);
    let wrong = Pin::new("9999").unwrap();
    assert_eq!(profile.pin_tries_left(&mut card), Ok(3));
    for left in [2, 1] {
        assert_eq!(
            profile.verify_pin(&mut card, &wrong),
            Err(CardError::WrongPin { tries_left: left })
        );
    }
    assert_eq!(
        profile.verify_pin(&mut card, &wrong),
        Err(CardError::PinBlocked)
    );
    assert_eq!(
        profile.verify_pin(&mut card, &Pin::new(PIN).unwrap()),
        Err(CardError::PinBlocked)
    );

    // Out and in again: still blocked.
    drop(card);
    let applet: Applet = inserted_card.remove().unwrap();
    removed(&events, reader);
    let _again = pcscd.insert(port, applet).unwrap();
    let (mut card, profile, _context) = open_card(&events);
    assert_eq!(
        profile.pin_tries_left(&mut card),
        Err(CardError::PinBlocked)
    );
    assert_eq!(
        profile.verify_pin(&mut card, &Pin::new(PIN).unwrap()),
        Err(CardError::PinBlocked)
    );
}

#[test]
fn a_card_pulled_out_before_the_pin_is_checked_is_removed() {
    let pcscd = Pcscd::shared().unwrap();
    let (_watch, events) = watch();
    let inserted_card = pcscd.insert(READERS[0].1, identity().applet(PIN)).unwrap();
    let (mut card, profile, _context) = open_card(&events);
    inserted_card.remove().unwrap();
    assert_eq!(
        profile.verify_pin(&mut card, &Pin::new(PIN).unwrap()),
        Err(CardError::Removed)
    );
}

#[test]
fn a_card_pulled_out_between_the_pin_and_the_signature_signs_nothing() {
    let pcscd = Pcscd::shared().unwrap();
    let (_watch, events) = watch();
    let inserted_card = pcscd.insert(READERS[0].1, identity().applet(PIN)).unwrap();
    let (mut card, profile, _context) = open_card(&events);
    profile
        .verify_pin(&mut card, &Pin::new(PIN).unwrap())
        .unwrap();
    inserted_card.remove().unwrap();
    let signed = profile.sign_digest(
        &mut card,
        KeyRole::Signing,
        SignatureAlgorithm::EcdsaP256Sha256,
        &[3; 32],
    );
    assert_eq!(signed, Err(CardError::Removed));
}

#[test]
fn cards_in_both_readers_are_two_insertions_with_distinct_readers() {
    let pcscd = Pcscd::shared().unwrap();
    let (_watch, events) = watch();
    ready_with_both_readers(&events);
    let _first = pcscd.insert(READERS[0].1, identity().applet(PIN)).unwrap();
    let _second = pcscd.insert(READERS[1].1, identity().applet(PIN)).unwrap();
    let mut readers: Vec<String> = (0..2)
        .map(|_| {
            next(&events, "Inserted", |event| match event {
                ReaderEvent::Inserted { reader, atr } if atr.as_slice() == ATR => {
                    Some(reader.clone())
                }
                _ => None,
            })
        })
        .collect();
    readers.sort();
    assert_eq!(readers, [READERS[0].0, READERS[1].0]);
}

#[test]
fn the_watch_reports_the_service_gone_and_back_with_its_readers() {
    let mut pcscd = Pcscd::shared().unwrap();
    let (watch, events) = watch();
    ready_with_both_readers(&events);
    let (reader, port) = READERS[0];
    let _card = pcscd.insert(port, identity().applet(PIN)).unwrap();
    inserted(&events, reader);

    pcscd.stop().unwrap();
    removed(&events, reader);
    let reason = next(&events, "Unavailable", |event| match event {
        ReaderEvent::Service(CardService::Unavailable { reason }) => Some(reason.clone()),
        _ => None,
    });
    assert!(!reason.is_empty());

    pcscd.start().unwrap();
    ready_with_both_readers(&events);

    let dropping = Instant::now();
    drop(watch);
    assert!(
        // Cancelled at once, or at worst at the end of its 1 s wait slice.
        dropping.elapsed() < Duration::from_millis(1500),
        "dropping the watch took {:?}",
        dropping.elapsed()
    );
}

#[test]
fn without_pcscd_the_service_is_unavailable_and_connecting_fails() {
    let _pcscd = Pcscd::stopped().unwrap();
    let (_watch, events) = watch();
    match events.recv_timeout(WITHIN).unwrap() {
        ReaderEvent::Service(service @ CardService::Unavailable { .. }) => {
            assert_eq!(
                service.to_string(),
                "card service unavailable: pcscd is not running"
            );
        }
        other => panic!("expected Unavailable first, got {other:?}"),
    }
    assert!(matches!(reader::establish(), Err(CardError::Reader(_))));
    // What the technician's report says.
    assert_eq!(
        CardService::now().to_string(),
        "card service unavailable: pcscd is not running"
    );
}

#[test]
fn the_technicians_report_names_the_readers_pcscd_has() {
    let _pcscd = Pcscd::shared().unwrap();
    assert_eq!(
        CardService::now(),
        CardService::Ready {
            readers: READERS.iter().map(|(name, _)| name.to_string()).collect()
        }
    );
}
