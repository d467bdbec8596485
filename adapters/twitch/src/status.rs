//! The connection state of one client, fed from two places: the socket layer (opened, closed,
//! failed: twitch-irc reports none of these to its user) and the message stream (our JOIN echo).

use std::collections::VecDeque;
use std::sync::Mutex;

use tokio::sync::watch;

use crate::events::TwitchStatus;

pub(crate) struct StatusTracker {
    tx: watch::Sender<TwitchStatus>,
    /// Every state change in order, for the event stream (a watch alone would merge a quick
    /// down-up into "up"). Bounded: if nobody drains it, the oldest go.
    history: Mutex<VecDeque<TwitchStatus>>,
    sockets: Mutex<SocketState>,
}

const HISTORY_LIMIT: usize = 32;

#[derive(Default)]
struct SocketState {
    open: usize,
    shutting_down: bool,
}

impl StatusTracker {
    pub(crate) fn new(initial: TwitchStatus) -> Self {
        Self {
            tx: watch::Sender::new(initial),
            history: Mutex::new(VecDeque::new()),
            sockets: Mutex::new(SocketState::default()),
        }
    }

    pub(crate) fn subscribe(&self) -> watch::Receiver<TwitchStatus> {
        self.tx.subscribe()
    }

    pub(crate) fn current(&self) -> TwitchStatus {
        self.tx.borrow().clone()
    }

    /// State changes since the last call, oldest first.
    pub(crate) fn take_history(&self) -> Vec<TwitchStatus> {
        self.history().drain(..).collect()
    }

    fn history(&self) -> std::sync::MutexGuard<'_, VecDeque<TwitchStatus>> {
        self.history.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Applies `change`; notifies watchers if anything changed and records state changes.
    fn update(&self, change: impl FnOnce(&mut TwitchStatus)) {
        // Holding the history lock keeps history and watch in the same order.
        let mut history = self.history();
        let mut snapshot = None;
        self.tx.send_if_modified(|s| {
            let before = s.clone();
            change(s);
            if !s.same_state(&before) {
                snapshot = Some(s.clone());
            }
            *s != before
        });
        if let Some(s) = snapshot {
            if history.len() >= HISTORY_LIMIT {
                history.pop_front();
            }
            history.push_back(s);
        }
    }

    fn sockets(&self) -> std::sync::MutexGuard<'_, SocketState> {
        // A panic while holding this lock leaves plain counters behind: keep using them.
        self.sockets.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn socket_opened(&self) {
        self.sockets().open += 1;
        tracing::debug!("twitch: socket open");
    }

    /// `reason`: why it closed, when it was not our own doing.
    pub(crate) fn socket_closed(&self, reason: Option<String>) {
        let (now_unconnected, shutting_down) = {
            let mut s = self.sockets();
            s.open = s.open.saturating_sub(1);
            (s.open == 0, s.shutting_down)
        };
        if shutting_down {
            return;
        }
        if let Some(reason) = &reason {
            tracing::warn!(reason = %reason, "twitch: connection lost; reconnecting");
        } else {
            tracing::info!("twitch: connection closed; reconnecting");
        }
        self.update(|s| {
            if now_unconnected {
                s.connected = false;
            }
            if reason.is_some() {
                s.last_error = reason;
            }
        });
    }

    pub(crate) fn connect_failed(&self, error: String) {
        if self.sockets().shutting_down {
            return;
        }
        // Retries run every second while the server is down: warn once per distinct error.
        if self.tx.borrow().last_error.as_deref() == Some(error.as_str()) {
            tracing::debug!(error = %error, "twitch: connect failed again; retrying");
        } else {
            tracing::warn!(error = %error, "twitch: connect failed; retrying");
        }
        self.set_error(error);
    }

    pub(crate) fn set_error(&self, error: String) {
        self.update(|s| s.last_error = Some(error));
    }

    /// Our JOIN was echoed: connected, as long as a socket is still open (the echo may be
    /// processed after the socket that carried it has already gone).
    pub(crate) fn joined(&self) {
        // Held through the update, so a concurrent `shut_down` cannot be overtaken by a late
        // echo (which would report "connected" after shutdown).
        let sockets = self.sockets();
        if sockets.open == 0 || sockets.shutting_down {
            return;
        }
        self.update(|s| {
            if !s.connected {
                tracing::info!(channel = %s.channel, "twitch: joined");
            }
            s.connected = true;
        });
    }

    pub(crate) fn parted(&self) {
        self.tx
            .send_if_modified(|s| std::mem::replace(&mut s.connected, false));
    }

    pub(crate) fn add_dropped(&self, n: u64) {
        self.tx.send_modify(|s| s.dropped_events += n);
    }

    pub(crate) fn shut_down(&self) {
        let mut sockets = self.sockets();
        sockets.shutting_down = true;
        self.tx
            .send_if_modified(|s| std::mem::replace(&mut s.connected, false));
    }
}
