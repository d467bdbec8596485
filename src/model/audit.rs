//! The append-only audit log: who executed what, when, with which result.

use super::Id;
use serde::{Deserialize, Serialize};

/// Who caused a command.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: Id,
    /// Unix milliseconds.
    pub at_ms: u64,
    pub actor: Actor,
    /// e.g. `execute`, `activate_dashboard`, `create_widget`.
    pub action: String,
    /// Human-readable target, e.g. `ConfettiAlertWidget "Birthday" (3).trigger_blast`.
    pub target: String,
    #[serde(default)]
    pub params: serde_json::Value,
    pub ok: bool,
    #[serde(default)]
    pub error: Option<String>,
}
