//! The append-only audit log: who executed what, when, with which result.

use super::Id;
use serde::{Deserialize, Serialize};

/// Who caused a command.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Actor {
    Admin,
    Chat { login: String },
    Event { event: String },
    Obs,
    Timer,
}

impl std::fmt::Display for Actor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Actor::Admin => f.write_str("admin"),
            Actor::Chat { login } => write!(f, "chat:{login}"),
            Actor::Event { event } => write!(f, "event:{event}"),
            Actor::Obs => f.write_str("obs"),
            Actor::Timer => f.write_str("timer"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AuditEntry {
    #[schema(value_type = u64)]
    pub id: Id,
    /// Unix milliseconds.
    pub at_ms: u64,
    pub actor: Actor,
    /// e.g. `execute`, `activate_dashboard`, `create_widget`.
    pub action: String,
    /// Human-readable target, e.g. `ConfettiAlertWidget "Birthday" (3).trigger_blast`.
    pub target: String,
    /// The arguments of the request (a feature's parameters, a patch).
    #[serde(default)]
    pub params: serde_json::Value,
    pub ok: bool,
    #[serde(default)]
    pub error: Option<String>,
    /// What the entry is about, as fields (the admin feed renders from these, never by
    /// parsing `target`). Absent in entries written before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<Box<AuditSubject>>,
    /// The random seed a feature run was given: running the same feature with the same
    /// arguments and seed against the same state decides the same (a wheel lands alike).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
}

/// The structured target of an audit entry: `kind` plus whatever ids and names apply.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AuditSubject {
    /// widget | dashboard | command | binding | element | media | bundle | settings
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<u64>)]
    pub widget_id: Option<Id>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub widget_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub widget_class: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feature: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub element: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<u64>)]
    pub dashboard_id: Option<Id>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dashboard_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<u64>)]
    pub command_id: Option<Id>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<u64>)]
    pub binding_id: Option<Id>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<u64>)]
    pub media_id: Option<Id>,
    /// For feature runs: whether the widget was on the live dashboard, i.e. whether the
    /// overlay showed anything (false = ran on a dashboard on standby).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub live: Option<bool>,
}
