//! The device-code login and the EventSub client against the fake Twitch auth, Helix and
//! EventSub servers: the real clients, Twitch's documented message shapes.

use std::time::Duration;

use serde_json::json;
use stagehand_twitch::auth::{AuthClient, AuthError};
use stagehand_twitch::eventsub::{EventSubHandle, EventSubSettings};
use stagehand_twitch::fake_api::{FAKE_CLIENT_ID, FakeTwitchApi};
use stagehand_twitch::{Secret, TwitchEvent};
use tokio::sync::{mpsc, watch};

const WAIT: Duration = Duration::from_secs(20);

async fn login(api: &FakeTwitchApi) -> (AuthClient, stagehand_twitch::auth::Tokens) {
    let auth = AuthClient::new(&api.auth_url(), FAKE_CLIENT_ID);
    let code = auth.start_device().await.unwrap();
    assert_eq!(api.pending_codes(), vec![code.user_code.clone()]);
    assert!(code.verification_uri.contains(&code.user_code));
    assert_eq!(
        auth.poll_token(&code.device_code).await.unwrap_err(),
        AuthError::Pending
    );
    assert!(api.approve(Some(&code.user_code), "streamer", "1001"));
    let tokens = auth.poll_token(&code.device_code).await.unwrap();
    (auth, tokens)
}

fn follow(login: &str) -> serde_json::Value {
    json!({"user_id": format!("id-{login}"), "user_login": login, "user_name": login,
        "broadcaster_user_id": "1001", "broadcaster_user_login": "streamer",
        "broadcaster_user_name": "streamer", "followed_at": "2026-12-06T20:00:00Z"})
}

/// The client under test against the fake, as broadcaster 1001.
fn eventsub(
    api: &FakeTwitchApi,
    token: watch::Receiver<Option<Secret>>,
) -> (EventSubHandle, mpsc::Receiver<TwitchEvent>) {
    let (tx, rx) = mpsc::channel(64);
    let es = EventSubHandle::spawn(
        EventSubSettings {
            ws_url: api.eventsub_url(),
            api_url: api.api_url(),
            client_id: FAKE_CLIENT_ID.into(),
            broadcaster_id: "1001".into(),
            token,
        },
        tx,
    );
    (es, rx)
}

async fn next_login(rx: &mut mpsc::Receiver<TwitchEvent>) -> String {
    match tokio::time::timeout(WAIT, rx.recv()).await {
        Ok(Some(TwitchEvent::Follow { user })) => user.login,
        other => panic!("expected a follow, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_login_refresh_validate_revoke() {
    let api = FakeTwitchApi::start().await;
    let (auth, tokens) = login(&api).await;
    let who = auth.validate(&tokens.access_token).await.unwrap();
    assert_eq!(
        (who.login.as_str(), who.user_id.as_str()),
        ("streamer", "1001")
    );
    assert!(who.scopes.iter().any(|s| s == "moderator:read:followers"));

    let fresh = auth.refresh(&tokens.refresh_token).await.unwrap();
    assert_ne!(fresh.access_token, tokens.access_token);
    assert_eq!(
        auth.refresh(&tokens.refresh_token).await.unwrap_err(),
        AuthError::Invalid,
        "a refresh token is used once"
    );
    auth.revoke(&fresh.access_token).await.unwrap();
    assert_eq!(
        auth.validate(&fresh.access_token).await.unwrap_err(),
        AuthError::Invalid
    );
    // Revoking what Twitch no longer knows is not an error: the login is gone either way.
    auth.revoke(&fresh.access_token).await.unwrap();

    let code = auth.start_device().await.unwrap();
    assert!(api.deny());
    assert_eq!(
        auth.poll_token(&code.device_code).await.unwrap_err(),
        AuthError::Denied
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notifications_survive_reconnects_and_fire_once() {
    let api = FakeTwitchApi::start().await;
    let (_auth, tokens) = login(&api).await;
    let (_token_tx, token) = watch::channel(Some(tokens.access_token.clone()));
    let (es, mut rx) = eventsub(&api, token);
    api.wait_for_subscriptions(10).await;
    let subs = api.subscriptions();
    for kind in [
        "channel.follow",
        "channel.channel_points_custom_reward_redemption.add",
        "channel.raid",
        "channel.hype_train.begin",
    ] {
        assert!(subs.iter().any(|s| s == kind), "{kind} in {subs:?}");
    }
    let mut status = es.subscribe_status();
    status.wait_for(|s| s.connected).await.unwrap();
    assert_eq!(es.status().subscriptions, 10);

    let id = api.notify("channel.follow", follow("first")).unwrap();
    assert_eq!(next_login(&mut rx).await, "first");
    // The same message id again: Twitch's docs say to ignore it.
    assert!(api.notify_again("channel.follow", follow("first"), &id));

    // session_reconnect with events sent to the old and then the new session.
    assert_eq!(api.reconnect(), 1);
    for i in 0..20 {
        let login = format!("during{i}");
        while api.notify("channel.follow", follow(&login)).is_none() {
            tokio::task::yield_now().await;
        }
    }
    for i in 0..20 {
        assert_eq!(next_login(&mut rx).await, format!("during{i}"));
    }
    api.notify("channel.follow", follow("after")).unwrap();
    assert_eq!(
        next_login(&mut rx).await,
        "after",
        "the duplicate never fired"
    );

    let redemption = json!({"id": "r1", "user_id": "9", "user_login": "fan", "user_name": "Fan",
        "user_input": "play something loud", "status": "unfulfilled",
        "reward": {"id": "rw1", "title": "Song request", "cost": 500, "prompt": ""},
        "broadcaster_user_id": "1001", "redeemed_at": "t"});
    api.notify(
        "channel.channel_points_custom_reward_redemption.add",
        redemption,
    )
    .unwrap();
    match tokio::time::timeout(WAIT, rx.recv()).await {
        Ok(Some(TwitchEvent::Redemption {
            input,
            reward_title,
            ..
        })) => assert_eq!(
            (input.as_str(), reward_title.as_str()),
            ("play something loud", "Song request")
        ),
        other => panic!("{other:?}"),
    }
    es.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_token_waits_for_a_new_one_and_a_dead_socket_reconnects() {
    let api = FakeTwitchApi::start().await;
    let (auth, tokens) = login(&api).await;
    api.expire_access_tokens();
    let (token_tx, token) = watch::channel(Some(tokens.access_token.clone()));
    let (es, mut rx) = eventsub(&api, token);
    let mut status = es.subscribe_status();
    status.wait_for(|s| s.unauthorized).await.unwrap();
    let fresh = auth.refresh(&tokens.refresh_token).await.unwrap();
    token_tx.send_replace(Some(fresh.access_token));
    status.wait_for(|s| s.connected).await.unwrap();
    api.wait_for_subscriptions(10).await;

    // A network cut: the client notices, connects again and subscribes again.
    api.drop_sockets();
    api.wait_for_subscriptions(10).await;
    api.notify("channel.follow", follow("back")).unwrap();
    assert_eq!(next_login(&mut rx).await, "back");

    // A half-dead socket (open, silent): the keepalive timeout notices it.
    api.set_keepalive(1);
    api.drop_sockets();
    api.wait_for_subscriptions(10).await;
    let opened = api.sessions_opened();
    api.stall_sockets();
    api.wait_until("a new session after the keepalive timeout", |a| {
        a.sessions_opened() > opened && a.subscriptions().len() == 10
    })
    .await;
    api.notify("channel.follow", follow("alive")).unwrap();
    assert_eq!(next_login(&mut rx).await, "alive");

    // Revoked at Twitch: a revocation per subscription, flagged for the daemon.
    api.revoke_all();
    status.wait_for(|s| s.revoked).await.unwrap();
    es.shutdown().await;
}
