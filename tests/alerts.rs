//! The alert queue end to end: events from the fake Twitch IRC server, the real daemon's
//! bindings and engine-owned queue, a real overlay socket. Alerts play one at a time in
//! arrival order, none lost; a paused queue with 20 waiting survives a SIGKILL; alerts wait
//! while no overlay is connected; a broken alert is skipped with an audit entry; a gift bomb
//! is one alert.

mod support;

use serde_json::{Value, json};
use stagehand_twitch::fake::{FakeTwitchServer, FakeUser};
use std::collections::HashMap;
use std::time::Duration;
use support::{Daemon, WsClient, call, http, png, upload};

/// Every alert plays 0.15 s (a variation that always matches), so 50 take seconds, not minutes.
const QUICK: &str = "amount >= 0: duration 0.15";

async fn start(irc: &FakeTwitchServer) -> Daemon {
    let addr = irc.addr().to_string();
    Daemon::start_with(&[
        ("STAGEHAND__TWITCH__ENABLED", "true"),
        ("STAGEHAND__TWITCH__CHANNEL", "streamer"),
        ("STAGEHAND__TWITCH__IRC_ADDR", addr.as_str()),
    ])
}

async fn post(d: &Daemon, path: &str, body: Value) -> Value {
    let (s, r) = call(&http(), "POST", &d.url(path), Some(body.clone())).await;
    assert!((200..300).contains(&s), "{path} {body} → {s} {r}");
    r
}

/// One active dashboard with the sub, cheer and raid alerts (all on queue "main").
async fn alert_widgets(d: &Daemon) -> HashMap<&'static str, u64> {
    let dash = post(d, "/api/dashboards", json!({"name": "Alerts"})).await["id"]
        .as_u64()
        .unwrap();
    post(d, &format!("/api/dashboards/{dash}/activate"), json!({})).await;
    let mut ids = HashMap::new();
    for (kind, class) in [
        ("sub", "SubscriberAlertWidget"),
        ("cheer", "CheerAlertWidget"),
        ("raid", "RaidAlertWidget"),
    ] {
        let w = post(
            d,
            "/api/widgets",
            json!({"widget_class": class, "name": class, "dashboard_ids": [dash],
                "widget_parameters": {"variations": QUICK}}),
        )
        .await;
        ids.insert(kind, w["id"].as_u64().unwrap());
    }
    ids
}

async fn execute(d: &Daemon, widget: u64, feature: &str, parameters: Value) {
    post(
        d,
        &format!("/api/widgets/{widget}/execute"),
        json!({"feature": feature, "parameters": parameters}),
    )
    .await;
}

async fn queue(d: &Daemon) -> Value {
    call(&http(), "GET", &d.url("/api/alerts"), None).await.1["queues"]["main"].clone()
}

fn waiting(q: &Value) -> Vec<String> {
    q["waiting"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|w| w["label"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// The `play_alert` audit entries, oldest first: (label, ok).
async fn plays(d: &Daemon) -> Vec<(String, bool)> {
    let (_, a) = call(&http(), "GET", &d.url("/api/audit?limit=1000"), None).await;
    let mut out: Vec<(u64, String, bool)> = a
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "play_alert")
        .map(|e| {
            let target = e["target"].as_str().unwrap_or_default();
            let label = target
                .split(" (queue ")
                .next()
                .unwrap_or_default()
                .to_string();
            (e["id"].as_u64().unwrap(), label, e["ok"] == true)
        })
        .collect();
    out.sort();
    out.into_iter().map(|(_, l, ok)| (l, ok)).collect()
}

async fn wait_plays(d: &Daemon, n: usize) -> Vec<(String, bool)> {
    for _ in 0..1200 {
        let p = plays(d).await;
        if p.len() >= n {
            return p;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!(
        "only {} of {n} alerts played: {:?}",
        plays(d).await.len(),
        queue(d).await
    );
}

async fn joined(d: &Daemon, irc: &FakeTwitchServer) {
    irc.wait_for_join("streamer").await;
    for _ in 0..400 {
        if call(&http(), "GET", &d.url("/api/status"), None).await.1["twitch"]["connected"] == true
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("twitch never connected");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_fifty_events_plays_one_at_a_time_in_order_none_lost() {
    let irc = FakeTwitchServer::start().await;
    let d = start(&irc).await;
    let w = alert_widgets(&d).await;
    for b in [
        json!({"event": "sub", "widget_id": w["sub"], "feature": "trigger_sub",
            "parameters": {"subscriber_name": "{user}", "tier": "{tier}", "months": "{months}"}}),
        json!({"event": "cheer", "widget_id": w["cheer"], "feature": "trigger_cheer",
            "parameters": {"user": "{user}", "bits": "{amount}", "message": "{message}"}}),
        json!({"event": "raid", "widget_id": w["raid"], "feature": "trigger_raid",
            "parameters": {"raider": "{user}", "viewers": "{viewers}"}}),
    ] {
        post(&d, "/api/event-bindings", b).await;
    }
    joined(&d, &irc).await;
    let mut overlay = WsClient::connect(&d.ws_url("overlay")).await;
    overlay.next().await;

    let mut expected = Vec::new();
    for i in 0..50u64 {
        let name = format!("fan{i:02}");
        let user = FakeUser::new(&name).id(&name);
        match i % 3 {
            0 => {
                irc.sub(&user, "1000");
                expected.push(format!("{name} subscribed (tier 1, 1 months)"));
            }
            1 => {
                irc.privmsg_with_bits(&user, 100 + i, &format!("Cheer{} gg", 100 + i));
                expected.push(format!("{name} cheered {} bits", 100 + i));
            }
            _ => {
                irc.raid(&user, 10 + i);
                expected.push(format!("{name} raided with {} viewers", 10 + i));
            }
        }
    }

    // The overlay's frames: which alert headline is visible, frame by frame.
    let mut visible: HashMap<u64, bool> = HashMap::new();
    let mut shown = Vec::new();
    while shown.len() < 50 {
        let f = overlay.next().await;
        let e = &f["element"];
        if f["type"] != "element_update" || e["name"] != "headline" {
            continue;
        }
        let wid = e["widget_id"].as_u64().unwrap();
        let now = e["visible"] == true;
        if now && !visible.get(&wid).copied().unwrap_or(false) {
            shown.push(
                e["properties"]["text"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            );
        }
        visible.insert(wid, now);
        assert!(
            visible.values().filter(|v| **v).count() <= 1,
            "two alerts on screen at once after {shown:?}"
        );
    }
    let played: Vec<String> = wait_plays(&d, 50)
        .await
        .into_iter()
        .map(|(l, ok)| {
            assert!(ok, "{l} failed");
            l
        })
        .collect();
    assert_eq!(played, expected, "arrival order, none lost");
    // The headlines the overlay got say who, in the same order.
    for (text, label) in shown.iter().zip(&expected) {
        let who = label.split(' ').next().unwrap();
        assert!(text.contains(who), "{text} vs {label}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paused_queue_survives_sigkill_and_plays_all_twenty_after_resume() {
    let irc = FakeTwitchServer::start().await;
    let mut d = start(&irc).await;
    let w = alert_widgets(&d).await;
    execute(&d, w["sub"], "pause_queue", json!({})).await;
    for i in 0..20 {
        execute(
            &d,
            w["sub"],
            "trigger_sub",
            json!({"subscriber_name": format!("sub{i:02}"), "months": i + 1}),
        )
        .await;
    }
    let q = queue(&d).await;
    assert_eq!(q["paused"], true);
    let before = waiting(&q);
    assert_eq!(before.len(), 20);

    d.kill();
    d.spawn();
    let q = queue(&d).await;
    assert_eq!(q["paused"], true, "still paused after the restart");
    assert_eq!(waiting(&q), before, "the same 20 in the same order");

    let _overlay = WsClient::connect(&d.ws_url("overlay")).await;
    execute(&d, w["sub"], "resume_queue", json!({})).await;
    let played: Vec<String> = wait_plays(&d, 20)
        .await
        .into_iter()
        .map(|(l, _)| l)
        .collect();
    assert_eq!(played, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alerts_wait_for_an_overlay_and_a_broken_one_is_skipped() {
    let irc = FakeTwitchServer::start().await;
    let d = start(&irc).await;
    let w = alert_widgets(&d).await;
    for i in 0..5 {
        execute(
            &d,
            w["cheer"],
            "trigger_cheer",
            json!({"user": format!("c{i}"), "bits": 100}),
        )
        .await;
    }
    let q = queue(&d).await;
    assert!(q["playing"].is_null(), "nobody watches: nothing plays {q}");
    assert_eq!(waiting(&q).len(), 5);
    let mut overlay = WsClient::connect(&d.ws_url("overlay")).await;
    overlay.next().await;
    let played: Vec<String> = wait_plays(&d, 5)
        .await
        .into_iter()
        .map(|(l, _)| l)
        .collect();
    let expected: Vec<String> = (0..5).map(|i| format!("c{i} cheered 100 bits")).collect();
    assert_eq!(
        played, expected,
        "the five play in order once an overlay connects"
    );

    // Two alerts whose widget is deleted before they play, then one that can play.
    execute(&d, w["sub"], "pause_queue", json!({})).await;
    execute(
        &d,
        w["raid"],
        "trigger_raid",
        json!({"raider": "gone1", "viewers": 5}),
    )
    .await;
    execute(
        &d,
        w["raid"],
        "trigger_raid",
        json!({"raider": "gone2", "viewers": 5}),
    )
    .await;
    execute(
        &d,
        w["sub"],
        "trigger_sub",
        json!({"subscriber_name": "stays"}),
    )
    .await;
    let (s, _) = call(
        &http(),
        "DELETE",
        &d.url(&format!("/api/widgets/{}", w["raid"])),
        None,
    )
    .await;
    assert_eq!(s, 204);
    execute(&d, w["sub"], "resume_queue", json!({})).await;
    let p = wait_plays(&d, 8).await;
    assert_eq!(
        &p[5..],
        [
            ("gone1 raided with 5 viewers".to_string(), false),
            ("gone2 raided with 5 viewers".to_string(), false),
            ("stays subscribed (tier 1, 1 months)".to_string(), true),
        ],
        "skipped with an audit entry each; the next one played"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gift_bomb_of_twenty_is_one_alert_with_the_count() {
    let irc = FakeTwitchServer::start().await;
    let d = start(&irc).await;
    let w = alert_widgets(&d).await;
    post(
        &d,
        "/api/event-bindings",
        json!({"event": "gift_sub", "widget_id": w["sub"], "feature": "trigger_gift",
            "parameters": {"gifter_name": "{user}", "count": "{amount}", "tier": "{tier}"}}),
    )
    .await;
    // A lone raid after the bomb, to know when the bridge got past all 21 lines.
    post(
        &d,
        "/api/event-bindings",
        json!({"event": "raid", "widget_id": w["raid"], "feature": "trigger_raid",
            "parameters": {"raider": "{user}", "viewers": "{viewers}"}}),
    )
    .await;
    joined(&d, &irc).await;
    let _overlay = WsClient::connect(&d.ws_url("overlay")).await;
    let santa = FakeUser::new("santa").display_name("Santa");
    irc.submysterygift(&santa, 20, "1000");
    for i in 0..20 {
        irc.subgift_of_bomb(&santa, &format!("lucky{i}"), "1000");
    }
    irc.raid(&FakeUser::new("after"), 3);
    let labels: Vec<String> = wait_plays(&d, 2)
        .await
        .into_iter()
        .map(|(l, _)| l)
        .collect();
    assert_eq!(
        labels,
        [
            "Santa gifted 20 subs (tier 1)",
            "after raided with 3 viewers"
        ],
        "one alert for the bomb, none for its 20 single gifts"
    );

    // Test alerts for the admin's buttons go through the same queue.
    let fired = post(&d, "/api/alerts/test", json!({"kind": "cheer"})).await;
    assert_eq!(fired["widget_ids"], json!([w["cheer"]]));
    let (s, e) = call(
        &http(),
        "POST",
        &d.url("/api/alerts/test"),
        Some(json!({"kind": "follow"})),
    )
    .await;
    assert_eq!(
        (s, e["error"]["field"].as_str()),
        (404, Some("kind")),
        "no follower alert yet"
    );
    let (s, e) = call(
        &http(),
        "POST",
        &d.url("/api/alerts/test"),
        Some(json!({"kind": "hug"})),
    )
    .await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("kind")));
    let labels: Vec<String> = wait_plays(&d, 3)
        .await
        .into_iter()
        .map(|(l, _)| l)
        .collect();
    assert_eq!(labels[2], "TestCheerer cheered 100 bits");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_alerts_page_pauses_reorders_skips_and_clears_the_live_queue() {
    let irc = FakeTwitchServer::start().await;
    let d = start(&irc).await;
    let w = alert_widgets(&d).await;
    // Paused before any alert came in.
    post(&d, "/api/alerts/queues/main/pause", json!(null)).await;
    for name in ["a", "b", "c"] {
        execute(
            &d,
            w["sub"],
            "trigger_sub",
            json!({"subscriber_name": name}),
        )
        .await;
    }
    let q = queue(&d).await;
    let ids: Vec<u64> = q["waiting"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_u64().unwrap())
        .collect();
    let (s, v) = call(
        &http(),
        "PUT",
        &d.url("/api/alerts/queues/main/order"),
        Some(json!({"ids": [ids[2], ids[0]]})),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(
        waiting(&v["queues"]["main"]),
        [
            "c subscribed (tier 1, 1 months)",
            "a subscribed (tier 1, 1 months)",
            "b subscribed (tier 1, 1 months)"
        ]
    );
    let _overlay = WsClient::connect(&d.ws_url("overlay")).await;
    let v = post(&d, "/api/alerts/queues/main/resume", json!(null)).await;
    assert_eq!(
        v["queues"]["main"]["playing"]["label"],
        "c subscribed (tier 1, 1 months)"
    );
    let v = post(&d, "/api/alerts/queues/main/clear", json!(null)).await;
    assert!(
        waiting(&v["queues"]["main"]).is_empty(),
        "cleared; c still plays"
    );
    let v = post(&d, "/api/alerts/queues/main/skip", json!(null)).await;
    assert!(v["queues"]["main"]["playing"].is_null());
    assert_eq!(
        v["queues"]["main"]["last"]["label"],
        "c subscribed (tier 1, 1 months)"
    );
    let v = post(&d, "/api/alerts/queues/main/replay_last", json!(null)).await;
    assert_eq!(
        waiting(&v["queues"]["main"]),
        ["c subscribed (tier 1, 1 months)"]
    );
    let (s, e) = call(
        &http(),
        "POST",
        &d.url("/api/alerts/queues/main/explode"),
        None,
    )
    .await;
    assert_eq!((s, e["error"]["field"].as_str()), (404, Some("action")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn variations_pick_their_media_the_preview_shows_it_and_a_deleted_file_skips_the_alert() {
    let d = Daemon::start();
    let (a, b) = (
        upload(&d, "big-a.png", png(8, 8, 1)).await,
        upload(&d, "big-b.png", png(8, 8, 2)).await,
    );
    let rules = format!(
        "amount >= 100: image {a}|{b}, duration 0.3, headline \"{{user}} is a legend!\"\namount >= 0: duration 0.3"
    );
    let (_, w) =
        support::setup_widget(&d, "DonationAlertWidget", json!({"variations": rules})).await;
    let id = w["id"].as_u64().unwrap();

    // Bad rules are refused when saved, naming the line; nothing changes.
    let patch = |v: &str| json!({"widget_parameters": {"variations": v}});
    for (bad, why) in [
        ("amount >= 100: sparkles", "line 1: unknown look 'sparkles'"),
        (
            "# fine\namount >= 1: image 999",
            "line 2: media 999 is not in the media library",
        ),
        ("level >= 3: confetti", "line 1: unknown variable 'level'"),
    ] {
        let (s, e) = call(
            &http(),
            "PATCH",
            &d.url(&format!("/api/widgets/{id}")),
            Some(patch(bad)),
        )
        .await;
        assert_eq!(s, 422, "{e}");
        assert_eq!(e["error"]["field"], "widget_parameters.variations", "{e}");
        let message = e["error"]["message"].as_str().unwrap();
        assert!(message.contains(why), "{message}");
    }

    // The preview runs the widget as an alert would, with unsaved edits, queueing nothing.
    let url = d.url("/api/alerts/preview");
    let preview = |body: Value| {
        let url = url.clone();
        async move { call(&http(), "POST", &url, Some(body)).await }
    };
    let (s, p) = preview(
        json!({"widget_id": id, "event": {"user": "Whale", "amount": 150, "message": "gg"}}),
    )
    .await;
    assert_eq!(s, 200, "{p}");
    assert_eq!(p["rule"], 1);
    assert_eq!(p["headline"], "\u{2068}Whale\u{2069} is a legend!");
    assert_eq!(p["message"], "\u{2068}gg\u{2069}");
    assert_eq!(p["duration_ms"], 300);
    assert!([a, b].contains(&p["image"]["id"].as_u64().unwrap()), "{p}");
    assert!(p["image"]["url"].as_str().unwrap().starts_with("/media/"));
    let (_, small) = preview(json!({"widget_id": id, "event": {"amount": 5}})).await;
    assert_eq!(
        (small["rule"].clone(), small["image"].clone()),
        (json!(2), Value::Null),
        "{small}"
    );
    let (_, unsaved) = preview(
        json!({"widget_id": id, "parameters": {"variations": ""}, "event": {"amount": 150}}),
    )
    .await;
    assert_eq!(
        unsaved["rule"],
        Value::Null,
        "the unsaved edit is previewed: {unsaved}"
    );
    assert_eq!(unsaved["duration_ms"], 8000);
    let mut picked = std::collections::BTreeSet::new();
    for seed in 0..40 {
        let (_, p) =
            preview(json!({"widget_id": id, "event": {"amount": 150}, "seed": seed})).await;
        picked.insert(p["image"]["id"].as_u64().unwrap());
    }
    assert_eq!(picked, [a, b].into(), "the random pick covers every image");
    let (s, e) =
        preview(json!({"widget_id": id, "parameters": {"variations": "amount > x: confetti"}}))
            .await;
    assert_eq!(
        (s, e["error"]["field"].clone()),
        (422, json!("parameters.variations")),
        "{e}"
    );
    let (s, _) = preview(json!({"widget_id": 9999})).await;
    assert_eq!(s, 404);
    let (_, goal) = support::setup_widget(&d, "DeathCounterWidget", json!({})).await;
    let (s, e) = preview(json!({"widget_id": goal["id"]})).await;
    assert_eq!(
        (s, e["error"]["field"].clone()),
        (422, json!("widget_id")),
        "{e}"
    );
    support::keep_on_active(&d, &[id]).await;
    assert!(
        queue(&d).await["waiting"]
            .as_array()
            .is_none_or(|w| w.is_empty()),
        "previews queue nothing"
    );

    // On the overlay: the big donation shows a picked image in role `variation`, the small one
    // the widget's own, and the hide clears the pick.
    let mut overlay = WsClient::connect(&d.ws_url("overlay")).await;
    overlay.next().await;
    execute(
        &d,
        id,
        "show_donation",
        json!({"donor_name": "Whale", "amount": 150}),
    )
    .await;
    let shown = overlay
        .until(|f| support::element_named(f, "visual").is_some_and(|e| e["visible"] == true))
        .await;
    let visual = support::element_named(&shown, "visual").unwrap();
    let roles: Vec<(String, u64)> = visual["media_details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["role"].as_str().unwrap().to_string(),
                m["id"].as_u64().unwrap(),
            )
        })
        .collect();
    let pick = roles
        .iter()
        .find(|(r, _)| r == "variation")
        .map(|(_, id)| *id);
    assert!(pick.is_some_and(|p| [a, b].contains(&p)), "{roles:?}");
    let hidden = overlay
        .until(|f| support::element_named(f, "visual").is_some_and(|e| e["visible"] == false))
        .await;
    let visual = support::element_named(&hidden, "visual").unwrap();
    assert!(
        !visual["media_details"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["role"] == "variation"),
        "{visual}"
    );
    wait_plays(&d, 1).await;

    // A file deleted while its alert waits: that alert is skipped with an audit entry, the
    // next plays, and the rules forget the file.
    execute(&d, id, "pause_queue", json!({})).await;
    execute(
        &d,
        id,
        "show_donation",
        json!({"donor_name": "Gone", "amount": 500}),
    )
    .await;
    execute(
        &d,
        id,
        "show_donation",
        json!({"donor_name": "Next", "amount": 1}),
    )
    .await;
    for m in [a, b] {
        let (s, r) = call(
            &http(),
            "DELETE",
            &d.url(&format!("/api/media/{m}?force=true")),
            None,
        )
        .await;
        assert_eq!(s, 204, "{r}");
    }
    execute(&d, id, "resume_queue", json!({})).await;
    let p = wait_plays(&d, 3).await;
    assert_eq!(
        &p[1..],
        [
            ("Gone donated $500.00".to_string(), false),
            ("Next donated $1.00".to_string(), true),
        ]
    );
    let (_, w) = call(&http(), "GET", &d.url(&format!("/api/widgets/{id}")), None).await;
    assert_eq!(
        w["widget_parameters"]["variations"],
        "amount >= 100: duration 0.3, headline \"{user} is a legend!\"\namount >= 0: duration 0.3"
    );
}
