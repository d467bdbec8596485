//! REST handlers (PROTOCOL.md). Writes go to the engine; reads come from committed state.

use super::AppState;
use super::error::{ApiError, ErrorBody};
use super::extract::{IdNamePath, IdPath, JsonBody};
use super::openapi::examples as ex;
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
use utoipa::{IntoParams, ToSchema};

type ApiResult<T> = Result<T, ApiError>;

fn views(app: &AppState) -> ApiResult<Views> {
    Views::new(app.store.read()?)
}

/// `GET /api/status`: what the top bar shows.
#[derive(Serialize, ToSchema)]
#[schema(example = ex::status)]
pub struct Status {
    engine: EngineCounters,
    version: &'static str,
    uptime_s: u64,
    #[schema(value_type = Option<u64>)]
    active_dashboard_id: Option<Id>,
    /// Overlay pages connected (OBS browser sources, the admin's preview).
    overlay_clients: usize,
    admin_clients: usize,
    obs: stagehand_obs::ObsStatus,
    twitch: stagehand_twitch::TwitchStatus,
    chat: ChatCounters,
}

#[derive(Serialize, ToSchema)]
struct EngineCounters {
    /// Requests the engine has planned.
    commands: u64,
    /// Group commits written.
    commits: u64,
}

#[derive(Serialize, ToSchema)]
struct ChatCounters {
    commands_run: u64,
    /// Chat lines ignored because the command was cooling down.
    on_cooldown: u64,
    /// Chat lines dropped because too many waited for the engine.
    dropped_busy: u64,
}

#[utoipa::path(get, path = "/api/status", tag = "status", operation_id = "get_status",
    summary = "Daemon status",
    description = "Version, uptime, the active dashboard, connected overlays and admin pages, OBS and Twitch connection state, chat counters.",
    responses((status = 200, body = Status)))]
pub async fn status(State(app): State<AppState>) -> ApiResult<Json<Status>> {
    use std::sync::atomic::Ordering::Relaxed;
    let (commands, commits) = app.engine.stats();
    Ok(Json(Status {
        engine: EngineCounters { commands, commits },
        version: env!("CARGO_PKG_VERSION"),
        uptime_s: app.started.elapsed().as_secs(),
        active_dashboard_id: app.hub.active_dashboard(),
        overlay_clients: app.hub.client_count(ClientKind::Overlay),
        admin_clients: app.hub.client_count(ClientKind::Admin),
        obs: app.obs.status(),
        twitch: app.twitch.status(),
        chat: ChatCounters {
            commands_run: app.chat_stats.commands_run.load(Relaxed),
            on_cooldown: app.chat_stats.on_cooldown.load(Relaxed),
            dropped_busy: app.chat_stats.dropped_busy.load(Relaxed),
        },
    }))
}

/// A widget type of the library: what it is configured with, renders and can do.
#[derive(Serialize, ToSchema)]
pub struct WidgetTypeInfo {
    widget_class: &'static str,
    display_name: &'static str,
    description: &'static str,
    widget_parameters: Vec<ParamSpec>,
    elements: Vec<ElementInfo>,
    features: Vec<FeatureSpec>,
}

/// An element every widget of the type owns.
#[derive(Serialize, ToSchema)]
struct ElementInfo {
    name: String,
    element_type: crate::model::ElementType,
}

#[utoipa::path(get, path = "/api/widget-types", tag = "widgets",
    summary = "The widget library",
    description = "Every widget type with its widget parameters, elements and features (typed parameter specs: the admin builds its forms from them).",
    responses((status = 200, body = Vec<WidgetTypeInfo>, example = ex::widget_types)))]
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

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Main Stream", "obs_scene": "Gameplay"}))]
pub struct NewDashboard {
    /// The tab's name (1 to 80 characters).
    name: String,
    /// The OBS scene to switch to when it goes live (and back: a scene switch in OBS
    /// activates the dashboard bound to it).
    #[serde(default)]
    obs_scene: Option<String>,
}

#[utoipa::path(get, path = "/api/dashboards", tag = "dashboards",
    summary = "List dashboards",
    responses((status = 200, body = Vec<DashboardSummary>, example = ex::dashboards)))]
pub async fn list_dashboards(
    State(app): State<AppState>,
) -> ApiResult<Json<Vec<DashboardSummary>>> {
    Ok(Json(views(&app)?.dashboards()))
}

#[utoipa::path(post, path = "/api/dashboards", tag = "dashboards",
    summary = "Create a dashboard",
    request_body = NewDashboard,
    responses(
        (status = 201, description = "Created", body = DashboardDetail, example = ex::new_dashboard),
    ))]
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

#[utoipa::path(get, path = "/api/dashboards/{id}", tag = "dashboards",
    summary = "One dashboard with its widgets",
    params(("id" = u64, Path, description = "Dashboard id", example = 1)),
    responses(
        (status = 200, body = DashboardDetail, example = ex::dashboard_detail),
        (status = 404, description = "No such dashboard", body = ErrorBody),
    ))]
pub async fn get_dashboard(
    State(app): State<AppState>,
    IdPath(id): IdPath,
) -> ApiResult<Json<DashboardDetail>> {
    Ok(Json(views(&app)?.dashboard(id)?))
}

#[utoipa::path(patch, path = "/api/dashboards/{id}", tag = "dashboards",
    summary = "Rename, bind a scene, order widgets",
    description = "Absent fields stay as they are; `obs_scene: null` unbinds the scene.",
    params(("id" = u64, Path, description = "Dashboard id", example = 1)),
    request_body = DashboardPatch,
    responses(
        (status = 200, body = DashboardDetail),
        (status = 404, description = "No such dashboard", body = ErrorBody),
        (status = 422, description = "A bad field, e.g. a widget of `widget_ids` that does not exist", body = ErrorBody),
    ))]
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

#[utoipa::path(delete, path = "/api/dashboards/{id}", tag = "dashboards",
    summary = "Delete a dashboard",
    description = "Its widgets stay in the library (they may be on other dashboards).",
    params(("id" = u64, Path, description = "Dashboard id", example = 1)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such dashboard", body = ErrorBody),
    ))]
pub async fn delete_dashboard(
    State(app): State<AppState>,
    IdPath(id): IdPath,
) -> ApiResult<StatusCode> {
    app.engine
        .call(Actor::Admin, Request::DeleteDashboard { id })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/dashboards/{id}/activate", tag = "dashboards",
    summary = "Go live with a dashboard",
    description = "Its widgets render on the overlay; the bound OBS scene is switched to.",
    params(("id" = u64, Path, description = "Dashboard id", example = 1)),
    responses(
        (status = 200, body = DashboardDetail),
        (status = 404, description = "No such dashboard", body = ErrorBody),
    ))]
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

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "widget_class": "ConfettiAlertWidget",
    "name": "Confetti",
    "widget_parameters": {"default_color": "#FF5733", "blast_duration": 3.0},
    "dashboard_ids": [1]
}))]
pub struct NewWidget {
    /// A class of `GET /api/widget-types`.
    widget_class: String,
    name: String,
    /// Checked against the type's `widget_parameters` specs; absent ones get their default.
    #[serde(default)]
    #[schema(value_type = Object)]
    widget_parameters: Map,
    /// Dashboards to put it on.
    #[serde(default)]
    #[schema(value_type = Vec<u64>)]
    dashboard_ids: Vec<Id>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Birthday confetti", "widget_parameters": {"particle_count": 200}}))]
pub struct WidgetPatch {
    name: Option<String>,
    /// Merged over the stored parameters.
    #[schema(value_type = Option<Object>)]
    widget_parameters: Option<Map>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"feature": "trigger_blast", "parameters": {"intensity": "High", "color": "#FF5733"}}))]
pub struct ExecuteBody {
    /// A feature `name` of the widget (`features` of the widget or its type).
    feature: String,
    /// Checked against the feature's parameter specs (422 names the parameter).
    #[serde(default)]
    #[schema(value_type = Object)]
    parameters: Map,
    /// Replays a run with the seed its audit entry recorded (tests, "why did it land
    /// there"); absent → the engine picks one.
    #[serde(default)]
    seed: Option<u64>,
}

#[derive(Serialize, ToSchema)]
pub struct Executed {
    ok: bool,
    /// The widget is on the live dashboard: false means nothing reached the overlay
    /// (the dashboard is on standby).
    live: bool,
    elements: Vec<ElementView>,
}

#[utoipa::path(get, path = "/api/widgets", tag = "widgets",
    summary = "List widgets",
    description = "Every widget of the library, on a dashboard or not, with its elements and features.",
    responses((status = 200, body = Vec<WidgetDetail>)))]
pub async fn list_widgets(State(app): State<AppState>) -> ApiResult<Json<Vec<WidgetDetail>>> {
    Ok(Json(views(&app)?.widgets()?))
}

#[utoipa::path(post, path = "/api/widgets", tag = "widgets",
    summary = "Create a widget",
    request_body = NewWidget,
    responses(
        (status = 201, description = "Created, with its elements", body = WidgetDetail, example = ex::widget),
        (status = 422, description = "An unknown `widget_class`, a bad parameter (`widget_parameters.…`) or a dashboard of `dashboard_ids` that does not exist", body = ErrorBody),
    ))]
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

#[utoipa::path(get, path = "/api/widgets/{id}", tag = "widgets",
    summary = "One widget",
    params(("id" = u64, Path, description = "Widget id", example = 1)),
    responses(
        (status = 200, body = WidgetDetail, example = ex::widget),
        (status = 404, description = "No such widget", body = ErrorBody),
    ))]
pub async fn get_widget(
    State(app): State<AppState>,
    IdPath(id): IdPath,
) -> ApiResult<Json<WidgetDetail>> {
    Ok(Json(views(&app)?.widget(id)?))
}

#[utoipa::path(patch, path = "/api/widgets/{id}", tag = "widgets",
    summary = "Rename a widget or change its parameters",
    params(("id" = u64, Path, description = "Widget id", example = 1)),
    request_body = WidgetPatch,
    responses(
        (status = 200, body = WidgetDetail),
        (status = 404, description = "No such widget", body = ErrorBody),
        (status = 409, description = "The widget's type is not in this build of stagehand", body = ErrorBody),
    ))]
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

#[utoipa::path(delete, path = "/api/widgets/{id}", tag = "widgets",
    summary = "Delete a widget",
    description = "With its elements, follow-up timers, and the chat commands and event bindings that run it; it leaves every dashboard.",
    params(("id" = u64, Path, description = "Widget id", example = 1)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such widget", body = ErrorBody),
    ))]
pub async fn delete_widget(
    State(app): State<AppState>,
    IdPath(id): IdPath,
) -> ApiResult<StatusCode> {
    app.engine
        .call(Actor::Admin, Request::DeleteWidget { id })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/widgets/{id}/execute", tag = "widgets", operation_id = "execute_feature",
    summary = "Run a feature",
    description = "Runs the feature with typed parameters; the overlay shows the result when the widget is on the live dashboard (`live`).",
    params(("id" = u64, Path, description = "Widget id", example = 1)),
    request_body = ExecuteBody,
    responses(
        (status = 200, description = "Ran; the widget's elements after it", body = Executed, example = ex::executed),
        (status = 404, description = "No such widget", body = ErrorBody),
        (status = 409, description = "The widget's type is not in this build of stagehand", body = ErrorBody),
        (status = 422, description = "An unknown `feature` or a wrong parameter (`field` names it, e.g. `parameters.intensity`)", body = ErrorBody),
        (status = 500, description = "The widget failed (`widget_failed`); nothing was written", body = ErrorBody),
        (status = 502, description = "OBS refused an effect of the feature", body = ErrorBody),
    ))]
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

#[utoipa::path(patch, path = "/api/widgets/{id}/elements/{name}", tag = "widgets",
    summary = "Edit an element",
    description = "Position, size, opacity, behaviour, visibility and media of one element, found by its immutable name. `media`: role → media id, a list of ids (a new variation each time it is shown) or `{ids, pick: random|sequence}`; `null` clears the role.",
    params(
        ("id" = u64, Path, description = "Widget id", example = 1),
        ("name" = String, Path, description = "Element name", example = "confetti_particle"),
    ),
    request_body(content = ElementPatch, example = json!({
        "properties": {"position": {"x": 640, "y": 300}, "opacity": 0.9},
        "behavior": {"entrance": {"type": "pop", "duration": 0.5}}
    })),
    responses(
        (status = 200, body = ElementView),
        (status = 404, description = "No such widget or element", body = ErrorBody),
    ))]
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

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// How many entries (default 50, at most 1000).
    #[param(example = 20)]
    limit: Option<usize>,
}

/// The newest audit entries (activity feed), newest first.
#[utoipa::path(get, path = "/api/audit", tag = "status", operation_id = "list_audit",
    summary = "Activity feed",
    description = "The newest audit entries, newest first: who ran what, when, with which result.",
    params(AuditQuery),
    responses(
        (status = 200, body = Vec<AuditEntry>, example = ex::audit),
        (status = 422, description = "`limit` is not a number", body = ErrorBody),
    ))]
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
#[utoipa::path(get, path = "/api/obs/scenes", tag = "obs",
    summary = "OBS scenes",
    description = "The scenes of the connected OBS, for binding dashboards to scenes.",
    responses(
        (status = 200, body = Vec<stagehand_obs::SceneInfo>, example = json!([{"name": "Gameplay", "uuid": "2f1c9a3e-6d1b-4c55-9b1a-0c4a3f2e7d10"}])),
        (status = 503, description = "OBS is not connected (`obs_unavailable`)", body = ErrorBody),
        (status = 504, description = "OBS did not answer in time", body = ErrorBody),
    ))]
pub async fn obs_scenes(
    State(app): State<AppState>,
) -> ApiResult<Json<Vec<stagehand_obs::SceneInfo>>> {
    Ok(Json(app.obs.scenes().await?))
}

/// Retry now: after a kick in OBS, a wrong password fixed in OBS, or to skip the backoff.
#[utoipa::path(post, path = "/api/obs/reconnect", tag = "obs",
    summary = "Reconnect to OBS now",
    description = "After a kick in OBS, a password fixed in OBS, or to skip the backoff.",
    responses((status = 202, description = "A connection attempt starts")))]
pub async fn obs_reconnect(State(app): State<AppState>) -> StatusCode {
    app.obs.reconnect_now();
    StatusCode::ACCEPTED
}

// ---- backups ----

/// A backup of the data file.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"file": "data/backups/stagehand-1733338800.redb", "bytes": 1048576}))]
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
#[utoipa::path(get, path = "/api/backups", tag = "backups",
    summary = "List backups",
    description = "Backups of the data file (rotating, taken between commits), newest first.",
    responses((status = 200, body = Vec<BackupInfo>)))]
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
#[utoipa::path(post, path = "/api/backups", tag = "backups",
    summary = "Back up now",
    description = "Before a big change of the setup; written between two commits.",
    responses(
        (status = 201, description = "Written", body = BackupInfo),
        (status = 507, description = "The backup could not be written (`backup_failed`)", body = ErrorBody),
    ))]
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
