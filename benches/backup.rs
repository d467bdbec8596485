//! Backup figures: a store with 1,000 widgets while 500 executes/s run:
//!   cargo bench --bench backup
//! the time of each backup (taken on the engine thread between two commits) and the
//! execute latency p99 during backups against the p99 of the same run without them.

#[path = "common/mod.rs"]
mod common;

use common::{Daemon, ms, pct, post, report};
use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[tokio::main]
async fn main() {
    println!("stagehand backup benchmark (release daemon, 1,000 widgets, 500 executes/s)\n");
    let c = reqwest::Client::new();
    let dir = tempfile::tempdir().unwrap();
    let d = Daemon::start(dir.path(), &[]);
    let did = post(
        &c,
        format!("{}/api/dashboards", d.base),
        json!({"name": "Many"}),
    )
    .await["id"]
        .as_u64()
        .unwrap();
    let classes = [
        "ConfettiAlertWidget",
        "DonationGoalWidget",
        "DeathCounterWidget",
    ];
    let mut target = 0;
    for i in 0..1000 {
        let on = if i < 20 { json!([did]) } else { json!([]) };
        let body =
            json!({"widget_class": classes[i % 3], "name": format!("W{i}"), "dashboard_ids": on});
        let w = post(&c, format!("{}/api/widgets", d.base), body).await;
        if i == 2 {
            target = w["id"].as_u64().unwrap();
        }
    }
    post(
        &c,
        format!("{}/api/dashboards/{did}/activate", d.base),
        json!({}),
    )
    .await;
    let size = std::fs::metadata(dir.path().join("data/stagehand.redb")).map_or(0, |m| m.len());
    println!("data file: {:.1} MiB", size as f64 / 1048576.0);

    // (start, latency, backup running?) of every execute.
    let samples = Arc::new(Mutex::new(Vec::<(Duration, bool)>::new()));
    let backing_up = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut load = Vec::new();
    // 5 callers × 100 executes/s each.
    for _ in 0..5 {
        let (c, base, samples, backing_up, stop) = (
            c.clone(),
            d.base.clone(),
            samples.clone(),
            backing_up.clone(),
            stop.clone(),
        );
        load.push(tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_millis(10));
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                tick.tick().await;
                let during = backing_up.load(std::sync::atomic::Ordering::Relaxed);
                let t0 = Instant::now();
                let r = c
                    .post(format!("{base}/api/widgets/{target}/execute"))
                    .json(&json!({"feature": "increment_deaths"}))
                    .send()
                    .await;
                if matches!(r, Ok(r) if r.status() == 200) {
                    let during = during || backing_up.load(std::sync::atomic::Ordering::Relaxed);
                    samples.lock().unwrap().push((t0.elapsed(), during));
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mut times = Vec::new();
    for _ in 0..10 {
        backing_up.store(true, std::sync::atomic::Ordering::Relaxed);
        let t0 = Instant::now();
        let r = c
            .post(format!("{}/api/backups", d.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        times.push(t0.elapsed());
        tokio::time::sleep(Duration::from_millis(20)).await;
        backing_up.store(false, std::sync::atomic::Ordering::Relaxed);
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for l in load {
        let _ = l.await;
    }
    times.sort();
    println!(
        "backup (HTTP round trip, 10 backups): p50 {}   max {}",
        ms(pct(&times, 0.5)),
        ms(pct(&times, 1.0))
    );
    let all = samples.lock().unwrap().clone();
    let during: Vec<Duration> = all.iter().filter(|s| s.1).map(|s| s.0).collect();
    let outside: Vec<Duration> = all.iter().filter(|s| !s.1).map(|s| s.0).collect();
    report("execute during backups", during);
    report("execute without backups", outside);
}
