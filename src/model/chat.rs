//! Chat commands and platform-event bindings: what a chat line or a sub/raid/cheer fires.
//!
//! Stored as MessagePack with named fields; everything a streamer may leave out has a
//! `#[serde(default)]` so older records and terse REST bodies keep loading.

use super::patch::{Field, nullable, optional, or_default, required};
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
    /// EventSub only (logged in with Twitch).
    Follow,
    /// A channel-point reward redeemed (EventSub); `reward` picks which.
    Redemption,
    HypeTrainBegin,
    HypeTrainProgress,
    HypeTrainEnd,
    /// A tip from another tool, recorded with `POST /api/events`.
    Donation,
}

impl EventKind {
    /// The wire name (`gift_sub`), as bindings, the log and audit actors spell it.
    pub fn name(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }
}

/// "When someone cheers ≥ 100 bits, run this feature with these parameters."
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EventBinding {
    #[schema(value_type = u64)]
    pub id: Id,
    pub event: EventKind,
    /// Minimum bits (cheer), viewers (raid), months (resub), gifted subs (gift_sub), points
    /// (redemption) or level (hype train).
    #[serde(default)]
    pub min_amount: Option<u64>,
    /// Redemptions only: the reward's title (any case) or id; absent: every reward.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reward: Option<String>,
    #[schema(value_type = u64)]
    pub widget_id: Id,
    pub feature: String,
    /// String values may hold `{user}`, `{amount}`, `{months}`, `{viewers}`, `{message}`,
    /// `{tier}`; redemptions `{input}`, `{reward}`, `{cost}`; hype trains `{level}`,
    /// `{total}`, `{progress}`, `{goal}`; see `chat::template::render`.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub parameters: Map,
    #[serde(default = "yes")]
    pub enabled: bool,
}

fn yes() -> bool {
    true
}

/// A create or update of a chat command as the API sends it: a merge-patch (a field left out
/// stays, `null` resets it to its default). Unknown fields are refused by name, so a typo
/// never passes silently.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommandPatch {
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub trigger: Field<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Vec<String>>)]
    pub aliases: Field<Vec<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<u64>)]
    pub widget_id: Field<Id>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub feature: Field<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Object>)]
    pub args: Field<Map>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Permission>)]
    pub permission: Field<Permission>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<u32>)]
    pub cooldown_global_s: Field<u32>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<u32>)]
    pub cooldown_user_s: Field<u32>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<bool>)]
    pub enabled: Field<bool>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<bool>)]
    pub reply_on_error: Field<bool>,
}

impl CommandPatch {
    /// The command after this patch; `Err(field)` names a required field that is missing.
    pub fn apply(self, current: Option<&ChatCommand>, id: Id) -> Result<ChatCommand, &'static str> {
        let c = current.cloned();
        Ok(ChatCommand {
            id,
            trigger: required(self.trigger, c.as_ref().map(|c| c.trigger.clone()))
                .ok_or("trigger")?,
            aliases: or_default(
                self.aliases,
                c.as_ref().map(|c| c.aliases.clone()),
                Vec::new,
            ),
            widget_id: required(self.widget_id, c.as_ref().map(|c| c.widget_id))
                .ok_or("widget_id")?,
            feature: required(self.feature, c.as_ref().map(|c| c.feature.clone()))
                .ok_or("feature")?,
            args: or_default(self.args, c.as_ref().map(|c| c.args.clone()), Map::new),
            permission: or_default(
                self.permission,
                c.as_ref().map(|c| c.permission),
                Default::default,
            ),
            cooldown_global_s: or_default(
                self.cooldown_global_s,
                c.as_ref().map(|c| c.cooldown_global_s),
                || 0,
            ),
            cooldown_user_s: or_default(
                self.cooldown_user_s,
                c.as_ref().map(|c| c.cooldown_user_s),
                || 0,
            ),
            enabled: or_default(self.enabled, c.as_ref().map(|c| c.enabled), yes),
            reply_on_error: or_default(
                self.reply_on_error,
                c.as_ref().map(|c| c.reply_on_error),
                yes,
            ),
        })
    }
}

/// Every field of a stored command, as a patch (an import re-creates it this way).
impl From<ChatCommand> for CommandPatch {
    fn from(c: ChatCommand) -> Self {
        CommandPatch {
            trigger: Some(Some(c.trigger)),
            aliases: Some(Some(c.aliases)),
            widget_id: Some(Some(c.widget_id)),
            feature: Some(Some(c.feature)),
            args: Some(Some(c.args)),
            permission: Some(Some(c.permission)),
            cooldown_global_s: Some(Some(c.cooldown_global_s)),
            cooldown_user_s: Some(Some(c.cooldown_user_s)),
            enabled: Some(Some(c.enabled)),
            reply_on_error: Some(Some(c.reply_on_error)),
        }
    }
}

/// A create or update of an event binding as the API sends it: a merge-patch (a field left out
/// stays, `null` resets it).
#[derive(Clone, Debug, Default, PartialEq, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BindingPatch {
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<EventKind>)]
    pub event: Field<EventKind>,
    /// `null` removes the minimum.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<u64>)]
    pub min_amount: Field<u64>,
    /// `null` matches every reward again.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub reward: Field<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<u64>)]
    pub widget_id: Field<Id>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub feature: Field<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Object>)]
    pub parameters: Field<Map>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<bool>)]
    pub enabled: Field<bool>,
}

impl BindingPatch {
    /// The binding after this patch; `Err(field)` names a required field that is missing.
    pub fn apply(
        self,
        current: Option<&EventBinding>,
        id: Id,
    ) -> Result<EventBinding, &'static str> {
        let b = current.cloned();
        Ok(EventBinding {
            id,
            event: required(self.event, b.as_ref().map(|b| b.event)).ok_or("event")?,
            min_amount: optional(self.min_amount, b.as_ref().and_then(|b| b.min_amount)),
            reward: optional(self.reward, b.as_ref().and_then(|b| b.reward.clone()))
                .map(|r| r.trim().to_string())
                .filter(|r| !r.is_empty()),
            widget_id: required(self.widget_id, b.as_ref().map(|b| b.widget_id))
                .ok_or("widget_id")?,
            feature: required(self.feature, b.as_ref().map(|b| b.feature.clone()))
                .ok_or("feature")?,
            parameters: or_default(
                self.parameters,
                b.as_ref().map(|b| b.parameters.clone()),
                Map::new,
            ),
            enabled: or_default(self.enabled, b.as_ref().map(|b| b.enabled), yes),
        })
    }
}

/// Every field of a stored binding, as a patch.
impl From<EventBinding> for BindingPatch {
    fn from(b: EventBinding) -> Self {
        BindingPatch {
            event: Some(Some(b.event)),
            min_amount: Some(b.min_amount),
            reward: Some(b.reward),
            widget_id: Some(Some(b.widget_id)),
            feature: Some(Some(b.feature)),
            parameters: Some(Some(b.parameters)),
            enabled: Some(Some(b.enabled)),
        }
    }
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
    fn patches_merge_over_the_stored_record_and_name_what_is_missing() {
        let p: CommandPatch = serde_json::from_value(json!({
            "trigger": "!confetti", "widget_id": 2, "feature": "trigger_blast", "cooldown_user_s": 5
        }))
        .unwrap();
        let c = p.apply(None, 1).unwrap();
        assert!(c.enabled && c.aliases.is_empty() && c.cooldown_user_s == 5);
        let p: CommandPatch =
            serde_json::from_value(json!({"cooldown_user_s": null, "enabled": false})).unwrap();
        let c2 = p.apply(Some(&c), 1).unwrap();
        assert_eq!(
            (c2.cooldown_user_s, c2.enabled, c2.trigger.as_str()),
            (0, false, "!confetti")
        );
        assert_eq!(CommandPatch::from(c.clone()).apply(None, 1), Ok(c));

        let p: CommandPatch =
            serde_json::from_value(json!({"widget_id": 2, "feature": "f"})).unwrap();
        assert_eq!(p.apply(None, 1), Err("trigger"));
        let typo = serde_json::from_value::<CommandPatch>(json!({"cooldown": 5})).unwrap_err();
        assert!(
            typo.to_string().contains("unknown field `cooldown`"),
            "{typo}"
        );

        let b = BindingPatch::from(EventBinding {
            id: 3,
            event: EventKind::Cheer,
            min_amount: Some(100),
            reward: None,
            widget_id: 2,
            feature: "f".into(),
            parameters: Map::new(),
            enabled: true,
        })
        .apply(None, 3)
        .unwrap();
        let cleared: BindingPatch = serde_json::from_value(json!({"min_amount": null})).unwrap();
        assert_eq!(cleared.apply(Some(&b), 3).unwrap().min_amount, None);
        let kept: BindingPatch = serde_json::from_value(json!({"enabled": false})).unwrap();
        assert_eq!(kept.apply(Some(&b), 3).unwrap().min_amount, Some(100));
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
