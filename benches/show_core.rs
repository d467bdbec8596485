//! Figures for the show core, against the release daemon over real sockets:
//!   cargo bench --bench show_core
//! Prints: execute→overlay-frame latency (10 clients), sustained executions/s (50 clients),
//! start-up time and idle RSS with 1,000 widgets, and MessagePack vs JSON frame sizes.

#[path = "common/mod.rs"]
mod common;

use common::{Daemon, ms, pct, post};
use futures_util::StreamExt;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

async fn overlay_client(
    url: String,
    tx: mpsc::UnboundedSender<(u64, Instant)>,
    in_order: Arc<AtomicBool>,
    ready: mpsc::UnboundedSender<()>,
) {
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.expect("ws");
    let mut last_seq = 0u64;
    let mut last_value = 0u64;
    while let Some(Ok(msg)) = ws.next().await {
        let Message::Binary(b) = msg else { continue };
        let now = Instant::now();
        let v: Value = rmp_serde::from_slice(&b).expect("frame");
        let seq = v["seq"].as_u64().unwrap_or(0);
        if seq != last_seq + 1 || v["type"] == "snapshot" && seq != 1 {
            in_order.store(false, Ordering::Relaxed);
        }
        last_seq = seq;
        if v["type"] == "snapshot" {
            let _ = ready.send(());
        }
        if v["type"] == "element_update"
            && let Some(value) = v["element"]["properties"]["value"].as_u64()
        {
            if value <= last_value {
                in_order.store(false, Ordering::Relaxed);
            }
            last_value = value;
            if tx.send((value, now)).is_err() {
                return;
            }
        }
    }
}

async fn setup(c: &reqwest::Client, base: &str) -> u64 {
    let dash = post(
        c,
        format!("{base}/api/dashboards"),
        json!({"name": "Bench"}),
    )
    .await;
    let did = dash["id"].as_u64().expect("id");
    post(
        c,
        format!("{base}/api/dashboards/{did}/activate"),
        json!({}),
    )
    .await;
    let w = post(
        c,
        format!("{base}/api/widgets"),
        json!({"widget_class": "DeathCounterWidget", "name": "Deaths", "dashboard_ids": [did]}),
    )
    .await;
    w["id"].as_u64().expect("id")
}

async fn connect_clients(
    d: &Daemon,
    n: usize,
) -> (mpsc::UnboundedReceiver<(u64, Instant)>, Arc<AtomicBool>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let (ready_tx, mut ready_rx) = mpsc::unbounded_channel();
    let in_order = Arc::new(AtomicBool::new(true));
    for _ in 0..n {
        let url = format!("ws://{}/ws?client_type=overlay", d.addr);
        tokio::spawn(overlay_client(
            url,
            tx.clone(),
            in_order.clone(),
            ready_tx.clone(),
        ));
    }
    for _ in 0..n {
        ready_rx.recv().await;
    }
    (rx, in_order)
}

#[tokio::main]
async fn main() {
    let c = reqwest::Client::new();
    println!("stagehand show-core benchmark (release daemon, loopback, this machine)\n");

    // 1. Latency: execute (HTTP) → frame at each of 10 overlay clients, 2,000 sequential executions.
    {
        let dir = tempfile::tempdir().unwrap();
        let d = Daemon::start(dir.path(), &[]);
        let wid = setup(&c, &d.base).await;
        let (mut rx, in_order) = connect_clients(&d, 10).await;
        let url = format!("{}/api/widgets/{wid}/execute", d.base);
        let body = json!({"feature": "increment_deaths"});
        let (mut frame_lat, mut http_lat) = (Vec::new(), Vec::new());
        for i in 1..=2000u64 {
            let t0 = Instant::now();
            post(&c, url.clone(), body.clone()).await;
            http_lat.push(t0.elapsed());
            let mut got = 0;
            while got < 10 {
                let (value, at) = rx.recv().await.expect("frame");
                if value == i {
                    frame_lat.push(at.saturating_duration_since(t0));
                    got += 1;
                }
            }
        }
        frame_lat.sort();
        http_lat.sort();
        println!(
            "execute → overlay frame, 2,000 executions × 10 clients ({} samples):",
            frame_lat.len()
        );
        println!(
            "  p50 {}   p99 {}   max {}",
            ms(pct(&frame_lat, 0.5)),
            ms(pct(&frame_lat, 0.99)),
            ms(pct(&frame_lat, 1.0))
        );
        println!(
            "  (HTTP round trip alone: p50 {}   p99 {})",
            ms(pct(&http_lat, 0.5)),
            ms(pct(&http_lat, 0.99))
        );
        println!(
            "  all frames in order, gap-free seq: {}\n",
            in_order.load(Ordering::Relaxed)
        );
    }

    // 2. Throughput: concurrent executions with 50 overlay clients, all frames in order.
    {
        let dir = tempfile::tempdir().unwrap();
        let d = Daemon::start(dir.path(), &[]);
        let wid = setup(&c, &d.base).await;
        let (mut rx, in_order) = connect_clients(&d, 50).await;
        let url = format!("{}/api/widgets/{wid}/execute", d.base);
        let total = 10_000u64;
        let workers = 32u64;
        let t0 = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..workers {
            let (c, url) = (c.clone(), url.clone());
            tasks.push(tokio::spawn(async move {
                for _ in 0..total / workers {
                    post(&c, url.clone(), json!({"feature": "increment_deaths"})).await;
                }
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        let elapsed = t0.elapsed();
        let done = total / workers * workers;
        // Every client must reach the final value.
        let mut finished = 0;
        while finished < 50 {
            let (value, _) = rx.recv().await.expect("frame");
            if value == done {
                finished += 1;
            }
        }
        let delivered = t0.elapsed();
        println!(
            "sustained executions with 50 overlay clients ({workers} concurrent HTTP callers):"
        );
        println!(
            "  {done} executions in {:.2} s = {:.0} executions/s (each acknowledged after its durable group commit)",
            elapsed.as_secs_f64(),
            done as f64 / elapsed.as_secs_f64()
        );
        println!(
            "  {} frames delivered to 50 clients within {:.2} s; in order, gap-free: {}",
            done * 50,
            delivered.as_secs_f64(),
            in_order.load(Ordering::Relaxed)
        );
        let status: Value = c
            .get(format!("{}/api/status", d.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if let Some(e) = status.get("engine") {
            println!(
                "  group commit: {} commands in {} commits\n",
                e["commands"], e["commits"]
            );
        } else {
            println!();
        }
    }

    // 3. 1,000 widgets stored: start-up time and idle RSS.
    {
        let dir = tempfile::tempdir().unwrap();
        let d = Daemon::start(dir.path(), &[]);
        let dash = post(
            &c,
            format!("{}/api/dashboards", d.base),
            json!({"name": "Many"}),
        )
        .await;
        let did = dash["id"].as_u64().unwrap();
        let classes = [
            "ConfettiAlertWidget",
            "DonationGoalWidget",
            "DeathCounterWidget",
        ];
        for i in 0..1000 {
            let on = if i < 20 { json!([did]) } else { json!([]) };
            let body = json!({"widget_class": classes[i % 3], "name": format!("W{i}"), "dashboard_ids": on});
            post(&c, format!("{}/api/widgets", d.base), body).await;
        }
        post(
            &c,
            format!("{}/api/dashboards/{did}/activate", d.base),
            json!({}),
        )
        .await;
        let addr = d.addr.clone();
        drop(d);
        let mut startups = Vec::new();
        let mut rss_kib = 0;
        for _ in 0..5 {
            let d = Daemon::start(dir.path(), &[("STAGEHAND__SERVER__BIND", addr.clone())]);
            let startup = d.startup;
            startups.push(startup);
            tokio::time::sleep(Duration::from_millis(500)).await;
            let status = std::fs::read_to_string(format!("/proc/{}/status", d.child.id()))
                .unwrap_or_default();
            rss_kib = status
                .lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0);
        }
        startups.sort();
        println!("1,000 widgets (2,667 elements) stored:");
        println!(
            "  start-up to first accepted connection: median {} (min {}, max {}) over 5 starts",
            ms(startups[2]),
            ms(startups[0]),
            ms(startups[4])
        );
        println!("  idle RSS: {:.1} MiB\n", rss_kib as f64 / 1024.0);
    }

    // 4. Frame sizes: MessagePack as sent vs the same message as JSON.
    {
        let dir = tempfile::tempdir().unwrap();
        let d = Daemon::start(dir.path(), &[]);
        let wid = setup(&c, &d.base).await;
        let confetti = post(
            &c,
            format!("{}/api/widgets", d.base),
            json!({"widget_class": "ConfettiAlertWidget", "name": "Boom", "dashboard_ids": [1]}),
        )
        .await;
        let cid = confetti["id"].as_u64().unwrap();
        let (mut ws, _) =
            tokio_tungstenite::connect_async(format!("ws://{}/ws?client_type=overlay", d.addr))
                .await
                .unwrap();
        ws.next().await;
        post(
            &c,
            format!("{}/api/widgets/{wid}/execute", d.base),
            json!({"feature": "increment_deaths"}),
        )
        .await;
        post(
            &c,
            format!("{}/api/widgets/{cid}/execute", d.base),
            json!({"feature": "trigger_blast", "parameters": {"intensity": "High"}}),
        )
        .await;
        println!(
            "bytes per element_update frame (MessagePack as sent vs the same message as JSON):"
        );
        let mut seen = 0;
        while seen < 4 {
            let Some(Ok(Message::Binary(b))) = ws.next().await else {
                continue;
            };
            let v: Value = rmp_serde::from_slice(&b).unwrap();
            if v["type"] != "element_update" {
                continue;
            }
            let json_len = serde_json::to_vec(&v).unwrap().len();
            println!(
                "  {:<18} {:>5} B msgpack  {:>5} B json  ({:.0}% of JSON)",
                v["element"]["name"].as_str().unwrap_or("?"),
                b.len(),
                json_len,
                b.len() as f64 * 100.0 / json_len as f64
            );
            seen += 1;
        }
    }
}
