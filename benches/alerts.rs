//! Alert figure against the release daemon and the fake Twitch IRC server:
//!   cargo bench --bench alerts
//! A sub written by the fake server → the alert's headline visible in the overlay's frames,
//! with the queue empty each time (200 alerts; each waits for the previous one's gap); then
//! 10,000 alerts queued (paused): the time to queue them, the daemon's RSS with them, and
//! its start-up time with them stored.

#[path = "common/mod.rs"]
mod common;

use common::{Daemon, active_dashboard, frame_until, ms, post, proc_usage, report};
use futures_util::StreamExt;
use serde_json::{Value, json};
use stagehand_twitch::fake::{FakeTwitchServer, FakeUser};
use std::time::{Duration, Instant};

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
        frame_until(&mut ws, |f| headline(f, true)).await;
        samples.push(t0.elapsed());
        frame_until(&mut ws, |f| headline(f, false)).await;
        // The queue's gap after an alert, so the next one finds it empty.
        tokio::time::sleep(Duration::from_millis(450)).await;
    }
    report(
        "sub written by the fake IRC server → alert headline visible in the overlay's frames (queue empty)",
        samples,
    );
    drop(ws);

    // 10,000 alerts waiting in a paused queue, queued by 8 clients at once.
    post(
        &c,
        format!("{}/api/alerts/queues/main/pause", d.base),
        json!(null),
    )
    .await;
    let (_, rss_before) = proc_usage(d.child.id());
    let t0 = Instant::now();
    let mut tasks = Vec::new();
    for client in 0..8u32 {
        let (c, url) = (c.clone(), format!("{}/api/widgets/{alert}/execute", d.base));
        tasks.push(tokio::spawn(async move {
            for i in 0..1250u32 {
                let name = format!("queued{client}_{i}");
                post(&c, url.clone(), json!({"feature": "trigger_sub", "parameters": {"subscriber_name": name, "months": 3}})).await;
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let enqueue = t0.elapsed();
    let (_, rss_after) = proc_usage(d.child.id());
    let view: Value = c
        .get(format!("{}/api/alerts", d.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let waiting = view["queues"]["main"]["waiting"]
        .as_array()
        .map_or(0, Vec::len);
    assert_eq!(waiting, 10_000);
    println!(
        "10,000 alerts queued by 8 clients in {} ({:.0}/s); daemon RSS {} MiB → {} MiB",
        ms(enqueue),
        10_000.0 / enqueue.as_secs_f64(),
        rss_before / 1024,
        rss_after / 1024
    );
    drop(d);
    let again = Daemon::start(
        dir.path(),
        &[("STAGEHAND__TWITCH__ENABLED", "false".into())],
    );
    let view: Value = c
        .get(format!("{}/api/alerts", again.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        view["queues"]["main"]["waiting"]
            .as_array()
            .map_or(0, Vec::len),
        10_000
    );
    assert_eq!(view["queues"]["main"]["paused"], true);
    let (_, rss) = proc_usage(again.child.id());
    println!(
        "start-up with 10,000 alerts stored (after a SIGKILL): {} (spawn → first connection); RSS {} MiB",
        ms(again.startup),
        rss / 1024
    );
}
