//! What a key does. Every key comes here first (from the window's key handler): the tactile
//! functions are mapped from configurable keys, digits type into the IIN and the code, and
//! keys left alone (Tab, Return on a button) go on to the focused control.

use slint::platform::Key;

use super::Inner;
use super::keys::Tactile;
use crate::Screen;

impl Inner {
    /// Handles a key going down (`pressed`) or up; returns whether it was used.
    pub(super) fn key(&self, text: &str, pressed: bool) -> bool {
        if self.synthetic_key.get() {
            return false;
        }
        if pressed {
            self.input();
        }
        match self.keys.function(text) {
            Some(Tactile::Help) => {
                self.help(pressed);
                true
            }
            // Released keys of the tactile functions have done their work on the way down.
            Some(_) if !pressed => true,
            Some(function) => {
                self.tactile(function);
                true
            }
            None if pressed => self.typing_key(text),
            None => false,
        }
    }

    fn tactile(&self, function: Tactile) {
        let warning = self.state.borrow().session.is_warning();
        match function {
            Tactile::Up => self.move_focus(false),
            Tactile::Down => self.move_focus(true),
            Tactile::Enter => {
                // Whatever key stands for Enter, the focused control receives a Return.
                if let Some(app) = self.app.upgrade() {
                    self.send_key(&app, Key::Return.into());
                }
            }
            Tactile::Back => {
                if warning {
                    // Any key already extended the session (input above); nothing more to do.
                } else if self.state.borrow().sign.open {
                    self.close_sign_panel();
                } else if self.state.borrow().speech.settings_open {
                    self.close_speech_settings();
                } else {
                    self.back();
                }
            }
            Tactile::Speech => self.toggle_speech(),
            Tactile::Help => {}
        }
    }

    /// Digits and Backspace on the IIN and code screens, from a keyboard or a USB keypad.
    fn typing_key(&self, text: &str) -> bool {
        let screen = self.state.borrow().screen;
        let is_digit = text.len() == 1 && text.bytes().all(|b| b.is_ascii_digit());
        let backspace: slint::SharedString = Key::Backspace.into();
        match screen {
            Screen::Iin if is_digit => self.iin_digit(text),
            Screen::Iin if text == backspace.as_str() => self.iin_erase(),
            Screen::Code if is_digit => self.code_digit(text),
            Screen::Code if text == backspace.as_str() => self.code_erase(),
            _ => return false,
        }
        true
    }
}
