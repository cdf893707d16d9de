//! Outputs that play nothing and finish at once: for the tour and for headless tests, where
//! what matters is what the kiosk asked to say (see [`super::Speech::log`]).

use std::path::Path;

use super::{Output, Settings, SpeechError, Synth, SynthState, Tone};
use komek_domain::Lang;

pub struct SilentOutput;

impl Output for SilentOutput {
    fn play_file(&mut self, _path: &Path, _gain: f32) -> Result<(), SpeechError> {
        Ok(())
    }
    fn play_tone(&mut self, _tone: Tone, _gain: f32) -> Result<(), SpeechError> {
        Ok(())
    }
    fn stop(&mut self) {}
    fn is_idle(&mut self) -> bool {
        true
    }
}

pub struct SilentSynth;

impl Synth for SilentSynth {
    fn speak(&mut self, _text: &str, _lang: Lang, _settings: Settings) -> Result<(), SpeechError> {
        Ok(())
    }
    fn stop(&mut self) {}
    fn poll(&mut self) -> SynthState {
        SynthState::Idle
    }
    fn abandon(&mut self) {}
}
