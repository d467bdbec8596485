//! Event log figures against the release daemon:
//!   cargo bench --bench events
//! With 100,000 events stored (90 days of a busy channel): start-up time and RSS, reading the
//! newest page, a rare kind and the last day, the CSV export of all of them; then an event
//! posted → the event list's new row in the overlay's frames, and how many events per second
//! 8 clients get logged.

#[path = "common/mod.rs"]
mod common;

use common::{Daemon, active_dashboard, frame_until, ms, post, proc_usage, report, widget};
use futures_util::StreamExt;
use serde_json::json;
use stagehand::model::{EventKind, EventSource, Kind, LoggedEvent, NewEvent, now_ms};
use stagehand::store::{Store, Write};
use std::time::Instant;

const STORED: u64 = 100_000;

fn seed(dir: &std::path::Path) {
    let store = Store::open(&dir.join("data")).expect("store");
    let now = now_ms();
    let span = 90 * 86_400_000u64;
    let kinds = [
        EventKind::Follow,
        EventKind::Cheer,
        EventKind::Sub,
        EventKind::Resub,
        EventKind::GiftSub,
        EventKind::Raid,
    ];
    for batch in 0..STORED / 10_000 {
        let writes: Vec<Write> = (batch * 10_000 + 1..=(batch + 1) * 10_000)
            .map(|id| {
                // Every 1,000th is a donation: the rare kind a filtered read scans for.
                let kind = if id % 1000 == 0 {
                    EventKind::Donation
                } else {
                    kinds[(id % 6) as usize]
                };
                Write::Event(LoggedEvent {
                    id,
                    at_ms: now - span + id * (span / STORED),
                    event: NewEvent {
                        kind,
                        user: format!("Viewer{id}"),
                        login: format!("viewer{id}"),
                        amount: (id % 500) as f64,
                        currency: String::new(),
                        message: "gg, that was close!".into(),
                        detail: String::new(),
                        source: EventSource::TwitchChat,
                    },
                })
            })
            .collect();
        store.commit(&writes).expect("commit");
    }
    store
        .commit(&[Write::Counter(Kind::Event, STORED + 1)])
        .expect("counter");
}

async fn time_get(c: &reqwest::Client, url: &str, n: usize) -> Vec<std::time::Duration> {
    let mut v = Vec::with_capacity(n);
    for _ in 0..n {
        let t0 = Instant::now();
        let r = c.get(url).send().await.expect("get");
        assert!(r.status().is_success());
        r.bytes().await.expect("body");
        v.push(t0.elapsed());
    }
    v
}

#[tokio::main]
async fn main() {
    println!("stagehand event log benchmark (release daemon)\n");
    let dir = tempfile::tempdir().unwrap();
    let t0 = Instant::now();
    seed(dir.path());
    println!(
        "{STORED} events written to the data file in {}",
        ms(t0.elapsed())
    );
    let d = Daemon::start(dir.path(), &[]);
    let (_, rss) = proc_usage(d.child.id());
    println!(
        "start-up with {STORED} events stored: {} (spawn → first connection); RSS {} MiB",
        ms(d.startup),
        rss / 1024
    );
    let c = reqwest::Client::new();
    let api = |q: &str| format!("{}/api/events{q}", d.base);
    report(
        "GET /api/events (the newest 100)",
        time_get(&c, &api(""), 200).await,
    );
    report(
        "GET /api/events?kind=donation&limit=50 (1 in 1,000: scans 50,000)",
        time_get(&c, &api("?kind=donation&limit=50"), 50).await,
    );
    report(
        "GET /api/events?since=1d&limit=1000",
        time_get(&c, &api("?since=1d&limit=1000"), 50).await,
    );
    let t0 = Instant::now();
    let csv = c
        .get(api("?format=csv"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    println!(
        "CSV export of all {STORED} events: {} ({:.1} MiB)",
        ms(t0.elapsed()),
        csv.len() as f64 / 1_048_576.0
    );

    // Widgets that look back: created with the whole log behind them.
    let dash = active_dashboard(&c, &d.base, "Bench").await;
    let t0 = Instant::now();
    widget(&c, &d.base, dash, "TopSupporterWidget", "Top").await;
    println!(
        "TopSupporterWidget added with {STORED} events in the log (its boards folded from all of them): {}",
        ms(t0.elapsed())
    );
    let t0 = Instant::now();
    let list = widget(&c, &d.base, dash, "EventListWidget", "Recent").await;
    println!(
        "EventListWidget added (folds the newest 2,000): {}",
        ms(t0.elapsed())
    );

    // Posted → the event list's newest row in the overlay's frames.
    let (mut ws, _) = tokio_tungstenite::connect_async(d.ws_url()).await.unwrap();
    ws.next().await;
    let mut samples = Vec::new();
    for i in 0..200u32 {
        let user = format!("fan{i}");
        let t0 = Instant::now();
        post(
            &c,
            api(""),
            json!({"kind": "cheer", "user": user, "amount": 100}),
        )
        .await;
        frame_until(&mut ws, |f| {
            f["element"]["widget_id"] == list && f["element"]["properties"]["text"] == user.as_str()
        })
        .await;
        samples.push(t0.elapsed());
    }
    report(
        "POST /api/events → the event list's new row in the overlay's frames",
        samples,
    );
    drop(ws);

    let t0 = Instant::now();
    let mut tasks = Vec::new();
    for client in 0..8u32 {
        let (c, url) = (c.clone(), api(""));
        tasks.push(tokio::spawn(async move {
            for i in 0..1000u32 {
                post(
                    &c,
                    url.clone(),
                    json!({"kind": "follow", "user": format!("f{client}_{i}")}),
                )
                .await;
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let took = t0.elapsed();
    let (_, rss) = proc_usage(d.child.id());
    println!(
        "8,000 events posted by 8 clients (each logged, fed to the event list, audited): {} ({:.0}/s); RSS {} MiB",
        ms(took),
        8000.0 / took.as_secs_f64(),
        rss / 1024
    );
}
