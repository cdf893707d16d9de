//! What a person reports as a technical failure of the portal (Rules item 2.13, item 15): one of
//! the common problems, picked instead of typed; "other" needs the person's own words.

/// The common problems a person can pick.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FailureProblem {
    CodeNotReceived,
    CannotLogIn,
    ProgrammeNotShown,
    ApplicationNotAccepted,
    WrongDataShown,
    KioskNotWorking,
    Other,
}
