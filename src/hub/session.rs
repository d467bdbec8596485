//! One WebSocket connection: snapshot first, then queued frames with a gap-free `seq`.
//! Clients can only ask for a resync (or ping); anything else they send is ignored.

use super::{ClientKind, Encoded, Hub};
use crate::metrics::METRICS;
use axum::extract::ws::{CloseFrame, Message, WebSocket};
use serde::Deserialize;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::{MissedTickBehavior, interval, timeout};

/// How often we ping the client so dead connections are noticed.
const PING_EVERY: Duration = Duration::from_secs(20);
/// Frames a client may send per second (sustained) and in a burst. Overlays send a resync
/// now and then; anything faster is a flood (every Ping queues a Pong for us to write).
const CLIENT_FRAMES_PER_S: f64 = 10.0;
const CLIENT_FRAMES_BURST: f64 = 30.0;

/// A token bucket over the frames a client sends.
struct FrameBudget {
    tokens: f64,
    at: tokio::time::Instant,
}

impl FrameBudget {
    fn new() -> Self {
        FrameBudget {
            tokens: CLIENT_FRAMES_BURST,
            at: tokio::time::Instant::now(),
        }
    }

    /// Takes one frame's worth; false when the client is over its budget.
    fn take(&mut self) -> bool {
        let now = tokio::time::Instant::now();
        let refill = now.duration_since(self.at).as_secs_f64() * CLIENT_FRAMES_PER_S;
        self.tokens = (self.tokens + refill).min(CLIENT_FRAMES_BURST);
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[derive(Deserialize)]
struct ClientMsg {
    #[serde(rename = "type")]
    kind: String,
}

pub struct Session {
    pub hub: Arc<Hub>,
    pub kind: ClientKind,
    /// A send that takes longer than this (client not reading) drops the connection.
    pub send_timeout: Duration,
    pub shutdown: watch::Receiver<bool>,
    /// Called once the client is subscribed (an overlay connecting lets held alerts play).
    pub joined: Option<Box<dyn FnOnce() + Send + Sync>>,
}

impl Session {
    pub async fn run(mut self, mut socket: WebSocket) {
        let (mut sub, snap) = self.hub.subscribe(self.kind);
        if let Some(joined) = self.joined.take() {
            joined();
        }
        let mut seq = 0u64;
        let mut ping = interval(PING_EVERY);
        ping.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let mut next = Some(snap);
        let mut budget = FrameBudget::new();
        loop {
            if let Some(msg) = next.take() {
                seq += 1;
                if !self.send(&mut socket, &msg, seq).await {
                    break;
                }
                continue;
            }
            tokio::select! {
                _ = self.shutdown.changed() => {
                    let close = CloseFrame { code: 1001, reason: "stagehand is shutting down".into() };
                    let _ = timeout(Duration::from_secs(1), socket.send(Message::Close(Some(close)))).await;
                    break;
                }
                queued = sub.rx.recv() => match queued {
                    Some(msg) => next = Some(if sub.lagged() {
                        METRICS.resync("lag");
                        self.hub.resync(&mut sub)
                    } else {
                        msg
                    }),
                    None => break,
                },
                incoming = socket.recv() => match incoming {
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                    Some(Ok(_)) if !budget.take() => {
                        tracing::info!(kind = ?self.kind, "closing a client that floods us with frames");
                        let close = CloseFrame { code: 1008, reason: "too many frames".into() };
                        let _ = timeout(Duration::from_millis(200), socket.send(Message::Close(Some(close)))).await;
                        break;
                    }
                    Some(Ok(Message::Binary(b))) if wants_resync(&b) => {
                        METRICS.resync("client");
                        next = Some(self.hub.resync(&mut sub));
                    }
                    Some(Ok(Message::Text(t))) if wants_resync_json(t.as_str()) => {
                        METRICS.resync("client");
                        next = Some(self.hub.resync(&mut sub));
                    }
                    // Overlays are read-only: every other frame is ignored.
                    Some(Ok(_)) => {}
                },
                _ = ping.tick() => {
                    if timeout(self.send_timeout, socket.send(Message::Ping(Default::default()))).await.map_or(true, |r| r.is_err()) {
                        break;
                    }
                }
            }
        }
        self.hub.unsubscribe(sub.id);
    }

    async fn send(&self, socket: &mut WebSocket, msg: &Encoded, seq: u64) -> bool {
        let frame = Message::Binary(msg.frame(seq).into());
        match timeout(self.send_timeout, socket.send(frame)).await {
            Ok(Ok(())) => {
                METRICS.frames_sent.inc();
                true
            }
            // Includes a full write buffer (a client that stopped reading while we queued).
            Ok(Err(_)) => false,
            Err(_) => {
                tracing::info!(kind = ?self.kind, "dropping a client that stopped reading");
                false
            }
        }
    }
}

fn wants_resync(bytes: &[u8]) -> bool {
    rmp_serde::from_slice::<ClientMsg>(bytes).is_ok_and(|m| m.kind == "resync")
}

/// Debug convenience: `{"type":"resync"}` as text works too.
fn wants_resync_json(text: &str) -> bool {
    serde_json::from_str::<ClientMsg>(text).is_ok_and(|m| m.kind == "resync")
}
