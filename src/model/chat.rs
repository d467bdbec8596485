//! Chat commands and platform-event bindings: what a chat line or a sub/raid/cheer fires.
//!
//! Stored as MessagePack with named fields; everything a streamer may leave out has a
//! `#[serde(default)]` so older records and terse REST bodies keep loading.

use super::{Id, Map};
use serde::{Deserialize, Serialize};

/// Who may run a command. Ordered as a ladder: each level includes the ones below it.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    #[default]
    Everyone,
    Subscriber,
    Vip,
    Moderator,
    Broadcaster,
}

/// A chat trigger (`!confetti`) bound to one widget feature.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ChatCommand {
    #[schema(value_type = u64)]
    pub id: Id,
    /// As the streamer typed it, prefix included (`!confetti`), stored lowercased.
    /// Matching also accepts it without the prefix and ignores case.
    pub trigger: String,
    /// Other names for the same command; they share its cooldowns.
    #[serde(default)]
    pub aliases: Vec<String>,
    #[schema(value_type = u64)]
    pub widget_id: Id,
    pub feature: String,
    /// Fixed/default feature arguments; chat arguments win over them.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub args: Map,
    #[serde(default)]
    pub permission: Permission,
    #[serde(default)]
    pub cooldown_global_s: u32,
    #[serde(default)]
    pub cooldown_user_s: u32,
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Answer a malformed invocation with a usage line in chat.
    #[serde(default = "yes")]
    pub reply_on_error: bool,
}

impl ChatCommand {
    /// Lowercases and trims trigger and aliases (the stored spelling), dropping empty aliases.
    pub fn normalized(mut self) -> Self {
        self.trigger = self.trigger.trim().to_lowercase();
        self.aliases = self
            .aliases
            .iter()
            .map(|a| a.trim().to_lowercase())
            .filter(|a| !a.is_empty())
            .collect();
        self
    }
}

/// Platform events a binding can react to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Sub,
    Resub,
    GiftSub,
    Raid,
    Cheer,
}

/// "When someone cheers ≥ 100 bits, run this feature with these parameters."
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EventBinding {
    #[schema(value_type = u64)]
    pub id: Id,
    pub event: EventKind,
    /// Minimum bits (cheer), viewers (raid), months (resub) or gifted subs (gift_sub).
    #[serde(default)]
    pub min_amount: Option<u64>,
    #[schema(value_type = u64)]
    pub widget_id: Id,
    pub feature: String,
    /// String values may hold `{user}`, `{amount}`, `{months}`, `{viewers}`, `{message}`,
    /// `{tier}`; see `chat::template::render`.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub parameters: Map,
    #[serde(default = "yes")]
    pub enabled: bool,
}

fn yes() -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn permission_ladder_and_names() {
        assert!(Permission::Everyone < Permission::Subscriber);
        assert!(Permission::Subscriber < Permission::Vip);
        assert!(Permission::Vip < Permission::Moderator);
        assert!(Permission::Moderator < Permission::Broadcaster);
        assert_eq!(json!(Permission::Vip), json!("vip"));
        assert_eq!(json!(EventKind::GiftSub), json!("gift_sub"));
    }

    #[test]
    fn terse_command_gets_defaults_and_survives_msgpack() {
        let c: ChatCommand = serde_json::from_value(json!({
            "id": 1, "trigger": "!confetti", "widget_id": 2, "feature": "trigger_blast"
        }))
        .unwrap();
        assert!(c.enabled && c.reply_on_error);
        assert_eq!(c.permission, Permission::Everyone);
        assert!(c.aliases.is_empty() && c.args.is_empty());

        let bytes = rmp_serde::to_vec_named(&c).unwrap();
        let back: ChatCommand = rmp_serde::from_slice(&bytes).unwrap();
        assert_eq!(back, c);

        let b: EventBinding = serde_json::from_value(json!({
            "id": 3, "event": "cheer", "widget_id": 2, "feature": "trigger_blast"
        }))
        .unwrap();
        assert_eq!(b.min_amount, None);
        assert!(b.enabled);
    }

    #[test]
    fn normalized_lowercases() {
        let c: ChatCommand = serde_json::from_value(json!({
            "id": 1, "trigger": " !Confetti ", "aliases": ["!BOOM", " "],
            "widget_id": 2, "feature": "f"
        }))
        .unwrap();
        let c = c.normalized();
        assert_eq!(c.trigger, "!confetti");
        assert_eq!(c.aliases, vec!["!boom"]);
    }
}
