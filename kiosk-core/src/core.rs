//! The kiosk's services, free of any UI: log a person in, read their programme and the
//! catalogue, queue their actions. The Slint bridge and the end-to-end tests both drive this.

mod card;
mod contact;
mod failure;
mod qr;
mod signing;

pub use card::{CardAccess, CardLoginError};
pub use contact::{PhoneChallenge, ProvenPhone};
pub use failure::FailureReport;
#[cfg(feature = "demo")]
pub use qr::DEMO_QR_PARTICIPANT;
pub use qr::{QrLogin, QrProgress};
pub use signing::{SignedApplication, SigningChallenge, application_of};

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use komek_api::{self as api, ErrorCode};
use sha2::{Digest, Sha256};
use uuid::Uuid;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::enrolment::Enrolment;
use crate::identity::{DeviceIdentity, IDENTITY_FILE};
use crate::portal::{
    DeviceSigner, PortalClient, PortalError, activity_from_wire, announcements_from_wire,
    catalogue_from_wire, offer_from_wire, principal_from_wire, profile_from_wire,
};
use crate::store::{self, ActionStatus, QueuedAction, StoreError};
use crate::sync::{ANNOUNCEMENTS_KEY, CATALOGUE_KEY, SyncShared, SyncStatus};
use komek_domain::announcements::Announcements;
use komek_domain::calendar::{CalendarError, WorkCalendar};
use komek_domain::failure_sla;
use komek_domain::offer::{OfferStatus, ProactiveOffer};
use komek_domain::{Activity, Catalogue, Iin, Principal, Profile};

#[derive(Debug, Clone)]
pub struct CoreConfig {
    /// Where the outbox and cache live.
    pub data_dir: PathBuf,
    pub gateway_url: String,
    /// The CA (PEM) the gateway's certificate must chain to; required for `https://`.
    pub gateway_ca: Option<Vec<u8>>,
    /// The gateway is a development one (the embedded demo): one-time codes can be shown.
    pub demo: bool,
    /// How long one request may take (`portal::DEFAULT_REQUEST_TIMEOUT` normally).
    pub request_timeout: std::time::Duration,
    /// The region the kiosk stands in (ISO 3166-2, `KZ-35`): whose suppliers a person who has
    /// not logged in sees.
    pub region: String,
}

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error("local storage: {0}")]
    Store(#[from] StoreError),
    #[error("gateway client: {0}")]
    Portal(#[from] PortalError),
    #[error("{0}")]
    Gateway(#[from] crate::portal::EndpointError),
    #[error("working-day calendar: {0}")]
    Calendar(#[from] CalendarError),
}

/// Why the kiosk could not be enrolled.
#[derive(Debug, thiserror::Error)]
pub enum EnrolError {
    /// The gateway refused the code (unknown, used or expired) or the kiosk's key.
    #[error("the gateway refused the enrolment: {0}")]
    Refused(PortalError),
    /// No answer, or not one that can be read: trying again may work.
    #[error("the gateway could not be asked: {0}")]
    Offline(PortalError),
    #[error("the enrolment could not be kept: {0}")]
    Store(#[from] StoreError),
}

impl From<PortalError> for EnrolError {
    fn from(e: PortalError) -> Self {
        if matches!(e, PortalError::Refused { .. }) {
            EnrolError::Refused(e)
        } else {
            EnrolError::Offline(e)
        }
    }
}

/// Why a login step failed, in terms a screen can explain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginError {
    UnknownParticipant,
    TooManyRequests,
    Offline,
    WrongCode { attempts_left: u32 },
    Expired,
    AttemptsExhausted,
    Failed(String),
}

impl From<PortalError> for LoginError {
    fn from(e: PortalError) -> Self {
        match (&e, e.code()) {
            (_, Some(ErrorCode::UnknownParticipant)) => LoginError::UnknownParticipant,
            (_, Some(ErrorCode::ChallengeExpired)) => LoginError::Expired,
            (_, Some(ErrorCode::AttemptsExhausted)) => LoginError::AttemptsExhausted,
            (
                PortalError::Refused {
                    error: Some(err), ..
                },
                Some(ErrorCode::WrongCode),
            ) => LoginError::WrongCode {
                attempts_left: err.attempts_left.unwrap_or(0),
            },
            (PortalError::Throttled { .. }, _) => LoginError::TooManyRequests,
            (PortalError::Unreachable(_) | PortalError::ServerFailure { .. }, _) => {
                LoginError::Offline
            }
            // The gateway refuses this kiosk (not enrolled, revoked): to the person it is a
            // portal out of reach; staff read the reason in the log and the technician's report.
            _ if e.refuses_the_kiosk() => {
                tracing::error!(error = %e, "the gateway refuses this kiosk");
                LoginError::Offline
            }
            _ => LoginError::Failed(e.to_string()),
        }
    }
}

/// A one-time code on its way to the person's phone.
#[derive(Debug, Clone)]
pub struct Challenge {
    pub id: Uuid,
    pub iin: Iin,
    pub phone_hint: String,
    pub expires_at: DateTime<Utc>,
}

/// The session's secrets; wiped from memory when the visit ends.
#[derive(Zeroize, ZeroizeOnDrop)]
struct Credentials {
    session_token: String,
    grant: String,
}

/// Everything personal of one visit. Dropped, and its strings wiped, when the visit ends.
/// A technical-failure request as the person sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailureRequestView {
    pub reference: String,
    pub problem: komek_domain::FailureProblem,
    pub received_at: DateTime<Utc>,
    pub deadlines: Vec<failure_sla::Deadline>,
    pub closed: bool,
}

/// How a visit was opened: the card's signing is offered only to a visit opened with the card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginMethod {
    /// A one-time code by SMS.
    Code,
    /// The national ID card's authentication key.
    Card,
    /// eGov Mobile's QR code.
    Qr,
}

pub struct Visit {
    /// The person logged in.
    pub iin: Iin,
    pub login: LoginMethod,
    pub name: komek_domain::PersonName,
    /// The profile and programme of the person the visit is about: the one acted for, if any.
    pub profile: Profile,
    pub activities: Vec<Activity>,
    /// Whom the person logged in may act for (Rules item 2.9).
    pub principals: Vec<Principal>,
    pub acting_for: Option<Principal>,
    /// The person logged in has a programme of their own, not only people to act for.
    pub has_own_programme: bool,
    /// Proactive offers addressed to the person logged in.
    pub offers: Vec<ProactiveOffer>,
    /// A service-centre assistant was recorded as present; every action says so.
    pub assistant_present: bool,
    credentials: Credentials,
}

impl Visit {
    /// An action about `activity_id` was queued: the activity shows `status` from today on.
    fn queued(
        &mut self,
        activity_id: &str,
        status: komek_domain::ActivityStatus,
        now: DateTime<Utc>,
    ) {
        if let Some(activity) = self.activities.iter_mut().find(|a| a.id == activity_id) {
            activity.change_status(status, komek_domain::astana::date_on(now));
        }
    }
}

/// What the person answered to a proactive offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OfferReply {
    /// Consent, paid into this account of theirs (its id).
    Account(String),
    /// Consent, to an account they will open.
    OpenAccount,
    Refuse,
}

impl Drop for Visit {
    fn drop(&mut self) {
        self.iin.zeroize();
        for p in self.principals.iter_mut().chain(self.acting_for.as_mut()) {
            p.iin.zeroize();
            p.full_name.zeroize();
        }
        for a in &mut self.activities {
            a.title.zeroize();
        }
    }
}

impl std::fmt::Debug for Visit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Visit")
            .field("iin", &self.iin)
            .finish_non_exhaustive()
    }
}

/// The key that keeps one participant's actions in order in the outbox without storing the
/// IIN: a hash salted with the kiosk's own (its key's fingerprint).
pub fn participant_key(iin: &Iin, kiosk_salt: &str) -> String {
    let mut h = Sha256::new();
    h.update(kiosk_salt.as_bytes());
    h.update(iin.digits().as_bytes());
    hex::encode(&h.finalize()[..12])
}

/// A person's profile and programme as loaded for a visit, and whom they were loaded for:
/// only [`Core::programme`] makes one, so a visit never shows one person's data as another's.
pub struct Programme {
    principal: Option<Principal>,
    profile: Profile,
    activities: Vec<Activity>,
}

impl Programme {
    pub fn principal(&self) -> Option<&Principal> {
        self.principal.as_ref()
    }
}

/// Which outbox queue an action joins: its person's, or one of its own.
enum QueueKey<'a> {
    Participant(&'a str),
    OwnQueue,
}

/// Why a report without a login was not queued.
#[derive(Debug, thiserror::Error)]
pub enum AnonymousReportError {
    #[error("a report without a login needs a phone to call back on")]
    NoPhone,
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub struct Core {
    shared: Arc<SyncShared>,
    config: CoreConfig,
    /// Where an operator enrolled this kiosk; `None` until then.
    enrolment: std::sync::RwLock<Option<Enrolment>>,
    /// Astana working days, for the deadlines of technical-failure requests.
    calendar: WorkCalendar,
    /// When this process opened the kiosk's data: its uptime for the technician.
    started: std::time::Instant,
}

impl Core {
    /// Opens the kiosk's data: its outbox and cache, its key (made at the first start) and its
    /// enrolment. A damaged enrolment counts as none, so a technician can enrol it again; a
    /// damaged key is an error (a new key would be another kiosk).
    pub fn open(config: CoreConfig) -> Result<Self, CoreError> {
        let (outbox, cache) = store::open(&config.data_dir)?;
        let endpoint =
            crate::portal::Endpoint::new(&config.gateway_url, config.gateway_ca.as_deref())?;
        let identity = DeviceIdentity::load_or_create(&config.data_dir.join(IDENTITY_FILE))?;
        let enrolment = Enrolment::load(&config.data_dir).unwrap_or_else(|e| {
            tracing::error!(error = %e, "the enrolment cannot be read: not enrolled");
            None
        });
        let signer = DeviceSigner::new(
            Arc::new(identity),
            enrolment.as_ref().map(|e| e.kiosk_id.clone()),
        );
        let portal = PortalClient::new(&endpoint, config.request_timeout, signer)?;
        Ok(Core {
            shared: SyncShared::new(outbox, cache, portal),
            config,
            enrolment: std::sync::RwLock::new(enrolment),
            calendar: WorkCalendar::kazakhstan()?,
            started: std::time::Instant::now(),
        })
    }

    /// How long the kiosk has been running.
    pub fn uptime(&self) -> std::time::Duration {
        self.started.elapsed()
    }

    /// Where an operator enrolled this kiosk, if one has.
    pub fn enrolment(&self) -> Option<Enrolment> {
        self.enrolment
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// The kiosk's key and its view of the gateway's clock.
    pub fn signer(&self) -> &DeviceSigner {
        self.portal().signer()
    }

    /// Enrols the kiosk with an operator's one-time `code`: from the answer on, every request
    /// is made as the kiosk the gateway recorded.
    pub async fn enrol(&self, code: &str) -> Result<Enrolment, EnrolError> {
        let place = self.portal().enrol(code).await?;
        let enrolment = Enrolment {
            kiosk_id: place.kiosk_id,
            site: place.site,
            region: place.region,
            enrolled_at: Utc::now(),
        };
        enrolment.save(&self.config.data_dir)?;
        self.signer().set_kiosk_id(enrolment.kiosk_id.clone());
        *self
            .enrolment
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(enrolment.clone());
        tracing::info!(kiosk = %enrolment.kiosk_id, site = %enrolment.site, "enrolled");
        // What waited for the kiosk to be known goes now.
        self.shared.outbox().bring_forward(Utc::now())?;
        self.shared.wake();
        Ok(enrolment)
    }

    #[cfg(feature = "demo")]
    /// A development gateway only: enrols this kiosk as `kiosk_id` with a code from the
    /// gateway's development endpoint (the embedded demo and the tests).
    pub async fn enrol_on_demo_gateway(&self, kiosk_id: &str) -> Result<Enrolment, EnrolError> {
        let place = api::DevicePlace {
            kiosk_id: kiosk_id.to_string(),
            site: "Demo service centre".into(),
            region: self.config.region.clone(),
        };
        let code = self.portal().dev_enrolment_code(&place).await?;
        self.enrol(&code.code).await
    }

    /// What salts the outbox's participant keys: the kiosk's key, stable for its life.
    fn kiosk_salt(&self) -> String {
        self.signer().identity().fingerprint()
    }

    /// Astana's working days: the deadlines of failure requests and of proactive offers.
    pub fn calendar(&self) -> &WorkCalendar {
        &self.calendar
    }

    pub fn config(&self) -> &CoreConfig {
        &self.config
    }

    pub fn sync(&self) -> &Arc<SyncShared> {
        &self.shared
    }

    pub fn status(&self) -> SyncStatus {
        self.shared.current_status()
    }

    fn portal(&self) -> &PortalClient {
        &self.shared.portal
    }

    pub async fn request_code(&self, iin: &Iin) -> Result<Challenge, LoginError> {
        let answer = self.portal().request_code(&iin.digits()).await;
        self.shared.report_outcome(&answer);
        let c = answer?;
        tracing::info!(iin = %iin, "one-time code requested");
        Ok(Challenge {
            id: c.challenge_id,
            iin: iin.clone(),
            phone_hint: c.phone_hint,
            expires_at: c.expires_at,
        })
    }

    #[cfg(feature = "demo")]
    /// Demo gateways only: the code the demo "SMS" of challenge `id` carried, to show on
    /// screen.
    pub async fn demo_code(&self, id: Uuid) -> Option<String> {
        if !self.config.demo {
            return None;
        }
        self.portal().dev_code(id).await.ok().map(|c| c.code)
    }

    pub async fn verify_code(
        &self,
        challenge: &Challenge,
        code: &str,
    ) -> Result<Visit, LoginError> {
        let answer = self.portal().verify_code(challenge.id, code).await;
        self.shared.report_outcome(&answer);
        let session = answer?;
        self.open_visit(session, LoginMethod::Code, Some(&challenge.iin))
            .await
    }

    /// Opens the visit of the session a login earned, whatever the method: the profile and
    /// programme, whom the person may act for, their offers. The person is the one the
    /// gateway's profile names; `expected`, when the login step knew whom it was for, must be
    /// them.
    async fn open_visit(
        &self,
        session: api::LoginSession,
        login: LoginMethod,
        expected: Option<&Iin>,
    ) -> Result<Visit, LoginError> {
        let token = &session.session_token;
        let (wire_profile, programme) = self.load_programme(token, None).await?;
        let iin = Iin::parse(&wire_profile.iin)
            .map_err(|_| LoginError::Failed("the gateway's profile carries no valid IIN".into()))?;
        if expected.is_some_and(|expected| *expected != iin) {
            return Err(LoginError::Failed(
                "the gateway opened the session of another person".into(),
            ));
        }
        let Programme {
            profile,
            activities,
            ..
        } = programme;
        let principals = self.portal().principals(token).await?;
        // An offer that cannot be read now is not worth refusing the login for.
        let offers = self.portal().offers(token).await.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "proactive offers not available");
            Vec::new()
        });
        tracing::info!(%iin, ?login, activities = activities.len(), principals = principals.len(), offers = offers.len(), "logged in");
        let has_own_programme = !activities.is_empty()
            || profile.category != komek_domain::ParticipantCategory::Representative;
        Ok(Visit {
            iin,
            login,
            name: profile.name.clone(),
            has_own_programme,
            profile,
            activities,
            principals: principals.iter().filter_map(principal_from_wire).collect(),
            acting_for: None,
            offers: offers.iter().map(offer_from_wire).collect(),
            assistant_present: false,
            credentials: Credentials {
                session_token: session.session_token,
                grant: session.grant,
            },
        })
    }

    /// The profile and programme of the person logged in (`None`), or of the one they act
    /// for, ready for [`Core::act_for`].
    pub async fn programme(
        &self,
        session_token: &str,
        principal: Option<Principal>,
    ) -> Result<Programme, LoginError> {
        let (_, programme) = self.load_programme(session_token, principal).await?;
        Ok(programme)
    }

    /// [`Core::programme`] with the profile as the wire has it (it carries the IIN).
    async fn load_programme(
        &self,
        session_token: &str,
        principal: Option<Principal>,
    ) -> Result<(api::Profile, Programme), LoginError> {
        let acting_for = principal.as_ref().map(|p| p.iin.digits());
        let profile = self
            .portal()
            .profile(session_token, acting_for.as_deref())
            .await?;
        let activities = self
            .portal()
            .activities(session_token, acting_for.as_deref())
            .await?;
        let programme = Programme {
            principal,
            profile: profile_from_wire(&profile),
            activities: activities.iter().map(activity_from_wire).collect(),
        };
        Ok((profile, programme))
    }

    /// The visit now acts for the person `programme` was loaded for (or for the person
    /// logged in), and shows their profile and programme.
    pub fn act_for(visit: &mut Visit, programme: Programme) {
        visit.acting_for = programme.principal;
        visit.profile = programme.profile;
        visit.activities = programme.activities;
    }

    /// Ends the session at the gateway too; the visit is dropped (and wiped) by the caller.
    pub async fn logout(&self, session_token: String) {
        if let Err(e) = self.portal().logout(&session_token).await {
            tracing::info!(error = %e, "logout not confirmed by the gateway; its session expires by itself");
        }
    }

    #[cfg(feature = "demo")]
    /// The visit's grant, for harnesses that queue actions with [`Core::queue_action`] from
    /// another process (the queue agent, the queue benchmark).
    pub fn grant_of(visit: &Visit) -> String {
        visit.credentials.grant.clone()
    }

    /// The token to end a visit's session with, taken before the visit is dropped.
    pub fn session_token(visit: &Visit) -> String {
        visit.credentials.session_token.clone()
    }

    /// The cached catalogue and when it was fetched; fetched now when there is no copy yet.
    pub async fn catalogue(&self) -> Option<(Catalogue, DateTime<Utc>)> {
        if let Some(found) = self.cached_catalogue() {
            return Some(found);
        }
        self.shared.refresh_catalogue().await;
        self.cached_catalogue()
    }

    pub fn cached_catalogue(&self) -> Option<(Catalogue, DateTime<Utc>)> {
        self.cached(CATALOGUE_KEY, catalogue_from_wire)
    }

    /// A public document from the cache, as the domain has it, and when it was fetched. An
    /// unreadable copy counts as none: it is fetched again.
    fn cached<W: serde::de::DeserializeOwned, D>(
        &self,
        key: &str,
        from_wire: impl Fn(&W) -> D,
    ) -> Option<(D, DateTime<Utc>)> {
        let cached = self.shared.cache().get(key).ok().flatten()?;
        match serde_json::from_str::<W>(&cached.body) {
            Ok(wire) => Some((from_wire(&wire), cached.fetched_at)),
            Err(e) => {
                tracing::warn!(error = %e, %key, "cached copy unreadable; it will be fetched again");
                None
            }
        }
    }

    /// The cached announcements and when they were fetched (local: never waits on the network).
    pub fn cached_announcements(&self) -> Option<(Announcements, DateTime<Utc>)> {
        self.cached(ANNOUNCEMENTS_KEY, announcements_from_wire)
    }

    /// The announcements, fetched now when there is no copy yet.
    pub async fn announcements(&self) -> Option<(Announcements, DateTime<Utc>)> {
        if let Some(found) = self.cached_announcements() {
            return Some(found);
        }
        self.shared.refresh_announcements().await;
        self.cached_announcements()
    }

    /// Commits the request to activate a blocked supplier choice again; once it is queued the
    /// visit shows the activity as "activation requested", so it is not asked twice.
    pub fn queue_activation(
        &self,
        visit: &mut Visit,
        activity_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Uuid, StoreError> {
        let id = self.queue_for(
            visit,
            api::Action::ChoiceActivation(api::ChoiceActivation {
                activity_id: activity_id.to_string(),
            }),
            now,
        )?;
        visit.queued(
            activity_id,
            komek_domain::ActivityStatus::ActivationRequested,
            now,
        );
        Ok(id)
    }

    /// Commits a technical-failure request of the person on the kiosk.
    pub fn queue_failure_request(
        &self,
        visit: &Visit,
        request: api::FailureRequest,
        now: DateTime<Utc>,
    ) -> Result<Uuid, StoreError> {
        self.queue_for(visit, api::Action::FailureRequest(request), now)
    }

    /// Commits a technical-failure request of someone who has not logged in (Rules item 15):
    /// no grant, so it needs a phone (`+7` and ten digits) to call back on, as the gateway
    /// does. Each such report has a queue of its own: strangers' reports do not wait on
    /// each other.
    pub fn queue_anonymous_failure_request(
        &self,
        request: api::FailureRequest,
        now: DateTime<Utc>,
    ) -> Result<Uuid, AnonymousReportError> {
        if !request
            .contact_phone
            .as_deref()
            .is_some_and(komek_domain::is_phone_number)
        {
            return Err(AnonymousReportError::NoPhone);
        }
        let submission = self.submission("", api::Action::FailureRequest(request), now);
        Ok(self.enqueue(QueueKey::OwnQueue, submission)?)
    }

    /// Commits the person's answer to the visit's offer `offer_id` (see [`Core::queue_for`]);
    /// once it is queued the visit's offer is answered and no longer asked.
    pub fn queue_offer_answer(
        &self,
        visit: &mut Visit,
        offer_id: &str,
        reply: OfferReply,
        now: DateTime<Utc>,
    ) -> Result<Uuid, StoreError> {
        let (consent, account_id, status) = match reply {
            OfferReply::Account(id) => (true, Some(id), OfferStatus::Accepted),
            OfferReply::OpenAccount => (true, None, OfferStatus::AwaitingAccount),
            OfferReply::Refuse => (false, None, OfferStatus::Refused),
        };
        let answer = api::OfferAnswer {
            offer_id: offer_id.to_string(),
            consent,
            account_id,
        };
        let id = self.queue_for(visit, api::Action::OfferAnswer(answer), now)?;
        if let Some(offer) = visit.offers.iter_mut().find(|o| o.id == offer_id) {
            offer.status = status;
        }
        Ok(id)
    }

    /// Commits an action with a grant and no one acted for (the queue agent and benchmarks).
    pub fn queue_action(
        &self,
        participant: &Iin,
        grant: &str,
        action: api::Action,
        now: DateTime<Utc>,
    ) -> Result<Uuid, StoreError> {
        let key = participant_key(participant, &self.kiosk_salt());
        self.enqueue(
            QueueKey::Participant(&key),
            self.submission(grant, action, now),
        )
    }

    /// Commits an action of the visit, with its grant, whom the person acts for and whether an
    /// assistant is present. When this returns `Ok` the action survives a crash or a power
    /// cut, and the screen may say "saved".
    pub fn queue_for(
        &self,
        visit: &Visit,
        action: api::Action,
        now: DateTime<Utc>,
    ) -> Result<Uuid, StoreError> {
        // An offer is addressed to the person logged in: the answer is theirs even while they
        // act for someone (the gateway refuses it on someone's behalf).
        let acting_for = visit
            .acting_for
            .as_ref()
            .filter(|_| !matches!(action, api::Action::OfferAnswer(_)));
        let mut submission = self.submission(&visit.credentials.grant, action, now);
        submission.acting_for = acting_for.map(|p| p.iin.digits());
        submission.assistant_present = visit.assistant_present;
        // One queue per person the actions apply to, so they arrive in the order confirmed.
        let applies_to = acting_for.map_or(&visit.iin, |p| &p.iin);
        let key = participant_key(applies_to, &self.kiosk_salt());
        self.enqueue(QueueKey::Participant(&key), submission)
    }

    fn submission(
        &self,
        grant: &str,
        action: api::Action,
        now: DateTime<Utc>,
    ) -> api::ActionSubmission {
        api::ActionSubmission {
            grant: grant.to_string(),
            confirmed_at: now,
            action,
            acting_for: None,
            assistant_present: false,
        }
    }

    fn enqueue(
        &self,
        queue: QueueKey<'_>,
        submission: api::ActionSubmission,
    ) -> Result<Uuid, StoreError> {
        let id = Uuid::now_v7();
        let own_key;
        let queue_key = match queue {
            QueueKey::Participant(key) => key,
            QueueKey::OwnQueue => {
                own_key = format!("anonymous-{id}");
                own_key.as_str()
            }
        };
        let kind = match &submission.action {
            api::Action::SupplierChoice(_) => "supplier_choice",
            api::Action::ContactChange(_) => "contact_change",
            api::Action::FailureRequest(_) => "failure_request",
            api::Action::ChoiceActivation(_) => "choice_activation",
            api::Action::OfferAnswer(_) => "offer_answer",
        };
        let payload = serde_json::to_string(&submission)
            .map_err(|e| StoreError::Corrupt(format!("action could not be encoded: {e}")))?;
        self.shared
            .outbox()
            .enqueue(id, queue_key, kind, &payload, submission.confirmed_at)?;
        tracing::info!(action = %id, %kind, acting_for = submission.acting_for.is_some(), "action queued");
        self.shared.wake();
        Ok(id)
    }

    /// The person's technical-failure requests with every deadline that applies so far, in
    /// Astana working time; None when the gateway cannot be reached.
    pub async fn failure_requests(&self, visit: &Visit) -> Option<Vec<FailureRequestView>> {
        let acting_for = visit.acting_for.as_ref().map(|p| p.iin.digits());
        self.failure_requests_by_token(&visit.credentials.session_token, acting_for.as_deref())
            .await
    }

    /// The same, with the visit's session token and whom it acts for (for work that outlives a
    /// borrow of the visit).
    pub async fn failure_requests_by_token(
        &self,
        session_token: &str,
        acting_for: Option<&str>,
    ) -> Option<Vec<FailureRequestView>> {
        let tickets = match self
            .portal()
            .failure_requests(session_token, acting_for)
            .await
        {
            Ok(tickets) => tickets,
            Err(e) => {
                tracing::warn!(error = %e, "failure requests not available");
                return None;
            }
        };
        Some(
            tickets
                .iter()
                .map(|ticket| FailureRequestView {
                    reference: ticket.reference.clone(),
                    problem: crate::portal::problem_from_wire(ticket.problem),
                    received_at: ticket.received_at,
                    deadlines: failure_sla::deadlines(
                        &self.calendar,
                        &crate::portal::ticket_timeline(ticket),
                    ),
                    closed: ticket
                        .events
                        .iter()
                        .any(|r| r.event == api::TicketEvent::Close),
                })
                .collect(),
        )
    }

    /// The technician's report of this kiosk (nothing personal), to attach to a failure report.
    pub fn technical_report(&self) -> Option<String> {
        match crate::diagnostics::report(&self.config.data_dir) {
            Ok(report) => Some(report),
            Err(e) => {
                tracing::warn!(error = %e, "technical report not available");
                None
            }
        }
    }

    /// The whole row, its payload opened: for checks of what was queued (tests, salvage).
    /// Screens read [`Core::action_status`].
    pub fn action(&self, id: Uuid) -> Option<QueuedAction> {
        self.shared.outbox().get(id).ok().flatten()
    }

    /// Where action `id` stands, for a screen: its payload stays sealed.
    pub fn action_status(&self, id: Uuid) -> Option<ActionStatus> {
        self.shared.outbox().status(id).ok().flatten()
    }
}

#[cfg(test)]
mod login_error_tests {
    use super::*;

    fn refused(status: u16, code: ErrorCode) -> PortalError {
        PortalError::Refused {
            status,
            error: Some(api::ApiError {
                code,
                message: String::new(),
                attempts_left: None,
            }),
        }
    }

    #[test]
    fn a_refused_kiosk_is_a_portal_out_of_reach_to_the_person() {
        for code in [ErrorCode::UnknownDevice, ErrorCode::DeviceRevoked] {
            assert_eq!(LoginError::from(refused(401, code)), LoginError::Offline);
        }
        assert!(matches!(
            LoginError::from(refused(400, ErrorCode::BadRequest)),
            LoginError::Failed(_)
        ));
    }
}
