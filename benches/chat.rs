//! Chat figures against the release daemon and a fake Twitch IRC server (real IRC framing,
//! the real twitch-irc client inside the daemon):
//!   cargo bench --bench chat
//! chat line → overlay frame latency over 2,000 commands; a 10,000 lines/s flood for 5 s:
//! daemon CPU and memory, and the p99 of an unrelated admin execute during the flood.

#[path = "common/mod.rs"]
mod common;

use common::{Daemon, active_dashboard, frame_until, post, proc_usage, report, widget};
use futures_util::StreamExt;
use serde_json::{Value, json};
use stagehand_twitch::fake::{FakeTwitchServer, FakeUser};
use std::time::{Duration, Instant};

#[tokio::main]
async fn main() {
    println!("stagehand chat benchmark (release daemon, fake Twitch IRC over loopback)\n");
    let server = FakeTwitchServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let d = Daemon::start(
        dir.path(),
        &[
            ("STAGEHAND__TWITCH__ENABLED", "true".into()),
            ("STAGEHAND__TWITCH__CHANNEL", "bench".into()),
            ("STAGEHAND__TWITCH__IRC_ADDR", server.addr().to_string()),
        ],
    );
    let c = reqwest::Client::new();
    let dash = active_dashboard(&c, &d.base, "Bench").await;
    let counter = widget(&c, &d.base, dash, "DeathCounterWidget", "Deaths").await;
    let confetti = widget(&c, &d.base, dash, "ConfettiAlertWidget", "Boom").await;
    let other = widget(&c, &d.base, dash, "DeathCounterWidget", "Admin").await;
    post(
        &c,
        format!("{}/api/commands", d.base),
        json!({"trigger": "!death", "widget_id": counter, "feature": "increment_deaths"}),
    )
    .await;
    post(&c, format!("{}/api/commands", d.base), json!({"trigger": "!confetti", "widget_id": confetti, "feature": "trigger_blast", "cooldown_user_s": 30, "cooldown_global_s": 2})).await;
    server.wait_for_join("bench").await;

    // 1. chat line → overlay frame, 2,000 commands one after another.
    let (mut ws, _) =
        tokio_tungstenite::connect_async(format!("ws://{}/ws?client_type=overlay", d.addr))
            .await
            .unwrap();
    ws.next().await;
    let viewer = FakeUser::new("viewer").id("100");
    let mut samples = Vec::new();
    for i in 1..=2000u64 {
        let t0 = Instant::now();
        server.privmsg(&viewer, "!death");
        frame_until(&mut ws, |f| {
            f["element"]["widget_id"] == counter && f["element"]["properties"]["value"] == i
        })
        .await;
        samples.push(t0.elapsed());
    }
    report(
        "chat line written by the fake server → overlay frame",
        samples,
    );

    // 2. Flood: 10,000 lines/s for 5 s (commands on cooldown, spam, chatter) while the admin
    // executes an unrelated feature every 10 ms.
    let pid = d.child.id();
    let (cpu0, _) = proc_usage(pid);
    let t_flood = Instant::now();
    let admin = {
        let (c, url) = (c.clone(), format!("{}/api/widgets/{other}/execute", d.base));
        tokio::spawn(async move {
            let mut lat = Vec::new();
            while t_flood.elapsed() < Duration::from_secs(5) {
                let t0 = Instant::now();
                post(&c, url.clone(), json!({"feature": "increment_deaths"})).await;
                lat.push(t0.elapsed());
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            lat
        })
    };
    let mut max_rss = 0;
    let flooder = FakeUser::new("spammer").id("666");
    for sec in 0..5u32 {
        let tick = Instant::now();
        // 10 slices of 1,000 lines per second.
        for slice in 0..10u32 {
            server.privmsg_flood(&flooder, 1000, |i| match i % 4 {
                0 => "!confetti high red".to_string(),
                1 => format!("PogChamp {sec}.{slice}.{i}"),
                2 => "!unknown command".to_string(),
                _ => "hello chat, great stream today".to_string(),
            });
            max_rss = max_rss.max(proc_usage(pid).1);
            let next = Duration::from_millis(100 * (slice as u64 + 1));
            if let Some(wait) = next.checked_sub(tick.elapsed()) {
                tokio::time::sleep(wait).await;
            }
        }
    }
    let admin_lat = admin.await.unwrap();
    let flood_s = t_flood.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (cpu1, rss_after) = proc_usage(pid);
    let ticks_per_s = 100.0;
    println!("\nflood of 50,000 chat lines at 10,000 lines/s for {flood_s:.1} s:");
    println!(
        "  daemon CPU: {:.0}% of one core on average",
        (cpu1 - cpu0) as f64 / ticks_per_s / flood_s * 100.0
    );
    println!(
        "  daemon RSS: max {:.1} MiB during, {:.1} MiB after",
        max_rss as f64 / 1024.0,
        rss_after as f64 / 1024.0
    );
    report("  unrelated admin execute during the flood", admin_lat);
    let status: Value = c
        .get(format!("{}/api/status", d.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    println!(
        "  chat counters: {}   twitch: {}",
        status["chat"], status["twitch"]
    );
}
