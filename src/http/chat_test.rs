//! `POST /api/commands/test`: what a chat line would do, without Twitch.
//!
//! Runs the same pure chat core the Twitch bridge runs (matching, permission, argument
//! mapping, stored cooldowns) for a role the streamer picks, and answers with the reply
//! viewers would get and the feature call it would make. Only with `execute: true` does the
//! call run, as the admin (so a test never puts the command on cooldown for viewers).

use super::AppState;
use super::error::{ApiError, ErrorBody};
use super::extract::JsonBody;
use crate::chat::{self, ChatRoles, Interpretation};
use crate::engine::Request;
use crate::model::{Actor, Id, Map, Permission, now_ms};
use crate::widgets;
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};

/// The longest test line accepted (Twitch's own limit).
const MAX_LINE: usize = 500;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"line": "!confetti high", "role": "everyone", "user": "CoolViewer", "execute": false}))]
pub struct TestBody {
    /// The chat line, e.g. `!confetti high`.
    line: String,
    /// The chatter's highest role.
    #[serde(default)]
    role: Permission,
    /// Display name (for the reply and `{user}` templates) and the per-user cooldown's key.
    #[serde(default)]
    user: Option<String>,
    /// Run the feature for real when the line would run.
    #[serde(default)]
    execute: bool,
}

/// What the line leads to.
#[derive(Serialize, Debug, PartialEq, Eq, utoipa::ToSchema)]
#[schema(as = TestOutcome)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    NotACommand,
    Denied,
    Unavailable,
    Invalid,
    Cooldown,
    Run,
}

/// A feature call a chat line makes.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = TestCall)]
pub struct Call {
    #[schema(value_type = u64)]
    widget_id: Id,
    widget_name: String,
    feature: String,
    feature_name: String,
    /// The typed arguments the line maps to.
    #[schema(value_type = Object)]
    parameters: Map,
    /// The widget is on the live dashboard, so the overlay would show it.
    live: bool,
}

#[derive(Serialize, utoipa::ToSchema)]
#[schema(example = json!({
    "outcome": "run", "command_id": 1, "trigger": "!confetti", "reply": null,
    "explanation": "Runs the feature; chat hears nothing unless it fails.",
    "call": {"widget_id": 1, "widget_name": "Confetti", "feature": "trigger_blast",
             "feature_name": "Trigger Confetti Blast",
             "parameters": {"intensity": "High", "color": "#FF5733"}, "live": true},
    "cooldown_s": null, "executed": false
}))]
pub struct TestResult {
    outcome: Outcome,
    #[schema(value_type = Option<u64>)]
    command_id: Option<Id>,
    trigger: Option<String>,
    /// What the daemon would say in chat; `None` when it stays silent.
    reply: Option<String>,
    /// Why, in a sentence for the streamer.
    explanation: String,
    /// The feature call the line makes (present for `run` and `cooldown`).
    call: Option<Call>,
    /// Seconds left when `outcome` is `cooldown`.
    cooldown_s: Option<u32>,
    /// The call ran (only with `execute: true` and outcome `run`).
    executed: bool,
}

/// The roles a chatter at exactly `p` holds.
fn roles_for(p: Permission) -> ChatRoles {
    ChatRoles {
        broadcaster: p == Permission::Broadcaster,
        moderator: p == Permission::Moderator,
        vip: p == Permission::Vip,
        subscriber: p == Permission::Subscriber,
    }
}

#[utoipa::path(post, path = "/api/commands/test", tag = "chat",
    summary = "Try a chat line",
    description = "Runs a chat line through the same matching, permission, argument and cooldown logic as Twitch chat, for a role you pick, and says what would happen. Nothing runs unless `execute: true` and the outcome is `run` (then as the admin: no cooldown starts for viewers).",
    request_body = TestBody,
    responses(
        (status = 200, body = TestResult),
        (status = 422, description = "`line` is empty or longer than 500 characters, or OBS refused an effect", body = ErrorBody),
    ))]
pub async fn test_command(
    State(app): State<AppState>,
    JsonBody(b): JsonBody<TestBody>,
) -> Result<Json<TestResult>, ApiError> {
    if b.line.trim().is_empty() {
        return Err(ApiError::validation(
            "line",
            "line is required, e.g. !confetti high",
        ));
    }
    if b.line.chars().count() > MAX_LINE {
        return Err(ApiError::validation(
            "line",
            format!("line must be at most {MAX_LINE} characters"),
        ));
    }
    let user = b
        .user
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .unwrap_or("viewer")
        .to_string();
    let current = app.config.current();
    let prefix = &current.chat.prefix;
    let roles = roles_for(b.role);

    let r = app.store.read()?;
    let commands = r.commands()?;
    let widgets_by_id = r.widgets()?;
    let active = r.active_dashboard()?;
    let live_ids = match active {
        Some(id) => r.dashboard(id)?.map(|d| d.widget_ids).unwrap_or_default(),
        None => Vec::new(),
    };
    let cooldowns = r.cooldowns()?;
    drop(r);

    let mut result = TestResult {
        outcome: Outcome::NotACommand,
        command_id: None,
        trigger: None,
        reply: None,
        explanation: format!(
            "Not a command: chat sees an ordinary message (commands start with {prefix})."
        ),
        call: None,
        cooldown_s: None,
        executed: false,
    };
    let Some((cmd, _)) = chat::find_command(prefix, &b.line, &commands) else {
        return Ok(Json(result));
    };
    // As the bridge does: fixed arguments may name the chatter.
    let mut cmd = cmd.clone();
    cmd.args = chat::render(
        &cmd.args,
        &[
            ("user", user.clone()),
            ("login", user.to_lowercase()),
            ("user_id", user.clone()),
        ],
    );
    result.command_id = Some(cmd.id);
    result.trigger = Some(cmd.trigger.clone());
    let widget = widgets_by_id.iter().find(|w| w.id == cmd.widget_id);
    let feature_spec = widget.and_then(|w| widgets::feature_of(w, &cmd.feature));
    let interpretation = chat::interpret(
        prefix,
        &b.line,
        &user,
        &roles,
        std::slice::from_ref(&cmd),
        |_| feature_spec.as_ref().map(|f| f.parameters.clone()),
    );
    match interpretation {
        Interpretation::NotACommand => {}
        Interpretation::Denied { .. } => {
            result.outcome = Outcome::Denied;
            result.explanation = format!(
                "Not allowed: {} needs {}; the daemon stays silent so commands can't be probed.",
                cmd.trigger,
                permission_words(cmd.permission)
            );
        }
        Interpretation::Unavailable { .. } => {
            result.outcome = Outcome::Unavailable;
            result.explanation = format!(
                "{} points at a widget or feature that no longer exists; chat hears nothing.",
                cmd.trigger
            );
        }
        Interpretation::Invalid { error, reply, .. } => {
            result.outcome = Outcome::Invalid;
            result.explanation = match &reply {
                Some(_) => format!("Bad arguments ({error}): the daemon replies with the usage."),
                None => format!(
                    "Bad arguments ({error}); replies on errors are off, so chat hears nothing."
                ),
            };
            result.reply = reply;
        }
        Interpretation::Run {
            widget_id,
            feature,
            parameters,
            ..
        } => {
            let last = |key: &str| {
                cooldowns
                    .iter()
                    .find(|((id, k), _)| *id == cmd.id && k == key)
                    .map(|(_, at)| *at)
            };
            let cooling =
                chat::check_cooldown(&cmd, &roles, now_ms(), last(chat::GLOBAL_KEY), last(&user));
            result.call = Some(Call {
                widget_id,
                widget_name: widget.map(|w| w.name.clone()).unwrap_or_default(),
                feature_name: feature_spec
                    .as_ref()
                    .map(|f| f.display_name.to_string())
                    .unwrap_or_else(|| feature.clone()),
                feature: feature.clone(),
                parameters: parameters.clone(),
                live: live_ids.contains(&widget_id),
            });
            match cooling {
                Err(c) => {
                    result.outcome = Outcome::Cooldown;
                    result.cooldown_s = Some(c.remaining_s);
                    result.explanation = format!(
                        "Cooling down: {} runs again in {}s ({}); the line is ignored silently.",
                        cmd.trigger,
                        c.remaining_s,
                        match c.scope {
                            chat::Scope::Global => "for everyone",
                            chat::Scope::User => "for this viewer",
                        }
                    );
                }
                Ok(()) => {
                    result.outcome = Outcome::Run;
                    result.explanation =
                        "Runs the feature; chat hears nothing unless it fails.".into();
                    if b.execute {
                        let done = app
                            .engine
                            .call_done(
                                Actor::Admin,
                                Request::Execute {
                                    widget_id,
                                    feature,
                                    parameters,
                                    seed: None,
                                },
                            )
                            .await?;
                        crate::bridge::obs::run_effects(&app.engine, &app.obs, done)
                            .await
                            .map_err(|e| ApiError::validation("line", e.to_string()))?;
                        result.executed = true;
                    }
                }
            }
        }
    }
    Ok(Json(result))
}

fn permission_words(p: Permission) -> &'static str {
    match p {
        Permission::Everyone => "no role",
        Permission::Subscriber => "a subscriber or higher",
        Permission::Vip => "a VIP or higher",
        Permission::Moderator => "a moderator or the broadcaster",
        Permission::Broadcaster => "the broadcaster",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_role_is_exactly_that_role() {
        assert_eq!(roles_for(Permission::Everyone), ChatRoles::EVERYONE);
        assert!(roles_for(Permission::Vip).vip);
        assert!(!roles_for(Permission::Vip).moderator);
        assert_eq!(
            chat::level(&roles_for(Permission::Moderator)),
            Permission::Moderator
        );
    }
}
