//! What a key does. Every key comes here first (from the window's key handler): the tactile
//! functions are mapped from configurable keys, digits type into the IIN and the code, and
//! keys left alone (Tab, Return on a button) go on to the focused control.

use slint::platform::Key;

use super::Inner;
use super::account;
use super::card;
use super::keys::Tactile;
use super::login::Msg;
use super::report;
use super::signing;
use super::speaking;
use super::technician;
use crate::Screen;

impl Inner {
    /// Handles a key going down (`pressed`) or up, or repeating while held; returns whether it
    /// was used (an unused key goes on to the focused control).
    pub(super) fn key(&self, text: &str, pressed: bool, repeat: bool) -> bool {
        if self.synthetic_key.get() {
            return false;
        }
        let function = self.keys.function(text);
        // Only moving the focus repeats while a key is held: anything else would act again
        // and again (a held Back walking out of the visit, a held speech key flickering).
        if repeat && !matches!(function, Some(Tactile::Up | Tactile::Down)) {
            return true;
        }
        if pressed {
            let was_warning = self.state.borrow().session.is_warning();
            self.input();
            if was_warning {
                // The key's one job was to keep the session: it does nothing else.
                return true;
            }
        }
        match function {
            Some(function) => {
                self.tactile(function, pressed);
                true
            }
            None if pressed => self.typing_key(text),
            None => false,
        }
    }

    fn tactile(&self, function: Tactile, pressed: bool) {
        match (function, pressed) {
            (Tactile::Help, _) => {
                if !pressed {
                    self.chord_backs.set(0);
                }
                self.speak(speaking::Msg::Help { pressed })
            }
            // The other functions act on the way down.
            (_, false) => {}
            (Tactile::Up, true) => self.move_focus(false),
            (Tactile::Down, true) => self.move_focus(true),
            (Tactile::Enter, true) => {
                // Whatever key stands for Enter, the focused control receives a Return.
                if let Some(app) = self.app.upgrade() {
                    self.send_key(&app, Key::Return.into());
                }
            }
            (Tactile::Back, true) if self.service_chord() => {}
            (Tactile::Back, true) => {
                if self.state.borrow().sign.open {
                    self.sign(super::sign_video::Msg::Close);
                } else if self.state.borrow().speech.settings_open {
                    self.speak(speaking::Msg::CloseSettings);
                } else {
                    self.back();
                }
            }
            (Tactile::Speech, true) => self.speak(speaking::Msg::Toggle),
        }
    }

    /// Digits and Backspace on the IIN, code and report (phone) screens, from a keyboard or a
    /// USB keypad.
    fn typing_key(&self, text: &str) -> bool {
        let screen = self.state.borrow().screen;
        let is_digit = text.len() == 1 && text.bytes().all(|b| b.is_ascii_digit());
        let backspace: slint::SharedString = Key::Backspace.into();
        match screen {
            Screen::Iin if is_digit => self.login(Msg::IinDigit(text.into())),
            Screen::Iin if text == backspace.as_str() => self.login(Msg::IinErase),
            Screen::Code if is_digit => self.login(Msg::CodeDigit(text.into())),
            Screen::Code if text == backspace.as_str() => self.login(Msg::CodeErase),
            Screen::Report if is_digit => self.report(report::Msg::PhoneDigit(text.into())),
            Screen::Report if text == backspace.as_str() => self.report(report::Msg::PhoneErase),
            Screen::Phone if is_digit => self.account(account::Msg::Digit(text.into())),
            Screen::Phone if text == backspace.as_str() => self.account(account::Msg::Erase),
            Screen::Signing if is_digit => self.signing(signing::Msg::Digit(text.into())),
            Screen::Signing if text == backspace.as_str() => self.signing(signing::Msg::Erase),
            Screen::CardPin if is_digit => self.card(card::Msg::Digit(text.into())),
            Screen::CardPin if text == backspace.as_str() => self.card(card::Msg::Erase),
            Screen::TechnicianSignIn if is_digit => {
                self.technician(technician::Msg::Digit(text.into()))
            }
            Screen::TechnicianSignIn if text == backspace.as_str() => {
                self.technician(technician::Msg::Erase)
            }
            _ => return false,
        }
        true
    }
}
