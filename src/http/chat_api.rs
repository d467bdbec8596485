//! `/api/commands` and `/api/event-bindings` (docs/protocol.md). Bodies are typed merge-patches
//! decoded here (an unknown or mistyped field is a 422 naming it); the engine applies them over
//! the stored record, so PATCH may send only the changed fields and `null` resets one.

use super::AppState;
use super::error::ApiError;
use super::extract::{IdPath, JsonBody};
use crate::chat;
use crate::engine::Request;
use crate::model::{Actor, BindingPatch, ChatCommand, CommandPatch, EventBinding, Id};
use crate::store::StoreReader;
use crate::widgets;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

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
/// engine does not hold.
fn normalize_names(prefix: &str, patch: &mut CommandPatch) {
    if let Some(Some(t)) = &mut patch.trigger {
        *t = chat::normalize_trigger(prefix, t);
    }
    if let Some(Some(aliases)) = &mut patch.aliases {
        for a in aliases.iter_mut() {
            *a = chat::normalize_trigger(prefix, a);
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
    JsonBody(mut patch): JsonBody<CommandPatch>,
) -> ApiResult<Response> {
    normalize_names(&app.config.current().chat.prefix, &mut patch);
    let id = app
        .engine
        .call(Actor::Admin, Request::PutCommand { id: None, patch })
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
    JsonBody(mut patch): JsonBody<CommandPatch>,
) -> ApiResult<Json<CommandView>> {
    normalize_names(&app.config.current().chat.prefix, &mut patch);
    app.engine
        .call(
            Actor::Admin,
            Request::PutCommand {
                id: Some(id),
                patch,
            },
        )
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
    JsonBody(patch): JsonBody<BindingPatch>,
) -> ApiResult<Response> {
    let id = app
        .engine
        .call(Actor::Admin, Request::PutBinding { id: None, patch })
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
    JsonBody(patch): JsonBody<BindingPatch>,
) -> ApiResult<Json<EventBinding>> {
    app.engine
        .call(
            Actor::Admin,
            Request::PutBinding {
                id: Some(id),
                patch,
            },
        )
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
