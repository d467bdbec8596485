//! The overlay WebSocket protocol (PROTOCOL.md) with a real MessagePack client.

mod support;

use serde_json::json;
use support::{Daemon, WsClient, call, element_named, execute, http, setup_widget};
use tokio_tungstenite::tungstenite::Message;

#[tokio::test]
async fn snapshot_then_gap_free_updates_then_resync() {
    let d = Daemon::start();
    let (did, w) = setup_widget(&d, "ConfettiAlertWidget", json!({"blast_duration": 0.5})).await;
    let wid = w["id"].as_u64().unwrap();

    let mut ws = WsClient::connect(&d.ws_url("overlay")).await;
    let snap = ws.next().await;
    assert_eq!(snap["type"], "snapshot");
    assert_eq!(snap["seq"], 1);
    assert_eq!(snap["active_dashboard_id"], did);
    let burst = element_named(&snap, "confetti_burst").expect("in snapshot");
    assert_eq!(burst["visible"], false);
    assert_eq!(burst["enabled"], true);
    for key in [
        "id",
        "widget_id",
        "name",
        "element_type",
        "properties",
        "behavior",
        "media_details",
    ] {
        assert!(burst.get(key).is_some(), "wire element has {key}");
    }

    let (s, _) = execute(
        &d,
        wid,
        "trigger_blast",
        json!({"intensity": "High", "color": "#00FF00"}),
    )
    .await;
    assert_eq!(s, 200);
    let f = ws
        .until(|f| element_named(f, "confetti_burst").is_some())
        .await;
    assert_eq!(f["type"], "element_update");
    assert_eq!(f["action"], "show");
    assert_eq!(f["element"]["properties"]["intensity"], "High");
    assert_eq!(f["element"]["properties"]["colors"][0], "#00FF00");
    // The follow-up hides it after blast_duration, with no request from anyone.
    let f = ws
        .until(|f| element_named(f, "confetti_burst").is_some())
        .await;
    assert_eq!(f["action"], "hide");
    assert_eq!(f["element"]["visible"], false);

    ws.send_msgpack(&json!({"type": "resync"})).await;
    let snap = ws.until(|f| f["type"] == "snapshot").await;
    assert_eq!(
        element_named(&snap, "confetti_burst").unwrap()["visible"],
        false
    );

    // A reconnect starts over with a fresh snapshot at seq 1.
    drop(ws);
    let mut ws = WsClient::connect(&d.ws_url("overlay")).await;
    assert_eq!(ws.next().await["type"], "snapshot");
}

#[tokio::test]
async fn activation_frames_and_enabled_flags() {
    let d = Daemon::start();
    let c = http();
    let (a, w) = setup_widget(&d, "DeathCounterWidget", json!({})).await;
    let wid = w["id"].as_u64().unwrap();
    let (_, b) = call(
        &c,
        "POST",
        &d.url("/api/dashboards"),
        Some(json!({"name": "Break"})),
    )
    .await;
    let b = b["id"].as_u64().unwrap();

    let mut overlay = WsClient::connect(&d.ws_url("overlay")).await;
    let mut admin = WsClient::connect(&d.ws_url("admin")).await;
    overlay.next().await;
    admin.next().await;

    call(
        &c,
        "POST",
        &d.url(&format!("/api/dashboards/{b}/activate")),
        None,
    )
    .await;
    assert_eq!(
        overlay.next().await,
        json!({"type": "dashboard_deactivated", "seq": 2, "dashboard_id": a})
    );
    assert_eq!(overlay.next().await["type"], "dashboard_activated");
    let f = overlay.next().await;
    assert_eq!(f["action"], "hide");
    assert_eq!(f["element"]["enabled"], false);

    // Changes to a widget that is not rendering reach admins, not overlays.
    execute(&d, wid, "increment_deaths", json!({})).await;
    let f = admin
        .until(|f| f["type"] == "element_update" && f["element"]["properties"]["value"] == 1)
        .await;
    assert_eq!(f["element"]["enabled"], false);
    let f = admin.until(|f| f["type"] == "command_executed").await;
    assert_eq!(f["entry"]["action"], "execute");

    call(
        &c,
        "POST",
        &d.url(&format!("/api/dashboards/{a}/activate")),
        None,
    )
    .await;
    let f = overlay.until(|f| f["type"] == "element_update").await;
    assert_eq!(f["action"], "show");
    assert_eq!(
        f["element"]["properties"]["value"], 1,
        "state kept while disabled"
    );
    // 1 snapshot, 2-4 switch to b, 5-7 switch back: nothing about the disabled widget's change.
    assert_eq!(
        overlay.last_seq, 7,
        "no frame about the disabled widget's change reached the overlay"
    );
}

#[tokio::test]
async fn overlay_clients_cannot_change_anything() {
    let d = Daemon::start();
    let (_, w) = setup_widget(&d, "DeathCounterWidget", json!({})).await;
    let wid = w["id"].as_u64().unwrap();
    let mut ws = WsClient::connect(&d.ws_url("overlay")).await;
    ws.next().await;
    ws.send_msgpack(&json!({"type": "execute", "widget_id": wid, "feature": "increment_deaths"}))
        .await;
    ws.send_msgpack(
        &json!({"type": "element_update", "action": "show", "element": {"id": 1, "visible": true}}),
    )
    .await;
    ws.send_raw(Message::Binary(vec![0xc1, 0xff, 0x00].into()))
        .await;
    ws.send_raw(Message::Text("{\"type\":\"execute\"}".into()))
        .await;
    ws.send_msgpack(&json!({"type": "ping"})).await;
    // The connection is still healthy and nothing changed.
    ws.send_msgpack(&json!({"type": "resync"})).await;
    let snap = ws.until(|f| f["type"] == "snapshot").await;
    assert_eq!(
        element_named(&snap, "death_count").unwrap()["properties"]["value"],
        0
    );
    let (_, w) = call(&http(), "GET", &d.url(&format!("/api/widgets/{wid}")), None).await;
    assert_eq!(w["elements"][0]["properties"]["value"], 0);
}

#[tokio::test]
async fn a_client_that_never_reads_does_not_slow_the_others() {
    let d = Daemon::start_with(&[("STAGEHAND__OVERLAY__CLIENT_QUEUE", "16")]);
    let (_, w) = setup_widget(&d, "DeathCounterWidget", json!({})).await;
    let wid = w["id"].as_u64().unwrap();

    // A client that completes the handshake and then never reads a byte.
    let (stalled, _) = tokio_tungstenite::connect_async(d.ws_url("overlay"))
        .await
        .unwrap();
    let mut reader = WsClient::connect(&d.ws_url("overlay")).await;
    reader.next().await;

    let n = 600;
    let c = http();
    let url = d.url(&format!("/api/widgets/{wid}/execute"));
    let mut tasks = Vec::new();
    for chunk in 0..4 {
        let (c, url) = (c.clone(), url.clone());
        tasks.push(tokio::spawn(async move {
            for _ in 0..n / 4 {
                let r = c
                    .post(&url)
                    .json(&json!({"feature": "increment_deaths"}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 200, "chunk {chunk}");
            }
        }));
    }
    // The reading client sees every value in order, without gaps in seq, while the other stalls.
    let mut last = 0;
    while last < n {
        let f = reader.until(|f| f["type"] == "element_update").await;
        let v = f["element"]["properties"]["value"].as_u64().unwrap();
        assert!(v > last, "values only grow: {v} after {last}");
        last = v;
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(last, n);
    drop(stalled);
    let (_, status) = call(&c, "GET", &d.url("/api/status"), None).await;
    assert!(status["overlay_clients"].as_u64().unwrap() >= 1);
}

#[tokio::test]
async fn a_lagging_client_gets_a_fresh_snapshot_instead_of_the_backlog() {
    let d = Daemon::start_with(&[("STAGEHAND__OVERLAY__CLIENT_QUEUE", "8")]);
    let (_, w) = setup_widget(&d, "DeathCounterWidget", json!({})).await;
    let wid = w["id"].as_u64().unwrap();
    // Big frames, so socket buffers cannot absorb the backlog for the client.
    let padding = json!({"properties": {"padding": "x".repeat(16_000)}});
    let (s, _) = call(
        &http(),
        "PATCH",
        &d.url(&format!("/api/widgets/{wid}/elements/death_count")),
        Some(padding),
    )
    .await;
    assert_eq!(s, 200);
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(2048).unwrap();
    let stream = socket.connect(d.addr.parse().unwrap()).await.unwrap();
    let (ws, _) = tokio_tungstenite::client_async(d.ws_url("overlay"), stream)
        .await
        .unwrap();
    let mut slow = WsClient::from_stream(ws);
    slow.next().await;
    // Far more frames than its queue and socket hold arrive while it is not reading.
    let n = 800;
    let c = http();
    let url = d.url(&format!("/api/widgets/{wid}/execute"));
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let (c, url) = (c.clone(), url.clone());
        tasks.push(tokio::spawn(async move {
            for _ in 0..n / 4 {
                c.post(&url)
                    .json(&json!({"feature": "increment_deaths"}))
                    .send()
                    .await
                    .unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    // Reading again: a snapshot replaces the dropped backlog, seq stays gap-free (checked
    // by `next`), and the final state is right.
    let mut saw_snapshot = false;
    loop {
        let f = slow.next().await;
        let value = if f["type"] == "snapshot" {
            saw_snapshot = true;
            element_named(&f, "death_count").unwrap()["properties"]["value"]
                .as_u64()
                .unwrap()
        } else {
            f["element"]["properties"]["value"].as_u64().unwrap_or(0)
        };
        if value == n {
            break;
        }
    }
    assert!(saw_snapshot, "the lagging client was resynchronized");
    assert!(
        slow.last_seq < n,
        "it did not get the whole backlog ({} frames)",
        slow.last_seq
    );
}
