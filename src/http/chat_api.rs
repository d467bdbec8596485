//! `/api/commands` and `/api/event-bindings` (docs/protocol.md). Bodies are typed merge-patches
//! decoded here (an unknown or mistyped field is a 422 naming it); the engine applies them over
//! the stored record, so PATCH may send only the changed fields and `null` resets one.

use super::AppState;
use super::error::{ApiError, ErrorBody};
use super::extract::{IdPath, JsonBody};
use super::openapi::examples as ex;
use crate::chat;
use crate::engine::Request;
use crate::model::{Actor, BindingPatch, ChatCommand, CommandPatch, EventBinding, Id, Map};
use crate::store::StoreReader;
use crate::widgets;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

type ApiResult<T> = Result<T, ApiError>;

/// A command with the usage line viewers will see.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CommandView {
    #[serde(flatten)]
    command: ChatCommand,
    /// What a malformed invocation is answered with, e.g. `Usage: !confetti <Low|Medium|High> [color]`.
    usage: String,
}

/// The schema of `POST /api/commands` (what a new command needs); the handler decodes the
/// body as a [`CommandPatch`], whose missing required fields the engine names.
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct CommandBody {
    /// `!confetti` or `confetti` (the chat prefix is added).
    trigger: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[schema(value_type = u64)]
    widget_id: Id,
    /// A feature of the widget.
    feature: String,
    /// Fixed/default feature arguments; chat arguments win. Strings may use `{user}`.
    #[serde(default)]
    #[schema(value_type = Object)]
    args: Map,
    #[serde(default)]
    permission: crate::model::Permission,
    #[serde(default)]
    cooldown_global_s: u32,
    #[serde(default)]
    cooldown_user_s: u32,
    /// Default true.
    #[serde(default)]
    enabled: Option<bool>,
    /// Answer a malformed invocation with the usage line (default true).
    #[serde(default)]
    reply_on_error: Option<bool>,
}

/// The schema of `POST /api/event-bindings` (decoded as a [`BindingPatch`]).
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct BindingBody {
    event: crate::model::EventKind,
    /// Minimum bits (cheer), viewers (raid), months (resub), gifted subs (gift_sub), points
    /// (redemption) or level (hype_train_*).
    #[serde(default)]
    min_amount: Option<u64>,
    /// Redemptions only: the reward's title (any case) or id; absent: every reward.
    #[serde(default)]
    reward: Option<String>,
    #[schema(value_type = u64)]
    widget_id: Id,
    feature: String,
    /// Strings may hold `{user}`, `{amount}`, `{months}`, `{viewers}`, `{message}`, `{tier}`.
    #[serde(default)]
    #[schema(value_type = Object)]
    parameters: Map,
    /// Default true.
    #[serde(default)]
    enabled: Option<bool>,
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

#[utoipa::path(get, path = "/api/commands", tag = "chat",
    summary = "List chat commands",
    responses((status = 200, body = Vec<CommandView>)))]
pub async fn list_commands(State(app): State<AppState>) -> ApiResult<Json<Vec<CommandView>>> {
    let r = app.store.read()?;
    let views = r
        .commands()?
        .into_iter()
        .map(|c| command_view(&app, &r, c))
        .collect::<ApiResult<_>>()?;
    Ok(Json(views))
}

#[utoipa::path(post, path = "/api/commands", tag = "chat",
    summary = "Create a chat command",
    description = "Binds a chat trigger to a widget feature. `trigger` and `aliases` are stored with the chat prefix (`boom` → `!boom`).",
    request_body(content = CommandBody, example = json!({
        "trigger": "!confetti", "aliases": ["!party"], "widget_id": 1, "feature": "trigger_blast",
        "args": {"color": "#FF5733"}, "permission": "everyone", "cooldown_global_s": 10, "cooldown_user_s": 60
    })),
    responses(
        (status = 201, description = "Created", body = CommandView, example = ex::command),
        (status = 422, description = "A bad field, e.g. a `widget_id` or `feature` that does not exist, or `args` the feature does not take", body = ErrorBody),
        (status = 409, description = "The trigger or an alias is taken", body = ErrorBody),
    ))]
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

#[utoipa::path(get, path = "/api/commands/{id}", tag = "chat",
    summary = "One chat command",
    params(("id" = u64, Path, description = "Command id", example = 1)),
    responses(
        (status = 200, body = CommandView, example = ex::command),
        (status = 404, description = "No such command", body = ErrorBody),
    ))]
pub async fn get_command(
    State(app): State<AppState>,
    IdPath(id): IdPath,
) -> ApiResult<Json<CommandView>> {
    Ok(Json(get_view(&app, id)?))
}

#[utoipa::path(patch, path = "/api/commands/{id}", tag = "chat",
    summary = "Change a chat command",
    description = "Only the fields sent change.",
    params(("id" = u64, Path, description = "Command id", example = 1)),
    request_body(content = CommandPatch, example = json!({"cooldown_global_s": 30, "permission": "subscriber"})),
    responses(
        (status = 200, body = CommandView),
        (status = 404, description = "No such command", body = ErrorBody),
        (status = 409, description = "The trigger or an alias is taken", body = ErrorBody),
    ))]
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

#[utoipa::path(delete, path = "/api/commands/{id}", tag = "chat",
    summary = "Delete a chat command",
    params(("id" = u64, Path, description = "Command id", example = 1)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such command", body = ErrorBody),
    ))]
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

#[utoipa::path(get, path = "/api/event-bindings", tag = "chat",
    summary = "List event bindings",
    responses((status = 200, body = Vec<EventBinding>)))]
pub async fn list_bindings(State(app): State<AppState>) -> ApiResult<Json<Vec<EventBinding>>> {
    Ok(Json(app.store.read()?.bindings()?))
}

#[utoipa::path(post, path = "/api/event-bindings", tag = "chat",
    summary = "Create an event binding",
    description = "When a sub, resub, gift sub, raid, cheer, follow, channel-point redemption or hype train event (of at least `min_amount`) comes in, run the feature with these parameters. Follows, redemptions and hype trains need a Twitch login (EventSub).",
    request_body(content = BindingBody, example = json!({
        "event": "cheer", "min_amount": 100, "widget_id": 1, "feature": "trigger_blast",
        "parameters": {"intensity": "High", "color": "#9146FF"}
    })),
    responses(
        (status = 201, description = "Created", body = EventBinding, example = ex::binding),
        (status = 422, description = "A bad field, e.g. a `widget_id` or `feature` that does not exist", body = ErrorBody),
    ))]
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

#[utoipa::path(get, path = "/api/event-bindings/{id}", tag = "chat",
    summary = "One event binding",
    params(("id" = u64, Path, description = "Event binding id", example = 1)),
    responses(
        (status = 200, body = EventBinding, example = ex::binding),
        (status = 404, description = "No such event binding", body = ErrorBody),
    ))]
pub async fn get_binding(
    State(app): State<AppState>,
    IdPath(id): IdPath,
) -> ApiResult<Json<EventBinding>> {
    Ok(Json(get_binding_view(&app, id)?))
}

#[utoipa::path(patch, path = "/api/event-bindings/{id}", tag = "chat",
    summary = "Change an event binding",
    description = "Only the fields sent change.",
    params(("id" = u64, Path, description = "Event binding id", example = 1)),
    request_body(content = BindingPatch, example = json!({"min_amount": 500, "enabled": true})),
    responses(
        (status = 200, body = EventBinding),
        (status = 404, description = "No such event binding", body = ErrorBody),
    ))]
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

#[utoipa::path(delete, path = "/api/event-bindings/{id}", tag = "chat",
    summary = "Delete an event binding",
    params(("id" = u64, Path, description = "Event binding id", example = 1)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such event binding", body = ErrorBody),
    ))]
pub async fn delete_binding(
    State(app): State<AppState>,
    IdPath(id): IdPath,
) -> ApiResult<StatusCode> {
    app.engine
        .call(Actor::Admin, Request::DeleteBinding { id })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
