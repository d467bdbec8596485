//! EventSub WebSocket messages as Twitch documents them, and their events as [`TwitchEvent`]s.
//! Pure: no sockets here.

use serde::Deserialize;
use serde_json::Value;

use crate::events::{ChatUser, HypePhase, SubKind, TwitchEvent};

/// One message from the EventSub socket.
#[derive(Debug, PartialEq)]
pub(crate) enum Message {
    Welcome {
        session_id: String,
        keepalive_s: u64,
    },
    Keepalive,
    Notification {
        message_id: String,
        /// `None`: a type we do not map, or one to ignore (a gifted sub's recipient).
        event: Option<TwitchEvent>,
    },
    Reconnect {
        url: String,
    },
    Revocation {
        kind: String,
        status: String,
    },
    /// A message type newer than this code.
    Other(String),
}

#[derive(Deserialize)]
struct Envelope {
    metadata: Metadata,
    #[serde(default)]
    payload: Value,
}

#[derive(Deserialize)]
struct Metadata {
    message_id: String,
    message_type: String,
    #[serde(default)]
    subscription_type: String,
}

#[derive(Deserialize)]
struct Session {
    id: String,
    #[serde(default)]
    keepalive_timeout_seconds: Option<u64>,
    #[serde(default)]
    reconnect_url: Option<String>,
}

/// The keepalive Twitch uses when the welcome names none.
const DEFAULT_KEEPALIVE_S: u64 = 10;

pub(crate) fn parse(text: &str) -> Result<Message, String> {
    let env: Envelope = serde_json::from_str(text).map_err(|e| format!("bad message: {e}"))?;
    let session =
        || Session::deserialize(&env.payload["session"]).map_err(|e| format!("bad session: {e}"));
    Ok(match env.metadata.message_type.as_str() {
        "session_welcome" => {
            let s = session()?;
            Message::Welcome {
                session_id: s.id,
                keepalive_s: s.keepalive_timeout_seconds.unwrap_or(DEFAULT_KEEPALIVE_S),
            }
        }
        "session_keepalive" => Message::Keepalive,
        "session_reconnect" => Message::Reconnect {
            url: session()?
                .reconnect_url
                .ok_or("session_reconnect without reconnect_url")?,
        },
        "notification" => Message::Notification {
            event: event(&env.metadata.subscription_type, &env.payload["event"]),
            message_id: env.metadata.message_id,
        },
        "revocation" => Message::Revocation {
            kind: str_at(&env.payload["subscription"], "type"),
            status: str_at(&env.payload["subscription"], "status"),
        },
        other => Message::Other(other.to_owned()),
    })
}

fn str_at(v: &Value, key: &str) -> String {
    v[key].as_str().unwrap_or_default().to_owned()
}

fn num_at(v: &Value, key: &str) -> u64 {
    v[key].as_u64().unwrap_or_default()
}

/// The user named by `{prefix}user_id`, `{prefix}user_login`, `{prefix}user_name`.
fn user(e: &Value, prefix: &str) -> ChatUser {
    let login = str_at(e, &format!("{prefix}user_login"));
    let name = str_at(e, &format!("{prefix}user_name"));
    ChatUser {
        id: str_at(e, &format!("{prefix}user_id")),
        display_name: if name.is_empty() { login.clone() } else { name },
        login,
        roles: Default::default(),
    }
}

/// A user who may be anonymous (`is_anonymous` with null names).
fn maybe_anonymous(e: &Value) -> (ChatUser, bool) {
    if e["is_anonymous"].as_bool().unwrap_or(false) || e["user_id"].is_null() {
        (ChatUser::anonymous_gifter(), true)
    } else {
        (user(e, ""), false)
    }
}

/// A notification's event as a [`TwitchEvent`].
pub(crate) fn event(kind: &str, e: &Value) -> Option<TwitchEvent> {
    Some(match kind {
        "channel.follow" => TwitchEvent::Follow { user: user(e, "") },
        "channel.channel_points_custom_reward_redemption.add" => TwitchEvent::Redemption {
            user: user(e, ""),
            reward_id: str_at(&e["reward"], "id"),
            reward_title: str_at(&e["reward"], "title"),
            cost: num_at(&e["reward"], "cost"),
            input: str_at(e, "user_input"),
        },
        "channel.cheer" => TwitchEvent::Cheer {
            user: maybe_anonymous(e).0,
            bits: num_at(e, "bits"),
            message: str_at(e, "message"),
        },
        // A gifted sub's recipient: the gift event already told.
        "channel.subscribe" if e["is_gift"].as_bool().unwrap_or(false) => return None,
        "channel.subscribe" => TwitchEvent::Subscription {
            user: user(e, ""),
            tier: str_at(e, "tier"),
            months: 1,
            message: None,
            kind: SubKind::Sub,
        },
        "channel.subscription.message" => TwitchEvent::Subscription {
            user: user(e, ""),
            tier: str_at(e, "tier"),
            months: num_at(e, "cumulative_months").max(1),
            message: Some(str_at(&e["message"], "text")).filter(|m| !m.is_empty()),
            kind: SubKind::Resub,
        },
        "channel.subscription.gift" => {
            let (gifter, anonymous) = maybe_anonymous(e);
            TwitchEvent::GiftSub {
                gifter,
                anonymous,
                recipient_login: None,
                tier: str_at(e, "tier"),
                count: num_at(e, "total").max(1),
                community_gift_id: None,
            }
        }
        "channel.raid" => TwitchEvent::Raid {
            from: user(e, "from_broadcaster_"),
            viewers: num_at(e, "viewers"),
        },
        "channel.hype_train.begin" | "channel.hype_train.progress" | "channel.hype_train.end" => {
            let phase = match kind.rsplit('.').next() {
                Some("begin") => HypePhase::Begin,
                Some("progress") => HypePhase::Progress,
                _ => HypePhase::End,
            };
            TwitchEvent::HypeTrain {
                phase,
                level: num_at(e, "level"),
                total: num_at(e, "total"),
                progress: num_at(e, "progress"),
                goal: num_at(e, "goal"),
            }
        }
        _ => return None,
    })
}

/// `(type, version)` of every subscription stagehand creates, with its condition's shape.
pub(crate) const SUBSCRIPTIONS: &[(&str, &str, Condition)] = &[
    ("channel.follow", "2", Condition::BroadcasterAndModerator),
    (
        "channel.channel_points_custom_reward_redemption.add",
        "1",
        Condition::Broadcaster,
    ),
    ("channel.cheer", "1", Condition::Broadcaster),
    ("channel.subscribe", "1", Condition::Broadcaster),
    ("channel.subscription.message", "1", Condition::Broadcaster),
    ("channel.subscription.gift", "1", Condition::Broadcaster),
    ("channel.raid", "1", Condition::ToBroadcaster),
    ("channel.hype_train.begin", "2", Condition::Broadcaster),
    ("channel.hype_train.progress", "2", Condition::Broadcaster),
    ("channel.hype_train.end", "2", Condition::Broadcaster),
];

#[derive(Clone, Copy, Debug)]
pub(crate) enum Condition {
    Broadcaster,
    BroadcasterAndModerator,
    ToBroadcaster,
}

impl Condition {
    pub(crate) fn json(self, broadcaster_id: &str) -> Value {
        match self {
            Condition::Broadcaster => serde_json::json!({ "broadcaster_user_id": broadcaster_id }),
            Condition::BroadcasterAndModerator => serde_json::json!({
                "broadcaster_user_id": broadcaster_id,
                "moderator_user_id": broadcaster_id,
            }),
            Condition::ToBroadcaster => {
                serde_json::json!({ "to_broadcaster_user_id": broadcaster_id })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn notification(kind: &str, event: Value) -> String {
        json!({
            "metadata": {"message_id": "m1", "message_type": "notification",
                "message_timestamp": "2026-12-06T20:00:00Z", "subscription_type": kind,
                "subscription_version": "1"},
            "payload": {"subscription": {"type": kind}, "event": event}
        })
        .to_string()
    }

    fn parsed_event(kind: &str, event: Value) -> Option<TwitchEvent> {
        match parse(&notification(kind, event)).unwrap() {
            Message::Notification { message_id, event } => {
                assert_eq!(message_id, "m1");
                event
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn session_messages() {
        let welcome = json!({
            "metadata": {"message_id": "w", "message_type": "session_welcome", "message_timestamp": "t"},
            "payload": {"session": {"id": "sess-1", "status": "connected", "keepalive_timeout_seconds": 30, "reconnect_url": null}}
        });
        assert_eq!(
            parse(&welcome.to_string()).unwrap(),
            Message::Welcome {
                session_id: "sess-1".into(),
                keepalive_s: 30
            }
        );
        let reconnect = json!({
            "metadata": {"message_id": "r", "message_type": "session_reconnect", "message_timestamp": "t"},
            "payload": {"session": {"id": "sess-1", "status": "reconnecting", "reconnect_url": "wss://x/ws?id=1"}}
        });
        assert_eq!(
            parse(&reconnect.to_string()).unwrap(),
            Message::Reconnect {
                url: "wss://x/ws?id=1".into()
            }
        );
        let revocation = json!({
            "metadata": {"message_id": "v", "message_type": "revocation", "message_timestamp": "t"},
            "payload": {"subscription": {"type": "channel.follow", "status": "authorization_revoked"}}
        });
        assert_eq!(
            parse(&revocation.to_string()).unwrap(),
            Message::Revocation {
                kind: "channel.follow".into(),
                status: "authorization_revoked".into()
            }
        );
        assert!(parse("{}").is_err());
        assert!(parse("not json").is_err());
    }

    #[test]
    fn follow_and_redemption() {
        let follow = parsed_event(
            "channel.follow",
            json!({"user_id": "9", "user_login": "newfan", "user_name": "NewFan", "followed_at": "t"}),
        );
        assert_eq!(
            follow,
            Some(TwitchEvent::Follow {
                user: ChatUser {
                    id: "9".into(),
                    login: "newfan".into(),
                    display_name: "NewFan".into(),
                    roles: Default::default()
                }
            })
        );
        let redemption = parsed_event(
            "channel.channel_points_custom_reward_redemption.add",
            json!({"id": "r1", "user_id": "9", "user_login": "fan", "user_name": "Fan",
                "user_input": "play <b>this</b>", "status": "unfulfilled",
                "reward": {"id": "rw1", "title": "Song request", "cost": 500, "prompt": ""}}),
        );
        let Some(TwitchEvent::Redemption {
            reward_title,
            input,
            cost,
            ..
        }) = redemption
        else {
            panic!("{redemption:?}")
        };
        assert_eq!(
            (reward_title.as_str(), input.as_str(), cost),
            ("Song request", "play <b>this</b>", 500)
        );
    }

    #[test]
    fn subs_gifts_cheers_raids_hype() {
        assert_eq!(
            parsed_event(
                "channel.subscribe",
                json!({"user_id": "1", "user_login": "a", "user_name": "A", "tier": "1000", "is_gift": true})
            ),
            None,
            "the recipient of a gift is not a second alert"
        );
        let Some(TwitchEvent::Subscription {
            months, message, ..
        }) = parsed_event(
            "channel.subscription.message",
            json!({"user_id": "1", "user_login": "a", "user_name": "A", "tier": "2000",
                "message": {"text": "hi", "emotes": []}, "cumulative_months": 7}),
        )
        else {
            panic!()
        };
        assert_eq!((months, message.as_deref()), (7, Some("hi")));
        let Some(TwitchEvent::GiftSub {
            anonymous, count, ..
        }) = parsed_event(
            "channel.subscription.gift",
            json!({"user_id": null, "user_login": null, "user_name": null, "total": 20, "tier": "1000", "is_anonymous": true}),
        )
        else {
            panic!()
        };
        assert!(anonymous);
        assert_eq!(count, 20);
        let Some(TwitchEvent::Cheer { user, bits, .. }) = parsed_event(
            "channel.cheer",
            json!({"is_anonymous": false, "user_id": "2", "user_login": "b", "user_name": "B", "bits": 100, "message": "Cheer100"}),
        ) else {
            panic!()
        };
        assert_eq!((user.login.as_str(), bits), ("b", 100));
        let Some(TwitchEvent::Raid { from, viewers }) = parsed_event(
            "channel.raid",
            json!({"from_broadcaster_user_id": "3", "from_broadcaster_user_login": "raider",
                "from_broadcaster_user_name": "Raider", "viewers": 42}),
        ) else {
            panic!()
        };
        assert_eq!((from.display_name.as_str(), viewers), ("Raider", 42));
        assert_eq!(
            parsed_event(
                "channel.hype_train.progress",
                json!({"level": 2, "total": 700, "progress": 200, "goal": 1800})
            ),
            Some(TwitchEvent::HypeTrain {
                phase: HypePhase::Progress,
                level: 2,
                total: 700,
                progress: 200,
                goal: 1800
            })
        );
        assert_eq!(parsed_event("channel.ban", json!({})), None);
    }
}
