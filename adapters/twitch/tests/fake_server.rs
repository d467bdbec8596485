//! The real twitch-irc client, through `TwitchHandle`, against the fake Twitch IRC server.

mod common;

use std::time::{Duration, Instant};

use common::*;
use stagehand_twitch::fake::{FakeUser, ROOM_ID};
use stagehand_twitch::{
    ChatMessage, ChatUser, QueueLimits, Roles, SubKind, TwitchError, TwitchEvent, TwitchHandle,
    TwitchSettings,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anonymous_connect_and_join() {
    let mut s = connected(anonymous_settings).await;
    let lines = s.server.sent_lines();
    assert!(
        lines.contains(&"CAP REQ :twitch.tv/tags twitch.tv/commands".to_owned()),
        "{lines:?}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("NICK justinfan")),
        "{lines:?}"
    );
    assert!(lines.contains(&"JOIN #chan".to_owned()), "{lines:?}");
    assert!(!lines.iter().any(|l| l.starts_with("PASS")), "{lines:?}");

    let status = s.handle.status();
    assert!(status.enabled && status.connected);
    assert_eq!(status.channel, CHANNEL);
    assert_eq!(status.last_error, None);
    // The change to connected was also announced on the event stream.
    assert!(next_status_event(&mut s.events).await.connected);
    s.handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn privmsg_with_badges_becomes_chat() {
    let mut s = connected(anonymous_settings).await;
    let moderator = FakeUser::new("modguy")
        .display_name("ModGuy")
        .id("42")
        .badges(&["moderator/1", "founder/0"]);
    let id = s.server.privmsg(&moderator, "!confetti high red");
    let streamer = FakeUser::new("chan")
        .display_name("Chan")
        .id(ROOM_ID)
        .badges(&["broadcaster/1"]);
    let id2 = s.server.privmsg(&streamer, "hello; with \\ odd chars");
    let vip = FakeUser::new("vipper").id("7").badges(&["vip/1"]);
    s.server.privmsg(&vip, "hi");

    assert_eq!(
        next_chat_event(&mut s.events).await,
        TwitchEvent::Chat(ChatMessage {
            user: ChatUser {
                id: "42".into(),
                login: "modguy".into(),
                display_name: "ModGuy".into(),
                roles: Roles {
                    moderator: true,
                    subscriber: true,
                    ..Roles::default()
                },
            },
            text: "!confetti high red".into(),
            message_id: id,
            bits: None,
            is_action: false,
            look: stagehand_twitch::ChatLook {
                color: Some("#FF0000".into()),
                badges: vec!["moderator/1".into(), "founder/0".into()],
                emotes: vec![],
            },
        })
    );
    match next_chat_event(&mut s.events).await {
        TwitchEvent::Chat(c) => {
            assert_eq!(c.message_id, id2);
            assert_eq!(c.text, "hello; with \\ odd chars");
            assert_eq!(
                c.user.roles,
                Roles {
                    broadcaster: true,
                    ..Roles::default()
                }
            );
        }
        other => panic!("{other:?}"),
    }
    match next_chat_event(&mut s.events).await {
        TwitchEvent::Chat(c) => {
            assert_eq!(c.user.login, "vipper");
            assert!(c.user.roles.vip && !c.user.roles.moderator);
        }
        other => panic!("{other:?}"),
    }
    s.handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bits_yield_chat_then_cheer() {
    let mut s = connected(anonymous_settings).await;
    let fan = FakeUser::new("fan").id("5");
    let id = s.server.privmsg_with_bits(&fan, 250, "Cheer250 go go");
    match next_chat_event(&mut s.events).await {
        TwitchEvent::Chat(c) => {
            assert_eq!(c.bits, Some(250));
            assert_eq!(c.message_id, id);
        }
        other => panic!("{other:?}"),
    }
    match next_chat_event(&mut s.events).await {
        TwitchEvent::Cheer {
            user,
            bits,
            message,
        } => {
            assert_eq!((user.login.as_str(), user.id.as_str()), ("fan", "5"));
            assert_eq!(bits, 250);
            assert_eq!(message, "Cheer250 go go");
        }
        other => panic!("{other:?}"),
    }
    s.handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usernotices_become_events() {
    let mut s = connected(anonymous_settings).await;
    let ann = FakeUser::new("ann")
        .display_name("Ann")
        .id("9")
        .badges(&["subscriber/0"]);
    s.server.sub(&ann, "Prime");
    s.server.resub(&ann, "2000", 14, Some("still here; yay"));
    let gus = FakeUser::new("gus").display_name("Gus").id("3");
    s.server.subgift(&gus, "rita", "1000");
    s.server.submysterygift(&gus, 5, "3000");
    s.server.anonsubgift("rita", "1000");
    let raider = FakeUser::new("raider").display_name("Raider").id("8");
    s.server.raid(&raider, 1234);

    match next_chat_event(&mut s.events).await {
        TwitchEvent::Subscription {
            user,
            tier,
            months,
            message,
            kind,
        } => {
            assert_eq!((user.login.as_str(), user.id.as_str()), ("ann", "9"));
            assert!(user.roles.subscriber);
            assert_eq!((tier.as_str(), months, kind), ("Prime", 1, SubKind::Sub));
            assert_eq!(message, None);
        }
        other => panic!("{other:?}"),
    }
    match next_chat_event(&mut s.events).await {
        TwitchEvent::Subscription {
            tier,
            months,
            message,
            kind,
            ..
        } => {
            assert_eq!((tier.as_str(), months, kind), ("2000", 14, SubKind::Resub));
            assert_eq!(message.as_deref(), Some("still here; yay"));
        }
        other => panic!("{other:?}"),
    }
    match next_chat_event(&mut s.events).await {
        TwitchEvent::GiftSub {
            gifter,
            anonymous,
            recipient_login,
            tier,
            count,
            ..
        } => {
            assert_eq!(gifter.login, "gus");
            assert!(!anonymous);
            assert_eq!(recipient_login.as_deref(), Some("rita"));
            assert_eq!((tier.as_str(), count), ("1000", 1));
        }
        other => panic!("{other:?}"),
    }
    match next_chat_event(&mut s.events).await {
        TwitchEvent::GiftSub {
            recipient_login,
            tier,
            count,
            community_gift_id,
            ..
        } => {
            assert_eq!(recipient_login, None);
            assert_eq!((tier.as_str(), count), ("3000", 5));
            assert!(community_gift_id.is_some());
        }
        other => panic!("{other:?}"),
    }
    match next_chat_event(&mut s.events).await {
        TwitchEvent::GiftSub {
            gifter, anonymous, ..
        } => {
            assert!(anonymous);
            assert_eq!(gifter, ChatUser::anonymous_gifter());
        }
        other => panic!("{other:?}"),
    }
    match next_chat_event(&mut s.events).await {
        TwitchEvent::Raid { from, viewers } => {
            assert_eq!(
                (from.login.as_str(), from.display_name.as_str()),
                ("raider", "Raider")
            );
            assert_eq!(viewers, 1234);
        }
        other => panic!("{other:?}"),
    }
    s.handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconnects_after_the_server_drops_the_connection() {
    let mut s = connected(anonymous_settings).await;
    assert!(next_status_event(&mut s.events).await.connected);

    assert_eq!(s.server.drop_connections(), 1);
    let down = next_status_event(&mut s.events).await;
    assert!(!down.connected, "{down:?}");
    assert!(down.last_error.is_some(), "{down:?}");

    s.server.wait_for_join(CHANNEL).await;
    let up = next_status_event(&mut s.events).await;
    assert!(up.connected, "{up:?}");
    assert_eq!(s.server.total_connections(), 2);

    let id = s.server.privmsg(&FakeUser::new("bob"), "after reconnect");
    match next_chat_event(&mut s.events).await {
        TwitchEvent::Chat(c) => {
            assert_eq!((c.message_id, c.text.as_str()), (id, "after reconnect"))
        }
        other => panic!("{other:?}"),
    }
    s.handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconnect_command_is_not_an_error() {
    let s = connected(anonymous_settings).await;
    s.server.send_reconnect();
    // twitch-irc closes and opens a new connection; wait for the second JOIN.
    let deadline = Instant::now() + DEADLINE;
    while s.server.total_connections() < 2 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    s.server.wait_for_join(CHANNEL).await;
    let status = wait_status(&s.handle, |st| st.connected).await;
    assert_eq!(s.server.total_connections(), 2);
    assert_eq!(status.last_error, None);
    s.handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replies_are_paced_and_threaded() {
    let interval = Duration::from_millis(400);
    let server = stagehand_twitch::fake::FakeTwitchServer::start().await;
    let (handle, _events) = TwitchHandle::spawn(TwitchSettings {
        reply_min_interval: interval,
        ..bot_settings(&server)
    });
    server.wait_for_join(CHANNEL).await;
    wait_status(&handle, |s| s.connected).await;

    let start = Instant::now();
    handle
        .reply(Some("parent-1"), "@bob usage: !confetti <level> <color>")
        .expect("queued");
    for n in 2..=5 {
        handle.reply(None, &format!("reply {n}")).expect("queued");
    }
    let sent = server.wait_for_privmsgs(5, DEADLINE).await;
    let elapsed = start.elapsed();
    assert_eq!(sent.len(), 5, "{sent:?}");
    // Five sends need at least four intervals between them (a lower bound: slowness only adds).
    assert!(elapsed >= interval * 4, "5 replies in {elapsed:?}");
    assert_eq!(sent[0].channel, CHANNEL);
    assert_eq!(sent[0].text, "@bob usage: !confetti <level> <color>");
    assert_eq!(sent[0].reply_parent.as_deref(), Some("parent-1"));
    assert!(
        sent[0]
            .line
            .starts_with("@reply-parent-msg-id=parent-1 PRIVMSG #chan :@bob usage:"),
        "{}",
        sent[0].line
    );
    let texts: Vec<_> = sent[1..].iter().map(|m| m.text.as_str()).collect();
    assert_eq!(texts, ["reply 2", "reply 3", "reply 4", "reply 5"]);
    assert!(sent[1..].iter().all(|m| m.reply_parent.is_none()));

    // A reply can never inject a second IRC command or run a chat command.
    handle
        .reply(None, "/ban bob\r\nPRIVMSG #chan :x")
        .expect("queued");
    let sent = server.wait_for_privmsgs(6, DEADLINE).await;
    assert_eq!(sent.len(), 6);
    assert_eq!(sent[5].text, ". /ban bob  PRIVMSG #chan :x");
    handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_reply_queue_drops_the_oldest() {
    let interval = Duration::from_millis(300);
    let server = stagehand_twitch::fake::FakeTwitchServer::start().await;
    let (handle, _events) = TwitchHandle::spawn(TwitchSettings {
        reply_min_interval: interval,
        limits: QueueLimits {
            replies: 3,
            ..QueueLimits::default()
        },
        ..bot_settings(&server)
    });
    server.wait_for_join(CHANNEL).await;
    wait_status(&handle, |s| s.connected).await;

    for n in 0..10 {
        handle.reply(None, &format!("r{n}")).expect("queued");
    }
    // The sender may have taken r0 (or r1) before the queue filled; then 3 remain.
    let sent = server.wait_for_privmsgs(4, Duration::from_secs(5)).await;
    tokio::time::sleep(interval * 3).await;
    let sent_after = server.sent_privmsgs();
    assert_eq!(sent.len(), sent_after.len(), "nothing more arrives");
    let texts: Vec<_> = sent_after.iter().map(|m| m.text.as_str()).collect();
    assert!(texts.len() <= 4 && texts.len() >= 3, "{texts:?}");
    assert_eq!(texts[texts.len() - 3..], ["r7", "r8", "r9"], "{texts:?}");
    handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reply_errors() {
    let s = connected(anonymous_settings).await;
    assert_eq!(s.handle.reply(None, "hi"), Err(TwitchError::ReadOnly));

    let (disabled, mut rx) = TwitchHandle::spawn(TwitchSettings::default());
    assert_eq!(disabled.reply(None, "hi"), Err(TwitchError::Disabled));
    assert!(!disabled.status().enabled);
    assert!(rx.recv().await.is_none(), "disabled: events end at once");

    let (invalid, _rx) = TwitchHandle::spawn(TwitchSettings::anonymous("not a channel"));
    assert!(matches!(
        invalid.reply(None, "hi"),
        Err(TwitchError::InvalidSettings(_))
    ));
    let st = invalid.status();
    assert!(
        st.enabled && !st.connected && st.last_error.is_some(),
        "{st:?}"
    );

    let bot = connected(bot_settings).await;
    assert_eq!(
        bot.handle.reply(None, " \r\n "),
        Err(TwitchError::EmptyReply)
    );
    let clone = bot.handle.clone();
    bot.handle.shutdown().await;
    assert_eq!(clone.reply(None, "hi"), Err(TwitchError::Closed));
    assert!(!clone.status().connected);
    s.handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_closes_the_connection() {
    let s = connected(anonymous_settings).await;
    assert_eq!(s.server.connection_count(), 1);
    s.handle.shutdown().await;
    let deadline = Instant::now() + DEADLINE;
    while s.server.connection_count() > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(s.server.connection_count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_token_is_reported() {
    let server = stagehand_twitch::fake::FakeTwitchServer::start().await;
    server.set_reject_login(true);
    let (handle, _events) = TwitchHandle::spawn(bot_settings(&server));
    let status = wait_status(&handle, |s| {
        s.last_error
            .as_deref()
            .is_some_and(|e| e.contains("Login authentication failed"))
    })
    .await;
    assert!(!status.connected);
    assert!(!format!("{status:?}").contains(TOKEN));
    handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_server_is_reported() {
    // A port that was just free: nothing listens there.
    let addr = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr")
    };
    let (handle, _events) = TwitchHandle::spawn(TwitchSettings {
        irc_addr: Some(addr.to_string()),
        ..TwitchSettings::anonymous(CHANNEL)
    });
    let status = wait_status(&handle, |s| s.last_error.is_some()).await;
    assert!(!status.connected);
    assert!(
        status
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains(&addr.to_string())),
        "{status:?}"
    );
    handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_never_in_debug_or_status() {
    let s = connected(bot_settings).await;
    // The server got it…
    assert!(
        s.server
            .sent_lines()
            .contains(&format!("PASS oauth:{TOKEN}"))
    );
    assert!(
        s.server
            .sent_lines()
            .iter()
            .any(|l| l == "NICK stagehandbot")
    );
    // …nothing else shows it.
    let settings = bot_settings(&s.server);
    let shown = [
        format!("{settings:?}"),
        format!("{settings:#?}"),
        format!("{:?}", settings.clone().normalized()),
        format!("{:?}", s.handle),
        format!("{:?}", s.handle.status()),
        serde_json::to_string(&s.handle.status()).expect("json"),
    ];
    for text in shown {
        assert!(!text.contains(TOKEN), "token leaked: {text}");
    }
    s.handle.shutdown().await;
}

fn chat_index(event: &TwitchEvent) -> Option<usize> {
    match event {
        TwitchEvent::Chat(c) => c.text.strip_prefix("flood ")?.parse().ok(),
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_is_delivered_in_order_to_a_reading_consumer() {
    const N: usize = 10_000;
    let mut s = connected(anonymous_settings).await;
    let user = FakeUser::new("flooder").id("77");
    let started = Instant::now();
    let ids = s.server.privmsg_flood(&user, N, |i| format!("flood {i}"));
    for (expected, id) in ids.iter().enumerate() {
        let event = next_chat_event(&mut s.events).await;
        assert_eq!(chat_index(&event), Some(expected), "{event:?}");
        assert!(matches!(&event, TwitchEvent::Chat(c) if &c.message_id == id));
    }
    eprintln!("{N} lines delivered in {:?}", started.elapsed());
    assert_eq!(s.handle.status().dropped_events, 0);
    s.handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_consumer_costs_bounded_memory() {
    const N: usize = 6_000;
    let limits = QueueLimits {
        events: 16,
        backlog: 500,
        replies: 20,
    };
    let server = stagehand_twitch::fake::FakeTwitchServer::start().await;
    let (handle, mut events) = TwitchHandle::spawn(TwitchSettings {
        limits: limits.clone(),
        ..anonymous_settings(&server)
    });
    server.wait_for_join(CHANNEL).await;
    wait_status(&handle, |s| s.connected).await;

    server.privmsg_flood(&FakeUser::new("flooder"), N, |i| format!("flood {i}"));
    // Nobody reads: the adapter must start dropping instead of queueing everything.
    let status = wait_status(&handle, |s| s.dropped_events > 0).await;
    assert!(status.connected);

    // Now read everything: the survivors are in order, and survivors + dropped = all.
    let mut received = 0u64;
    let mut last = None;
    loop {
        let event = next_chat_event(&mut events).await;
        let Some(i) = chat_index(&event) else {
            panic!("{event:?}")
        };
        assert!(
            last.is_none_or(|l| i > l),
            "out of order: {i} after {last:?}"
        );
        last = Some(i);
        received += 1;
        if i == N - 1 {
            break;
        }
    }
    let dropped = handle.status().dropped_events;
    assert_eq!(
        received + dropped,
        N as u64,
        "received {received}, dropped {dropped}"
    );
    handle.shutdown().await;
}

/// The default TLS path (twitch-irc's rustls connector to irc.chat.twitch.tv:6697). It needs
/// the network, so it is ignored by default: `cargo test -p stagehand-twitch -- --ignored`.
/// Without network it must report the failure in `last_error` (not panic); with network it
/// connects anonymously.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "touches the network"]
async fn tls_path_connects_or_reports() {
    let (handle, _events) = TwitchHandle::spawn(TwitchSettings::anonymous("twitch"));
    let status = wait_status(&handle, |s| s.connected || s.last_error.is_some()).await;
    eprintln!("TLS path: {status:?}");
    if !status.connected {
        assert!(
            status
                .last_error
                .as_deref()
                .is_some_and(|e| e.contains("irc.chat.twitch.tv") || e.contains("timed out")),
            "{status:?}"
        );
    }
    handle.shutdown().await;
}
