//! Dynamic text through speech-dispatcher, with the `tts` crate.
//!
//! libspeechd has no reply timeouts: a wedged daemon blocks even the connect, forever. So the
//! connection lives on its own thread and is only ever touched there; the speech worker sends
//! it jobs and reads what the utterance callbacks report. When the worker's watchdog gives up,
//! `abandon` leaves that thread (and its connection, which must not be dropped while a call is
//! stuck in it) behind, and the next utterance starts a fresh thread and connection.

use std::collections::{HashMap, HashSet};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use tts::{Backends, Tts, UtteranceId, Voice};

use super::{Settings, SpeechError, Synth, SynthState};
use komek_domain::Lang;

enum Job {
    Speak {
        /// Which request this is; the answer to an older one is ignored.
        sequence: u64,
        text: String,
        lang: Lang,
        settings: Settings,
    },
    Stop,
}

/// What the callbacks and the connection thread report.
#[derive(Default)]
struct Progress {
    /// The newest request; the thread drops older ones it finds still queued.
    sequence: u64,
    /// Connecting, or listing the voices: not yet able to take a text.
    preparing: bool,
    /// The worker gave up on this connection: its thread must not speak any more.
    abandoned: bool,
    /// When the current text was handed over; None when nothing is asked for.
    requested_at: Option<Instant>,
    /// speech-dispatcher's id for the current text, once `speak` returned it.
    current: Option<u64>,
    began: HashMap<u64, Instant>,
    ended: HashSet<u64>,
    failed: Option<String>,
}

struct Connection {
    jobs: Sender<Job>,
    progress: Arc<Mutex<Progress>>,
}

pub struct DispatcherSynth {
    connection: Option<Connection>,
    /// Connections given up on; their threads may be stuck for good.
    abandoned: u32,
}

impl DispatcherSynth {
    pub fn new() -> Self {
        DispatcherSynth {
            connection: None,
            abandoned: 0,
        }
    }

    fn connection(&mut self) -> Result<&Connection, SpeechError> {
        if self.connection.is_none() {
            let (jobs, rx) = mpsc::channel();
            let progress = Arc::new(Mutex::new(Progress::default()));
            let shared = progress.clone();
            std::thread::Builder::new()
                .name(format!("speech-dispatcher-{}", self.abandoned))
                .spawn(move || run(&rx, &shared))
                .map_err(|e| SpeechError::Dispatcher(e.to_string()))?;
            self.connection = Some(Connection { jobs, progress });
        }
        self.connection
            .as_ref()
            .ok_or_else(|| SpeechError::Dispatcher("no connection".into()))
    }
}

impl Default for DispatcherSynth {
    fn default() -> Self {
        Self::new()
    }
}

fn lock(progress: &Mutex<Progress>) -> std::sync::MutexGuard<'_, Progress> {
    progress.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Synth for DispatcherSynth {
    fn speak(&mut self, text: &str, lang: Lang, settings: Settings) -> Result<(), SpeechError> {
        let connection = self.connection()?;
        let sequence = {
            let mut p = lock(&connection.progress);
            if let Some(why) = p.failed.clone() {
                drop(p);
                // The next utterance tries a fresh connection (the worker waits a while first).
                self.connection = None;
                return Err(SpeechError::Dispatcher(why));
            }
            p.sequence += 1;
            p.requested_at = Some(Instant::now());
            p.current = None;
            p.began.clear();
            p.ended.clear();
            p.sequence
        };
        let sent = connection.jobs.send(Job::Speak {
            sequence,
            // libspeechd takes C strings: a NUL would end the text (and tts panics on it).
            text: text.replace('\0', " "),
            lang,
            settings,
        });
        if sent.is_err() {
            self.connection = None;
            return Err(SpeechError::Dispatcher("connection thread ended".into()));
        }
        Ok(())
    }

    fn stop(&mut self) {
        if let Some(connection) = &self.connection {
            lock(&connection.progress).requested_at = None;
            let _ = connection.jobs.send(Job::Stop);
        }
    }

    fn poll(&mut self) -> SynthState {
        let Some(connection) = &self.connection else {
            return SynthState::Idle;
        };
        let mut p = lock(&connection.progress);
        if p.failed.is_some() {
            return SynthState::Failed;
        }
        let Some(requested_at) = p.requested_at else {
            return SynthState::Idle;
        };
        if p.preparing {
            return SynthState::Connecting(requested_at);
        }
        match p.current {
            Some(id) if p.ended.contains(&id) => {
                p.requested_at = None;
                SynthState::Idle
            }
            Some(id) => match p.began.get(&id) {
                Some(began) => SynthState::Speaking(*began),
                None => SynthState::Requested(requested_at),
            },
            None => SynthState::Requested(requested_at),
        }
    }

    fn abandon(&mut self) {
        if let Some(connection) = self.connection.take() {
            // If the stuck call ever returns, the thread stops instead of speaking stale text.
            lock(&connection.progress).abandoned = true;
            self.abandoned += 1;
            tracing::warn!(
                abandoned = self.abandoned,
                "speech-dispatcher connection abandoned"
            );
        }
    }
}

/// The connection thread: connects, then speaks what it is sent, until the worker lets go of
/// it or abandons it.
fn run(jobs: &Receiver<Job>, progress: &Arc<Mutex<Progress>>) {
    lock(progress).preparing = true;
    let mut tts = match connect(progress) {
        Ok(tts) => tts,
        Err(why) => {
            tracing::warn!(problem = %why, "speech-dispatcher not available");
            let mut p = lock(progress);
            p.preparing = false;
            p.failed = Some(why);
            return;
        }
    };
    lock(progress).preparing = false;
    let mut voices: Option<Vec<Voice>> = None;
    let mut voice_lang: Option<Lang> = None;
    while let Ok(job) = jobs.recv() {
        if lock(progress).abandoned {
            // Never dropped: closing a connection that is stuck would hang this thread anyway.
            std::mem::forget(tts);
            return;
        }
        match job {
            Job::Stop => {
                let _ = tts.stop();
            }
            Job::Speak {
                sequence,
                text,
                lang,
                settings,
            } => {
                if sequence != lock(progress).sequence {
                    continue; // a newer text was asked for since
                }
                if voice_lang != Some(lang) {
                    lock(progress).preparing = true;
                    choose_voice(&mut tts, &mut voices, lang);
                    lock(progress).preparing = false;
                    voice_lang = Some(lang);
                }
                let _ = tts.set_rate(match settings.rate {
                    super::Rate::Slow => -40.0,
                    super::Rate::Normal => 0.0,
                    super::Rate::Fast => 40.0,
                });
                let _ = tts.set_volume(settings.volume.gain() * 200.0 - 100.0);
                match tts.speak(text, true) {
                    Ok(Some(UtteranceId::SpeechDispatcher(id))) => {
                        let mut p = lock(progress);
                        if p.sequence == sequence {
                            p.current = Some(id);
                        }
                    }
                    Ok(_) => lock(progress).requested_at = None,
                    Err(e) => {
                        lock(progress).failed = Some(e.to_string());
                        std::mem::forget(tts);
                        return;
                    }
                }
            }
        }
    }
    // The worker let go of this connection in an orderly way: close it.
    let _ = tts.stop();
}

fn connect(progress: &Arc<Mutex<Progress>>) -> Result<Tts, String> {
    let tts = Tts::new(Backends::SpeechDispatcher).map_err(|e| e.to_string())?;
    // The callbacks run on libspeechd's event thread while it holds its own locks: they only
    // note what happened, and never call back into the connection.
    let began = progress.clone();
    let ended = progress.clone();
    let stopped = progress.clone();
    tts.on_utterance_begin(Some(Box::new(move |id| {
        let UtteranceId::SpeechDispatcher(id) = id;
        lock(&began).began.insert(id, Instant::now());
    })))
    .map_err(|e| e.to_string())?;
    tts.on_utterance_end(Some(Box::new(move |id| {
        let UtteranceId::SpeechDispatcher(id) = id;
        lock(&ended).ended.insert(id);
    })))
    .map_err(|e| e.to_string())?;
    tts.on_utterance_stop(Some(Box::new(move |id| {
        let UtteranceId::SpeechDispatcher(id) = id;
        lock(&stopped).ended.insert(id);
    })))
    .map_err(|e| e.to_string())?;
    Ok(tts)
}

/// speech-dispatcher has thousands of espeak-ng voices; the plain one of each language (e.g.
/// "Kazakh", not "Kazakh+Alex") is the clearest.
fn choose_voice(tts: &mut Tts, voices: &mut Option<Vec<Voice>>, lang: Lang) {
    if voices.is_none() {
        *voices = tts.voices().ok();
    }
    let wanted = lang.code();
    let voice = voices.as_ref().and_then(|all| {
        all.iter()
            .find(|v| v.language().primary_language() == wanted && !v.name().contains('+'))
    });
    match voice {
        Some(voice) => {
            if let Err(e) = tts.set_voice(voice) {
                tracing::warn!(error = %e, lang = wanted, "voice not set");
            }
        }
        None => tracing::warn!(
            lang = wanted,
            "speech-dispatcher has no voice for this language"
        ),
    }
}
