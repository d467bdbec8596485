//! Planning for chat commands and event bindings: validation against the widget's features,
//! unique triggers, and the cooldown record of a chat run. Pure, like `plan.rs`.

use super::EngineError;
use super::world::World;
use super::writes::Plan;
use crate::model::{BindingPatch, CommandPatch, Id, Kind, Map};
use crate::store::Write;
use crate::widgets::{self, FeatureSpec};

const MAX_TRIGGER: usize = 32;
const MAX_COOLDOWN_S: u32 = 86_400;

fn invalid(field: impl Into<String>, message: impl Into<String>) -> EngineError {
    EngineError::Validation {
        field: field.into(),
        message: message.into(),
    }
}

/// A required field a patch left out, named as the API names it.
fn missing(field: &'static str) -> EngineError {
    invalid(field, format!("{field} is required"))
}

/// The feature a command or binding points at, with the widget's current defaults.
fn feature_of(world: &World, widget_id: Id, feature: &str) -> Result<FeatureSpec, EngineError> {
    let w = world
        .widgets
        .get(&widget_id)
        .ok_or_else(|| invalid("widget_id", format!("widget {widget_id} does not exist")))?;
    let wtype = widgets::lookup(&w.widget_class).ok_or_else(|| {
        invalid(
            "widget_id",
            format!("widget {widget_id} has an unavailable type"),
        )
    })?;
    let features = wtype.features(&w.widget_parameters);
    features
        .iter()
        .find(|f| f.name == feature)
        .cloned()
        .ok_or_else(|| {
            let names: Vec<&str> = features.iter().map(|f| f.name).collect();
            invalid(
                "feature",
                format!(
                    "{} has no feature '{feature}'; it has: {}",
                    w.widget_class,
                    names.join(", ")
                ),
            )
        })
}

/// Keys must be parameters of the feature; values without a `{placeholder}` (filled in per
/// chat line or event) must already be valid for their parameter.
fn check_keys(spec: &FeatureSpec, values: &Map, field: &str) -> Result<(), EngineError> {
    for (key, value) in values {
        let Some(p) = spec.parameters.iter().find(|p| p.name == key) else {
            let names: Vec<&str> = spec.parameters.iter().map(|p| p.name).collect();
            return Err(invalid(
                format!("{field}.{key}"),
                format!(
                    "'{key}' is not a parameter of {}; parameters: {}",
                    spec.name,
                    names.join(", ")
                ),
            ));
        };
        let templated = value.as_str().is_some_and(|s| s.contains('{'));
        if !templated && let Err(message) = crate::widgets::params::validate_value(p, value) {
            return Err(invalid(format!("{field}.{key}"), message));
        }
    }
    Ok(())
}

/// A trigger without its prefix, for comparing names ("!Boom" and "boom" are the same).
pub(super) fn bare(name: &str) -> String {
    name.trim()
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase()
}

fn check_trigger(name: &str, field: &str) -> Result<(), EngineError> {
    let n = name.trim();
    if bare(n).is_empty() || n.chars().count() > MAX_TRIGGER || n.chars().any(char::is_whitespace) {
        return Err(invalid(
            field,
            format!("{field} must be one word of 1 to {MAX_TRIGGER} characters, like !confetti"),
        ));
    }
    Ok(())
}

pub fn put_command(
    world: &World,
    id: Option<Id>,
    patch: &CommandPatch,
) -> Result<Plan, EngineError> {
    let current = match id {
        Some(id) => Some(world.commands.get(&id).ok_or(EngineError::NotFound {
            what: "command",
            id: id.to_string(),
        })?),
        None => None,
    };
    let new_id = id.unwrap_or_else(|| world.next_id(Kind::Command));
    let cmd = patch.clone().apply(current, new_id).map_err(missing)?;
    let cmd = cmd.normalized();
    check_trigger(&cmd.trigger, "trigger")?;
    for a in &cmd.aliases {
        check_trigger(a, "aliases")?;
    }
    let mut names: Vec<String> = vec![bare(&cmd.trigger)];
    for a in &cmd.aliases {
        let b = bare(a);
        if names.contains(&b) {
            return Err(invalid("aliases", format!("'{a}' is listed twice")));
        }
        names.push(b);
    }
    if let Some(other) = world.commands.values().find(|o| {
        o.id != new_id
            && std::iter::once(&o.trigger)
                .chain(&o.aliases)
                .any(|n| names.contains(&bare(n)))
    }) {
        return Err(EngineError::Conflict(format!(
            "command {} ({}) already uses one of these names",
            other.id, other.trigger
        )));
    }
    let spec = feature_of(world, cmd.widget_id, &cmd.feature)?;
    check_keys(&spec, &cmd.args, "args")?;
    for (field, v) in [
        ("cooldown_global_s", cmd.cooldown_global_s),
        ("cooldown_user_s", cmd.cooldown_user_s),
    ] {
        if v > MAX_COOLDOWN_S {
            return Err(invalid(
                field,
                format!("{field} must be at most {MAX_COOLDOWN_S} (a day)"),
            ));
        }
    }
    let mut writes = Vec::new();
    if id.is_none() {
        writes.push(Write::Counter(Kind::Command, new_id + 1));
    }
    writes.push(Write::Command(new_id, Some(cmd)));
    Ok(Plan {
        writes,
        id: new_id,
        effects: Vec::new(),
    })
}

pub fn put_binding(
    world: &World,
    id: Option<Id>,
    patch: &BindingPatch,
) -> Result<Plan, EngineError> {
    let current = match id {
        Some(id) => Some(world.bindings.get(&id).ok_or(EngineError::NotFound {
            what: "event binding",
            id: id.to_string(),
        })?),
        None => None,
    };
    let new_id = id.unwrap_or_else(|| world.next_id(Kind::Binding));
    let b = patch.clone().apply(current, new_id).map_err(missing)?;
    let spec = feature_of(world, b.widget_id, &b.feature)?;
    check_keys(&spec, &b.parameters, "parameters")?;
    let mut writes = Vec::new();
    if id.is_none() {
        writes.push(Write::Counter(Kind::Binding, new_id + 1));
    }
    writes.push(Write::Binding(new_id, Some(b)));
    Ok(Plan {
        writes,
        id: new_id,
        effects: Vec::new(),
    })
}

pub fn delete_command(world: &World, id: Id) -> Result<Plan, EngineError> {
    world.commands.get(&id).ok_or(EngineError::NotFound {
        what: "command",
        id: id.to_string(),
    })?;
    Ok(Plan {
        writes: vec![Write::Command(id, None)],
        id,
        effects: Vec::new(),
    })
}

pub fn delete_binding(world: &World, id: Id) -> Result<Plan, EngineError> {
    world.bindings.get(&id).ok_or(EngineError::NotFound {
        what: "event binding",
        id: id.to_string(),
    })?;
    Ok(Plan {
        writes: vec![Write::Binding(id, None)],
        id,
        effects: Vec::new(),
    })
}

/// Cooldown records of a chat run (only for commands that have cooldowns).
pub fn cooldown_writes(world: &World, command_id: Id, user_id: &str, now_ms: u64) -> Vec<Write> {
    let Some(cmd) = world.commands.get(&command_id) else {
        return Vec::new();
    };
    let mut writes = Vec::new();
    if cmd.cooldown_global_s > 0 {
        writes.push(Write::Cooldown((command_id, String::new()), now_ms));
    }
    if cmd.cooldown_user_s > 0 && !user_id.is_empty() {
        writes.push(Write::Cooldown((command_id, user_id.to_string()), now_ms));
    }
    writes
}

/// Commands and bindings of a deleted widget go with it.
pub fn widget_cascade(world: &World, widget_id: Id) -> Vec<Write> {
    let cmds = world
        .commands
        .values()
        .filter(|c| c.widget_id == widget_id)
        .map(|c| Write::Command(c.id, None));
    let binds = world
        .bindings
        .values()
        .filter(|b| b.widget_id == widget_id)
        .map(|b| Write::Binding(b.id, None));
    cmds.chain(binds).collect()
}
