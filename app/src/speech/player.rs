//! Prompts and tones through rodio. The device is opened on the speech thread when first
//! needed, and again later if it was missing (a USB sound card plugged in after boot).

use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use std::time::{Duration, Instant};

use rodio::source::SineWave;
use rodio::{Decoder, DeviceSinkBuilder, MixerDeviceSink, Player, Source};

use super::{Output, SpeechError, Tone};

/// How long to wait before trying a missing audio device again.
const REOPEN_AFTER: Duration = Duration::from_secs(10);

pub struct RodioOutput {
    device: Option<(MixerDeviceSink, Player)>,
    last_failure: Option<(Instant, String)>,
}

impl RodioOutput {
    pub fn new() -> Self {
        RodioOutput {
            device: None,
            last_failure: None,
        }
    }

    fn player(&mut self) -> Result<&Player, SpeechError> {
        if self.device.is_none() {
            if let Some((at, why)) = &self.last_failure
                && at.elapsed() < REOPEN_AFTER
            {
                return Err(SpeechError::NoAudio(why.clone()));
            }
            // alsa-lib prints its own complaints to stderr when there is no card; they go to
            // this thread's handler instead, and the error below says it once in the log.
            let _quiet_alsa = alsa::Output::local_error_handler().ok();
            match DeviceSinkBuilder::open_default_sink() {
                Ok(mut sink) => {
                    sink.log_on_drop(false);
                    let player = Player::connect_new(sink.mixer());
                    self.device = Some((sink, player));
                    self.last_failure = None;
                }
                Err(e) => {
                    let why = e.to_string();
                    self.last_failure = Some((Instant::now(), why.clone()));
                    return Err(SpeechError::NoAudio(why));
                }
            }
        }
        match &self.device {
            Some((_, player)) => Ok(player),
            None => Err(SpeechError::NoAudio("not open".into())),
        }
    }
}

impl Default for RodioOutput {
    fn default() -> Self {
        Self::new()
    }
}

impl Output for RodioOutput {
    fn play_file(&mut self, path: &Path, gain: f32) -> Result<(), SpeechError> {
        let file = File::open(path).map_err(|e| SpeechError::Prompt(path.into(), e.to_string()))?;
        let decoder = Decoder::new(BufReader::new(file))
            .map_err(|e| SpeechError::Prompt(path.into(), e.to_string()))?;
        let player = self.player()?;
        player.set_volume(gain);
        player.append(decoder);
        Ok(())
    }

    fn play_tone(&mut self, tone: Tone, gain: f32) -> Result<(), SpeechError> {
        let (hz, ms) = tone.shape();
        let player = self.player()?;
        player.set_volume(gain);
        player.append(
            SineWave::new(hz)
                .take_duration(Duration::from_millis(ms))
                .amplify(0.3),
        );
        Ok(())
    }

    fn stop(&mut self) {
        if let Some((_, player)) = &self.device {
            player.stop();
        }
    }

    fn is_idle(&mut self) -> bool {
        self.device
            .as_ref()
            .is_none_or(|(_, player)| player.empty())
    }
}
