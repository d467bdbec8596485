//! Dashboards and scenes move together, against a real OBS 30.2 (see tests/obs/rootfs.sh)
//! and, for the browser-source refresh OBS here cannot show, a scripted obs-websocket peer.
//! The program scene is global to an OBS, so the real-OBS scenarios run in one sequence.

mod support;

use serde_json::{Value, json};
use stagehand_obs::testing::{ObsProcess, ScriptedObs, free_port, wait_state};
use stagehand_obs::{ObsHandle, ObsSettings, ObsState};
use std::time::Duration;
use support::{Daemon, WsClient, call, http};

const PASSWORD: &str = "stagehand-obs-sync";
const DEADLINE: Duration = Duration::from_secs(60);

fn daemon_env(port: u16, password: &str, on_connect: &str) -> Vec<(String, String)> {
    vec![
        ("STAGEHAND__OBS__ENABLED".into(), "true".into()),
        ("STAGEHAND__OBS__PORT".into(), port.to_string()),
        ("STAGEHAND__OBS__PASSWORD".into(), password.into()),
        ("STAGEHAND__OBS__RECONNECT_MAX_S".into(), "1".into()),
        ("STAGEHAND__OBS__HEARTBEAT_S".into(), "1".into()),
        ("STAGEHAND__OBS__ON_CONNECT".into(), on_connect.into()),
    ]
}

fn start_daemon(env: &[(String, String)]) -> Daemon {
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    Daemon::start_with(&env)
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

async fn status(d: &Daemon) -> Value {
    call(&http(), "GET", &d.url("/api/status"), None).await.1
}

async fn obs_connected(d: &Daemon) {
    eventually("the daemon to connect to OBS", || async {
        (status(d).await["obs"]["connected"] == true).then_some(())
    })
    .await;
}

/// A second obs-websocket client, as a user's Stream Deck or OBS itself would act.
async fn second_client(port: u16) -> ObsHandle {
    let settings = ObsSettings {
        port,
        password: Some(PASSWORD.into()),
        reconnect_max: Duration::from_secs(1),
        heartbeat: Duration::from_secs(1),
        request_timeout: Duration::from_secs(10),
        ..ObsSettings::default()
    };
    let (h, rx) = ObsHandle::spawn(settings);
    drop(rx);
    if let Err(s) = wait_state(&h, ObsState::Connected, DEADLINE).await {
        panic!("second client did not connect: {s:?}");
    }
    h
}

async fn ensure_scene(obs: &ObsHandle, name: &str) {
    let scenes = obs.scenes().await.expect("scenes");
    if !scenes.iter().any(|s| s.name == name) {
        obs.raw_request("CreateScene", json!({"sceneName": name}))
            .await
            .expect("CreateScene");
    }
}

async fn program_scene_is(obs: &ObsHandle, name: &str) {
    eventually(&format!("OBS program scene {name}"), || async {
        (obs.current_program_scene().await.ok().as_deref() == Some(name)).then_some(())
    })
    .await;
}

async fn new_dashboard(d: &Daemon, name: &str, scene: &str) -> u64 {
    let (s, b) = call(
        &http(),
        "POST",
        &d.url("/api/dashboards"),
        Some(json!({"name": name, "obs_scene": scene})),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    b["id"].as_u64().unwrap()
}

async fn activate(d: &Daemon, id: u64) {
    let (s, b) = call(
        &http(),
        "POST",
        &d.url(&format!("/api/dashboards/{id}/activate")),
        None,
    )
    .await;
    assert_eq!(s, 200, "{b}");
}

#[tokio::test]
async fn dashboards_and_real_obs_scenes_move_together() {
    let port = free_port();
    let mut obs = ObsProcess::start(port, Some(PASSWORD))
        .await
        .unwrap_or_else(|e| panic!("cannot start OBS: {e}"));
    let user = second_client(port).await;
    user.raw_request(
        "SetCurrentSceneTransition",
        json!({"transitionName": "Cut"}),
    )
    .await
    .expect("Cut");
    ensure_scene(&user, "Intro").await;
    ensure_scene(&user, "Gameplay").await;
    ensure_scene(&user, "Unbound").await;

    let mut d = start_daemon(&daemon_env(port, PASSWORD, "follow_obs"));
    obs_connected(&d).await;
    let (s, scenes) = call(&http(), "GET", &d.url("/api/obs/scenes"), None).await;
    assert_eq!(s, 200);
    assert!(
        scenes
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["name"] == "Gameplay"),
        "{scenes}"
    );

    // Activating each dashboard switches OBS to its scene.
    let intro = new_dashboard(&d, "Starting Soon", "Intro").await;
    let game = new_dashboard(&d, "Main Stream", "Gameplay").await;
    activate(&d, intro).await;
    program_scene_is(&user, "Intro").await;
    activate(&d, game).await;
    program_scene_is(&user, "Gameplay").await;

    // Back to back (a Stream Deck multi-action, two hotkeys in a row): the last activation
    // wins on both sides; the late echoes of our own earlier switches are never taken for
    // switches made in OBS.
    for burst in 0..3u64 {
        let rounds = 60 + burst;
        let mut last = (intro, "Intro");
        for i in 0..rounds {
            last = if i % 2 == 0 {
                (intro, "Intro")
            } else {
                (game, "Gameplay")
            };
            activate(&d, last.0).await;
        }
        let settled = tokio::time::Instant::now();
        eventually(
            &format!("burst {burst}: both sides on {}", last.1),
            || async {
                let active = status(&d).await["active_dashboard_id"].as_u64();
                let scene = user.current_program_scene().await.ok();
                (active == Some(last.0) && scene.as_deref() == Some(last.1)).then_some(())
            },
        )
        .await;
        eprintln!(
            "burst {burst}: agreed {:?} after the last activation",
            settled.elapsed()
        );
        // And it stays that way: no late echo reverts it.
        tokio::time::sleep(Duration::from_millis(700)).await;
        assert_eq!(
            status(&d).await["active_dashboard_id"].as_u64(),
            Some(last.0),
            "burst {burst}: the last activation stays active"
        );
        program_scene_is(&user, last.1).await;
    }
    let (_, audit) = call(&http(), "GET", &d.url("/api/audit?limit=200"), None).await;
    assert!(
        audit
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["actor"]["kind"] != "obs"),
        "no activation was attributed to OBS: {audit}"
    );
    activate(&d, game).await;
    program_scene_is(&user, "Gameplay").await;

    // Switching in OBS (another client) activates the bound dashboard; overlays hear it.
    let mut overlay = WsClient::connect(&d.ws_url("overlay")).await;
    overlay.next().await;
    user.set_program_scene("Intro").await.expect("switch");
    let f = overlay.until(|f| f["type"] == "dashboard_activated").await;
    assert_eq!(f["dashboard_id"], intro);
    let (_, audit) = call(&http(), "GET", &d.url("/api/audit?limit=1"), None).await;
    assert_eq!(audit[0]["actor"]["kind"], "obs");
    // An unbound scene changes nothing.
    user.set_program_scene("Unbound").await.expect("switch");
    program_scene_is(&user, "Unbound").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(status(&d).await["active_dashboard_id"], intro);
    // Re-activating the active dashboard brings OBS back to its scene.
    activate(&d, intro).await;
    program_scene_is(&user, "Intro").await;

    // A renamed scene keeps its dashboard bound.
    user.raw_request(
        "SetSceneName",
        json!({"sceneName": "Gameplay", "newSceneName": "Game"}),
    )
    .await
    .expect("rename");
    eventually("the binding to follow the rename", || async {
        let (_, b) = call(
            &http(),
            "GET",
            &d.url(&format!("/api/dashboards/{game}")),
            None,
        )
        .await;
        (b["obs_scene"] == "Game").then_some(())
    })
    .await;

    // OBS dies: the daemon keeps serving; OBS comes back: reconnected and reconciled.
    drop(user);
    obs.kill();
    eventually("the daemon to notice OBS is gone", || async {
        (status(&d).await["obs"]["connected"] == false).then_some(())
    })
    .await;
    let (s, _) = call(&http(), "GET", &d.url("/api/dashboards"), None).await;
    assert_eq!(s, 200);
    let (s, r) = call(&http(), "GET", &d.url("/api/obs/scenes"), None).await;
    assert_eq!(
        (s, r["error"]["code"].as_str()),
        (503, Some("obs_unavailable"))
    );
    // Activated while OBS is down: it still activates, and apply_dashboard applies it on reconnect.
    d.stop();
    d.set_env("STAGEHAND__OBS__ON_CONNECT", "apply_dashboard");
    d.spawn();
    activate(&d, game).await;
    assert_eq!(status(&d).await["active_dashboard_id"], game);
    obs.restart()
        .await
        .unwrap_or_else(|e| panic!("cannot restart OBS: {e}"));
    obs_connected(&d).await;
    let user = second_client(port).await;
    // A killed OBS may not have saved the scenes we made: recreate them (the daemon retries
    // its pending switch when the scene list changes).
    ensure_scene(&user, "Intro").await;
    ensure_scene(&user, "Game").await;
    program_scene_is(&user, "Game").await;
    drop(user);
    d.stop();
    drop(obs);

    // Wrong password: auth_failed, no crash, no log flood.
    let mut obs = ObsProcess::start(port, Some(PASSWORD))
        .await
        .unwrap_or_else(|e| panic!("cannot start OBS: {e}"));
    let d = start_daemon(&daemon_env(port, "wrong-password", "follow_obs"));
    let st = eventually("auth_failed", || async {
        let s = status(&d).await;
        (s["obs"]["state"] == "auth_failed").then_some(s)
    })
    .await;
    assert!(
        st["obs"]["last_error"]
            .as_str()
            .is_some_and(|e| !e.is_empty()),
        "{st}"
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (s, _) = call(&http(), "GET", &d.url("/api/status"), None).await;
    assert_eq!(s, 200);
    let log = d.log();
    let noise = log
        .lines()
        .filter(|l| l.contains("stagehand_obs") && (l.contains("WARN") || l.contains("ERROR")))
        .count();
    assert!(
        noise <= 2,
        "state changes are logged once, not per retry:\n{log}"
    );
    assert!(
        !log.contains("wrong-password"),
        "the password is never logged"
    );
    obs.kill();
}

#[tokio::test]
async fn stale_overlay_browser_sources_are_refreshed_on_first_connect() {
    let scripted = ScriptedObs::start(Some(PASSWORD))
        .await
        .expect("scripted obs");
    let port = free_port();
    scripted.add_scene("Scene");
    let ours = scripted.add_browser_source("Overlay", &format!("http://127.0.0.1:{port}/overlay/"));
    scripted.add_browser_source("Other site", "https://example.com/widget");
    let mut env = daemon_env(scripted.port(), PASSWORD, "follow_obs");
    env.push((
        "STAGEHAND__SERVER__BIND".into(),
        format!("127.0.0.1:{port}"),
    ));
    let d = start_daemon(&env);
    obs_connected(&d).await;
    let pressed = eventually("a refresh", || async {
        let r = scripted.requests_of("PressInputPropertiesButton");
        (!r.is_empty()).then_some(r)
    })
    .await;
    assert_eq!(
        pressed.len(),
        1,
        "only our overlay is refreshed: {pressed:?}"
    );
    assert_eq!(pressed[0]["inputUuid"], ours.as_str());
    assert_eq!(pressed[0]["propertyName"], "refreshnocache");
    drop(d);
}

#[tokio::test]
async fn kicked_in_obs_means_no_reconnect_until_asked() {
    let scripted = ScriptedObs::start(Some(PASSWORD))
        .await
        .expect("scripted obs");
    scripted.add_scene("Scene");
    let d = start_daemon(&daemon_env(scripted.port(), PASSWORD, "follow_obs"));
    obs_connected(&d).await;
    scripted.kick_all();
    eventually("kicked", || async {
        (status(&d).await["obs"]["state"] == "kicked").then_some(())
    })
    .await;
    let before = scripted.identified_total();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        scripted.identified_total(),
        before,
        "no reconnect after a kick"
    );
    let (s, _) = call(&http(), "POST", &d.url("/api/obs/reconnect"), None).await;
    assert_eq!(s, 202);
    obs_connected(&d).await;
}

#[tokio::test]
async fn the_obs_widget_switches_scenes_and_toggles_sources() {
    let scripted = ScriptedObs::start(Some(PASSWORD))
        .await
        .expect("scripted obs");
    scripted.add_scene("Scene");
    scripted.add_scene("Gameplay");
    scripted.add_input("Cam", "v4l2_input", json!({}));
    scripted.add_scene_item("Gameplay", "Cam");
    let d = start_daemon(&daemon_env(scripted.port(), PASSWORD, "follow_obs"));
    obs_connected(&d).await;
    let (_, w) = support::setup_widget(&d, "ObsSceneWidget", json!({})).await;
    let wid = w["id"].as_u64().unwrap();

    let (s, r) = support::execute(&d, wid, "switch_scene", json!({"scene": "Gameplay"})).await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(scripted.program_scene(), "Gameplay");
    let (s, r) = support::execute(&d, wid, "switch_scene", json!({"scene": "Nope"})).await;
    assert_eq!(
        (s, r["error"]["field"].as_str()),
        (422, Some("parameters.scene")),
        "{r}"
    );
    assert!(
        r["error"]["message"].as_str().unwrap().contains("Nope"),
        "{r}"
    );

    let before = scripted.item_enabled("Gameplay", "Cam").unwrap();
    let (s, r) = support::execute(
        &d,
        wid,
        "toggle_source",
        json!({"scene": "Gameplay", "source": "Cam"}),
    )
    .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(scripted.item_enabled("Gameplay", "Cam"), Some(!before));
    let (s, _) = support::execute(
        &d,
        wid,
        "toggle_source",
        json!({"scene": "Gameplay", "source": "Cam", "visible": "Show"}),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(scripted.item_enabled("Gameplay", "Cam"), Some(true));
    let (s, r) = support::execute(
        &d,
        wid,
        "toggle_source",
        json!({"scene": "Gameplay", "source": "Ghost"}),
    )
    .await;
    assert_eq!(
        (s, r["error"]["field"].as_str()),
        (422, Some("parameters.source")),
        "{r}"
    );
}

#[tokio::test]
async fn both_sides_changing_at_once_converge_without_flapping() {
    let scripted = ScriptedObs::start(Some(PASSWORD))
        .await
        .expect("scripted obs");
    for s in ["Scene", "Alpha", "Beta"] {
        scripted.add_scene(s);
    }
    let d = start_daemon(&daemon_env(scripted.port(), PASSWORD, "follow_obs"));
    obs_connected(&d).await;
    let alpha = new_dashboard(&d, "Alpha", "Alpha").await;
    let beta = new_dashboard(&d, "Beta", "Beta").await;
    for round in 0..10 {
        // The streamer clicks one dashboard while OBS is switched to the other.
        let (click, other) = if round % 2 == 0 {
            (alpha, "Beta")
        } else {
            (beta, "Alpha")
        };
        scripted.switch_scene(other);
        activate(&d, click).await;
        // Wait for quiet (no new switch request for 400 ms): whichever side won, both
        // agree and nothing keeps switching.
        let switches = || scripted.requests_of("SetCurrentProgramScene").len();
        let mut seen = usize::MAX;
        while switches() != seen {
            seen = switches();
            tokio::time::sleep(Duration::from_millis(400)).await;
        }
        let active = status(&d).await["active_dashboard_id"].as_u64().unwrap();
        let expected = if active == alpha { "Alpha" } else { "Beta" };
        assert_eq!(
            scripted.program_scene(),
            expected,
            "round {round}: OBS and the dashboard agree"
        );
    }
    assert!(
        scripted.requests_of("SetCurrentProgramScene").len() <= 10,
        "at most one switch per round"
    );
}

#[tokio::test]
async fn a_refused_obs_effect_is_audited_as_a_failure() {
    // OBS enabled but not running: the switch is answered 503, and the audit log (and the
    // admin feed) say exactly that instead of "ok".
    let d = start_daemon(&daemon_env(free_port(), PASSWORD, "follow_obs"));
    let mut admin = WsClient::connect(&d.ws_url("admin")).await;
    admin.next().await;
    let (_, w) = support::setup_widget(&d, "ObsSceneWidget", json!({})).await;
    let wid = w["id"].as_u64().unwrap();
    let (s, r) = support::execute(&d, wid, "switch_scene", json!({"scene": "Gameplay"})).await;
    assert_eq!(s, 503, "{r}");
    let f = admin
        .until(|f| f["type"] == "command_executed" && f["entry"]["action"] == "execute")
        .await;
    assert_eq!(f["entry"]["ok"], false, "{f}");
    let (_, audit) = call(&http(), "GET", &d.url("/api/audit?limit=1"), None).await;
    assert_eq!(audit[0]["action"], "execute", "{audit}");
    assert_eq!(audit[0]["ok"], false, "{audit}");
    assert!(
        audit[0]["error"]
            .as_str()
            .is_some_and(|e| e.contains("not connected")),
        "{audit}"
    );
}
