//! OBS figures against a real OBS 30.2 (chroot, see tests/obs/rootfs.sh) and the release daemon:
//!   cargo bench --bench obs_sync
//! activate (HTTP) → CurrentProgramSceneChanged seen by a second client; OBS scene change →
//! overlay dashboard_activated frame; OBS start → daemon reconnected.

#[path = "common/mod.rs"]
mod common;

use common::{Daemon, post, report};
use futures_util::StreamExt;
use serde_json::{Value, json};
use stagehand_obs::testing::{ObsProcess, free_port, wait_state};
use stagehand_obs::{ObsHandle, ObsSettings, ObsState};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;

const PASSWORD: &str = "bench-pw";

/// The daemon, connected to the OBS on `obs_port` with the given backoff cap.
fn start(dir: &std::path::Path, obs_port: u16, reconnect_max_s: &str) -> Daemon {
    Daemon::start(
        dir,
        &[
            ("STAGEHAND__OBS__ENABLED", "true".into()),
            ("STAGEHAND__OBS__PORT", obs_port.to_string()),
            ("STAGEHAND__OBS__PASSWORD", PASSWORD.into()),
            ("STAGEHAND__OBS__RECONNECT_MAX_S", reconnect_max_s.into()),
            (
                "RUST_LOG",
                "info,stagehand=debug,stagehand_obs=debug".into(),
            ),
        ],
    )
}

async fn obs_connected(c: &reqwest::Client, d: &Daemon) -> bool {
    match c.get(format!("{}/api/status", d.base)).send().await {
        Ok(r) => r
            .json::<Value>()
            .await
            .map(|s| s["obs"]["connected"] == true)
            .unwrap_or(false),
        Err(_) => false,
    }
}

async fn wait_connected(c: &reqwest::Client, d: &Daemon) {
    while !obs_connected(c, d).await {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// The active dashboard, per /api/status.
async fn post_status(c: &reqwest::Client, d: &Daemon) -> Option<u64> {
    let r = c.get(format!("{}/api/status", d.base)).send().await.ok()?;
    r.json::<Value>().await.ok()?["active_dashboard_id"].as_u64()
}

/// A percentile of unsorted samples.
fn pct_of(v: &[Duration], p: f64) -> Duration {
    let mut v = v.to_vec();
    v.sort();
    v.get(((v.len().saturating_sub(1)) as f64 * p).round() as usize)
        .copied()
        .unwrap_or_default()
}

fn client_settings(port: u16) -> ObsSettings {
    ObsSettings {
        port,
        password: Some(PASSWORD.into()),
        request_timeout: Duration::from_secs(10),
        ..ObsSettings::default()
    }
}

#[tokio::main]
async fn main() {
    println!(
        "stagehand OBS benchmark (release daemon, real OBS 30.2.3 with software GL, Cut transition)\n"
    );
    let c = reqwest::Client::new();
    let port = free_port();
    let mut obs = ObsProcess::start(port, Some(PASSWORD))
        .await
        .expect("start OBS (run tests/obs/rootfs.sh first)");
    let (user, _user_events) = ObsHandle::spawn(client_settings(port));
    wait_state(&user, ObsState::Connected, Duration::from_secs(60))
        .await
        .expect("second client");
    user.raw_request(
        "SetCurrentSceneTransition",
        json!({"transitionName": "Cut"}),
    )
    .await
    .expect("Cut");
    for s in ["Bench A", "Bench B"] {
        let _ = user
            .raw_request("CreateScene", json!({"sceneName": s}))
            .await;
    }
    // OBS's UI may switch to a newly created scene a moment later: let it settle first.
    tokio::time::sleep(Duration::from_secs(3)).await;
    user.set_program_scene("Scene")
        .await
        .expect("back to Scene");
    tokio::time::sleep(Duration::from_secs(1)).await;

    let dir = tempfile::tempdir().unwrap();
    let d = start(dir.path(), port, "10");
    wait_connected(&c, &d).await;
    let a = post(
        &c,
        format!("{}/api/dashboards", d.base),
        json!({"name": "A", "obs_scene": "Bench A"}),
    )
    .await["id"]
        .as_u64()
        .unwrap();
    let b = post(
        &c,
        format!("{}/api/dashboards", d.base),
        json!({"name": "B", "obs_scene": "Bench B"}),
    )
    .await["id"]
        .as_u64()
        .unwrap();

    // Settle: OBS may still be reporting the scene switches of CreateScene. Start on A.
    post(
        &c,
        format!("{}/api/dashboards/{a}/activate", d.base),
        json!({}),
    )
    .await;
    while user.current_program_scene().await.ok().as_deref() != Some("Bench A") {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;

    // 1. activate (HTTP) → CurrentProgramSceneChanged observed by a second client (a plain
    // obws client). Each round activates the dashboard whose scene OBS is NOT on.
    let watcher = loop {
        match obws::Client::connect("127.0.0.1", port, Some(PASSWORD)).await {
            Ok(c) => break c,
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    };
    let events = watcher.events().expect("events");
    tokio::pin!(events);
    // The same switch made by a plain obs-websocket client, interleaved round by round so
    // both see the same machine load: what the daemon adds is the difference.
    let plain = loop {
        match obws::Client::connect("127.0.0.1", port, Some(PASSWORD)).await {
            Ok(c) => break c,
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    };
    let (mut samples, mut plain_samples) = (Vec::new(), Vec::new());
    let mut round = 0u32;
    while samples.len() < 200 {
        round += 1;
        let current = user.current_program_scene().await.unwrap_or_default();
        let (id, scene) = if current == "Bench A" {
            (b, "Bench B")
        } else {
            (a, "Bench A")
        };
        let by_daemon = round.is_multiple_of(2);
        let t0 = Instant::now();
        if by_daemon {
            post(
                &c,
                format!("{}/api/dashboards/{id}/activate", d.base),
                json!({}),
            )
            .await;
        } else {
            plain
                .scenes()
                .set_current_program_scene(scene)
                .await
                .expect("plain switch");
        }
        loop {
            match tokio::time::timeout(Duration::from_secs(10), events.next()).await {
                Ok(Some(obws::events::Event::CurrentProgramSceneChanged { id }))
                    if id.name == scene =>
                {
                    break;
                }
                Ok(Some(_)) => continue,
                other => panic!(
                    "no scene change to {scene} (OBS was on {current}): {other:?}\n{}",
                    d.log()
                ),
            }
        }
        if by_daemon {
            samples.push(t0.elapsed());
        } else {
            plain_samples.push(t0.elapsed());
            // The daemon follows the switch made in OBS; let that land before the next round.
            while post_status(&c, &d).await != Some(id) {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }
    }
    let overhead = pct_of(&samples, 0.5).saturating_sub(pct_of(&plain_samples, 0.5));
    report(
        "activate (HTTP) → OBS CurrentProgramSceneChanged at a second client",
        samples,
    );
    report(
        "plain obs-websocket SetCurrentProgramScene → CurrentProgramSceneChanged (same run)",
        plain_samples,
    );
    println!(
        "the daemon adds (p50 difference): {:.2} ms\n",
        overhead.as_secs_f64() * 1000.0
    );

    // 2. OBS scene change (second client) → overlay dashboard_activated frame.
    let (mut ws, _) =
        tokio_tungstenite::connect_async(format!("ws://{}/ws?client_type=overlay", d.addr))
            .await
            .unwrap();
    ws.next().await;
    let mut samples = Vec::new();
    while samples.len() < 200 {
        let current = user.current_program_scene().await.unwrap_or_default();
        let (id, scene) = if current == "Bench A" {
            (b, "Bench B")
        } else {
            (a, "Bench A")
        };
        let t0 = Instant::now();
        user.set_program_scene(scene).await.expect("switch");
        loop {
            let Some(Ok(Message::Binary(bytes))) =
                tokio::time::timeout(Duration::from_secs(10), ws.next())
                    .await
                    .expect("frame")
            else {
                continue;
            };
            let f: Value = rmp_serde::from_slice(&bytes).unwrap();
            if f["type"] == "dashboard_activated" && f["dashboard_id"] == id {
                break;
            }
        }
        samples.push(t0.elapsed());
    }
    report(
        "OBS scene change → overlay dashboard_activated frame",
        samples,
    );
    drop(user);

    drop(d);
    // 3. OBS (re)start → daemon reconnected, with the default 10 s backoff cap and with 2 s.
    for cap in ["10", "2"] {
        let d = start(dir.path(), port, cap);
        wait_connected(&c, &d).await;
        let mut times = Vec::new();
        for _ in 0..3 {
            obs.kill();
            while obs_connected(&c, &d).await {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            // Let the backoff reach its cap, as after a longer OBS outage.
            tokio::time::sleep(Duration::from_secs_f64(cap.parse::<f64>().unwrap() * 1.5)).await;
            let t0 = Instant::now();
            obs.relaunch().expect("relaunch OBS");
            wait_connected(&c, &d).await;
            times.push(t0.elapsed());
        }
        let list: Vec<String> = times
            .iter()
            .map(|t| format!("{:.2} s", t.as_secs_f64()))
            .collect();
        println!(
            "OBS start → daemon reconnected (reconnect_max_s = {cap}, after a long outage): {}",
            list.join(", ")
        );
    }
}
