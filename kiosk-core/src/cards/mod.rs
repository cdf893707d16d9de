//! Where the kiosk's ID cards come from: the PC/SC readers (pcscd, watched on a thread of its
//! own), and on the embedded demo one in-process virtual card that a visitor inserts with a
//! button. Both report through the same [`ReaderEvent`]s, so the screens cannot tell them apart.

#[cfg(feature = "demo")]
mod demo;

use std::cell::Cell;
#[cfg(feature = "demo")]
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use komek_card::reader::{CardService, ReaderEvent, ReaderWatch};
use komek_card::{CardError, CardProfile, Transport};

#[cfg(feature = "demo")]
pub use demo::{DEMO_PIN, DEMO_READER, DemoCard};

/// How often the watch tries pcscd again while it does not answer.
const PCSCD_RETRY: Duration = Duration::from_secs(3);

/// The kiosk's card sources and the events they send.
pub struct CardReaders {
    events: Receiver<ReaderEvent>,
    /// No card source was configured: said once, as the first event.
    unconfigured: Cell<bool>,
    #[cfg(feature = "demo")]
    sender: mpsc::Sender<ReaderEvent>,
    opener: CardOpener,
    _watch: Option<ReaderWatch>,
}

/// Opens the card in a reader; cheap to clone and sent to a blocking thread.
#[derive(Clone)]
pub struct CardOpener {
    #[cfg(feature = "demo")]
    demo: Option<Arc<DemoCard>>,
}

/// A card connected, its application selected: what the kiosk's card steps talk to.
pub struct ConnectedCard {
    pub transport: Box<dyn Transport + Send>,
    pub profile: Box<dyn CardProfile>,
}

impl CardReaders {
    /// The PC/SC readers (when `pcsc`). Without them (and without a demo card), the card
    /// option shows as unavailable, and says why.
    pub fn new(pcsc: bool) -> CardReaders {
        let (tx, events) = mpsc::channel();
        let watch = Self::watch(pcsc, &tx);
        CardReaders {
            events,
            unconfigured: Cell::new(!pcsc),
            #[cfg(feature = "demo")]
            sender: tx,
            opener: CardOpener {
                #[cfg(feature = "demo")]
                demo: None,
            },
            _watch: watch,
        }
    }

    /// Adds the embedded demo's card, inserted and taken out with a button.
    #[cfg(feature = "demo")]
    pub fn with_demo_card(mut self, card: DemoCard) -> CardReaders {
        self.opener.demo = Some(Arc::new(card.reporting_to(self.sender.clone())));
        self.unconfigured.set(false);
        self
    }

    fn watch(pcsc: bool, tx: &mpsc::Sender<ReaderEvent>) -> Option<ReaderWatch> {
        if !pcsc {
            return None;
        }
        match ReaderWatch::spawn(tx.clone(), PCSCD_RETRY) {
            Ok(watch) => Some(watch),
            Err(e) => {
                let reason = format!("the card-reader thread did not start: {e}");
                let _ = tx.send(ReaderEvent::Service(CardService::Unavailable { reason }));
                None
            }
        }
    }

    /// No card source at all: the card option shows as unavailable.
    pub fn none() -> CardReaders {
        CardReaders::new(false)
    }

    pub fn try_event(&self) -> Option<ReaderEvent> {
        if self.unconfigured.replace(false) {
            let reason = "no card readers are configured".to_string();
            return Some(ReaderEvent::Service(CardService::Unavailable { reason }));
        }
        self.events.try_recv().ok()
    }

    pub fn opener(&self) -> CardOpener {
        self.opener.clone()
    }

    /// The demo card, on a demo kiosk.
    #[cfg(feature = "demo")]
    pub fn demo(&self) -> Option<&DemoCard> {
        self.opener.demo.as_deref()
    }
}

impl CardOpener {
    /// Connects to the card in `reader` and selects its application. Blocking.
    pub fn open(&self, reader: &str) -> Result<ConnectedCard, CardError> {
        #[cfg(feature = "demo")]
        if reader == DEMO_READER
            && let Some(demo) = &self.demo
        {
            return demo.open();
        }
        let context = komek_card::reader::establish()?;
        komek_card::reader::open(&context, reader).map(|opened| ConnectedCard {
            transport: Box::new(opened.transport),
            profile: opened.profile,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_readers_or_demo_card_the_service_is_unavailable_with_a_reason() {
        let readers = CardReaders::none();
        assert!(matches!(
            readers.try_event(),
            Some(ReaderEvent::Service(CardService::Unavailable { reason })) if !reason.is_empty()
        ));
    }
}
