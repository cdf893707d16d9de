//! Reporting a technical failure (Rules item 15) and reading one's reports back: the problem,
//! a phone to call back on, the picture of the screen and the kiosk's technical report as
//! attachments; the report is queued like every action. The list shows each deadline in
//! Astana working time and whether it was met.

use std::rc::Rc;

use komek_domain::FailureProblem;
use slint::ComponentHandle;

use super::render::{SHOWN_CHARS, int};
use super::state::{State, page_count, requests_per_page};
use super::{Inner, Update, act, format, models, turn_page, type_digit, with};
use crate::{
    AppWindow, DeadlineRow, Problem, ReportAdapter, RequestRow, SaveProblem, Screen, SlaStep,
    SlaVerdict,
};
use chrono::{DateTime, Utc};
use komek_kiosk_core::core::{AnonymousReportError, Core, FailureReport, FailureRequestView};
use komek_kiosk_core::store::kiosk_reference;
use komek_kiosk_core::text_entry::TextEntry;
use uuid::Uuid;

/// A technical-failure report being written, and the person's reports as last fetched.
#[derive(Default)]
pub struct ReportState {
    pub problem: Option<Problem>,
    /// The person's own words, typed on the keyboard.
    pub description: String,
    /// Digits typed after +7.
    pub phone: String,
    pub phone_incomplete: bool,
    /// Sent without a login and without a phone: the contact centre could not answer.
    pub phone_needed: bool,
    /// A picture of the screen the person was on when they chose to report (PNG).
    pub screenshot: Option<Vec<u8>>,
    pub attach_screen: bool,
    pub attach_diagnostics: bool,
    pub save_problem: SaveProblem,
    pub requests: Vec<FailureRequestView>,
    pub page: usize,
    pub loading: bool,
    pub offline: bool,
    /// The kiosk reference of a report just queued.
    pub just_saved: Option<Uuid>,
}

/// What the person did on the report and its list, and what came back.
pub enum Msg {
    /// "Report a problem", with the picture of the screen the person was on.
    Open(Option<Vec<u8>>),
    /// "My requests", after a report just saved or not.
    OpenRequests(Option<Uuid>),
    Choose(Problem),
    PhoneDigit(String),
    PhoneErase,
    ToggleScreen,
    ToggleDiagnostics,
    Describe,
    /// Back from the keyboard with the words typed.
    Described(String),
    Send,
    Queued(Result<Uuid, SaveProblem>),
    Fetched(Option<Vec<FailureRequestView>>),
    NextPage,
    PreviousPage,
    Back,
}

/// What the report needs of the rest of the kiosk.
#[derive(Clone, Copy)]
pub struct Context {
    pub logged_in: bool,
    /// Reports per page at the person's text size.
    pub per_page: usize,
}

/// A report that passed its checks, ready to be queued.
pub struct Checked {
    problem: Problem,
    contact_phone: Option<String>,
}

/// What the bridge does for the report.
pub enum Effect {
    Show(Screen),
    /// A keypad digit typed (`Some`) or refused (`None`).
    Typed(Option<String>),
    Erased(bool),
    /// The keyboard opens on the words typed so far.
    EditDescription(String),
    Queue(Checked),
    /// Fetch the person's reports from the gateway.
    Fetch,
    OpenRequests(Uuid),
}

/// The longest number typed after +7.
const PHONE_DIGITS: usize = 10;

impl ReportState {
    /// A new report: the technical report attached (it holds nothing personal), the picture
    /// of the screen not (it may show the person's data) until the person says so.
    pub fn new(screenshot: Option<Vec<u8>>) -> Self {
        ReportState {
            screenshot,
            attach_diagnostics: true,
            ..ReportState::default()
        }
    }

    pub fn update(&mut self, msg: Msg, cx: Context) -> Vec<Effect> {
        match msg {
            Msg::Open(picture) => {
                *self = ReportState::new(picture);
                vec![Effect::Show(Screen::Report)]
            }
            Msg::OpenRequests(just_saved) => {
                // Without a login there is no list to fetch, only the report just saved.
                self.loading = cx.logged_in;
                self.offline = false;
                self.page = 0;
                if just_saved.is_some() {
                    self.just_saved = just_saved;
                }
                let mut effects = vec![Effect::Show(Screen::Requests)];
                if cx.logged_in {
                    effects.push(Effect::Fetch);
                }
                effects
            }
            Msg::Choose(problem) => {
                self.problem = Some(problem);
                Vec::new()
            }
            Msg::PhoneDigit(digit) => {
                self.phone_incomplete = false;
                self.phone_needed = false;
                let typed = type_digit(&mut self.phone, &digit, PHONE_DIGITS);
                vec![Effect::Typed(typed.then_some(digit))]
            }
            Msg::PhoneErase => {
                self.phone_incomplete = false;
                self.phone_needed = false;
                vec![Effect::Erased(self.phone.pop().is_some())]
            }
            Msg::ToggleScreen => {
                self.attach_screen = !self.attach_screen && self.screenshot.is_some();
                Vec::new()
            }
            Msg::ToggleDiagnostics => {
                self.attach_diagnostics = !self.attach_diagnostics;
                Vec::new()
            }
            Msg::Describe => vec![Effect::EditDescription(self.description.clone())],
            // Words alone make the problem "another one".
            Msg::Described(words) => {
                self.description = words.trim().to_string();
                if self.problem.is_none() && !self.description.is_empty() {
                    self.problem = Some(Problem::Other);
                }
                vec![Effect::Show(Screen::Report)]
            }
            Msg::Send => self
                .checked(cx.logged_in)
                .map(Effect::Queue)
                .into_iter()
                .collect(),
            Msg::Queued(Ok(id)) => {
                // Without a login the saved report says which phone will be called.
                let phone = if cx.logged_in {
                    String::new()
                } else {
                    std::mem::take(&mut self.phone)
                };
                *self = ReportState {
                    phone,
                    ..ReportState::default()
                };
                vec![Effect::OpenRequests(id)]
            }
            Msg::Queued(Err(problem)) => {
                self.save_problem = problem;
                Vec::new()
            }
            Msg::Fetched(requests) => {
                self.loading = false;
                match requests {
                    Some(requests) => {
                        self.offline = false;
                        self.requests = requests;
                    }
                    None => self.offline = true,
                }
                Vec::new()
            }
            Msg::NextPage => {
                turn_page(&mut self.page, true, self.requests.len(), cx.per_page);
                Vec::new()
            }
            Msg::PreviousPage => {
                turn_page(&mut self.page, false, 0, cx.per_page);
                Vec::new()
            }
            // Without a login the report was opened from the IIN screen.
            Msg::Back => vec![Effect::Show(if cx.logged_in {
                Screen::Activities
            } else {
                Screen::Iin
            })],
        }
    }

    /// The report to queue, or None with the reason on screen.
    fn checked(&mut self, logged_in: bool) -> Option<Checked> {
        let problem = self.problem?;
        let contact_phone = match self.phone.len() {
            // Without a login the phone is the only way back to the person.
            0 if !logged_in => {
                self.phone_needed = true;
                return None;
            }
            0 => None,
            PHONE_DIGITS => Some(format!("+7{}", self.phone)),
            _ => {
                self.phone_incomplete = true;
                return None;
            }
        };
        Some(Checked {
            problem,
            contact_phone,
        })
    }

    /// The portal's request for `checked`, with what the person chose to attach.
    fn to_send(&self, checked: Checked) -> FailureReport<'_> {
        FailureReport {
            problem: problem_to_domain(checked.problem),
            description: self.description.clone(),
            contact_phone: checked.contact_phone,
            screenshot_png: self.screenshot.as_deref().filter(|_| self.attach_screen),
            with_diagnostics: self.attach_diagnostics,
        }
    }
}

/// A fetch of the person's reports that died: the list stops loading and says it is offline.
fn interrupted(state: &mut State) {
    state.report.loading = false;
    state.report.offline = true;
}

pub(super) fn wire(app: &AppWindow, inner: &Rc<Inner>) {
    let report = app.global::<ReportAdapter>();
    report.on_open_report(act(inner, |i| {
        // The picture is taken first, of the screen the person was on.
        let picture = i.app.upgrade().and_then(|app| screen_picture(&app));
        i.report(Msg::Open(picture));
    }));
    report.on_open_requests(act(inner, |i| i.report(Msg::OpenRequests(None))));
    report.on_choose(with(inner, |i, problem: Problem| {
        i.report(Msg::Choose(problem))
    }));
    report.on_phone_digit(with(inner, |i, d: slint::SharedString| {
        i.report(Msg::PhoneDigit(d.into()))
    }));
    report.on_phone_erase(act(inner, |i| i.report(Msg::PhoneErase)));
    report.on_toggle_attach_screen(act(inner, |i| i.report(Msg::ToggleScreen)));
    report.on_toggle_attach_diagnostics(act(inner, |i| i.report(Msg::ToggleDiagnostics)));
    report.on_send(act(inner, |i| i.report(Msg::Send)));
    report.on_describe(act(inner, |i| i.report(Msg::Describe)));
    report.on_description_done(act(inner, |i| i.description_done()));
    report.on_next_page(act(inner, |i| i.report(Msg::NextPage)));
    report.on_previous_page(act(inner, |i| i.report(Msg::PreviousPage)));
}

impl Inner {
    /// Hands `msg` to the report and carries out what it asks for.
    pub(super) fn report(&self, msg: Msg) {
        let effects = {
            let mut s = self.state.borrow_mut();
            let cx = Context {
                logged_in: s.session.visit().is_some(),
                per_page: requests_per_page(s.text_size),
            };
            s.report.update(msg, cx)
        };
        for effect in effects {
            match effect {
                Effect::Show(screen) => self.show(screen),
                Effect::Typed(digit) => self.key_feedback(digit.as_deref(), digit.is_some()),
                Effect::Erased(erased) => self.erase_feedback(erased),
                Effect::EditDescription(words) => {
                    {
                        let mut s = self.state.borrow_mut();
                        s.entry = TextEntry::free_text(&words, s.lang);
                    }
                    self.show(Screen::Describe);
                }
                Effect::Queue(checked) => {
                    let queued = {
                        let s = self.state.borrow();
                        let report = s.report.to_send(checked);
                        self.core
                            .queue_failure_report(s.session.visit(), report, self.clock.now())
                    };
                    self.report(Msg::Queued(queued.map_err(|e| {
                        tracing::error!(error = %e, "failure report could not be saved");
                        match &e {
                            AnonymousReportError::Store(e) => super::save_problem(e),
                            // The phone was checked above; a gap here is a fault of the kiosk.
                            AnonymousReportError::NoPhone => SaveProblem::Failed,
                        }
                    })));
                }
                Effect::Fetch => {
                    let Some((token, acting_for)) = self.state.borrow().session.visit().map(|v| {
                        (
                            Core::session_token(v),
                            v.acting_for.as_ref().map(|p| p.iin.digits()),
                        )
                    }) else {
                        continue;
                    };
                    let core = self.core.clone();
                    self.spawn(interrupted, async move {
                        let found = core
                            .failure_requests_by_token(&token, acting_for.as_deref())
                            .await;
                        Update::Report(Msg::Fetched(found))
                    });
                }
                Effect::OpenRequests(id) => self.report(Msg::OpenRequests(Some(id))),
            }
        }
    }

    /// Back on the report with the words typed on the keyboard (Done, or Back: nothing typed
    /// is lost).
    pub(super) fn description_done(&self) {
        let words = self.state.borrow().entry.text.clone();
        self.report(Msg::Described(words));
    }
}

/// The picture of what the window shows now, as PNG; None where the renderer cannot give one.
fn screen_picture(app: &AppWindow) -> Option<Vec<u8>> {
    let pixels = app.window().take_snapshot().ok()?;
    let mut png = Vec::new();
    let mut encoder = png::Encoder::new(&mut png, pixels.width(), pixels.height());
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().ok()?;
    writer.write_image_data(pixels.as_bytes()).ok()?;
    writer.finish().ok()?;
    Some(png)
}

/// The screen's problem buttons and the domain's problems, one for one.
fn problem_to_domain(p: Problem) -> FailureProblem {
    match p {
        Problem::CodeNotReceived => FailureProblem::CodeNotReceived,
        Problem::CannotLogIn => FailureProblem::CannotLogIn,
        Problem::ProgrammeNotShown => FailureProblem::ProgrammeNotShown,
        Problem::ApplicationNotAccepted => FailureProblem::ApplicationNotAccepted,
        Problem::WrongDataShown => FailureProblem::WrongDataShown,
        Problem::KioskNotWorking => FailureProblem::KioskNotWorking,
        Problem::Other => FailureProblem::Other,
    }
}

fn problem_on_screen(p: FailureProblem) -> Problem {
    match p {
        FailureProblem::CodeNotReceived => Problem::CodeNotReceived,
        FailureProblem::CannotLogIn => Problem::CannotLogIn,
        FailureProblem::ProgrammeNotShown => Problem::ProgrammeNotShown,
        FailureProblem::ApplicationNotAccepted => Problem::ApplicationNotAccepted,
        FailureProblem::WrongDataShown => Problem::WrongDataShown,
        FailureProblem::KioskNotWorking => Problem::KioskNotWorking,
        FailureProblem::Other => Problem::Other,
    }
}

/// Two failure requests show the same (their deadlines compared by content).
fn same_request(a: &RequestRow, b: &RequestRow) -> bool {
    let without_deadlines = |r: &RequestRow| RequestRow {
        deadlines: Default::default(),
        ..r.clone()
    };
    without_deadlines(a) == without_deadlines(b) && models::same_rows(&a.deadlines, &b.deadlines)
}

/// The report being written and the person's reports, as the adapter shows them.
pub(super) fn render(app: &AppWindow, state: &State, now: DateTime<Utc>) {
    use komek_domain::failure_sla::{Step, Verdict};
    let r = &state.report;
    let report = app.global::<ReportAdapter>();
    report.set_has_problem(r.problem.is_some());
    report.set_description(r.description.as_str().into());
    report.set_description_shown(format::head(&r.description, SHOWN_CHARS).into());
    if let Some(problem) = r.problem {
        report.set_problem(problem);
    }
    report.set_phone_display(format::phone_groups(&r.phone).into());
    report.set_phone_length(int(r.phone.len()));
    report.set_phone_incomplete(r.phone_incomplete);
    report.set_phone_needed(r.phone_needed);
    report.set_anonymous(state.session.visit().is_none());
    report.set_can_attach_screen(r.screenshot.is_some());
    report.set_attach_screen(r.attach_screen);
    report.set_attach_diagnostics(r.attach_diagnostics);
    report.set_save_problem(r.save_problem);
    report.set_loading(r.loading);
    report.set_offline(r.offline);
    report.set_just_saved(r.just_saved.map(kiosk_reference).unwrap_or_default().into());
    let per_page = requests_per_page(state.text_size);
    report.set_page(int(r.page));
    report.set_page_count(int(page_count(r.requests.len(), per_page)));
    let rows: Vec<RequestRow> = r
        .requests
        .iter()
        .skip(r.page * per_page)
        .take(per_page)
        .map(|view| RequestRow {
            reference: view.reference.clone().into(),
            problem: problem_on_screen(view.problem),
            received: komek_domain::astana::time_text(view.received_at).into(),
            closed: view.closed,
            deadlines: models::fixed(
                view.deadlines
                    .iter()
                    .map(|d| DeadlineRow {
                        step: match d.step {
                            Step::Registration => SlaStep::Registration,
                            Step::Analysis => SlaStep::Analysis,
                            Step::Escalation => SlaStep::Escalation,
                            Step::DecisionNotice => SlaStep::DecisionNotice,
                            Step::FixStart => SlaStep::FixStart,
                            Step::FixNotice => SlaStep::FixNotice,
                        },
                        due: komek_domain::astana::time_text(d.due).into(),
                        verdict: match d.verdict(now) {
                            Verdict::Met => SlaVerdict::Met,
                            Verdict::MissedDoneLate => SlaVerdict::Late,
                            Verdict::Overdue => SlaVerdict::Overdue,
                            Verdict::Pending => SlaVerdict::Pending,
                        },
                    })
                    .collect(),
            ),
        })
        .collect();
    models::sync_by(report.get_requests(), rows, same_request, |m| {
        report.set_requests(m)
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANONYMOUS: Context = Context {
        logged_in: false,
        per_page: 2,
    };
    const LOGGED_IN: Context = Context {
        logged_in: true,
        per_page: 2,
    };

    fn type_phone(report: &mut ReportState, digits: &str) {
        for d in digits.chars() {
            report.update(Msg::PhoneDigit(d.to_string()), ANONYMOUS);
        }
    }

    #[test]
    fn without_a_login_a_report_needs_a_whole_phone_to_call_back_on() {
        let mut report = ReportState::new(None);
        assert!(
            report.update(Msg::Send, ANONYMOUS).is_empty(),
            "no problem chosen"
        );
        report.update(Msg::Choose(Problem::CannotLogIn), ANONYMOUS);
        assert!(report.update(Msg::Send, ANONYMOUS).is_empty());
        assert!(report.phone_needed);
        type_phone(&mut report, "70512345");
        assert!(!report.phone_needed, "typing clears the warning");
        assert!(report.update(Msg::Send, ANONYMOUS).is_empty());
        assert!(report.phone_incomplete);
        type_phone(&mut report, "679");
        assert_eq!(report.phone, "7051234567", "an eleventh digit is refused");
        let sent = report.update(Msg::Send, ANONYMOUS);
        assert!(matches!(
            sent.as_slice(),
            [Effect::Queue(Checked { contact_phone: Some(p), .. })] if p == "+77051234567"
        ));
    }

    #[test]
    fn the_picture_goes_only_when_the_person_says_so_and_the_technical_report_unless_they_refuse() {
        let mut report = ReportState::new(Some(vec![1, 2, 3]));
        report.update(Msg::Choose(Problem::KioskNotWorking), LOGGED_IN);
        let Some(Effect::Queue(checked)) = report.update(Msg::Send, LOGGED_IN).pop() else {
            panic!("a logged-in report needs no phone");
        };
        let sent = report.to_send(checked);
        assert!(sent.screenshot_png.is_none() && sent.with_diagnostics);

        report.update(Msg::ToggleScreen, LOGGED_IN);
        report.update(Msg::ToggleDiagnostics, LOGGED_IN);
        let Some(Effect::Queue(checked)) = report.update(Msg::Send, LOGGED_IN).pop() else {
            panic!("the report is sent");
        };
        let sent = report.to_send(checked);
        assert_eq!(sent.screenshot_png, Some(&[1, 2, 3][..]));
        assert!(!sent.with_diagnostics);

        let mut without = ReportState::new(None);
        without.update(Msg::ToggleScreen, LOGGED_IN);
        assert!(!without.attach_screen, "no picture to attach");
    }

    #[test]
    fn words_alone_make_another_problem_and_a_saved_report_opens_the_list() {
        let mut report = ReportState::new(None);
        report.update(Msg::Described("  the screen is dark \n".into()), LOGGED_IN);
        assert_eq!(report.description, "the screen is dark");
        assert_eq!(report.problem, Some(Problem::Other));

        report.update(Msg::Queued(Err(SaveProblem::DiskFull)), LOGGED_IN);
        assert_eq!(report.save_problem, SaveProblem::DiskFull);
        assert_eq!(
            report.description, "the screen is dark",
            "nothing typed is lost"
        );

        let saved = report.update(Msg::Queued(Ok(Uuid::nil())), LOGGED_IN);
        assert!(matches!(saved.as_slice(), [Effect::OpenRequests(_)]));
        assert!(report.description.is_empty() && report.problem.is_none());
        let opened = report.update(Msg::OpenRequests(Some(Uuid::nil())), LOGGED_IN);
        assert!(matches!(
            opened.as_slice(),
            [Effect::Show(Screen::Requests), Effect::Fetch]
        ));
        assert!(report.loading);
        report.update(Msg::Fetched(None), LOGGED_IN);
        assert!(!report.loading && report.offline);
    }

    #[test]
    fn an_anonymous_report_keeps_its_phone_and_fetches_no_list() {
        let mut report = ReportState::new(None);
        type_phone(&mut report, "7051234567");
        report.update(Msg::Queued(Ok(Uuid::nil())), ANONYMOUS);
        assert_eq!(report.phone, "7051234567");
        let opened = report.update(Msg::OpenRequests(Some(Uuid::nil())), ANONYMOUS);
        assert!(matches!(
            opened.as_slice(),
            [Effect::Show(Screen::Requests)]
        ));
        assert!(!report.loading);
        let back = report.update(Msg::Back, ANONYMOUS);
        assert!(matches!(back.as_slice(), [Effect::Show(Screen::Iin)]));
    }
}
