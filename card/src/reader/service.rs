//! What the reader thread reports: the state of the card service and the cards coming and going.

use std::fmt;

/// The card service as the kiosk sees it; shown to the technician as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardService {
    /// pcscd answers and has these readers.
    Ready { readers: Vec<String> },
    /// pcscd answers but no reader is plugged in.
    NoReaders,
    /// pcscd does not answer (not running, stopped, failed); the watch keeps retrying.
    Unavailable { reason: String },
}

/// One change seen by a [`ReaderWatch`](super::ReaderWatch).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReaderEvent {
    /// The service changed: reported once at start and then on every change.
    Service(CardService),
    /// A card is in `reader`; `atr` chooses its profile ([`crate::profile_for`]).
    Inserted { reader: String, atr: Vec<u8> },
    /// The card in `reader` is gone (or the reader or the service is).
    Removed { reader: String },
}

impl CardService {
    /// The service state behind a PC/SC failure to establish a context or to wait for events.
    pub(crate) fn unavailable(error: pcsc::Error) -> CardService {
        let reason = match error {
            pcsc::Error::NoService | pcsc::Error::ServiceStopped => {
                "pcscd is not running".to_string()
            }
            other => other.to_string(),
        };
        CardService::Unavailable { reason }
    }

    pub(crate) fn with_readers(readers: Vec<String>) -> CardService {
        if readers.is_empty() {
            CardService::NoReaders
        } else {
            CardService::Ready { readers }
        }
    }
}

impl CardService {
    /// The service as it is now, asked once (for the technician's report; the kiosk itself
    /// follows it with a [`ReaderWatch`](super::ReaderWatch)).
    pub fn now() -> CardService {
        let context = match pcsc::Context::establish(pcsc::Scope::User) {
            Ok(context) => context,
            Err(error) => return CardService::unavailable(error),
        };
        match context.list_readers_owned() {
            Ok(names) => CardService::with_readers(
                names
                    .iter()
                    .map(|name| name.to_string_lossy().into_owned())
                    .collect(),
            ),
            Err(pcsc::Error::NoReadersAvailable) => CardService::NoReaders,
            Err(error) => CardService::unavailable(error),
        }
    }
}

impl fmt::Display for CardService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CardService::Ready { readers } if readers.len() == 1 => {
                write!(f, "1 reader: {}", readers.join(""))
            }
            CardService::Ready { readers } => {
                write!(f, "{} readers: {}", readers.len(), readers.join(", "))
            }
            CardService::NoReaders => f.write_str("no card reader"),
            CardService::Unavailable { reason } => {
                write!(f, "card service unavailable: {reason}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_technician_reads_what_the_service_is_doing() {
        let two = CardService::with_readers(vec!["A 00 00".into(), "B 00 01".into()]);
        assert_eq!(two.to_string(), "2 readers: A 00 00, B 00 01");
        let one = CardService::with_readers(vec!["A 00 00".into()]);
        assert_eq!(one.to_string(), "1 reader: A 00 00");
        assert_eq!(CardService::with_readers(vec![]), CardService::NoReaders);
        assert_eq!(CardService::NoReaders.to_string(), "no card reader");
        assert_eq!(
            CardService::unavailable(pcsc::Error::NoService).to_string(),
            "card service unavailable: pcscd is not running"
        );
    }
}
