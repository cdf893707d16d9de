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

/// How long a sound may run past its length before the device counts as stalled.
const STALL_MARGIN: Duration = Duration::from_secs(2);

pub struct RodioOutput {
    device: Option<(MixerDeviceSink, Player)>,
    last_failure: Option<(Instant, String)>,
    /// When the sound now playing should have ended, with the margin.
    due_by: Option<Instant>,
}

impl RodioOutput {
    pub fn new() -> Self {
        RodioOutput {
            device: None,
            last_failure: None,
            due_by: None,
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
        // Unknown lengths get a minute: no prompt is longer.
        let length = decoder.total_duration().unwrap_or(Duration::from_secs(60));
        let player = self.player()?;
        player.set_volume(gain);
        player.append(decoder);
        self.due_by = Some(Instant::now() + length + STALL_MARGIN);
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
        self.due_by = Some(Instant::now() + Duration::from_millis(ms) + STALL_MARGIN);
        Ok(())
    }

    fn stop(&mut self) {
        // A fresh player on the same device: rodio's `stop` would make the next sound wait
        // for the old one to drain, which never happens if the device has stalled.
        if let Some((sink, player)) = &mut self.device {
            *player = Player::connect_new(sink.mixer());
        }
        self.due_by = None;
    }

    fn is_idle(&mut self) -> bool {
        let Some((_, player)) = &self.device else {
            return true;
        };
        if player.empty() {
            self.due_by = None;
            return true;
        }
        if self.due_by.is_some_and(|due| Instant::now() > due) {
            // The device stopped taking samples (a USB card pulled out): open it again later.
            tracing::warn!("audio output stalled; reopening it");
            self.device = None;
            self.due_by = None;
            self.last_failure = Some((Instant::now(), "the audio device stalled".into()));
            return true;
        }
        false
    }
}
