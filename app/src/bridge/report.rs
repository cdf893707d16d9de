//! Reporting a technical failure (Rules item 15) and reading one's reports back: the problem,
//! a phone to call back on, the picture of the screen and the kiosk's technical report as
//! attachments; the report is queued like every action. The list shows each deadline in
//! Astana working time and whether it was met.

use std::rc::Rc;

use komek_api as api;
use slint::ComponentHandle;

use super::keyboard::TextEntry;
use super::render::{SHOWN_CHARS, int};
use super::state::{ReportState, State, page_count, requests_per_page};
use super::{Inner, Update, act, format, models, turn_page, type_digit, with};
use crate::{
    AppWindow, DeadlineRow, Problem, ReportAdapter, RequestRow, SaveProblem, Screen, SlaStep,
    SlaVerdict,
};
use chrono::{DateTime, Utc};
use komek_kiosk_core::core::{AnonymousReportError, FailureReport};
use komek_kiosk_core::store::kiosk_reference;

pub(super) fn wire(app: &AppWindow, inner: &Rc<Inner>) {
    let report = app.global::<ReportAdapter>();
    report.on_open_report(act(inner, |i| i.open_report()));
    report.on_open_requests(act(inner, |i| i.open_requests(None)));
    report.on_choose(with(inner, |i, problem: Problem| {
        i.state.borrow_mut().report.problem = Some(problem);
    }));
    report.on_phone_digit(with(inner, |i, d: slint::SharedString| i.phone_digit(&d)));
    report.on_phone_erase(act(inner, |i| i.phone_erase()));
    report.on_toggle_attach_screen(act(inner, |i| {
        let mut s = i.state.borrow_mut();
        s.report.attach_screen = !s.report.attach_screen && s.report.screenshot.is_some();
    }));
    report.on_toggle_attach_diagnostics(act(inner, |i| {
        let mut s = i.state.borrow_mut();
        s.report.attach_diagnostics = !s.report.attach_diagnostics;
    }));
    report.on_send(act(inner, |i| i.send_report()));
    report.on_describe(act(inner, |i| {
        let mut s = i.state.borrow_mut();
        s.entry = TextEntry::free_text(&s.report.description, s.lang);
        drop(s);
        i.show(Screen::Describe);
    }));
    report.on_description_done(act(inner, |i| i.description_done()));
    report.on_next_page(act(inner, |i| {
        let mut s = i.state.borrow_mut();
        let (rows, per_page) = (s.report.requests.len(), requests_per_page(s.text_size));
        turn_page(&mut s.report.page, true, rows, per_page);
    }));
    report.on_previous_page(act(inner, |i| {
        let mut s = i.state.borrow_mut();
        let per_page = requests_per_page(s.text_size);
        turn_page(&mut s.report.page, false, 0, per_page);
    }));
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

fn problem_to_wire(p: Problem) -> api::FailureProblem {
    match p {
        Problem::CodeNotReceived => api::FailureProblem::CodeNotReceived,
        Problem::CannotLogIn => api::FailureProblem::CannotLogIn,
        Problem::ProgrammeNotShown => api::FailureProblem::ProgrammeNotShown,
        Problem::ApplicationNotAccepted => api::FailureProblem::ApplicationNotAccepted,
        Problem::WrongDataShown => api::FailureProblem::WrongDataShown,
        Problem::KioskNotWorking => api::FailureProblem::KioskNotWorking,
        Problem::Other => api::FailureProblem::Other,
    }
}

pub(super) fn problem_from_wire(p: api::FailureProblem) -> Problem {
    match p {
        api::FailureProblem::CodeNotReceived => Problem::CodeNotReceived,
        api::FailureProblem::CannotLogIn => Problem::CannotLogIn,
        api::FailureProblem::ProgrammeNotShown => Problem::ProgrammeNotShown,
        api::FailureProblem::ApplicationNotAccepted => Problem::ApplicationNotAccepted,
        api::FailureProblem::WrongDataShown => Problem::WrongDataShown,
        api::FailureProblem::KioskNotWorking => Problem::KioskNotWorking,
        api::FailureProblem::Other => Problem::Other,
    }
}

impl Inner {
    /// Opens the report; the picture is taken first, of the screen the person was on.
    fn open_report(&self) {
        let picture = self.app.upgrade().and_then(|app| screen_picture(&app));
        self.state.borrow_mut().report = ReportState::new(picture);
        self.show(Screen::Report);
    }

    /// Shows the person's reports and fetches them again from the gateway.
    pub(super) fn open_requests(&self, just_saved: Option<uuid::Uuid>) {
        {
            let mut s = self.state.borrow_mut();
            // Without a login there is no list to fetch, only the report just saved.
            s.report.loading = s.session.visit().is_some();
            s.report.offline = false;
            s.report.page = 0;
            if just_saved.is_some() {
                s.report.just_saved = just_saved;
            }
        }
        self.show(Screen::Requests);
        let (token, acting_for) = match self.state.borrow().session.visit() {
            Some(visit) => (
                komek_kiosk_core::core::Core::session_token(visit),
                visit.acting_for.as_ref().map(|p| p.iin.digits()),
            ),
            None => return,
        };
        let core = self.core.clone();
        self.spawn(interrupted, async move {
            Update::FailureRequests(
                core.failure_requests_by_token(&token, acting_for.as_deref())
                    .await,
            )
        });
    }

    pub(super) fn phone_digit(&self, digit: &str) {
        let typed = {
            let mut s = self.state.borrow_mut();
            s.report.phone_incomplete = false;
            s.report.phone_needed = false;
            type_digit(&mut s.report.phone, digit, 10)
        };
        self.key_feedback(Some(digit).filter(|_| typed), typed);
    }

    pub(super) fn phone_erase(&self) {
        let erased = {
            let mut s = self.state.borrow_mut();
            s.report.phone_incomplete = false;
            s.report.phone_needed = false;
            s.report.phone.pop().is_some()
        };
        self.erase_feedback(erased);
    }

    /// Back on the report with the words typed; words alone make the problem "another one".
    pub(super) fn description_done(&self) {
        {
            let mut s = self.state.borrow_mut();
            s.report.description = s.entry.text.trim().to_string();
            if s.report.problem.is_none() && !s.report.description.is_empty() {
                s.report.problem = Some(Problem::Other);
            }
        }
        self.show(Screen::Report);
    }

    fn send_report(&self) {
        let queued = {
            let mut s = self.state.borrow_mut();
            let Some(problem) = s.report.problem else {
                return;
            };
            let description = s.report.description.clone();
            let anonymous = s.session.visit().is_none();
            let phone = match s.report.phone.len() {
                // Without a login the phone is the only way back to the person.
                0 if anonymous => {
                    s.report.phone_needed = true;
                    return;
                }
                0 => None,
                10 => Some(format!("+7{}", s.report.phone)),
                _ => {
                    s.report.phone_incomplete = true;
                    return;
                }
            };
            let report = &s.report;
            let report = FailureReport {
                problem: problem_to_wire(problem),
                description,
                contact_phone: phone,
                screenshot_png: report
                    .screenshot
                    .as_deref()
                    .filter(|_| report.attach_screen),
                with_diagnostics: report.attach_diagnostics,
            };
            self.core
                .queue_failure_report(s.session.visit(), report, self.clock.now())
        };
        match queued {
            Ok(id) => {
                let mut s = self.state.borrow_mut();
                // Without a login the saved report says which phone will be called.
                let phone = if s.session.visit().is_none() {
                    std::mem::take(&mut s.report.phone)
                } else {
                    String::new()
                };
                s.report = ReportState {
                    phone,
                    ..ReportState::default()
                };
                drop(s);
                self.open_requests(Some(id));
            }
            Err(e) => {
                tracing::error!(error = %e, "failure report could not be saved");
                self.state.borrow_mut().report.save_problem = match &e {
                    AnonymousReportError::Store(e) => super::save_problem(e),
                    // The phone was checked above; a gap here is a fault of the kiosk.
                    AnonymousReportError::NoPhone => SaveProblem::Failed,
                };
            }
        }
    }

    pub(super) fn apply_failure_requests(
        &self,
        requests: Option<Vec<komek_kiosk_core::core::FailureRequestView>>,
    ) {
        let mut s = self.state.borrow_mut();
        s.report.loading = false;
        match requests {
            Some(requests) => {
                s.report.offline = false;
                s.report.requests = requests;
            }
            None => s.report.offline = true,
        }
    }
}
/// A fetch of the person's reports that died: the list stops loading and says it is offline.
fn interrupted(state: &mut super::state::State) {
    state.report.loading = false;
    state.report.offline = true;
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
            problem: problem_from_wire(view.problem),
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
