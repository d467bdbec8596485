//! "Log in with Twitch" and EventSub end to end: the daemon's real device-code client,
//! token keeper and EventSub client against the fake Twitch auth, Helix and EventSub servers
//! (and the fake IRC server for chat), features fired on a real overlay socket.

mod support;

use serde_json::{Value, json};
use stagehand_twitch::fake::FakeTwitchServer;
use stagehand_twitch::fake_api::{FAKE_CLIENT_ID, FakeTwitchApi};
use std::time::Duration;
use support::{Daemon, WsClient, call, element_named, http, setup_widget};

async fn start(api: &FakeTwitchApi, irc: &FakeTwitchServer) -> Daemon {
    let (auth, helix, es, irc) = (
        api.auth_url(),
        api.api_url(),
        api.eventsub_url(),
        irc.addr().to_string(),
    );
    Daemon::start_with(&[
        ("STAGEHAND__TWITCH__AUTH_URL", auth.as_str()),
        ("STAGEHAND__TWITCH__API_URL", helix.as_str()),
        ("STAGEHAND__TWITCH__EVENTSUB_URL", es.as_str()),
        ("STAGEHAND__TWITCH__IRC_ADDR", irc.as_str()),
        // Every line at debug level, to show no token is ever logged.
        ("RUST_LOG", "debug"),
    ])
}

async fn accounts(d: &Daemon) -> Value {
    call(&http(), "GET", &d.url("/api/twitch/accounts"), None)
        .await
        .1
}

/// Polls the account view until `f` holds (the admin socket pushes the same view).
async fn wait_accounts(d: &Daemon, what: &str, f: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..800 {
        let v = accounts(d).await;
        if f(&v) {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("timed out waiting for {what}: {}", accounts(d).await);
}

/// Logs the broadcaster in through the API, approving on the fake like a streamer would.
async fn log_in(d: &Daemon, api: &FakeTwitchApi) {
    let c = http();
    let (s, r) = call(
        &c,
        "POST",
        &d.url("/api/twitch/accounts/broadcaster/login"),
        None,
    )
    .await;
    assert_eq!(s, 422, "no client id yet: {r}");
    assert_eq!(r["error"]["field"], "twitch.client_id");
    let (s, _) = call(
        &c,
        "PATCH",
        &d.url("/api/settings"),
        Some(json!({"twitch.client_id": FAKE_CLIENT_ID})),
    )
    .await;
    assert_eq!(s, 200);
    let (s, pending) = call(
        &c,
        "POST",
        &d.url("/api/twitch/accounts/broadcaster/login"),
        None,
    )
    .await;
    assert_eq!(
        (s, pending["state"].as_str()),
        (200, Some("pending")),
        "{pending}"
    );
    let code = pending["user_code"].as_str().unwrap().to_string();
    assert_eq!(api.pending_codes(), vec![code.clone()]);
    assert!(
        pending["verification_uri"]
            .as_str()
            .unwrap()
            .contains(&code)
    );
    assert!(api.approve(Some(&code), "streamer", "1001"));
    let v = wait_accounts(d, "the login", |v| v["broadcaster"]["state"] == "logged_in").await;
    assert_eq!(v["broadcaster"]["login"], "streamer");
    assert!(v["broadcaster"]["scopes"].as_array().unwrap().len() >= 7);
}

async fn bind(d: &Daemon, body: Value) {
    let (s, r) = call(
        &http(),
        "POST",
        &d.url("/api/event-bindings"),
        Some(body.clone()),
    )
    .await;
    assert_eq!(s, 201, "{body} → {r}");
}

fn follow(login: &str) -> Value {
    json!({"user_id": format!("id-{login}"), "user_login": login, "user_name": login,
        "broadcaster_user_id": "1001", "broadcaster_user_login": "streamer",
        "broadcaster_user_name": "streamer", "followed_at": "2026-12-06T20:00:00Z"})
}

async fn count_becomes(overlay: &mut WsClient, n: u64) {
    overlay
        .until(|f| element_named(f, "death_count").is_some_and(|e| e["properties"]["value"] == n))
        .await;
}

/// Every string that may not appear: the tokens the fake ever issued.
fn assert_no_secret(what: &str, text: &str, secrets: &[String]) {
    for s in secrets {
        assert!(!text.contains(s.as_str()), "{what} contains the token {s}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_then_follows_and_redemptions_fire_features_through_reconnects() {
    let (api, irc) = (
        FakeTwitchApi::start().await,
        FakeTwitchServer::start().await,
    );
    let d = start(&api, &irc).await;
    let (_, counter) = setup_widget(&d, "DeathCounterWidget", json!({})).await;
    let cid = counter["id"].as_u64().unwrap();
    let (_, text) = setup_widget(&d, "TextWidget", json!({})).await;
    let tid = text["id"].as_u64().unwrap();
    support::keep_on_active(&d, &[cid, tid]).await;
    bind(
        &d,
        json!({"event": "follow", "widget_id": cid, "feature": "increment_deaths"}),
    )
    .await;
    bind(
        &d,
        json!({"event": "redemption", "reward": "song request", "widget_id": tid,
            "feature": "set_text", "parameters": {"message": "{user}: {input}"}}),
    )
    .await;

    log_in(&d, &api).await;
    // One login connected chat too: the channel is the broadcaster's, Twitch is on.
    irc.wait_for_join("streamer").await;
    api.wait_for_subscriptions(10).await;
    wait_accounts(&d, "EventSub", |v| v["eventsub"]["connected"] == true).await;

    let mut overlay = WsClient::connect(&d.ws_url("overlay")).await;
    overlay.next().await;
    let first = api.notify("channel.follow", follow("first")).unwrap();
    count_becomes(&mut overlay, 1).await;
    // Delivered twice by Twitch: fires once (the next follow makes it 2, not 3).
    assert!(api.notify_again("channel.follow", follow("first"), &first));

    let redemption = |reward: &str, input: &str| {
        json!({"id": "r1", "user_id": "9", "user_login": "fan", "user_name": "Fan",
            "user_input": input, "status": "unfulfilled", "broadcaster_user_id": "1001",
            "reward": {"id": "rw1", "title": reward, "cost": 500, "prompt": ""},
            "redeemed_at": "2026-12-06T20:00:00Z"})
    };
    let kind = "channel.channel_points_custom_reward_redemption.add";
    api.notify(kind, redemption("Hydrate", "no")).unwrap();
    api.notify(kind, redemption("Song Request", "Never Gonna Give You Up"))
        .unwrap();
    let f = overlay
        .until(|f| element_named(f, "title").is_some_and(|e| e["properties"]["text"].is_string()))
        .await;
    assert_eq!(
        element_named(&f, "title").unwrap()["properties"]["text"],
        "Fan: Never Gonna Give You Up",
        "the other reward fired nothing; the text input reached the parameter"
    );

    // Hype trains fire their bindings; the level is the amount.
    bind(
        &d,
        json!({"event": "hype_train_begin", "widget_id": cid, "feature": "increment_deaths",
            "parameters": {"amount": "{level}"}}),
    )
    .await;
    // A raid is reported by IRC and EventSub: while EventSub is up, only EventSub's fires.
    bind(
        &d,
        json!({"event": "raid", "widget_id": cid, "feature": "increment_deaths"}),
    )
    .await;
    api.notify(
        "channel.hype_train.begin",
        json!({"id": "h1", "broadcaster_user_id": "1001", "level": 2, "total": 900,
            "progress": 100, "goal": 1500, "top_contributions": [], "type": "regular"}),
    )
    .unwrap();
    count_becomes(&mut overlay, 3).await;
    let raider = stagehand_twitch::fake::FakeUser::new("raider").id("77");
    irc.raid(&raider, 30);
    api.notify(
        "channel.raid",
        json!({"from_broadcaster_user_id": "77", "from_broadcaster_user_login": "raider",
            "from_broadcaster_user_name": "raider", "to_broadcaster_user_id": "1001",
            "to_broadcaster_user_login": "streamer", "to_broadcaster_user_name": "streamer",
            "viewers": 30}),
    )
    .unwrap();
    count_becomes(&mut overlay, 4).await;
    // A chat command after the IRC raid: once it ran, the raid was read (in order) and skipped.
    let (s, _) = call(
        &http(),
        "POST",
        &d.url("/api/commands"),
        Some(json!({"trigger": "!death", "widget_id": cid, "feature": "increment_deaths"})),
    )
    .await;
    assert_eq!(s, 201);
    irc.privmsg(&stagehand_twitch::fake::FakeUser::new("viewer"), "!death");
    let f = overlay
        .until(|f| {
            element_named(f, "death_count")
                .is_some_and(|e| e["properties"]["value"].as_u64() >= Some(5))
        })
        .await;
    assert_eq!(
        element_named(&f, "death_count").unwrap()["properties"]["value"],
        5,
        "the IRC raid fired nothing"
    );

    // session_reconnect with follows sent before, during and after the hand-over.
    assert_eq!(api.reconnect(), 1);
    for i in 0..10 {
        while api
            .notify("channel.follow", follow(&format!("f{i}")))
            .is_none()
        {
            tokio::task::yield_now().await;
        }
    }
    count_becomes(&mut overlay, 15).await;
    api.notify("channel.follow", follow("last")).unwrap();
    count_becomes(&mut overlay, 16).await;

    // A second account for the chat bot: chat logs in as it; EventSub stays the broadcaster's.
    let (s, p) = call(
        &http(),
        "POST",
        &d.url("/api/twitch/accounts/bot/login"),
        None,
    )
    .await;
    assert_eq!((s, p["state"].as_str()), (200, Some("pending")), "{p}");
    assert!(api.approve(p["user_code"].as_str(), "mybot", "2002"));
    wait_accounts(&d, "the bot login", |v| {
        v["bot"]["state"] == "logged_in" && v["eventsub"]["connected"] == true
    })
    .await;
    irc.wait_for_line(|l| l.starts_with("NICK mybot"), Duration::from_secs(20))
        .await
        .expect("chat logs in as the bot");
    assert_eq!(accounts(&d).await["broadcaster"]["login"], "streamer");

    // Secrets: in no API answer, not in the export bundle, in no log line.
    let secrets = api.issued_tokens();
    assert!(secrets.len() >= 2);
    for path in [
        "/api/twitch/accounts",
        "/api/settings",
        "/api/status",
        "/api/audit?limit=1000",
    ] {
        let body = http()
            .get(d.url(path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_no_secret(path, &body, &secrets);
    }
    let bundle = http()
        .get(d.url("/api/export"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bundle.to_vec())).unwrap();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut f, &mut text);
        let name = f.name().map(|n| n.to_string()).unwrap_or_default();
        assert_no_secret(&name, &text, &secrets);
    }

    // Log out: revoked at Twitch, forgotten here, EventSub and chat login gone.
    let (s, r) = call(
        &http(),
        "DELETE",
        &d.url("/api/twitch/accounts/broadcaster"),
        None,
    )
    .await;
    assert_eq!((s, r["state"].as_str()), (200, Some("logged_out")), "{r}");
    assert!(api.revokes() >= 1);
    wait_accounts(&d, "EventSub closed", |v| {
        v["eventsub"]["connected"] == false
    })
    .await;
    let (s, _) = call(
        &http(),
        "DELETE",
        &d.url("/api/twitch/accounts/nobody"),
        None,
    )
    .await;
    assert_eq!(s, 404);
    assert_no_secret("the daemon log", &d.log(), &secrets);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn short_tokens_are_refreshed_unnoticed_and_a_revoked_login_asks_to_log_in_again() {
    let (api, irc) = (
        FakeTwitchApi::start().await,
        FakeTwitchServer::start().await,
    );
    api.set_token_lifetime(Duration::from_secs(2));
    let mut d = start(&api, &irc).await;
    let (_, counter) = setup_widget(&d, "DeathCounterWidget", json!({})).await;
    let cid = counter["id"].as_u64().unwrap();
    bind(
        &d,
        json!({"event": "follow", "widget_id": cid, "feature": "increment_deaths"}),
    )
    .await;
    log_in(&d, &api).await;
    api.wait_for_subscriptions(10).await;

    // Two-second tokens: refreshed before each expires, the login never drops.
    api.wait_until("two refreshes", |a| a.refreshes() >= 2)
        .await;
    let v = accounts(&d).await;
    assert_eq!(v["broadcaster"]["state"], "logged_in", "{v}");
    let mut overlay = WsClient::connect(&d.ws_url("overlay")).await;
    overlay.next().await;
    api.notify("channel.follow", follow("fan")).unwrap();
    count_becomes(&mut overlay, 1).await;

    // The login survives a restart (stored in redb) and is validated at start-up.
    api.set_token_lifetime(Duration::from_secs(3600));
    d.stop();
    d.spawn();
    api.wait_for_subscriptions(10).await;
    let v = wait_accounts(&d, "the stored login", |v| {
        v["eventsub"]["connected"] == true
    })
    .await;
    assert_eq!(v["broadcaster"]["login"], "streamer");

    // The streamer removes the app on twitch.tv: revocations, then "log in again".
    let secrets = api.issued_tokens();
    api.revoke_all();
    let v = wait_accounts(&d, "log in again", |v| {
        v["broadcaster"]["state"] == "login_again"
    })
    .await;
    assert_eq!(
        v["broadcaster"]["login"], "streamer",
        "who it was stays visible"
    );
    assert!(v["broadcaster"].get("scopes").is_none());
    assert_no_secret("the daemon log", &d.log(), &secrets);
}
