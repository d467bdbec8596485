//! Settings from the admin UI: stored in redb, layered under the config file and the
//! environment, secrets write-only, applied live — OBS against a real OBS 30.2 (see
//! tests/obs/rootfs.sh), Twitch against the fake IRC server.

mod support;

use serde_json::{Value, json};
use stagehand_obs::testing::{ObsProcess, free_port};
use stagehand_obs::{ObsHandle, ObsSettings};
use stagehand_twitch::fake::{FakeTwitchServer, FakeUser};
use std::time::Duration;
use support::{Daemon, call, http};

const DEADLINE: Duration = Duration::from_secs(60);
const SECRET: &str = "hunter2-never-shown";

async fn get(d: &Daemon, path: &str) -> Value {
    let (s, v) = call(&http(), "GET", &d.url(path), None).await;
    assert_eq!(s, 200, "{path}: {v}");
    v
}

async fn patch(d: &Daemon, body: Value) -> (u16, Value) {
    call(&http(), "PATCH", &d.url("/api/settings"), Some(body)).await
}

/// Polls `f` until it returns Some, within the deadline.
async fn eventually<T, F: std::future::Future<Output = Option<T>>>(
    what: &str,
    mut f: impl FnMut() -> F,
) -> T {
    let end = tokio::time::Instant::now() + DEADLINE;
    loop {
        if let Some(v) = f().await {
            return v;
        }
        assert!(
            tokio::time::Instant::now() < end,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Every response body a client can read, as text.
async fn everything_readable(d: &Daemon) -> String {
    let mut all = String::new();
    for path in ["/api/settings", "/api/status", "/api/audit?limit=1000"] {
        all.push_str(&get(d, path).await.to_string());
    }
    all
}

#[tokio::test]
async fn settings_are_layered_validated_and_write_only_for_secrets() {
    let mut d = Daemon::start();
    let v = get(&d, "/api/settings").await;
    let s = &v["settings"];
    // The test harness pins obs.enabled through the environment.
    assert_eq!(s["obs.enabled"]["source"], "env", "{v}");
    assert_eq!(s["obs.enabled"]["read_only"], true);
    assert_eq!(s["obs.port"]["value"], 4455);
    assert_eq!(s["obs.port"]["source"], "default");
    assert_eq!(s["obs.password"]["secret"], true);
    assert_eq!(s["obs.password"]["set"], false);
    assert!(s["obs.password"].get("value").is_none());
    assert_eq!(s["server.bind"]["restart"], true);

    // Refusals name the field.
    let (st, e) = patch(&d, json!({"obs.enabled": true})).await;
    assert_eq!(
        (st, e["error"]["code"].as_str()),
        (409, Some("setting_pinned")),
        "{e}"
    );
    assert_eq!(e["error"]["field"], "obs.enabled");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("environment")
    );
    let (st, e) = patch(&d, json!({"obs.port": "many"})).await;
    assert_eq!(
        (st, e["error"]["field"].as_str()),
        (422, Some("obs.port")),
        "{e}"
    );
    let (st, e) = patch(&d, json!({"storage.data_dir": "/tmp"})).await;
    assert_eq!(
        (st, e["error"]["field"].as_str()),
        (422, Some("storage.data_dir")),
        "{e}"
    );
    // Validated as a whole, like a config file: enabling Twitch needs a channel.
    let (st, e) = patch(&d, json!({"twitch.enabled": true})).await;
    assert_eq!(
        (st, e["error"]["field"].as_str()),
        (422, Some("twitch.channel")),
        "{e}"
    );
    let (st, e) = patch(&d, json!({"obs.port": 4470, "chat.prefix": "a b"})).await;
    assert_eq!(
        (st, e["error"]["field"].as_str()),
        (422, Some("chat.prefix")),
        "{e}"
    );
    assert_eq!(
        get(&d, "/api/settings").await["settings"]["obs.port"]["value"],
        4455,
        "all or nothing"
    );

    let (st, v) = patch(
        &d,
        json!({"obs.port": 4470, "obs.password": SECRET, "chat.prefix": "?"}),
    )
    .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["settings"]["obs.port"]["value"], 4470);
    assert_eq!(v["settings"]["obs.port"]["source"], "saved");
    assert_eq!(v["settings"]["obs.password"]["set"], true);
    assert!(!v.to_string().contains(SECRET));
    // The chat prefix applies at once (the command tester uses it).
    let (_, t) = call(
        &http(),
        "POST",
        &d.url("/api/commands/test"),
        Some(json!({"line": "hello"})),
    )
    .await;
    assert!(t.to_string().contains("start with ?"), "{t}");
    // Audited by key, never by value.
    let audit = get(&d, "/api/audit?limit=10").await;
    let entry = audit
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["action"] == "update_settings" && a["ok"] == true)
        .expect("audited");
    assert!(
        entry["target"].as_str().unwrap().contains("obs.password"),
        "{entry}"
    );

    // The harness pins the bind; a token is accepted and flagged as needing a restart.
    let (st, _) = patch(&d, json!({"server.bind": "0.0.0.0:0"})).await;
    assert_eq!(st, 409);
    let (st, v) = patch(&d, json!({"server.admin_token": "lan-token-1234"})).await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["restart_needed"], json!(["server.admin_token"]));
    assert_eq!(v["settings"]["server.admin_token"]["set"], true);
    // No token again (null forgets the saved value).
    let (st, v) = patch(&d, json!({"server.admin_token": null})).await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["restart_needed"], json!([]));

    // Saved values survive a restart; a config file then pins what it sets.
    d.stop();
    std::fs::write(
        d.dir.join("stagehand.toml"),
        "[obs]\nhost = \"obs.from.file\"\n",
    )
    .unwrap();
    d.spawn();
    let v = get(&d, "/api/settings").await;
    let s = &v["settings"];
    assert_eq!(s["obs.port"]["value"], 4470);
    assert_eq!(s["obs.port"]["source"], "saved");
    assert_eq!(s["obs.password"]["set"], true);
    assert_eq!(s["obs.host"]["source"], "file");
    assert_eq!(s["obs.host"]["read_only"], true);
    assert_eq!(s["chat.prefix"]["value"], "?");
    let (st, _) = patch(&d, json!({"obs.host": "elsewhere"})).await;
    assert_eq!(st, 409);
    let (st, v) = patch(&d, json!({"obs.port": null})).await;
    assert_eq!(st, 200);
    assert_eq!(v["settings"]["obs.port"]["source"], "default");
    assert_eq!(v["settings"]["obs.port"]["value"], 4455);

    let readable = everything_readable(&d).await;
    assert!(!readable.contains(SECRET));
    assert!(!readable.contains("lan-token-1234"));
    // The daemon logs at debug level in tests: no secret in any line.
    let log = d.log();
    assert!(!log.contains(SECRET), "the OBS password was logged");
    assert!(
        !log.contains("lan-token-1234"),
        "the admin token was logged"
    );
}

#[tokio::test]
async fn twitch_settings_apply_without_a_restart() {
    let server = FakeTwitchServer::start().await;
    let addr = server.addr().to_string();
    let d = Daemon::start_with(&[
        ("STAGEHAND__TWITCH__IRC_ADDR", addr.as_str()),
        ("STAGEHAND__CHAT__REPLY_MIN_INTERVAL_S", "0.05"),
    ]);
    assert_eq!(get(&d, "/api/status").await["twitch"]["enabled"], false);
    let (st, v) = patch(
        &d,
        json!({
            "twitch.enabled": true,
            "twitch.channel": "firstchannel",
            "twitch.username": "stagehandbot",
            "twitch.oauth_token": "oauth:sekrit-twitch-token",
        }),
    )
    .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["settings"]["twitch.oauth_token"]["set"], true);
    server.wait_for_join("firstchannel").await;
    eventually("twitch connected", || async {
        (get(&d, "/api/status").await["twitch"]["connected"] == true).then_some(())
    })
    .await;

    // A new channel and prefix: the old connection goes, a new one joins, commands use "?".
    let (st, _) = patch(
        &d,
        json!({"twitch.channel": "secondchannel", "chat.prefix": "?"}),
    )
    .await;
    assert_eq!(st, 200);
    server.wait_for_join("secondchannel").await;
    eventually("twitch on the new channel", || async {
        let t = get(&d, "/api/status").await["twitch"].clone();
        (t["connected"] == true && t["channel"] == "secondchannel").then_some(())
    })
    .await;
    let (_, w) = support::setup_widget(&d, "DeathCounterWidget", json!({})).await;
    let wid = w["id"].as_u64().unwrap();
    let (s, c) = call(
        &http(),
        "POST",
        &d.url("/api/commands"),
        Some(json!({"trigger": "deaths", "widget_id": wid, "feature": "increment_deaths"})),
    )
    .await;
    assert_eq!(s, 201, "{c}");
    assert_eq!(c["trigger"], "?deaths");
    server.privmsg(&FakeUser::new("viewer").id("77"), "?deaths");
    eventually("the command ran", || async {
        let audit = get(&d, "/api/audit?limit=50").await;
        audit
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["action"] == "execute" && a["ok"] == true)
            .then_some(())
    })
    .await;
    assert!(
        !everything_readable(&d)
            .await
            .contains("sekrit-twitch-token")
    );
    assert!(!d.log().contains("sekrit-twitch-token"));

    // Disabling closes the connection.
    let (st, _) = patch(&d, json!({"twitch.enabled": false})).await;
    assert_eq!(st, 200);
    eventually("twitch disabled", || async {
        let t = get(&d, "/api/status").await["twitch"].clone();
        (t["enabled"] == false && t["connected"] == false).then_some(())
    })
    .await;
}

const OBS_PASSWORD: &str = "stagehand-settings-obs";

/// A second client, to make a scene only the second OBS has.
async fn client(port: u16) -> ObsHandle {
    let (h, rx) = ObsHandle::spawn(ObsSettings {
        port,
        password: Some(OBS_PASSWORD.into()),
        request_timeout: Duration::from_secs(10),
        ..ObsSettings::default()
    });
    drop(rx);
    if let Err(s) =
        stagehand_obs::testing::wait_state(&h, stagehand_obs::ObsState::Connected, DEADLINE).await
    {
        panic!("helper client did not connect: {s:?}");
    }
    h
}

async fn obs_test(d: &Daemon, body: Value) -> Value {
    let (s, v) = call(
        &http(),
        "POST",
        &d.url("/api/settings/obs/test"),
        Some(body),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    v
}

/// From a fresh data dir with OBS not configured: test, save, connect; then move to another
/// OBS by changing the port, without a restart.
#[tokio::test]
async fn obs_is_connected_and_moved_from_the_settings_api() {
    let first_port = free_port();
    let mut first = ObsProcess::start(first_port, Some(OBS_PASSWORD))
        .await
        .expect("real OBS (run tests/obs/rootfs.sh as root)");
    let d = Daemon::start_without(
        &[
            ("STAGEHAND__OBS__RECONNECT_MAX_S", "1"),
            ("STAGEHAND__OBS__HEARTBEAT_S", "1"),
        ],
        &["STAGEHAND__OBS__ENABLED"],
    );
    let s = get(&d, "/api/settings").await;
    assert_eq!(s["settings"]["obs.enabled"]["read_only"], false);

    // What failed, exactly.
    let r = obs_test(&d, json!({"port": first_port, "password": "wrong"})).await;
    assert_eq!(
        (r["ok"].as_bool(), r["reason"].as_str()),
        (Some(false), Some("wrong_password")),
        "{r}"
    );
    let r = obs_test(&d, json!({"port": first_port, "password": ""})).await;
    assert_eq!(r["reason"], "password_required", "{r}");
    let r = obs_test(&d, json!({"port": free_port()})).await;
    assert_eq!(r["reason"], "unreachable", "{r}");
    let r = obs_test(&d, json!({"port": first_port, "password": OBS_PASSWORD})).await;
    assert_eq!(r["ok"], true, "{r}");
    assert!(r["obs_version"].as_str().unwrap().starts_with("30."), "{r}");

    let (st, v) = patch(
        &d,
        json!({"obs.port": first_port, "obs.password": OBS_PASSWORD}),
    )
    .await;
    assert_eq!(st, 200, "{v}");
    eventually("connected to the first OBS", || async {
        (get(&d, "/api/status").await["obs"]["connected"] == true).then_some(())
    })
    .await;
    let scenes = get(&d, "/api/obs/scenes").await;
    assert!(!scenes.as_array().unwrap().is_empty(), "{scenes}");
    // A saved password tests without being sent again.
    let r = obs_test(&d, json!({})).await;
    assert_eq!(r["ok"], true, "{r}");

    // A second OBS with a scene of its own; changing the port moves the daemon over.
    let second_port = free_port();
    let _second = ObsProcess::start(second_port, Some(OBS_PASSWORD))
        .await
        .expect("second OBS");
    let helper = client(second_port).await;
    helper
        .raw_request("CreateScene", json!({"sceneName": "Only On Second"}))
        .await
        .expect("CreateScene");
    let (st, _) = patch(&d, json!({"obs.port": second_port})).await;
    assert_eq!(st, 200);
    eventually("scenes of the second OBS", || async {
        let (s, v) = call(&http(), "GET", &d.url("/api/obs/scenes"), None).await;
        (s == 200 && v.to_string().contains("Only On Second")).then_some(())
    })
    .await;
    assert_eq!(get(&d, "/api/status").await["obs"]["connected"], true);
    helper.shutdown().await;
    first.kill();

    let readable = everything_readable(&d).await;
    assert!(!readable.contains(OBS_PASSWORD));
    assert!(
        !d.log().contains(OBS_PASSWORD),
        "the OBS password was logged"
    );
}
