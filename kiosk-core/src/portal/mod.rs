//! The HTTP client of the gateway. With `komek-api` it is the only code that knows the wire
//! format; it hands the rest of the kiosk domain types and classified errors.

mod convert;
mod endpoint;
mod signer;

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use komek_api as api;
use reqwest::{Response, StatusCode, header};
use serde::de::DeserializeOwned;
use uuid::Uuid;

pub use convert::{
    activity_from_wire, announcements_from_wire, catalogue_from_wire, offer_from_wire,
    principal_from_wire, problem_from_wire, problem_to_wire, profile_from_wire,
    technician_session_from_wire, technician_step_to_wire, ticket_timeline,
};
pub use endpoint::{Endpoint, EndpointError};
pub use signer::DeviceSigner;

#[derive(Debug, thiserror::Error)]
pub enum PortalError {
    /// No answer: connection refused or reset, timeout, DNS. Worth retrying.
    #[error("the gateway cannot be reached: {0}")]
    Unreachable(String),
    /// The gateway refused the request for good (4xx other than 408 and 429).
    #[error("refused ({status}): {}", error.as_ref().map_or("no reason given", |e| e.message.as_str()))]
    Refused {
        status: u16,
        error: Option<api::ApiError>,
    },
    /// 429: asked to slow down, perhaps with a `Retry-After`.
    #[error("asked to retry later")]
    Throttled { retry_after: Option<Duration> },
    /// 5xx or 408: the gateway failed this time.
    #[error("gateway failure ({status})")]
    ServerFailure { status: u16 },
    /// An answer that is not what the contract says.
    #[error("unexpected answer from the gateway: {0}")]
    Garbage(String),
}

impl PortalError {
    /// The error code the gateway gave, when it gave one.
    pub fn code(&self) -> Option<api::ErrorCode> {
        match self {
            PortalError::Refused { error: Some(e), .. } => Some(e.code),
            _ => None,
        }
    }

    /// True when trying the same request again can never succeed. A refusal of the kiosk
    /// itself (not enrolled, revoked, its clock far off) is not: it is mended on the kiosk or by
    /// an operator, and what was queued must wait for that, not be set aside.
    pub fn is_permanent(&self) -> bool {
        matches!(self, PortalError::Refused { .. }) && !self.refuses_the_kiosk()
    }

    /// True when the gateway refused this kiosk rather than the request.
    pub fn refuses_the_kiosk(&self) -> bool {
        matches!(
            self.code(),
            Some(api::ErrorCode::UnknownDevice | api::ErrorCode::DeviceRevoked)
        )
    }
}

/// How long a connection to the gateway stays open with nothing to carry.
const IDLE_CONNECTION: Duration = Duration::from_secs(2);

/// How long one request to the gateway may take before it counts as failed.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(15);

#[derive(Clone)]
pub struct PortalClient {
    http: reqwest::Client,
    base: String,
    signer: DeviceSigner,
}

impl PortalClient {
    /// A client of the gateway at `endpoint`, signing every request with `signer`.
    pub fn new(
        endpoint: &Endpoint,
        timeout: Duration,
        signer: DeviceSigner,
    ) -> Result<Self, PortalError> {
        let http = reqwest::Client::builder()
            .tls_certs_only(endpoint.roots())
            .connect_timeout(Duration::from_secs(3).min(timeout))
            .timeout(timeout)
            // An idle connection is closed soon: its buffers hold the last answers (a profile,
            // a programme), and closing frees them to the zeroing allocator after a visit.
            .pool_idle_timeout(IDLE_CONNECTION)
            .user_agent(concat!("komek-kiosk/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| PortalError::Unreachable(e.to_string()))?;
        Ok(PortalClient {
            http,
            base: endpoint.base_url().to_string(),
            signer,
        })
    }

    /// Who the kiosk speaks as, and its view of the gateway's clock.
    pub fn signer(&self) -> &DeviceSigner {
        &self.signer
    }

    /// Sends `request` signed as this kiosk, and learns the gateway's time from the answer.
    async fn send(&self, request: reqwest::RequestBuilder) -> Result<Response, reqwest::Error> {
        let mut request = request.build()?;
        self.signer.sign(&mut request, chrono::Utc::now());
        let response = self.http.execute(request).await?;
        self.signer.heard(response.headers(), chrono::Utc::now());
        Ok(response)
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn health(&self) -> Result<api::Health, PortalError> {
        read(self.send(self.http.get(self.url("/healthz"))).await).await
    }

    pub async fn request_code(&self, iin: &str) -> Result<api::OtpChallenge, PortalError> {
        let body = api::OtpRequest {
            iin: iin.to_string(),
        };
        read(
            self.send(self.http.post(self.url("/v1/auth/otp")).json(&body))
                .await,
        )
        .await
    }

    pub async fn verify_code(
        &self,
        challenge_id: Uuid,
        code: &str,
    ) -> Result<api::LoginSession, PortalError> {
        let body = api::OtpVerify {
            challenge_id,
            code: code.to_string(),
        };
        read(
            self.send(self.http.post(self.url("/v1/auth/otp/verify")).json(&body))
                .await,
        )
        .await
    }

    /// Sends a one-time code to a new phone of the logged-in person.
    pub async fn request_phone_code(
        &self,
        session_token: &str,
        phone: &str,
    ) -> Result<api::OtpChallenge, PortalError> {
        let body = api::PhoneOtpRequest {
            phone: phone.to_string(),
        };
        self.post_as(session_token, "/v1/me/phone/otp", &body).await
    }

    pub async fn verify_phone_code(
        &self,
        session_token: &str,
        challenge_id: Uuid,
        code: &str,
    ) -> Result<api::PhoneProof, PortalError> {
        let body = api::OtpVerify {
            challenge_id,
            code: code.to_string(),
        };
        self.post_as(session_token, "/v1/me/phone/otp/verify", &body)
            .await
    }

    /// Asks for a code to the registered phone that signs the application with `digest`.
    pub async fn request_signing_code(
        &self,
        session_token: &str,
        digest: &str,
    ) -> Result<api::OtpChallenge, PortalError> {
        let body = api::SignOtpRequest {
            digest: digest.to_string(),
        };
        self.post_as(session_token, "/v1/me/application/sign/otp", &body)
            .await
    }

    pub async fn verify_signing_code(
        &self,
        session_token: &str,
        challenge_id: Uuid,
        code: &str,
    ) -> Result<api::SignatureProof, PortalError> {
        let body = api::OtpVerify {
            challenge_id,
            code: code.to_string(),
        };
        self.post_as(session_token, "/v1/me/application/sign/otp/verify", &body)
            .await
    }

    /// `POST path` as the logged-in person, answered with JSON.
    async fn post_as<B: serde::Serialize, T: serde::de::DeserializeOwned>(
        &self,
        session_token: &str,
        path: &str,
        body: &B,
    ) -> Result<T, PortalError> {
        let req = self
            .http
            .post(self.url(path))
            .bearer_auth(session_token)
            .json(body);
        read(self.send(req).await).await
    }

    #[cfg(feature = "demo")]
    /// Development gateways only: a listed technician's current authenticator code.
    pub async fn dev_technician_code(&self, iin: &str) -> Result<api::DevOtp, PortalError> {
        read(
            self.send(
                self.http
                    .get(self.url(&format!("/dev/technician-code/{iin}"))),
            )
            .await,
        )
        .await
    }

    #[cfg(feature = "demo")]
    /// Development gateways only: the code the demo "SMS" carried.
    pub async fn dev_code(&self, challenge_id: Uuid) -> Result<api::DevOtp, PortalError> {
        read(
            self.send(self.http.get(self.url(&format!("/dev/otp/{challenge_id}"))))
                .await,
        )
        .await
    }

    /// A nonce for the card to sign, bound to this kiosk.
    pub async fn card_challenge(&self) -> Result<api::CardChallenge, PortalError> {
        read(
            self.send(self.http.post(self.url("/v1/auth/card/challenge")))
                .await,
        )
        .await
    }

    /// The card's signature of the nonce: a session for the IIN in its certificate.
    pub async fn card_login(
        &self,
        login: &api::CardLogin,
    ) -> Result<api::LoginSession, PortalError> {
        read(
            self.send(self.http.post(self.url("/v1/auth/card/verify")).json(login))
                .await,
        )
        .await
    }

    /// Opens technician mode with the technician's card: its signature of this kiosk's nonce.
    pub async fn technician_card_login(
        &self,
        login: &api::CardLogin,
    ) -> Result<api::TechnicianSession, PortalError> {
        read(
            self.send(
                self.http
                    .post(self.url("/v1/technician/login/card"))
                    .json(login),
            )
            .await,
        )
        .await
    }

    /// Starts a login with eGov Mobile: the QR code to show.
    pub async fn qr_start(&self) -> Result<api::QrLoginStart, PortalError> {
        read(self.send(self.http.post(self.url("/v1/auth/qr"))).await).await
    }

    /// Whether the person approved the QR login; the session comes once.
    pub async fn qr_state(&self, session_id: Uuid) -> Result<api::QrLoginState, PortalError> {
        read(
            self.send(
                self.http
                    .get(self.url(&format!("/v1/auth/qr/{session_id}"))),
            )
            .await,
        )
        .await
    }

    #[cfg(feature = "demo")]
    /// Development gateways only: approves the QR login as eGov Mobile would for `iin`.
    pub async fn dev_qr_approve(&self, session_id: Uuid, iin: &str) -> Result<(), PortalError> {
        let body = api::QrApproval {
            iin: iin.to_string(),
        };
        let response = self
            .send(
                self.http
                    .post(self.url(&format!("/dev/qr/{session_id}/approve")))
                    .json(&body),
            )
            .await
            .map_err(unreachable)?;
        check_status(response).await.map(|_| ())
    }

    /// Enrols this kiosk with an operator's one-time `code`: the gateway records its public key
    /// and answers where it stands. The request is signed by the key it carries.
    pub async fn enrol(&self, code: &str) -> Result<api::DevicePlace, PortalError> {
        let body = api::EnrolmentRequest {
            code: code.to_string(),
            public_key: STANDARD.encode(self.signer.identity().public_key_der()),
        };
        read(
            self.send(self.http.post(self.url("/v1/devices/enrol")).json(&body))
                .await,
        )
        .await
    }

    #[cfg(feature = "demo")]
    /// Development gateways only: an enrolment code for `place` (the embedded demo and the
    /// tests enrol themselves).
    pub async fn dev_enrolment_code(
        &self,
        place: &api::DevicePlace,
    ) -> Result<api::EnrolmentCode, PortalError> {
        read(
            self.send(self.http.post(self.url("/dev/enrolments")).json(place))
                .await,
        )
        .await
    }

    /// The profile of the person logged in, or of the one they act for.
    pub async fn profile(
        &self,
        session_token: &str,
        acting_for: Option<&str>,
    ) -> Result<api::Profile, PortalError> {
        self.get_as(session_token, acting_for, "/v1/me").await
    }

    pub async fn activities(
        &self,
        session_token: &str,
        acting_for: Option<&str>,
    ) -> Result<Vec<api::Activity>, PortalError> {
        self.get_as(session_token, acting_for, "/v1/me/activities")
            .await
    }

    /// The technical-failure requests, newest first.
    pub async fn failure_requests(
        &self,
        session_token: &str,
        acting_for: Option<&str>,
    ) -> Result<Vec<api::Ticket>, PortalError> {
        self.get_as(session_token, acting_for, "/v1/me/failure-requests")
            .await
    }

    /// Whom the person logged in may act for.
    pub async fn principals(
        &self,
        session_token: &str,
    ) -> Result<Vec<api::Principal>, PortalError> {
        self.get_as(session_token, None, "/v1/me/principals").await
    }

    /// The proactive offers addressed to the person logged in.
    pub async fn offers(
        &self,
        session_token: &str,
    ) -> Result<Vec<api::ProactiveOffer>, PortalError> {
        self.get_as(session_token, None, "/v1/me/offers").await
    }

    /// `GET path` as the logged-in person, for `acting_for` when given.
    async fn get_as<T: DeserializeOwned>(
        &self,
        session_token: &str,
        acting_for: Option<&str>,
        path: &str,
    ) -> Result<T, PortalError> {
        let mut req = self.http.get(self.url(path)).bearer_auth(session_token);
        if let Some(iin) = acting_for {
            req = req.header(api::ACTING_FOR_HEADER, iin);
        }
        read(self.send(req).await).await
    }

    /// Opens technician mode with a code from the technician's authenticator app.
    pub async fn technician_code_login(
        &self,
        iin: &str,
        code: &str,
    ) -> Result<api::TechnicianSession, PortalError> {
        let body = api::TechnicianCodeLogin {
            iin: iin.to_string(),
            code: code.to_string(),
        };
        read(
            self.send(
                self.http
                    .post(self.url("/v1/technician/login/code"))
                    .json(&body),
            )
            .await,
        )
        .await
    }

    /// Records a step taken in technician mode in the gateway's audit log.
    pub async fn technician_step(
        &self,
        session_token: &str,
        step: &api::TechnicianStep,
    ) -> Result<(), PortalError> {
        let request = self
            .http
            .post(self.url("/v1/technician/audit"))
            .bearer_auth(session_token)
            .json(step);
        let response = self.send(request).await.map_err(unreachable)?;
        check_status(response).await.map(|_| ())
    }

    pub async fn logout(&self, session_token: &str) -> Result<(), PortalError> {
        let req = self
            .http
            .post(self.url("/v1/auth/logout"))
            .bearer_auth(session_token);
        let response = self.send(req).await.map_err(unreachable)?;
        check_status(response).await.map(|_| ())
    }

    /// A public document as raw JSON text, checked against the contract, so it can be cached
    /// as is.
    async fn public_json<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
    ) -> Result<(T, String), PortalError> {
        let response = self.send(self.http.get(self.url(path))).await;
        let response = check_status(response.map_err(unreachable)?).await?;
        let text = response.text().await.map_err(unreachable)?;
        let document =
            serde_json::from_str(&text).map_err(|e| PortalError::Garbage(e.to_string()))?;
        Ok((document, text))
    }

    pub async fn catalogue_json(&self) -> Result<(api::Catalogue, String), PortalError> {
        self.public_json("/v1/catalogue").await
    }

    pub async fn announcements_json(&self) -> Result<(api::Announcements, String), PortalError> {
        self.public_json("/v1/announcements").await
    }

    /// Delivers one queued action. `body` is the exact JSON committed to the outbox, so a retry
    /// sends the same bytes under the same key.
    pub async fn submit_action(
        &self,
        key: Uuid,
        body: &str,
    ) -> Result<api::ActionReceipt, PortalError> {
        let req = self
            .http
            .post(self.url("/v1/actions"))
            .header(api::IDEMPOTENCY_KEY_HEADER, key.to_string())
            .header(header::CONTENT_TYPE, "application/json")
            .body(body.to_string());
        read(self.send(req).await).await
    }
}

fn unreachable(e: reqwest::Error) -> PortalError {
    PortalError::Unreachable(e.to_string())
}

/// How a status other than success is classified: 429 → throttled (with `Retry-After`),
/// 5xx and 408 → server failure, any other → refused for good. Pure, tested on its own.
pub fn error_for_status(
    status: u16,
    retry_after: Option<Duration>,
    error: Option<api::ApiError>,
) -> PortalError {
    if status == StatusCode::TOO_MANY_REQUESTS.as_u16() {
        PortalError::Throttled { retry_after }
    } else if status >= 500 || status == StatusCode::REQUEST_TIMEOUT.as_u16() {
        PortalError::ServerFailure { status }
    } else {
        PortalError::Refused { status, error }
    }
}

async fn check_status(response: Response) -> Result<Response, PortalError> {
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let retry_after = response
        .headers()
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    let error = if status.is_client_error() {
        response.json::<api::ApiError>().await.ok()
    } else {
        None
    };
    Err(error_for_status(status.as_u16(), retry_after, error))
}

async fn read<T: DeserializeOwned>(
    response: Result<Response, reqwest::Error>,
) -> Result<T, PortalError> {
    let response = check_status(response.map_err(unreachable)?).await?;
    let bytes = response.bytes().await.map_err(unreachable)?;
    serde_json::from_slice(&bytes).map_err(|e| PortalError::Garbage(e.to_string()))
}
