//! Media benchmark (release daemon, loopback): a 100 MB upload (time, daemon peak RSS growth:
//! streamed, so it must stay small), and 4 concurrent range readers of a 100 MB video (MB/s)
//! with the execute → overlay-frame latency measured at the same time and without them.

mod common;

use common::{Daemon, ms, pct, post, proc_usage};
use futures_util::StreamExt;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

const SIZE: usize = 100 * 1024 * 1024;

fn video() -> Vec<u8> {
    let mut v = Vec::with_capacity(SIZE);
    v.extend_from_slice(&20u32.to_be_bytes());
    v.extend_from_slice(b"ftypisom\0\0\0\0isom");
    let body = (SIZE - 28) as u32;
    v.extend_from_slice(&(body + 8).to_be_bytes());
    v.extend_from_slice(b"mdat");
    let mut x: u32 = 1;
    while v.len() < SIZE {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        v.extend_from_slice(&x.to_le_bytes());
    }
    v.truncate(SIZE);
    v
}

/// execute → frame latencies of `n` sequential executions at one overlay client.
async fn latencies(c: &reqwest::Client, d: &Daemon, wid: u64, n: usize) -> Vec<Duration> {
    let (mut ws, _) = tokio_tungstenite::connect_async(d.ws_url())
        .await
        .expect("ws");
    ws.next().await; // snapshot
    let url = format!("{}/api/widgets/{wid}/execute", d.base);
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let t0 = Instant::now();
        post(c, url.clone(), json!({"feature": "increment_deaths"})).await;
        loop {
            let Some(Ok(m)) = ws.next().await else {
                panic!("ws closed")
            };
            if let tokio_tungstenite::tungstenite::Message::Binary(b) = m {
                let v: Value = rmp_serde::from_slice(&b).expect("frame");
                if v["type"] == "element_update" {
                    break;
                }
            }
        }
        out.push(t0.elapsed());
    }
    out.sort();
    out
}

#[tokio::main]
async fn main() {
    let c = reqwest::Client::new();
    println!("stagehand media benchmark (release daemon, loopback, this machine)\n");
    let dir = tempfile::tempdir().expect("tmp");
    let d = Daemon::start(
        dir.path(),
        &[("STAGEHAND__STORAGE__MAX_UPLOAD_MB", "200".into())],
    );
    let pid = d.child.id();
    let bytes = video();

    // 1. Upload: time and the daemon's peak RSS while it streams the file to disk.
    let (_, base_rss) = proc_usage(pid);
    let peak = Arc::new(AtomicU64::new(base_rss));
    let sampling = Arc::new(AtomicBool::new(true));
    let sampler = {
        let (peak, sampling) = (peak.clone(), sampling.clone());
        std::thread::spawn(move || {
            while sampling.load(Ordering::Relaxed) {
                let (_, rss) = proc_usage(pid);
                peak.fetch_max(rss, Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(2));
            }
        })
    };
    let part = reqwest::multipart::Part::bytes(bytes.clone()).file_name("big.mp4");
    let form = reqwest::multipart::Form::new().part("file", part);
    let t0 = Instant::now();
    let r = c
        .post(format!("{}/api/media", d.base))
        .multipart(form)
        .send()
        .await
        .expect("upload");
    let status = r.status();
    let m: Value = r.json().await.expect("json");
    let took = t0.elapsed();
    sampling.store(false, Ordering::Relaxed);
    let _ = sampler.join();
    assert!(status.is_success(), "{status} {m}");
    let growth = peak.load(Ordering::Relaxed).saturating_sub(base_rss);
    println!(
        "upload of 100 MiB: {} ({:.0} MB/s)",
        ms(took),
        SIZE as f64 / 1e6 / took.as_secs_f64()
    );
    println!(
        "  daemon RSS: {:.1} MiB before, peak growth {:.1} MiB (goal < 10)\n",
        base_rss as f64 / 1024.0,
        growth as f64 / 1024.0
    );

    // 2. Range serving to 4 readers, with execute → frame latency at the same time.
    let dash = post(
        &c,
        format!("{}/api/dashboards", d.base),
        json!({"name": "Bench"}),
    )
    .await;
    let did = dash["id"].as_u64().expect("id");
    post(
        &c,
        format!("{}/api/dashboards/{did}/activate", d.base),
        json!({}),
    )
    .await;
    let w = post(
        &c,
        format!("{}/api/widgets", d.base),
        json!({"widget_class": "DeathCounterWidget", "name": "Deaths", "dashboard_ids": [did]}),
    )
    .await;
    let wid = w["id"].as_u64().expect("id");
    let quiet = latencies(&c, &d, wid, 300).await;

    let url = format!("{}{}", d.base, m["url"].as_str().expect("url"));
    let (flat_out, flat_secs, busy) = with_readers(&c, &d, wid, &url, None).await;
    // What OBS pulls while playing: a 32 Mbit/s clip per reader (4 MB/s), 1 MiB ranges.
    let (paced_out, paced_secs, paced) = with_readers(&c, &d, wid, &url, Some(4e6)).await;
    println!(
        "4 concurrent range readers of a 100 MiB video (1 MiB ranges), as fast as they can: {:.0} MB/s total over {:.1} s",
        flat_out as f64 / 1e6 / flat_secs,
        flat_secs
    );
    println!(
        "4 readers paced like playing clips (4 MB/s each): {:.1} MB/s total over {:.1} s",
        paced_out as f64 / 1e6 / paced_secs,
        paced_secs
    );
    println!("execute → overlay frame, 300 executions each:");
    for (what, l) in [
        ("without readers:        ", &quiet),
        ("with 4 flat-out readers:", &busy),
        ("with 4 playing readers: ", &paced),
    ] {
        println!(
            "  {what} p50 {}   p99 {}",
            ms(pct(l, 0.5)),
            ms(pct(l, 0.99))
        );
    }
}

/// Runs 4 range readers (each walking the file in 1 MiB ranges from its own offset, like a
/// seeking player; `pace` caps each one's bytes/s) while 300 executes are timed. Returns the
/// bytes read, the seconds it took and the execute → frame latencies.
async fn with_readers(
    c: &reqwest::Client,
    d: &Daemon,
    wid: u64,
    url: &str,
    pace: Option<f64>,
) -> (u64, f64, Vec<Duration>) {
    let serving = Arc::new(AtomicBool::new(true));
    let total = Arc::new(AtomicU64::new(0));
    let t0 = Instant::now();
    let mut readers = Vec::new();
    for r in 0..4u64 {
        let (c, url, serving, total) = (c.clone(), url.to_string(), serving.clone(), total.clone());
        readers.push(tokio::spawn(async move {
            let chunk = 1024 * 1024u64;
            let mut at = r * 25 * chunk;
            let started = Instant::now();
            let mut read = 0u64;
            while serving.load(Ordering::Relaxed) {
                let end = (at + chunk - 1).min(SIZE as u64 - 1);
                let resp = c
                    .get(&url)
                    .header("range", format!("bytes={at}-{end}"))
                    .send()
                    .await
                    .expect("range");
                assert_eq!(resp.status(), 206);
                let b = resp.bytes().await.expect("body");
                read += b.len() as u64;
                total.fetch_add(b.len() as u64, Ordering::Relaxed);
                at = if end + 1 >= SIZE as u64 { 0 } else { end + 1 };
                if let Some(rate) = pace {
                    let due = Duration::from_secs_f64(read as f64 / rate);
                    if let Some(wait) = due.checked_sub(started.elapsed()) {
                        tokio::time::sleep(wait).await;
                    }
                }
            }
        }));
    }
    let lat = latencies(c, d, wid, 300).await;
    serving.store(false, Ordering::Relaxed);
    for r in readers {
        let _ = r.await;
    }
    (
        total.load(Ordering::Relaxed),
        t0.elapsed().as_secs_f64(),
        lat,
    )
}
