//! The one place errors become HTTP: `{"error": {code, message, field?}}` with a 4xx for
//! anything the client can fix. A 5xx means a real server-side failure (logged).

use crate::engine::EngineError;
use crate::store::StoreError;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub field: Option<String>,
    /// Seconds for a `Retry-After` header (503 busy).
    pub retry_after_s: Option<u32>,
}

/// The one error body every endpoint answers with.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(example = json!({"error": {
    "code": "validation_failed",
    "message": "parameters.intensity: must be one of Low, Medium, High",
    "field": "parameters.intensity",
    "request_id": "5f0c2a9d41e3b7a8"
}}))]
pub struct ErrorBody<'a> {
    error: ErrorDetail<'a>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct ErrorDetail<'a> {
    /// Stable machine-readable code: `validation_failed`, `not_found`, `conflict`,
    /// `unauthorized`, `forbidden_origin`, `busy`, …
    code: &'a str,
    /// A sentence for people.
    message: &'a str,
    /// The request field to fix (`name`, `parameters.intensity`, `id`), when one is at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
    /// The id of the request (also in its log lines and the `x-request-id` header).
    #[serde(skip_serializing_if = "Option::is_none")]
    request_id: Option<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            field: None,
            retry_after_s: None,
        }
    }

    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            message,
        )
        .field(field)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }
}

impl From<EngineError> for ApiError {
    fn from(e: EngineError) -> Self {
        match e {
            EngineError::NotFound { .. } => ApiError::not_found(e.to_string()),
            EngineError::Validation { field, message } => ApiError::validation(field, message),
            EngineError::Conflict(m) => ApiError::new(StatusCode::CONFLICT, "conflict", m),
            // A panic inside a widget is a bug on our side, not input the client can fix, so
            // it is a 500 — with its own code `widget_failed` and a message naming the widget
            // and feature, so the admin UI can say which widget misbehaved. Nothing of the
            // request was written; the engine keeps serving.
            EngineError::WidgetFailed { .. } => ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "widget_failed",
                e.to_string(),
            ),
            EngineError::Storage(s) => s.into(),
            EngineError::Busy { .. } => {
                let mut busy =
                    ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "busy", e.to_string());
                busy.retry_after_s = Some(1);
                busy
            }
            EngineError::Unavailable => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                e.to_string(),
            ),
            EngineError::CommitFailed(_) => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "storage_unavailable",
                e.to_string(),
            ),
        }
    }
}

impl From<crate::settings::SettingsError> for ApiError {
    fn from(e: crate::settings::SettingsError) -> Self {
        use crate::settings::SettingsError as S;
        match e {
            S::Invalid { field, message } => ApiError::validation(field, message),
            S::Pinned { ref field, .. } => {
                let field = field.clone();
                ApiError::new(StatusCode::CONFLICT, "setting_pinned", e.to_string()).field(field)
            }
            S::Engine(e) => e.into(),
            S::Store(e) => e.into(),
        }
    }
}

impl From<crate::accounts::AccountError> for ApiError {
    fn from(e: crate::accounts::AccountError) -> Self {
        use crate::accounts::AccountError as A;
        use stagehand_twitch::auth::AuthError;
        match e {
            A::NoClientId => ApiError::validation("twitch.client_id", e.to_string()),
            A::Twitch(AuthError::Unreachable(_)) => {
                ApiError::new(StatusCode::BAD_GATEWAY, "twitch_unreachable", e.to_string())
            }
            // Twitch refused the client id (unknown, or not a public client).
            A::Twitch(_) => ApiError::validation("twitch.client_id", e.to_string()),
            A::Settings(e) => e.into(),
        }
    }
}

impl From<stagehand_obs::ObsError> for ApiError {
    fn from(e: stagehand_obs::ObsError) -> Self {
        use stagehand_obs::ObsError as O;
        let (status, code) = match &e {
            O::NotConnected => (StatusCode::SERVICE_UNAVAILABLE, "obs_unavailable"),
            O::NotFound { .. } => (StatusCode::NOT_FOUND, "not_found"),
            O::Timeout => (StatusCode::GATEWAY_TIMEOUT, "obs_timeout"),
            _ => (StatusCode::BAD_GATEWAY, "obs_error"),
        };
        ApiError::new(status, code, e.to_string())
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        tracing::error!(error = %e, "storage read failed");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "storage_error",
            e.to_string(),
        )
    }
}

impl From<crate::bundle::BundleError> for ApiError {
    fn from(e: crate::bundle::BundleError) -> Self {
        use crate::bundle::BundleError as B;
        match &e {
            B::Invalid { field, message } => ApiError::validation(field.clone(), message.clone()),
            B::TooLarge { .. } => {
                ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", e.to_string())
                    .field("bundle")
            }
            B::UnknownVersion { .. } => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unsupported_version",
                e.to_string(),
            )
            .field("manifest.version"),
            B::Io(_) | B::Store(_) => {
                tracing::error!(error = %e, "bundle i/o failed");
                ApiError::new(
                    StatusCode::INSUFFICIENT_STORAGE,
                    "storage_error",
                    e.to_string(),
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code,
                message: &self.message,
                field: self.field.as_deref(),
                request_id: super::request_id::current(),
            },
        };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(s) = self.retry_after_s {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, s.into());
        }
        response
    }
}
