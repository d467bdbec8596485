//! Alert figure against the release daemon and the fake Twitch IRC server:
//!   cargo bench --bench alerts
//! A sub written by the fake server → the alert's headline visible in the overlay's frames,
//! with the queue empty each time (200 alerts; each waits for the previous one's gap).

#[path = "common/mod.rs"]
mod common;

use common::{Daemon, active_dashboard, post, report};
use futures_util::StreamExt;
use serde_json::{Value, json};
use stagehand_twitch::fake::{FakeTwitchServer, FakeUser};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn next_frame(ws: &mut Ws) -> Value {
    loop {
        if let Some(Ok(Message::Binary(b))) =
            tokio::time::timeout(Duration::from_secs(10), ws.next())
                .await
                .expect("frame")
        {
            return rmp_serde::from_slice(&b).unwrap();
        }
    }
}

#[tokio::main]
async fn main() {
    println!("stagehand alert benchmark (release daemon, fake Twitch IRC over loopback)\n");
    let irc = FakeTwitchServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let d = Daemon::start(
        dir.path(),
        &[
            ("STAGEHAND__TWITCH__ENABLED", "true".into()),
            ("STAGEHAND__TWITCH__CHANNEL", "bench".into()),
            ("STAGEHAND__TWITCH__IRC_ADDR", irc.addr().to_string()),
        ],
    );
    let c = reqwest::Client::new();
    let dash = active_dashboard(&c, &d.base, "Bench").await;
    let alert = post(
        &c,
        format!("{}/api/widgets", d.base),
        json!({"widget_class": "SubscriberAlertWidget", "name": "Subs", "dashboard_ids": [dash],
            "widget_parameters": {"variations": "amount >= 0: duration 0.1"}}),
    )
    .await["id"]
        .as_u64()
        .unwrap();
    post(
        &c,
        format!("{}/api/event-bindings", d.base),
        json!({"event": "sub", "widget_id": alert, "feature": "trigger_sub",
            "parameters": {"subscriber_name": "{user}", "months": "{months}"}}),
    )
    .await;
    irc.wait_for_join("bench").await;
    let (mut ws, _) = tokio_tungstenite::connect_async(d.ws_url()).await.unwrap();
    ws.next().await;
    let headline = |f: &Value, visible: bool| {
        f["element"]["widget_id"] == alert
            && f["element"]["name"] == "headline"
            && f["element"]["visible"] == visible
    };
    let mut samples = Vec::new();
    for i in 0..200u32 {
        let name = format!("sub{i}");
        let t0 = Instant::now();
        irc.sub(&FakeUser::new(&name), "1000");
        while !headline(&next_frame(&mut ws).await, true) {}
        samples.push(t0.elapsed());
        while !headline(&next_frame(&mut ws).await, false) {}
        // The queue's gap after an alert, so the next one finds it empty.
        tokio::time::sleep(Duration::from_millis(450)).await;
    }
    report(
        "sub written by the fake IRC server → alert headline visible in the overlay's frames (queue empty)",
        samples,
    );
}
