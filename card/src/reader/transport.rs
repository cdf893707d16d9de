//! A card connected through pcscd, and the connection that copes with a card just pulled out.

use std::ffi::CString;
use std::thread;
use std::time::Duration;

use pcsc::{Context, Protocols, ReaderState, Scope, ShareMode, State};

use super::card_error;
use crate::{CardError, CardProfile, Transport, profile_for};

/// How many times [`connect`] tries while pcscd still says a card is present.
const CONNECT_ATTEMPTS: usize = 3;
/// How long [`connect`] waits before trying again: pcscd polls vpcd and most readers every
/// 400 ms, so a removal shows within about that.
const CONNECT_SETTLE: Duration = Duration::from_millis(200);

/// A connected card (shared mode, T=0 or T=1). Dropping it disconnects and resets the card, so
/// a verified PIN does not outlive the visit.
pub struct PcscTransport {
    /// Always `Some` until dropped.
    card: Option<pcsc::Card>,
    /// Room for the longest (extended) response.
    response: Vec<u8>,
    /// A command found the card gone.
    removed: bool,
}

impl Transport for PcscTransport {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, CardError> {
        let card = self.card.as_ref().ok_or(CardError::Removed)?;
        let answer = card
            .transmit(command, &mut self.response)
            .map(<[u8]>::to_vec)
            .map_err(card_error);
        self.removed |= answer == Err(CardError::Removed);
        answer
    }
}

impl Drop for PcscTransport {
    fn drop(&mut self) {
        // Resetting a card that is gone before pcscd has noticed makes vpcd wait ~5 s for
        // it, and the reader shows neither the removal nor the next card meanwhile.
        if let Some(card) = self.card.take()
            && self.removed
        {
            let _ = card.disconnect(pcsc::Disposition::LeaveCard);
        }
    }
}

/// A context with pcscd; `Err(Reader)` when the service is not running.
pub fn establish() -> Result<Context, CardError> {
    Context::establish(Scope::User).map_err(card_error)
}

/// Connects to the card in `reader` and returns it with its ATR.
///
/// Just after a card is pulled out pcscd may still say PRESENT: connecting can then succeed,
/// or fail as if the card were removed, and the first command fail with `NotTransacted`. This
/// tries again (up to three times, 200 ms apart) while pcscd still says a card is present,
/// and otherwise answers `Err(Removed)`. A command that fails later is never sent again (it
/// may have been a PIN try): `transmit` answers `Err(Removed)` and the caller waits for the
/// watch's next event.
pub fn connect(context: &Context, reader: &str) -> Result<(PcscTransport, Vec<u8>), CardError> {
    let name = CString::new(reader)
        .map_err(|_| CardError::Reader(format!("reader name {reader:?} holds a NUL")))?;
    let mut attempt = 1;
    loop {
        match connect_once(context, &name) {
            Err(CardError::Removed)
                if attempt < CONNECT_ATTEMPTS && still_present(context, &name) =>
            {
                attempt += 1;
                thread::sleep(CONNECT_SETTLE);
            }
            outcome => return outcome,
        }
    }
}

/// A connected card whose application is selected, with the profile its ATR chose.
pub struct OpenedCard {
    pub transport: PcscTransport,
    pub profile: Box<dyn CardProfile>,
    pub atr: Vec<u8>,
}

/// Connects to the card in `reader`, chooses its profile and selects its application.
///
/// Like [`connect`], and more: a card pulled out and another put in within one of pcscd's
/// polls (400 ms with vpcd) never shows as removed, yet the first command to it fails with
/// `NotTransacted`. Selecting the application is safe to repeat, so this retries it the same
/// way while pcscd says a card is present. `Err(UnknownCard)` when no profile knows the ATR.
pub fn open(context: &Context, reader: &str) -> Result<OpenedCard, CardError> {
    let name = CString::new(reader)
        .map_err(|_| CardError::Reader(format!("reader name {reader:?} holds a NUL")))?;
    let mut attempt = 1;
    loop {
        let opened = connect(context, reader).and_then(|(mut transport, atr)| {
            let profile = profile_for(&atr).ok_or(CardError::UnknownCard)?;
            profile.open(&mut transport)?;
            Ok(OpenedCard {
                transport,
                profile,
                atr,
            })
        });
        match opened {
            Err(CardError::Removed)
                if attempt < CONNECT_ATTEMPTS && still_present(context, &name) =>
            {
                attempt += 1;
                thread::sleep(CONNECT_SETTLE);
            }
            outcome => return outcome,
        }
    }
}

fn connect_once(context: &Context, name: &CString) -> Result<(PcscTransport, Vec<u8>), CardError> {
    let card = context
        .connect(name, ShareMode::Shared, Protocols::T0 | Protocols::T1)
        .map_err(card_error)?;
    let status = card.status2_owned().map_err(card_error)?;
    let atr = status.atr().to_vec();
    if atr.is_empty() {
        return Err(CardError::Removed);
    }
    let transport = PcscTransport {
        card: Some(card),
        response: vec![0; pcsc::MAX_BUFFER_SIZE_EXTENDED],
        removed: false,
    };
    Ok((transport, atr))
}

/// Whether pcscd says a card is in the reader right now.
fn still_present(context: &Context, name: &CString) -> bool {
    let mut states = [ReaderState::new(name.clone(), State::UNAWARE)];
    match context.get_status_change(Duration::ZERO, &mut states) {
        Ok(()) => {
            let state = states[0].event_state();
            state.contains(State::PRESENT) && !state.contains(State::EMPTY)
        }
        Err(_) => false,
    }
}
