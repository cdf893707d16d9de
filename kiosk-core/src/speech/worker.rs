//! The speech worker: one thread that owns the outputs, plays an utterance part by part, and
//! watches the synth so a wedged speech-dispatcher can never silence the kiosk for long.

use std::collections::VecDeque;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::jack;
use super::prompts;
use super::{
    Command, HEALTH_FILE, Health, Output, Part, Settings, Shared, SpeechConfig, Synth, SynthState,
};
use komek_domain::Lang;

/// How often the worker looks at its outputs while something plays.
const POLL: Duration = Duration::from_millis(40);
/// How often it looks at the headphone jack while idle.
const IDLE_POLL: Duration = Duration::from_millis(500);
const LOG_LIMIT: usize = 400;

pub(super) fn spawn(
    config: SpeechConfig,
    rx: Receiver<Command>,
    shared: Arc<Mutex<Shared>>,
    output: Box<dyn Output>,
    synth: Box<dyn Synth>,
    fallback: Box<dyn Synth>,
) {
    let spawned = std::thread::Builder::new()
        .name("speech".into())
        .spawn(move || {
            let mut worker = Worker::new(config, shared, output, synth, fallback);
            // A panic in a backend must not end speech for the rest of the kiosk's life.
            loop {
                let run = std::panic::AssertUnwindSafe(|| worker.run(&rx));
                match std::panic::catch_unwind(run) {
                    Ok(()) => return,
                    Err(_) => {
                        tracing::error!("speech worker panicked; restarting it");
                        worker.reset_after_panic();
                    }
                }
            }
        });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "speech thread could not start");
    }
}

/// Which synth is speaking the current text part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Voice {
    Primary,
    Fallback,
}

enum Playing {
    Nothing,
    Output,
    Text {
        voice: Voice,
        text: String,
        expected: Duration,
    },
}

struct Worker {
    config: SpeechConfig,
    shared: Arc<Mutex<Shared>>,
    output: Box<dyn Output>,
    synth: Box<dyn Synth>,
    fallback: Box<dyn Synth>,
    settings: Settings,
    lang: Lang,
    /// What is still to say, each part with its language (queued utterances may differ).
    queue: VecDeque<(Lang, Part)>,
    playing: Playing,
    /// While set, text goes to the fallback: the dispatcher wedged or failed until then.
    avoid_primary_until: Option<Instant>,
    jack: jack::Jack,
    last_jack_poll: Option<Instant>,
    health: Health,
}

impl Worker {
    fn new(
        config: SpeechConfig,
        shared: Arc<Mutex<Shared>>,
        output: Box<dyn Output>,
        synth: Box<dyn Synth>,
        fallback: Box<dyn Synth>,
    ) -> Self {
        let jack = jack::Jack::new(config.headphones);
        let health = Health {
            dispatcher: "ok".into(),
            audio: "ok".into(),
            ..Health::default()
        };
        let mut worker = Worker {
            config,
            shared,
            output,
            synth,
            fallback,
            settings: Settings::default(),
            lang: Lang::default(),
            queue: VecDeque::new(),
            playing: Playing::Nothing,
            avoid_primary_until: None,
            jack,
            last_jack_poll: None,
            health,
        };
        worker.poll_jack();
        worker.publish();
        worker
    }

    fn run(&mut self, rx: &Receiver<Command>) {
        loop {
            let wait = if matches!(self.playing, Playing::Nothing) && self.queue.is_empty() {
                IDLE_POLL
            } else {
                POLL
            };
            match rx.recv_timeout(wait) {
                Ok(command) => self.command(command),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    self.cut_short();
                    return;
                }
            }
            self.poll_jack();
            self.advance();
        }
    }

    fn command(&mut self, command: Command) {
        match command {
            Command::Say(utterance) => {
                self.cut_short();
                let lang = utterance.lang;
                self.queue = utterance.parts.into_iter().map(|p| (lang, p)).collect();
            }
            Command::Append(utterance) => {
                let lang = utterance.lang;
                self.queue
                    .extend(utterance.parts.into_iter().map(|p| (lang, p)));
            }
            Command::Stop => self.cut_short(),
            Command::Set(settings) => self.settings = settings,
            Command::ForgetLog => self.lock().log.clear(),
        }
    }

    /// Stops what plays and drops what was queued.
    fn cut_short(&mut self) {
        let was_playing = !matches!(self.playing, Playing::Nothing) || !self.queue.is_empty();
        self.queue.clear();
        match std::mem::replace(&mut self.playing, Playing::Nothing) {
            Playing::Nothing => {}
            Playing::Output => self.output.stop(),
            Playing::Text { voice, .. } => match voice {
                Voice::Primary => self.synth.stop(),
                Voice::Fallback => self.fallback.stop(),
            },
        }
        if was_playing {
            self.lock().finished += 1;
        }
    }

    /// Moves on when the current part has finished; catches a wedged synth.
    fn advance(&mut self) {
        loop {
            if !self.current_finished() {
                return;
            }
            let Some((lang, part)) = self.queue.pop_front() else {
                if !matches!(self.playing, Playing::Nothing) {
                    self.playing = Playing::Nothing;
                    self.lock().finished += 1;
                }
                return;
            };
            self.lang = lang;
            self.start(part);
        }
    }

    fn current_finished(&mut self) -> bool {
        match &self.playing {
            Playing::Nothing => true,
            Playing::Output => self.output.is_idle(),
            Playing::Text {
                voice: Voice::Fallback,
                ..
            } => match self.fallback.poll() {
                SynthState::Connecting(_) | SynthState::Requested(_) | SynthState::Speaking(_) => {
                    false
                }
                SynthState::Idle => true,
                SynthState::Failed => {
                    self.note("fallback-failed".into());
                    true
                }
            },
            Playing::Text {
                voice: Voice::Primary,
                text,
                expected,
            } => {
                let (text, expected) = (text.clone(), *expected);
                let watchdog = self.config.watchdog;
                match self.synth.poll() {
                    SynthState::Idle => true,
                    // Connecting (and listing the voices) may take a cold daemon a while longer.
                    SynthState::Connecting(at) if at.elapsed() <= watchdog * 2 => false,
                    SynthState::Requested(at) if at.elapsed() <= watchdog => false,
                    SynthState::Speaking(at) if at.elapsed() <= expected * 3 / 2 + watchdog => {
                        false
                    }
                    SynthState::Failed => {
                        self.primary_failed("failed", "speech-dispatcher is not available");
                        self.speak_with_fallback(&text);
                        false
                    }
                    SynthState::Connecting(_)
                    | SynthState::Requested(_)
                    | SynthState::Speaking(_) => {
                        tracing::warn!(
                            watchdog_ms = watchdog.as_millis() as u64,
                            "speech-dispatcher did not finish an utterance in time; using espeak-ng"
                        );
                        self.health.wedged_count += 1;
                        self.primary_failed(
                            "wedged",
                            "speech-dispatcher began an utterance and did not end it",
                        );
                        self.synth.abandon();
                        self.speak_with_fallback(&text);
                        false
                    }
                }
            }
        }
    }

    fn primary_failed(&mut self, state: &str, why: &str) {
        self.health.dispatcher = state.into();
        self.health.dispatcher_problem = Some(why.into());
        self.avoid_primary_until = Some(Instant::now() + self.config.retry_dispatcher_after);
        self.publish();
    }

    fn start(&mut self, part: Part) {
        match part {
            Part::Prompt(id) => {
                let path = prompts::audio_file(
                    &self.config.prompts_dir,
                    self.settings.rate,
                    self.lang,
                    &id,
                );
                if path.is_file() {
                    match self.output.play_file(&path, self.settings.volume.gain()) {
                        Ok(()) => {
                            self.note(format!("prompt:{id}:{}", self.lang.code()));
                            self.audio_ok();
                            self.playing = Playing::Output;
                            return;
                        }
                        Err(e) => self.audio_failed(&e.to_string()),
                    }
                }
                // No rendered file, or no way to play it: the prompt is spoken as text.
                if let Some(text) = prompts::text(&id, self.lang) {
                    self.speak(text.to_string());
                }
            }
            Part::Text(text) => self.speak(text),
            Part::Tone(tone) => match self.output.play_tone(tone, self.settings.volume.gain()) {
                Ok(()) => {
                    self.note(format!("tone:{tone:?}"));
                    self.playing = Playing::Output;
                }
                Err(e) => self.audio_failed(&e.to_string()),
            },
        }
    }

    fn speak(&mut self, text: String) {
        let use_primary = self
            .avoid_primary_until
            .is_none_or(|until| Instant::now() >= until);
        if use_primary {
            match self.synth.speak(&text, self.lang, self.settings) {
                Ok(()) => {
                    if self.health.dispatcher != "ok" {
                        self.health.dispatcher = "ok".into();
                        self.health.dispatcher_problem = None;
                        self.publish();
                    }
                    self.avoid_primary_until = None;
                    self.note(format!("say:{text}"));
                    let expected = self.settings.rate.duration_of(&text);
                    self.playing = Playing::Text {
                        voice: Voice::Primary,
                        text,
                        expected,
                    };
                    return;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "speech-dispatcher refused; using espeak-ng");
                    self.primary_failed("unavailable", &e.to_string());
                }
            }
        }
        self.speak_with_fallback(&text);
    }

    fn speak_with_fallback(&mut self, text: &str) {
        match self.fallback.speak(text, self.lang, self.settings) {
            Ok(()) => {
                self.health.fallback_count += 1;
                self.note(format!("fallback:{text}"));
                self.playing = Playing::Text {
                    voice: Voice::Fallback,
                    text: text.to_string(),
                    expected: self.settings.rate.duration_of(text),
                };
            }
            Err(e) => {
                tracing::error!(error = %e, "no voice can speak");
                self.playing = Playing::Nothing;
            }
        }
        self.publish();
    }

    fn audio_ok(&mut self) {
        if self.health.audio != "ok" {
            self.health.audio = "ok".into();
            self.publish();
        }
    }

    fn audio_failed(&mut self, why: &str) {
        if self.health.audio != why {
            tracing::warn!(problem = why, "audio output not available");
            self.health.audio = why.into();
            self.publish();
        }
    }

    fn poll_jack(&mut self) {
        let due = self
            .last_jack_poll
            .is_none_or(|at| at.elapsed() >= IDLE_POLL);
        if !due {
            return;
        }
        self.last_jack_poll = Some(Instant::now());
        let headphones = self.jack.headphones();
        if headphones != self.health.headphones {
            tracing::info!(?headphones, "headphones");
            self.health.headphones = headphones;
            self.jack.route(headphones);
            self.publish();
        }
    }

    fn note(&self, entry: String) {
        let mut shared = self.lock();
        if shared.log.len() >= LOG_LIMIT {
            shared.log.remove(0);
        }
        shared.log.push(entry);
    }

    /// Shares the health with the UI and writes it for `--diagnose`.
    fn publish(&self) {
        self.lock().health = self.health.clone();
        if let Some(dir) = &self.config.health_dir {
            let path = dir.join(HEALTH_FILE);
            let written = serde_json::to_vec_pretty(&self.health)
                .map_err(std::io::Error::other)
                .and_then(|json| write_atomically(&path, &json));
            if let Err(e) = written {
                tracing::warn!(error = %e, "speech health could not be written");
            }
        }
    }

    fn reset_after_panic(&mut self) {
        self.queue.clear();
        self.playing = Playing::Nothing;
        self.output.stop();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Writes through a temporary file and a rename, so a reader never sees half a file.
fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    let temporary = path.with_extension("tmp");
    std::fs::write(&temporary, bytes)?;
    std::fs::rename(&temporary, path)
}

#[cfg(test)]
mod tests {
    use super::super::{SilentOutput, SilentSynth, Speech, SpeechError, Utterance};
    use super::*;

    fn lang(code: &str) -> Lang {
        Lang::from_code(code).unwrap()
    }

    /// A synth that accepts text and then never begins (a wedged daemon), or refuses it.
    struct Stuck {
        refuse: bool,
        asked: Option<Instant>,
        abandoned: Arc<Mutex<u32>>,
    }

    impl Synth for Stuck {
        fn speak(&mut self, _: &str, _: Lang, _: Settings) -> Result<(), SpeechError> {
            if self.refuse {
                return Err(SpeechError::Dispatcher("no daemon".into()));
            }
            self.asked = Some(Instant::now());
            Ok(())
        }
        fn stop(&mut self) {}
        fn poll(&mut self) -> SynthState {
            self.asked.map_or(SynthState::Idle, SynthState::Requested)
        }
        fn abandon(&mut self) {
            self.asked = None;
            *self.abandoned.lock().unwrap() += 1;
        }
    }

    fn speech_with(refuse: bool, watchdog: Duration) -> (Speech, Arc<Mutex<u32>>) {
        let mut config = SpeechConfig::new("/nonexistent".into());
        config.watchdog = watchdog;
        config.headphones = jack::HeadphonePolicy::Never;
        let abandoned = Arc::new(Mutex::new(0));
        let stuck = Stuck {
            refuse,
            asked: None,
            abandoned: abandoned.clone(),
        };
        let speech = Speech::start_with(
            config,
            Box::new(SilentOutput),
            Box::new(stuck),
            Box::new(SilentSynth),
        );
        (speech, abandoned)
    }

    fn wait_for(speech: &Speech, done: impl Fn(&Speech) -> bool) -> Duration {
        let started = Instant::now();
        while !done(speech) && started.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(10));
        }
        started.elapsed()
    }

    #[test]
    fn a_wedged_synth_is_caught_by_the_watchdog_and_the_fallback_speaks() {
        let (speech, abandoned) = speech_with(false, Duration::from_millis(300));
        speech.say(Utterance::new(lang("ru")).text("Первое. Второе."));
        let took = wait_for(&speech, |s| s.finished() > 0);
        let log = speech.log();
        assert_eq!(log[0], "say:Первое.", "{log:?}");
        assert!(log.contains(&"fallback:Первое.".to_string()), "{log:?}");
        assert!(
            log.contains(&"fallback:Второе.".to_string()),
            "the rest goes straight to the fallback: {log:?}"
        );
        assert!(took >= Duration::from_millis(300) && took < Duration::from_secs(3));
        let health = speech.health();
        assert_eq!(health.dispatcher, "wedged");
        assert_eq!(health.wedged_count, 1);
        assert_eq!(*abandoned.lock().unwrap(), 1);
    }

    #[test]
    fn a_refusing_synth_falls_back_at_once_and_prompts_without_files_are_spoken() {
        let (speech, _) = speech_with(true, Duration::from_secs(30));
        speech.say(Utterance::new(lang("en")).prompt("speech-on"));
        wait_for(&speech, |s| s.finished() > 0);
        assert_eq!(speech.log(), vec!["fallback:Speech is on.".to_string()]);
        assert_eq!(speech.health().dispatcher, "unavailable");
    }

    /// An output that takes a while to play each sound, as a real one does.
    struct Slow(Option<Instant>);

    impl Output for Slow {
        fn play_file(&mut self, _: &std::path::Path, _: f32) -> Result<(), SpeechError> {
            self.0 = Some(Instant::now());
            Ok(())
        }
        fn play_tone(&mut self, _: super::super::Tone, _: f32) -> Result<(), SpeechError> {
            self.0 = Some(Instant::now());
            Ok(())
        }
        fn stop(&mut self) {
            self.0 = None;
        }
        fn is_idle(&mut self) -> bool {
            self.0
                .is_none_or(|at| at.elapsed() > Duration::from_millis(60))
        }
    }

    #[test]
    fn utterances_queued_behind_one_keep_their_own_language() {
        let dir = tempfile::tempdir().unwrap();
        for lang in ["kk", "ru", "en"] {
            let folder = dir.path().join("normal").join(lang);
            std::fs::create_dir_all(&folder).unwrap();
            std::fs::write(folder.join("welcome.wav"), b"").unwrap();
        }
        let speech = Speech::start_with(
            SpeechConfig::new(dir.path().to_path_buf()),
            Box::new(Slow(None)),
            Box::new(SilentSynth),
            Box::new(SilentSynth),
        );
        speech.say(Utterance::new(lang("kk")).prompt("welcome"));
        speech.say_next(Utterance::new(lang("ru")).prompt("welcome"));
        speech.say_next(Utterance::new(lang("en")).prompt("welcome"));
        wait_for(&speech, |s| s.log().len() == 3);
        assert_eq!(
            speech.log(),
            [
                "prompt:welcome:kk",
                "prompt:welcome:ru",
                "prompt:welcome:en"
            ]
        );
    }

    #[test]
    fn stop_cuts_an_utterance_short_and_forget_clears_the_log() {
        let (speech, _) = speech_with(false, Duration::from_secs(30));
        speech.say(Utterance::new(lang("en")).text("A long sentence."));
        wait_for(&speech, |s| !s.log().is_empty());
        speech.stop();
        wait_for(&speech, |s| s.finished() > 0);
        assert_eq!(speech.finished(), 1);
        speech.forget();
        wait_for(&speech, |s| s.log().is_empty());
        assert!(speech.log().is_empty());
    }
}
