//! `/ws?client_type=overlay|admin`: upgrades and hands the socket to a hub session.

use super::AppState;
use super::error::ApiError;
use super::guard::{check_origin, check_token};
use crate::hub::ClientKind;
use crate::hub::session::Session;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::time::Duration;

/// Bytes buffered before a write goes to the socket, and the most one connection may hold
/// (room for the largest snapshot; a client that never reads is dropped before it fills).
const WRITE_BUFFER: usize = 64 * 1024;
const WRITE_BUFFER_MAX: usize = 16 * 1024 * 1024;

#[derive(Deserialize)]
pub struct WsQuery {
    client_type: Option<String>,
    /// Free-form overlay instance name (several browser sources), for logs.
    instance: Option<String>,
    token: Option<String>,
}

pub async fn upgrade(
    State(app): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<WsQuery>, axum::extract::rejection::QueryRejection>,
    upgrade: Result<WebSocketUpgrade, axum::extract::ws::rejection::WebSocketUpgradeRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = query.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let kind = match q.client_type.as_deref() {
        None | Some("overlay") => ClientKind::Overlay,
        Some("admin") => {
            check_token(&app, &headers, q.token.as_deref())?;
            check_origin(&app, &headers)?;
            ClientKind::Admin
        }
        Some(other) => {
            return Err(ApiError::validation(
                "client_type",
                format!("client_type must be overlay or admin, got '{other}'"),
            ));
        }
    };
    let upgrade =
        upgrade.map_err(|e| ApiError::bad_request(format!("expected a WebSocket upgrade: {e}")))?;
    let session = Session {
        hub: app.hub.clone(),
        kind,
        send_timeout: Duration::from_secs_f64(app.settings.overlay.send_timeout_s),
        shutdown: app.shutdown.clone(),
    };
    let instance = q.instance.unwrap_or_default();
    tracing::debug!(?kind, instance, "client connected");
    // Clients only ever send tiny control frames. Our writes are bounded too: a client that
    // does not read fills at most WRITE_BUFFER_MAX (then its session ends) instead of
    // queueing Pongs and frames without limit.
    Ok(upgrade
        .max_message_size(64 * 1024)
        .max_frame_size(64 * 1024)
        .write_buffer_size(WRITE_BUFFER)
        .max_write_buffer_size(WRITE_BUFFER_MAX)
        .on_upgrade(move |socket| session.run(socket))
        .into_response())
}
