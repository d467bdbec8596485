//! Shared by the benchmarks: the release daemon as a child process, JSON posts, percentiles.
#![allow(dead_code)]

use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Daemon {
    pub child: Child,
    pub base: String,
    pub addr: String,
    /// Spawn → first accepted TCP connection.
    pub startup: Duration,
    log: PathBuf,
}

impl Daemon {
    /// Starts the daemon on `dir` (data in `dir/data`, log in `dir/daemon.log`). `env` adds to
    /// or overrides the defaults: a random port, OBS off, warnings only.
    pub fn start(dir: &Path, env: &[(&str, String)]) -> Daemon {
        let t0 = Instant::now();
        let log = dir.join("daemon.log");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_stagehand"));
        cmd.current_dir(dir)
            .env("STAGEHAND__SERVER__BIND", "127.0.0.1:0")
            .env("STAGEHAND__STORAGE__DATA_DIR", dir.join("data"))
            .env("STAGEHAND__OBS__ENABLED", "false")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::from(std::fs::File::create(&log).expect("log file")));
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn daemon");
        let mut reader = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        while !line.starts_with("listening on ") {
            line.clear();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                panic!(
                    "daemon exited:\n{}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                );
            }
        }
        let base = line.trim().trim_start_matches("listening on ").to_string();
        let addr = base.trim_start_matches("http://").to_string();
        while std::net::TcpStream::connect(&addr).is_err() {
            std::thread::sleep(Duration::from_micros(200));
        }
        let startup = t0.elapsed();
        std::thread::spawn(move || for _ in reader.lines() {});
        Daemon {
            child,
            base,
            addr,
            startup,
            log,
        }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub fn ws_url(&self) -> String {
        format!("ws://{}/ws?client_type=overlay", self.addr)
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub async fn post(c: &reqwest::Client, url: String, body: Value) -> Value {
    let r = c.post(url).json(&body).send().await.expect("post");
    assert!(r.status().is_success(), "{}", r.status());
    r.json().await.unwrap_or(Value::Null)
}

/// A new dashboard named `name`, activated; its id.
pub async fn active_dashboard(c: &reqwest::Client, base: &str, name: &str) -> u64 {
    let dash = post(c, format!("{base}/api/dashboards"), json!({"name": name})).await["id"]
        .as_u64()
        .expect("dashboard id");
    post(
        c,
        format!("{base}/api/dashboards/{dash}/activate"),
        json!({}),
    )
    .await;
    dash
}

/// A new widget of `class` on dashboard `dash`; its id.
pub async fn widget(c: &reqwest::Client, base: &str, dash: u64, class: &str, name: &str) -> u64 {
    post(
        c,
        format!("{base}/api/widgets"),
        json!({"widget_class": class, "name": name, "dashboard_ids": [dash]}),
    )
    .await["id"]
        .as_u64()
        .expect("widget id")
}

/// An overlay (or admin) WebSocket as `connect_async` gives it.
pub type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// The next protocol frame that satisfies `pred` (decoded to JSON); panics after 10 s
/// without a frame.
pub async fn frame_until(ws: &mut Ws, pred: impl Fn(&Value) -> bool) -> Value {
    use futures_util::StreamExt;
    loop {
        let next = tokio::time::timeout(Duration::from_secs(10), ws.next());
        if let Some(Ok(tokio_tungstenite::tungstenite::Message::Binary(b))) =
            next.await.expect("frame")
        {
            let f: Value = rmp_serde::from_slice(&b).expect("msgpack frame");
            if pred(&f) {
                return f;
            }
        }
    }
}

/// The `q` quantile of sorted samples.
pub fn pct(sorted: &[Duration], q: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * q).round() as usize]
}

pub fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// Prints p50/p99/max of the samples.
pub fn report(name: &str, mut v: Vec<Duration>) {
    v.sort();
    println!(
        "{name} ({} samples): p50 {}   p99 {}   max {}",
        v.len(),
        ms(pct(&v, 0.5)),
        ms(pct(&v, 0.99)),
        ms(pct(&v, 1.0))
    );
}

/// (utime + stime in clock ticks, RSS in KiB) of a process, from /proc.
pub fn proc_usage(pid: u32) -> (u64, u64) {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let field = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let rss = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    (field(11) + field(12), rss)
}
