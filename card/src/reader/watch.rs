//! The reader thread: waits on pcscd for readers and cards to come and go and reports each
//! change as a [`ReaderEvent`]. When pcscd is not there, or goes away, it reports the service
//! unavailable and tries again every `retry`, so a restarted pcscd is picked up on its own.

use std::collections::BTreeMap;
use std::ffi::CString;
use std::io;
use std::sync::mpsc::Sender;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use pcsc::{Context, ReaderState, Scope, State};

use super::{CardService, ReaderEvent};

/// The longest a wait on pcscd lasts: a bound on how long dropping the watch can take should
/// cancelling the wait ever fail.
const WAIT_SLICE: Duration = Duration::from_secs(1);

/// The reader thread; dropping it stops the thread and waits for it.
pub struct ReaderWatch {
    stop: Arc<StopSignal>,
    thread: Option<JoinHandle<()>>,
}

impl ReaderWatch {
    /// Starts the thread; it reports to `events` until the watch is dropped or the receiver
    /// is. `retry` is the pause between attempts to reach pcscd while it does not answer.
    pub fn spawn(events: Sender<ReaderEvent>, retry: Duration) -> io::Result<ReaderWatch> {
        let stop = Arc::new(StopSignal::default());
        let watcher = Watcher {
            events,
            retry,
            stop: Arc::clone(&stop),
            service: None,
            cards: BTreeMap::new(),
        };
        let thread = thread::Builder::new()
            .name("card-readers".into())
            .spawn(move || watcher.run())?;
        Ok(ReaderWatch {
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for ReaderWatch {
    fn drop(&mut self) {
        self.stop.request();
        if let Some(thread) = self.thread.take() {
            // The thread does not panic; if it ever did, there is nothing left to clean up.
            let _ = thread.join();
        }
    }
}

/// Tells the thread to stop, and wakes it from a pause or a wait on pcscd.
#[derive(Default)]
struct StopSignal {
    requested: Mutex<bool>,
    wake: Condvar,
    /// The thread's context while it has one, to cancel its wait.
    context: Mutex<Option<Context>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl StopSignal {
    fn request(&self) {
        *lock(&self.requested) = true;
        self.wake.notify_all();
        if let Some(context) = lock(&self.context).as_ref() {
            // Fails only when pcscd is gone, and then the wait has ended already.
            let _ = context.cancel();
        }
    }

    fn requested(&self) -> bool {
        *lock(&self.requested)
    }

    /// Pauses for `pause`; false when asked to stop meanwhile.
    fn pause(&self, pause: Duration) -> bool {
        let requested = lock(&self.requested);
        let (requested, _) = self
            .wake
            .wait_timeout_while(requested, pause, |stop| !*stop)
            .unwrap_or_else(PoisonError::into_inner);
        !*requested
    }

    /// Makes `context` cancellable; false when a stop was asked for already.
    fn hold(&self, context: Option<Context>) -> bool {
        *lock(&self.context) = context;
        !self.requested()
    }
}

/// Why a session with pcscd ended.
enum Ended {
    Stopped,
    ServiceLost(pcsc::Error),
}

struct Watcher {
    events: Sender<ReaderEvent>,
    retry: Duration,
    stop: Arc<StopSignal>,
    /// The service state last reported.
    service: Option<CardService>,
    /// The cards reported inserted, by reader, with their ATR.
    cards: BTreeMap<String, Vec<u8>>,
}

impl Watcher {
    fn run(mut self) {
        loop {
            let ended = match Context::establish(Scope::User) {
                Ok(context) if self.stop.hold(Some(context.clone())) => self.session(&context),
                Ok(_) => Ended::Stopped,
                Err(error) => Ended::ServiceLost(error),
            };
            self.stop.hold(None);
            match ended {
                Ended::Stopped => return,
                Ended::ServiceLost(error) => {
                    let gone: Vec<String> = self.cards.keys().cloned().collect();
                    let reported =
                        self.forget(&gone) && self.report_service(CardService::unavailable(error));
                    if !reported || !self.stop.pause(self.retry) {
                        return;
                    }
                }
            }
        }
    }

    /// Watches the readers of one context until pcscd goes or the watch is stopped.
    fn session(&mut self, context: &Context) -> Ended {
        let mut names = match self.list(context) {
            Ok(names) => names,
            Err(ended) => return ended,
        };
        // The PnP pseudo-reader first: its state changes when a reader comes or goes. Readers
        // start unaware, so the first wait answers at once with each one's state.
        let mut states = vec![ReaderState::new(pcsc::PNP_NOTIFICATION(), State::UNAWARE)];
        states.extend(
            names
                .iter()
                .map(|name| ReaderState::new(name.clone(), State::UNAWARE)),
        );
        loop {
            if self.stop.requested() {
                return Ended::Stopped;
            }
            match context.get_status_change(WAIT_SLICE, &mut states) {
                Ok(()) => {}
                Err(pcsc::Error::Timeout | pcsc::Error::Cancelled) => continue,
                // A reader went between the list and the wait: list again below.
                Err(pcsc::Error::UnknownReader | pcsc::Error::ReaderUnavailable) => {
                    names.clear();
                }
                Err(error) => return Ended::ServiceLost(error),
            }
            let readers_changed = states
                .first()
                .is_some_and(|pnp| pnp.event_state().contains(State::CHANGED));
            for state in states.iter_mut() {
                state.sync_current_state();
            }
            if readers_changed || names.is_empty() {
                let fresh = match self.list(context) {
                    Ok(fresh) => fresh,
                    Err(ended) => return ended,
                };
                if fresh != names {
                    names = fresh;
                    states.truncate(1);
                    states.extend(
                        names
                            .iter()
                            .map(|name| ReaderState::new(name.clone(), State::UNAWARE)),
                    );
                    continue;
                }
            }
            if !self.report_cards(states.get(1..).unwrap_or_default()) {
                return Ended::Stopped;
            }
        }
    }

    /// Lists the readers and reports the service, and the cards of readers that went.
    fn list(&mut self, context: &Context) -> Result<Vec<CString>, Ended> {
        let names = match context.list_readers_owned() {
            Ok(names) => names,
            Err(pcsc::Error::NoReadersAvailable) => Vec::new(),
            Err(error) => return Err(Ended::ServiceLost(error)),
        };
        let readers: Vec<String> = names
            .iter()
            .map(|name| name.to_string_lossy().into_owned())
            .collect();
        let gone: Vec<String> = self
            .cards
            .keys()
            .filter(|reader| !readers.contains(reader))
            .cloned()
            .collect();
        if !self.forget(&gone) || !self.report_service(CardService::with_readers(readers)) {
            return Err(Ended::Stopped);
        }
        Ok(names)
    }

    /// Reports the cards that came or went; false when nobody listens any more.
    fn report_cards(&mut self, states: &[ReaderState]) -> bool {
        for state in states {
            let reader = state.name().to_string_lossy().into_owned();
            let now = state.event_state();
            let present = now.contains(State::PRESENT) && !now.contains(State::EMPTY);
            let known = self.cards.get(&reader);
            let replaced = known.is_some_and(|atr| present && atr.as_slice() != state.atr());
            if known.is_some()
                && (!present || replaced)
                && !self.forget(std::slice::from_ref(&reader))
            {
                return false;
            }
            if present && (replaced || !self.cards.contains_key(&reader)) {
                let atr = state.atr().to_vec();
                self.cards.insert(reader.clone(), atr.clone());
                if !self.send(ReaderEvent::Inserted { reader, atr }) {
                    return false;
                }
            }
        }
        true
    }

    /// Reports the cards of `readers` removed; false when nobody listens any more.
    fn forget(&mut self, readers: &[String]) -> bool {
        for reader in readers {
            if self.cards.remove(reader).is_some()
                && !self.send(ReaderEvent::Removed {
                    reader: reader.clone(),
                })
            {
                return false;
            }
        }
        true
    }

    /// Reports `service` when it differs from the last report.
    fn report_service(&mut self, service: CardService) -> bool {
        if self.service.as_ref() == Some(&service) {
            return true;
        }
        self.service = Some(service.clone());
        self.send(ReaderEvent::Service(service))
    }

    fn send(&self, event: ReaderEvent) -> bool {
        self.events.send(event).is_ok()
    }
}
