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

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WsQuery {
    /// `overlay` (default: read-only, no token) or `admin` (also gets audit, OBS/Twitch
    /// status and chat frames; needs the admin token).
    #[param(example = "overlay")]
    client_type: Option<String>,
    /// Free-form overlay instance name (several browser sources), for logs.
    #[param(example = "main-scene")]
    instance: Option<String>,
    /// The admin token for `client_type=admin` (browsers cannot set headers on a WebSocket).
    token: Option<String>,
}

#[utoipa::path(get, path = "/ws", tag = "overlay", operation_id = "websocket",
    summary = "WebSocket (MessagePack frames)",
    description = "Upgrades to a WebSocket carrying MessagePack frames: a snapshot, then element updates and dashboard (de)activation with a gap-free `seq`; `client_type=admin` also gets `command_executed`, `obs_status`, `obs_scenes_changed`, `twitch_status` and `chat_message`. The frames, resync and the overlay DOM contract are in docs/protocol.md.",
    security(()),
    params(WsQuery),
    responses(
        (status = 101, description = "Switching protocols: the WebSocket session starts"),
        (status = 400, description = "Not a WebSocket upgrade, or a bad query", body = super::error::ErrorBody),
        (status = 401, description = "`client_type=admin` without a valid token", body = super::error::ErrorBody),
        (status = 403, description = "`client_type=admin` from a foreign Origin", body = super::error::ErrorBody),
        (status = 422, description = "`client_type` is neither overlay nor admin", body = super::error::ErrorBody),
    ))]

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
        joined: (kind == ClientKind::Overlay).then(|| {
            let engine = app.engine.clone();
            Box::new(move || engine.wake()) as Box<dyn FnOnce() + Send + Sync>
        }),
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
