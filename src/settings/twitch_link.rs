//! The Twitch connection, replaceable while the daemon runs.
//!
//! The adapter takes its settings once (`TwitchHandle::spawn`), so a new channel, login or
//! chat prefix means a new generation: the old bridge stops, the old connections (chat and
//! EventSub) close, new ones and a new bridge start. A refreshed token for the same login is
//! not a new generation: it is handed to the running connections for their next reconnect.
//! Everyone else holds a [`TwitchLink`] and asks it for the current handle.

use crate::accounts::{Accounts, Creds};
use crate::bridge::twitch::{ChatStats, TwitchBridge};
use crate::config::Settings;
use crate::engine::{ChatTable, Engine};
use crate::hub::{Encoded, Hub};
use crate::store::Store;
use stagehand_twitch::eventsub::{EventSubHandle, EventSubSettings};
use stagehand_twitch::{Secret, TwitchHandle, TwitchSettings, TwitchStatus};
use std::sync::{Arc, RwLock};
use tokio::sync::{mpsc, watch};

/// EventSub events waiting for the bridge.
const EVENTSUB_QUEUE: usize = 256;

/// What every bridge generation is built from.
pub struct BridgeParts {
    pub obs: stagehand_obs::ObsHandle,
    pub engine: Engine,
    pub store: Arc<Store>,
    pub hub: Arc<Hub>,
    pub table: watch::Receiver<Arc<ChatTable>>,
    pub stats: Arc<ChatStats>,
    pub accounts: Accounts,
    pub chat: Arc<crate::bridge::chat_feed::ChatFeed>,
}

/// What one generation connects with.
#[derive(Clone, PartialEq)]
struct Wanted {
    irc: TwitchSettings,
    prefix: String,
    /// `None`: no broadcaster login (or Twitch off): no EventSub.
    eventsub: Option<EventSubWanted>,
}

#[derive(Clone, PartialEq)]
struct EventSubWanted {
    ws_url: String,
    api_url: String,
    client_id: String,
    broadcaster_id: String,
    token: Secret,
}

impl Wanted {
    fn new(settings: &Settings, creds: &Creds) -> Wanted {
        let mut irc = settings.twitch.adapter_settings(&settings.chat);
        // A token typed into the settings wins; otherwise the bot login, else the broadcaster's.
        if irc.oauth_token.is_none()
            && let Some(c) = creds.bot.as_ref().or(creds.broadcaster.as_ref())
        {
            irc.username = Some(c.login.clone());
            irc.oauth_token = Some(c.token.clone());
        }
        let t = &settings.twitch;
        let eventsub = creds
            .broadcaster
            .as_ref()
            .filter(|_| t.enabled && !t.client_id.trim().is_empty())
            .map(|c| EventSubWanted {
                ws_url: t.eventsub_url.clone(),
                api_url: t.api_url.clone(),
                client_id: t.client_id.trim().to_string(),
                broadcaster_id: c.user_id.clone(),
                token: c.token.clone(),
            });
        Wanted {
            irc,
            prefix: settings.chat.prefix.clone(),
            eventsub,
        }
    }

    /// The same connections, tokens aside (a refresh does not reconnect).
    fn same_connections(&self, other: &Wanted) -> bool {
        let blank = |w: &Wanted| {
            let mut w = w.clone();
            w.irc.oauth_token = w.irc.oauth_token.map(|_| Secret::new(""));
            if let Some(e) = w.eventsub.as_mut() {
                e.token = Secret::new("");
            }
            w
        };
        blank(self) == blank(other)
    }
}

struct EventSubGen {
    handle: EventSubHandle,
    token: watch::Sender<Option<Secret>>,
    /// Forwards its status to the accounts (refresh on 401, validate on revocation).
    forward: tokio::task::JoinHandle<()>,
}

struct Generation {
    handle: TwitchHandle,
    eventsub: Option<EventSubGen>,
    stop: watch::Sender<bool>,
    bridge: tokio::task::JoinHandle<()>,
    /// What it was started with, to tell whether new settings need a new generation.
    wanted: Wanted,
}

struct Inner {
    parts: BridgeParts,
    current: RwLock<TwitchHandle>,
    /// Swaps happen one at a time.
    generation: tokio::sync::Mutex<Option<Generation>>,
}

#[derive(Clone)]
pub struct TwitchLink {
    inner: Arc<Inner>,
}

impl TwitchLink {
    pub fn start(parts: BridgeParts, settings: &Settings, creds: &Creds) -> TwitchLink {
        let first = spawn(&parts, Wanted::new(settings, creds));
        TwitchLink {
            inner: Arc::new(Inner {
                current: RwLock::new(first.handle.clone()),
                generation: tokio::sync::Mutex::new(Some(first)),
                parts,
            }),
        }
    }

    /// The connection in use right now (for replies).
    pub fn handle(&self) -> TwitchHandle {
        match self.inner.current.read() {
            Ok(h) => h.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    pub fn status(&self) -> TwitchStatus {
        self.handle().status()
    }

    /// Starts a new generation when the Twitch or chat settings or the logins differ from
    /// the running one; hands refreshed tokens to the running connections.
    pub async fn apply(&self, settings: &Settings, creds: &Creds) {
        let wanted = Wanted::new(settings, creds);
        let mut current = self.inner.generation.lock().await;
        if let Some(g) = current.as_mut()
            && g.wanted.same_connections(&wanted)
        {
            if g.wanted != wanted {
                if let Some(t) = wanted.irc.oauth_token.clone() {
                    g.handle.set_token(t);
                }
                if let (Some(es), Some(w)) = (&g.eventsub, &wanted.eventsub) {
                    es.token.send_replace(Some(w.token.clone()));
                }
                g.wanted = wanted;
            }
            return;
        }
        if let Some(old) = current.take() {
            stop(old).await;
            tracing::info!("Twitch settings changed; reconnecting");
        }
        let next = spawn(&self.inner.parts, wanted);
        match self.inner.current.write() {
            Ok(mut h) => *h = next.handle.clone(),
            Err(poisoned) => *poisoned.into_inner() = next.handle.clone(),
        }
        // A disabled or misconfigured connection sends no status event of its own.
        self.inner
            .parts
            .hub
            .publish_admin(Encoded::new("twitch_status", &next.handle.status()));
        *current = Some(next);
    }

    /// Stops the bridge and closes the connection (daemon shutdown).
    pub async fn shutdown(&self) {
        if let Some(g) = self.inner.generation.lock().await.take() {
            stop(g).await;
        }
    }
}

/// The connections and their bridge for `wanted`.
fn spawn(p: &BridgeParts, wanted: Wanted) -> Generation {
    let (handle, events) = TwitchHandle::spawn(wanted.irc.clone());
    let (eventsub, eventsub_events) = match &wanted.eventsub {
        Some(w) => {
            let (tx, rx) = mpsc::channel(EVENTSUB_QUEUE);
            let (token, token_rx) = watch::channel(Some(w.token.clone()));
            let es = EventSubHandle::spawn(
                EventSubSettings {
                    ws_url: w.ws_url.clone(),
                    api_url: w.api_url.clone(),
                    client_id: w.client_id.clone(),
                    broadcaster_id: w.broadcaster_id.clone(),
                    token: token_rx,
                },
                tx,
            );
            let mut status = es.subscribe_status();
            let accounts = p.accounts.clone();
            let forward = tokio::spawn(async move {
                loop {
                    let s = status.borrow_and_update().clone();
                    accounts.eventsub_status(s);
                    if status.changed().await.is_err() {
                        break;
                    }
                }
            });
            (
                Some(EventSubGen {
                    handle: es,
                    token,
                    forward,
                }),
                Some(rx),
            )
        }
        None => {
            p.accounts.eventsub_status(Default::default());
            (None, None)
        }
    };
    let (stop, stop_rx) = watch::channel(false);
    let bridge = TwitchBridge {
        twitch: handle.clone(),
        obs: p.obs.clone(),
        engine: p.engine.clone(),
        store: p.store.clone(),
        hub: p.hub.clone(),
        prefix: wanted.prefix.clone(),
        table: p.table.clone(),
        stats: p.stats.clone(),
        chat: p.chat.clone(),
        eventsub: eventsub.as_ref().map(|e| e.handle.subscribe_status()),
    };
    Generation {
        bridge: tokio::spawn(bridge.run(events, eventsub_events, stop_rx)),
        handle,
        eventsub,
        stop,
        wanted,
    }
}

async fn stop(g: Generation) {
    let _ = g.stop.send(true);
    let _ = g.bridge.await;
    if let Some(es) = g.eventsub {
        es.handle.shutdown().await;
        let _ = es.forward.await;
    }
    g.handle.shutdown().await;
}
