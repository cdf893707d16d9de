//! The technician's speech check (`komek-kiosk --speech-check LANG`): one sentence through the
//! same worker, outputs and watchdog the kiosk uses, and a report of which voice spoke.

use std::fmt;
use std::time::{Duration, Instant};

use super::{Health, Part, Speech, SpeechConfig, Utterance, prompts};
use komek_domain::Lang;

/// The longest the check waits for its sentence.
const LIMIT: Duration = Duration::from_secs(60);

pub struct CheckReport {
    /// "speech-dispatcher" or "espeak-ng", when one of them spoke.
    pub voice: Option<&'static str>,
    pub elapsed: Duration,
    /// When the fallback took over from speech-dispatcher, if it did.
    pub fell_back_after: Option<Duration>,
    pub health: Health,
}

impl CheckReport {
    pub fn spoke(&self) -> bool {
        self.voice.is_some()
    }
}

pub fn run(config: SpeechConfig, lang: Lang) -> CheckReport {
    let text = prompts::text("welcome", lang).unwrap_or("Komek");
    let speech = Speech::start(config);
    let started = Instant::now();
    speech.say(Utterance {
        lang,
        parts: vec![Part::Text(text.to_string())],
    });
    let mut fell_back_after = None;
    while speech.finished() == 0 && started.elapsed() < LIMIT {
        if fell_back_after.is_none() && speech.log().iter().any(|l| l.starts_with("fallback:")) {
            fell_back_after = Some(started.elapsed());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let elapsed = started.elapsed();
    let log = speech.log();
    let health = speech.health();
    let finished = speech.finished() > 0;
    let voice = if !finished || log.iter().any(|l| l.starts_with("fallback-failed")) {
        None
    } else if log.iter().any(|l| l.starts_with("fallback:")) {
        Some("espeak-ng")
    } else if log.iter().any(|l| l.starts_with("say:")) {
        Some("speech-dispatcher")
    } else {
        None
    };
    CheckReport {
        voice,
        elapsed,
        fell_back_after,
        health,
    }
}

impl fmt::Display for CheckReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seconds = self.elapsed.as_secs_f32();
        match self.voice {
            Some(voice) => writeln!(f, "spoke with: {voice} ({seconds:.1} s)")?,
            None => writeln!(f, "spoke with: nothing ({seconds:.1} s)")?,
        }
        if let Some(after) = self.fell_back_after {
            writeln!(f, "espeak-ng took over after {:.1} s", after.as_secs_f32())?;
        }
        let h = &self.health;
        match &h.dispatcher_problem {
            Some(why) => writeln!(f, "speech-dispatcher: {} ({why})", h.dispatcher)?,
            None => writeln!(f, "speech-dispatcher: {}", h.dispatcher)?,
        }
        writeln!(f, "audio output (prompts, tones): {}", h.audio)?;
        let headphones = match h.headphones {
            Some(true) => "plugged in",
            Some(false) => "not plugged in",
            None => "unknown (no jack report)",
        };
        writeln!(f, "headphones: {headphones}")
    }
}
