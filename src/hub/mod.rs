//! The overlay hub: fans committed changes out to every WebSocket client.
//!
//! It keeps its own view of the elements (fed only by committed events) so a connecting
//! client gets a snapshot consistent with the frames that follow. Each client has a
//! bounded queue; broadcasting never waits: a client whose queue is full is marked lagged,
//! skipped, and gets a fresh snapshot instead of the backlog.

pub mod chat;
mod frame;
pub mod session;

pub use frame::Encoded;

use crate::model::{AuditEntry, ElementView, Id};
use serde::Serialize;
use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::mpsc;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Show,
    Hide,
    Update,
    Delete,
}

/// A committed change, as the hub hears it from the engine.
#[derive(Clone, Debug)]
pub enum HubEvent {
    Element {
        action: Action,
        element: ElementView,
        was_enabled: bool,
    },
    DashboardActivated(Id),
    DashboardDeactivated(Id),
    /// Admin clients only: the activity feed.
    CommandExecuted(AuditEntry),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientKind {
    /// Read-only OBS browser sources.
    Overlay,
    /// The admin UI: same frames plus admin-only ones.
    Admin,
}

#[derive(Serialize)]
struct SnapshotBody<'a> {
    active_dashboard_id: Option<Id>,
    elements: Vec<&'a ElementView>,
    /// Recent chat lines, oldest first (for chat boxes).
    #[serde(skip_serializing_if = "VecDeque::is_empty")]
    chat: &'a VecDeque<chat::ChatLine>,
}

#[derive(Serialize)]
struct ElementUpdateBody<'a> {
    action: Action,
    element: &'a ElementView,
}

#[derive(Serialize)]
struct DashboardBody {
    dashboard_id: Id,
}

#[derive(Serialize)]
struct CommandExecutedBody<'a> {
    entry: &'a AuditEntry,
}

struct Client {
    id: u64,
    kind: ClientKind,
    tx: mpsc::Sender<Arc<Encoded>>,
    lagged: Arc<AtomicBool>,
}

struct State {
    /// Every element, with `enabled` telling whether the overlay renders it.
    elements: BTreeMap<Id, ElementView>,
    active: Option<Id>,
    clients: Vec<Client>,
    /// The encoded snapshot, reused until the next change (reconnect storms stay cheap).
    snapshot: Option<Arc<Encoded>>,
    chat: VecDeque<chat::ChatLine>,
}

pub struct Hub {
    state: Mutex<State>,
    queue: usize,
    next_client: AtomicU64,
}

/// A client's end: its queue, and the flag that says "you fell behind, resync".
pub struct Subscription {
    pub id: u64,
    pub kind: ClientKind,
    pub rx: mpsc::Receiver<Arc<Encoded>>,
    lagged: Arc<AtomicBool>,
}

impl Subscription {
    pub fn lagged(&self) -> bool {
        self.lagged.load(Ordering::Acquire)
    }
}

impl Hub {
    /// `queue` is each client's bound in frames.
    pub fn new(elements: BTreeMap<Id, ElementView>, active: Option<Id>, queue: usize) -> Hub {
        Hub {
            state: Mutex::new(State {
                elements,
                active,
                clients: Vec::new(),
                snapshot: None,
                chat: VecDeque::new(),
            }),
            queue: queue.max(1),
            next_client: AtomicU64::new(1),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the view half-updated in a way that
        // matters more than stopping the show; keep serving.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Registers a client; returns its subscription and the snapshot to send first.
    pub fn subscribe(&self, kind: ClientKind) -> (Subscription, Arc<Encoded>) {
        let (tx, rx) = mpsc::channel(self.queue);
        let lagged = Arc::new(AtomicBool::new(false));
        let id = self.next_client.fetch_add(1, Ordering::Relaxed);
        let mut st = self.lock();
        st.clients.push(Client {
            id,
            kind,
            tx,
            lagged: lagged.clone(),
        });
        let snap = snapshot(&mut st);
        (
            Subscription {
                id,
                kind,
                rx,
                lagged,
            },
            snap,
        )
    }

    /// A fresh snapshot for a client that asked for one or fell behind; drops its backlog.
    pub fn resync(&self, sub: &mut Subscription) -> Arc<Encoded> {
        let mut st = self.lock();
        // Under the lock no broadcast can interleave: whatever is queued is older than the
        // snapshot, whatever comes after the unlock is newer.
        while sub.rx.try_recv().is_ok() {}
        sub.lagged.store(false, Ordering::Release);
        snapshot(&mut st)
    }

    pub fn unsubscribe(&self, id: u64) {
        self.lock().clients.retain(|c| c.id != id);
    }

    pub fn client_count(&self, kind: ClientKind) -> usize {
        self.lock()
            .clients
            .iter()
            .filter(|c| c.kind == kind)
            .count()
    }

    pub fn active_dashboard(&self) -> Option<Id> {
        self.lock().active
    }

    /// Applies committed events to the view and queues them for every client. Never blocks.
    pub fn publish(&self, events: &[HubEvent]) {
        if events.is_empty() {
            return;
        }
        let mut st = self.lock();
        st.snapshot = None;
        for ev in events {
            let (msg, overlay_too) = match ev {
                HubEvent::Element {
                    action,
                    element,
                    was_enabled,
                } => {
                    if *action == Action::Delete {
                        st.elements.remove(&element.id);
                    } else {
                        st.elements.insert(element.id, element.clone());
                    }
                    let body = ElementUpdateBody {
                        action: *action,
                        element,
                    };
                    // Overlays hear about elements they render, or just stopped rendering.
                    (
                        Encoded::new("element_update", &body),
                        element.enabled || *was_enabled,
                    )
                }
                HubEvent::DashboardActivated(id) => {
                    st.active = Some(*id);
                    (
                        Encoded::new("dashboard_activated", &DashboardBody { dashboard_id: *id }),
                        true,
                    )
                }
                HubEvent::DashboardDeactivated(id) => {
                    if st.active == Some(*id) {
                        st.active = None;
                    }
                    (
                        Encoded::new(
                            "dashboard_deactivated",
                            &DashboardBody { dashboard_id: *id },
                        ),
                        true,
                    )
                }
                HubEvent::CommandExecuted(entry) => (
                    Encoded::new("command_executed", &CommandExecutedBody { entry }),
                    false,
                ),
            };
            broadcast(&mut st, Arc::new(msg), overlay_too);
        }
    }

    /// Chat for chat boxes, to overlays and admins: remembered for snapshots, sent as one
    /// `chat` frame. Callers batch (at most a few frames a second, see `bridge::chat_feed`).
    pub fn publish_chat(&self, batch: &chat::ChatBatch) {
        if batch.is_empty() {
            return;
        }
        let mut st = self.lock();
        chat::apply(&mut st.chat, batch);
        st.snapshot = None;
        broadcast(&mut st, Arc::new(Encoded::new("chat", batch)), true);
    }

    /// Sends an admin-only message (OBS/Twitch status, chat lines).
    pub fn publish_admin(&self, msg: Encoded) {
        let mut st = self.lock();
        broadcast(&mut st, Arc::new(msg), false);
    }
}

fn broadcast(st: &mut State, msg: Arc<Encoded>, overlay_too: bool) {
    st.clients.retain(|c| {
        if c.kind == ClientKind::Overlay && !overlay_too {
            return true;
        }
        if c.lagged.load(Ordering::Acquire) {
            crate::metrics::METRICS.frames_dropped.inc();
            return true;
        }
        match c.tx.try_send(msg.clone()) {
            Ok(()) => true,
            Err(mpsc::error::TrySendError::Full(_)) => {
                tracing::debug!(
                    client = c.id,
                    "client fell behind; it will get a fresh snapshot"
                );
                c.lagged.store(true, Ordering::Release);
                crate::metrics::METRICS.frames_dropped.inc();
                true
            }
            Err(mpsc::error::TrySendError::Closed(_)) => false,
        }
    });
}

fn snapshot(st: &mut State) -> Arc<Encoded> {
    if let Some(s) = &st.snapshot {
        return s.clone();
    }
    let body = SnapshotBody {
        active_dashboard_id: st.active,
        elements: st.elements.values().filter(|e| e.enabled).collect(),
        chat: &st.chat,
    };
    let snap = Arc::new(Encoded::new("snapshot", &body));
    st.snapshot = Some(snap.clone());
    snap
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(i: u64) -> HubEvent {
        HubEvent::DashboardActivated(i)
    }

    #[test]
    fn a_full_queue_marks_the_client_lagged_and_resync_drops_the_backlog() {
        let hub = Hub::new(BTreeMap::new(), None, 8);
        let (mut slow, _) = hub.subscribe(ClientKind::Overlay);
        let (mut fast, _) = hub.subscribe(ClientKind::Overlay);
        for i in 0..5 {
            hub.publish(&[event(i)]);
            assert!(
                fast.rx.try_recv().is_ok(),
                "a reading client gets every frame"
            );
        }
        assert!(!slow.lagged());
        for i in 5..100 {
            hub.publish(&[event(i)]);
            let _ = fast.rx.try_recv();
        }
        assert!(slow.lagged(), "queue bound reached");
        let snap = hub.resync(&mut slow);
        assert_eq!(snap.kind, "snapshot");
        assert!(!slow.lagged());
        assert!(slow.rx.try_recv().is_err(), "backlog dropped");
        hub.publish(&[event(100)]);
        assert!(
            slow.rx.try_recv().is_ok(),
            "frames flow again after the resync"
        );
    }

    #[test]
    fn overlays_do_not_get_admin_frames() {
        let hub = Hub::new(BTreeMap::new(), None, 8);
        let (mut overlay, _) = hub.subscribe(ClientKind::Overlay);
        let (mut admin, _) = hub.subscribe(ClientKind::Admin);
        hub.publish_admin(Encoded::new(
            "obs_status",
            &serde_json::json!({"connected": true}),
        ));
        assert!(overlay.rx.try_recv().is_err());
        assert_eq!(admin.rx.try_recv().unwrap().kind, "obs_status");
        hub.unsubscribe(admin.id);
        assert_eq!(hub.client_count(ClientKind::Admin), 0);
    }
}
