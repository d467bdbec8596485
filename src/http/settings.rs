//! `/api/settings`: the settings page's API. Secrets are write-only (the view says only
//! whether one is set); pinned keys are refused naming the layer that pins them.

use super::AppState;
use super::error::{ApiError, ErrorBody};
use super::extract::JsonBody;
use crate::model::Map;
use crate::settings::SettingsView;
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use std::time::Duration;

#[utoipa::path(get, path = "/api/settings", tag = "settings",
    summary = "Settings",
    description = "Every key the admin may edit, its effective value and where it comes from. Secrets are write-only: only whether one is `set`.",
    responses((status = 200, body = SettingsView, example = super::openapi::examples::settings)))]
pub async fn get_settings(State(app): State<AppState>) -> Result<Json<SettingsView>, ApiError> {
    Ok(Json(app.config.view()?))
}

/// `PATCH /api/settings` with `{"obs.port": 4456, "obs.password": "…", "obs.host": null}`;
/// `null` forgets the saved value. All or nothing; answers the new view.
#[utoipa::path(patch, path = "/api/settings", tag = "settings",
    summary = "Change settings",
    description = "Keys with their new values; `null` forgets the saved value. All or nothing; applied live (OBS and Twitch reconnect), except keys marked `restart`.",
    request_body(content = Object, description = "key → value", example = json!({"chat.prefix": "!", "obs.host": "127.0.0.1", "obs.port": 4455})),
    responses(
        (status = 200, description = "The new view", body = SettingsView),
        (status = 409, description = "The key is pinned by the config file or the environment (`setting_pinned`)", body = ErrorBody),
    ))]
pub async fn patch_settings(
    State(app): State<AppState>,
    JsonBody(body): JsonBody<Map>,
) -> Result<Json<SettingsView>, ApiError> {
    Ok(Json(app.config.save(&body).await?))
}

/// What to test; absent fields use the effective settings (so the page can test what the
/// streamer typed before saving it).
/// Not `Debug`: it carries a password.
#[derive(Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"host": "127.0.0.1", "port": 4455, "password": "hunter2"}))]
pub struct ObsTest {
    host: Option<String>,
    port: Option<u16>,
    password: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[schema(example = json!({
    "ok": true, "message": "Connected to OBS 31.0.2 (obs-websocket 5.5.4), 6 scenes",
    "obs_version": "31.0.2", "websocket_version": "5.5.4", "scenes": 6
}))]
pub struct ObsTestResult {
    ok: bool,
    /// `unreachable`, `wrong_password`, `password_required`, `too_old`, `kicked`, `timeout`,
    /// `not_obs`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    reason: Option<&'static str>,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    obs_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    websocket_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scenes: Option<usize>,
}

/// `POST /api/settings/obs/test`: a separate short session to OBS. A failure is a result
/// (200 with `ok: false` and the reason), not an API error.
#[utoipa::path(post, path = "/api/settings/obs/test", tag = "settings",
    summary = "Test an OBS connection",
    description = "A separate short session to OBS with what was typed (absent fields: the saved settings). A failure is a result (`ok: false` with the reason), not an error.",
    request_body = ObsTest,
    responses(
        (status = 200, body = ObsTestResult),
        (status = 422, description = "`host` is empty or `port` is 0", body = ErrorBody),
    ))]
pub async fn test_obs(
    State(app): State<AppState>,
    JsonBody(t): JsonBody<ObsTest>,
) -> Result<Json<ObsTestResult>, ApiError> {
    let current = app.config.current();
    let host = t
        .host
        .as_deref()
        .map(str::trim)
        .unwrap_or(&current.obs.host);
    if host.is_empty() {
        return Err(ApiError::validation("host", "host must not be empty"));
    }
    let port = t.port.unwrap_or(current.obs.port);
    if port == 0 {
        return Err(ApiError::validation(
            "port",
            "port must be between 1 and 65535",
        ));
    }
    let password = t.password.as_deref().unwrap_or(&current.obs.password);
    let timeout = Duration::from_secs_f64(current.obs.request_timeout_s);
    let result = match stagehand_obs::probe(host, port, Some(password), timeout).await {
        Ok(info) => {
            // A session we were kicked from stays down until asked: the test is asking.
            if app.obs.status().state == stagehand_obs::ObsState::Kicked {
                app.obs.reconnect_now();
            }
            ObsTestResult {
                ok: true,
                reason: None,
                message: format!(
                    "Connected to OBS {} (obs-websocket {}), {} scenes",
                    info.obs_version, info.websocket_version, info.scenes
                ),
                obs_version: Some(info.obs_version),
                websocket_version: Some(info.websocket_version),
                scenes: Some(info.scenes),
            }
        }
        Err(e) => ObsTestResult {
            ok: false,
            reason: Some(e.reason()),
            message: e.to_string(),
            obs_version: None,
            websocket_version: None,
            scenes: None,
        },
    };
    Ok(Json(result))
}
