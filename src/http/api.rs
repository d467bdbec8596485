//! REST handlers (PROTOCOL.md). Writes go to the engine; reads come from committed state.

use super::AppState;
use super::error::ApiError;
use super::extract::{IdNamePath, IdPath, JsonBody};
use super::views::{DashboardDetail, DashboardSummary, Views, WidgetDetail};
use crate::engine::{DashboardPatch, ElementPatch, Request};
use crate::hub::ClientKind;
use crate::model::{Actor, AuditEntry, ElementView, Id, Map};
use crate::widgets::{self, FeatureSpec, params::ParamSpec};
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;

type ApiResult<T> = Result<T, ApiError>;

fn views(app: &AppState) -> ApiResult<Views> {
    Views::new(app.store.read()?)
}

pub async fn status(State(app): State<AppState>) -> ApiResult<Json<serde_json::Value>> {
    let (commands, commits) = app.engine.stats();
    Ok(Json(json!({
        "engine": {"commands": commands, "commits": commits},
        "version": env!("CARGO_PKG_VERSION"),
        "uptime_s": app.started.elapsed().as_secs(),
        "active_dashboard_id": app.hub.active_dashboard(),
        "overlay_clients": app.hub.client_count(ClientKind::Overlay),
        "admin_clients": app.hub.client_count(ClientKind::Admin),
        "obs": app.obs.status(),
        "twitch": app.twitch.status(),
        "chat": {
            "commands_run": app.chat_stats.commands_run.load(std::sync::atomic::Ordering::Relaxed),
            "on_cooldown": app.chat_stats.on_cooldown.load(std::sync::atomic::Ordering::Relaxed),
            "dropped_busy": app.chat_stats.dropped_busy.load(std::sync::atomic::Ordering::Relaxed),
        },
    })))
}

#[derive(Serialize)]
pub struct WidgetTypeInfo {
    widget_class: &'static str,
    display_name: &'static str,
    description: &'static str,
    widget_parameters: Vec<ParamSpec>,
    elements: Vec<ElementInfo>,
    features: Vec<FeatureSpec>,
}

#[derive(Serialize)]
struct ElementInfo {
    name: String,
    element_type: crate::model::ElementType,
}

pub async fn widget_types() -> Json<Vec<WidgetTypeInfo>> {
    Json(
        widgets::REGISTRY
            .iter()
            .map(|w| {
                let specs = w.parameters();
                let defaults = widgets::params::validate(&specs, &Map::new()).unwrap_or_default();
                WidgetTypeInfo {
                    widget_class: w.class(),
                    display_name: w.display_name(),
                    description: w.description(),
                    elements: w
                        .elements(&defaults)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|e| ElementInfo {
                            name: e.name,
                            element_type: e.element_type,
                        })
                        .collect(),
                    features: w.features(&defaults),
                    widget_parameters: specs,
                }
            })
            .collect(),
    )
}

// ---- dashboards ----

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewDashboard {
    name: String,
    #[serde(default)]
    obs_scene: Option<String>,
}

pub async fn list_dashboards(
    State(app): State<AppState>,
) -> ApiResult<Json<Vec<DashboardSummary>>> {
    Ok(Json(views(&app)?.dashboards()))
}

pub async fn create_dashboard(
    State(app): State<AppState>,
    JsonBody(b): JsonBody<NewDashboard>,
) -> ApiResult<Response> {
    let id = app
        .engine
        .call(
            Actor::Admin,
            Request::CreateDashboard {
                name: b.name,
                obs_scene: b.obs_scene,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(views(&app)?.dashboard(id)?)).into_response())
}

pub async fn get_dashboard(
    State(app): State<AppState>,
    IdPath(id): IdPath,
) -> ApiResult<Json<DashboardDetail>> {
    Ok(Json(views(&app)?.dashboard(id)?))
}

pub async fn update_dashboard(
    State(app): State<AppState>,
    IdPath(id): IdPath,
    JsonBody(patch): JsonBody<DashboardPatch>,
) -> ApiResult<Json<DashboardDetail>> {
    app.engine
        .call(Actor::Admin, Request::UpdateDashboard { id, patch })
        .await?;
    Ok(Json(views(&app)?.dashboard(id)?))
}

pub async fn delete_dashboard(
    State(app): State<AppState>,
    IdPath(id): IdPath,
) -> ApiResult<StatusCode> {
    app.engine
        .call(Actor::Admin, Request::DeleteDashboard { id })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn activate_dashboard(
    State(app): State<AppState>,
    IdPath(id): IdPath,
) -> ApiResult<Json<DashboardDetail>> {
    app.engine
        .call(Actor::Admin, Request::ActivateDashboard { id })
        .await?;
    Ok(Json(views(&app)?.dashboard(id)?))
}

// ---- widgets ----

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewWidget {
    widget_class: String,
    name: String,
    #[serde(default)]
    widget_parameters: Map,
    #[serde(default)]
    dashboard_ids: Vec<Id>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WidgetPatch {
    name: Option<String>,
    widget_parameters: Option<Map>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExecuteBody {
    feature: String,
    #[serde(default)]
    parameters: Map,
    /// Replays a run with the seed its audit entry recorded (tests, "why did it land
    /// there"); absent → the engine picks one.
    #[serde(default)]
    seed: Option<u64>,
}

#[derive(Serialize)]
pub struct Executed {
    ok: bool,
    /// The widget is on the live dashboard: false means nothing reached the overlay
    /// (the dashboard is on standby).
    live: bool,
    elements: Vec<ElementView>,
}

pub async fn list_widgets(State(app): State<AppState>) -> ApiResult<Json<Vec<WidgetDetail>>> {
    Ok(Json(views(&app)?.widgets()?))
}

pub async fn create_widget(
    State(app): State<AppState>,
    JsonBody(b): JsonBody<NewWidget>,
) -> ApiResult<Response> {
    let req = Request::CreateWidget {
        widget_class: b.widget_class,
        name: b.name,
        widget_parameters: b.widget_parameters,
        dashboard_ids: b.dashboard_ids,
    };
    let id = app.engine.call(Actor::Admin, req).await?;
    Ok((StatusCode::CREATED, Json(views(&app)?.widget(id)?)).into_response())
}

pub async fn get_widget(
    State(app): State<AppState>,
    IdPath(id): IdPath,
) -> ApiResult<Json<WidgetDetail>> {
    Ok(Json(views(&app)?.widget(id)?))
}

pub async fn update_widget(
    State(app): State<AppState>,
    IdPath(id): IdPath,
    JsonBody(b): JsonBody<WidgetPatch>,
) -> ApiResult<Json<WidgetDetail>> {
    let req = Request::UpdateWidget {
        id,
        name: b.name,
        widget_parameters: b.widget_parameters,
    };
    app.engine.call(Actor::Admin, req).await?;
    Ok(Json(views(&app)?.widget(id)?))
}

pub async fn delete_widget(
    State(app): State<AppState>,
    IdPath(id): IdPath,
) -> ApiResult<StatusCode> {
    app.engine
        .call(Actor::Admin, Request::DeleteWidget { id })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn execute(
    State(app): State<AppState>,
    IdPath(widget_id): IdPath,
    JsonBody(b): JsonBody<ExecuteBody>,
) -> ApiResult<Json<Executed>> {
    let started = std::time::Instant::now();
    let result = run_execute(&app, widget_id, b).await;
    crate::metrics::Metrics::observe(&crate::metrics::METRICS.execute_seconds, started.elapsed());
    result
}

async fn run_execute(app: &AppState, widget_id: Id, b: ExecuteBody) -> ApiResult<Json<Executed>> {
    let req = Request::Execute {
        widget_id,
        feature: b.feature,
        parameters: b.parameters,
        seed: b.seed,
    };
    let done = app.engine.call_done(Actor::Admin, req).await?;
    crate::bridge::obs::run_effects(&app.engine, &app.obs, done)
        .await
        .map_err(effect_error)?;
    let views = views(app)?;
    let live = match app.hub.active_dashboard() {
        Some(active) => views
            .reader()
            .dashboard(active)?
            .is_some_and(|d| d.widget_ids.contains(&widget_id)),
        None => false,
    };
    Ok(Json(Executed {
        ok: true,
        live,
        elements: views.elements(widget_id)?,
    }))
}

/// An OBS refusal of a feature's effect names the parameter that was wrong.
fn effect_error(e: stagehand_obs::ObsError) -> ApiError {
    match &e {
        stagehand_obs::ObsError::NotFound { what, .. } => {
            let field = if *what == "source" {
                "parameters.source"
            } else {
                "parameters.scene"
            };
            ApiError::validation(field, e.to_string())
        }
        _ => e.into(),
    }
}

pub async fn patch_element(
    State(app): State<AppState>,
    IdNamePath(widget_id, name): IdNamePath,
    JsonBody(mut patch): JsonBody<ElementPatch>,
) -> ApiResult<Json<ElementView>> {
    for map in [&mut patch.properties, &mut patch.behavior]
        .into_iter()
        .flatten()
    {
        map.values_mut().for_each(strip_control_chars);
    }
    app.engine
        .call(
            Actor::Admin,
            Request::PatchElement {
                widget_id,
                name: name.clone(),
                patch,
            },
        )
        .await?;
    Ok(Json(views(&app)?.element(widget_id, &name)?))
}

/// Control characters have no business on an overlay (text is shown as typed): every string
/// of an element edit loses them, newlines and tabs excepted, as feature text does.
pub(super) fn strip_control_chars(v: &mut serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::String(s) if s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') => {
            s.retain(|c| !c.is_control() || c == '\n' || c == '\t');
        }
        Value::Array(items) => items.iter_mut().for_each(strip_control_chars),
        Value::Object(m) => m.values_mut().for_each(strip_control_chars),
        _ => {}
    }
}

// ---- audit ----

#[derive(Deserialize)]
pub struct AuditQuery {
    limit: Option<usize>,
}

/// The newest audit entries (activity feed), newest first.
pub async fn audit(
    State(app): State<AppState>,
    q: Result<Query<AuditQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Json<Vec<AuditEntry>>> {
    let Query(q) = q.map_err(|e| ApiError::validation("limit", e.body_text()))?;
    let limit = q.limit.unwrap_or(50).min(1000);
    Ok(Json(views(&app)?.reader().audit(limit)?))
}

// ---- OBS ----

/// Scenes of the connected OBS, for the dashboard binding dropdown (503 when not connected).
pub async fn obs_scenes(
    State(app): State<AppState>,
) -> ApiResult<Json<Vec<stagehand_obs::SceneInfo>>> {
    Ok(Json(app.obs.scenes().await?))
}

/// Retry now: after a kick in OBS, a wrong password fixed in OBS, or to skip the backoff.
pub async fn obs_reconnect(State(app): State<AppState>) -> StatusCode {
    app.obs.reconnect_now();
    StatusCode::ACCEPTED
}

// ---- backups ----

#[derive(serde::Serialize)]
pub struct BackupInfo {
    file: String,
    bytes: u64,
}

fn backup_info(p: &std::path::Path) -> BackupInfo {
    BackupInfo {
        file: p.display().to_string(),
        bytes: std::fs::metadata(p).map_or(0, |m| m.len()),
    }
}

/// Backups of the data file, newest first.
pub async fn list_backups(State(app): State<AppState>) -> Json<Vec<BackupInfo>> {
    let dir = app.settings.storage.data_dir.clone();
    Json(
        crate::store::backup::list(&dir)
            .iter()
            .map(|p| backup_info(p))
            .collect(),
    )
}

/// A backup now (between two commits), e.g. before a big change of the setup.
pub async fn backup_now(State(app): State<AppState>) -> ApiResult<(StatusCode, Json<BackupInfo>)> {
    let path = app.engine.backup().await.map_err(|e| {
        ApiError::new(
            StatusCode::INSUFFICIENT_STORAGE,
            "backup_failed",
            format!("could not write the backup: {e}"),
        )
    })?;
    Ok((StatusCode::CREATED, Json(backup_info(&path))))
}
