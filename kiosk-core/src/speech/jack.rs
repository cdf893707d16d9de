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

pub(super) const CARD: &str = "hw:0";

impl Jack {
    pub fn new(policy: HeadphonePolicy) -> Self {
        Jack { policy }
    }

    /// Puts the loudspeaker in line with the headphones (see `speaker_wanted`).
    pub fn route(&self, headphones: Option<bool>) {
        if let Some(on) = speaker_wanted(self.policy, headphones)
            && let Err(e) = switch_speaker(CARD, on)
        {
            tracing::debug!(problem = %e, "loudspeaker not switched");
        }
    }

    /// Some(true) when headphones are known to be in, Some(false) when known to be out.
    pub fn headphones(&self) -> Option<bool> {
        match self.policy {
            HeadphonePolicy::Always => Some(true),
            HeadphonePolicy::Never => Some(false),
            HeadphonePolicy::Detect => read_jack(CARD, "Headphone Jack"),
        }
    }
}

/// Whether the loudspeaker should be on: off while headphones are known to be in, so speech
/// goes only to them; None leaves the mixer alone (nothing is known, or the kiosk is fitted
/// with only one of the two).
pub(super) fn speaker_wanted(policy: HeadphonePolicy, headphones: Option<bool>) -> Option<bool> {
    match (policy, headphones) {
        (HeadphonePolicy::Detect, Some(plugged_in)) => Some(!plugged_in),
        _ => None,
    }
}

/// Switches the sound card's "Speaker" playback on or off. Many cards mute it by themselves
/// when the jack is used; this makes sure on the ones that do not.
pub(super) fn switch_speaker(card: &str, on: bool) -> Result<(), String> {
    let _quiet_alsa = alsa::Output::local_error_handler().ok();
    let mixer = alsa::mixer::Mixer::new(card, false).map_err(|e| e.to_string())?;
    let speaker = mixer
        .find_selem(&alsa::mixer::SelemId::new("Speaker", 0))
        .ok_or_else(|| "no Speaker control".to_string())?;
    speaker
        .set_playback_switch_all(i32::from(on))
        .map_err(|e| e.to_string())
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
        assert!(switch_speaker("hw:99", false).is_err());
    }

    #[test]
    fn the_loudspeaker_is_off_exactly_while_headphones_are_known_to_be_in() {
        use HeadphonePolicy::*;
        assert_eq!(speaker_wanted(Detect, Some(true)), Some(false));
        assert_eq!(speaker_wanted(Detect, Some(false)), Some(true));
        assert_eq!(speaker_wanted(Detect, None), None, "unknown: left alone");
        assert_eq!(speaker_wanted(Always, Some(true)), None);
        assert_eq!(speaker_wanted(Never, Some(false)), None);
    }
}
