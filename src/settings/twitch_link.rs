//! The Twitch connection, replaceable while the daemon runs.
//!
//! The adapter takes its settings once (`TwitchHandle::spawn`), so a new channel, login or
//! chat prefix means a new generation: the old bridge stops, the old connection closes,
//! a new connection and bridge start. Everyone else holds a [`TwitchLink`] and asks it for
//! the current handle.

use crate::bridge::twitch::{ChatStats, TwitchBridge};
use crate::config::Settings;
use crate::engine::{ChatTable, Engine};
use crate::hub::{Encoded, Hub};
use crate::store::Store;
use stagehand_twitch::{TwitchHandle, TwitchSettings, TwitchStatus};
use std::sync::{Arc, RwLock};
use tokio::sync::watch;

/// What every bridge generation is built from.
pub struct BridgeParts {
    pub obs: stagehand_obs::ObsHandle,
    pub engine: Engine,
    pub store: Arc<Store>,
    pub hub: Arc<Hub>,
    pub table: watch::Receiver<Arc<ChatTable>>,
    pub stats: Arc<ChatStats>,
}

struct Generation {
    handle: TwitchHandle,
    stop: watch::Sender<bool>,
    bridge: tokio::task::JoinHandle<()>,
    /// What it was started with, to tell whether new settings need a new generation.
    settings: TwitchSettings,
    prefix: String,
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
    pub fn start(parts: BridgeParts, settings: &Settings) -> TwitchLink {
        let first = spawn(&parts, settings);
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

    /// Starts a new generation when the Twitch or chat settings differ from the running one.
    pub async fn apply(&self, settings: &Settings) {
        let wanted = settings.twitch.adapter_settings(&settings.chat);
        let prefix = settings.chat.prefix.clone();
        let mut current = self.inner.generation.lock().await;
        if let Some(g) = current.as_ref()
            && g.settings == wanted
            && g.prefix == prefix
        {
            return;
        }
        if let Some(old) = current.take() {
            stop(old).await;
            tracing::info!("Twitch settings changed; reconnecting");
        }
        let next = spawn(&self.inner.parts, settings);
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

/// A connection and its bridge for `settings`.
fn spawn(p: &BridgeParts, settings: &Settings) -> Generation {
    let wanted = settings.twitch.adapter_settings(&settings.chat);
    let prefix = settings.chat.prefix.clone();
    let (handle, events) = TwitchHandle::spawn(wanted.clone());
    let (stop, stop_rx) = watch::channel(false);
    let bridge = TwitchBridge {
        twitch: handle.clone(),
        obs: p.obs.clone(),
        engine: p.engine.clone(),
        store: p.store.clone(),
        hub: p.hub.clone(),
        prefix: prefix.clone(),
        table: p.table.clone(),
        stats: p.stats.clone(),
    };
    Generation {
        bridge: tokio::spawn(bridge.run(events, stop_rx)),
        handle,
        stop,
        settings: wanted,
        prefix,
    }
}

async fn stop(g: Generation) {
    let _ = g.stop.send(true);
    let _ = g.bridge.await;
    g.handle.shutdown().await;
}
