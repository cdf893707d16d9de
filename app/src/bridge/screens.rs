//! The table of screens: each screen's id, which names its speech prompt
//! (`assets/speech/prompts.toml`), its sign-language clip slot (`assets/sign/manifest.toml`)
//! and its pictures in the tour, and where Back goes from it. `back()`, the speech, the
//! sign-language panel and the tests read it here; adding a screen is adding its row.

use crate::Screen;

/// Where Back leads from a screen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Back {
    /// Nowhere: the screen is the start of its visit (welcome, the programme).
    Nowhere,
    /// Back from the first step ends the visit and wipes it.
    EndVisit,
    /// Straight to another screen.
    To(Screen),
    /// The screen's feature decides: it forgets what was typed, asks, or depends on how the
    /// screen was reached (see `Inner::back_within`).
    Own,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScreenEntry {
    pub id: &'static str,
    pub back: Back,
}

/// Every screen, in the order a visit meets them.
pub const ALL: [Screen; 25] = [
    Screen::Welcome,
    Screen::Iin,
    Screen::Code,
    Screen::CardPin,
    Screen::QrLogin,
    Screen::Principals,
    Screen::Offer,
    Screen::Activities,
    Screen::Activity,
    Screen::Review,
    Screen::Signing,
    Screen::Receipt,
    Screen::Account,
    Screen::Phone,
    Screen::Email,
    Screen::Report,
    Screen::Describe,
    Screen::Requests,
    Screen::Announcements,
    Screen::Catalogue,
    Screen::CatalogueList,
    Screen::CatalogueItem,
    Screen::CatalogueSearch,
    Screen::TechnicianSignIn,
    Screen::Technician,
];

pub fn entry(screen: Screen) -> ScreenEntry {
    let (id, back) = match screen {
        Screen::Welcome => ("welcome", Back::Nowhere),
        Screen::Iin => ("iin", Back::EndVisit),
        Screen::Code => ("code", Back::Own),
        Screen::CardPin => ("card-pin", Back::Own),
        Screen::QrLogin => ("qr-login", Back::Own),
        Screen::Principals => ("principals", Back::To(Screen::Activities)),
        Screen::Offer => ("offer", Back::Own),
        Screen::Activities => ("activities", Back::Nowhere),
        Screen::Activity => ("activity", Back::To(Screen::Activities)),
        Screen::Review => ("review", Back::Own),
        Screen::Signing => ("signing", Back::Own),
        Screen::Receipt => ("receipt", Back::To(Screen::Activities)),
        Screen::Account => ("account", Back::To(Screen::Activities)),
        Screen::Phone => ("phone", Back::Own),
        Screen::Email => ("email", Back::Own),
        Screen::Report => ("report", Back::Own),
        Screen::Describe => ("describe", Back::Own),
        Screen::Requests => ("requests", Back::Own),
        Screen::Announcements => ("announcements", Back::Own),
        Screen::Catalogue => ("catalogue", Back::Own),
        Screen::CatalogueList => ("catalogue-list", Back::Own),
        Screen::CatalogueItem => ("catalogue-item", Back::Own),
        Screen::CatalogueSearch => ("catalogue-search", Back::Own),
        Screen::TechnicianSignIn => ("technician-sign-in", Back::EndVisit),
        Screen::Technician => ("technician", Back::Nowhere),
    };
    ScreenEntry { id, back }
}

/// The screen's id: its prompt, its sign-language clip slot, its tour pictures.
pub fn screen_id(screen: Screen) -> &'static str {
    entry(screen).id
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_table_lists_every_screen_of_the_ui_once_with_its_own_id() {
        let types =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../ui/types.slint"))
                .unwrap_or_default();
        let declared = types
            .lines()
            .find_map(|l| l.trim().strip_prefix("export enum Screen {"))
            .map(|rest| {
                rest.trim_end_matches('}')
                    .split(',')
                    .filter(|v| !v.trim().is_empty())
                    .count()
            })
            .unwrap_or(0);
        assert_eq!(
            ALL.len(),
            declared,
            "ui/types.slint's Screen and ALL differ"
        );
        let ids: HashSet<&str> = ALL.iter().map(|s| screen_id(*s)).collect();
        assert_eq!(ids.len(), ALL.len(), "two screens share an id");
        let screens: HashSet<String> = ALL.iter().map(|s| format!("{s:?}")).collect();
        assert_eq!(screens.len(), ALL.len(), "a screen is listed twice");
    }

    #[test]
    fn back_never_leads_to_the_screen_itself() {
        for screen in ALL {
            assert_ne!(entry(screen).back, Back::To(screen), "{screen:?}");
        }
    }
}
