//! What the kiosk says, and when: the screen's prompt when it opens and when Help is pressed,
//! the focused control (label, role, state), messages as they appear, tones for digits that
//! must stay private, and the speech settings. Nothing is said while speech is off.

use std::rc::Rc;

use slint::ComponentHandle;

use super::Inner;
use crate::{AppWindow, Screen, SpeechAdapter, Spoken};
use komek_domain::{Lang, Word};
use komek_kiosk_core::speech::{Rate, Tone, Utterance};

use super::screens::screen_id;

/// How soon after a prompt starts a focus announcement waits for it rather than cutting it.
const PROMPT_GRACE: std::time::Duration = std::time::Duration::from_millis(500);

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
    speech.on_focused(hook(inner, |i, spoken: Spoken| i.focused(&spoken)));
    speech.on_touched(hook(inner, |i, spoken: Spoken| i.touched(&spoken)));
    speech.on_announce(hook(inner, |i, text: slint::SharedString| {
        i.announce(&text)
    }));
    speech.on_toggle_speech(act(inner, |i| i.toggle_speech()));
    speech.on_open_settings(act(inner, |i| i.open_speech_settings()));
    speech.on_close_settings(act(inner, |i| i.close_speech_settings()));
    speech.on_choose_rate(with(inner, |i, rate: i32| {
        let rate = usize::try_from(rate)
            .ok()
            .and_then(|r| Rate::ALL.get(r).copied())
            .unwrap_or_default();
        i.change_settings(|s| s.rate = rate);
    }));
    speech.on_louder(act(inner, |i| {
        i.change_settings(|s| s.volume = s.volume.louder())
    }));
    speech.on_quieter(act(inner, |i| {
        i.change_settings(|s| s.volume = s.volume.quieter())
    }));
    speech.on_toggle_screen(act(inner, |i| {
        let mut s = i.state.borrow_mut();
        s.speech.screen_off = s.speech.enabled && !s.speech.screen_off;
    }));
}

impl Inner {
    fn speaking(&self) -> bool {
        self.state.borrow().speech.enabled
    }

    fn lang(&self) -> Lang {
        self.state.borrow().lang
    }

    /// Says the prompt of the screen on show; the welcome screen speaks in every offered language,
    /// since nobody has chosen one yet.
    pub(super) fn say_screen(&self) {
        if !self.speaking() {
            return;
        }
        self.state.borrow_mut().speech.prompt_at = Some(self.clock.monotonic());
        let mut utterances = self.screen_prompts().into_iter();
        if let Some(first) = utterances.next() {
            self.speech.say(first);
        }
        for next in utterances {
            self.speech.say_next(next);
        }
    }

    /// What the screen (or the speech settings over it) says when it opens.
    fn screen_prompts(&self) -> Vec<Utterance> {
        let s = self.state.borrow();
        if s.speech.settings_open {
            vec![Utterance::new(s.lang).prompt("speech-settings")]
        } else if s.screen == Screen::Welcome {
            Lang::offered()
                .map(|lang| Utterance::new(lang).prompt("welcome"))
                .collect()
        } else if s.screen == Screen::Activities
            && s.session
                .visit()
                .is_some_and(|v| v.profile.gets_social_services())
        {
            // An elderly person's list is of special social services, not a programme.
            vec![Utterance::new(s.lang).prompt("social-services")]
        } else {
            vec![Utterance::new(s.lang).prompt(screen_id(s.screen))]
        }
    }

    fn focused(&self, spoken: &Spoken) {
        self.state.borrow_mut().focused_label = spoken.label.to_string();
        if !self.speaking() {
            return;
        }
        let description = self.describe(spoken);
        // A panel or screen that puts the focus on its first control as it opens must not cut
        // its own prompt short.
        let just_prompted = self
            .state
            .borrow()
            .speech
            .prompt_at
            .is_some_and(|at| self.clock.monotonic().saturating_sub(at) < PROMPT_GRACE);
        if just_prompted {
            self.speech.say_next(description);
        } else {
            self.speech.say(description);
        }
    }

    /// A control's label, role and state; a digit key of the IIN or code keypad is named only
    /// in headphones (the digit a person goes to is the digit they type).
    fn describe(&self, spoken: &Spoken) -> Utterance {
        let (lang, screen) = {
            let s = self.state.borrow();
            (s.lang, s.screen)
        };
        let one_char = spoken.label.chars().count() == 1;
        let digit_key = matches!(
            screen,
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
            screen,
            Screen::Email | Screen::Describe | Screen::CatalogueSearch
        ) && one_char;
        if letter_key && !self.speech.private() {
            return Utterance::new(lang).text(lang.word(Word::KeyboardKey));
        }
        if digit_key && !self.speech.private() {
            let first_time = !std::mem::replace(
                &mut self.state.borrow_mut().speech.told_digits_private,
                true,
            );
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

    /// "Touch to hear": while Help is held, a touch says what is under the finger.
    fn touched(&self, spoken: &Spoken) {
        self.state.borrow_mut().speech.explored = true;
        self.speech.say(self.describe(spoken));
    }

    fn announce(&self, text: &str) {
        if self.speaking() {
            self.speech.say_next(Utterance::new(self.lang()).text(text));
        }
    }

    /// Help down: speech comes on, and touches describe instead of pressing. Help up without
    /// a touch: the screen's prompt again.
    pub(super) fn help(&self, pressed: bool) {
        let lang = self.lang();
        if pressed {
            let (was_speaking, hinted) = {
                let mut s = self.state.borrow_mut();
                let was = s.speech.enabled;
                s.speech.enabled = true;
                s.speech.exploring = true;
                s.speech.explored = false;
                let hinted = std::mem::replace(&mut s.speech.told_explore, true);
                // What this press starts saying is worth hearing out on release.
                s.speech.append_on_release = !was || !hinted;
                (was, hinted)
            };
            if !was_speaking {
                self.speech.say(Utterance::new(lang).prompt("speech-on"));
            }
            // The first time in a visit, how to explore the screen by touch.
            if !hinted {
                self.speech.say_next(Utterance::new(lang).prompt("explore"));
            }
            return;
        }
        let (was_exploring, explored, keep_what_is_said) = {
            let mut s = self.state.borrow_mut();
            let was = std::mem::replace(&mut s.speech.exploring, false);
            let keep = std::mem::replace(&mut s.speech.append_on_release, false);
            (was, s.speech.explored, keep)
        };
        if !was_exploring || explored {
            return;
        }
        // A quick tap must not cut "speech is on" or the touch hint short.
        if keep_what_is_said {
            for next in self.screen_prompts() {
                self.speech.say_next(next);
            }
        } else {
            self.say_screen();
        }
    }

    pub(super) fn toggle_speech(&self) {
        let now_on = {
            let mut s = self.state.borrow_mut();
            s.speech.enabled = !s.speech.enabled;
            if !s.speech.enabled {
                s.speech.screen_off = false;
            }
            s.speech.enabled
        };
        let lang = self.lang();
        if now_on {
            self.speech.say(Utterance::new(lang).prompt("speech-on"));
            for next in self.screen_prompts() {
                self.speech.say_next(next);
            }
        } else {
            self.speech.say(Utterance::new(lang).prompt("speech-off"));
        }
    }

    fn open_speech_settings(&self) {
        // The button that opened the panel gives up the focus while it still can (controls
        // behind a panel do not take part in focus changes).
        if let Some(app) = self.app.upgrade() {
            app.invoke_focus_root();
        }
        self.state.borrow_mut().speech.settings_open = true;
        self.say_screen();
    }

    pub(super) fn close_speech_settings(&self) {
        self.state.borrow_mut().speech.settings_open = false;
        if let Some(app) = self.app.upgrade() {
            app.invoke_focus_root();
        }
    }

    fn change_settings(&self, change: impl FnOnce(&mut komek_kiosk_core::speech::Settings)) {
        let settings = {
            let mut s = self.state.borrow_mut();
            change(&mut s.speech.settings);
            s.speech.settings
        };
        self.speech.set(settings);
        if self.speaking() {
            // A short sound at the new volume and speed, so the change can be heard.
            self.speech
                .say(Utterance::new(self.lang()).tone(Tone::Digit));
        }
    }

    /// After a key of the keypad or keyboard: the digit or letter itself only in headphones,
    /// a tone otherwise; a low tone when the field was full or the key not allowed.
    pub(super) fn key_feedback(&self, digit: Option<&str>, typed: bool) {
        if !self.speaking() {
            return;
        }
        let utterance = Utterance::new(self.lang());
        let utterance = match digit {
            _ if !typed => utterance.tone(Tone::Refused),
            Some(d) if self.speech.private() => utterance.text(d),
            _ => utterance.tone(Tone::Digit),
        };
        self.speech.say(utterance);
    }

    pub(super) fn erase_feedback(&self, erased: bool) {
        if self.speaking() {
            let tone = if erased { Tone::Erase } else { Tone::Refused };
            self.speech.say(Utterance::new(self.lang()).tone(tone));
        }
    }

    pub(super) fn warning_started(&self) {
        if self.speaking() {
            self.speech
                .say(Utterance::new(self.lang()).prompt("idle-warning"));
        }
    }

    /// Headphones plugged in turn speech on (the person has come to listen); unplugging
    /// leaves it as it is.
    pub(super) fn check_headphones(&self) {
        let private = self.speech.private();
        let turn_on = {
            let mut s = self.state.borrow_mut();
            // Only plugging in counts: a headset that was in when the kiosk started (or that
            // hangs there plugged in) does not turn speech on for everyone.
            let plugged_in = s.speech.headphones == Some(false) && private;
            s.speech.headphones = Some(private);
            plugged_in && !s.speech.enabled
        };
        if turn_on {
            self.toggle_speech();
        }
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
}
