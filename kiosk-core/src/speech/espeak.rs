//! The fallback voice: espeak-ng run as a child process that plays on its own. It has none of
//! speech-dispatcher's state, so a wedged daemon cannot take it down, and a child that hangs
//! is killed.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::{Settings, SpeechError, Synth, SynthState};
use komek_domain::Lang;

pub struct EspeakSynth {
    program: String,
    child: Option<(Child, Instant, Duration)>,
}

impl EspeakSynth {
    pub fn new() -> Self {
        EspeakSynth {
            program: "espeak-ng".into(),
            child: None,
        }
    }

    /// espeak-ng's voice for the language (the registry's `voice`).
    pub fn voice(lang: Lang) -> &'static str {
        &lang.info().voice
    }
}

impl Default for EspeakSynth {
    fn default() -> Self {
        Self::new()
    }
}

impl Synth for EspeakSynth {
    fn speak(&mut self, text: &str, lang: Lang, settings: Settings) -> Result<(), SpeechError> {
        self.stop();
        // espeak-ng's amplitude runs 0..200 with 100 as its default.
        let amplitude = (settings.volume.gain() * 120.0).round() as u32;
        let child = Command::new(&self.program)
            .args(["-v", Self::voice(lang)])
            .args(["-s", &settings.rate.words_per_minute().to_string()])
            .args(["-a", &amplitude.to_string()])
            .arg("--")
            .arg(text)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| SpeechError::Espeak(e.to_string()))?;
        // A child that outlives its text by this much is stuck, and is killed.
        let limit = settings.rate.duration_of(text) * 2 + Duration::from_secs(5);
        self.child = Some((child, Instant::now(), limit));
        Ok(())
    }

    fn stop(&mut self) {
        if let Some((mut child, _, _)) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    fn poll(&mut self) -> SynthState {
        let Some((child, started, limit)) = &mut self.child else {
            return SynthState::Idle;
        };
        match child.try_wait() {
            Ok(Some(status)) => {
                self.child = None;
                if status.success() {
                    SynthState::Idle
                } else {
                    tracing::warn!(%status, "espeak-ng failed");
                    SynthState::Failed
                }
            }
            Ok(None) if started.elapsed() <= *limit => SynthState::Speaking(*started),
            Ok(None) | Err(_) => {
                tracing::warn!("espeak-ng did not finish; killed");
                self.stop();
                SynthState::Idle
            }
        }
    }

    fn abandon(&mut self) {
        self.stop();
    }
}

impl Drop for EspeakSynth {
    fn drop(&mut self) {
        self.stop();
    }
}
