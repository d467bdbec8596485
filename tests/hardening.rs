//! Regression tests for the holes found by attacking the daemon like a hostile local program
//! or a LAN guest would: a Ping flood that never reads, connections that never finish (or
//! never start) a request, piles of idle connections at a desktop's 1024 open-file limit,
//! and the smaller ones (Host authority, methods on pages, unsafe integers, bodies past the
//! limit, the Bearer scheme, absurd config values).

mod support;

use serde_json::{Value, json};
use std::time::{Duration, Instant};
use support::{Daemon, call, client_frame, http, raw_ws, read_until_closed};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Resident memory of a process, in KiB.
fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

#[tokio::test]
async fn a_ping_flood_that_never_reads_is_closed_and_memory_stays_flat() {
    let d = Daemon::start();
    let before = rss_kib(d.pid());
    let mut s = raw_ws(&d).await;
    let ping = client_frame(0x9, &[7u8; 125]);
    let burst: Vec<u8> = std::iter::repeat_n(ping, 256).flatten().collect();
    // Flood for up to 5 s without reading a byte; stop when the daemon hangs up.
    let end = Instant::now() + Duration::from_secs(5);
    let mut sent = 0usize;
    while Instant::now() < end {
        match tokio::time::timeout(Duration::from_millis(500), s.write_all(&burst)).await {
            Ok(Ok(())) => sent += burst.len(),
            Ok(Err(_)) => break,
            Err(_) => {}
        }
    }
    let peak = rss_kib(d.pid());
    assert!(
        peak < 100 * 1024,
        "RSS {peak} KiB after {sent} bytes of Pings (started at {before} KiB)"
    );
    assert!(
        read_until_closed(&mut s, Duration::from_secs(10))
            .await
            .is_some(),
        "the flooding socket is closed"
    );
    // Everyone else is still served.
    let (st, _) = call(&http(), "GET", &d.url("/api/status"), None).await;
    assert_eq!(st, 200);
    let mut ok = support::WsClient::connect(&d.ws_url("overlay")).await;
    assert_eq!(ok.next().await["type"], "snapshot");
}

fn quick_timeouts() -> Vec<(&'static str, &'static str)> {
    vec![
        ("STAGEHAND__SERVER__HEADER_TIMEOUT_S", "1"),
        ("STAGEHAND__SERVER__BODY_TIMEOUT_S", "1"),
        ("STAGEHAND__SERVER__IDLE_TIMEOUT_S", "1"),
    ]
}

#[tokio::test]
async fn idle_and_half_sent_connections_are_closed() {
    let d = Daemon::start_with(&quick_timeouts());
    let within = Duration::from_secs(15);

    // Connected, never sends a byte.
    let mut idle = TcpStream::connect(&d.addr).await.unwrap();
    // Half a request head, trickled a byte at a time (slowloris).
    let mut head = TcpStream::connect(&d.addr).await.unwrap();
    head.write_all(b"GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        .await
        .unwrap();
    let trickle = tokio::spawn(async move {
        for _ in 0..60 {
            if head.write_all(b"a").await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        read_until_closed(&mut head, Duration::from_secs(1)).await
    });
    // A body announced as 100 bytes, 10 sent.
    let mut body = TcpStream::connect(&d.addr).await.unwrap();
    body.write_all(
        format!(
            "POST /api/dashboards HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
             Content-Length: 100\r\n\r\n{{\"name\":\"",
            d.addr
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    // A kept-alive connection after one complete request.
    let mut kept = TcpStream::connect(&d.addr).await.unwrap();
    kept.write_all(format!("GET /api/status HTTP/1.1\r\nHost: {}\r\n\r\n", d.addr).as_bytes())
        .await
        .unwrap();

    assert!(
        read_until_closed(&mut idle, within).await.is_some(),
        "idle closed"
    );
    let answered = read_until_closed(&mut body, within)
        .await
        .expect("half-sent body closed");
    let answered = String::from_utf8_lossy(&answered);
    assert!(answered.starts_with("HTTP/1.1 4"), "{answered}");
    let kept = read_until_closed(&mut kept, within)
        .await
        .expect("kept-alive closed");
    assert!(String::from_utf8_lossy(&kept).starts_with("HTTP/1.1 200"));
    let closed = tokio::time::timeout(within, trickle)
        .await
        .expect("slowloris ends")
        .expect("task");
    assert!(closed.is_some(), "half-sent head closed");
    // Nothing was created by the half body.
    let (_, list) = call(&http(), "GET", &d.url("/api/dashboards"), None).await;
    assert_eq!(list, json!([]));
}

#[tokio::test]
async fn a_pile_of_idle_connections_at_a_1024_fd_limit_does_not_lock_the_api_out() {
    let d = Daemon::start_limited(&[("STAGEHAND__SERVER__IDLE_TIMEOUT_S", "120")], 1024);
    let mut pile = Vec::with_capacity(1100);
    for _ in 0..1100 {
        match TcpStream::connect(&d.addr).await {
            Ok(s) => pile.push(s),
            Err(e) => panic!("the kernel accepts connections ({e})"),
        }
    }
    // Let the daemon accept what the kernel queued.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = Instant::now();
    let c = http();
    let resp = tokio::time::timeout(Duration::from_secs(2), c.get(d.url("/api/status")).send())
        .await
        .expect("the API answers within 2 s")
        .expect("request");
    assert_eq!(resp.status(), 200);
    eprintln!(
        "API answered in {:?} with 1,100 idle connections",
        started.elapsed()
    );
    let mut overlay = support::WsClient::connect(&d.ws_url("overlay")).await;
    assert_eq!(overlay.next().await["type"], "snapshot");
    let (st, _) = call(
        &c,
        "POST",
        &d.url("/api/dashboards"),
        Some(json!({"name": "Live"})),
    )
    .await;
    assert_eq!(st, 201);
    drop(pile);
    let log = d.log();
    assert!(
        !log.contains("Too many open files") || log.matches("cannot accept").count() <= 1,
        "accept errors are logged once a minute:\n{log}"
    );
    assert!(
        log.matches("connections are piling up").count() <= 1,
        "logged once a minute, not per connection"
    );
}

#[tokio::test]
async fn small_holes_stay_closed() {
    let d = Daemon::start();
    let c = http();

    // The whole authority is checked, not its prefix.
    for host in [
        "127.0.0.1:8002@evil.example",
        "localhost.evil.example",
        "127.0.0.1:80:80",
    ] {
        let (st, _) = raw_status(
            &d,
            &format!("GET /api/status HTTP/1.1\r\nHost: {host}\r\n\r\n"),
        )
        .await;
        assert_eq!(st, 403, "Host: {host}");
    }
    // Pages answer GET and HEAD only.
    for (method, path) in [
        ("PROPFIND", "/overlay/"),
        ("DELETE", "/admin/"),
        ("POST", "/overlay/"),
    ] {
        let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let r = c.request(m, d.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 405, "{method} {path}");
        assert_eq!(r.headers()["allow"], "GET, HEAD");
    }
    assert_eq!(
        c.head(d.url("/overlay/")).send().await.unwrap().status(),
        200
    );

    // Integers beyond 53 bits are refused, naming the field.
    let (_, w) = support::setup_widget(&d, "DeathCounterWidget", json!({})).await;
    let wid = w["id"].as_u64().unwrap();
    let name = w["elements"][0]["name"].as_str().unwrap().to_string();
    let (st, r) = call(
        &c,
        "PATCH",
        &d.url(&format!("/api/widgets/{wid}/elements/{name}")),
        Some(json!({"properties": {"x": 9_007_199_254_740_993u64}})),
    )
    .await;
    assert_eq!(st, 422, "{r}");
    assert_eq!(r["error"]["field"], "properties.x", "{r}");

    // Control characters never reach element text.
    let (st, r) = call(
        &c,
        "PATCH",
        &d.url(&format!("/api/widgets/{wid}/elements/{name}")),
        Some(json!({"properties": {"text": "Deaths\u{0007}\u{001b}[31m: 3\u{0000}\nnext"}})),
    )
    .await;
    assert_eq!(st, 200, "{r}");
    assert_eq!(r["properties"]["text"], "Deaths[31m: 3\nnext", "{r}");

    // A 10 MB body gets a clean 413, not a reset.
    let big = vec![b' '; 10 * 1024 * 1024];
    let r = c
        .post(d.url("/api/dashboards"))
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .expect("a response, not a reset");
    assert_eq!(r.status(), 413);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "too_large");
    let (st, _) = call(&c, "GET", &d.url("/api/status"), None).await;
    assert_eq!(st, 200);
}

#[tokio::test]
async fn the_bearer_scheme_is_case_insensitive() {
    let d = Daemon::start_with(&[("STAGEHAND__SERVER__ADMIN_TOKEN", "s3cret")]);
    let c = http();
    for auth in ["Bearer s3cret", "bearer s3cret", "BEARER s3cret"] {
        let r = c
            .get(d.url("/api/dashboards"))
            .header("authorization", auth)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{auth}");
    }
    let r = c
        .get(d.url("/api/dashboards"))
        .header("authorization", "Basic s3cret")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}

#[test]
fn absurd_durations_stop_start_up_naming_the_key() {
    for (key, value) in [
        ("STAGEHAND__OVERLAY__SEND_TIMEOUT_S", "1e300"),
        ("STAGEHAND__OBS__HEARTBEAT_S", "inf"),
        ("STAGEHAND__SERVER__HEADER_TIMEOUT_S", "-3"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_stagehand"))
            .current_dir(dir.path())
            .env(key, value)
            .env("STAGEHAND__SERVER__BIND", "127.0.0.1:0")
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{key}={value}: {err}");
        let name = key
            .trim_start_matches("STAGEHAND__")
            .to_lowercase()
            .replace("__", ".");
        assert!(err.contains(&name), "{key}={value} names {name}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

/// Sends a raw request and returns the status code of the answer.
async fn raw_status(d: &Daemon, request: &str) -> (u16, String) {
    let mut s = TcpStream::connect(&d.addr).await.unwrap();
    s.write_all(request.as_bytes()).await.unwrap();
    let mut buf = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(10), s.read(&mut buf))
        .await
        .expect("an answer")
        .unwrap_or(0);
    let text = String::from_utf8_lossy(&buf[..n]).to_string();
    let code = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (code, text)
}
