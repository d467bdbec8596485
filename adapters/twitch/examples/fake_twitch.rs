//! A fake Twitch (IRC, auth, Helix, EventSub) for the browser tests, which run in Node and
//! cannot link the Rust fakes: prints one JSON line with the URLs, then serves until stdin
//! closes. Controls are HTTP endpoints under `control_url` (see `fake_api`).
//!
//! `cargo build -p stagehand-twitch --example fake_twitch --features fake-server`

use stagehand_twitch::fake::FakeTwitchServer;
use stagehand_twitch::fake_api::FakeTwitchApi;
use tokio::io::AsyncReadExt;

#[tokio::main]
async fn main() {
    let irc = FakeTwitchServer::start().await;
    let api = FakeTwitchApi::start().await;
    let line = serde_json::json!({
        "auth_url": api.auth_url(),
        "api_url": api.api_url(),
        "eventsub_url": api.eventsub_url(),
        "irc_addr": irc.addr().to_string(),
        "control_url": api.control_url(),
    });
    println!("{line}");
    let mut sink = Vec::new();
    let _ = tokio::io::stdin().read_to_end(&mut sink).await;
}
