//! Twitch chat and events fire features: the real twitch-irc client inside the daemon,
//! driven by a fake Twitch IRC server speaking real IRC with Twitch tags.

mod support;

use serde_json::{Value, json};
use stagehand_twitch::fake::{FakeTwitchServer, FakeUser};
use std::time::Duration;
use support::{Daemon, WsClient, call, element_named, http, setup_widget};

const CHANNEL: &str = "streamer";

fn start(server: &FakeTwitchServer, data: Option<&mut Daemon>) -> Option<Daemon> {
    let addr = server.addr().to_string();
    let env = [
        ("STAGEHAND__TWITCH__ENABLED", "true"),
        ("STAGEHAND__TWITCH__CHANNEL", CHANNEL),
        ("STAGEHAND__TWITCH__USERNAME", "stagehandbot"),
        ("STAGEHAND__TWITCH__OAUTH_TOKEN", "oauth:sekrit-token"),
        ("STAGEHAND__TWITCH__IRC_ADDR", addr.as_str()),
        ("STAGEHAND__CHAT__REPLY_MIN_INTERVAL_S", "0.05"),
    ];
    match data {
        Some(d) => {
            for (k, v) in env {
                d.set_env(k, v);
            }
            d.spawn();
            None
        }
        None => Some(Daemon::start_with(&env)),
    }
}

async fn command(d: &Daemon, body: Value) -> Value {
    let (s, r) = call(&http(), "POST", &d.url("/api/commands"), Some(body.clone())).await;
    assert_eq!(s, 201, "{body} → {r}");
    r
}

async fn joined(server: &FakeTwitchServer, d: &Daemon) {
    server.wait_for_join(CHANNEL).await;
    for _ in 0..400 {
        let (_, s) = call(&http(), "GET", &d.url("/api/status"), None).await;
        if s["twitch"]["connected"] == true {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("twitch never connected");
}

async fn audit_count(d: &Daemon, action: &str) -> usize {
    let (_, a) = call(&http(), "GET", &d.url("/api/audit?limit=1000"), None).await;
    a.as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == action && e["ok"] == true)
        .count()
}

#[tokio::test]
async fn chat_commands_fire_features_with_permissions_and_cooldowns() {
    let server = FakeTwitchServer::start().await;
    let mut d = start(&server, None).unwrap();
    let (_, w) = setup_widget(&d, "ConfettiAlertWidget", json!({"blast_duration": 30})).await;
    let wid = w["id"].as_u64().unwrap();
    let (_, counter) = setup_widget(&d, "DeathCounterWidget", json!({})).await;
    let cid = counter["id"].as_u64().unwrap();
    // setup_widget made a second dashboard and activated it; keep both widgets enabled.
    support::keep_on_active(&d, &[wid, cid]).await;

    let confetti = command(&d, json!({"trigger": "!confetti", "aliases": ["!boom"], "widget_id": wid, "feature": "trigger_blast", "cooldown_user_s": 600})).await;
    assert_eq!(confetti["usage"], "!confetti <Low|Medium|High> [color]");
    command(&d, json!({"trigger": "!deaths", "widget_id": cid, "feature": "increment_deaths", "permission": "moderator", "cooldown_global_s": 600})).await;
    joined(&server, &d).await;

    let mut overlay = WsClient::connect(&d.ws_url("overlay")).await;
    overlay.next().await;
    let viewer = FakeUser::new("viewer1").id("1001");
    server.privmsg(&viewer, "!confetti high red");
    let f = overlay
        .until(|f| element_named(f, "confetti_burst").is_some())
        .await;
    assert_eq!(f["element"]["visible"], true);
    assert_eq!(f["element"]["properties"]["intensity"], "High");
    assert_eq!(f["element"]["properties"]["colors"][0], "#FF0000");
    let (_, audit) = call(&http(), "GET", &d.url("/api/audit?limit=1"), None).await;
    assert_eq!(
        audit[0]["actor"],
        json!({"kind": "chat", "login": "viewer1"})
    );

    // Bad arguments: a usage reply, nothing fired.
    let other = FakeUser::new("viewer2").id("1002");
    let msg_id = server.privmsg(&other, "!confetti purple-ish");
    let replies = server.wait_for_privmsgs(1, Duration::from_secs(20)).await;
    assert!(
        replies[0]
            .text
            .contains("usage: !confetti <Low|Medium|High> [color]"),
        "{:?}",
        replies[0]
    );
    assert!(replies[0].text.starts_with("@viewer2"), "{:?}", replies[0]);
    assert_eq!(replies[0].reply_parent.as_deref(), Some(msg_id.as_str()));

    // Per-user cooldown: viewer1 again (via the alias) does nothing; viewer2 may.
    let before = audit_count(&d, "execute").await;
    server.privmsg(&viewer, "!boom low");
    server.privmsg(&other, "!boom low");
    let f = overlay
        .until(|f| element_named(f, "confetti_burst").is_some())
        .await;
    assert_eq!(f["element"]["properties"]["intensity"], "Low");

    // Permission: a viewer cannot run the mod-only command; a mod can, once (global cooldown).
    server.privmsg(&viewer, "!deaths");
    let moderator = FakeUser::new("mod1").id("2001").badges(&["moderator/1"]);
    server.privmsg(&moderator, "!deaths");
    let f = overlay
        .until(|f| element_named(f, "death_count").is_some())
        .await;
    assert_eq!(f["element"]["properties"]["value"], 1);
    server.privmsg(&moderator, "!deaths");
    // A later, unrelated line is processed after the ones above (one connection, in order).
    server.privmsg(&other, "!boom high");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        audit_count(&d, "execute").await,
        before + 2,
        "only viewer2's boom and the mod's first !deaths ran"
    );
    let (_, c) = call(&http(), "GET", &d.url(&format!("/api/widgets/{cid}")), None).await;
    assert_eq!(c["elements"][0]["properties"]["value"], 1);

    // Cooldowns survive a restart.
    d.stop();
    start(&server, Some(&mut d));
    joined(&server, &d).await;
    let runs = audit_count(&d, "execute").await;
    server.privmsg(&viewer, "!confetti high");
    server.privmsg(&moderator, "!deaths");
    let broadcaster = FakeUser::new(CHANNEL).id("1").badges(&["broadcaster/1"]);
    server.privmsg(&broadcaster, "!deaths");
    let mut overlay = WsClient::connect(&d.ws_url("overlay")).await;
    overlay.next().await;
    let f = overlay
        .until(|f| element_named(f, "death_count").is_some())
        .await;
    assert_eq!(
        f["element"]["properties"]["value"], 2,
        "the broadcaster is exempt from cooldowns"
    );
    assert_eq!(
        audit_count(&d, "execute").await,
        runs + 1,
        "the others were still cooling down"
    );
    assert!(
        !d.log().contains("sekrit-token"),
        "the token is never logged"
    );
}

#[tokio::test]
async fn subs_raids_and_bits_fire_their_bindings() {
    let server = FakeTwitchServer::start().await;
    let d = start(&server, None).unwrap();
    let (_, w) = setup_widget(&d, "DonationGoalWidget", json!({"goal_amount": 1000})).await;
    let wid = w["id"].as_u64().unwrap();
    let c = http();
    for b in [
        json!({"event": "sub", "widget_id": wid, "feature": "add_donation", "parameters": {"amount": 5, "donor_name": "{user}"}}),
        json!({"event": "raid", "min_amount": 10, "widget_id": wid, "feature": "add_donation", "parameters": {"amount": "{viewers}", "donor_name": "{user}'s raid"}}),
        json!({"event": "cheer", "widget_id": wid, "feature": "add_donation", "parameters": {"amount": "{amount}"}}),
    ] {
        let (s, r) = call(&c, "POST", &d.url("/api/event-bindings"), Some(b.clone())).await;
        assert_eq!(s, 201, "{b} → {r}");
    }
    let (s, r) = call(
        &c,
        "POST",
        &d.url("/api/event-bindings"),
        Some(json!({"event": "sub", "widget_id": wid, "feature": "nope"})),
    )
    .await;
    assert_eq!((s, r["error"]["field"].as_str()), (422, Some("feature")));
    joined(&server, &d).await;

    let mut overlay = WsClient::connect(&d.ws_url("overlay")).await;
    overlay.next().await;
    let fan = FakeUser::new("fan").id("3001").display_name("Fan");
    let total = |f: &Value| {
        f["element"]["properties"]["text"]
            .as_str()
            .map(str::to_string)
    };
    server.sub(&fan, "1000");
    let f = overlay
        .until(|f| element_named(f, "current_amount_text").is_some())
        .await;
    assert!(total(&f).unwrap().starts_with("$5 /"), "{f}");
    server.raid(&fan, 5); // below min_amount: nothing
    server.raid(&fan, 42);
    let f = overlay
        .until(|f| element_named(f, "current_amount_text").is_some())
        .await;
    assert!(total(&f).unwrap().starts_with("$47 /"), "{f}");
    let f = overlay
        .until(|f| element_named(f, "donor_name_text").is_some())
        .await;
    assert!(
        f["element"]["properties"]["text"]
            .as_str()
            .unwrap()
            .contains("Fan's raid"),
        "{f}"
    );
    server.privmsg_with_bits(&fan, 100, "Cheer100 great stream");
    let f = overlay
        .until(|f| {
            element_named(f, "current_amount_text").is_some()
                && total(f).is_some_and(|t| !t.starts_with("$47"))
        })
        .await;
    assert!(total(&f).unwrap().starts_with("$147 /"), "{f}");
    let (_, a) = call(&c, "GET", &d.url("/api/audit?limit=1"), None).await;
    assert_eq!(a[0]["actor"]["kind"], "event");
}

#[tokio::test]
async fn commands_work_again_after_the_connection_drops() {
    let server = FakeTwitchServer::start().await;
    let d = start(&server, None).unwrap();
    let (_, w) = setup_widget(&d, "DeathCounterWidget", json!({})).await;
    let wid = w["id"].as_u64().unwrap();
    command(
        &d,
        json!({"trigger": "!death", "widget_id": wid, "feature": "increment_deaths"}),
    )
    .await;
    joined(&server, &d).await;
    let mut overlay = WsClient::connect(&d.ws_url("overlay")).await;
    overlay.next().await;
    let viewer = FakeUser::new("v").id("9");
    server.privmsg(&viewer, "!death");
    overlay
        .until(|f| element_named(f, "death_count").is_some())
        .await;
    server.drop_connections();
    joined(&server, &d).await;
    server.privmsg(&viewer, "!death");
    let f = overlay
        .until(|f| element_named(f, "death_count").is_some())
        .await;
    assert_eq!(f["element"]["properties"]["value"], 2);
}

#[tokio::test]
async fn command_crud_validates() {
    let server = FakeTwitchServer::start().await;
    let d = start(&server, None).unwrap();
    let (_, w) = setup_widget(&d, "ConfettiAlertWidget", json!({})).await;
    let wid = w["id"].as_u64().unwrap();
    let c = http();
    let url = d.url("/api/commands");
    let cases = [
        (
            json!({"trigger": "!x", "widget_id": 99, "feature": "trigger_blast"}),
            422,
            Some("widget_id"),
        ),
        (
            json!({"trigger": "!x", "widget_id": wid, "feature": "nope"}),
            422,
            Some("feature"),
        ),
        (
            json!({"trigger": "two words", "widget_id": wid, "feature": "trigger_blast"}),
            422,
            Some("trigger"),
        ),
        (
            json!({"trigger": "!x", "widget_id": wid, "feature": "trigger_blast", "permission": "king"}),
            422,
            Some("permission"),
        ),
        (
            json!({"trigger": "!x", "widget_id": wid, "feature": "trigger_blast", "args": {"bogus": 1}}),
            422,
            Some("args.bogus"),
        ),
        (
            json!({"widget_id": wid, "feature": "trigger_blast"}),
            422,
            Some("trigger"),
        ),
        (
            json!({"trigger": "!x", "widget_id": wid, "feature": "trigger_blast", "args": {"intensity": "Extreme"}}),
            422,
            Some("args.intensity"),
        ),
    ];
    for (body, status, field) in cases {
        let (s, r) = call(&c, "POST", &url, Some(body.clone())).await;
        assert_eq!(
            (s, r["error"]["field"].as_str()),
            (status, field),
            "{body} → {r}"
        );
    }
    let made = command(&d, json!({"trigger": "!Confetti", "widget_id": wid, "feature": "trigger_blast", "args": {"intensity": "High"}})).await;
    assert_eq!(made["trigger"], "!confetti");
    assert_eq!(
        made["usage"], "!confetti [color]",
        "fixed args are not the viewer's to type"
    );
    let (s, _) = call(
        &c,
        "POST",
        &url,
        Some(json!({"trigger": "confetti", "widget_id": wid, "feature": "trigger_blast"})),
    )
    .await;
    assert_eq!(s, 409, "same name with or without the prefix");
    let id = made["id"].as_u64().unwrap();
    let (s, r) = call(
        &c,
        "PATCH",
        &d.url(&format!("/api/commands/{id}")),
        Some(json!({"enabled": false, "cooldown_user_s": 30})),
    )
    .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(
        (
            r["enabled"].as_bool(),
            r["cooldown_user_s"].as_u64(),
            r["trigger"].as_str()
        ),
        (Some(false), Some(30), Some("!confetti"))
    );
    let (s, _) = call(&c, "DELETE", &d.url(&format!("/api/widgets/{wid}")), None).await;
    assert_eq!(s, 204);
    let (s, _) = call(&c, "GET", &d.url(&format!("/api/commands/{id}")), None).await;
    assert_eq!(s, 404, "a widget's commands go with it");
}

#[tokio::test]
async fn a_chat_poll_counts_one_vote_per_viewer() {
    let server = FakeTwitchServer::start().await;
    let d = start(&server, None).unwrap();
    let (_, w) = setup_widget(&d, "PollWidget", json!({"poll_duration": 600})).await;
    let wid = w["id"].as_u64().unwrap();
    let vote = command(&d, json!({"trigger": "!vote", "widget_id": wid, "feature": "vote", "args": {"voter": "{user_id}"}})).await;
    assert_eq!(
        vote["usage"], "!vote <option...>",
        "the last text parameter takes the rest of the line"
    );
    let (s, r) = support::execute(
        &d,
        wid,
        "start_poll",
        json!({"question": "Dinner?", "options": "a"}),
    )
    .await;
    assert_eq!(
        (s, r["error"]["field"].as_str()),
        (422, Some("parameters.options")),
        "{r}"
    );
    let (s, _) = support::execute(
        &d,
        wid,
        "start_poll",
        json!({"question": "Dinner?", "options": "Pizza, Sushi, Tacos"}),
    )
    .await;
    assert_eq!(s, 200);
    joined(&server, &d).await;

    let mut overlay = WsClient::connect(&d.ws_url("overlay")).await;
    overlay.next().await;
    let (a, b, c) = (
        FakeUser::new("a").id("11"),
        FakeUser::new("b").id("12"),
        FakeUser::new("c").id("13"),
    );
    server.privmsg(&a, "!vote 1");
    server.privmsg(&b, "!vote sushi");
    server.privmsg(&c, "!vote 1");
    server.privmsg(&c, "!vote 1"); // the same viewer again: still one vote
    server.privmsg(&b, "!vote pizza"); // b changes their mind
    let votes = |f: &Value, bar: &str| {
        element_named(f, bar).and_then(|e| e["properties"]["votes"].as_u64())
    };
    // Wait until the last vote has landed: Pizza 3, Sushi 0.
    let mut pizza = 0;
    while pizza != 3 {
        let f = overlay.until(|f| votes(f, "option_1_bar").is_some()).await;
        pizza = votes(&f, "option_1_bar").unwrap();
    }
    let (_, w) = call(&http(), "GET", &d.url(&format!("/api/widgets/{wid}")), None).await;
    let bar = |name: &str| {
        w["elements"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == name)
            .unwrap()["properties"]["votes"]
            .clone()
    };
    assert_eq!(
        (
            bar("option_1_bar"),
            bar("option_2_bar"),
            bar("option_3_bar")
        ),
        (json!(3), json!(0), json!(0))
    );
    assert_eq!(
        w["elements"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == "option_1_bar")
            .unwrap()["properties"]["progress"]["percent"],
        100
    );
}
