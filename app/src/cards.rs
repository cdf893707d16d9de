//! Where the kiosk's ID cards come from: the PC/SC readers (pcscd, watched on a thread of its
//! own), and on the embedded demo one in-process virtual card that a visitor inserts with a
//! button. Both report through the same [`ReaderEvent`]s, so the screens cannot tell them apart.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use komek_card::applet::Applet;
use komek_card::reader::{CardService, ReaderEvent, ReaderWatch};
use komek_card::{CardError, Transport};
use komek_virtual_card::{Authority, IdentityError, KeyKind};

use crate::core::CardAccess;

/// The name the demo card's reader goes by.
pub const DEMO_READER: &str = "Komek demo card";
/// The demo card's PIN, shown on the PIN screen of a demo kiosk.
pub const DEMO_PIN: &str = "1234";
/// How often the watch tries pcscd again while it does not answer.
const PCSCD_RETRY: Duration = Duration::from_secs(3);

/// The kiosk's card sources and the events they send.
pub struct CardReaders {
    events: Receiver<ReaderEvent>,
    opener: CardOpener,
    _watch: Option<ReaderWatch>,
}

/// Opens the card in a reader; cheap to clone and sent to a blocking thread.
#[derive(Clone)]
pub struct CardOpener {
    demo: Option<Arc<DemoCard>>,
}

impl CardReaders {
    /// The PC/SC readers (when `pcsc`) and the demo card (when given). With neither, the card
    /// option shows as unavailable, and says why.
    pub fn new(pcsc: bool, demo: Option<DemoCard>) -> CardReaders {
        let (tx, events) = mpsc::channel();
        let watch = if pcsc {
            match ReaderWatch::spawn(tx.clone(), PCSCD_RETRY) {
                Ok(watch) => Some(watch),
                Err(e) => {
                    let reason = format!("the card-reader thread did not start: {e}");
                    let _ = tx.send(ReaderEvent::Service(CardService::Unavailable { reason }));
                    None
                }
            }
        } else {
            None
        };
        let demo = demo.map(|card| Arc::new(card.reporting_to(tx.clone())));
        if !pcsc && demo.is_none() {
            let reason = "no card readers are configured".to_string();
            let _ = tx.send(ReaderEvent::Service(CardService::Unavailable { reason }));
        }
        CardReaders {
            events,
            opener: CardOpener { demo },
            _watch: watch,
        }
    }

    /// No card source at all: the card option shows as unavailable.
    pub fn none() -> CardReaders {
        CardReaders::new(false, None)
    }

    pub fn try_event(&self) -> Option<ReaderEvent> {
        self.events.try_recv().ok()
    }

    pub fn opener(&self) -> CardOpener {
        self.opener.clone()
    }

    /// The demo card, on a demo kiosk.
    pub fn demo(&self) -> Option<&DemoCard> {
        self.opener.demo.as_deref()
    }
}

impl CardOpener {
    /// Connects to the card in `reader` and selects its application. Blocking.
    pub fn open(&self, reader: &str) -> Result<CardAccess, CardError> {
        if reader == DEMO_READER
            && let Some(demo) = &self.demo
        {
            return demo.open();
        }
        let context = komek_card::reader::establish()?;
        komek_card::reader::open(&context, reader).map(CardAccess::from_opened)
    }
}

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

    fn reporting_to(mut self, events: Sender<ReaderEvent>) -> DemoCard {
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

    fn open(&self) -> Result<CardAccess, CardError> {
        if !self.inserted() {
            return Err(CardError::Removed);
        }
        let mut transport = DemoTransport(Arc::clone(&self.shared));
        let profile =
            komek_card::profile_for(&komek_card::komek::ATR).ok_or(CardError::UnknownCard)?;
        profile.open(&mut transport)?;
        Ok(CardAccess::new(Box::new(transport), profile))
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

    #[test]
    fn the_demo_card_reports_insertion_once_and_nothing_passes_once_it_is_pulled_out() {
        let card = DemoCard::issue("810314304128", Utc::now()).unwrap();
        let readers = CardReaders::new(false, Some(card));
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
        let mut access = readers.opener().open(DEMO_READER).unwrap();
        assert_eq!(access.pin_tries_left(), Ok(3));
        demo.remove();
        assert_eq!(access.pin_tries_left(), Err(CardError::Removed));
        assert!(matches!(
            readers.try_event(),
            Some(ReaderEvent::Removed { .. })
        ));
    }

    #[test]
    fn without_readers_or_demo_card_the_service_is_unavailable_with_a_reason() {
        let readers = CardReaders::none();
        assert!(matches!(
            readers.try_event(),
            Some(ReaderEvent::Service(CardService::Unavailable { reason })) if !reason.is_empty()
        ));
    }
}
