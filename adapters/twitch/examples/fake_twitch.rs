//! A fake Twitch (IRC, auth, Helix, EventSub) for the browser tests, which run in Node and
//! cannot link the Rust fakes: prints one JSON line with the URLs, then serves until stdin
//! closes. Auth/EventSub controls are under `control_url` (see `fake_api`); chat controls
//! under `irc_control_url`:
//!
//! - `POST /privmsg {login, display_name?, id?, badges?: ["moderator/1"], color?, emotes?: "25:0-4", text}` → `{id}`
//! - `POST /flood {login, count, text}`: `count` lines at once (`{i}` in `text` is the index)
//! - `POST /clearmsg {id}`, `POST /clearchat {user_id?}`: moderation
//! - `POST /sub {login, tier?}`, `POST /raid {login, viewers}`, `POST /cheer {login, bits, text}`:
//!   platform events as Twitch sends them (USERNOTICE, a PRIVMSG with `bits`)
//!
//! `cargo build -p stagehand-twitch --example fake_twitch --features fake-server`

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};
use stagehand_twitch::fake::{FakeTwitchServer, FakeUser};
use stagehand_twitch::fake_api::FakeTwitchApi;
use std::sync::Arc;
use tokio::io::AsyncReadExt;

#[derive(Deserialize)]
struct Line {
    login: String,
    display_name: Option<String>,
    id: Option<String>,
    #[serde(default)]
    badges: Vec<String>,
    color: Option<String>,
    emotes: Option<String>,
    text: String,
}

#[derive(Deserialize)]
struct Flood {
    login: String,
    count: usize,
    text: String,
}

#[derive(Deserialize)]
struct Event {
    login: String,
    tier: Option<String>,
    viewers: Option<u64>,
    bits: Option<u64>,
    text: Option<String>,
}

async fn sub(State(irc): State<Arc<FakeTwitchServer>>, Json(e): Json<Event>) -> Json<Value> {
    let tier = e.tier.as_deref().unwrap_or("1000");
    Json(json!({"id": irc.sub(&FakeUser::new(&e.login), tier)}))
}

async fn raid(State(irc): State<Arc<FakeTwitchServer>>, Json(e): Json<Event>) -> Json<Value> {
    Json(json!({"id": irc.raid(&FakeUser::new(&e.login), e.viewers.unwrap_or(1))}))
}

async fn cheer(State(irc): State<Arc<FakeTwitchServer>>, Json(e): Json<Event>) -> Json<Value> {
    let text = e.text.unwrap_or_default();
    let id = irc.privmsg_with_bits(&FakeUser::new(&e.login), e.bits.unwrap_or(1), &text);
    Json(json!({"id": id}))
}

#[derive(Deserialize)]
struct ClearMsg {
    id: String,
}

#[derive(Deserialize)]
struct ClearChat {
    user_id: Option<String>,
}

async fn privmsg(State(irc): State<Arc<FakeTwitchServer>>, Json(l): Json<Line>) -> Json<Value> {
    let badges: Vec<&str> = l.badges.iter().map(String::as_str).collect();
    let mut user = FakeUser::new(&l.login).badges(&badges);
    if let Some(d) = &l.display_name {
        user = user.display_name(d);
    }
    if let Some(id) = &l.id {
        user = user.id(id);
    }
    let mut tags = Vec::new();
    if let Some(c) = &l.color {
        tags.push(("color", c.as_str()));
    }
    if let Some(e) = &l.emotes {
        tags.push(("emotes", e.as_str()));
    }
    Json(json!({"id": irc.privmsg_with_tags(&user, &tags, &l.text)}))
}

async fn flood(State(irc): State<Arc<FakeTwitchServer>>, Json(f): Json<Flood>) -> Json<Value> {
    let ids = irc.privmsg_flood(&FakeUser::new(&f.login), f.count, |i| {
        f.text.replace("{i}", &i.to_string())
    });
    Json(json!({"last_id": ids.last()}))
}

async fn clearmsg(State(irc): State<Arc<FakeTwitchServer>>, Json(c): Json<ClearMsg>) {
    irc.clearmsg(&c.id);
}

async fn clearchat(State(irc): State<Arc<FakeTwitchServer>>, Json(c): Json<ClearChat>) {
    irc.clearchat(c.user_id.as_deref());
}

#[tokio::main]
async fn main() {
    let irc = Arc::new(FakeTwitchServer::start().await);
    let api = FakeTwitchApi::start().await;
    let control = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let control_addr = control.local_addr().expect("addr");
    let app = Router::new()
        .route("/privmsg", post(privmsg))
        .route("/flood", post(flood))
        .route("/clearmsg", post(clearmsg))
        .route("/clearchat", post(clearchat))
        .route("/sub", post(sub))
        .route("/raid", post(raid))
        .route("/cheer", post(cheer))
        .with_state(irc.clone());
    tokio::spawn(async move {
        let _ = axum::serve(control, app).await;
    });
    let line = json!({
        "auth_url": api.auth_url(),
        "api_url": api.api_url(),
        "eventsub_url": api.eventsub_url(),
        "irc_addr": irc.addr().to_string(),
        "control_url": api.control_url(),
        "irc_control_url": format!("http://{control_addr}"),
    });
    println!("{line}");
    let mut sink = Vec::new();
    let _ = tokio::io::stdin().read_to_end(&mut sink).await;
}
