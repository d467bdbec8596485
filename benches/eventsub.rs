//! EventSub figure against the release daemon and the fake Twitch auth/Helix/EventSub
//! servers (the daemon's real device-code login and EventSub client):
//!   cargo bench --bench eventsub
//! EventSub notification written by the fake server → the bound feature's overlay frame,
//! over 2,000 follows one after another.

#[path = "common/mod.rs"]
mod common;

use common::{Daemon, active_dashboard, frame_until, post, report, widget};
use futures_util::StreamExt;
use serde_json::json;
use stagehand_twitch::fake::FakeTwitchServer;
use stagehand_twitch::fake_api::{FAKE_CLIENT_ID, FakeTwitchApi};
use std::time::Instant;

#[tokio::main]
async fn main() {
    println!("stagehand EventSub benchmark (release daemon, fake Twitch EventSub over loopback)\n");
    let (api, irc) = (
        FakeTwitchApi::start().await,
        FakeTwitchServer::start().await,
    );
    let dir = tempfile::tempdir().unwrap();
    let d = Daemon::start(
        dir.path(),
        &[
            ("STAGEHAND__TWITCH__CLIENT_ID", FAKE_CLIENT_ID.into()),
            ("STAGEHAND__TWITCH__AUTH_URL", api.auth_url()),
            ("STAGEHAND__TWITCH__API_URL", api.api_url()),
            ("STAGEHAND__TWITCH__EVENTSUB_URL", api.eventsub_url()),
            ("STAGEHAND__TWITCH__IRC_ADDR", irc.addr().to_string()),
        ],
    );
    let c = reqwest::Client::new();
    let dash = active_dashboard(&c, &d.base, "Bench").await;
    let counter = widget(&c, &d.base, dash, "DeathCounterWidget", "Follows").await;
    post(
        &c,
        format!("{}/api/event-bindings", d.base),
        json!({"event": "follow", "widget_id": counter, "feature": "increment_deaths"}),
    )
    .await;
    let pending = post(
        &c,
        format!("{}/api/twitch/accounts/broadcaster/login", d.base),
        json!(null),
    )
    .await;
    let code = pending["user_code"]
        .as_str()
        .expect("a login code")
        .to_string();
    assert!(api.approve(Some(&code), "bench", "4242"));
    api.wait_for_subscriptions(10).await;

    let (mut ws, _) = tokio_tungstenite::connect_async(d.ws_url()).await.unwrap();
    ws.next().await;
    let mut samples = Vec::new();
    for i in 1..=2000u64 {
        let login = format!("fan{i}");
        let event = json!({"user_id": format!("{i}"), "user_login": login, "user_name": login,
            "broadcaster_user_id": "4242", "broadcaster_user_login": "bench",
            "broadcaster_user_name": "bench", "followed_at": "2026-12-06T20:00:00Z"});
        let t0 = Instant::now();
        api.notify("channel.follow", event).expect("subscribed");
        frame_until(&mut ws, |f| {
            f["element"]["widget_id"] == counter && f["element"]["properties"]["value"] == i
        })
        .await;
        samples.push(t0.elapsed());
    }
    report(
        "EventSub notification written by the fake server → overlay frame",
        samples,
    );
}
