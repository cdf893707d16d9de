//! Are headphones plugged in? ALSA reports the jack of most sound cards as a boolean control
//! named "Headphone Jack". Where it does not, the operator says how the kiosk is fitted.

use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HeadphonePolicy {
    /// Read the jack from ALSA; unknown counts as the loudspeaker.
    #[default]
    Detect,
    /// The kiosk has only a headset: speech is always private.
    Always,
    /// The kiosk has only a loudspeaker.
    Never,
}

impl FromStr for HeadphonePolicy {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "detect" => Ok(HeadphonePolicy::Detect),
            "always" => Ok(HeadphonePolicy::Always),
            "never" => Ok(HeadphonePolicy::Never),
            other => Err(format!(
                "{other:?}: use detect, always (headset only) or never (loudspeaker only)"
            )),
        }
    }
}

pub(super) struct Jack {
    policy: HeadphonePolicy,
}

impl Jack {
    pub fn new(policy: HeadphonePolicy) -> Self {
        Jack { policy }
    }

    /// Some(true) when headphones are known to be in, Some(false) when known to be out.
    pub fn headphones(&self) -> Option<bool> {
        match self.policy {
            HeadphonePolicy::Always => Some(true),
            HeadphonePolicy::Never => Some(false),
            HeadphonePolicy::Detect => read_jack("hw:0", "Headphone Jack"),
        }
    }
}

fn read_jack(card: &str, name: &str) -> Option<bool> {
    // With no card alsa-lib complains on stderr twice a second; its handler here is silent.
    let _quiet_alsa = alsa::Output::local_error_handler().ok();
    let hctl = alsa::hctl::HCtl::new(card, false).ok()?;
    hctl.load().ok()?;
    for elem in hctl.elem_iter() {
        let id = elem.get_id().ok()?;
        if id.get_name().ok()? == name {
            return elem.read().ok()?.get_boolean(0);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policies_parse_and_fixed_ones_answer_without_hardware() {
        assert_eq!("always".parse(), Ok(HeadphonePolicy::Always));
        assert!("sometimes".parse::<HeadphonePolicy>().is_err());
        assert_eq!(Jack::new(HeadphonePolicy::Always).headphones(), Some(true));
        assert_eq!(Jack::new(HeadphonePolicy::Never).headphones(), Some(false));
        // No card named hw:99 exists anywhere: unknown, and no panic.
        assert_eq!(read_jack("hw:99", "Headphone Jack"), None);
    }
}
