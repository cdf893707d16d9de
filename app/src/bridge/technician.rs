//! Technician mode on the kiosk's own screen. Reached from the welcome screen by holding its
//! top-left corner for five seconds, or by pressing Back three times with Help held (nothing
//! shows either), opened with the technician's ID card and PIN (the card room does that login)
//! or their IIN and a code of their authenticator app; the gateway checks both (each code once,
//! only a technician of this kiosk's region). It shows the kiosk's state by section and the
//! parked actions by kiosk reference, never a person's data or a payload; it sends a parked
//! action again and downloads the catalogue again. It ends on "Exit", the card taken out, five
//! idle minutes (warned like a visit) or the gateway's session running out, and every step is
//! in the gateway's audit log under the technician; the closing step ends the session there.
//! [`TechnicianState::update`] is the room without a window, a gateway or a clock.

use std::rc::Rc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use slint::{ComponentHandle, SharedString};
use uuid::Uuid;

use super::render::{int, page};
use super::{Inner, Update, act, type_digit, with};
use crate::{
    AppWindow, ParkedLine, Screen, StatusItem, StatusLine, TechnicianAdapter, TechnicianNotice,
    TechnicianProblem, TechnicianSection,
};
use komek_domain::{Iin, IinError};
use komek_kiosk_core::core::LoginError;
use komek_kiosk_core::session::Timing;
use komek_kiosk_core::store::kiosk_reference;
use komek_kiosk_core::technician::{ClosedBy, KioskStatus, TechnicianSession, TechnicianStep};

/// How long the corner is held before the sign-in opens.
pub const CORNER_HOLD: Duration = Duration::from_secs(5);

/// Back pressed this many times while Help is held on the welcome screen opens the sign-in:
/// the way in on the tactile keys, for a technician who does not use the touchscreen.
pub const CHORD_BACKS: u8 = 3;

/// Technician mode ends after five idle minutes; the warning is up for the last 30 s.
pub const TIMING: Timing = Timing {
    warn_after: Duration::from_secs(270),
    end_after_warning: Duration::from_secs(30),
};

const CODE_LEN: usize = 6;

/// Parked actions on one page of the queue section, fewer at larger text.
fn parked_per_page(text_size: i32) -> usize {
    if text_size == 0 { 3 } else { 1 }
}

#[derive(Default)]
pub struct TechnicianState {
    pub iin: String,
    /// The authenticator's code: never shown, only its dots.
    pub code: String,
    pub busy: bool,
    pub problem: Option<TechnicianProblem>,
    pub session: Option<TechnicianSession>,
    /// Opened with the technician's card: taking it out ends the mode.
    pub by_card: bool,
    pub section: TechnicianSection,
    pub status: Option<KioskStatus>,
    pub round_trip: Option<Duration>,
    pub page: usize,
    pub notice: Option<(TechnicianNotice, String)>,
    pub demo_code: String,
}

pub enum Msg {
    Digit(String),
    Erase,
    Submit,
    Opened(Result<TechnicianSession, LoginError>),
    /// The technician's card and PIN opened the mode (the card room did the login).
    OpenedByCard(Box<TechnicianSession>),
    /// A card was taken out of a reader.
    CardRemoved,
    ShowSection(TechnicianSection),
    /// "Send again" on a row of the page shown.
    Retry {
        row: usize,
        text_size: i32,
    },
    Retried {
        reference: String,
        done: bool,
    },
    TurnPage {
        forward: bool,
        text_size: i32,
    },
    DownloadCatalogue,
    CatalogueDownloaded(bool),
    Status {
        status: Option<Box<KioskStatus>>,
        text_size: i32,
    },
    RoundTrip(Option<Duration>),
    DemoCode(String),
}

#[derive(Debug)]
pub enum Effect {
    /// A digit typed: the IIN's may be said in headphones, the code's only as a tone.
    Typed {
        digit: Option<String>,
        typed: bool,
    },
    Erased(bool),
    Open {
        iin: String,
        code: String,
    },
    Show(Screen),
    Record(TechnicianStep),
    Retry {
        id: Uuid,
        reference: String,
    },
    DownloadCatalogue,
    /// Read the kiosk's state again (and measure the round trip when `ping`).
    Refresh {
        ping: bool,
    },
    End(ClosedBy),
}

impl TechnicianState {
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Digit(digit) => {
                self.problem = None;
                let typed = !self.busy
                    && if self.iin.len() < Iin::LENGTH {
                        type_digit(&mut self.iin, &digit, Iin::LENGTH)
                    } else {
                        type_digit(&mut self.code, &digit, CODE_LEN)
                    };
                let in_iin = self.code.is_empty() && typed;
                vec![Effect::Typed {
                    digit: in_iin.then_some(digit),
                    typed,
                }]
            }
            Msg::Erase => {
                let erased = self.code.pop().or_else(|| self.iin.pop()).is_some();
                vec![Effect::Erased(erased)]
            }
            Msg::Submit if self.busy => Vec::new(),
            Msg::Submit => match self.submission() {
                Ok((iin, code)) => {
                    self.busy = true;
                    self.problem = None;
                    vec![Effect::Open { iin, code }]
                }
                Err(problem) => {
                    self.problem = Some(problem);
                    Vec::new()
                }
            },
            Msg::OpenedByCard(session) => {
                self.by_card = true;
                self.code.clear();
                self.open(*session)
            }
            Msg::CardRemoved if self.by_card && self.session.is_some() => {
                vec![Effect::End(ClosedBy::CardRemoved)]
            }
            Msg::CardRemoved => Vec::new(),
            Msg::Opened(opened) => {
                self.busy = false;
                self.code.clear();
                match opened {
                    Ok(session) => self.open(session),
                    Err(e) => {
                        self.problem = Some(match e {
                            LoginError::Offline => TechnicianProblem::Offline,
                            _ => TechnicianProblem::Refused,
                        });
                        Vec::new()
                    }
                }
            }
            Msg::ShowSection(section) => {
                self.section = section;
                self.notice = None;
                vec![Effect::Refresh {
                    ping: section == TechnicianSection::Network,
                }]
            }
            Msg::Retry { row, text_size } => {
                let per_page = parked_per_page(text_size);
                let chosen = self
                    .status
                    .as_ref()
                    .and_then(|s| s.queue.parked.get(self.page * per_page + row));
                match chosen {
                    Some(parked) if parked.has_payload => vec![Effect::Retry {
                        id: parked.id,
                        reference: kiosk_reference(parked.id),
                    }],
                    _ => Vec::new(),
                }
            }
            Msg::Retried { reference, done } => {
                let notice = if done {
                    TechnicianNotice::Retried
                } else {
                    TechnicianNotice::NotRetried
                };
                self.notice = Some((notice, reference));
                vec![Effect::Refresh { ping: false }]
            }
            Msg::TurnPage { forward, text_size } => {
                let rows = self.status.as_ref().map_or(0, |s| s.queue.parked.len());
                super::turn_page(&mut self.page, forward, rows, parked_per_page(text_size));
                Vec::new()
            }
            Msg::DownloadCatalogue if self.busy => Vec::new(),
            Msg::DownloadCatalogue => {
                self.busy = true;
                self.notice = None;
                vec![Effect::DownloadCatalogue]
            }
            Msg::CatalogueDownloaded(done) => {
                self.busy = false;
                if done {
                    self.notice = Some((TechnicianNotice::CatalogueDownloaded, String::new()));
                    vec![
                        Effect::Record(TechnicianStep::CatalogueDownloaded),
                        Effect::Refresh { ping: false },
                    ]
                } else {
                    self.notice = Some((TechnicianNotice::CatalogueFailed, String::new()));
                    Vec::new()
                }
            }
            Msg::Status { status, text_size } => {
                self.status = status.map(|s| *s);
                let rows = self.status.as_ref().map_or(0, |s| s.queue.parked.len());
                // A page past the last (the list shrank) goes back to the last.
                let pages = super::state::page_count(rows, parked_per_page(text_size));
                self.page = self.page.min(pages - 1);
                Vec::new()
            }
            Msg::RoundTrip(round_trip) => {
                self.round_trip = round_trip;
                Vec::new()
            }
            Msg::DemoCode(code) => {
                self.demo_code = code;
                Vec::new()
            }
        }
    }

    fn open(&mut self, session: TechnicianSession) -> Vec<Effect> {
        tracing::info!(technician = %session.technician_id, "technician mode opened");
        self.iin.clear();
        self.problem = None;
        self.session = Some(session);
        vec![
            Effect::Show(Screen::Technician),
            Effect::Record(TechnicianStep::Opened),
            Effect::Refresh { ping: true },
        ]
    }

    fn submission(&self) -> Result<(String, String), TechnicianProblem> {
        match Iin::parse(&self.iin) {
            Ok(_) => {}
            Err(IinError::WrongLength(_)) => return Err(TechnicianProblem::IinIncomplete),
            Err(_) => return Err(TechnicianProblem::IinInvalid),
        }
        if self.code.len() < CODE_LEN {
            return Err(TechnicianProblem::CodeIncomplete);
        }
        Ok((self.iin.clone(), self.code.clone()))
    }
}

/// What a failed background task leaves: the sign-in and the catalogue stop waiting.
pub(super) fn interrupted(state: &mut super::state::State) {
    let t = &mut state.technician;
    if std::mem::take(&mut t.busy) {
        if t.session.is_none() {
            t.problem = Some(TechnicianProblem::Failed);
        } else {
            t.notice = Some((TechnicianNotice::CatalogueFailed, String::new()));
        }
    }
}

pub(super) fn wire(app: &AppWindow, inner: &Rc<Inner>) {
    let adapter = app.global::<TechnicianAdapter>();
    adapter.on_digit(with(inner, |i, d: SharedString| {
        i.technician(Msg::Digit(d.into()))
    }));
    adapter.on_erase(act(inner, |i| i.technician(Msg::Erase)));
    adapter.on_submit(act(inner, |i| i.technician(Msg::Submit)));
    adapter.on_show_section(with(inner, |i, section| {
        i.technician(Msg::ShowSection(section))
    }));
    adapter.on_retry(with(inner, |i, row: i32| {
        let text_size = i.state.borrow().text_size;
        if let Ok(row) = usize::try_from(row) {
            i.technician(Msg::Retry { row, text_size });
        }
    }));
    adapter.on_turn_page(with(inner, |i, forward: bool| {
        let text_size = i.state.borrow().text_size;
        i.technician(Msg::TurnPage { forward, text_size });
    }));
    adapter.on_download_catalogue(act(inner, |i| i.technician(Msg::DownloadCatalogue)));
    adapter.on_exit(act(inner, |i| i.end_visit()));
}

impl Inner {
    /// Hands `msg` to technician mode and carries out what it asks for.
    pub(super) fn technician(&self, msg: Msg) {
        let effects = self.state.borrow_mut().technician.update(msg);
        for effect in effects {
            let core = self.core.clone();
            match effect {
                Effect::Typed { digit, typed } => self.key_feedback(digit.as_deref(), typed),
                Effect::Erased(erased) => self.erase_feedback(erased),
                Effect::Open { iin, code } => self.spawn(interrupted, async move {
                    Update::Technician(Msg::Opened(core.technician_code_login(&iin, &code).await))
                }),
                Effect::Show(screen) => {
                    if screen == Screen::Technician {
                        // The mode's own idle time starts when it opens; an abandoned
                        // sign-in ends like a visit's first step.
                        let now = self.clock.monotonic();
                        self.state.borrow_mut().session.start_with(now, TIMING);
                    }
                    self.show(screen);
                }
                Effect::Record(step) => self.record_technician_step(step),
                Effect::Retry { id, reference } => {
                    let Some(session) = self.state.borrow().technician.session.clone() else {
                        continue;
                    };
                    self.spawn(super::nothing_waits, async move {
                        let done = core.retry_parked(&session, id).await.unwrap_or_else(|e| {
                            tracing::error!(error = %e, "the parked action could not be queued again");
                            false
                        });
                        Update::Technician(Msg::Retried { reference, done })
                    });
                }
                Effect::DownloadCatalogue => self.spawn(interrupted, async move {
                    let downloaded = core.sync().refresh_catalogue().await;
                    Update::Technician(Msg::CatalogueDownloaded(downloaded))
                }),
                Effect::End(why) => {
                    self.close_technician_mode(why);
                    self.end_visit();
                }
                Effect::Refresh { ping } => {
                    let status = core.kiosk_status().map_err(|e| {
                        tracing::error!(error = %e, "the kiosk's state cannot be read");
                    });
                    let text_size = self.state.borrow().text_size;
                    self.technician(Msg::Status {
                        status: status.ok().map(Box::new),
                        text_size,
                    });
                    if ping {
                        self.spawn(super::nothing_waits, async move {
                            Update::Technician(Msg::RoundTrip(core.gateway_round_trip().await))
                        });
                    }
                }
            }
        }
    }

    /// Sends `step` to the gateway's audit log under the open session; it is in the kiosk's
    /// own log either way.
    fn record_technician_step(&self, step: TechnicianStep) {
        let Some(session) = self.state.borrow().technician.session.clone() else {
            return;
        };
        self.send_technician_step(session, step);
    }

    /// A technician login nobody waits for any more (the sign-in was left): its session is
    /// ended at the gateway.
    pub(super) fn discard_technician_session(&self, session: TechnicianSession) {
        self.send_technician_step(
            session,
            TechnicianStep::Closed {
                why: ClosedBy::Abandoned,
            },
        );
    }

    /// Ends the mode when the gateway's session for it has run out.
    pub(super) fn check_technician_expiry(&self) {
        let expired = self
            .state
            .borrow()
            .technician
            .session
            .as_ref()
            .is_some_and(|s| s.expires_at <= self.clock.now());
        if expired {
            self.close_technician_mode(ClosedBy::Expired);
            self.end_visit();
        }
    }

    fn send_technician_step(&self, session: TechnicianSession, step: TechnicianStep) {
        tracing::info!(technician = %session.technician_id, ?step, "technician step");
        let core = self.core.clone();
        self.runtime.spawn(async move {
            if let Err(e) = core.record_technician_step(&session, &step).await {
                tracing::warn!(error = ?e, ?step, "the technician step could not reach the audit log");
            }
        });
    }

    /// The corner of the welcome screen went down or up.
    pub(super) fn service_corner(&self, pressed: bool) {
        let on_welcome = self.state.borrow().screen == Screen::Welcome;
        self.corner_down_at
            .set((pressed && on_welcome).then(|| self.clock.monotonic()));
    }

    /// Opens the sign-in once the corner has been held long enough (called by `tick`).
    pub(super) fn check_service_corner(&self) {
        let Some(since) = self.corner_down_at.get() else {
            return;
        };
        if self.clock.monotonic().saturating_sub(since) < CORNER_HOLD {
            return;
        }
        self.corner_down_at.set(None);
        self.open_technician_sign_in();
    }

    /// Back while Help is held: the third on the welcome screen opens the sign-in. Returns
    /// whether the press was taken by the chord.
    pub(super) fn service_chord(&self) -> bool {
        let armed = {
            let s = self.state.borrow();
            s.screen == Screen::Welcome && s.speech.exploring
        };
        if !armed {
            self.chord_backs.set(0);
            return false;
        }
        let backs = self.chord_backs.get() + 1;
        if backs < CHORD_BACKS {
            self.chord_backs.set(backs);
        } else {
            self.chord_backs.set(0);
            self.open_technician_sign_in();
        }
        true
    }

    fn open_technician_sign_in(&self) {
        if self.state.borrow().screen != Screen::Welcome {
            return;
        }
        tracing::info!("technician sign-in opened");
        self.state
            .borrow_mut()
            .session
            .start(self.clock.monotonic());
        self.select_translation(self.state.borrow().lang);
        self.show(Screen::TechnicianSignIn);
        self.show_demo_technician_code(|code| Update::Technician(Msg::DemoCode(code)));
    }

    /// Technician mode ends with the visit it runs in; the gateway is told why.
    pub(super) fn close_technician_mode(&self, why: ClosedBy) {
        let session = self.state.borrow_mut().technician.session.take();
        if let Some(session) = session {
            tracing::info!(technician = %session.technician_id, %why, "technician mode closed");
            self.send_technician_step(session, TechnicianStep::Closed { why });
        }
    }
}

fn duration_text(d: Duration) -> String {
    let minutes = d.as_secs() / 60;
    let (hours, minutes) = (minutes / 60, minutes % 60);
    let (days, hours) = (hours / 24, hours % 24);
    if days > 0 {
        format!("{days} d {hours} h {minutes} min")
    } else if hours > 0 {
        format!("{hours} h {minutes} min")
    } else {
        format!("{minutes} min {} s", d.as_secs() % 60)
    }
}

fn bytes_text(bytes: Option<u64>) -> String {
    match bytes {
        Some(b) if b >= 1 << 30 => format!("{:.1} GiB", b as f64 / f64::from(1u32 << 30)),
        Some(b) => format!("{:.1} MiB", b as f64 / f64::from(1u32 << 20)),
        None => NOTHING.into(),
    }
}

/// What a line shows for a value the kiosk does not have.
const NOTHING: &str = "—";

fn or_nothing(value: Option<String>) -> String {
    value.unwrap_or_else(|| NOTHING.into())
}

fn time_text(at: Option<DateTime<Utc>>) -> String {
    or_nothing(at.map(komek_domain::astana::time_text))
}

/// The lines of one section, each an item and its value (technical values, not translated).
fn lines(
    section: TechnicianSection,
    status: &KioskStatus,
    round_trip: Option<Duration>,
    card_service: &str,
    now: DateTime<Utc>,
) -> Vec<StatusLine> {
    let line = |item, value: String| StatusLine {
        item,
        value: value.into(),
    };
    let enrolment = status.enrolment.as_ref();
    let speech = status.speech.as_ref();
    match section {
        TechnicianSection::Kiosk => vec![
            line(StatusItem::Version, status.version.into()),
            line(StatusItem::Uptime, duration_text(status.uptime)),
            line(
                StatusItem::KioskId,
                or_nothing(enrolment.map(|e| e.kiosk_id.clone())),
            ),
            line(
                StatusItem::Site,
                or_nothing(enrolment.map(|e| e.site.clone())),
            ),
            line(
                StatusItem::Region,
                or_nothing(enrolment.map(|e| e.region.clone())),
            ),
            line(StatusItem::Fingerprint, status.key_fingerprint.clone()),
        ],
        TechnicianSection::Network => vec![
            line(
                StatusItem::Gateway,
                if status.online { "online" } else { "offline" }.into(),
            ),
            line(
                StatusItem::RoundTrip,
                or_nothing(round_trip.map(|d| format!("{} ms", d.as_millis()))),
            ),
            line(
                StatusItem::ClockOffset,
                format!("{:+} s", status.clock_offset_secs),
            ),
            line(StatusItem::LastError, or_nothing(status.last_error.clone())),
            line(
                StatusItem::Catalogue,
                time_text(status.queue.catalogue_cached_at),
            ),
        ],
        TechnicianSection::Queue => vec![
            line(StatusItem::Pending, status.queue.counts.pending.to_string()),
            line(
                StatusItem::Delivered,
                status.queue.counts.delivered.to_string(),
            ),
            line(StatusItem::Parked, status.queue.counts.parked.to_string()),
            line(
                StatusItem::OldestPending,
                or_nothing(
                    status
                        .queue
                        .oldest_pending_at
                        .map(|at| duration_text((now - at).to_std().unwrap_or_default())),
                ),
            ),
        ],
        TechnicianSection::Devices => vec![
            line(StatusItem::CardService, card_service.into()),
            line(
                StatusItem::SpeechDispatcher,
                or_nothing(speech.map(|h| h.dispatcher.clone())),
            ),
            line(
                StatusItem::Audio,
                or_nothing(speech.map(|h| h.audio.clone())),
            ),
            line(
                StatusItem::Headphones,
                match speech.and_then(|h| h.headphones) {
                    Some(true) => "in",
                    Some(false) => "out",
                    None => NOTHING,
                }
                .into(),
            ),
            line(StatusItem::DiskFree, bytes_text(status.disk_free_bytes)),
            line(StatusItem::OutboxSize, bytes_text(status.outbox_bytes)),
        ],
    }
}

pub(super) fn render(
    app: &AppWindow,
    t: &TechnicianState,
    text_size: i32,
    card_service: &str,
    now: DateTime<Utc>,
) {
    let adapter = app.global::<TechnicianAdapter>();
    adapter.set_iin_display(super::format::iin_groups(&t.iin).into());
    adapter.set_iin_length(int(t.iin.len()));
    adapter.set_code_length(int(t.code.len()));
    adapter.set_problem(t.problem.unwrap_or(TechnicianProblem::None));
    adapter.set_busy(t.busy);
    adapter.set_demo_iin(super::demo::TECHNICIAN_IIN.into());
    adapter.set_demo_code(t.demo_code.as_str().into());
    adapter.set_technician(
        t.session
            .as_ref()
            .map_or(String::new(), |s| s.technician_id.clone())
            .into(),
    );
    adapter.set_section(t.section);
    let shown = t
        .status
        .as_ref()
        .map(|s| lines(t.section, s, t.round_trip, card_service, now))
        .unwrap_or_default();
    super::models::sync(adapter.get_lines(), shown, |m| adapter.set_lines(m));
    let per_page = parked_per_page(text_size);
    let all_parked = t
        .status
        .as_ref()
        .map_or(&[][..], |s| s.queue.parked.as_slice());
    let parked: Vec<ParkedLine> = page(all_parked, t.page, per_page)
        .into_iter()
        .map(|p| ParkedLine {
            reference: kiosk_reference(p.id).into(),
            kind: p.kind.into(),
            reason: p.reason.unwrap_or_default().into(),
            tries: i32::try_from(p.attempts).unwrap_or(i32::MAX),
            queued: komek_domain::astana::time_text(p.created_at).into(),
            retryable: p.has_payload,
        })
        .collect();
    super::models::sync(adapter.get_parked(), parked, |m| adapter.set_parked(m));
    adapter.set_parked_page(int(t.page));
    adapter.set_parked_pages(int(super::state::page_count(all_parked.len(), per_page)));
    let (notice, reference) = t
        .notice
        .clone()
        .unwrap_or((TechnicianNotice::None, String::new()));
    adapter.set_notice(notice);
    adapter.set_notice_reference(reference.into());
}
