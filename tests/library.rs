//! Library widgets in a real daemon: what must hold across a crash, beyond their unit tests.

mod support;

use serde_json::{Value, json};
use support::{Daemon, WsClient, call, element_named, execute, http, setup_widget};

fn clock_of(w: &Value) -> Value {
    w["elements"]
        .as_array()
        .expect("elements")
        .iter()
        .find(|e| e["name"] == "clock")
        .map(|e| e["properties"].clone())
        .expect("clock")
}

async fn widget(d: &Daemon, id: u64) -> Value {
    let (s, w) = call(&http(), "GET", &d.url(&format!("/api/widgets/{id}")), None).await;
    assert_eq!(s, 200, "{w}");
    w
}

/// SIGKILL in the middle of a countdown: after start-up the clock has the same deadline (the
/// overlay computes the same remaining second) and time's up still comes, by itself; one that
/// came due while stagehand was down fires at start-up.
#[tokio::test]
async fn a_countdown_survives_sigkill_and_times_up_comes_by_itself() {
    let mut d = Daemon::start();
    let (_, w) = setup_widget(&d, "CountdownTimerWidget", json!({})).await;
    let wid = w["id"].as_u64().expect("id");
    let (s, b) = execute(&d, wid, "start_timer", json!({"duration": 120})).await;
    assert_eq!(s, 200, "{b}");
    let before = clock_of(&widget(&d, wid).await);
    assert!(before["started_at_ms"].is_u64(), "{before}");

    d.kill();
    d.spawn();
    let after = clock_of(&widget(&d, wid).await);
    assert_eq!(
        (
            &after["started_at_ms"],
            &after["duration_s"],
            &after["paused_at_ms"]
        ),
        (
            &before["started_at_ms"],
            &before["duration_s"],
            &before["paused_at_ms"]
        ),
        "the same deadline after the crash"
    );

    // A short one, killed before it ends: time's up plays once stagehand is back.
    let (s, b) = execute(&d, wid, "start_timer", json!({"duration": 1})).await;
    assert_eq!(s, 200, "{b}");
    d.kill();
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    d.spawn();
    let mut overlay = WsClient::connect(&d.ws_url("overlay")).await;
    let snapshot = overlay.next().await;
    let shown = |f: &Value| element_named(f, "times_up_text").is_some_and(|e| e["visible"] == true);
    if !shown(&snapshot) {
        overlay.until(shown).await;
    }
    let w = widget(&d, wid).await;
    assert!(w["state"]["paused_at_ms"].is_null(), "{w}");
}

fn props_of(w: &Value, name: &str) -> Value {
    w["elements"]
        .as_array()
        .expect("elements")
        .iter()
        .find(|e| e["name"] == name)
        .map(|e| e["properties"].clone())
        .unwrap_or_else(|| panic!("no element {name}"))
}

/// A widget that lays itself out on every update (the top supporters card) keeps an element
/// where the streamer moved and sized it, across its redraws and a SIGKILL.
#[tokio::test]
async fn a_moved_element_stays_put_when_its_widget_redraws() {
    let mut d = Daemon::start();
    let (_, w) = setup_widget(&d, "TopSupporterWidget", json!({})).await;
    let wid = w["id"].as_u64().expect("id");
    let before = props_of(&widget(&d, wid).await, "panel");
    let (x, y) = (
        before["position"]["x"].as_f64().unwrap(),
        before["position"]["y"].as_f64().unwrap(),
    );
    let (s, r) = call(
        &http(),
        "PATCH",
        &d.url(&format!("/api/widgets/{wid}/elements/panel")),
        Some(json!({"properties": {"position": {"x": x - 400.0, "y": y + 300.0}, "size": {"width": 520, "height": 480}}})),
    )
    .await;
    assert_eq!(s, 200, "{r}");
    let (s, b) = execute(
        &d,
        wid,
        "record_support",
        json!({"category": "Cheer", "user": "Ann", "amount": 500}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    d.kill();
    d.spawn();
    let (s, b) = execute(
        &d,
        wid,
        "record_support",
        json!({"category": "Donation", "user": "Bo", "amount": 5}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let after = props_of(&widget(&d, wid).await, "panel");
    assert_eq!(after["position"]["x"].as_f64(), Some(x - 400.0), "{after}");
    assert_eq!(after["position"]["y"].as_f64(), Some(y + 300.0), "{after}");
    assert_eq!(
        after["size"],
        json!({"width": 520, "height": 480}),
        "{after}"
    );
    // The rows the streamer did not touch still follow the widget.
    let row = props_of(&widget(&d, wid).await, "name_cheer_stream");
    assert!(row["position"]["x"].as_f64().unwrap() > x, "{row}");
}
