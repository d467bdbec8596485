//! `/api/commands` and `/api/event-bindings` (PROTOCOL.md). Bodies are merged over the stored
//! record by the engine, so PATCH may send only the changed fields.

use super::AppState;
use super::error::ApiError;
use super::extract::{IdPath, JsonBody};
use crate::chat;
use crate::engine::Request;
use crate::model::{Actor, ChatCommand, EventBinding, Id, Map};
use crate::store::StoreReader;
use crate::widgets;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::Value;

type ApiResult<T> = Result<T, ApiError>;

/// A command with the usage line viewers will see.
#[derive(Serialize)]
pub struct CommandView {
    #[serde(flatten)]
    command: ChatCommand,
    usage: String,
}

fn command_view(app: &AppState, r: &StoreReader, command: ChatCommand) -> ApiResult<CommandView> {
    let specs = r
        .widget(command.widget_id)?
        .and_then(|w| widgets::feature_of(&w, &command.feature))
        .map(|f| f.parameters)
        .unwrap_or_default();
    let usage = chat::command_usage(&app.config.current().chat.prefix, &command, &specs);
    Ok(CommandView { usage, command })
}

/// Stores trigger and aliases as viewers type them (`boom` → `!boom`), so the card, the usage
/// line and the activity feed show one form. Done here because the prefix is a setting the
/// engine does not hold; values of the wrong type are left for the engine to reject by name.
fn normalize_names(prefix: &str, body: &mut Map) {
    if let Some(Value::String(t)) = body.get_mut("trigger") {
        *t = chat::normalize_trigger(prefix, t);
    }
    if let Some(Value::Array(aliases)) = body.get_mut("aliases") {
        for a in aliases.iter_mut() {
            if let Value::String(s) = a {
                *s = chat::normalize_trigger(prefix, s);
            }
        }
    }
}

fn get_view(app: &AppState, id: Id) -> ApiResult<CommandView> {
    let r = app.store.read()?;
    let c = r
        .command(id)?
        .ok_or_else(|| ApiError::not_found(format!("command {id} not found")))?;
    command_view(app, &r, c)
}

pub async fn list_commands(State(app): State<AppState>) -> ApiResult<Json<Vec<CommandView>>> {
    let r = app.store.read()?;
    let views = r
        .commands()?
        .into_iter()
        .map(|c| command_view(&app, &r, c))
        .collect::<ApiResult<_>>()?;
    Ok(Json(views))
}

pub async fn create_command(
    State(app): State<AppState>,
    JsonBody(mut body): JsonBody<Map>,
) -> ApiResult<Response> {
    normalize_names(&app.config.current().chat.prefix, &mut body);
    let id = app
        .engine
        .call(Actor::Admin, Request::PutCommand { id: None, body })
        .await?;
    Ok((StatusCode::CREATED, Json(get_view(&app, id)?)).into_response())
}

pub async fn get_command(
    State(app): State<AppState>,
    IdPath(id): IdPath,
) -> ApiResult<Json<CommandView>> {
    Ok(Json(get_view(&app, id)?))
}

pub async fn update_command(
    State(app): State<AppState>,
    IdPath(id): IdPath,
    JsonBody(mut body): JsonBody<Map>,
) -> ApiResult<Json<CommandView>> {
    normalize_names(&app.config.current().chat.prefix, &mut body);
    app.engine
        .call(Actor::Admin, Request::PutCommand { id: Some(id), body })
        .await?;
    Ok(Json(get_view(&app, id)?))
}

pub async fn delete_command(
    State(app): State<AppState>,
    IdPath(id): IdPath,
) -> ApiResult<StatusCode> {
    app.engine
        .call(Actor::Admin, Request::DeleteCommand { id })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

fn get_binding_view(app: &AppState, id: Id) -> ApiResult<EventBinding> {
    app.store
        .read()?
        .binding(id)?
        .ok_or_else(|| ApiError::not_found(format!("event binding {id} not found")))
}

pub async fn list_bindings(State(app): State<AppState>) -> ApiResult<Json<Vec<EventBinding>>> {
    Ok(Json(app.store.read()?.bindings()?))
}

pub async fn create_binding(
    State(app): State<AppState>,
    JsonBody(body): JsonBody<Map>,
) -> ApiResult<Response> {
    let id = app
        .engine
        .call(Actor::Admin, Request::PutBinding { id: None, body })
        .await?;
    Ok((StatusCode::CREATED, Json(get_binding_view(&app, id)?)).into_response())
}

pub async fn get_binding(
    State(app): State<AppState>,
    IdPath(id): IdPath,
) -> ApiResult<Json<EventBinding>> {
    Ok(Json(get_binding_view(&app, id)?))
}

pub async fn update_binding(
    State(app): State<AppState>,
    IdPath(id): IdPath,
    JsonBody(body): JsonBody<Map>,
) -> ApiResult<Json<EventBinding>> {
    app.engine
        .call(Actor::Admin, Request::PutBinding { id: Some(id), body })
        .await?;
    Ok(Json(get_binding_view(&app, id)?))
}

pub async fn delete_binding(
    State(app): State<AppState>,
    IdPath(id): IdPath,
) -> ApiResult<StatusCode> {
    app.engine
        .call(Actor::Admin, Request::DeleteBinding { id })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
