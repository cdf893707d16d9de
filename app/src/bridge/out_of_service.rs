//! The "out of service" page: what the kiosk shows when it cannot serve anyone, instead of
//! anything made up. Staff read the reason on it and in `--diagnose`; a person at the keys
//! hears it.

use slint::ComponentHandle;

use crate::{AppAdapter, AppWindow};
use komek_domain::{Lang, Word};
use komek_kiosk_core::portal::EndpointError;
use komek_kiosk_core::speech::{Speech, Utterance};

/// Why the kiosk cannot serve anyone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutOfService {
    /// No gateway URL was configured (and no demo asked for).
    NoGateway,
    /// The gateway configured is one the kiosk must not use (plain HTTP to another machine,
    /// no CA for its certificate).
    Gateway(EndpointError),
    /// No operator has enrolled this kiosk (or its enrolment was lost): the gateway would
    /// refuse it. `fingerprint` is its key's, to match with the operator's record.
    NotEnrolled { fingerprint: String },
}

impl OutOfService {
    /// For staff: technical, in English like the logs, nothing personal.
    pub fn reason(&self) -> String {
        match self {
            OutOfService::NoGateway => "no gateway URL is configured".into(),
            OutOfService::Gateway(why) => why.to_string(),
            OutOfService::NotEnrolled { fingerprint } => format!(
                "this kiosk is not enrolled (key {fingerprint}); a technician enrols it with \
                 the operator's code: komek-kiosk --enrol CODE"
            ),
        }
    }
}

/// Covers the window with the page, saying `why` for staff. Any key says the page aloud in
/// every offered language, each in its own voice: someone who cannot see the screen learns
/// at the first key that the kiosk cannot help, rather than meeting silence. It does not
/// speak unasked, so it does not talk at a hall all day.
pub fn show(app: &AppWindow, why: OutOfService, speech: Speech) {
    super::languages::show(app);
    let adapter = app.global::<AppAdapter>();
    adapter.set_out_of_service(true);
    adapter.set_out_of_service_reason(why.reason().into());
    adapter.on_key(move |_key, pressed, repeat| {
        if pressed && !repeat {
            say_page(&speech);
        }
        // Every key is the kiosk's here: there is nothing on the page for it to reach.
        true
    });
}

fn say_page(speech: &Speech) {
    let mut languages = spoken_page().into_iter();
    if let Some(first) = languages.next() {
        speech.say(first);
    }
    for next in languages {
        speech.say_next(next);
    }
}

/// The page as it is spoken: each offered language's title and explanation.
fn spoken_page() -> Vec<Utterance> {
    Lang::offered()
        .map(|lang| {
            Utterance::new(lang)
                .text(lang.word(Word::OutOfServiceTitle))
                .text(lang.word(Word::OutOfServiceBody))
        })
        .collect()
}
