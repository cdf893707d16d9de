//! The sign-language panel: which clip belongs to the screen, the player's controls, and its
//! frames handed to the UI (polled on the UI thread; decoding runs on GStreamer's threads).

use std::rc::Rc;

use slint::{ComponentHandle, Image, Rgba8Pixel, SharedPixelBuffer};

use super::Inner;
use super::screens::screen_id;
use crate::{AppWindow, SignAdapter, SignProblem};
use komek_kiosk_core::sign::{Player, SignLanguage, VideoError, manifest};

/// The panel's state while it is open; closing it, and every visit, start again from closed,
/// small, and the sign language that goes with the screen's language.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SignState {
    pub open: bool,
    pub large: bool,
    pub language: SignLanguage,
    pub playing: bool,
    pub ended: bool,
    pub problem: SignProblem,
    /// A video instruction played instead of the screen's clip.
    pub clip: Option<&'static str>,
}

impl Default for SignState {
    fn default() -> Self {
        SignState {
            open: false,
            large: false,
            language: SignLanguage::Kk,
            playing: false,
            ended: false,
            problem: SignProblem::None,
            clip: None,
        }
    }
}

pub(super) fn wire(app: &AppWindow, inner: &Rc<Inner>) {
    use super::{act, with};
    let sign = app.global::<SignAdapter>();
    sign.on_open_player(act(inner, |i| i.open_sign_panel(None)));
    sign.on_close(act(inner, |i| i.close_sign_panel()));
    sign.on_play_pause(act(inner, |i| i.play_pause()));
    sign.on_replay(act(inner, |i| i.replay_clip()));
    sign.on_toggle_size(act(inner, |i| {
        let mut s = i.state.borrow_mut();
        s.sign.large = !s.sign.large;
    }));
    sign.on_choose_sign_language(with(inner, |i, code: slint::SharedString| {
        if let Some(language) = SignLanguage::from_code(&code) {
            i.state.borrow_mut().sign.language = language;
            i.load_clip();
        }
    }));
}

impl Inner {
    /// Opens the panel on the screen's clip, or on a video instruction's (`clip`).
    pub(super) fn open_sign_panel(&self, clip: Option<&'static str>) {
        // The button that opened the panel gives up the focus while it still can.
        if let Some(app) = self.app.upgrade() {
            app.invoke_focus_root();
        }
        let lang = self.state.borrow().lang;
        {
            let mut s = self.state.borrow_mut();
            s.sign.open = true;
            s.sign.language = SignLanguage::for_screen_language(lang);
            s.sign.clip = clip;
        }
        self.load_clip();
    }

    /// Opens the current screen's clip in the chosen sign language and starts it.
    fn load_clip(&self) {
        self.stop_clip();
        let (slot, language) = {
            let s = self.state.borrow();
            (s.sign.clip.unwrap_or(screen_id(s.screen)), s.sign.language)
        };
        let opened = manifest::clip(&self.sign_clips, slot, language)
            .ok_or(SignProblem::NoClip)
            .and_then(|path| {
                Player::open(&path).map_err(|e| match e {
                    VideoError::NotBuilt => SignProblem::NotAvailable,
                    VideoError::Clip(..) => {
                        tracing::warn!(error = %e, "sign-language clip missing");
                        SignProblem::NoClip
                    }
                    VideoError::Gstreamer(_) => {
                        tracing::warn!(error = %e, "sign-language clip cannot be opened");
                        SignProblem::Failed
                    }
                })
            })
            .and_then(|mut player| match player.play() {
                Ok(()) => Ok(player),
                Err(e) => {
                    tracing::warn!(error = %e, "sign-language clip does not play");
                    Err(SignProblem::Failed)
                }
            });
        let mut s = self.state.borrow_mut();
        s.sign.ended = false;
        match opened {
            Ok(player) => {
                *self.video.borrow_mut() = Some(player);
                s.sign.playing = true;
                s.sign.problem = SignProblem::None;
            }
            Err(problem) => {
                s.sign.playing = false;
                s.sign.problem = problem;
            }
        }
    }

    fn play_pause(&self) {
        let (playing, ended) = {
            let s = self.state.borrow();
            (s.sign.playing, s.sign.ended)
        };
        if ended {
            return self.replay_clip();
        }
        let done = match self.video.borrow_mut().as_mut() {
            Some(player) if playing => player.pause(),
            Some(player) => player.play(),
            None => return,
        };
        match done {
            Ok(()) => self.state.borrow_mut().sign.playing = !playing,
            Err(e) => self.clip_failed(&e.to_string()),
        }
    }

    /// From the start: the clip is opened afresh, as quick as a seek and never waiting on
    /// the pipeline.
    fn replay_clip(&self) {
        self.load_clip();
    }

    fn clip_failed(&self, why: &str) {
        tracing::warn!(problem = why, "sign-language clip failed");
        self.stop_clip();
        let mut s = self.state.borrow_mut();
        s.sign.playing = false;
        s.sign.problem = SignProblem::Failed;
    }

    fn stop_clip(&self) {
        self.video.borrow_mut().take();
    }

    pub(super) fn close_sign_panel(&self) {
        self.stop_clip();
        self.state.borrow_mut().sign = SignState::default();
        if let Some(app) = self.app.upgrade() {
            app.global::<SignAdapter>().set_frame(Image::default());
            app.invoke_focus_root();
        }
    }

    /// Shows the newest decoded frame and notes the clip's end (called from the UI timer).
    pub(super) fn poll_video(&self) {
        let progress = match self.video.borrow_mut().as_mut() {
            Some(player) => player.poll(),
            None => return,
        };
        if let Some(frame) = progress.frame
            && let Some(app) = self.app.upgrade()
        {
            let expected = frame.width as usize * frame.height as usize * 4;
            if frame.rgba.len() == expected {
                let mut pixels = SharedPixelBuffer::<Rgba8Pixel>::new(frame.width, frame.height);
                pixels.make_mut_bytes().copy_from_slice(&frame.rgba);
                app.global::<SignAdapter>()
                    .set_frame(Image::from_rgba8(pixels));
            }
        }
        if let Some(why) = progress.failed {
            self.clip_failed(&why);
        } else if progress.ended {
            let mut s = self.state.borrow_mut();
            s.sign.playing = false;
            s.sign.ended = true;
        }
    }
}
