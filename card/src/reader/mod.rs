//! The kiosk's card readers through PC/SC (pcscd): a [`Transport`](crate::Transport) over a
//! connected card, and a [`ReaderWatch`] thread that tells when the service, a reader or a card
//! comes or goes. Everything pcscd can answer becomes a [`CardError`] or a [`ReaderEvent`]; no
//! PC/SC type leaves this module except the [`pcsc::Context`] the caller connects with.

mod service;
mod transport;
mod watch;

pub use pcsc::Context;
pub use service::{CardService, ReaderEvent};
pub use transport::{OpenedCard, PcscTransport, connect, establish, open};
pub use watch::ReaderWatch;

use crate::CardError;

/// What a PC/SC failure means to the kiosk: the card went away (pulled out, reset by another
/// application, or never really there), or the reader or service failed.
pub(crate) fn card_error(error: pcsc::Error) -> CardError {
    match error {
        pcsc::Error::RemovedCard
        | pcsc::Error::ResetCard
        | pcsc::Error::NoSmartcard
        | pcsc::Error::NotTransacted => CardError::Removed,
        other => CardError::Reader(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_card_that_went_away_is_removed_and_anything_else_is_the_readers_fault() {
        for gone in [
            pcsc::Error::RemovedCard,
            pcsc::Error::ResetCard,
            pcsc::Error::NoSmartcard,
            pcsc::Error::NotTransacted,
        ] {
            assert_eq!(card_error(gone), CardError::Removed, "{gone:?}");
        }
        assert!(matches!(
            card_error(pcsc::Error::NoService),
            CardError::Reader(text) if !text.is_empty()
        ));
        assert!(matches!(
            card_error(pcsc::Error::SharingViolation),
            CardError::Reader(_)
        ));
    }
}
