//! The Komek gateway: the kiosk's one counterpart. It keeps its own database, authenticates
//! participants, serves their programme and the public catalogue, and applies queued actions
//! exactly once. Its side toward the state systems (portal, E-Sobes) is this crate's adapter
//! boundary; the demo data stand in for them.

mod actions;
mod actor;
mod announcements;
mod audit;
pub mod auth;
pub mod card;
mod challenge;
mod contact;
mod db;
mod demo;
pub mod devices;
mod error;
mod lockout;
mod offers;
pub mod operators;
mod participant;
mod proof;
mod representation;
mod signing;
mod technicians;
mod tickets;
pub mod tls;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use komek_api::Health;
use tokio::net::TcpListener;
use utoipa::OpenApi;

pub use db::Db;
pub use error::GatewayError;

#[derive(Debug, Clone)]
pub struct GatewayConfig {
    pub db_path: PathBuf,
    /// Folder with the demo data (`assets/demo`); loaded at start when given.
    pub demo_data: Option<PathBuf>,
    /// Serves `/dev/*` (one-time codes in the clear). Never on a production gateway.
    pub dev_endpoints: bool,
    /// How long after login a queued action may still be delivered.
    pub grant_lifetime: chrono::Duration,
    /// Certificates (DER) the national ID card's certificates must be issued by; without any,
    /// card login and card-signed applications are refused.
    pub card_roots: Vec<Vec<u8>>,
    /// eGov Mobile's side presents this as `Authorization: Bearer` to approve a QR login;
    /// without it the approval endpoint refuses everyone.
    pub egov_token: Option<String>,
    /// How long a QR login may be approved ([`card::QR_LIFETIME`] by default).
    pub qr_lifetime: chrono::Duration,
}

#[derive(Clone)]
pub struct AppState {
    db: Db,
    config: Arc<GatewayConfig>,
    card_roots: Arc<card::Roots>,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Komek gateway",
        description = "The kiosk's counterpart toward the portal of social services."
    ),
    paths(
        health,
        auth::request_otp,
        auth::verify_otp,
        auth::logout,
        auth::dev_otp,
        card::login::challenge,
        card::login::verify_login,
        card::qr::start,
        card::qr::login_state,
        card::qr::egov_approve,
        card::qr::dev_approve,
        participant::profile,
        participant::activities,
        representation::principals,
        offers::mine,
        contact::request_phone_otp,
        contact::verify_phone_otp,
        signing::request_sign_otp,
        signing::verify_sign_otp,
        participant::catalogue,
        announcements::list,
        actions::submit,
        tickets::mine,
        tickets::record_event,
        operators::activities::reopen_activity,
        operators::session::login,
        devices::enrol,
        devices::issue_enrolment,
        devices::revoke,
        devices::list,
        technicians::add,
        technicians::revoke,
        technicians::login_card,
        technicians::login_code,
        technicians::step
    ),
    components(schemas(komek_api::ApiError, komek_api::ErrorCode))
)]
pub struct ApiDoc;

#[utoipa::path(get, path = "/healthz", responses((status = 200, body = Health)))]
async fn health() -> axum::Json<Health> {
    axum::Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    })
}

async fn openapi() -> axum::Json<utoipa::openapi::OpenApi> {
    axum::Json(ApiDoc::openapi())
}

/// Opens the database, loads demo data when configured, and builds the HTTP routes.
pub fn build(config: GatewayConfig) -> Result<Router, GatewayError> {
    let db = Db::open(&config.db_path)?;
    if let Some(dir) = &config.demo_data {
        let today = komek_domain::astana::date_on(chrono::Utc::now());
        demo::load(&mut db.lock(), dir, today)?;
    }
    let card_roots = card::Roots::from_der(&config.card_roots)
        .map_err(|e| GatewayError::CardRoots(e.to_string()))?;
    let dev_endpoints = config.dev_endpoints;
    let state = AppState {
        db,
        config: Arc::new(config),
        card_roots: Arc::new(card_roots),
    };
    // What kiosks ask: every request signed by an enrolled kiosk.
    let kiosk_routes = Router::new()
        .route("/v1/auth/otp", post(auth::request_otp))
        .route("/v1/auth/otp/verify", post(auth::verify_otp))
        .route("/v1/auth/logout", post(auth::logout))
        .route("/v1/auth/card/challenge", post(card::login::challenge))
        .route("/v1/auth/card/verify", post(card::login::verify_login))
        .route("/v1/auth/qr", post(card::qr::start))
        .route("/v1/auth/qr/{session_id}", get(card::qr::login_state))
        .route("/v1/me", get(participant::profile))
        .route("/v1/me/activities", get(participant::activities))
        .route("/v1/me/principals", get(representation::principals))
        .route("/v1/me/offers", get(offers::mine))
        .route("/v1/me/phone/otp", post(contact::request_phone_otp))
        .route("/v1/me/phone/otp/verify", post(contact::verify_phone_otp))
        .route(
            "/v1/me/application/sign/otp",
            post(signing::request_sign_otp),
        )
        .route(
            "/v1/me/application/sign/otp/verify",
            post(signing::verify_sign_otp),
        )
        .route("/v1/catalogue", get(participant::catalogue))
        .route("/v1/announcements", get(announcements::list))
        .route("/v1/actions", post(actions::submit))
        .route("/v1/me/failure-requests", get(tickets::mine))
        .route("/v1/technician/login/card", post(technicians::login_card))
        .route("/v1/technician/login/code", post(technicians::login_code))
        .route("/v1/technician/audit", post(technicians::step))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            devices::authenticate,
        ));
    // What others ask: each route checks its own credential (an operator's, eGov Mobile's, or
    // the enrolment code with the key it enrols).
    let mut router = Router::new()
        .route("/healthz", get(health))
        .route("/openapi.json", get(openapi))
        .route("/v1/devices/enrol", post(devices::enrol))
        .route("/v1/egov/qr/{code}/approve", post(card::qr::egov_approve))
        .route(
            "/v1/operator/tickets/{reference}/events",
            post(tickets::record_event),
        )
        .route(
            "/v1/operator/activities/{id}/reopen",
            post(operators::activities::reopen_activity),
        )
        .route("/v1/operator/login", post(operators::login))
        .route(
            "/v1/operator/devices/enrolments",
            post(devices::issue_enrolment),
        )
        .route("/v1/operator/devices", get(devices::list))
        .route("/v1/operator/technicians", post(technicians::add))
        .route(
            "/v1/operator/technicians/{technician_id}/revoke",
            post(technicians::revoke),
        )
        .route(
            "/v1/operator/devices/{kiosk_id}/revoke",
            post(devices::revoke),
        )
        .merge(kiosk_routes);
    if dev_endpoints {
        router = router
            .route("/dev/otp/{challenge_id}", get(auth::dev_otp))
            .route("/dev/qr/{session_id}/approve", post(card::qr::dev_approve))
            .route("/dev/enrolments", post(devices::dev_issue_enrolment))
            .route("/dev/technician-code/{iin}", get(technicians::dev_code));
    }
    Ok(router.with_state(state))
}

/// A gateway serving on a bound address until it is dropped or `shutdown` is called.
pub struct RunningGateway {
    pub addr: SocketAddr,
    scheme: &'static str,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl RunningGateway {
    pub fn url(&self) -> String {
        format!("{}://{}", self.scheme, self.addr)
    }

    /// Stops serving: in-flight requests get five seconds to finish, then the task is ended.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if tokio::time::timeout(GRACE, &mut self.task).await.is_err() {
            self.task.abort();
        }
    }
}

/// How long requests in flight may take to finish when the gateway stops.
const GRACE: std::time::Duration = std::time::Duration::from_secs(5);

impl Drop for RunningGateway {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.task.abort();
    }
}

/// Binds `listen` and serves in a task on the current tokio runtime.
pub async fn spawn(
    config: GatewayConfig,
    listen: SocketAddr,
) -> Result<RunningGateway, GatewayError> {
    let router = build(config)?;
    let listener = TcpListener::bind(listen).await?;
    let addr = listener.local_addr()?;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let served = axum::serve(listener, router)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await;
        if let Err(e) = served {
            tracing::error!(error = %e, "gateway stopped serving");
        }
    });
    tracing::info!(%addr, "gateway listening");
    Ok(RunningGateway {
        addr,
        scheme: "http",
        shutdown: Some(tx),
        task,
    })
}

/// Binds `listen` and serves HTTPS with `tls` in a task on the current tokio runtime.
pub async fn spawn_tls(
    config: GatewayConfig,
    listen: SocketAddr,
    tls: rustls::ServerConfig,
) -> Result<RunningGateway, GatewayError> {
    let router = build(config)?;
    let listener = std::net::TcpListener::bind(listen)?;
    let addr = listener.local_addr()?;
    let handle = axum_server::Handle::new();
    let tls = axum_server::tls_rustls::RustlsConfig::from_config(Arc::new(tls));
    let server = axum_server::from_tcp_rustls(listener, tls)?.handle(handle.clone());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        tokio::spawn(async move {
            // Sent, or the gateway dropped: either way it stops.
            let _ = rx.await;
            handle.graceful_shutdown(Some(GRACE));
        });
        if let Err(e) = server.serve(router.into_make_service()).await {
            tracing::error!(error = %e, "gateway stopped serving");
        }
    });
    tracing::info!(%addr, "gateway listening (HTTPS)");
    Ok(RunningGateway {
        addr,
        scheme: "https",
        shutdown: Some(tx),
        task,
    })
}
