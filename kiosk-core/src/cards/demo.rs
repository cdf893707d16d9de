//! The embedded demo's ID card: one in-process virtual card a visitor inserts with a button,
//! reported through the same [`ReaderEvent`]s as a PC/SC reader's.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use komek_card::applet::Applet;
use komek_card::reader::ReaderEvent;
use komek_card::{CardError, Transport};
use komek_virtual_card::{Authority, IdentityError, KeyKind};

use super::ConnectedCard;

/// The name the demo card's reader goes by.
pub const DEMO_READER: &str = "Komek demo card";
/// The demo card's PIN, shown on the PIN screen of a demo kiosk.
pub const DEMO_PIN: &str = "1234";

/// The embedded demo's ID card: issued at start by a demo root that the embedded gateway
/// trusts, with the PIN [`DEMO_PIN`]. Its PIN tries carry over from one insertion to the next,
/// like a real card's.
pub struct DemoCard {
    shared: Arc<DemoShared>,
    root_der: Vec<u8>,
    events: Option<Sender<ReaderEvent>>,
}

struct DemoShared {
    applet: Mutex<Applet>,
    inserted: AtomicBool,
}

impl DemoCard {
    /// A card for `iin` valid from a year before `now` for five years (P-256: issued in
    /// milliseconds, where an RSA key takes seconds).
    pub fn issue(iin: &str, now: DateTime<Utc>) -> Result<DemoCard, IdentityError> {
        let authority = Authority::with_key("Komek demo root", KeyKind::P256)?;
        let card = authority.issue_card(
            iin,
            KeyKind::P256,
            now - chrono::Duration::days(365),
            now + chrono::Duration::days(5 * 365),
        )?;
        Ok(DemoCard {
            shared: Arc::new(DemoShared {
                applet: Mutex::new(card.applet(DEMO_PIN)),
                inserted: AtomicBool::new(false),
            }),
            root_der: authority.root_der().to_vec(),
            events: None,
        })
    }

    /// The root the gateway must trust for this card (DER).
    pub fn root_der(&self) -> &[u8] {
        &self.root_der
    }

    pub(super) fn reporting_to(mut self, events: Sender<ReaderEvent>) -> DemoCard {
        self.events = Some(events);
        self
    }

    pub fn inserted(&self) -> bool {
        self.shared.inserted.load(Ordering::SeqCst)
    }

    pub fn insert(&self) {
        if !self.shared.inserted.swap(true, Ordering::SeqCst) {
            self.send(ReaderEvent::Inserted {
                reader: DEMO_READER.into(),
                atr: komek_card::komek::ATR.to_vec(),
            });
        }
    }

    /// Pulled out: the card loses its power, and with it a verified PIN.
    pub fn remove(&self) {
        if self.shared.inserted.swap(false, Ordering::SeqCst) {
            if let Ok(mut applet) = self.shared.applet.lock() {
                applet.reset();
            }
            self.send(ReaderEvent::Removed {
                reader: DEMO_READER.into(),
            });
        }
    }

    fn send(&self, event: ReaderEvent) {
        if let Some(events) = &self.events {
            let _ = events.send(event);
        }
    }

    pub(super) fn open(&self) -> Result<ConnectedCard, CardError> {
        if !self.inserted() {
            return Err(CardError::Removed);
        }
        let mut transport = DemoTransport(Arc::clone(&self.shared));
        let profile =
            komek_card::profile_for(&komek_card::komek::ATR).ok_or(CardError::UnknownCard)?;
        profile.open(&mut transport)?;
        Ok(ConnectedCard {
            transport: Box::new(transport),
            profile,
        })
    }
}

/// The demo card's contacts: nothing passes once it is pulled out.
struct DemoTransport(Arc<DemoShared>);

impl Transport for DemoTransport {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, CardError> {
        if !self.0.inserted.load(Ordering::SeqCst) {
            return Err(CardError::Removed);
        }
        let mut applet = self
            .0
            .applet
            .lock()
            .map_err(|_| CardError::Reader("the demo card's lock is poisoned".into()))?;
        Ok(applet.process(command))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cards::CardReaders;
    use crate::core::CardAccess;

    #[test]
    fn the_demo_card_reports_insertion_once_and_nothing_passes_once_it_is_pulled_out() {
        let card = DemoCard::issue("810314304128", Utc::now()).unwrap();
        let readers = CardReaders::new(false).with_demo_card(card);
        let demo = readers.demo().unwrap();
        assert!(matches!(
            readers.opener().open(DEMO_READER),
            Err(CardError::Removed)
        ));
        demo.insert();
        demo.insert();
        assert!(
            matches!(readers.try_event(), Some(ReaderEvent::Inserted { reader, .. }) if reader == DEMO_READER)
        );
        assert!(readers.try_event().is_none(), "one insertion, one event");
        let mut access = CardAccess::connected(readers.opener().open(DEMO_READER).unwrap());
        assert_eq!(access.pin_tries_left(), Ok(3));
        demo.remove();
        assert_eq!(access.pin_tries_left(), Err(CardError::Removed));
        assert!(matches!(
            readers.try_event(),
            Some(ReaderEvent::Removed { .. })
        ));
    }
}
