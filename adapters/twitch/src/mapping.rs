//! Pure functions from IRC messages to [`TwitchEvent`]s and connection signals.
//!
//! They read the raw tags instead of twitch-irc's typed messages, because the typed parser
//! rejects a whole message when one tag it wants (e.g. `msg-param-profileImageURL`) is missing,
//! and we would lose the event. Here a missing tag falls back to a sane default.

use std::collections::HashMap;

use twitch_irc::message::{IRCMessage, IRCPrefix};

use crate::events::{ChatLook, ChatMessage, ChatUser, EmoteSpan, Roles, SubKind, TwitchEvent};

/// Chat events carried by one IRC message (none for anything that is not chat).
pub fn chat_events(msg: &IRCMessage) -> Vec<TwitchEvent> {
    match msg.command.as_str() {
        "PRIVMSG" => privmsg_events(msg),
        "USERNOTICE" => usernotice_event(msg).into_iter().collect(),
        "CLEARMSG" => {
            let id = tag(&msg.tags.0, "target-msg-id");
            if id.is_empty() {
                Vec::new()
            } else {
                vec![TwitchEvent::ChatDeleted {
                    message_id: id.to_owned(),
                }]
            }
        }
        "CLEARCHAT" => vec![TwitchEvent::ChatCleared {
            user_id: Some(tag(&msg.tags.0, "target-user-id").to_owned()).filter(|u| !u.is_empty()),
        }],
        _ => Vec::new(),
    }
}

/// What a server message means for the connection state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectionSignal {
    /// The server confirmed we are in the channel.
    Joined,
    /// We left the channel (PART of our own user).
    Parted,
    /// The server refused us (login failure, banned, suspended channel…).
    Error(String),
}

/// Recognises JOIN/ROOMSTATE/PART/NOTICE messages about our own session.
/// `our_login` and `channel` are lowercase, `channel` without `#`.
pub fn connection_signal(
    msg: &IRCMessage,
    our_login: &str,
    channel: &str,
) -> Option<ConnectionSignal> {
    let target = msg.params.first().map(String::as_str).unwrap_or("");
    let is_our_channel = target
        .strip_prefix('#')
        .is_some_and(|c| c.eq_ignore_ascii_case(channel));
    let from_us = prefix_nick(msg).is_some_and(|n| n.eq_ignore_ascii_case(our_login));
    match msg.command.as_str() {
        "JOIN" if is_our_channel && from_us => Some(ConnectionSignal::Joined),
        "ROOMSTATE" if is_our_channel => Some(ConnectionSignal::Joined),
        "PART" if is_our_channel && from_us => Some(ConnectionSignal::Parted),
        "NOTICE" => {
            let text = msg.params.get(1).cloned().unwrap_or_default();
            let msg_id = tag(&msg.tags.0, "msg-id");
            // NOTICEs to `*` come before login completes: they are always login problems.
            let fatal = target == "*"
                || matches!(
                    msg_id,
                    "msg_banned" | "msg_channel_suspended" | "msg_channel_blocked"
                );
            fatal.then(|| ConnectionSignal::Error(format!("Twitch: {text}")))
        }
        _ => None,
    }
}

fn privmsg_events(msg: &IRCMessage) -> Vec<TwitchEvent> {
    let tags = &msg.tags.0;
    let raw_text = msg.params.get(1).map(String::as_str).unwrap_or("");
    let (text, is_action) = match raw_text
        .strip_prefix("\u{1}ACTION ")
        .and_then(|t| t.strip_suffix('\u{1}'))
    {
        Some(t) => (t, true),
        None => (raw_text, false),
    };
    let login = prefix_nick(msg)
        .map(str::to_lowercase)
        .unwrap_or_else(|| tag(tags, "login").to_lowercase());
    let user = user_from_tags(tags, &login);
    let bits = tag(tags, "bits").parse::<u64>().ok().filter(|b| *b > 0);
    let chat = TwitchEvent::Chat(ChatMessage {
        user: user.clone(),
        text: text.to_owned(),
        message_id: tag(tags, "id").to_owned(),
        bits,
        is_action,
        look: look_from_tags(tags),
    });
    match bits {
        Some(bits) => vec![
            chat,
            TwitchEvent::Cheer {
                user,
                bits,
                message: text.to_owned(),
            },
        ],
        None => vec![chat],
    }
}

fn usernotice_event(msg: &IRCMessage) -> Option<TwitchEvent> {
    let tags = &msg.tags.0;
    let login = match tag(tags, "login") {
        "" => prefix_nick(msg).unwrap_or("").to_lowercase(),
        l => l.to_lowercase(),
    };
    let user = user_from_tags(tags, &login);
    let tier = || match tag(tags, "msg-param-sub-plan") {
        "" => "1000".to_owned(),
        plan => plan.to_owned(),
    };
    let text = msg.params.get(1).filter(|t| !t.is_empty()).cloned();
    let msg_id = tag(tags, "msg-id");
    let anonymous = msg_id.starts_with("anon") || user.id == crate::events::ANONYMOUS_GIFTER_ID;
    let gifter = || {
        if anonymous {
            ChatUser::anonymous_gifter()
        } else {
            user.clone()
        }
    };
    let community_gift_id =
        Some(tag(tags, "msg-param-community-gift-id").to_owned()).filter(|s| !s.is_empty());
    match msg_id {
        "sub" | "resub" => Some(TwitchEvent::Subscription {
            tier: tier(),
            months: number(tags, "msg-param-cumulative-months")
                .or_else(|| number(tags, "msg-param-months").filter(|m| *m > 0))
                .unwrap_or(1),
            message: text,
            kind: if msg_id == "sub" {
                SubKind::Sub
            } else {
                SubKind::Resub
            },
            user: user.clone(),
        }),
        "subgift" | "anonsubgift" => Some(TwitchEvent::GiftSub {
            gifter: gifter(),
            anonymous,
            recipient_login: Some(tag(tags, "msg-param-recipient-user-name").to_lowercase())
                .filter(|s| !s.is_empty()),
            tier: tier(),
            count: 1,
            community_gift_id,
        }),
        "submysterygift" | "anonsubmysterygift" => Some(TwitchEvent::GiftSub {
            gifter: gifter(),
            anonymous,
            recipient_login: None,
            tier: tier(),
            count: number(tags, "msg-param-mass-gift-count").unwrap_or(1),
            community_gift_id,
        }),
        "raid" => Some(TwitchEvent::Raid {
            from: user,
            viewers: number(tags, "msg-param-viewerCount").unwrap_or(0),
        }),
        other => {
            tracing::debug!(msg_id = other, "twitch: ignoring USERNOTICE kind");
            None
        }
    }
}

fn user_from_tags(tags: &HashMap<String, String>, login: &str) -> ChatUser {
    let display_name = match tag(tags, "display-name").trim() {
        "" => login.to_owned(),
        name => name.to_owned(),
    };
    ChatUser {
        id: tag(tags, "user-id").to_owned(),
        login: login.to_owned(),
        display_name,
        roles: roles_from_tags(tags),
    }
}

/// Colour, badges and emotes of a PRIVMSG. The `emotes` tag is `id:start-end,start-end/id:…`
/// with positions in Unicode scalar values; a malformed part is skipped, not the line.
pub fn look_from_tags(tags: &HashMap<String, String>) -> ChatLook {
    let color = Some(tag(tags, "color"))
        .filter(|c| {
            c.len() == 7 && c.starts_with('#') && c[1..].chars().all(|h| h.is_ascii_hexdigit())
        })
        .map(str::to_owned);
    let badges = tag(tags, "badges")
        .split(',')
        .filter(|b| !b.is_empty())
        .map(str::to_owned)
        .collect();
    let mut emotes: Vec<EmoteSpan> = tag(tags, "emotes")
        .split('/')
        .filter_map(|part| part.split_once(':'))
        .flat_map(|(id, ranges)| {
            ranges.split(',').filter_map(move |r| {
                let (a, b) = r.split_once('-')?;
                let (start, end) = (a.parse().ok()?, b.parse().ok()?);
                (start <= end && !id.is_empty()).then(|| EmoteSpan {
                    id: id.to_owned(),
                    start,
                    end,
                })
            })
        })
        .collect();
    emotes.sort_by_key(|e| e.start);
    // Overlapping spans cannot both be drawn; keep the first.
    let mut last_end = None;
    emotes.retain(|e| {
        let keep = last_end.is_none_or(|end| e.start > end);
        if keep {
            last_end = Some(e.end);
        }
        keep
    });
    ChatLook {
        color,
        badges,
        emotes,
    }
}

/// Roles from the `badges` tag, with the older flag tags (`mod`, `vip`, `subscriber`) and
/// `user-id == room-id` (the broadcaster) as fallbacks.
pub fn roles_from_tags(tags: &HashMap<String, String>) -> Roles {
    let mut roles = Roles::from_badge_names(
        tag(tags, "badges")
            .split(',')
            .filter_map(|b| b.split('/').next()),
    );
    roles.moderator |= tag(tags, "mod") == "1";
    roles.subscriber |= tag(tags, "subscriber") == "1";
    roles.vip |= tags.contains_key("vip");
    let user_id = tag(tags, "user-id");
    roles.broadcaster |= !user_id.is_empty() && user_id == tag(tags, "room-id");
    roles
}

fn prefix_nick(msg: &IRCMessage) -> Option<&str> {
    match &msg.prefix {
        Some(IRCPrefix::Full { nick, .. }) => Some(nick),
        _ => None,
    }
}

fn tag<'a>(tags: &'a HashMap<String, String>, key: &str) -> &'a str {
    tags.get(key).map(String::as_str).unwrap_or("")
}

fn number(tags: &HashMap<String, String>, key: &str) -> Option<u64> {
    tag(tags, key).trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> IRCMessage {
        IRCMessage::parse(line).expect("test line parses")
    }

    fn user(id: &str, login: &str, display: &str, roles: Roles) -> ChatUser {
        ChatUser {
            id: id.into(),
            login: login.into(),
            display_name: display.into(),
            roles,
        }
    }

    #[test]
    fn privmsg_with_badges() {
        let m = parse(
            "@badge-info=subscriber/5;badges=moderator/1,founder/0;color=#FF0000;display-name=Mod\\sName;emotes=;first-msg=0;flags=;id=abc-1;mod=1;room-id=1;subscriber=0;tmi-sent-ts=1;turbo=0;user-id=42;user-type=mod :mod!mod@mod.tmi.twitch.tv PRIVMSG #chan :!confetti high red",
        );
        let roles = Roles {
            moderator: true,
            subscriber: true,
            ..Roles::default()
        };
        assert_eq!(
            chat_events(&m),
            vec![TwitchEvent::Chat(ChatMessage {
                user: user("42", "mod", "Mod Name", roles),
                text: "!confetti high red".into(),
                message_id: "abc-1".into(),
                bits: None,
                is_action: false,
                look: ChatLook {
                    color: Some("#FF0000".into()),
                    badges: vec!["moderator/1".into(), "founder/0".into()],
                    emotes: vec![],
                },
            })]
        );
    }

    #[test]
    fn emotes_colors_and_moderation() {
        let tags = |s: &str| parse(&format!("@{s} :tmi.twitch.tv PRIVMSG #c :x")).tags.0;
        let look = look_from_tags(&tags("emotes=25:0-4,12-16/1902:6-10;color=;badges="));
        assert_eq!(look.color, None);
        assert!(look.badges.is_empty());
        let spans: Vec<_> = look
            .emotes
            .iter()
            .map(|e| (e.id.as_str(), e.start, e.end))
            .collect();
        assert_eq!(spans, vec![("25", 0, 4), ("1902", 6, 10), ("25", 12, 16)]);
        let odd = look_from_tags(&tags("emotes=25:4-2,x-y/:1-2/9:1-3,2-5;color=red"));
        assert_eq!(
            odd.emotes.len(),
            1,
            "bad and overlapping spans skipped: {odd:?}"
        );
        assert_eq!(odd.color, None, "only #RRGGBB");

        let clear = parse("@room-id=1;target-msg-id=abc :tmi.twitch.tv CLEARMSG #c :bad words");
        assert_eq!(
            chat_events(&clear),
            vec![TwitchEvent::ChatDeleted {
                message_id: "abc".into()
            }]
        );
        let timeout = parse(
            "@ban-duration=600;room-id=1;target-user-id=42 :tmi.twitch.tv CLEARCHAT #c :troll",
        );
        assert_eq!(
            chat_events(&timeout),
            vec![TwitchEvent::ChatCleared {
                user_id: Some("42".into())
            }]
        );
        let all = parse("@room-id=1 :tmi.twitch.tv CLEARCHAT #c");
        assert_eq!(
            chat_events(&all),
            vec![TwitchEvent::ChatCleared { user_id: None }]
        );
    }

    #[test]
    fn roles_from_badges_and_fallback_tags() {
        let tags = |s: &str| parse(&format!("@{s} :tmi.twitch.tv PRIVMSG #c :x")).tags.0;
        let r = roles_from_tags(&tags("badges=broadcaster/1,vip/1;user-id=1;room-id=1"));
        assert!(r.broadcaster && r.vip && !r.moderator && !r.subscriber);
        let r = roles_from_tags(&tags("badges=;mod=1;subscriber=1;user-id=2;room-id=1"));
        assert!(r.moderator && r.subscriber && !r.broadcaster && !r.vip);
        let r = roles_from_tags(&tags("badges=;user-id=7;room-id=7"));
        assert!(r.broadcaster);
        assert_eq!(roles_from_tags(&HashMap::new()), Roles::default());
    }

    #[test]
    fn action_text_is_unwrapped_and_missing_display_name_falls_back() {
        let m =
            parse("@id=x;user-id=5 :bob!bob@bob.tmi.twitch.tv PRIVMSG #c :\u{1}ACTION waves\u{1}");
        match &chat_events(&m)[..] {
            [TwitchEvent::Chat(c)] => {
                assert_eq!(c.text, "waves");
                assert!(c.is_action);
                assert_eq!(c.user.display_name, "bob");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn bits_yield_chat_then_cheer() {
        let m = parse(
            "@badges=;bits=100;display-name=Bob;id=m1;user-id=5;room-id=1 :bob!bob@bob.tmi.twitch.tv PRIVMSG #c :Cheer100 great",
        );
        let ev = chat_events(&m);
        assert_eq!(ev.len(), 2);
        assert!(matches!(&ev[0], TwitchEvent::Chat(c) if c.bits == Some(100)));
        assert_eq!(
            ev[1],
            TwitchEvent::Cheer {
                user: user("5", "bob", "Bob", Roles::default()),
                bits: 100,
                message: "Cheer100 great".into()
            }
        );
        // A bits tag that is not a positive number is no cheer.
        let m = parse("@bits=abc;id=m2 :bob!b@b PRIVMSG #c :hi");
        assert_eq!(chat_events(&m).len(), 1);
    }

    #[test]
    fn sub_and_resub() {
        let m = parse(
            "@badges=subscriber/0;display-name=Ann;login=ann;msg-id=sub;msg-param-cumulative-months=1;msg-param-sub-plan=Prime;room-id=1;user-id=9 :tmi.twitch.tv USERNOTICE #c",
        );
        assert_eq!(
            chat_events(&m),
            vec![TwitchEvent::Subscription {
                user: user(
                    "9",
                    "ann",
                    "Ann",
                    Roles {
                        subscriber: true,
                        ..Roles::default()
                    }
                ),
                tier: "Prime".into(),
                months: 1,
                message: None,
                kind: SubKind::Sub,
            }]
        );
        let m = parse(
            "@display-name=Ann;login=ann;msg-id=resub;msg-param-cumulative-months=14;msg-param-sub-plan=2000;user-id=9 :tmi.twitch.tv USERNOTICE #c :still here",
        );
        assert!(matches!(
            &chat_events(&m)[..],
            [TwitchEvent::Subscription { months: 14, tier, message: Some(msg), kind: SubKind::Resub, .. }]
                if tier == "2000" && msg == "still here"
        ));
        // Missing plan and months: defaults instead of losing the event.
        let m = parse("@login=ann;msg-id=sub;user-id=9 :tmi.twitch.tv USERNOTICE #c");
        assert!(matches!(
            &chat_events(&m)[..],
            [TwitchEvent::Subscription { months: 1, tier, .. }] if tier == "1000"
        ));
    }

    #[test]
    fn gifts() {
        let m = parse(
            "@display-name=Gus;login=gus;msg-id=subgift;msg-param-recipient-user-name=Rita;msg-param-sub-plan=1000;msg-param-community-gift-id=77;user-id=3 :tmi.twitch.tv USERNOTICE #c",
        );
        assert_eq!(
            chat_events(&m),
            vec![TwitchEvent::GiftSub {
                gifter: user("3", "gus", "Gus", Roles::default()),
                anonymous: false,
                recipient_login: Some("rita".into()),
                tier: "1000".into(),
                count: 1,
                community_gift_id: Some("77".into()),
            }]
        );
        let m = parse(
            "@display-name=Gus;login=gus;msg-id=submysterygift;msg-param-mass-gift-count=5;msg-param-sub-plan=3000;user-id=3 :tmi.twitch.tv USERNOTICE #c",
        );
        assert!(matches!(
            &chat_events(&m)[..],
            [TwitchEvent::GiftSub { count: 5, recipient_login: None, anonymous: false, tier, .. }] if tier == "3000"
        ));
        let m = parse(
            "@msg-id=anonsubgift;msg-param-recipient-user-name=rita;msg-param-sub-plan=1000 :tmi.twitch.tv USERNOTICE #c",
        );
        assert!(matches!(
            &chat_events(&m)[..],
            [TwitchEvent::GiftSub { anonymous: true, gifter, .. }] if gifter.id == crate::events::ANONYMOUS_GIFTER_ID
        ));
    }

    #[test]
    fn raid_and_unknown() {
        let m = parse(
            "@display-name=Raider;login=raider;msg-id=raid;msg-param-viewerCount=1234;user-id=8 :tmi.twitch.tv USERNOTICE #c",
        );
        assert_eq!(
            chat_events(&m),
            vec![TwitchEvent::Raid {
                from: user("8", "raider", "Raider", Roles::default()),
                viewers: 1234
            }]
        );
        let m = parse("@login=x;msg-id=ritual :tmi.twitch.tv USERNOTICE #c");
        assert!(chat_events(&m).is_empty());
        assert!(chat_events(&parse(":tmi.twitch.tv PING")).is_empty());
    }

    #[test]
    fn connection_signals() {
        let sig = |l: &str| connection_signal(&parse(l), "justinfan1", "chan");
        assert_eq!(
            sig(":justinfan1!justinfan1@justinfan1.tmi.twitch.tv JOIN #chan"),
            Some(ConnectionSignal::Joined)
        );
        assert_eq!(sig(":other!other@other.tmi.twitch.tv JOIN #chan"), None);
        assert_eq!(sig(":justinfan1!j@j JOIN #elsewhere"), None);
        assert_eq!(
            sig("@room-id=1;slow=0 :tmi.twitch.tv ROOMSTATE #chan"),
            Some(ConnectionSignal::Joined)
        );
        assert_eq!(
            sig(":JustinFan1!j@j PART #chan"),
            Some(ConnectionSignal::Parted)
        );
        assert_eq!(
            sig(":tmi.twitch.tv NOTICE * :Login authentication failed"),
            Some(ConnectionSignal::Error(
                "Twitch: Login authentication failed".into()
            ))
        );
        assert_eq!(
            sig("@msg-id=msg_banned :tmi.twitch.tv NOTICE #chan :You are permanently banned"),
            Some(ConnectionSignal::Error(
                "Twitch: You are permanently banned".into()
            ))
        );
        assert_eq!(
            sig("@msg-id=slow_on :tmi.twitch.tv NOTICE #chan :This room is in slow mode"),
            None
        );
    }
}
