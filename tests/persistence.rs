//! Durability: SIGKILL mid-burst loses nothing acknowledged and half-writes nothing;
//! follow-ups survive a restart; SIGTERM shuts down cleanly.

mod support;

use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use support::{Daemon, WsClient, call, element_named, execute, http, setup_widget};

#[tokio::test]
async fn sigkill_mid_burst_keeps_every_acknowledged_change() {
    let mut d = Daemon::start();
    let (did, w) = setup_widget(&d, "DeathCounterWidget", json!({})).await;
    let wid = w["id"].as_u64().unwrap();
    let c = http();
    let url = d.url(&format!("/api/widgets/{wid}/execute"));
    let acked = Arc::new(AtomicU64::new(0));
    let sent = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (c, url, acked, sent) = (c.clone(), url.clone(), acked.clone(), sent.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                sent.fetch_add(1, Ordering::SeqCst);
                match c
                    .post(&url)
                    .json(&json!({"feature": "increment_deaths"}))
                    .send()
                    .await
                {
                    Ok(r) if r.status() == 200 => {
                        acked.fetch_add(1, Ordering::SeqCst);
                    }
                    _ => break,
                }
            }
        }));
    }
    // Kill in the middle of the burst.
    while acked.load(Ordering::SeqCst) < 300 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    d.kill();
    for t in tasks {
        let _ = t.await;
    }
    let (acked, sent) = (acked.load(Ordering::SeqCst), sent.load(Ordering::SeqCst));

    d.spawn();
    let (s, w) = call(&c, "GET", &d.url(&format!("/api/widgets/{wid}")), None).await;
    assert_eq!(s, 200, "{w}");
    let value = w["elements"][0]["properties"]["value"].as_u64().unwrap();
    let state = w["state"]["count"].as_u64().unwrap();
    assert!(
        value >= acked,
        "every acknowledged increment survived: {value} < {acked}"
    );
    assert!(value <= sent, "nothing invented: {value} > {sent}");
    assert_eq!(
        value, state,
        "element and widget state were written in one transaction"
    );
    // The rest of the setup is intact and the daemon keeps working.
    let (_, dash) = call(&c, "GET", &d.url(&format!("/api/dashboards/{did}")), None).await;
    assert_eq!(dash["active"], true);
    let (s, r) = execute(&d, wid, "increment_deaths", json!({})).await;
    assert_eq!(s, 200);
    assert_eq!(r["elements"][0]["properties"]["value"], value + 1);
}

#[tokio::test]
async fn follow_ups_survive_a_restart() {
    let mut d = Daemon::start();
    let (_, w) = setup_widget(&d, "ConfettiAlertWidget", json!({"blast_duration": 4})).await;
    let wid = w["id"].as_u64().unwrap();
    execute(&d, wid, "trigger_blast", json!({"intensity": "Low"})).await;
    d.kill();
    d.spawn();
    let mut ws = WsClient::connect(&d.ws_url("overlay")).await;
    let snap = ws.next().await;
    assert_eq!(
        element_named(&snap, "confetti_burst").unwrap()["visible"],
        true,
        "still mid-blast after restart"
    );
    // The stored follow-up still ends the blast.
    let f = ws
        .until(|f| element_named(f, "confetti_burst").is_some())
        .await;
    assert_eq!(f["action"], "hide");
}

#[tokio::test]
async fn overdue_follow_ups_fire_at_start_up() {
    let mut d = Daemon::start();
    let (_, w) = setup_widget(&d, "ConfettiAlertWidget", json!({"blast_duration": 0.5})).await;
    let wid = w["id"].as_u64().unwrap();
    execute(&d, wid, "trigger_blast", json!({"intensity": "Low"})).await;
    d.kill();
    std::thread::sleep(std::time::Duration::from_millis(600));
    d.spawn();
    let c = http();
    // Poll until the overdue hide has been applied (it runs right after start-up).
    for _ in 0..200 {
        let (_, w) = call(&c, "GET", &d.url(&format!("/api/widgets/{wid}")), None).await;
        if w["elements"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["visible"] == false)
        {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("the overdue follow-up never ran");
}

#[tokio::test]
async fn sigterm_closes_sockets_and_exits_cleanly() {
    let mut d = Daemon::start();
    let (_, w) = setup_widget(&d, "DeathCounterWidget", json!({})).await;
    let mut ws = WsClient::connect(&d.ws_url("overlay")).await;
    ws.next().await;
    execute(&d, w["id"].as_u64().unwrap(), "increment_deaths", json!({})).await;
    assert_eq!(d.stop(), Some(0));
    assert!(d.log().contains("bye"), "{}", d.log());
    d.spawn();
    let (_, w) = call(
        &http(),
        "GET",
        &d.url(&format!("/api/widgets/{}", w["id"])),
        None,
    )
    .await;
    assert_eq!(w["elements"][0]["properties"]["value"], 1);
}
