//! Speech: what the kiosk says, and the thread that says it.
//!
//! The UI thread only sends commands ([`Speech::say`], [`Speech::stop`]) and never waits. A
//! dedicated worker thread plays the pre-rendered prompts and tones ([`Output`], rodio) and
//! hands dynamic text to a [`Synth`] (speech-dispatcher through the `tts` crate). A synth that
//! starts an utterance and never finishes it (speech-dispatcher does this when it has no audio
//! device) is caught by the worker's watchdog; the worker then speaks through the fallback
//! synth (espeak-ng run directly) and records why in the health file the technician reads.

pub mod check;
mod dispatcher;
mod espeak;
mod jack;
mod player;
pub mod prompts;
mod silent;
pub mod spoken;
mod worker;

use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use komek_domain::Lang;

pub use dispatcher::DispatcherSynth;
pub use espeak::EspeakSynth;
pub use jack::HeadphonePolicy;
pub use player::RodioOutput;
pub use silent::{SilentOutput, SilentSynth};

/// Three speech rates; the prompts are rendered at each (scripts/render-prompts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Rate {
    Slow,
    #[default]
    Normal,
    Fast,
}

impl Rate {
    pub const ALL: [Rate; 3] = [Rate::Slow, Rate::Normal, Rate::Fast];

    /// The folder of the prompts rendered at this rate.
    pub fn dir(self) -> &'static str {
        match self {
            Rate::Slow => "slow",
            Rate::Normal => "normal",
            Rate::Fast => "fast",
        }
    }

    /// Words per minute, as espeak-ng counts them (kept in step with scripts/render-prompts).
    pub fn words_per_minute(self) -> u32 {
        match self {
            Rate::Slow => 130,
            Rate::Normal => 165,
            Rate::Fast => 210,
        }
    }

    /// How long a text takes at this rate, about (for the watchdog; generous on purpose).
    pub fn duration_of(self, text: &str) -> Duration {
        let words = text.split_whitespace().count().max(1) as u64;
        Duration::from_millis(words * 60_000 / u64::from(self.words_per_minute()))
    }
}

/// Volume in steps; a session starts at [`Volume::DEFAULT`] and every visit resets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Volume(u8);

impl Volume {
    pub const STEPS: u8 = 5;
    pub const DEFAULT: Volume = Volume(3);

    pub fn step(self) -> u8 {
        self.0
    }

    pub fn louder(self) -> Volume {
        Volume((self.0 + 1).min(Self::STEPS))
    }

    pub fn quieter(self) -> Volume {
        Volume(self.0.saturating_sub(1).max(1))
    }

    /// Linear gain for the audio output: step 5 is full scale.
    pub fn gain(self) -> f32 {
        f32::from(self.0) / f32::from(Self::STEPS)
    }
}

impl Default for Volume {
    fn default() -> Self {
        Volume::DEFAULT
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Settings {
    pub rate: Rate,
    pub volume: Volume,
}

/// Short sounds that stand for what must not be said aloud (the digits of a code or PIN).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// A digit was typed.
    Digit,
    /// A digit was erased.
    Erase,
    /// The key did nothing (a full field, a refused input).
    Refused,
}

impl Tone {
    /// Frequency in Hz and length in ms.
    pub fn shape(self) -> (f32, u64) {
        match self {
            Tone::Digit => (880.0, 90),
            Tone::Erase => (440.0, 120),
            Tone::Refused => (220.0, 250),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// A fixed prompt of `assets/speech/prompts.toml`, by id.
    Prompt(String),
    /// Anything else, already in the words to say (see [`spoken::spoken`]).
    Text(String),
    Tone(Tone),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Utterance {
    pub lang: Lang,
    pub parts: Vec<Part>,
}

impl Utterance {
    pub fn new(lang: Lang) -> Self {
        Utterance {
            lang,
            parts: Vec::new(),
        }
    }

    pub fn prompt(mut self, id: &str) -> Self {
        self.parts.push(Part::Prompt(id.to_string()));
        self
    }

    /// Adds text as shown on screen; it is rewritten for the voice, one sentence per part, so
    /// that a voice that stops mid-way is caught within one sentence's time.
    pub fn text(mut self, shown: &str) -> Self {
        let words = spoken::spoken(shown, self.lang);
        for sentence in sentences(&words) {
            self.parts.push(Part::Text(sentence.to_string()));
        }
        self
    }

    pub fn tone(mut self, tone: Tone) -> Self {
        self.parts.push(Part::Tone(tone));
        self
    }
}

/// Splits after ". ", "! ", "? " and "; " (an abbreviation split early still reads right).
fn sentences(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let end = rest
            .char_indices()
            .zip(rest.chars().skip(1))
            .find(|((_, c), next)| matches!(c, '.' | '!' | '?' | ';') && *next == ' ')
            .map_or(rest.len(), |((i, c), _)| i + c.len_utf8());
        let (sentence, tail) = rest.split_at(end);
        rest = tail.trim_start();
        Some(sentence.trim()).filter(|s| !s.is_empty())
    })
}

/// Plays audio files and tones (rodio in the kiosk). Calls never block for the length of the
/// sound; `is_idle` tells when it has finished.
pub trait Output: Send {
    fn play_file(&mut self, path: &std::path::Path, gain: f32) -> Result<(), SpeechError>;
    fn play_tone(&mut self, tone: Tone, gain: f32) -> Result<(), SpeechError>;
    fn stop(&mut self);
    fn is_idle(&mut self) -> bool;
}

/// What a synth reports when polled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SynthState {
    Idle,
    /// Still connecting (or getting ready to speak) since this moment.
    Connecting(Instant),
    /// Asked to speak at this moment; the utterance has not begun yet.
    Requested(Instant),
    /// The utterance began at this moment and has not ended.
    Speaking(Instant),
    /// The synth cannot speak; the reason went to the log.
    Failed,
}

/// Speaks dynamic text without blocking the caller.
pub trait Synth: Send {
    fn speak(&mut self, text: &str, lang: Lang, settings: Settings) -> Result<(), SpeechError>;
    fn stop(&mut self);
    fn poll(&mut self) -> SynthState;
    /// Gives up on a wedged connection; the next `speak` makes a new one.
    fn abandon(&mut self);
}

#[derive(Debug, thiserror::Error)]
pub enum SpeechError {
    #[error("no audio output: {0}")]
    NoAudio(String),
    #[error("speech-dispatcher: {0}")]
    Dispatcher(String),
    #[error("espeak-ng: {0}")]
    Espeak(String),
    #[error("prompt file {0}: {1}")]
    Prompt(PathBuf, String),
}

/// What the technician needs to know about speech; written to `speech-status.json`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Health {
    /// "ok", "unavailable" or "wedged".
    pub dispatcher: String,
    /// Why the dispatcher is not used, when it is not.
    pub dispatcher_problem: Option<String>,
    /// How many times the watchdog caught a wedged utterance since the kiosk started.
    pub wedged_count: u32,
    /// "ok" or why prompts and tones cannot play.
    pub audio: String,
    /// Whether headphones are plugged in: None when the kiosk cannot tell.
    pub headphones: Option<bool>,
    /// Utterances the fallback (espeak-ng) began because the dispatcher was not usable.
    pub fallback_count: u32,
}

pub const HEALTH_FILE: &str = "speech-status.json";

/// How the worker is set up; the defaults are the kiosk's.
#[derive(Debug, Clone)]
pub struct SpeechConfig {
    /// The rendered prompts (`<rate>/<lang>/<id>.wav`); a missing file is spoken as text.
    pub prompts_dir: PathBuf,
    /// Where the health file goes (the data folder); None in tests that do not need it.
    pub health_dir: Option<PathBuf>,
    /// How long an utterance may take to begin, and beyond its expected length to end, before
    /// the synth counts as wedged.
    pub watchdog: Duration,
    /// How long to keep to the fallback after the dispatcher wedged, before trying it again.
    pub retry_dispatcher_after: Duration,
    pub headphones: HeadphonePolicy,
}

impl SpeechConfig {
    pub fn new(prompts_dir: PathBuf) -> Self {
        SpeechConfig {
            prompts_dir,
            health_dir: None,
            watchdog: Duration::from_secs(3),
            retry_dispatcher_after: Duration::from_secs(60),
            headphones: HeadphonePolicy::Detect,
        }
    }
}

enum Command {
    Say(Utterance),
    Append(Utterance),
    Stop,
    Set(Settings),
    ForgetLog,
}

/// The handle the UI holds. Cheap to clone; every call returns at once. The worker thread ends
/// when the last handle is dropped.
#[derive(Clone)]
pub struct Speech {
    tx: mpsc::Sender<Command>,
    shared: Arc<Mutex<Shared>>,
}

#[derive(Debug, Default)]
struct Shared {
    health: Health,
    /// Utterances finished or cut short, for the technician's check and tests.
    finished: u64,
    /// Everything handed to an output or synth, in order (kept short).
    log: Vec<String>,
}

impl Speech {
    /// Starts the worker thread with the kiosk's real outputs: rodio for prompts and tones,
    /// speech-dispatcher for text, espeak-ng as the fallback.
    pub fn start(config: SpeechConfig) -> Speech {
        let output: Box<dyn Output> = Box::new(RodioOutput::new());
        let synth: Box<dyn Synth> = Box::new(DispatcherSynth::new());
        let fallback: Box<dyn Synth> = Box::new(EspeakSynth::new());
        Speech::start_with(config, output, synth, fallback)
    }

    /// Speech that logs what it would say and plays nothing (the tour, headless tests).
    pub fn silent(config: SpeechConfig) -> Speech {
        Speech::start_with(
            config,
            Box::new(SilentOutput),
            Box::new(SilentSynth),
            Box::new(SilentSynth),
        )
    }

    pub fn start_with(
        config: SpeechConfig,
        output: Box<dyn Output>,
        synth: Box<dyn Synth>,
        fallback: Box<dyn Synth>,
    ) -> Speech {
        let (tx, rx) = mpsc::channel();
        let shared = Arc::new(Mutex::new(Shared::default()));
        worker::spawn(config, rx, shared.clone(), output, synth, fallback);
        Speech { tx, shared }
    }

    /// Says `utterance`, cutting short whatever is being said.
    pub fn say(&self, utterance: Utterance) {
        if !utterance.parts.is_empty() {
            let _ = self.tx.send(Command::Say(utterance));
        }
    }

    /// Says `utterance` after whatever is being said (messages that appear on their own).
    pub fn say_next(&self, utterance: Utterance) {
        if !utterance.parts.is_empty() {
            let _ = self.tx.send(Command::Append(utterance));
        }
    }

    /// Stops speaking at once (any key or touch does this).
    pub fn stop(&self) {
        let _ = self.tx.send(Command::Stop);
    }

    pub fn set(&self, settings: Settings) {
        let _ = self.tx.send(Command::Set(settings));
    }

    pub fn health(&self) -> Health {
        self.lock().health.clone()
    }

    /// True when speech is private: headphones are known to be plugged in.
    pub fn private(&self) -> bool {
        self.lock().health.headphones == Some(true)
    }

    /// How many utterances have ended (finished or cut short).
    pub fn finished(&self) -> u64 {
        self.lock().finished
    }

    /// What was handed to the outputs, oldest first: `prompt:<file>`, `tone:<kind>`,
    /// `say:<text>`, `fallback:<text>`. Never holds digits of a code (those are tones).
    pub fn log(&self) -> Vec<String> {
        self.lock().log.clone()
    }

    /// Forgets what was said (at the end of every visit: it may hold a person's data).
    pub fn forget(&self) {
        let _ = self.tx.send(Command::ForgetLog);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lang(code: &str) -> Lang {
        Lang::from_code(code).unwrap()
    }

    #[test]
    fn text_is_said_a_sentence_at_a_time() {
        let u = Utterance::new(lang("en")).text("Check it. Then press Continue! Done");
        assert_eq!(
            u.parts,
            vec![
                Part::Text("Check it.".into()),
                Part::Text("Then press Continue!".into()),
                Part::Text("Done".into()),
            ]
        );
        assert!(Utterance::new(lang("en")).text("◀").parts.is_empty());
    }

    #[test]
    fn volume_stays_within_its_steps_and_rates_differ() {
        let mut v = Volume::DEFAULT;
        for _ in 0..10 {
            v = v.louder();
        }
        assert_eq!(v.step(), Volume::STEPS);
        for _ in 0..10 {
            v = v.quieter();
        }
        assert_eq!(
            v.step(),
            1,
            "never silent: a blind person would lose the kiosk"
        );
        let text = "one two three four five six seven eight nine ten";
        assert!(Rate::Slow.duration_of(text) > Rate::Normal.duration_of(text));
        assert!(Rate::Normal.duration_of(text) > Rate::Fast.duration_of(text));
    }
}
