//! What the kiosk says, and when: the screen's prompt when it opens and when Help is pressed,
//! the focused control (label, role, state), messages as they appear, tones for digits that
//! must stay private, and the speech settings. Nothing is said while speech is off.

use std::rc::Rc;

use slint::ComponentHandle;

use super::Inner;
use crate::{AppWindow, Screen, SpeechAdapter, Spoken};
use komek_domain::{Lang, Word};
use komek_kiosk_core::speech::{Rate, Settings, Tone, Utterance};
use std::time::Duration;

use super::screens::screen_id;

/// How soon after a prompt starts a focus announcement waits for it rather than cutting it.
const PROMPT_GRACE: Duration = Duration::from_millis(500);

/// Role and state words after a control's label: "Continue, button", "English, button,
/// selected", "Next page, button, unavailable".
fn role_and_state(spoken: &Spoken, lang: Lang) -> String {
    let mut words = Vec::new();
    if spoken.button {
        words.push(lang.word(Word::Button));
    }
    if spoken.checkable {
        words.push(lang.word(if spoken.checked {
            Word::Selected
        } else {
            Word::NotSelected
        }));
    }
    if !spoken.enabled {
        words.push(lang.word(Word::Unavailable));
    }
    words.join(", ")
}

/// Speech mode as the person set it; every visit starts from the default (off, normal speed,
/// middle volume, screen on).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SpeechState {
    pub enabled: bool,
    /// Help is held down.
    pub exploring: bool,
    /// Something was touched while Help was held (so releasing Help does not repeat the prompt).
    pub explored: bool,
    pub screen_off: bool,
    pub settings_open: bool,
    pub settings: Settings,
    /// Headphones were plugged in at the last look (None before the first look).
    pub headphones: Option<bool>,
    /// When the last screen prompt began (monotonic), so focus announcements wait for it.
    pub prompt_at: Option<Duration>,
    /// The touch hint of Help was given in this visit.
    pub told_explore: bool,
    /// The person was told that digits are spoken only in headphones.
    pub told_digits_private: bool,
    /// Releasing Help appends the screen's prompt instead of cutting what the press began.
    pub append_on_release: bool,
}

/// What happened that speech may have to say something about.
pub enum Msg {
    /// A screen (or the speech settings over it) opened.
    ScreenShown,
    Focused(Spoken),
    /// "Touch to hear": touched while Help is held.
    Touched(Spoken),
    /// A message appeared on screen.
    Announce(String),
    Help {
        pressed: bool,
    },
    Toggle,
    OpenSettings,
    CloseSettings,
    Rate(Rate),
    Louder,
    Quieter,
    ToggleScreen,
    /// A key of the keypad or keyboard: the digit or letter typed (`None` for a space or a
    /// PIN digit), or refused.
    Key {
        typed: Option<String>,
        refused: bool,
    },
    Erased(bool),
    IdleWarning,
    /// Whether headphones are plugged in now.
    Headphones(bool),
}

/// What speech needs of the rest of the kiosk.
#[derive(Clone, Copy)]
pub struct Context {
    pub lang: Lang,
    pub screen: Screen,
    /// The visit's list is of special social services, not a programme.
    pub social_services: bool,
    /// Headphones are plugged in: what is typed may be said.
    pub private: bool,
    /// Monotonic time now.
    pub now: Duration,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Effect {
    /// Say this, cutting what is being said.
    Say(Utterance),
    /// Say this after what is being said.
    SayNext(Utterance),
    /// Speak at this rate and volume from now on.
    Set(Settings),
    /// The button that opened or closed a panel gives up the focus while it still can.
    FocusRoot,
}

impl SpeechState {
    pub fn update(&mut self, msg: Msg, cx: Context) -> Vec<Effect> {
        let lang = cx.lang;
        match msg {
            Msg::ScreenShown => self.say_screen(&cx),
            Msg::Focused(_) if !self.enabled => Vec::new(),
            Msg::Focused(spoken) => {
                let description = self.describe(&spoken, &cx);
                // A panel or screen that puts the focus on its first control as it opens must
                // not cut its own prompt short.
                let just_prompted = self
                    .prompt_at
                    .is_some_and(|at| cx.now.saturating_sub(at) < PROMPT_GRACE);
                vec![if just_prompted {
                    Effect::SayNext(description)
                } else {
                    Effect::Say(description)
                }]
            }
            Msg::Touched(spoken) => {
                self.explored = true;
                vec![Effect::Say(self.describe(&spoken, &cx))]
            }
            Msg::Announce(text) if self.enabled => {
                vec![Effect::SayNext(Utterance::new(lang).text(&text))]
            }
            Msg::Announce(_) => Vec::new(),
            Msg::Help { pressed: true } => self.help_down(lang),
            Msg::Help { pressed: false } => self.help_up(&cx),
            Msg::Toggle => self.toggle(&cx),
            Msg::OpenSettings => {
                self.settings_open = true;
                let mut effects = vec![Effect::FocusRoot];
                effects.extend(self.say_screen(&cx));
                effects
            }
            Msg::CloseSettings => {
                self.settings_open = false;
                vec![Effect::FocusRoot]
            }
            Msg::Rate(rate) => self.change(lang, |s| s.rate = rate),
            Msg::Louder => self.change(lang, |s| s.volume = s.volume.louder()),
            Msg::Quieter => self.change(lang, |s| s.volume = s.volume.quieter()),
            Msg::ToggleScreen => {
                self.screen_off = self.enabled && !self.screen_off;
                Vec::new()
            }
            Msg::Key { .. } | Msg::Erased(_) | Msg::IdleWarning if !self.enabled => Vec::new(),
            // The digit or letter itself only in headphones, a tone otherwise; a low tone when
            // the field was full or the key not allowed.
            Msg::Key { typed, refused } => {
                let utterance = Utterance::new(lang);
                vec![Effect::Say(match typed {
                    _ if refused => utterance.tone(Tone::Refused),
                    Some(key) if cx.private => utterance.text(&key),
                    _ => utterance.tone(Tone::Digit),
                })]
            }
            Msg::Erased(erased) => {
                let tone = if erased { Tone::Erase } else { Tone::Refused };
                vec![Effect::Say(Utterance::new(lang).tone(tone))]
            }
            Msg::IdleWarning => vec![Effect::Say(Utterance::new(lang).prompt("idle-warning"))],
            // Headphones plugged in turn speech on (the person has come to listen); unplugging
            // leaves it as it is. A headset that was in when the kiosk started (or that hangs
            // there plugged in) does not turn speech on for everyone.
            Msg::Headphones(private) => {
                let plugged_in = self.headphones == Some(false) && private;
                self.headphones = Some(private);
                if plugged_in && !self.enabled {
                    self.toggle(&cx)
                } else {
                    Vec::new()
                }
            }
        }
    }

    /// The screen's prompt, when speech is on.
    fn say_screen(&mut self, cx: &Context) -> Vec<Effect> {
        if !self.enabled {
            return Vec::new();
        }
        self.prompt_at = Some(cx.now);
        let mut effects = Vec::new();
        for (i, prompt) in self.screen_prompts(cx).into_iter().enumerate() {
            effects.push(if i == 0 {
                Effect::Say(prompt)
            } else {
                Effect::SayNext(prompt)
            });
        }
        effects
    }

    /// What the screen (or the speech settings over it) says when it opens; the welcome
    /// screen speaks in every offered language, since nobody has chosen one yet.
    fn screen_prompts(&self, cx: &Context) -> Vec<Utterance> {
        if self.settings_open {
            vec![Utterance::new(cx.lang).prompt("speech-settings")]
        } else if cx.screen == Screen::Welcome {
            Lang::offered()
                .map(|lang| Utterance::new(lang).prompt("welcome"))
                .collect()
        } else if cx.screen == Screen::Activities && cx.social_services {
            // An elderly person's list is of special social services, not a programme.
            vec![Utterance::new(cx.lang).prompt("social-services")]
        } else {
            vec![Utterance::new(cx.lang).prompt(screen_id(cx.screen))]
        }
    }

    /// A control's label, role and state; a digit key of a keypad is named only in
    /// headphones (the digit a person goes to is the digit they type).
    fn describe(&mut self, spoken: &Spoken, cx: &Context) -> Utterance {
        let lang = cx.lang;
        let one_char = spoken.label.chars().count() == 1;
        let digit_key = matches!(
            cx.screen,
            Screen::Iin
                | Screen::Code
                | Screen::Report
                | Screen::Phone
                | Screen::Signing
                | Screen::CardPin
        ) && one_char
            && spoken.label.bytes().all(|b| b.is_ascii_digit());
        // On the keyboard, the key a person goes to is the letter they type.
        let letter_key = matches!(
            cx.screen,
            Screen::Email | Screen::Describe | Screen::CatalogueSearch
        ) && one_char;
        if letter_key && !cx.private {
            return Utterance::new(lang).text(lang.word(Word::KeyboardKey));
        }
        if digit_key && !cx.private {
            let first_time = !std::mem::replace(&mut self.told_digits_private, true);
            let utterance = Utterance::new(lang).text(lang.word(Word::DigitKey));
            return if first_time {
                utterance.prompt("digits-private")
            } else {
                utterance
            };
        }
        Utterance::new(lang)
            .text(&spoken.label)
            .text(&role_and_state(spoken, lang))
    }

    /// Help down: speech comes on, and touches describe instead of pressing.
    fn help_down(&mut self, lang: Lang) -> Vec<Effect> {
        let was_speaking = std::mem::replace(&mut self.enabled, true);
        self.exploring = true;
        self.explored = false;
        let hinted = std::mem::replace(&mut self.told_explore, true);
        // What this press starts saying is worth hearing out on release.
        self.append_on_release = !was_speaking || !hinted;
        let mut effects = Vec::new();
        if !was_speaking {
            effects.push(Effect::Say(Utterance::new(lang).prompt("speech-on")));
        }
        // The first time in a visit, how to explore the screen by touch.
        if !hinted {
            effects.push(Effect::SayNext(Utterance::new(lang).prompt("explore")));
        }
        effects
    }

    /// Help up without a touch: the screen's prompt again.
    fn help_up(&mut self, cx: &Context) -> Vec<Effect> {
        let was_exploring = std::mem::replace(&mut self.exploring, false);
        let keep_what_is_said = std::mem::replace(&mut self.append_on_release, false);
        if !was_exploring || self.explored {
            return Vec::new();
        }
        // A quick tap must not cut "speech is on" or the touch hint short.
        if keep_what_is_said {
            self.screen_prompts(cx)
                .into_iter()
                .map(Effect::SayNext)
                .collect()
        } else {
            self.say_screen(cx)
        }
    }

    fn toggle(&mut self, cx: &Context) -> Vec<Effect> {
        self.enabled = !self.enabled;
        if !self.enabled {
            self.screen_off = false;
            return vec![Effect::Say(Utterance::new(cx.lang).prompt("speech-off"))];
        }
        let mut effects = vec![Effect::Say(Utterance::new(cx.lang).prompt("speech-on"))];
        effects.extend(self.screen_prompts(cx).into_iter().map(Effect::SayNext));
        effects
    }

    fn change(&mut self, lang: Lang, change: impl FnOnce(&mut Settings)) -> Vec<Effect> {
        change(&mut self.settings);
        let mut effects = vec![Effect::Set(self.settings)];
        if self.enabled {
            // A short sound at the new volume and speed, so the change can be heard.
            effects.push(Effect::Say(Utterance::new(lang).tone(Tone::Digit)));
        }
        effects
    }
}

/// Connects the speech adapter's callbacks. These are not a person's input by themselves
/// (a message appearing, the focus moving after a screen change), so they leave the idle
/// clock alone; the settings buttons go through `with`, which counts as input.
pub(super) fn wire(app: &AppWindow, inner: &Rc<Inner>) {
    use super::{act, with};
    fn hook<A>(inner: &Rc<Inner>, f: impl Fn(&Inner, A) + 'static) -> impl Fn(A) + 'static {
        let weak = Rc::downgrade(inner);
        move |arg| {
            if let Some(inner) = weak.upgrade() {
                f(&inner, arg);
            }
        }
    }
    let speech = app.global::<SpeechAdapter>();
    speech.on_focused(hook(inner, |i, spoken: Spoken| {
        i.state.borrow_mut().focused_label = spoken.label.to_string();
        i.speak(Msg::Focused(spoken));
    }));
    speech.on_touched(hook(inner, |i, spoken: Spoken| {
        i.speak(Msg::Touched(spoken))
    }));
    speech.on_announce(hook(inner, |i, text: slint::SharedString| {
        i.speak(Msg::Announce(text.into()))
    }));
    speech.on_toggle_speech(act(inner, |i| i.speak(Msg::Toggle)));
    speech.on_open_settings(act(inner, |i| i.speak(Msg::OpenSettings)));
    speech.on_close_settings(act(inner, |i| i.speak(Msg::CloseSettings)));
    speech.on_choose_rate(with(inner, |i, rate: i32| {
        let rate = usize::try_from(rate)
            .ok()
            .and_then(|r| Rate::ALL.get(r).copied())
            .unwrap_or_default();
        i.speak(Msg::Rate(rate));
    }));
    speech.on_louder(act(inner, |i| i.speak(Msg::Louder)));
    speech.on_quieter(act(inner, |i| i.speak(Msg::Quieter)));
    speech.on_toggle_screen(act(inner, |i| i.speak(Msg::ToggleScreen)));
}

impl Inner {
    /// Hands `msg` to speech and says what it asks for.
    pub(super) fn speak(&self, msg: Msg) {
        let effects = {
            let mut s = self.state.borrow_mut();
            let cx = Context {
                lang: s.lang,
                screen: s.screen,
                social_services: s
                    .session
                    .visit()
                    .is_some_and(|v| v.profile.gets_social_services()),
                private: self.speech.private(),
                now: self.clock.monotonic(),
            };
            s.speech.update(msg, cx)
        };
        for effect in effects {
            match effect {
                Effect::Say(utterance) => self.speech.say(utterance),
                Effect::SayNext(utterance) => self.speech.say_next(utterance),
                Effect::Set(settings) => self.speech.set(settings),
                Effect::FocusRoot => {
                    if let Some(app) = self.app.upgrade() {
                        app.invoke_focus_root();
                    }
                }
            }
        }
    }

    /// After a key of the keypad or keyboard: `key` is what may be said of it (`None` for a
    /// PIN digit or a space), `typed` whether it typed anything.
    pub(super) fn key_feedback(&self, key: Option<&str>, typed: bool) {
        self.speak(Msg::Key {
            typed: key.map(str::to_string),
            refused: !typed,
        });
    }

    pub(super) fn erase_feedback(&self, erased: bool) {
        self.speak(Msg::Erased(erased));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lang(code: &str) -> Lang {
        Lang::from_code(code).unwrap()
    }

    #[test]
    fn controls_are_described_with_role_and_state_in_each_language() {
        let toggle = Spoken {
            label: "English".into(),
            button: true,
            checkable: true,
            checked: true,
            enabled: true,
        };
        assert_eq!(role_and_state(&toggle, lang("en")), "button, selected");
        let disabled = Spoken {
            label: "Next page".into(),
            button: true,
            checkable: false,
            checked: false,
            enabled: false,
        };
        assert_eq!(role_and_state(&disabled, lang("ru")), "кнопка, недоступно");
        assert_eq!(
            role_and_state(&disabled, lang("kk")),
            "батырма, қолжетімсіз"
        );
    }

    #[test]
    fn every_screen_has_a_prompt_in_every_language_and_a_clip_slot() {
        use komek_kiosk_core::speech::prompts;
        for screen in super::super::screens::ALL {
            for lang in Lang::offered() {
                assert!(
                    prompts::text(screen_id(screen), lang).is_some(),
                    "{screen:?} in {lang:?}"
                );
            }
            // And a sign-language clip slot in both sign languages.
            for sign in komek_kiosk_core::sign::SignLanguage::ALL {
                assert!(
                    komek_kiosk_core::sign::manifest::clip(
                        std::path::Path::new("/"),
                        screen_id(screen),
                        sign
                    )
                    .is_some(),
                    "{screen:?} has no {sign:?} clip slot"
                );
            }
        }
    }

    fn at(screen: Screen, private: bool, now_ms: u64) -> Context {
        Context {
            lang: lang("en"),
            screen,
            social_services: false,
            private,
            now: Duration::from_millis(now_ms),
        }
    }

    fn key(label: &str) -> Spoken {
        Spoken {
            label: label.into(),
            button: true,
            checkable: false,
            checked: false,
            enabled: true,
        }
    }

    #[test]
    fn nothing_is_said_while_speech_is_off_and_turning_it_on_says_so_then_the_screen() {
        let mut speech = SpeechState::default();
        assert!(
            speech
                .update(Msg::ScreenShown, at(Screen::Iin, false, 0))
                .is_empty()
        );
        assert!(
            speech
                .update(Msg::Focused(key("Continue")), at(Screen::Iin, false, 0))
                .is_empty()
        );
        assert!(
            speech
                .update(Msg::Announce("Saved".into()), at(Screen::Iin, false, 0))
                .is_empty()
        );
        let on = speech.update(Msg::Toggle, at(Screen::Iin, false, 0));
        let en = lang("en");
        assert_eq!(
            on,
            [
                Effect::Say(Utterance::new(en).prompt("speech-on")),
                Effect::SayNext(Utterance::new(en).prompt(screen_id(Screen::Iin))),
            ]
        );
        let welcome = speech.update(Msg::ScreenShown, at(Screen::Welcome, false, 0));
        assert_eq!(
            welcome.len(),
            Lang::offered().count(),
            "every language greets"
        );
    }

    #[test]
    fn a_digit_key_is_named_only_in_headphones_and_typed_digits_are_tones_on_the_loudspeaker() {
        let mut speech = SpeechState {
            enabled: true,
            ..SpeechState::default()
        };
        let [Effect::Say(first)] =
            &speech.update(Msg::Focused(key("7")), at(Screen::CardPin, false, 0))[..]
        else {
            panic!("one description");
        };
        assert!(
            !format!("{first:?}").contains('7'),
            "the digit is not said aloud"
        );
        let typed = speech.update(
            Msg::Key {
                typed: Some("7".into()),
                refused: false,
            },
            at(Screen::Iin, false, 0),
        );
        assert_eq!(
            typed,
            [Effect::Say(Utterance::new(lang("en")).tone(Tone::Digit))]
        );
        let private = speech.update(
            Msg::Key {
                typed: Some("7".into()),
                refused: false,
            },
            at(Screen::Iin, true, 0),
        );
        assert_eq!(private, [Effect::Say(Utterance::new(lang("en")).text("7"))]);
        let refused = speech.update(
            Msg::Key {
                typed: None,
                refused: true,
            },
            at(Screen::Iin, true, 0),
        );
        assert_eq!(
            refused,
            [Effect::Say(Utterance::new(lang("en")).tone(Tone::Refused))]
        );
    }

    #[test]
    fn a_focus_right_after_a_prompt_waits_for_it_and_later_cuts_in() {
        let mut speech = SpeechState {
            enabled: true,
            ..SpeechState::default()
        };
        speech.update(Msg::ScreenShown, at(Screen::Activities, false, 1000));
        let soon = speech.update(
            Msg::Focused(key("Next page")),
            at(Screen::Activities, false, 1200),
        );
        assert!(matches!(soon.as_slice(), [Effect::SayNext(_)]));
        let later = speech.update(
            Msg::Focused(key("Next page")),
            at(Screen::Activities, false, 2000),
        );
        assert!(matches!(later.as_slice(), [Effect::Say(_)]));
    }

    #[test]
    fn help_held_explores_by_touch_and_a_tap_repeats_the_screen() {
        let mut speech = SpeechState::default();
        let down = speech.update(Msg::Help { pressed: true }, at(Screen::Iin, false, 0));
        assert_eq!(down.len(), 2, "speech on, then the touch hint");
        assert!(speech.enabled && speech.exploring);
        speech.update(Msg::Touched(key("Continue")), at(Screen::Iin, false, 0));
        assert!(
            speech
                .update(Msg::Help { pressed: false }, at(Screen::Iin, false, 0))
                .is_empty()
        );

        speech.update(Msg::Help { pressed: true }, at(Screen::Iin, false, 0));
        let up = speech.update(Msg::Help { pressed: false }, at(Screen::Iin, false, 0));
        assert!(
            matches!(up.as_slice(), [Effect::Say(_)]),
            "a tap once the hint was given says the screen again, cutting in"
        );
    }

    #[test]
    fn plugging_headphones_in_turns_speech_on_but_a_headset_already_there_does_not() {
        let mut speech = SpeechState::default();
        assert!(
            speech
                .update(Msg::Headphones(true), at(Screen::Iin, true, 0))
                .is_empty()
        );
        assert!(!speech.enabled, "in at the first look");
        speech.update(Msg::Headphones(false), at(Screen::Iin, false, 0));
        let plugged = speech.update(Msg::Headphones(true), at(Screen::Iin, true, 0));
        assert!(speech.enabled && !plugged.is_empty());
        speech.update(Msg::Headphones(false), at(Screen::Iin, false, 0));
        assert!(speech.enabled, "unplugging leaves speech on");
    }

    #[test]
    fn a_setting_changed_is_applied_and_heard_at_once() {
        let mut speech = SpeechState {
            enabled: true,
            ..SpeechState::default()
        };
        let louder = speech.update(Msg::Louder, at(Screen::Iin, false, 0));
        assert_eq!(
            louder,
            [
                Effect::Set(speech.settings),
                Effect::Say(Utterance::new(lang("en")).tone(Tone::Digit))
            ]
        );
        assert_ne!(speech.settings, Settings::default());
    }
}
