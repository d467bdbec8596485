//! The event log end to end: Twitch events from the fake IRC server and donations posted to
//! the API land in redb once each, in order; `GET /api/events` filters and pages them and
//! exports a CSV a spreadsheet opens safely; the event list and top supporter widgets are fed
//! from the same events; the log survives a SIGKILL and keeps to its retention.

mod support;

use serde_json::{Value, json};
use stagehand::model::{EventKind, EventSource, LoggedEvent, NewEvent};
use stagehand::store::{Store, Write};
use stagehand_twitch::fake::{FakeTwitchServer, FakeUser};
use std::time::Duration;
use support::{Daemon, call, http};

async fn post(d: &Daemon, path: &str, body: Value) -> Value {
    let (s, r) = call(&http(), "POST", &d.url(path), Some(body.clone())).await;
    assert!((200..300).contains(&s), "{path} {body} → {s} {r}");
    r
}

async fn get(d: &Daemon, path: &str) -> Value {
    let (s, r) = call(&http(), "GET", &d.url(path), None).await;
    assert_eq!(s, 200, "{path} → {r}");
    r
}

/// Polls `GET path` until `done` holds (the log is written by the engine, a moment later).
async fn until(d: &Daemon, path: &str, done: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..400 {
        let v = get(d, path).await;
        if done(&v) {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("{path} never got there: {}", get(d, path).await);
}

/// A widget of `class` on dashboard `dash`; its id.
async fn add_widget(d: &Daemon, class: &str, name: &str, dash: &Value) -> u64 {
    let body = json!({"widget_class": class, "name": name, "dashboard_ids": [dash]});
    post(d, "/api/widgets", body).await["id"]
        .as_u64()
        .expect("widget id")
}

/// An event as the log stores it, for data files written before the daemon starts.
fn logged(
    id: u64,
    at_ms: u64,
    kind: EventKind,
    user: &str,
    amount: f64,
    source: EventSource,
) -> Write {
    Write::Event(LoggedEvent {
        id,
        at_ms,
        event: NewEvent {
            kind,
            user: user.into(),
            login: user.to_lowercase(),
            amount,
            currency: if kind == EventKind::Donation {
                "USD".into()
            } else {
                String::new()
            },
            message: String::new(),
            detail: String::new(),
            source,
        },
    })
}

fn text_of(d: &Value, widget: u64, name: &str) -> String {
    d["elements"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|e| e["widget_id"] == widget && e["name"] == name)
        .and_then(|e| e["properties"]["text"].as_str())
        .unwrap_or_default()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twitch_events_are_logged_once_and_feed_the_event_widgets() {
    let irc = FakeTwitchServer::start().await;
    let addr = irc.addr().to_string();
    let mut d = Daemon::start_with(&[
        ("STAGEHAND__TWITCH__ENABLED", "true"),
        ("STAGEHAND__TWITCH__CHANNEL", "streamer"),
        ("STAGEHAND__TWITCH__IRC_ADDR", addr.as_str()),
    ]);
    let dash = post(&d, "/api/dashboards", json!({"name": "Main"})).await["id"].clone();
    let list = add_widget(&d, "EventListWidget", "Events", &dash).await;
    let top = add_widget(&d, "TopSupporterWidget", "Top", &dash).await;
    irc.wait_for_join("streamer").await;

    let ann = FakeUser::new("ann").display_name("Ann").id("1");
    let bob = FakeUser::new("bob").display_name("Bob").id("2");
    irc.sub(&ann, "2000");
    irc.privmsg_with_bits(&bob, 500, "Cheer500 =HYPERLINK(\"evil\")");
    irc.raid(&ann, 42);
    // A gift bomb of 20: one announcement, then 20 single gifts of the same bomb.
    irc.submysterygift(&bob, 20, "1000");
    for i in 0..20 {
        irc.subgift_of_bomb(&bob, &format!("lucky{i}"), "1000");
    }
    irc.privmsg_with_bits(&ann, 100, "Cheer100");

    let events = until(&d, "/api/events", |v| {
        v.as_array().is_some_and(|a| a.len() >= 5)
    })
    .await;
    let kinds: Vec<(&str, &str, f64)> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap_or(""),
                e["user"].as_str().unwrap_or(""),
                e["amount"].as_f64().unwrap_or(-1.0),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("cheer", "Ann", 100.0),
            ("gift_sub", "Bob", 20.0),
            ("raid", "Ann", 42.0),
            ("cheer", "Bob", 500.0),
            ("sub", "Ann", 1.0),
        ],
        "newest first; the gift bomb is one event"
    );
    assert_eq!(events[4]["detail"], "2", "the sub's tier");
    assert_eq!(events[4]["source"], "twitch_chat");

    // Filters and paging.
    let cheers = get(&d, "/api/events?kind=cheer").await;
    assert_eq!(cheers.as_array().unwrap().len(), 2);
    let first = events[0]["id"].as_u64().unwrap();
    let page = get(&d, &format!("/api/events?limit=2&before={first}")).await;
    assert_eq!(page[0]["kind"], "gift_sub");
    assert_eq!(page.as_array().unwrap().len(), 2);
    assert_eq!(
        get(&d, "/api/events?since=1h")
            .await
            .as_array()
            .unwrap()
            .len(),
        5
    );
    let future = 4_000_000_000_000u64;
    assert!(
        get(&d, &format!("/api/events?since={future}"))
            .await
            .as_array()
            .unwrap()
            .is_empty()
    );
    for (bad, field) in [
        ("kind=cheers", "kind"),
        ("since=yesterday", "since"),
        ("format=xml", "format"),
        ("limit=x", "query"),
    ] {
        let (s, e) = call(&http(), "GET", &d.url(&format!("/api/events?{bad}")), None).await;
        assert_eq!(
            (s, e["error"]["field"].as_str()),
            (422, Some(field)),
            "{bad}: {e}"
        );
    }

    // The widgets were fed the same events (in the same commits as the log).
    let elements = until(&d, &format!("/api/widgets/{list}"), |v| {
        (0..11).any(|i| text_of(v, list, &format!("name_{i}")) == "Ann")
    })
    .await;
    let names: Vec<String> = (0..11)
        .map(|i| text_of(&elements, list, &format!("what_{i}")))
        .collect();
    assert!(names.contains(&"gifted 20 subs".to_string()), "{names:?}");
    assert!(names.contains(&"tier 2 sub".to_string()), "{names:?}");
    let board = get(&d, &format!("/api/widgets/{top}")).await;
    assert_eq!(text_of(&board, top, "name_cheer_stream"), "Bob");
    assert_eq!(text_of(&board, top, "amount_cheer_stream"), "500 bits");
    assert_eq!(text_of(&board, top, "amount_gift_all"), "20 subs");

    // CSV: a header, every event, viewer text defused and quoted.
    let resp = http()
        .get(d.url("/api/events?format=csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(
        resp.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    let csv = resp.text().await.unwrap();
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines[0],
        "id,time_utc,kind,user,login,amount,currency,message,detail,source"
    );
    assert_eq!(lines.len(), 6);
    assert!(
        csv.contains(",\"Cheer500 =HYPERLINK(\"\"evil\"\")\","),
        "the message is quoted: {csv}"
    );
    assert!(lines[1].contains(",cheer,Ann,ann,100,"), "{}", lines[1]);

    // Survives a SIGKILL: the log is in redb.
    d.kill();
    d.spawn();
    assert_eq!(get(&d, "/api/events").await.as_array().unwrap().len(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posted_donations_are_logged_fire_bindings_and_bad_ones_are_refused() {
    let d = Daemon::start();
    let dash = post(&d, "/api/dashboards", json!({"name": "Main"})).await["id"].clone();
    post(&d, &format!("/api/dashboards/{dash}/activate"), json!({})).await;
    let alert = post(
        &d,
        "/api/widgets",
        json!({"widget_class": "DonationAlertWidget", "name": "Tips", "dashboard_ids": [dash]}),
    )
    .await["id"]
        .clone();
    post(
        &d,
        "/api/event-bindings",
        json!({"event": "donation", "min_amount": 5, "widget_id": alert, "feature": "show_donation",
            "parameters": {"donor_name": "{user}", "amount": "{amount}", "message": "{message}"}}),
    )
    .await;

    let (s, logged) = call(
        &http(),
        "POST",
        &d.url("/api/events"),
        Some(json!({"kind": "donation", "user": "PixelQueen", "amount": 25.5, "currency": "eur", "message": "<script>alert(1)</script>"})),
    )
    .await;
    assert_eq!(s, 201, "{logged}");
    assert_eq!(logged["currency"], "EUR");
    assert_eq!(logged["source"], "api");
    assert_eq!(
        logged["message"], "<script>alert(1)</script>",
        "stored as text"
    );
    // The binding queued the donation alert (below min_amount nothing fires).
    post(
        &d,
        "/api/events",
        json!({"kind": "donation", "user": "Small", "amount": 1}),
    )
    .await;
    let audit = until(&d, "/api/audit?limit=100", |a| {
        a.as_array().is_some_and(|a| {
            a.iter()
                .any(|e| e["action"] == "execute" && e["actor"]["kind"] == "event")
        })
    })
    .await;
    let runs: Vec<&Value> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            e["action"] == "execute" && e["target"].as_str().unwrap_or("").contains("show_donation")
        })
        .collect();
    assert_eq!(runs.len(), 1, "only the 25.50 donation passes min_amount 5");
    assert_eq!(runs[0]["params"]["donor_name"], "PixelQueen");
    assert_eq!(runs[0]["params"]["amount"], 25.5);

    for (body, field) in [
        (
            json!({"kind": "donation", "user": " ", "amount": 5}),
            "user",
        ),
        (
            json!({"kind": "donation", "user": "x", "amount": -5}),
            "amount",
        ),
        (json!({"kind": "tip", "user": "x"}), "kind"),
        (
            json!({"kind": "donation", "user": "x", "currency": "dollars"}),
            "currency",
        ),
        (
            json!({"kind": "donation", "user": "x", "extra": 1}),
            "extra",
        ),
    ] {
        let (s, e) = call(&http(), "POST", &d.url("/api/events"), Some(body.clone())).await;
        assert_eq!(s, 422, "{body} → {e}");
        assert!(
            e["error"]["field"].as_str().unwrap_or("").contains(field),
            "{body} → {e}"
        );
    }
    let long = "x".repeat(5000);
    let big = post(
        &d,
        "/api/events",
        json!({"kind": "follow", "user": long, "message": long}),
    )
    .await;
    assert_eq!(big["user"].as_str().unwrap().chars().count(), 64);
    assert_eq!(big["message"].as_str().unwrap().chars().count(), 500);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_older_than_the_retention_leave_at_start_up() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let day = 86_400_000u64;
    let now = stagehand::model::now_ms();
    {
        let store = Store::open(&data).unwrap();
        let ev = |id: u64, at_ms: u64| {
            logged(
                id,
                at_ms,
                EventKind::Cheer,
                &format!("fan{id}"),
                100.0,
                EventSource::TwitchChat,
            )
        };
        store
            .commit(&[
                ev(1, now - 40 * day),
                ev(2, now - 31 * day),
                ev(3, now - 2 * day),
                ev(4, now - 1000),
                Write::Counter(stagehand::model::Kind::Event, 5),
            ])
            .unwrap();
    }
    let data_dir = data.to_string_lossy().to_string();
    let d = Daemon::start_with(&[
        ("STAGEHAND__STORAGE__DATA_DIR", data_dir.as_str()),
        ("STAGEHAND__EVENTS__RETENTION_DAYS", "30"),
    ]);
    let left: Vec<u64> = get(&d, "/api/events")
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_u64().unwrap())
        .collect();
    assert_eq!(left, [4, 3], "the two older than 30 days are gone");
    let next = post(&d, "/api/events", json!({"kind": "follow", "user": "New"})).await;
    assert_eq!(next["id"], 5, "ids carry on");
}

/// A leaderboard or event list added long after the events starts from the log: last
/// month's top donor is there at once, "this stream" only holds the current stream.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn widgets_added_later_start_from_the_logs_history() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let (hour, now) = (3_600_000u64, stagehand::model::now_ms());
    {
        let store = Store::open(&data).unwrap();
        let ev =
            |id, at_ms, kind, user, amount| logged(id, at_ms, kind, user, amount, EventSource::Api);
        store
            .commit(&[
                // Last week's stream.
                ev(1, now - 170 * hour, EventKind::Cheer, "Oldie", 5000.0),
                ev(2, now - 169 * hour, EventKind::Donation, "Whale", 250.0),
                // Tonight's.
                ev(3, now - hour, EventKind::Cheer, "Newbie", 100.0),
                ev(4, now - hour / 2, EventKind::Follow, "Fresh", 0.0),
                Write::Counter(stagehand::model::Kind::Event, 5),
            ])
            .unwrap();
    }
    let data_dir = data.to_string_lossy().to_string();
    let d = Daemon::start_with(&[("STAGEHAND__STORAGE__DATA_DIR", data_dir.as_str())]);
    let dash = post(&d, "/api/dashboards", json!({"name": "Show"})).await["id"].clone();
    let top = add_widget(&d, "TopSupporterWidget", "Top", &dash).await;
    let list = add_widget(&d, "EventListWidget", "Recent", &dash).await;
    let board = get(&d, &format!("/api/widgets/{top}")).await;
    assert_eq!(text_of(&board, top, "name_cheer_all"), "Oldie");
    assert_eq!(text_of(&board, top, "amount_cheer_all"), "5000 bits");
    assert_eq!(text_of(&board, top, "name_donation_all"), "Whale");
    assert_eq!(
        text_of(&board, top, "name_cheer_stream"),
        "Newbie",
        "tonight's stream only"
    );
    assert_eq!(
        text_of(&board, top, "name_donation_stream"),
        "Be the first!"
    );
    let rows = get(&d, &format!("/api/widgets/{list}")).await;
    // The rows are a ring of slots: read them top to bottom.
    let mut shown: Vec<(i64, String)> = rows["elements"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            e["visible"] == true && e["name"].as_str().is_some_and(|n| n.starts_with("name_"))
        })
        .map(|e| {
            let y = e["properties"]["position"]["y"]
                .as_f64()
                .unwrap_or_default() as i64;
            (
                y,
                e["properties"]["text"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            )
        })
        .collect();
    shown.sort();
    let names: Vec<&str> = shown.iter().map(|(_, n)| n.as_str()).collect();
    assert_eq!(names, ["Fresh", "Newbie", "Whale", "Oldie"], "newest first");
}
