//! Soak: the daemon on air for a long time (default 1 hour; STAGEHAND_SOAK_MINUTES to
//! change it) with 20 overlays, 5 chat lines/s through a fake Twitch IRC server, 1 execute/s
//! and a real OBS connected:
//!   cargo bench --bench soak
//! Prints RSS and open file descriptors every 5 minutes, then the growth, the frames
//! every overlay received against the frames sent, and the frames the daemon dropped.

#[path = "common/mod.rs"]
mod common;

use common::{Daemon, post, proc_usage};
use futures_util::StreamExt;
use serde_json::json;
use stagehand_obs::testing::{ObsProcess, free_port};
use stagehand_twitch::fake::{FakeTwitchServer, FakeUser};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;

const PASSWORD: &str = "soak-pw";

fn fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, |d| d.count())
}

fn metric(text: &str, name: &str) -> f64 {
    text.lines()
        .find(|l| l.starts_with(name) && l[name.len()..].starts_with(' '))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0)
}

#[tokio::main]
async fn main() {
    let minutes: u64 = std::env::var("STAGEHAND_SOAK_MINUTES")
        .ok()
        .and_then(|m| m.parse().ok())
        .unwrap_or(60);
    println!(
        "stagehand soak ({minutes} min: 20 overlays, 5 chat lines/s, 1 execute/s, real OBS)\n"
    );
    let obs_port = free_port();
    let _obs = ObsProcess::start(obs_port, Some(PASSWORD))
        .await
        .expect("start OBS (run tests/obs/rootfs.sh first)");
    let server = FakeTwitchServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let d = Daemon::start(
        dir.path(),
        &[
            ("STAGEHAND__TWITCH__ENABLED", "true".into()),
            ("STAGEHAND__TWITCH__CHANNEL", "soak".into()),
            ("STAGEHAND__TWITCH__IRC_ADDR", server.addr().to_string()),
            ("STAGEHAND__OBS__ENABLED", "true".into()),
            ("STAGEHAND__OBS__PORT", obs_port.to_string()),
            ("STAGEHAND__OBS__PASSWORD", PASSWORD.into()),
        ],
    );
    let pid = d.child.id();
    let c = reqwest::Client::new();
    let dash = post(
        &c,
        format!("{}/api/dashboards", d.base),
        json!({"name": "Soak"}),
    )
    .await["id"]
        .as_u64()
        .unwrap();
    post(
        &c,
        format!("{}/api/dashboards/{dash}/activate", d.base),
        json!({}),
    )
    .await;
    let mk = |class: &str, name: &str| json!({"widget_class": class, "name": name, "dashboard_ids": [dash]});
    let deaths = post(
        &c,
        format!("{}/api/widgets", d.base),
        mk("DeathCounterWidget", "Deaths"),
    )
    .await["id"]
        .as_u64()
        .unwrap();
    let goal = post(
        &c,
        format!("{}/api/widgets", d.base),
        mk("DonationGoalWidget", "Goal"),
    )
    .await["id"]
        .as_u64()
        .unwrap();
    post(
        &c,
        format!("{}/api/commands", d.base),
        json!({"trigger": "!death", "widget_id": deaths, "feature": "increment_deaths"}),
    )
    .await;
    server.wait_for_join("soak").await;

    // 20 overlays that count every frame they get.
    let received = Arc::new(AtomicU64::new(0));
    for _ in 0..20 {
        let (ws, _) = tokio_tungstenite::connect_async(d.ws_url())
            .await
            .expect("overlay");
        let received = received.clone();
        tokio::spawn(async move {
            let (_, mut rx) = ws.split();
            while let Some(Ok(m)) = rx.next().await {
                if matches!(m, Message::Binary(_)) {
                    received.fetch_add(1, Ordering::Relaxed);
                }
            }
        });
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (_, rss0) = proc_usage(pid);
    let fd0 = fds(pid);
    println!("start: RSS {:.1} MiB, {fd0} fds", rss0 as f64 / 1024.0);

    let end = Instant::now() + Duration::from_secs(minutes * 60);
    let mut chat = tokio::time::interval(Duration::from_millis(200));
    let mut exec = tokio::time::interval(Duration::from_secs(1));
    let mut report = tokio::time::interval_at(
        tokio::time::Instant::now() + Duration::from_secs(300),
        Duration::from_secs(300),
    );
    let names: Vec<(String, String)> = (0..50)
        .map(|i| (format!("viewer{i}"), format!("{}", 1000 + i)))
        .collect();
    let users: Vec<FakeUser> = names
        .iter()
        .map(|(login, id)| FakeUser::new(login).id(id))
        .collect();
    let (mut n, mut max_rss, mut max_fd) = (0usize, rss0, fd0);
    while Instant::now() < end {
        tokio::select! {
            _ = chat.tick() => {
                n += 1;
                let line = if n % 5 == 0 { "!death" } else { "gg that was close" };
                server.privmsg(&users[n % users.len()], line);
            }
            _ = exec.tick() => {
                post(&c, format!("{}/api/widgets/{goal}/execute", d.base),
                     json!({"feature": "add_donation", "parameters": {"amount": 1}})).await;
            }
            _ = report.tick() => {
                let (_, rss) = proc_usage(pid);
                let fd = fds(pid);
                max_rss = max_rss.max(rss);
                max_fd = max_fd.max(fd);
                println!("{:>3} min: RSS {:.1} MiB, {fd} fds, frames received {}",
                    (minutes * 60 - end.saturating_duration_since(Instant::now()).as_secs()) / 60,
                    rss as f64 / 1024.0, received.load(Ordering::Relaxed));
            }
        }
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (_, rss1) = proc_usage(pid);
    let fd1 = fds(pid);
    let m = c
        .get(format!("{}/metrics", d.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    println!(
        "\nRSS {:.1} → {:.1} MiB (growth {:+.1} MiB, max {:.1}); fds {fd0} → {fd1} (max {max_fd})",
        rss0 as f64 / 1024.0,
        rss1 as f64 / 1024.0,
        (rss1 as f64 - rss0 as f64) / 1024.0,
        max_rss as f64 / 1024.0
    );
    println!(
        "frames sent {} / received by the 20 overlays {}; dropped {}; lag resyncs {}; executions ok {} / error {}",
        metric(&m, "stagehand_frames_sent_total"),
        received.load(Ordering::Relaxed),
        metric(&m, "stagehand_frames_dropped_total"),
        metric(&m, "stagehand_resyncs_total{reason=\"lag\"}"),
        metric(
            &m,
            "stagehand_executions_total{source=\"admin\",result=\"ok\"}"
        ) + metric(
            &m,
            "stagehand_executions_total{source=\"chat\",result=\"ok\"}"
        ),
        metric(
            &m,
            "stagehand_executions_total{source=\"admin\",result=\"error\"}"
        ) + metric(
            &m,
            "stagehand_executions_total{source=\"chat\",result=\"error\"}"
        ),
    );
}
