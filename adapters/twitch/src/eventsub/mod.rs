//! EventSub over WebSocket: follows, channel points, cheers, subs, gifts, raids and hype
//! trains, which Twitch sends only here (follows, redemptions, hype trains) or here too.
//!
//! The protocol as Twitch documents it: connect, read `session_welcome`, create each
//! subscription through Helix with the session id, then read `notification`s. No message for
//! longer than the keepalive timeout means the connection is dead: reconnect and subscribe
//! again. `session_reconnect` names a new URL: connect there while still reading the old
//! socket, and drop the old one once the new one welcomed us; the subscriptions move with
//! the session, so nothing is created again and no event is lost. Every notification's
//! message id is remembered for a while: Twitch may deliver one twice, and it fires once.

mod wire;

use std::collections::{HashSet, VecDeque};
use std::time::Duration;

use futures_util::StreamExt;
use serde::Serialize;
use tokio::net::TcpStream;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::events::TwitchEvent;
use crate::settings::Secret;
use wire::{Message, SUBSCRIPTIONS};

/// Twitch's EventSub WebSocket server.
pub const TWITCH_EVENTSUB_URL: &str = "wss://eventsub.wss.twitch.tv/ws";
/// Twitch's Helix API.
pub const TWITCH_API_URL: &str = "https://api.twitch.tv/helix";

/// Message ids remembered for de-duplication.
const SEEN: usize = 2048;
/// Added to the keepalive timeout before a silent socket counts as dead.
const KEEPALIVE_SLACK: Duration = Duration::from_secs(2);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const MAX_BACKOFF: Duration = Duration::from_secs(60);

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Where and as whom to connect.
#[derive(Debug, Clone)]
pub struct EventSubSettings {
    pub ws_url: String,
    pub api_url: String,
    pub client_id: String,
    /// The broadcaster's user id: every subscription's condition.
    pub broadcaster_id: String,
    /// The broadcaster's user access token. Replaced when it is refreshed; after a 401 the
    /// client waits for a new one before it subscribes again.
    pub token: watch::Receiver<Option<Secret>>,
}

/// Served in the daemon's account view.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct EventSubStatus {
    /// Welcomed and subscribed.
    pub connected: bool,
    /// Subscriptions Twitch accepted on this session.
    pub subscriptions: usize,
    pub last_error: Option<String>,
    /// Helix refused the token (401): refresh it.
    #[serde(skip)]
    pub unauthorized: bool,
    /// Twitch revoked a subscription because the login was revoked: validate it.
    #[serde(skip)]
    pub revoked: bool,
}

/// The running client. Dropping it (its stop sender goes with it) or
/// [`EventSubHandle::shutdown`] closes the socket.
pub struct EventSubHandle {
    status: watch::Receiver<EventSubStatus>,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl EventSubHandle {
    /// Connects in the background; notifications arrive on `events` in order.
    pub fn spawn(settings: EventSubSettings, events: mpsc::Sender<TwitchEvent>) -> EventSubHandle {
        let (status_tx, status) = watch::channel(EventSubStatus::default());
        let (stop, stop_rx) = watch::channel(false);
        let client = Client {
            http: crate::auth::http_client(),
            settings,
            events,
            status: status_tx,
            seen: Seen::default(),
        };
        EventSubHandle {
            status,
            stop,
            task: tokio::spawn(client.run(stop_rx)),
        }
    }

    pub fn status(&self) -> EventSubStatus {
        self.status.borrow().clone()
    }

    pub fn subscribe_status(&self) -> watch::Receiver<EventSubStatus> {
        self.status.clone()
    }

    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

/// Recently seen message ids, oldest forgotten first.
#[derive(Default)]
struct Seen {
    order: VecDeque<String>,
    ids: HashSet<String>,
}

impl Seen {
    /// `true` the first time `id` is seen.
    fn first(&mut self, id: &str) -> bool {
        if self.ids.contains(id) {
            return false;
        }
        if self.order.len() == SEEN
            && let Some(old) = self.order.pop_front()
        {
            self.ids.remove(&old);
        }
        self.order.push_back(id.to_owned());
        self.ids.insert(id.to_owned());
        true
    }
}

/// Why a session ended.
enum End {
    Stop,
    /// Connect to the base URL again (and subscribe again) after a pause.
    Retry(String),
}

struct Client {
    http: reqwest::Client,
    settings: EventSubSettings,
    events: mpsc::Sender<TwitchEvent>,
    status: watch::Sender<EventSubStatus>,
    seen: Seen,
}

/// What a message asks the reader to do.
enum Step {
    Go,
    Reconnect(String),
    End(End),
}

impl Client {
    async fn run(mut self, mut stop: watch::Receiver<bool>) {
        let mut backoff = Duration::from_secs(1);
        loop {
            let end = tokio::select! {
                _ = stop.changed() => End::Stop,
                end = self.session() => end,
            };
            let reason = match end {
                End::Stop => break,
                End::Retry(reason) => reason,
            };
            // A session that worked starts the backoff over.
            if self.status.borrow().connected {
                backoff = Duration::from_secs(1);
            }
            tracing::warn!(error = %reason, "eventsub: reconnecting");
            self.status.send_modify(|s| {
                s.connected = false;
                s.subscriptions = 0;
                s.last_error = Some(reason);
            });
            tokio::select! {
                _ = stop.changed() => break,
                _ = tokio::time::sleep(backoff) => {}
            }
            backoff = (backoff * 2).min(MAX_BACKOFF);
        }
        self.status.send_modify(|s| s.connected = false);
    }

    /// One session: connect, subscribe, read until it ends.
    async fn session(&mut self) -> End {
        let url = self.settings.ws_url.clone();
        let (mut ws, session_id, mut keepalive) = match welcome(&url).await {
            Ok(w) => w,
            Err(e) => return End::Retry(e),
        };
        let subscribed = match self.subscribe_all(&session_id).await {
            Ok(n) => n,
            Err(end) => return end,
        };
        tracing::info!(subscriptions = subscribed, "eventsub: connected");
        self.status.send_modify(|s| {
            s.connected = true;
            s.subscriptions = subscribed;
            s.unauthorized = false;
            s.revoked = false;
        });
        loop {
            let next = tokio::time::timeout(keepalive + KEEPALIVE_SLACK, ws.next()).await;
            let step = match next {
                Err(_) => End::Retry("no keepalive from Twitch in time".into()).into(),
                Ok(msg) => self.on_socket(msg).await,
            };
            match step {
                Step::Go => {}
                Step::End(end) => return end,
                Step::Reconnect(new_url) => match self.hand_over(&mut ws, &new_url).await {
                    Ok((new_ws, k)) => {
                        let _ = ws.close(None).await;
                        ws = new_ws;
                        keepalive = k;
                        tracing::info!("eventsub: moved to the new session");
                    }
                    Err(e) => return End::Retry(e),
                },
            }
        }
    }

    /// Reads the old socket while connecting to `url`, then until Twitch closes it, so
    /// events sent to the old session before the new one took over are neither lost nor
    /// overtaken by the new session's.
    async fn hand_over(&mut self, old: &mut Ws, url: &str) -> Result<(Ws, Duration), String> {
        let connecting = welcome(url);
        tokio::pin!(connecting);
        let mut old_open = true;
        let (new, keepalive) = loop {
            tokio::select! {
                r = &mut connecting => break r.map(|(ws, _, k)| (ws, k))?,
                msg = old.next(), if old_open => {
                    if let Step::End(_) = self.on_socket(msg).await {
                        old_open = false;
                    }
                }
            }
        };
        let drain = async {
            while old_open {
                let msg = old.next().await;
                if let Step::End(_) = self.on_socket(msg).await {
                    old_open = false;
                }
            }
        };
        // Twitch closes the old socket right after the welcome; don't wait forever if not.
        let _ = tokio::time::timeout(keepalive + KEEPALIVE_SLACK, drain).await;
        Ok((new, keepalive))
    }

    async fn on_socket(
        &mut self,
        msg: Option<Result<WsMessage, tokio_tungstenite::tungstenite::Error>>,
    ) -> Step {
        let text = match msg {
            None => return End::Retry("Twitch closed the EventSub socket".into()).into(),
            Some(Err(e)) => return End::Retry(format!("EventSub socket: {e}")).into(),
            Some(Ok(WsMessage::Text(t))) => t,
            Some(Ok(WsMessage::Close(frame))) => {
                let why = frame.map(|f| format!("{} {}", f.code, f.reason));
                return End::Retry(format!(
                    "Twitch closed the EventSub socket ({})",
                    why.unwrap_or_default()
                ))
                .into();
            }
            Some(Ok(_)) => return Step::Go,
        };
        match wire::parse(&text) {
            Ok(Message::Notification { message_id, event }) => {
                if self.seen.first(&message_id)
                    && let Some(ev) = event
                    && self.events.send(ev).await.is_err()
                {
                    return Step::End(End::Stop);
                }
                Step::Go
            }
            Ok(Message::Reconnect { url }) => Step::Reconnect(url),
            Ok(Message::Revocation { kind, status }) => {
                tracing::warn!(subscription = %kind, status = %status, "eventsub: Twitch revoked a subscription");
                self.status.send_modify(|s| {
                    s.subscriptions = s.subscriptions.saturating_sub(1);
                    s.last_error = Some(format!("Twitch revoked {kind} ({status})"));
                    s.revoked |= status == "authorization_revoked";
                });
                Step::Go
            }
            Ok(Message::Keepalive | Message::Welcome { .. }) => Step::Go,
            Ok(Message::Other(kind)) => {
                tracing::debug!(kind = %kind, "eventsub: unknown message type");
                Step::Go
            }
            Err(e) => {
                tracing::warn!(error = %e, "eventsub: unreadable message");
                Step::Go
            }
        }
    }

    /// Creates every subscription for the session; a 401 waits for a refreshed token.
    async fn subscribe_all(&mut self, session_id: &str) -> Result<usize, End> {
        let mut ok = 0;
        for (kind, version, condition) in SUBSCRIPTIONS {
            let token = self.settings.token.borrow().clone();
            let Some(token) = token else {
                return Err(self.wait_for_token("not logged in").await);
            };
            let body = serde_json::json!({
                "type": kind,
                "version": version,
                "condition": condition.json(&self.settings.broadcaster_id),
                "transport": {"method": "websocket", "session_id": session_id},
            });
            let resp = self
                .http
                .post(format!(
                    "{}/eventsub/subscriptions",
                    self.settings.api_url.trim_end_matches('/')
                ))
                .bearer_auth(token.expose())
                .header("Client-Id", &self.settings.client_id)
                .json(&body)
                .send()
                .await
                .map_err(|e| End::Retry(format!("Helix: {}", e.without_url())))?;
            match resp.status().as_u16() {
                200..=299 | 409 => ok += 1,
                401 => return Err(self.wait_for_token("Twitch refused the token").await),
                code => {
                    let text = resp.text().await.unwrap_or_default();
                    tracing::warn!(subscription = %kind, status = code, body = %text, "eventsub: Helix refused a subscription");
                    self.status.send_modify(|s| {
                        s.last_error = Some(format!("Twitch refused {kind} (HTTP {code})"))
                    });
                }
            }
        }
        Ok(ok)
    }

    /// Reports the token problem and waits for a new token (the daemon refreshes it).
    async fn wait_for_token(&mut self, why: &str) -> End {
        self.status.send_modify(|s| {
            s.connected = false;
            s.unauthorized = true;
            s.last_error = Some(why.to_owned());
        });
        match self.settings.token.changed().await {
            Ok(()) => End::Retry(format!("{why}; trying the new token")),
            Err(_) => End::Stop,
        }
    }
}

impl From<End> for Step {
    fn from(e: End) -> Step {
        Step::End(e)
    }
}

/// Connects and reads the welcome: the socket, the session id and the keepalive timeout.
async fn welcome(url: &str) -> Result<(Ws, String, Duration), String> {
    let connect = tokio_tungstenite::connect_async(url);
    let (mut ws, _) = tokio::time::timeout(CONNECT_TIMEOUT, connect)
        .await
        .map_err(|_| "connecting to EventSub timed out".to_string())?
        .map_err(|e| format!("cannot connect to EventSub: {e}"))?;
    loop {
        let msg = tokio::time::timeout(CONNECT_TIMEOUT, ws.next())
            .await
            .map_err(|_| "no welcome from EventSub".to_string())?;
        match msg {
            Some(Ok(WsMessage::Text(t))) => match wire::parse(&t)? {
                Message::Welcome {
                    session_id,
                    keepalive_s,
                } => return Ok((ws, session_id, Duration::from_secs(keepalive_s))),
                other => return Err(format!("expected session_welcome, got {other:?}")),
            },
            Some(Ok(WsMessage::Ping(_) | WsMessage::Pong(_))) => {}
            Some(Ok(other)) => return Err(format!("expected session_welcome, got {other:?}")),
            Some(Err(e)) => return Err(format!("EventSub socket: {e}")),
            None => return Err("EventSub closed before the welcome".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seen_ids_fire_once_and_old_ones_are_forgotten() {
        let mut seen = Seen::default();
        assert!(seen.first("a"));
        assert!(!seen.first("a"));
        for i in 0..SEEN {
            assert!(seen.first(&i.to_string()));
        }
        assert!(seen.first("a"), "forgotten after {SEEN} newer ids");
        assert_eq!(seen.order.len(), SEEN);
    }
}
