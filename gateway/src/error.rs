//! Errors of the gateway and their HTTP answers.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use komek_api::{ApiError, ErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database migration: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("demo data: {0}")]
    DemoData(String),
    #[error("stored time: {0}")]
    StoredTime(String),
    #[error("a kiosk's stored public key: {0}")]
    StoredKey(String),
    #[error("stored data: {0}")]
    Json(#[from] serde_json::Error),
    #[error("card roots: {0}")]
    CardRoots(String),
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    #[error("TLS: {0}")]
    Tls(String),
    #[error("operator account: {0}")]
    Operator(String),
}

/// An answer refusing a request, with the stable code the kiosk translates.
#[derive(Debug, Clone)]
pub struct Refusal {
    pub status: StatusCode,
    pub body: ApiError,
    pub retry_after_secs: Option<u64>,
}

impl Refusal {
    pub fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        Refusal {
            status,
            body: ApiError {
                code,
                message: message.into(),
                attempts_left: None,
            },
            retry_after_secs: None,
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, ErrorCode::BadRequest, message)
    }

    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::Unauthorized,
            "missing, unknown or expired session",
        )
    }
}

impl From<GatewayError> for Refusal {
    fn from(e: GatewayError) -> Self {
        tracing::error!(error = %e, "internal error");
        Refusal::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::Internal,
            "internal error",
        )
    }
}

impl From<rusqlite::Error> for Refusal {
    fn from(e: rusqlite::Error) -> Self {
        GatewayError::from(e).into()
    }
}

impl From<serde_json::Error> for Refusal {
    fn from(e: serde_json::Error) -> Self {
        GatewayError::from(e).into()
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body)).into_response();
        if let Some(v) = self
            .retry_after_secs
            .and_then(|secs| HeaderValue::from_str(&secs.to_string()).ok())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
    }
}
