//! Tactile keys in the EZ Access manner: Up, Down, Enter, Back, Help and a speech toggle, each
//! mapped from configurable keys. USB keypads for blind users (Storm AudioNav and the like)
//! appear as keyboards, so a key is named as the keyboard reports it.

use slint::platform::Key;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tactile {
    Up,
    Down,
    Enter,
    Back,
    Help,
    Speech,
}

impl Tactile {
    pub const ALL: [Tactile; 6] = [
        Tactile::Up,
        Tactile::Down,
        Tactile::Enter,
        Tactile::Back,
        Tactile::Help,
        Tactile::Speech,
    ];

    fn name(self) -> &'static str {
        match self {
            Tactile::Up => "up",
            Tactile::Down => "down",
            Tactile::Enter => "enter",
            Tactile::Back => "back",
            Tactile::Help => "help",
            Tactile::Speech => "speech",
        }
    }
}

/// Which key does what. Parsed from e.g. `up=Up,Left;down=Down,Right;help=F1`; functions not
/// named keep their default keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyMap {
    keys: Vec<(Tactile, String)>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyMapError {
    #[error("unknown tactile function {0:?} (use up, down, enter, back, help, speech)")]
    UnknownFunction(String),
    #[error("unknown key {0:?} (use a name such as Up, Return, Escape, F1, or one character)")]
    UnknownKey(String),
    #[error("{0:?} should look like function=Key,Key")]
    Malformed(String),
}

/// The defaults: arrows, Return, Escape, F1 or "?" for Help, F2 for speech.
pub const DEFAULT_KEYS: &str =
    "up=Up,Left;down=Down,Right;enter=Return;back=Escape;help=F1,?;speech=F2";

impl Default for KeyMap {
    fn default() -> Self {
        let mut map = KeyMap { keys: Vec::new() };
        // The defaults are spelled in the same syntax an operator uses, and a unit test parses
        // them, so this cannot fail.
        let _ = map.apply(DEFAULT_KEYS);
        map
    }
}

impl std::str::FromStr for KeyMap {
    type Err = KeyMapError;

    fn from_str(spec: &str) -> Result<Self, Self::Err> {
        let mut map = KeyMap::default();
        map.apply(spec)?;
        Ok(map)
    }
}

impl KeyMap {
    fn apply(&mut self, spec: &str) -> Result<(), KeyMapError> {
        for entry in spec.split(';').map(str::trim).filter(|e| !e.is_empty()) {
            let (function, keys) = entry
                .split_once('=')
                .ok_or_else(|| KeyMapError::Malformed(entry.to_string()))?;
            let function = Tactile::ALL
                .into_iter()
                .find(|t| t.name() == function.trim().to_lowercase())
                .ok_or_else(|| KeyMapError::UnknownFunction(function.trim().to_string()))?;
            let texts = keys
                .split(',')
                .map(str::trim)
                .filter(|k| !k.is_empty())
                .map(key_text)
                .collect::<Result<Vec<_>, _>>()?;
            if texts.is_empty() {
                return Err(KeyMapError::Malformed(entry.to_string()));
            }
            self.keys.retain(|(t, _)| *t != function);
            self.keys
                .extend(texts.into_iter().map(|text| (function, text)));
        }
        Ok(())
    }

    /// The tactile function of a key event's text, if it has one.
    pub fn function(&self, key_text: &str) -> Option<Tactile> {
        self.keys
            .iter()
            .find(|(_, text)| text == key_text)
            .map(|(t, _)| *t)
    }

    /// A key that does `function` (what tests press).
    pub fn key_for(&self, function: Tactile) -> Option<&str> {
        self.keys
            .iter()
            .find(|(t, _)| *t == function)
            .map(|(_, text)| text.as_str())
    }
}

/// The text Slint gives a key event for the key named `name`.
fn key_text(name: &str) -> Result<String, KeyMapError> {
    let key = match name {
        "Up" => Key::UpArrow,
        "Down" => Key::DownArrow,
        "Left" => Key::LeftArrow,
        "Right" => Key::RightArrow,
        "Return" | "Enter" => Key::Return,
        "Escape" => Key::Escape,
        "Backspace" => Key::Backspace,
        "Tab" => Key::Tab,
        "Space" => Key::Space,
        "Home" => Key::Home,
        "End" => Key::End,
        "PageUp" => Key::PageUp,
        "PageDown" => Key::PageDown,
        "Insert" => Key::Insert,
        "Delete" => Key::Delete,
        "F1" => Key::F1,
        "F2" => Key::F2,
        "F3" => Key::F3,
        "F4" => Key::F4,
        "F5" => Key::F5,
        "F6" => Key::F6,
        "F7" => Key::F7,
        "F8" => Key::F8,
        "F9" => Key::F9,
        "F10" => Key::F10,
        "F11" => Key::F11,
        "F12" => Key::F12,
        other if other.chars().count() == 1 => return Ok(other.to_string()),
        other => return Err(KeyMapError::UnknownKey(other.to_string())),
    };
    Ok(slint::SharedString::from(key).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(key: Key) -> String {
        slint::SharedString::from(key).to_string()
    }

    #[test]
    fn defaults_map_the_arrows_return_escape_and_function_keys() {
        let map = KeyMap::default();
        assert_eq!(map.function(&text(Key::UpArrow)), Some(Tactile::Up));
        assert_eq!(map.function(&text(Key::RightArrow)), Some(Tactile::Down));
        assert_eq!(map.function(&text(Key::Return)), Some(Tactile::Enter));
        assert_eq!(map.function(&text(Key::Escape)), Some(Tactile::Back));
        assert_eq!(map.function(&text(Key::F1)), Some(Tactile::Help));
        assert_eq!(map.function("?"), Some(Tactile::Help));
        assert_eq!(map.function(&text(Key::F2)), Some(Tactile::Speech));
        assert_eq!(map.function("5"), None, "digits stay digits");
        for function in Tactile::ALL {
            assert!(map.key_for(function).is_some(), "{function:?} has a key");
        }
    }

    #[test]
    fn an_operator_remaps_some_functions_and_keeps_the_rest() {
        let map: KeyMap = "help=F5, h; enter=Space".parse().unwrap();
        assert_eq!(map.function(&text(Key::F5)), Some(Tactile::Help));
        assert_eq!(map.function("h"), Some(Tactile::Help));
        assert_eq!(map.function(&text(Key::F1)), None, "help no longer F1");
        assert_eq!(map.function(" "), Some(Tactile::Enter));
        assert_eq!(map.function(&text(Key::UpArrow)), Some(Tactile::Up));
    }

    #[test]
    fn mistakes_in_the_mapping_are_named() {
        assert_eq!(
            "jump=F1".parse::<KeyMap>(),
            Err(KeyMapError::UnknownFunction("jump".into()))
        );
        assert_eq!(
            "help=Hyper".parse::<KeyMap>(),
            Err(KeyMapError::UnknownKey("Hyper".into()))
        );
        assert_eq!(
            "help".parse::<KeyMap>(),
            Err(KeyMapError::Malformed("help".into()))
        );
    }
}
