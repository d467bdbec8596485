//! The widget framework in a real daemon, with the test-only widgets (`test-widgets`): an
//! outcome creates and deletes elements, a follow-up that calls a feature survives a SIGKILL
//! between schedule and fire, a panicking feature fails alone, and every run's seed is in the
//! audit log so it can be replayed.

mod support;

use serde_json::{Value, json};
use support::{Daemon, WsClient, call, element_named, execute, http, setup_widget};

fn element_names(w: &Value) -> Vec<String> {
    let mut names: Vec<String> = w["elements"]
        .as_array()
        .expect("elements")
        .iter()
        .map(|e| e["name"].as_str().unwrap_or_default().to_string())
        .collect();
    names.sort();
    names
}

async fn widget(d: &Daemon, id: u64) -> Value {
    let (s, w) = call(&http(), "GET", &d.url(&format!("/api/widgets/{id}")), None).await;
    assert_eq!(s, 200, "{w}");
    w
}

async fn audit(d: &Daemon) -> Vec<Value> {
    let (s, a) = call(&http(), "GET", &d.url("/api/audit?limit=100"), None).await;
    assert_eq!(s, 200, "{a}");
    a.as_array()
        .or_else(|| a["entries"].as_array())
        .cloned()
        .unwrap_or_default()
}

#[tokio::test]
async fn outcomes_create_and_delete_elements_and_a_called_follow_up_survives_sigkill() {
    let mut d = Daemon::start();
    let (_, w) = setup_widget(&d, "ListWidget", json!({})).await;
    let wid = w["id"].as_u64().unwrap();
    let mut overlay = WsClient::connect(&d.ws_url("overlay")).await;
    overlay.until(|f| f["type"] == "snapshot").await;

    for item in ["apple", "banana", "cherry"] {
        let (s, b) = execute(&d, wid, "add_item", json!({"item": item})).await;
        assert_eq!(s, 200, "{b}");
        let f = overlay
            .until(|f| element_named(f, &format!("item_{item}")).is_some())
            .await;
        assert_eq!(
            f["action"], "show",
            "a created visible element is shown: {f}"
        );
    }
    let (s, b) = execute(&d, wid, "add_item", json!({"item": "apple"})).await;
    assert_eq!(s, 422, "{b}");
    assert_eq!(b["error"]["field"], "parameters.item", "{b}");

    let (s, b) = execute(&d, wid, "remove_item", json!({"item": "banana"})).await;
    assert_eq!(s, 200, "{b}");
    let f = overlay
        .until(|f| element_named(f, "item_banana").is_some())
        .await;
    assert_eq!(f["action"], "delete", "{f}");
    assert_eq!(
        element_names(&widget(&d, wid).await),
        ["banner", "item_apple", "item_cherry"]
    );

    // Schedule a call of `announce` 1.5 s from now, then kill the daemon before it fires.
    let (s, b) = execute(
        &d,
        wid,
        "schedule_announce",
        json!({"text": "Hello after a crash", "delay_ms": 1500}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    d.kill();
    d.spawn();

    // After the restart the follow-up fires by itself and runs the feature for real.
    let mut overlay = WsClient::connect(&d.ws_url("overlay")).await;
    let snapshot = overlay.next().await;
    let banner = element_named(&snapshot, "banner").expect("banner");
    let f = if banner["visible"] == true {
        snapshot.clone()
    } else {
        overlay
            .until(|f| element_named(f, "banner").is_some_and(|e| e["visible"] == true))
            .await
    };
    let banner = element_named(&f, "banner").unwrap();
    assert_eq!(banner["properties"]["text"], "Hello after a crash");
    let w = widget(&d, wid).await;
    assert_eq!(w["state"]["announced"], 1, "{w}");
    assert_eq!(w["state"]["items"], json!(["apple", "cherry"]));
    assert_eq!(
        element_names(&w),
        ["banner", "item_apple", "item_cherry"],
        "created elements survive the restart"
    );

    // The follow-up's run is in the audit log as the timer's, with its seed.
    let entries = audit(&d).await;
    let fired = entries
        .iter()
        .find(|e| e["actor"]["kind"] == "timer" && e["subject"]["feature"] == "announce")
        .unwrap_or_else(|| panic!("timer run audited: {entries:?}"));
    assert_eq!(fired["ok"], true);
    assert!(fired["seed"].is_u64(), "{fired}");
}

#[tokio::test]
async fn every_run_records_its_seed_and_a_given_seed_is_used() {
    let d = Daemon::start();
    let (_, w) = setup_widget(&d, "DeathCounterWidget", json!({})).await;
    let wid = w["id"].as_u64().unwrap();
    let (s, _) = execute(&d, wid, "increment_deaths", json!({})).await;
    assert_eq!(s, 200);
    let (s, b) = call(
        &http(),
        "POST",
        &d.url(&format!("/api/widgets/{wid}/execute")),
        Some(json!({"feature": "increment_deaths", "seed": 424242})),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let runs: Vec<Value> = audit(&d)
        .await
        .into_iter()
        .filter(|e| e["action"] == "execute")
        .collect();
    assert_eq!(runs.len(), 2, "{runs:?}");
    assert!(runs.iter().all(|e| e["seed"].is_u64()), "{runs:?}");
    assert!(runs.iter().any(|e| e["seed"] == 424242), "{runs:?}");
}

#[tokio::test]
async fn a_panicking_feature_fails_alone_and_writes_nothing() {
    let d = Daemon::start();
    let (_, w) = setup_widget(&d, "PanickyWidget", json!({})).await;
    let wid = w["id"].as_u64().unwrap();
    let (s, b) = execute(&d, wid, "explode", json!({})).await;
    assert_eq!(s, 500, "{b}");
    assert_eq!(b["error"]["code"], "widget_failed", "{b}");
    let message = b["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("PanickyWidget") && message.contains("explode"),
        "{b}"
    );
    assert_eq!(widget(&d, wid).await["state"], json!({"n": 0}));
    let (s, b) = execute(&d, wid, "bump", json!({})).await;
    assert_eq!(s, 200, "the engine keeps serving: {b}");
    let w = widget(&d, wid).await;
    assert_eq!(w["state"]["n"], 1);
    let failed = audit(&d)
        .await
        .into_iter()
        .find(|e| e["subject"]["feature"] == "explode")
        .expect("audited");
    assert_eq!(failed["ok"], false);
}
