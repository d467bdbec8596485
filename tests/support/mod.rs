//! Test support: a real daemon process on a random port with its own data dir, an HTTP
//! client, and a MessagePack WebSocket client.
#![allow(dead_code)]

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_tungstenite::tungstenite::Message;

pub struct Daemon {
    child: Option<Child>,
    pub base: String,
    pub addr: String,
    pub dir: PathBuf,
    _tmp: Option<tempfile::TempDir>,
    envs: Vec<(String, String)>,
    /// Runs the daemon under this open-file limit (soft and hard), via prlimit(1).
    pub nofile: Option<u64>,
    /// Variables of the default test environment left out (e.g. `STAGEHAND__OBS__ENABLED`,
    /// so the settings page may change it).
    pub unset: Vec<String>,
}

impl Daemon {
    /// A fresh daemon with an empty data dir.
    pub fn start() -> Daemon {
        Self::start_with(&[])
    }

    pub fn start_with(envs: &[(&str, &str)]) -> Daemon {
        Self::start_without(envs, &[])
    }

    /// Like `start_with`, without the default test variables named in `unset`.
    pub fn start_without(envs: &[(&str, &str)], unset: &[&str]) -> Daemon {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().to_path_buf();
        let envs: Vec<(String, String)> = envs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let mut d = Daemon {
            child: None,
            base: String::new(),
            addr: "127.0.0.1:0".into(),
            dir,
            _tmp: Some(tmp),
            envs,
            nofile: None,
            unset: unset.iter().map(|s| s.to_string()).collect(),
        };
        d.spawn();
        d
    }

    /// Like `start_with`, with the open-file limit (soft and hard) set to `nofile`.
    pub fn start_limited(envs: &[(&str, &str)], nofile: u64) -> Daemon {
        let mut d = Self::start_with(envs);
        d.stop();
        d.nofile = Some(nofile);
        d.spawn();
        d
    }

    /// Starts the process (again) on the same data dir and, after the first start, port.
    pub fn spawn(&mut self) {
        let bin = env!("CARGO_BIN_EXE_stagehand");
        let mut cmd = match self.nofile {
            Some(n) => {
                let mut c = Command::new("prlimit");
                c.arg(format!("--nofile={n}:{n}")).arg("--").arg(bin);
                c
            }
            None => Command::new(bin),
        };
        cmd.current_dir(&self.dir)
            .env("STAGEHAND__SERVER__BIND", &self.addr)
            .env("STAGEHAND__STORAGE__DATA_DIR", self.dir.join("data"))
            .env("STAGEHAND__OBS__ENABLED", "false")
            .env("RUST_LOG", "stagehand=debug,warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::from(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(self.dir.join("daemon.log"))
                    .expect("log"),
            ));
        for k in &self.unset {
            cmd.env_remove(k);
        }
        for (k, v) in &self.envs {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn stagehand");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(url) = line.strip_prefix("listening on ") {
                    let _ = tx.send(url.to_string());
                }
            }
        });
        let url = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(url) => url,
            Err(_) => {
                let _ = child.kill();
                panic!("daemon did not start; log:\n{}", self.log());
            }
        };
        self.addr = url.trim_start_matches("http://").to_string();
        self.base = url;
        self.child = Some(child);
    }

    /// Sets (or replaces) an environment variable for the next `spawn`.
    pub fn set_env(&mut self, key: &str, value: &str) {
        self.envs.retain(|(k, _)| k != key);
        self.envs.push((key.to_string(), value.to_string()));
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("daemon.log")).unwrap_or_default()
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("running").id()
    }

    /// SIGKILL: no chance to clean up, like a crash or power loss.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// SIGTERM and wait; returns the exit status code.
    pub fn stop(&mut self) -> Option<i32> {
        let mut c = self.child.take()?;
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(c.id().to_string())
            .status();
        c.wait().ok().and_then(|s| s.code())
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn ws_url(&self, client_type: &str) -> String {
        format!("ws://{}/ws?client_type={client_type}", self.addr)
    }

    pub fn data_dir(&self) -> &Path {
        &self.dir
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        self.kill();
    }
}

pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client")
}

/// JSON request helper: returns (status, body).
pub async fn call(
    c: &reqwest::Client,
    method: &str,
    url: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let m = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let mut req = c.request(m, url);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// A small PNG whose pixels depend on `seed` (distinct files for the media library).
pub fn png(w: u32, h: u32, seed: u8) -> Vec<u8> {
    let img = image::RgbaImage::from_fn(w, h, |x, y| {
        image::Rgba([(x * 7) as u8 ^ seed, (y * 5) as u8, 200, 255])
    });
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("png");
    out
}

/// Uploads `bytes` as `name` to the media library: the status and the JSON body (null if none).
pub async fn upload_reply(d: &Daemon, name: &str, bytes: Vec<u8>) -> (u16, Value) {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_string());
    let form = reqwest::multipart::Form::new().part("file", part);
    let resp = http()
        .post(d.url("/api/media"))
        .multipart(form)
        .send()
        .await
        .expect("upload");
    let s = resp.status().as_u16();
    let text = resp.text().await.unwrap_or_default();
    (s, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Uploads `bytes` as `name` to the media library; its id.
pub async fn upload(d: &Daemon, name: &str, bytes: Vec<u8>) -> u64 {
    let (_, v) = upload_reply(d, name, bytes).await;
    v["id"].as_u64().expect("media id")
}

/// Creates and activates a dashboard, then a widget on it; returns (dashboard id, widget json).
pub async fn setup_widget(d: &Daemon, class: &str, params: Value) -> (u64, Value) {
    let c = http();
    let (s, dash) = call(
        &c,
        "POST",
        &d.url("/api/dashboards"),
        Some(json!({"name": "Main"})),
    )
    .await;
    assert_eq!(s, 201, "{dash}");
    let did = dash["id"].as_u64().expect("id");
    let (s, _) = call(
        &c,
        "POST",
        &d.url(&format!("/api/dashboards/{did}/activate")),
        None,
    )
    .await;
    assert_eq!(s, 200);
    let body = json!({"widget_class": class, "name": class, "widget_parameters": params, "dashboard_ids": [did]});
    let (s, w) = call(&c, "POST", &d.url("/api/widgets"), Some(body)).await;
    assert_eq!(s, 201, "{w}");
    (did, w)
}

/// Puts exactly these widgets on the active dashboard (each `setup_widget` made its own).
pub async fn keep_on_active(d: &Daemon, widget_ids: &[u64]) {
    let c = http();
    let (_, st) = call(&c, "GET", &d.url("/api/status"), None).await;
    let active = st["active_dashboard_id"]
        .as_u64()
        .expect("an active dashboard");
    let (s, r) = call(
        &c,
        "PATCH",
        &d.url(&format!("/api/dashboards/{active}")),
        Some(json!({"widget_ids": widget_ids})),
    )
    .await;
    assert_eq!(s, 200, "{r}");
}

pub async fn execute(d: &Daemon, widget_id: u64, feature: &str, params: Value) -> (u16, Value) {
    call(
        &http(),
        "POST",
        &d.url(&format!("/api/widgets/{widget_id}/execute")),
        Some(json!({"feature": feature, "parameters": params})),
    )
    .await
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;
type PlainWs = tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>;

enum Stream {
    /// Boxed: with rustls in the build, a maybe-TLS stream is several times the plain one.
    Tls(Box<Ws>),
    Plain(Box<PlainWs>),
}

/// A MessagePack protocol client that checks `seq` is gap-free on every frame.
pub struct WsClient {
    ws: Stream,
    pub last_seq: u64,
}

impl WsClient {
    pub async fn connect(url: &str) -> WsClient {
        let (ws, _) = tokio_tungstenite::connect_async(url)
            .await
            .expect("ws connect");
        WsClient {
            ws: Stream::Tls(Box::new(ws)),
            last_seq: 0,
        }
    }

    pub fn from_stream(ws: PlainWs) -> WsClient {
        WsClient {
            ws: Stream::Plain(Box::new(ws)),
            last_seq: 0,
        }
    }

    async fn recv(&mut self) -> Option<Result<Message, tokio_tungstenite::tungstenite::Error>> {
        match &mut self.ws {
            Stream::Tls(w) => w.next().await,
            Stream::Plain(w) => w.next().await,
        }
    }

    /// The next protocol frame (decoded to JSON), asserting seq = last + 1.
    pub async fn next(&mut self) -> Value {
        loop {
            let msg = tokio::time::timeout(Duration::from_secs(20), self.recv())
                .await
                .expect("a frame within 20 s")
                .expect("stream open")
                .expect("ws ok");
            if let Message::Binary(b) = msg {
                let v: Value = rmp_serde::from_slice(&b).expect("msgpack frame");
                let seq = v["seq"].as_u64().expect("seq");
                assert_eq!(seq, self.last_seq + 1, "gap-free seq: {v}");
                self.last_seq = seq;
                return v;
            }
        }
    }

    /// Skips frames until one matches.
    pub async fn until(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        loop {
            let v = self.next().await;
            if pred(&v) {
                return v;
            }
        }
    }

    pub async fn send_msgpack(&mut self, v: &Value) {
        let bytes = rmp_serde::to_vec_named(v).expect("encode");
        self.send_raw(Message::Binary(bytes.into())).await;
    }

    pub async fn send_raw(&mut self, m: Message) {
        match &mut self.ws {
            Stream::Tls(w) => w.send(m).await.expect("send"),
            Stream::Plain(w) => w.send(m).await.expect("send"),
        }
    }
}

/// An element of a frame by name.
pub fn element_named<'a>(frame: &'a Value, name: &str) -> Option<&'a Value> {
    if frame["type"] == "snapshot" {
        frame["elements"]
            .as_array()?
            .iter()
            .find(|e| e["name"] == name)
    } else if frame["element"]["name"] == name {
        Some(&frame["element"])
    } else {
        None
    }
}

/// Reads until the server closes the connection (EOF or reset); returns what arrived.
pub async fn read_until_closed(s: &mut tokio::net::TcpStream, within: Duration) -> Option<Vec<u8>> {
    let mut all = Vec::new();
    let mut buf = [0u8; 64 * 1024];
    let end = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(end, s.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return Some(all),
            Ok(Ok(n)) => all.extend_from_slice(&buf[..n]),
            Err(_) => return None,
        }
    }
}

/// A masked client WebSocket frame (RFC 6455 §5.2), payload < 126 bytes.
pub fn client_frame(opcode: u8, payload: &[u8]) -> Vec<u8> {
    let mask = [0x37, 0xfa, 0x21, 0x3d];
    let mut f = vec![0x80 | opcode, 0x80 | payload.len() as u8];
    f.extend_from_slice(&mask);
    f.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
    f
}

/// A TCP connection that has sent an overlay WebSocket upgrade request (the 101 unread).
pub async fn raw_ws(d: &Daemon) -> tokio::net::TcpStream {
    let mut s = tokio::net::TcpStream::connect(&d.addr)
        .await
        .expect("connect");
    let req = format!(
        "GET /ws?client_type=overlay HTTP/1.1\r\nHost: {}\r\nUpgrade: websocket\r\n\
         Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
         Sec-WebSocket-Version: 13\r\n\r\n",
        d.addr
    );
    s.write_all(req.as_bytes()).await.expect("upgrade request");
    s
}
