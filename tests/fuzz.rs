//! Bounded fuzzing against a live daemon (proptest, fixed case counts so the suite stays
//! fast and a failure is reproducible from the printed case): every JSON body type mutated
//! from a valid one, garbage on the WebSocket (valid frames with random payloads and raw
//! bytes after the upgrade), and damaged import bundles, through the reader and through
//! `POST /api/import`. The rule everywhere: no 5xx, no panic, a JSON error naming the
//! problem, and the daemon keeps serving. (The chat argument parser has its own proptest
//! in `src/chat`.)

mod support;

use futures_util::{SinkExt, StreamExt};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{Map, Value, json};
use std::io::Cursor;
use std::time::Duration;
use support::{Daemon, WsClient, call, client_frame, http, raw_ws, read_until_closed};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::runtime::Runtime;
use tokio_tungstenite::tungstenite::Message;

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    })
}

fn rt() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

/// Field names of every body type, so mutations hit real keys as well as unknown ones.
const KEYS: &[&str] = &[
    "name",
    "obs_scene",
    "widget_ids",
    "position",
    "widget_class",
    "widget_parameters",
    "dashboard_ids",
    "feature",
    "parameters",
    "seed",
    "properties",
    "behavior",
    "visible",
    "media",
    "trigger",
    "aliases",
    "widget_id",
    "args",
    "permission",
    "cooldown_global_s",
    "cooldown_user_s",
    "enabled",
    "reply_on_error",
    "event",
    "min_amount",
    "line",
    "role",
    "user",
    "execute",
    "tags",
    "dashboard_id",
    "text",
    "opacity",
    "x",
    "y",
    "ids",
    "pick",
    "image",
    "audio",
    "intensity",
    "color",
    "target",
    "entrance",
    "loop",
    "chat.prefix",
    "obs.port",
    "obs.host",
    "twitch.channel",
    "chat.reply_min_interval_s",
];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1e6f64..1e6).prop_map(Value::from),
        prop::sample::select(vec![
            json!(0),
            json!(-1),
            json!(9_007_199_254_740_993u64),
            json!(1e300),
            json!(-0.0),
            json!(4_294_967_296u64),
            json!(65_536),
        ]),
        "\\PC{0,24}".prop_map(Value::from),
        prop::sample::select(vec![
            "",
            " ",
            "High",
            "#FF0000",
            "red",
            "confetti",
            "!confetti",
            "ConfettiAlertWidget",
            "trigger_blast",
            "everyone",
            "moderator",
            "cheer",
            "random",
            "../../etc/passwd",
            "%2e%2e/%2e%2e",
            "\u{0}\u{7}\u{1b}[31m",
            "<script>alert(1)</script>",
            "😀🎉",
            "\u{202e}evil",
            "1e999",
            "NaN",
            "-inf",
        ])
        .prop_map(Value::from),
        (1usize..20_000).prop_map(|n| Value::from("x".repeat(n))),
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(KEYS).prop_map(str::to_string),
        1 => "\\PC{0,12}",
    ]
}

fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(key(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// One change to a body: at the top level or inside one of its nested objects.
#[derive(Clone, Debug)]
enum Edit {
    Set {
        at: usize,
        key: usize,
        value: Value,
    },
    Add {
        at: usize,
        key: String,
        value: Value,
    },
    Remove {
        at: usize,
        key: usize,
    },
    Replace(Value),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        4 => (any::<usize>(), any::<usize>(), value())
            .prop_map(|(at, key, value)| Edit::Set { at, key, value }),
        2 => (any::<usize>(), key(), value())
            .prop_map(|(at, key, value)| Edit::Add { at, key, value }),
        2 => (any::<usize>(), any::<usize>()).prop_map(|(at, key)| Edit::Remove { at, key }),
        1 => value().prop_map(Edit::Replace),
    ]
}

/// Where a nested value sits: object keys and array indexes from the root.
#[derive(Clone)]
enum Step {
    Key(String),
    Index(usize),
}

/// Paths of every object in a body, outermost first (so `at` picks one of them).
fn object_paths(v: &Value, here: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    match v {
        Value::Object(m) => {
            out.push(here.clone());
            for (k, child) in m {
                here.push(Step::Key(k.clone()));
                object_paths(child, here, out);
                here.pop();
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                here.push(Step::Index(i));
                object_paths(child, here, out);
                here.pop();
            }
        }
        _ => {}
    }
}

fn object_at<'a>(mut v: &'a mut Value, path: &[Step]) -> Option<&'a mut Map<String, Value>> {
    for step in path {
        v = match step {
            Step::Key(k) => v.get_mut(k.as_str())?,
            Step::Index(i) => v.get_mut(*i)?,
        };
    }
    v.as_object_mut()
}

fn apply(mut body: Value, edits: &[Edit]) -> Value {
    for e in edits {
        if let Edit::Replace(v) = e {
            body = v.clone();
            continue;
        }
        let mut paths = Vec::new();
        object_paths(&body, &mut Vec::new(), &mut paths);
        let (Edit::Set { at, .. } | Edit::Add { at, .. } | Edit::Remove { at, .. }) = e else {
            continue;
        };
        let Some(path) = (!paths.is_empty()).then(|| &paths[at % paths.len()]) else {
            continue;
        };
        let Some(o) = object_at(&mut body, path) else {
            continue;
        };
        let nth = |o: &Map<String, Value>, i: usize| o.keys().nth(i % o.len().max(1)).cloned();
        match e {
            Edit::Set { key, value, .. } => {
                if let Some(k) = nth(o, *key) {
                    o.insert(k, value.clone());
                }
            }
            Edit::Add { key, value, .. } => {
                o.insert(key.clone(), value.clone());
            }
            Edit::Remove { key, .. } => {
                if let Some(k) = nth(o, *key) {
                    o.remove(&k);
                }
            }
            Edit::Replace(_) => {}
        }
    }
    body
}

/// A 4xx must carry the documented error body; nothing may be a 5xx (503 only for the
/// documented "OBS not connected" / "busy" answers).
fn check_answer(what: &str, status: u16, text: &str) -> Result<(), TestCaseError> {
    let body: Value = serde_json::from_str(text).unwrap_or(Value::Null);
    if status == 503 {
        let code = body["error"]["code"].as_str().unwrap_or("");
        prop_assert!(
            code == "obs_unavailable" || code == "busy",
            "{what}: 503 with {text}"
        );
        return Ok(());
    }
    prop_assert!(status < 500, "{what}: {status} {text}");
    if status >= 400 {
        prop_assert!(
            body["error"]["code"].is_string() && body["error"]["message"].is_string(),
            "{what}: {status} without the error body: {text}"
        );
    }
    Ok(())
}

async fn send(c: &reqwest::Client, method: &str, url: &str, body: &Value) -> (u16, String) {
    let m = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let r = c
        .request(m, url)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("the daemon answers");
    let status = r.status().as_u16();
    (status, r.text().await.unwrap_or_default())
}

async fn healthy(d: &Daemon) {
    let r = http().get(d.url("/healthz")).send().await.expect("healthz");
    assert_eq!(r.status(), 200, "the daemon keeps serving");
}

#[test]
fn every_json_body_type_mutated_gets_a_clean_answer() {
    let d = Daemon::start();
    let rt = rt();
    let c = http();
    let (did, wid, cmd, binding) = rt.block_on(async {
        let (did, w) = support::setup_widget(&d, "ConfettiAlertWidget", json!({})).await;
        let wid = w["id"].as_u64().expect("widget id");
        let (s, cmd) = call(
            &c,
            "POST",
            &d.url("/api/commands"),
            Some(
                json!({"trigger": "!boom", "widget_id": wid, "feature": "trigger_blast",
                        "args": {"intensity": "High"}, "permission": "everyone"}),
            ),
        )
        .await;
        assert_eq!(s, 201, "{cmd}");
        let (s, b) = call(
            &c,
            "POST",
            &d.url("/api/event-bindings"),
            Some(
                json!({"event": "cheer", "min_amount": 100, "widget_id": wid,
                        "feature": "trigger_blast", "parameters": {"intensity": "High"}}),
            ),
        )
        .await;
        assert_eq!(s, 201, "{b}");
        (
            did,
            wid,
            cmd["id"].as_u64().expect("id"),
            b["id"].as_u64().expect("id"),
        )
    });
    let endpoints: Vec<(&str, String, Value)> = vec![
        (
            "POST",
            "/api/dashboards".into(),
            json!({"name": "Fuzz", "obs_scene": "Scene"}),
        ),
        (
            "PATCH",
            format!("/api/dashboards/{did}"),
            json!({"name": "Main", "obs_scene": null, "widget_ids": [wid], "position": 0}),
        ),
        (
            "POST",
            "/api/widgets".into(),
            json!({"widget_class": "DonationGoalWidget", "name": "Goal",
                   "widget_parameters": {"target": 100}, "dashboard_ids": [did]}),
        ),
        (
            "PATCH",
            format!("/api/widgets/{wid}"),
            json!({"name": "ConfettiAlertWidget", "widget_parameters": {}}),
        ),
        (
            "POST",
            format!("/api/widgets/{wid}/execute"),
            json!({"feature": "trigger_blast", "parameters": {"intensity": "High", "color": "#FF0000"}, "seed": 7}),
        ),
        (
            "PATCH",
            format!("/api/widgets/{wid}/elements/confetti_particle"),
            json!({"properties": {"opacity": 0.5, "position": {"x": 10, "y": 20}},
                   "behavior": {"entrance": {"type": "fade", "duration": 0.3}}, "visible": false,
                   "media": {"image": null}}),
        ),
        (
            "POST",
            "/api/commands".into(),
            json!({"trigger": "!pop", "aliases": ["!p"], "widget_id": wid, "feature": "trigger_blast",
                   "args": {"intensity": "Low"}, "permission": "subscriber", "cooldown_global_s": 5,
                   "cooldown_user_s": 10, "enabled": true, "reply_on_error": true}),
        ),
        (
            "PATCH",
            format!("/api/commands/{cmd}"),
            json!({"trigger": "!boom", "permission": "moderator", "cooldown_global_s": 1}),
        ),
        (
            "POST",
            "/api/commands/test".into(),
            json!({"line": "!boom high", "role": "moderator", "user": "viewer", "execute": false}),
        ),
        (
            "POST",
            "/api/event-bindings".into(),
            json!({"event": "raid", "min_amount": 5, "widget_id": wid, "feature": "trigger_blast",
                   "parameters": {"intensity": "Low"}, "enabled": true}),
        ),
        (
            "PATCH",
            format!("/api/event-bindings/{binding}"),
            json!({"min_amount": 500, "enabled": false}),
        ),
        (
            "PATCH",
            "/api/settings".into(),
            json!({"chat.prefix": "?", "chat.reply_min_interval_s": 2.5, "twitch.channel": "somechannel"}),
        ),
        (
            "POST",
            "/api/templates".into(),
            json!({"dashboard_id": did, "name": "Fuzz template"}),
        ),
        (
            "POST",
            "/api/templates/nope/use".into(),
            json!({"name": "From template"}),
        ),
        (
            "PATCH",
            "/api/media/1".into(),
            json!({"name": "Pop", "tags": ["sfx"]}),
        ),
    ];
    let strategy = (0..endpoints.len(), prop::collection::vec(edit(), 1..4));
    let seen = std::cell::RefCell::new(std::collections::BTreeMap::<u16, u32>::new());
    runner(600)
        .run(&strategy, |(i, edits)| {
            let (method, path, valid) = &endpoints[i];
            let body = apply(valid.clone(), &edits);
            let (status, text) = rt.block_on(send(&c, method, &d.url(path), &body));
            *seen.borrow_mut().entry(status).or_default() += 1;
            check_answer(&format!("{method} {path} {body}"), status, &text)
        })
        .expect("no 5xx from any mutated body");
    // Both sides must be exercised: accepted mutations and refused ones.
    let seen = seen.into_inner();
    eprintln!("statuses of mutated bodies: {seen:?}");
    assert!(
        seen.keys().any(|s| *s < 300) && seen.keys().any(|s| *s == 422),
        "{seen:?}"
    );
    // Not JSON at all, with the JSON content type.
    runner(120)
        .run(
            &(
                0..endpoints.len(),
                prop::collection::vec(any::<u8>(), 0..256),
            ),
            |(i, bytes)| {
                let (method, path, _) = &endpoints[i];
                let m = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
                let (status, text) = rt.block_on(async {
                    let r = c
                        .request(m, d.url(path))
                        .header("content-type", "application/json")
                        .body(bytes)
                        .send()
                        .await
                        .expect("the daemon answers");
                    (r.status().as_u16(), r.text().await.unwrap_or_default())
                });
                prop_assert!(
                    (400..500).contains(&status),
                    "{method} {path}: {status} {text}"
                );
                check_answer(path, status, &text)
            },
        )
        .expect("garbage bodies are 4xx");
    rt.block_on(async {
        healthy(&d).await;
        // The setup is still there and still works.
        let (s, w) = call(&c, "GET", &d.url(&format!("/api/widgets/{wid}")), None).await;
        assert_eq!(s, 200, "{w}");
        let (s, _) = support::execute(&d, wid, "trigger_blast", json!({"intensity": "Low"})).await;
        assert_eq!(s, 200);
    });
    assert!(!d.log().contains("panicked"), "no panic in the daemon log");
}

/// What the fuzzer sends on a WebSocket connection.
#[derive(Clone, Debug)]
enum WsInput {
    Binary(Vec<u8>),
    Text(String),
    /// A MessagePack map, e.g. `{type: "resync", …}` with random extra keys.
    Msgpack(Value),
    Ping(Vec<u8>),
}

fn ws_input() -> impl Strategy<Value = WsInput> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..512).prop_map(WsInput::Binary),
        "\\PC{0,200}".prop_map(WsInput::Text),
        (
            prop::sample::select(vec!["resync", "ping", "execute", "update", "snapshot", ""]),
            prop::collection::btree_map(key(), value(), 0..4)
        )
            .prop_map(|(t, extra)| {
                let mut m: Map<String, Value> = extra.into_iter().collect();
                m.insert("type".into(), Value::from(t));
                WsInput::Msgpack(Value::Object(m))
            }),
        value().prop_map(WsInput::Msgpack),
        prop::collection::vec(any::<u8>(), 0..125).prop_map(WsInput::Ping),
    ]
}

#[test]
fn websocket_garbage_never_hurts_the_daemon_or_other_overlays() {
    let d = Daemon::start();
    let rt = rt();
    let wid = rt.block_on(async {
        let (_, w) = support::setup_widget(&d, "DeathCounterWidget", json!({})).await;
        w["id"].as_u64().expect("id")
    });
    // A well-behaved overlay that must keep receiving a gap-free stream throughout.
    let mut watcher = rt.block_on(WsClient::connect(&d.ws_url("overlay")));
    rt.block_on(watcher.next()); // snapshot

    // Well-formed frames with random content, several per connection, on both client types.
    runner(60)
        .run(
            &(any::<bool>(), prop::collection::vec(ws_input(), 1..8)),
            |(admin, inputs)| {
                rt.block_on(async {
                    let kind = if admin { "admin" } else { "overlay" };
                    let (mut ws, _) = tokio_tungstenite::connect_async(d.ws_url(kind))
                        .await
                        .expect("ws connect");
                    for input in &inputs {
                        let msg = match input {
                            WsInput::Binary(b) => Message::Binary(b.clone().into()),
                            WsInput::Text(t) => Message::Text(t.clone().into()),
                            WsInput::Msgpack(v) => {
                                Message::Binary(rmp_serde::to_vec_named(v).expect("encode").into())
                            }
                            WsInput::Ping(p) => Message::Ping(p.clone().into()),
                        };
                        if ws.send(msg).await.is_err() {
                            break; // the server closed it: allowed
                        }
                    }
                    // Whatever it sent, a resync still gets a snapshot unless it was closed.
                    let resync =
                        rmp_serde::to_vec_named(&json!({"type": "resync"})).expect("encode");
                    if ws.send(Message::Binary(resync.into())).await.is_ok() {
                        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
                        loop {
                            match tokio::time::timeout_at(deadline, ws.next()).await {
                                Ok(Some(Ok(Message::Binary(b)))) => {
                                    let v: Value = rmp_serde::from_slice(&b).unwrap_or(Value::Null);
                                    if v["type"] == "snapshot" {
                                        break;
                                    }
                                }
                                Ok(Some(Ok(_))) => {}
                                Ok(Some(Err(_))) | Ok(None) => break,
                                Err(_) => panic!("neither a snapshot nor a close after {inputs:?}"),
                            }
                        }
                    }
                });
                Ok(())
            },
        )
        .expect("frames with random content");

    // Raw bytes after the upgrade: random frames (often invalid: unmasked, reserved bits,
    // bad opcodes, lengths that lie). The server must close, never hang or crash.
    runner(60)
        .run(
            &prop::collection::vec(
                prop_oneof![
                    prop::collection::vec(any::<u8>(), 1..64),
                    (0u8..16, prop::collection::vec(any::<u8>(), 0..125))
                        .prop_map(|(op, p)| client_frame(op, &p)),
                    (
                        any::<u8>(),
                        any::<u8>(),
                        prop::collection::vec(any::<u8>(), 0..16)
                    )
                        .prop_map(|(b0, b1, rest)| [vec![b0, b1], rest].concat()),
                ],
                1..6,
            ),
            |chunks| {
                rt.block_on(async {
                    let mut s = raw_ws(&d).await;
                    let mut head = [0u8; 512];
                    let n = s.read(&mut head).await.expect("upgrade answer");
                    assert!(head[..n].starts_with(b"HTTP/1.1 101"), "upgraded");
                    for c in &chunks {
                        if s.write_all(c).await.is_err() {
                            break;
                        }
                    }
                    let _ = s.shutdown().await;
                    assert!(
                        read_until_closed(&mut s, Duration::from_secs(10))
                            .await
                            .is_some(),
                        "the server closed the connection after {chunks:?}"
                    );
                });
                Ok(())
            },
        )
        .expect("raw frames");

    rt.block_on(async {
        healthy(&d).await;
        let (s, _) = support::execute(&d, wid, "increment_deaths", json!({})).await;
        assert_eq!(s, 200);
        // The watcher saw it, with no gap in seq (WsClient checks).
        watcher.until(|f| f["type"] == "element_update").await;
    });
    assert!(!d.log().contains("panicked"), "no panic in the daemon log");
}

/// A real bundle exported by a daemon with a widget, a command and a media file.
fn exported_bundle(d: &Daemon, rt: &Runtime) -> Vec<u8> {
    rt.block_on(async {
        let (_, w) = support::setup_widget(d, "ConfettiAlertWidget", json!({})).await;
        let wid = w["id"].as_u64().expect("id");
        let (s, b) = call(
            &http(),
            "POST",
            &d.url("/api/commands"),
            Some(json!({"trigger": "!boom", "widget_id": wid, "feature": "trigger_blast"})),
        )
        .await;
        assert_eq!(s, 201, "{b}");
        let r = http()
            .get(d.url("/api/export"))
            .send()
            .await
            .expect("export");
        assert_eq!(r.status(), 200);
        r.bytes().await.expect("bundle").to_vec()
    })
}

#[derive(Clone, Debug)]
enum Damage {
    Flip { at: usize, xor: u8 },
    Truncate(usize),
    Insert { at: usize, bytes: Vec<u8> },
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        4 => (any::<usize>(), 1u8..=255).prop_map(|(at, xor)| Damage::Flip { at, xor }),
        1 => any::<usize>().prop_map(Damage::Truncate),
        1 => (any::<usize>(), prop::collection::vec(any::<u8>(), 1..32))
            .prop_map(|(at, bytes)| Damage::Insert { at, bytes }),
    ]
}

fn damaged(mut b: Vec<u8>, damages: &[Damage]) -> Vec<u8> {
    for d in damages {
        if b.is_empty() {
            break;
        }
        match d {
            Damage::Flip { at, xor } => {
                let i = at % b.len();
                b[i] ^= xor;
            }
            Damage::Truncate(at) => b.truncate(at % b.len()),
            Damage::Insert { at, bytes } => {
                let i = at % b.len();
                b.splice(i..i, bytes.iter().copied());
            }
        }
    }
    b
}

#[test]
fn damaged_bundles_are_refused_cleanly_by_the_reader_and_the_api() {
    let d = Daemon::start();
    let rt = rt();
    let bundle = exported_bundle(&d, &rt);
    let settings = stagehand::config::Settings::load(None).expect("default settings");
    let limits = stagehand::bundle::Limits::of(&settings);
    let staging = tempfile::tempdir().expect("staging");
    // The reader itself, in process: many cases are cheap.
    runner(400)
        .run(&prop::collection::vec(damage(), 1..5), |damages| {
            let bytes = damaged(bundle.clone(), &damages);
            let dir = tempfile::tempdir_in(staging.path()).expect("dir");
            // Ok (a flip in a byte nobody checks) or a typed error; a panic fails the test.
            if let Ok(opened) =
                stagehand::bundle::read::open_reader(Cursor::new(bytes), &limits, dir.path())
            {
                let _ = stagehand::bundle::read::check_links(&opened.manifest);
            }
            Ok(())
        })
        .expect("the bundle reader never panics");
    // And through the API, dry run and real: never a 5xx, and a refused import writes nothing.
    let c = http();
    let before = rt.block_on(async { call(&c, "GET", &d.url("/api/widgets"), None).await.1 });
    runner(60)
        .run(
            &(any::<bool>(), prop::collection::vec(damage(), 1..4)),
            |(dry, damages)| {
                let bytes = damaged(bundle.clone(), &damages);
                let url = d.url(&format!("/api/import?dry_run={dry}&on_conflict=skip"));
                let (status, text) = rt.block_on(async {
                    let r = c
                        .post(url)
                        .header("content-type", "application/zip")
                        .body(bytes)
                        .send()
                        .await
                        .expect("the daemon answers");
                    (r.status().as_u16(), r.text().await.unwrap_or_default())
                });
                check_answer("POST /api/import", status, &text)
            },
        )
        .expect("no 5xx from a damaged bundle");
    rt.block_on(async {
        healthy(&d).await;
        // on_conflict=skip: whatever was accepted added nothing that already existed.
        let after = call(&c, "GET", &d.url("/api/widgets"), None).await.1;
        let names = |v: &Value| {
            let mut n: Vec<String> = v
                .as_array()
                .map(|a| a.iter().map(|w| w["name"].to_string()).collect())
                .unwrap_or_default();
            n.sort();
            n.dedup();
            n
        };
        assert_eq!(names(&before), names(&after));
    });
    assert!(!d.log().contains("panicked"), "no panic in the daemon log");
}
