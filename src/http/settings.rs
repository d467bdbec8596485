//! `/api/settings`: the settings page's API. Secrets are write-only (the view says only
//! whether one is set); pinned keys are refused naming the layer that pins them.

use super::AppState;
use super::error::ApiError;
use super::extract::JsonBody;
use crate::model::Map;
use crate::settings::SettingsView;
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use std::time::Duration;

pub async fn get_settings(State(app): State<AppState>) -> Result<Json<SettingsView>, ApiError> {
    Ok(Json(app.config.view()?))
}

/// `PATCH /api/settings` with `{"obs.port": 4456, "obs.password": "…", "obs.host": null}`;
/// `null` forgets the saved value. All or nothing; answers the new view.
pub async fn patch_settings(
    State(app): State<AppState>,
    JsonBody(body): JsonBody<Map>,
) -> Result<Json<SettingsView>, ApiError> {
    Ok(Json(app.config.save(&body).await?))
}

/// What to test; absent fields use the effective settings (so the page can test what the
/// streamer typed before saving it).
/// Not `Debug`: it carries a password.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObsTest {
    host: Option<String>,
    port: Option<u16>,
    password: Option<String>,
}

#[derive(Serialize)]
pub struct ObsTestResult {
    ok: bool,
    /// `unreachable`, `wrong_password`, `password_required`, `too_old`, `kicked`, `timeout`,
    /// `not_obs`.
    #[serde(skip_serializing_if = "Option::is_none")]
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
