//! The platform-neutral types the daemon sees. Nothing here mentions IRC.

use serde::{Deserialize, Serialize};

/// What a chat user may do; the daemon's command permissions are built on these.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Roles {
    pub broadcaster: bool,
    pub moderator: bool,
    pub vip: bool,
    /// Also set for `founder` (the first subscribers of a channel wear that badge instead).
    pub subscriber: bool,
}

impl Roles {
    /// Roles from Twitch badge names (`broadcaster`, `moderator`, `vip`, `subscriber`, `founder`).
    pub fn from_badge_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Self {
        let mut roles = Roles::default();
        for name in names {
            match name {
                "broadcaster" => roles.broadcaster = true,
                "moderator" => roles.moderator = true,
                "vip" => roles.vip = true,
                "subscriber" | "founder" => roles.subscriber = true,
                _ => {}
            }
        }
        roles
    }
}

/// A chat user as the daemon needs it: a stable id (for cooldowns), names and roles.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatUser {
    /// Twitch user id (stable across renames); empty if Twitch did not send one.
    pub id: String,
    /// Lowercase login name.
    pub login: String,
    /// Name as shown in chat; falls back to `login`.
    pub display_name: String,
    pub roles: Roles,
}

/// User id Twitch uses for anonymous gifts.
pub const ANONYMOUS_GIFTER_ID: &str = "274598607";

impl ChatUser {
    /// The stand-in Twitch uses as the sender of anonymous gifts.
    pub fn anonymous_gifter() -> Self {
        ChatUser {
            id: ANONYMOUS_GIFTER_ID.to_owned(),
            login: "ananonymousgifter".to_owned(),
            display_name: "AnAnonymousGifter".to_owned(),
            roles: Roles::default(),
        }
    }
}

/// One chat line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    pub user: ChatUser,
    /// The text without the `/me` wrapper.
    pub text: String,
    /// Twitch message id; pass it to [`crate::TwitchHandle::reply`] to reply in a thread.
    pub message_id: String,
    /// Bits cheered with this message (a [`TwitchEvent::Cheer`] follows this event then).
    pub bits: Option<u64>,
    /// Sent with `/me`.
    pub is_action: bool,
    /// How Twitch shows the line (for an on-stream chat box).
    #[serde(default)]
    pub look: ChatLook,
}

/// Name colour, badges and emotes of a chat line, from its tags.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatLook {
    /// `#RRGGBB` the user picked; `None` if they never did.
    pub color: Option<String>,
    /// Badge names with versions, as Twitch sends them (`moderator/1`, `subscriber/12`).
    pub badges: Vec<String>,
    /// Emotes by their position in `text`, in order.
    pub emotes: Vec<EmoteSpan>,
}

/// One emote in a chat line: Twitch's emote id and the characters (Unicode scalar values,
/// inclusive) it replaces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmoteSpan {
    pub id: String,
    pub start: usize,
    pub end: usize,
}

/// `sub` or `resub`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubKind {
    Sub,
    Resub,
}

/// Connection state, also served by the daemon as `/api/status` → `twitch`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TwitchStatus {
    pub enabled: bool,
    /// Logged in and joined to `channel` (confirmed by the server's JOIN echo / ROOMSTATE).
    pub connected: bool,
    pub channel: String,
    /// The most recent connection problem; kept after recovery so flapping stays visible.
    pub last_error: Option<String>,
    /// Chat events dropped because the daemon did not read them fast enough (see
    /// [`crate::QueueLimits::backlog`]). Changes of this counter alone do not emit a
    /// [`TwitchEvent::Status`].
    pub dropped_events: u64,
}

impl TwitchStatus {
    /// Same connection state (everything but counters): used to decide whether to emit an event.
    pub(crate) fn same_state(&self, other: &TwitchStatus) -> bool {
        self.enabled == other.enabled
            && self.connected == other.connected
            && self.channel == other.channel
            && self.last_error == other.last_error
    }
}

/// Everything the adapter reports, in the order it happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TwitchEvent {
    /// The connection state changed (also available through `TwitchHandle::subscribe_status`).
    Status(TwitchStatus),
    Chat(ChatMessage),
    Subscription {
        user: ChatUser,
        /// `"1000"`, `"2000"`, `"3000"` or `"Prime"`.
        tier: String,
        /// Cumulative months subscribed.
        months: u64,
        /// The text the user shared with a resub, if any.
        message: Option<String>,
        kind: SubKind,
    },
    /// A gifted subscription. A mass gift arrives as one event with `recipient_login: None` and
    /// `count: N`, followed by N single gifts (`recipient_login: Some`, `count: 1`) that carry the
    /// same `community_gift_id`: alert on one kind or the other, not both.
    GiftSub {
        /// [`ChatUser::anonymous_gifter`] when `anonymous`.
        gifter: ChatUser,
        anonymous: bool,
        recipient_login: Option<String>,
        tier: String,
        count: u64,
        community_gift_id: Option<String>,
    },
    Raid {
        from: ChatUser,
        viewers: u64,
    },
    /// Bits cheered; over IRC always preceded by the [`TwitchEvent::Chat`] of the same message.
    Cheer {
        user: ChatUser,
        bits: u64,
        message: String,
    },
    /// A moderator deleted one chat line (IRC `CLEARMSG`).
    ChatDeleted {
        message_id: String,
    },
    /// A user's lines were purged (timeout or ban: `user_id`), or the whole chat was cleared
    /// (`None`) (IRC `CLEARCHAT`).
    ChatCleared {
        user_id: Option<String>,
    },
    /// A new follower (EventSub `channel.follow`; IRC never says).
    Follow {
        user: ChatUser,
    },
    /// A channel-point reward redeemed (EventSub only).
    Redemption {
        user: ChatUser,
        reward_id: String,
        reward_title: String,
        cost: u64,
        /// What the viewer typed, for rewards that ask for text; empty otherwise.
        input: String,
    },
    /// A hype train began, progressed or ended (EventSub only).
    HypeTrain {
        phase: HypePhase,
        level: u64,
        /// Points contributed in all.
        total: u64,
        /// Points towards the next level (0 at the end).
        progress: u64,
        /// Points the next level needs (0 at the end).
        goal: u64,
    },
}

/// Where a hype train is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HypePhase {
    Begin,
    Progress,
    End,
}
