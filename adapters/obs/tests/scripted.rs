//! Adapter behaviour against the scripted obs-websocket peer: paths a real OBS cannot produce
//! on demand (kick 4011, NotReady, a link that stops answering, lagging consumers, browser
//! sources). Tests wait for conditions, never for fixed times, except where they must show
//! that something does NOT happen.

use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use stagehand_obs::testing::{EVENTS_SCENES, ScriptedObs, wait_state, wait_status};
use stagehand_obs::{ObsError, ObsEvent, ObsHandle, ObsSettings, ObsState};
use tokio::sync::mpsc;

const DEADLINE: Duration = Duration::from_secs(20);

async fn peer(password: Option<&str>) -> ScriptedObs {
    match ScriptedObs::start(password).await {
        Ok(p) => p,
        Err(e) => panic!("scripted peer: {e}"),
    }
}

async fn connected(settings: ObsSettings) -> (ObsHandle, mpsc::Receiver<ObsEvent>) {
    let (h, rx) = ObsHandle::spawn(settings);
    if let Err(s) = wait_state(&h, ObsState::Connected, DEADLINE).await {
        panic!("adapter did not connect: {s:?}");
    }
    (h, rx)
}

async fn next_matching(
    rx: &mut mpsc::Receiver<ObsEvent>,
    pred: impl Fn(&ObsEvent) -> bool,
) -> Option<ObsEvent> {
    tokio::time::timeout(DEADLINE, async {
        while let Some(ev) = rx.recv().await {
            if pred(&ev) {
                return Some(ev);
            }
        }
        None
    })
    .await
    .ok()
    .flatten()
}

/// Poll a condition every 20 ms up to the deadline.
async fn eventually(what: &str, cond: impl Fn() -> bool) {
    let start = tokio::time::Instant::now();
    while !cond() {
        assert!(start.elapsed() < DEADLINE, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Log lines captured on this thread (the tests run on a current-thread runtime, so the
/// manager and obws tasks log here too).
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if let Ok(mut v) = self.0.lock() {
            v.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Logs {
    fn capture() -> (Logs, tracing::subscriber::DefaultGuard) {
        let logs = Logs::default();
        let w = logs.clone();
        let sub = tracing_subscriber::fmt()
            .with_writer(move || w.clone())
            .with_ansi(false)
            .with_max_level(tracing::Level::TRACE)
            .finish();
        (logs, tracing::subscriber::set_default(sub))
    }

    fn text(&self) -> String {
        self.0
            .lock()
            .map(|v| String::from_utf8_lossy(&v).into_owned())
            .unwrap_or_default()
    }

    /// WARN/ERROR lines from this crate.
    fn warnings(&self) -> usize {
        self.text()
            .lines()
            .filter(|l| {
                (l.contains(" WARN ") || l.contains("ERROR ")) && l.contains("stagehand_obs")
            })
            .count()
    }
}

#[tokio::test]
async fn connect_emits_connected_then_status() {
    let obs = peer(Some("pw")).await;
    let (h, mut rx) = connected(obs.settings()).await;
    let first = rx.recv().await;
    assert_eq!(
        first,
        Some(ObsEvent::Connected {
            current_scene: "Scene".into()
        })
    );
    match rx.recv().await {
        Some(ObsEvent::Status(s)) => {
            assert!(s.connected);
            assert_eq!(s.state, ObsState::Connected);
            assert_eq!(s.current_scene.as_deref(), Some("Scene"));
        }
        other => panic!("expected Status, got {other:?}"),
    }
    let json = serde_json::to_value(h.status()).expect("status serializes");
    assert_eq!(json["state"], "connected");
    assert_eq!(json["connected"], true);
    h.shutdown().await;
}

#[tokio::test]
async fn scenes_in_dock_order_and_switching() {
    let obs = peer(None).await;
    obs.add_scene("Intro");
    obs.add_scene("Game");
    let (h, mut rx) = connected(obs.settings()).await;
    let names: Vec<String> = h
        .scenes()
        .await
        .expect("scenes")
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(names, ["Scene", "Intro", "Game"]);

    h.set_program_scene("Game").await.expect("switch");
    assert_eq!(obs.program_scene(), "Game");
    let ev = next_matching(&mut rx, |e| {
        matches!(e, ObsEvent::ProgramSceneChanged { .. })
    })
    .await;
    assert!(matches!(ev, Some(ObsEvent::ProgramSceneChanged { ref name, .. }) if name == "Game"));
    assert_eq!(h.current_program_scene().await.as_deref(), Ok("Game"));
    assert_eq!(h.status().current_scene.as_deref(), Some("Game"));

    assert_eq!(
        h.set_program_scene("Nope").await,
        Err(ObsError::NotFound {
            what: "scene",
            name: "Nope".into()
        })
    );
    h.shutdown().await;
}

#[tokio::test]
async fn user_events_arrive_in_order() {
    let obs = peer(None).await;
    obs.add_scene("A");
    let (h, mut rx) = connected(obs.settings()).await;
    obs.switch_scene("A");
    obs.emit_event(
        "SceneNameChanged",
        json!({ "sceneUuid": "6c1b6f0e-6c64-4c8e-9a3e-0a0b0c0d0e0f", "oldSceneName": "A", "sceneName": "A2" }),
        EVENTS_SCENES,
    );
    obs.emit_event("SceneListChanged", json!({ "scenes": [] }), EVENTS_SCENES);
    let mut got = Vec::new();
    while got.len() < 3 {
        match next_matching(&mut rx, |e| {
            !matches!(e, ObsEvent::Status(_) | ObsEvent::Connected { .. })
        })
        .await
        {
            Some(ev) => got.push(ev),
            None => panic!("missing events, got {got:?}"),
        }
    }
    assert!(
        matches!(&got[0], ObsEvent::ProgramSceneChanged { name, uuid } if name == "A" && uuid.len() == 36)
    );
    assert_eq!(
        got[1],
        ObsEvent::SceneNameChanged {
            old_name: "A".into(),
            new_name: "A2".into()
        }
    );
    assert_eq!(got[2], ObsEvent::SceneListChanged);
    // The cached program scene follows the rename.
    assert_eq!(h.status().current_scene.as_deref(), Some("A2"));
    h.shutdown().await;
}

#[tokio::test]
async fn not_ready_at_start_is_retried_quietly() {
    let (logs, _guard) = Logs::capture();
    let obs = peer(None).await;
    // obws's version check during connect and our first requests get 207 a few times.
    obs.not_ready_for(6);
    let (h, _rx) = connected(obs.settings()).await;
    assert!(obs.requests_of("GetVersion").len() >= 2);
    assert_eq!(logs.warnings(), 0, "{}", logs.text());
    // Requests retry NotReady transparently as well.
    obs.not_ready_for(3);
    assert!(h.scenes().await.is_ok());
    h.shutdown().await;
}

#[tokio::test]
async fn wrong_password_is_auth_failed_and_not_hammered() {
    let (logs, _guard) = Logs::capture();
    let obs = peer(Some("right-password")).await;
    let settings = ObsSettings {
        password: Some("wrong-password".into()),
        ..obs.settings()
    };
    let (h, _rx) = ObsHandle::spawn(settings.clone());
    let st = wait_state(&h, ObsState::AuthFailed, DEADLINE)
        .await
        .expect("auth failed state");
    assert!(!st.connected);
    assert!(st.last_error.as_deref().unwrap_or("").contains("password"));
    assert!(matches!(h.scenes().await, Err(ObsError::NotConnected)));
    // Several backoff periods (cap 2 s here): still one attempt, since auth retries are slow.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(obs.auth_failures(), 1);
    assert!(logs.warnings() <= 1, "{}", logs.text());
    let text = logs.text();
    assert!(!text.contains("wrong-password") && !text.contains("right-password"));

    // Fixing the password reconnects at once.
    h.update_settings(obs.settings());
    wait_state(&h, ObsState::Connected, DEADLINE)
        .await
        .expect("connected after fixing the password");
    h.shutdown().await;
}

#[tokio::test]
async fn missing_password_says_so() {
    let obs = peer(Some("secret")).await;
    let settings = ObsSettings {
        password: None,
        ..obs.settings()
    };
    let (h, _rx) = ObsHandle::spawn(settings);
    let st = wait_state(&h, ObsState::AuthFailed, DEADLINE)
        .await
        .expect("auth failed");
    assert!(
        st.last_error
            .unwrap_or_default()
            .contains("requires a password")
    );
    h.shutdown().await;
}

#[tokio::test]
async fn kick_4011_stops_reconnecting_until_asked() {
    let obs = peer(None).await;
    let (h, _rx) = connected(obs.settings()).await;
    obs.kick_all();
    let st = wait_state(&h, ObsState::Kicked, DEADLINE)
        .await
        .expect("kicked");
    assert!(st.last_error.unwrap_or_default().contains("4011"));
    assert!(matches!(h.scenes().await, Err(ObsError::NotConnected)));
    // Longer than the whole backoff cap: no reconnect by itself.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(obs.identified_total(), 1);
    assert_eq!(h.status().state, ObsState::Kicked);

    h.reconnect_now();
    wait_state(&h, ObsState::Connected, DEADLINE)
        .await
        .expect("reconnected");
    assert_eq!(obs.identified_total(), 2);
    h.shutdown().await;
}

#[tokio::test]
async fn server_close_and_crash_reconnect_with_backoff() {
    let obs = peer(None).await;
    let (h, _rx) = connected(obs.settings()).await;

    obs.close_all(1001, "Server stopping.");
    let st = wait_state(&h, ObsState::Disconnected, DEADLINE)
        .await
        .expect("disconnected");
    assert!(
        st.last_error.unwrap_or_default().contains("1001"),
        "{:?}",
        h.status()
    );
    wait_state(&h, ObsState::Connected, DEADLINE)
        .await
        .expect("reconnected after close");

    obs.drop_all();
    wait_state(&h, ObsState::Disconnected, DEADLINE)
        .await
        .expect("disconnected after drop");
    wait_state(&h, ObsState::Connected, DEADLINE)
        .await
        .expect("reconnected after drop");
    assert_eq!(obs.identified_total(), 3);
    h.shutdown().await;
}

#[tokio::test]
async fn unanswered_heartbeat_drops_half_open_link() {
    let obs = peer(None).await;
    let settings = ObsSettings {
        heartbeat: Duration::from_millis(300),
        request_timeout: Duration::from_millis(700),
        ..obs.settings()
    };
    let (h, _rx) = connected(settings).await;
    obs.set_unresponsive(true);
    let st = wait_state(&h, ObsState::Disconnected, DEADLINE)
        .await
        .expect("heartbeat noticed the dead link");
    assert!(st.last_error.unwrap_or_default().contains("heartbeat"));
    // Requests now fail fast instead of hanging.
    assert!(matches!(
        tokio::time::timeout(Duration::from_secs(1), h.scenes()).await,
        Ok(Err(ObsError::NotConnected))
    ));
    obs.set_unresponsive(false);
    wait_state(&h, ObsState::Connected, DEADLINE)
        .await
        .expect("back after the link recovered");
    h.shutdown().await;
}

#[tokio::test]
async fn requests_fail_fast_when_nothing_listens() {
    let port = stagehand_obs::testing::free_port();
    let (h, _rx) = ObsHandle::spawn(ObsSettings {
        port,
        request_timeout: Duration::from_secs(30),
        ..ObsSettings::default()
    });
    let st = wait_state(&h, ObsState::Disconnected, DEADLINE)
        .await
        .expect("disconnected");
    assert!(
        st.last_error
            .unwrap_or_default()
            .contains("cannot reach OBS")
    );
    // A 30 s request timeout, yet the answer is immediate.
    let r = tokio::time::timeout(Duration::from_secs(2), h.set_program_scene("X")).await;
    assert_eq!(r, Ok(Err(ObsError::NotConnected)));
    let r = tokio::time::timeout(
        Duration::from_secs(2),
        h.raw_request("GetVersion", json!(null)),
    )
    .await;
    assert_eq!(r, Ok(Err(ObsError::NotConnected)));
    h.shutdown().await;
}

#[tokio::test]
async fn refused_connections_log_once() {
    let (logs, _guard) = Logs::capture();
    // Accepts TCP and hangs up at once, counting attempts.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let attempts = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let a2 = Arc::clone(&attempts);
    tokio::spawn(async move {
        while let Ok((s, _)) = listener.accept().await {
            a2.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            drop(s);
        }
    });
    let (h, _rx) = ObsHandle::spawn(ObsSettings {
        port,
        reconnect_max: Duration::from_millis(500),
        ..ObsSettings::default()
    });
    eventually("5 connection attempts", || {
        attempts.load(std::sync::atomic::Ordering::SeqCst) >= 5
    })
    .await;
    assert_eq!(h.status().state, ObsState::Disconnected);
    assert_eq!(logs.warnings(), 1, "{}", logs.text());
    h.shutdown().await;
}

#[tokio::test]
async fn disabled_connects_nothing_until_enabled() {
    let obs = peer(None).await;
    let off = ObsSettings {
        enabled: false,
        ..obs.settings()
    };
    let (h, _rx) = ObsHandle::spawn(off.clone());
    let st = wait_state(&h, ObsState::Disabled, DEADLINE)
        .await
        .expect("disabled");
    assert!(!st.enabled && !st.connected);
    assert!(matches!(h.scenes().await, Err(ObsError::NotConnected)));
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(obs.identified_total(), 0);
    h.update_settings(obs.settings());
    wait_state(&h, ObsState::Connected, DEADLINE)
        .await
        .expect("enabled");
    // And off again: the connection closes.
    h.update_settings(off);
    wait_state(&h, ObsState::Disabled, DEADLINE)
        .await
        .expect("disabled again");
    eventually("session closed", || obs.session_count() == 0).await;
    h.shutdown().await;
}

#[tokio::test]
async fn update_settings_moves_to_another_obs() {
    let a = peer(None).await;
    let b = peer(Some("pw-b")).await;
    b.add_scene("Only on B");
    let (h, _rx) = connected(a.settings()).await;
    h.update_settings(b.settings());
    wait_status(&h, DEADLINE, |s| s.connected && b.identified_total() == 1)
        .await
        .expect("connected to B");
    let names: Vec<String> = h
        .scenes()
        .await
        .expect("scenes")
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert!(names.contains(&"Only on B".to_string()));
    eventually("A's session closed", || a.session_count() == 0).await;
    h.shutdown().await;
}

#[tokio::test]
async fn lagging_consumer_is_resynced_not_dropped() {
    let (logs, _guard) = Logs::capture();
    let obs = peer(None).await;
    obs.add_scene("Late");
    let (h, mut rx) = connected(obs.settings()).await;
    // Nobody reads `rx`: the adapter's channel (256) fills, then obws's buffer (1024)
    // overflows. 16 KiB of padding per event make 32 MB, more than the socket buffers can
    // hold, so once the peer has written them all obws has read well over 1024.
    let padding = "x".repeat(16 * 1024);
    for _ in 0..2000 {
        obs.emit_event(
            "SceneListChanged",
            json!({ "scenes": [], "padding": padding }),
            EVENTS_SCENES,
        );
    }
    eventually("all events written", || obs.events_sent() >= 2000).await;
    assert!(logs.text().contains("event channel full"));
    obs.switch_scene("Late");
    // Now drain: the manager resumes, finds obws's stream lagged, resyncs.
    let ev = next_matching(
        &mut rx,
        |e| matches!(e, ObsEvent::ProgramSceneChanged { name, .. } if name == "Late"),
    )
    .await;
    assert!(ev.is_some());
    assert!(logs.text().contains("missed OBS events"), "{}", logs.text());
    assert_eq!(h.status().current_scene.as_deref(), Some("Late"));
    // Still the same connection: lag is not a disconnect.
    assert_eq!(obs.identified_total(), 1);
    assert!(h.status().connected);
    h.shutdown().await;
}

#[tokio::test]
async fn source_visibility() {
    let obs = peer(None).await;
    obs.add_input("Cam", "v4l2_input", json!({}));
    obs.add_scene_item("Scene", "Cam");
    let (h, _rx) = connected(obs.settings()).await;
    assert_eq!(
        h.set_source_visible("Scene", "Cam", Some(false)).await,
        Ok(false)
    );
    assert_eq!(obs.item_enabled("Scene", "Cam"), Some(false));
    assert_eq!(h.set_source_visible("Scene", "Cam", None).await, Ok(true));
    assert_eq!(h.set_source_visible("Scene", "Cam", None).await, Ok(false));
    assert_eq!(
        h.set_source_visible("Scene", "Mic", None).await,
        Err(ObsError::NotFound {
            what: "source",
            name: "Mic".into()
        })
    );
    assert_eq!(
        h.set_source_visible("Nope", "Cam", None).await,
        Err(ObsError::NotFound {
            what: "scene",
            name: "Nope".into()
        })
    );
    h.shutdown().await;
}

#[tokio::test]
async fn hotkeys() {
    let obs = peer(None).await;
    let (h, _rx) = connected(obs.settings()).await;
    assert_eq!(h.trigger_hotkey("OBSBasic.StartStreaming").await, Ok(()));
    let sent = obs.requests_of("TriggerHotkeyByName");
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["hotkeyName"], "OBSBasic.StartStreaming");
    assert_eq!(
        h.trigger_hotkey("No.Such").await,
        Err(ObsError::NotFound {
            what: "hotkey",
            name: "No.Such".into()
        })
    );
    h.shutdown().await;
}

#[tokio::test]
async fn refresh_browser_sources_by_url_prefix() {
    let obs = peer(Some("pw")).await;
    let ours = obs.add_browser_source("Overlay", "http://127.0.0.1:8002/overlay?d=1");
    let ours2 = obs.add_browser_source("Overlay 2", "http://127.0.0.1:8002/overlay/alerts");
    obs.add_browser_source("Other", "https://example.com/widget");
    obs.add_input(
        "Not a browser",
        "image_source",
        json!({ "url": "http://127.0.0.1:8002/overlay" }),
    );
    obs.add_input("Default URL", "browser_source", json!({}));
    let (h, _rx) = connected(obs.settings()).await;
    let n = h
        .refresh_browser_sources("http://127.0.0.1:8002/overlay")
        .await
        .expect("refresh");
    assert_eq!(n, 2);
    let pressed = obs.requests_of("PressInputPropertiesButton");
    assert_eq!(
        pressed,
        [
            json!({ "inputUuid": ours, "propertyName": "refreshnocache" }),
            json!({ "inputUuid": ours2, "propertyName": "refreshnocache" }),
        ]
    );
    assert_eq!(h.refresh_browser_sources("http://nothing").await, Ok(0));
    h.shutdown().await;
}

#[tokio::test]
async fn raw_requests_pass_through() {
    let obs = peer(Some("pw")).await;
    let (h, mut rx) = connected(obs.settings()).await;
    let v = h
        .raw_request("GetVersion", json!(null))
        .await
        .expect("raw GetVersion");
    assert_eq!(v["obsWebSocketVersion"], "5.5.2");
    let v = h
        .raw_request("CreateScene", json!({ "sceneName": "Raw" }))
        .await
        .expect("raw CreateScene");
    assert_eq!(v["sceneUuid"].as_str().map(str::len), Some(36));
    assert!(
        next_matching(&mut rx, |e| *e == ObsEvent::SceneListChanged)
            .await
            .is_some()
    );
    assert!(
        h.scenes()
            .await
            .expect("scenes")
            .iter()
            .any(|s| s.name == "Raw")
    );
    match h.raw_request("NoSuchRequest", json!({})).await {
        Err(ObsError::Obs { code: 204, .. }) => {}
        other => panic!("expected code 204, got {other:?}"),
    }
    h.shutdown().await;
}

#[tokio::test]
async fn shutdown_closes_cleanly_and_clones_see_not_connected() {
    let obs = peer(None).await;
    let (h, _rx) = connected(obs.settings()).await;
    let clone = h.clone();
    h.shutdown().await;
    eventually("session closed", || obs.session_count() == 0).await;
    assert_eq!(
        obs.client_close_codes(),
        [1000],
        "a WebSocket close frame, not just EOF"
    );
    assert!(matches!(clone.scenes().await, Err(ObsError::NotConnected)));
    assert!(!clone.status().connected);
}

#[tokio::test]
async fn reconnect_now_while_connected_keeps_connection() {
    let obs = peer(None).await;
    let (h, _rx) = connected(obs.settings()).await;
    h.reconnect_now();
    // A heartbeat runs at once; the session stays.
    eventually("a heartbeat", || {
        obs.requests_of("GetCurrentProgramScene").len() >= 2
    })
    .await;
    assert_eq!(obs.identified_total(), 1);
    assert!(h.status().connected);
    h.shutdown().await;
}
