//! The sign-language panel: which clip belongs to the screen, the player's controls, and its
//! frames handed to the UI (polled on the UI thread; decoding runs on GStreamer's threads).

use std::rc::Rc;

use slint::{ComponentHandle, Image, Rgba8Pixel, SharedPixelBuffer};

use super::Inner;
use super::screens::screen_id;
use crate::{AppWindow, Screen, SignAdapter, SignProblem};
use komek_domain::Lang;
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

/// What the person did on the panel, and what the player did.
pub enum Msg {
    /// Open on the screen's clip, or on a video instruction's.
    Open(Option<&'static str>),
    Close,
    PlayPause,
    /// From the start: the clip is opened afresh, as quick as a seek and never waiting on
    /// the pipeline.
    Replay,
    ToggleSize,
    ChooseLanguage(SignLanguage),
    /// The clip opened and plays, or why not.
    Loaded(Result<(), SignProblem>),
    /// Play or pause was carried out, or failed (why).
    Toggled(Result<(), String>),
    Ended,
    Failed(String),
}

/// What the panel needs of the rest of the kiosk.
#[derive(Clone, Copy)]
pub struct Context {
    pub screen: Screen,
    pub lang: Lang,
    /// A clip is open in the player.
    pub has_player: bool,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Effect {
    /// The button that opened or closed the panel gives up the focus while it still can.
    FocusRoot,
    /// Stop what plays, then open this slot's clip in this sign language and play it.
    Load(&'static str, SignLanguage),
    Play,
    Pause,
    Stop,
    /// No frame of the last clip stays on screen.
    Blank,
}

impl SignState {
    pub fn update(&mut self, msg: Msg, cx: Context) -> Vec<Effect> {
        match msg {
            Msg::Open(clip) => {
                self.open = true;
                self.language = SignLanguage::for_screen_language(cx.lang);
                self.clip = clip;
                vec![Effect::FocusRoot, self.load(cx.screen)]
            }
            Msg::Close => {
                *self = SignState::default();
                vec![Effect::Stop, Effect::Blank, Effect::FocusRoot]
            }
            Msg::PlayPause if self.ended => vec![self.load(cx.screen)],
            Msg::PlayPause if !cx.has_player => Vec::new(),
            Msg::PlayPause => vec![if self.playing {
                Effect::Pause
            } else {
                Effect::Play
            }],
            Msg::Replay => vec![self.load(cx.screen)],
            Msg::ToggleSize => {
                self.large = !self.large;
                Vec::new()
            }
            Msg::ChooseLanguage(language) => {
                self.language = language;
                vec![self.load(cx.screen)]
            }
            Msg::Loaded(result) => {
                self.ended = false;
                self.playing = result.is_ok();
                self.problem = result.err().unwrap_or(SignProblem::None);
                Vec::new()
            }
            Msg::Toggled(Ok(())) => {
                self.playing = !self.playing;
                Vec::new()
            }
            Msg::Toggled(Err(why)) | Msg::Failed(why) => {
                tracing::warn!(problem = why, "sign-language clip failed");
                self.playing = false;
                self.problem = SignProblem::Failed;
                vec![Effect::Stop]
            }
            Msg::Ended => {
                self.playing = false;
                self.ended = true;
                Vec::new()
            }
        }
    }

    /// The clip of the panel: the instruction's, else the screen's.
    fn load(&self, screen: Screen) -> Effect {
        Effect::Load(self.clip.unwrap_or(screen_id(screen)), self.language)
    }
}

pub(super) fn wire(app: &AppWindow, inner: &Rc<Inner>) {
    use super::{act, with};
    let sign = app.global::<SignAdapter>();
    sign.on_open_player(act(inner, |i| i.sign(Msg::Open(None))));
    sign.on_close(act(inner, |i| i.sign(Msg::Close)));
    sign.on_play_pause(act(inner, |i| i.sign(Msg::PlayPause)));
    sign.on_replay(act(inner, |i| i.sign(Msg::Replay)));
    sign.on_toggle_size(act(inner, |i| i.sign(Msg::ToggleSize)));
    sign.on_choose_sign_language(with(inner, |i, code: slint::SharedString| {
        if let Some(language) = SignLanguage::from_code(&code) {
            i.sign(Msg::ChooseLanguage(language));
        }
    }));
}

impl Inner {
    /// Hands `msg` to the sign panel and carries out what it asks for.
    pub(super) fn sign(&self, msg: Msg) {
        let effects = {
            let mut s = self.state.borrow_mut();
            let cx = Context {
                screen: s.screen,
                lang: s.lang,
                has_player: self.video.borrow().is_some(),
            };
            s.sign.update(msg, cx)
        };
        for effect in effects {
            match effect {
                Effect::FocusRoot => {
                    if let Some(app) = self.app.upgrade() {
                        app.invoke_focus_root();
                    }
                }
                Effect::Load(slot, language) => {
                    self.video.borrow_mut().take();
                    let opened = self.open_clip(slot, language);
                    let loaded = opened.map(|player| {
                        *self.video.borrow_mut() = Some(player);
                    });
                    self.sign(Msg::Loaded(loaded));
                }
                Effect::Play | Effect::Pause => {
                    let done = match self.video.borrow_mut().as_mut() {
                        Some(player) if effect == Effect::Pause => player.pause(),
                        Some(player) => player.play(),
                        None => continue,
                    };
                    self.sign(Msg::Toggled(done.map_err(|e| e.to_string())));
                }
                Effect::Stop => drop(self.video.borrow_mut().take()),
                Effect::Blank => {
                    if let Some(app) = self.app.upgrade() {
                        app.global::<SignAdapter>().set_frame(Image::default());
                    }
                }
            }
        }
    }

    /// Opens the clip of `slot` in `language` and starts it.
    fn open_clip(&self, slot: &str, language: SignLanguage) -> Result<Player, SignProblem> {
        let path = manifest::clip(&self.sign_clips, slot, language).ok_or(SignProblem::NoClip)?;
        let mut player = Player::open(&path).map_err(|e| match e {
            VideoError::NotBuilt => SignProblem::NotAvailable,
            VideoError::Clip(..) => {
                tracing::warn!(error = %e, "sign-language clip missing");
                SignProblem::NoClip
            }
            VideoError::Gstreamer(_) => {
                tracing::warn!(error = %e, "sign-language clip cannot be opened");
                SignProblem::Failed
            }
        })?;
        player.play().map_err(|e| {
            tracing::warn!(error = %e, "sign-language clip does not play");
            SignProblem::Failed
        })?;
        Ok(player)
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
            self.sign(Msg::Failed(why));
        } else if progress.ended {
            self.sign(Msg::Ended);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cx(lang: &str, has_player: bool) -> Context {
        Context {
            screen: Screen::Iin,
            lang: Lang::from_code(lang).unwrap(),
            has_player,
        }
    }

    #[test]
    fn the_panel_opens_on_the_screens_clip_in_the_sign_language_of_the_screens_language() {
        let mut sign = SignState::default();
        let effects = sign.update(Msg::Open(None), cx("ru", false));
        assert_eq!(
            effects,
            [
                Effect::FocusRoot,
                Effect::Load(screen_id(Screen::Iin), SignLanguage::Ru)
            ]
        );
        let kazakh = sign.update(Msg::Open(Some("welcome")), cx("kk", false));
        assert_eq!(kazakh[1], Effect::Load("welcome", SignLanguage::Kk));
        let chosen = sign.update(Msg::ChooseLanguage(SignLanguage::Ru), cx("kk", true));
        assert_eq!(chosen, [Effect::Load("welcome", SignLanguage::Ru)]);
    }

    #[test]
    fn a_clip_that_cannot_open_says_why_and_play_does_nothing() {
        let mut sign = SignState::default();
        sign.update(Msg::Open(None), cx("kk", false));
        sign.update(Msg::Loaded(Err(SignProblem::NoClip)), cx("kk", false));
        assert_eq!((sign.playing, sign.problem), (false, SignProblem::NoClip));
        assert!(sign.update(Msg::PlayPause, cx("kk", false)).is_empty());
    }

    #[test]
    fn play_and_pause_take_turns_and_after_the_end_play_starts_again() {
        let mut sign = SignState::default();
        sign.update(Msg::Open(None), cx("kk", false));
        sign.update(Msg::Loaded(Ok(())), cx("kk", true));
        assert_eq!(sign.update(Msg::PlayPause, cx("kk", true)), [Effect::Pause]);
        sign.update(Msg::Toggled(Ok(())), cx("kk", true));
        assert_eq!(sign.update(Msg::PlayPause, cx("kk", true)), [Effect::Play]);
        sign.update(Msg::Toggled(Ok(())), cx("kk", true));
        sign.update(Msg::Ended, cx("kk", true));
        assert!(sign.ended && !sign.playing);
        assert!(matches!(
            sign.update(Msg::PlayPause, cx("kk", true)).as_slice(),
            [Effect::Load(..)]
        ));
        let failed = sign.update(Msg::Failed("decoder".into()), cx("kk", true));
        assert_eq!(failed, [Effect::Stop]);
        assert_eq!(sign.problem, SignProblem::Failed);
    }

    #[test]
    fn closing_forgets_the_panel_and_blanks_its_last_frame() {
        let mut sign = SignState::default();
        sign.update(Msg::Open(Some("welcome")), cx("ru", false));
        sign.update(Msg::ToggleSize, cx("ru", true));
        let closed = sign.update(Msg::Close, cx("ru", true));
        assert_eq!(closed, [Effect::Stop, Effect::Blank, Effect::FocusRoot]);
        assert_eq!(sign, SignState::default());
    }
}
