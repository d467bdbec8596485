//! Against a real OBS Studio 30.2 (chroot + Xvfb, see tests/obs/rootfs.sh). One OBS is shared
//! by the tests of this binary (they run in parallel and create their own scenes); tests that
//! kill OBS start their own instance. Scene switches are serialised by a lock because the
//! program scene is global to an OBS instance.

use std::time::{Duration, Instant};

use obws::Client;
use stagehand_obs::testing::{ObsProcess, free_port, wait_state};
use stagehand_obs::{ObsError, ObsEvent, ObsHandle, ObsSettings, ObsState};
use tokio::sync::{Mutex, OnceCell, mpsc};

const PASSWORD: &str = "stagehand-test-pw";
/// Generous: OBS with software GL on a busy 2-core machine.
const DEADLINE: Duration = Duration::from_secs(60);

static OBS: OnceCell<ObsProcess> = OnceCell::const_new();
static PROGRAM_SCENE: Mutex<()> = Mutex::const_new(());

async fn obs() -> &'static ObsProcess {
    OBS.get_or_init(|| async {
        match ObsProcess::start(free_port(), Some(PASSWORD)).await {
            Ok(p) => p,
            Err(e) => panic!("cannot start OBS: {e}"),
        }
    })
    .await
}

fn settings(port: u16, password: Option<&str>) -> ObsSettings {
    ObsSettings {
        port,
        password: password.map(str::to_owned),
        reconnect_max: Duration::from_secs(1),
        heartbeat: Duration::from_secs(1),
        request_timeout: Duration::from_secs(10),
        ..ObsSettings::default()
    }
}

async fn connected_adapter() -> (ObsHandle, mpsc::Receiver<ObsEvent>) {
    let obs = obs().await;
    let (h, rx) = ObsHandle::spawn(settings(obs.port(), Some(PASSWORD)));
    if let Err(s) = wait_state(&h, ObsState::Connected, DEADLINE).await {
        panic!("adapter did not connect: {s:?}");
    }
    (h, rx)
}

async fn second_client() -> Client {
    let obs = obs().await;
    match Client::connect("127.0.0.1", obs.port(), Some(PASSWORD)).await {
        Ok(c) => c,
        Err(e) => panic!("second client: {e}"),
    }
}

fn unique(prefix: &str) -> String {
    format!("{prefix}-{:08x}", fastrand_u32())
}

fn fastrand_u32() -> u32 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(Instant::now()) as u32
}

/// Next event matching `pred`, skipping others, within the deadline.
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connects_and_lists_scenes() {
    let obs2 = second_client().await;
    let name = unique("list");
    obs2.scenes().create(&name).await.expect("create scene");
    let (h, mut rx) = connected_adapter().await;
    let first = next_matching(&mut rx, |e| matches!(e, ObsEvent::Connected { .. })).await;
    assert!(
        matches!(first, Some(ObsEvent::Connected { .. })),
        "{first:?}"
    );
    let status = h.status();
    assert!(status.connected && status.enabled && status.last_error.is_none());
    assert!(status.current_scene.is_some());
    let scenes = h.scenes().await.expect("scenes");
    assert!(scenes.iter().any(|s| s.name == "Scene"), "{scenes:?}");
    let mine = scenes
        .iter()
        .find(|s| s.name == name)
        .expect("created scene listed");
    assert_eq!(mine.uuid.len(), 36);
    h.shutdown().await;
}

/// Select the Cut transition so a switch is reported at once (Fade delays the event 300 ms).
async fn use_cut(c: &Client) {
    c.transitions()
        .set_current("Cut")
        .await
        .expect("select Cut transition");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn set_program_scene_is_seen_by_another_client() {
    let obs2 = second_client().await;
    let name = unique("switch");
    obs2.scenes().create(&name).await.expect("create scene");
    let (h, mut rx) = connected_adapter().await;
    let _lock = PROGRAM_SCENE.lock().await;
    use_cut(&obs2).await;
    let t0 = Instant::now();
    h.set_program_scene(&name).await.expect("set program scene");
    let ev = next_matching(
        &mut rx,
        |e| matches!(e, ObsEvent::ProgramSceneChanged { name: n, .. } if *n == name),
    )
    .await;
    let echo = t0.elapsed();
    assert!(ev.is_some(), "no ProgramSceneChanged echo");
    let seen = obs2
        .scenes()
        .current_program_scene()
        .await
        .expect("current scene");
    assert_eq!(seen.id.name, name);
    assert_eq!(h.status().current_scene.as_deref(), Some(name.as_str()));
    println!("set_program_scene → ProgramSceneChanged echo: {echo:?}");
    assert_eq!(
        h.set_program_scene("no such scene").await,
        Err(ObsError::NotFound {
            what: "scene",
            name: "no such scene".into()
        })
    );
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn switch_by_another_client_arrives_as_event() {
    let obs2 = second_client().await;
    let name = unique("other");
    let uuid = obs2.scenes().create(&name).await.expect("create scene");
    let (h, mut rx) = connected_adapter().await;
    let _lock = PROGRAM_SCENE.lock().await;
    use_cut(&obs2).await;
    obs2.scenes()
        .set_current_program_scene(name.as_str())
        .await
        .expect("switch by second client");
    let ev = next_matching(
        &mut rx,
        |e| matches!(e, ObsEvent::ProgramSceneChanged { name: n, .. } if *n == name),
    )
    .await;
    assert_eq!(
        ev,
        Some(ObsEvent::ProgramSceneChanged {
            name: name.clone(),
            uuid: uuid.to_string()
        })
    );
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rename_and_list_changes_arrive_as_events() {
    let (h, mut rx) = connected_adapter().await;
    let obs2 = second_client().await;
    let name = unique("rename");
    obs2.scenes().create(&name).await.expect("create scene");
    assert!(
        next_matching(&mut rx, |e| *e == ObsEvent::SceneListChanged)
            .await
            .is_some()
    );
    let new_name = format!("{name}-new");
    obs2.scenes()
        .set_name(obws::requests::scenes::SceneId::Name(&name), &new_name)
        .await
        .expect("rename");
    let ev = next_matching(
        &mut rx,
        |e| matches!(e, ObsEvent::SceneNameChanged { old_name, .. } if *old_name == name),
    )
    .await;
    assert_eq!(
        ev,
        Some(ObsEvent::SceneNameChanged {
            old_name: name.clone(),
            new_name: new_name.clone()
        })
    );
    let scenes = h.scenes().await.expect("scenes");
    assert!(scenes.iter().any(|s| s.name == new_name));
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn source_visibility_hotkeys_raw_and_refresh() {
    let (h, _rx) = connected_adapter().await;
    let obs2 = second_client().await;
    let scene = unique("items");
    h.raw_request("CreateScene", serde_json::json!({ "sceneName": scene }))
        .await
        .expect("raw CreateScene");
    let source = unique("color");
    h.raw_request(
        "CreateInput",
        serde_json::json!({
            "sceneName": scene, "inputName": source, "inputKind": "color_source_v3",
            "inputSettings": {}, "sceneItemEnabled": true
        }),
    )
    .await
    .expect("raw CreateInput");
    assert_eq!(h.set_source_visible(&scene, &source, None).await, Ok(false));
    assert_eq!(
        h.set_source_visible(&scene, &source, Some(true)).await,
        Ok(true)
    );
    let id = obs2
        .scene_items()
        .id(obws::requests::scene_items::Id {
            scene: obws::requests::scenes::SceneId::Name(&scene),
            source: &source,
            search_offset: None,
        })
        .await
        .expect("item id");
    let enabled = obs2
        .scene_items()
        .enabled(obws::requests::scenes::SceneId::Name(&scene), id)
        .await
        .expect("enabled");
    assert!(enabled);
    assert_eq!(
        h.set_source_visible(&scene, "missing", None).await,
        Err(ObsError::NotFound {
            what: "source",
            name: "missing".into()
        })
    );
    assert_eq!(
        h.set_source_visible("missing scene", &source, None).await,
        Err(ObsError::NotFound {
            what: "scene",
            name: "missing scene".into()
        })
    );
    assert_eq!(
        h.trigger_hotkey("No.Such.Hotkey").await,
        Err(ObsError::NotFound {
            what: "hotkey",
            name: "No.Such.Hotkey".into()
        })
    );
    let t0 = Instant::now();
    let v = h
        .raw_request("GetVersion", serde_json::Value::Null)
        .await
        .expect("raw GetVersion");
    println!("raw_request GetVersion (own session): {:?}", t0.elapsed());
    assert!(
        v["obsVersion"]
            .as_str()
            .unwrap_or_default()
            .starts_with("30.")
    );
    // Debian's OBS has no browser source plugin: nothing to refresh, and no error.
    assert_eq!(
        h.refresh_browser_sources("http://127.0.0.1:8002/").await,
        Ok(0)
    );
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_password_is_auth_failed() {
    let obs = obs().await;
    let (h, _rx) = ObsHandle::spawn(settings(obs.port(), Some("not the password")));
    let st = wait_state(&h, ObsState::AuthFailed, DEADLINE)
        .await
        .expect("AuthFailed");
    assert!(!st.connected);
    assert!(st.last_error.unwrap_or_default().contains("password"));
    assert_eq!(h.scenes().await, Err(ObsError::NotConnected));
    h.shutdown().await;
}

/// Own OBS: it is killed and restarted. Also measures OBS start → adapter Connected.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_and_restart_obs_reconnects() {
    let port = free_port();
    // Adapter first, then OBS: the adapter retries (backoff capped at 1 s here) until OBS is up.
    let s = ObsSettings {
        reconnect_max: Duration::from_millis(500),
        ..settings(port, Some(PASSWORD))
    };
    let (h, _rx) = ObsHandle::spawn(s);
    let mut obs = ObsProcess::launch(port, Some(PASSWORD)).expect("launch OBS");
    let st = wait_state(&h, ObsState::Connected, DEADLINE).await;
    let first = obs.started_at().elapsed();
    assert!(
        st.is_ok(),
        "no connect: {:?}\n{}",
        h.status(),
        obs.log_tail()
    );
    println!("OBS process start → adapter Connected (cold): {first:?}");

    obs.kill();
    let st = wait_state(&h, ObsState::Disconnected, DEADLINE)
        .await
        .expect("Disconnected after kill");
    assert!(st.last_error.is_some());
    let r = tokio::time::timeout(Duration::from_secs(2), h.scenes()).await;
    assert_eq!(
        r,
        Ok(Err(ObsError::NotConnected)),
        "requests must fail fast"
    );

    obs.relaunch().expect("relaunch OBS");
    let st = wait_state(&h, ObsState::Connected, DEADLINE).await;
    let again = obs.started_at().elapsed();
    assert!(
        st.is_ok(),
        "no reconnect: {:?}\n{}",
        h.status(),
        obs.log_tail()
    );
    println!("OBS process restart → adapter Connected (warm): {again:?}");
    assert!(h.scenes().await.is_ok());
    h.shutdown().await;
}
