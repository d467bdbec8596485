//! The engine: the ONLY writer. Requests arrive on a queue, are planned against the
//! in-memory world (pure), written in one redb transaction per group, and broadcast only
//! after the commit. See `runner.rs` for the loop.

pub mod alert_plan;
mod chat_plan;
mod event_plan;
mod events;
mod import_plan;
mod media_plan;
mod plan;
mod request;
mod runner;
mod settings_plan;
mod subject;
mod world;
mod writes;

pub use import_plan::{Action as ImportAction, ImportReport, Item as ImportItem, plan_import};
pub use media_plan::{MediaAssign, MediaPatch};
pub use plan::feature_error;
pub use request::{DashboardPatch, ElementPatch, QueueAction, Request};
pub use world::World;
pub use writes::merge;

use crate::hub::Hub;
use crate::model::{
    Actor, AuditEntry, ChatCommand, Effect, Element, ElementChange, EventBinding, Id,
};
use crate::store::{Store, StoreError};
use crate::widgets::params::ParamError;
use crate::widgets::params::ParamSpec;
use std::sync::Arc;
use std::sync::mpsc;
use tokio::sync::oneshot;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("{what} {id} not found")]
    NotFound { what: &'static str, id: String },
    #[error("{message}")]
    Validation { field: String, message: String },
    #[error("{0}")]
    Conflict(String),
    /// A widget's feature panicked (a bug in that widget, not in the request).
    #[error("widget {widget} failed in feature '{feature}': {message}")]
    WidgetFailed {
        widget: String,
        feature: String,
        message: String,
    },
    #[error(transparent)]
    Storage(#[from] StoreError),
    #[error("stagehand is shutting down")]
    Unavailable,
    /// More writes are waiting than `storage.max_pending_writes`: the caller should retry
    /// shortly instead of the queue (and the daemon's memory) growing without bound.
    #[error("stagehand is busy: {pending} changes are waiting to be saved; try again in a moment")]
    Busy { pending: usize },
    /// The storage refused the commit (disk full, I/O error); nothing was changed.
    #[error("could not save the change: {0}")]
    CommitFailed(String),
}

impl EngineError {
    /// A parameter error inside a body field, e.g. `parameters.color`.
    pub fn param(prefix: &str, e: ParamError) -> Self {
        EngineError::Validation {
            field: format!("{prefix}.{}", e.field),
            message: e.message,
        }
    }
}

/// Applies one element change in place (shared by the engine and widget tests).
pub fn apply_change(e: &mut Element, c: &ElementChange) {
    if let Some(v) = c.visible {
        e.visible = v;
    }
    merge(&mut e.properties, &c.properties);
    e.placement.apply(&c.properties, &mut e.properties);
    for (role, id) in &c.media {
        e.media_pools.remove(role);
        match id {
            Some(id) => e.media.insert(role.clone(), *id),
            None => e.media.remove(role),
        };
    }
}

/// A committed request: the id it was about and what the caller must ask of OBS now.
#[derive(Debug)]
pub struct Done {
    pub id: Id,
    pub effects: Vec<Effect>,
    /// The audit entry of a request with effects is written only once the caller knows
    /// whether they worked ([`Engine::record_effects`]), so the log never says "ok" for a
    /// switch OBS refused.
    pub pending_audit: Option<AuditEntry>,
}

type Answer = Result<Done, EngineError>;
type Reply = oneshot::Sender<Answer>;

enum Msg {
    Request {
        req: Request,
        actor: Actor,
        reply: Reply,
    },
    /// The deferred audit entry of a request whose effects were performed.
    Audit(AuditEntry),
    /// Readiness probe: answered as soon as the engine thread takes its next group.
    Ping(oneshot::Sender<()>),
    /// Copy the data file between two commits (a consistent backup).
    Backup(oneshot::Sender<std::io::Result<std::path::PathBuf>>),
    /// Look at the alert queues again (an overlay connected: held alerts may play now).
    Wake,
    Shutdown,
}

/// A cheap handle to the engine thread.
#[derive(Clone)]
pub struct Engine {
    tx: mpsc::Sender<Msg>,
    stats: Arc<Stats>,
    /// Most requests queued and not yet taken by the engine thread.
    max_pending: usize,
}

/// Which OBS scene the active dashboard wants, published after every commit that activates a
/// dashboard or changes its binding. `seq` grows on every activation, so activating the
/// already-active dashboard re-applies its scene (the streamer clicked it for a reason).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SceneIntent {
    pub seq: u64,
    pub dashboard_id: Option<Id>,
    pub scene: Option<String>,
}

/// What the chat bridge needs to interpret chat without asking anyone: commands, bindings
/// and the parameter specs of their features (with each widget's current defaults).
/// Republished after every commit that touches commands, bindings or widgets.
#[derive(Debug, Default)]
pub struct ChatTable {
    pub commands: Vec<ChatCommand>,
    pub bindings: Vec<EventBinding>,
    /// (widget id, feature) → parameter specs.
    pub specs: std::collections::HashMap<(Id, String), Vec<ParamSpec>>,
}

impl ChatTable {
    pub fn of(world: &World) -> ChatTable {
        let mut specs = std::collections::HashMap::new();
        let wanted = world
            .commands
            .values()
            .map(|c| (c.widget_id, &c.feature))
            .chain(world.bindings.values().map(|b| (b.widget_id, &b.feature)));
        for (wid, feature) in wanted {
            let spec = world
                .widgets
                .get(&wid)
                .and_then(|w| crate::widgets::feature_of(w, feature));
            if let Some(f) = spec {
                specs.insert((wid, feature.clone()), f.parameters);
            }
        }
        ChatTable {
            commands: world.commands.values().cloned().collect(),
            bindings: world.bindings.values().cloned().collect(),
            specs,
        }
    }

    pub fn specs(&self, widget_id: Id, feature: &str) -> Option<&Vec<ParamSpec>> {
        self.specs.get(&(widget_id, feature.to_string()))
    }
}

/// Counters for /api/status: how well group commit is grouping.
#[derive(Debug, Default)]
pub struct Stats {
    pub commands: std::sync::atomic::AtomicU64,
    pub commits: std::sync::atomic::AtomicU64,
    /// Requests sent and not yet taken by the engine thread (the bounded part of the queue;
    /// control messages such as deferred audit entries are never refused).
    pub pending: std::sync::atomic::AtomicUsize,
}

/// Joins the engine thread on shutdown.
pub struct EngineThread {
    handle: std::thread::JoinHandle<()>,
    tx: mpsc::Sender<Msg>,
}

#[derive(Clone, Debug)]
pub struct EngineConfig {
    /// Audit entries to keep; older ones are pruned as new ones arrive.
    pub audit_keep: u64,
    /// Most commands grouped into one transaction.
    pub max_group: usize,
    /// Backups kept by `Engine::backup`.
    pub backups_keep: usize,
    /// Requests waiting for the engine beyond which new ones are refused with `Busy`.
    pub max_pending: usize,
    /// Alerts that waited longer than this for an overlay are dropped instead of played
    /// (`None`: held however long it takes).
    pub alert_max_wait_ms: Option<u64>,
    /// Event log entries older than this many days are pruned (0 keeps them all).
    pub event_retention_days: u64,
}

impl Engine {
    /// Starts the engine thread over `world` (loaded from `store`).
    pub fn start(
        store: Arc<Store>,
        world: World,
        hub: Arc<Hub>,
        scene: tokio::sync::watch::Sender<SceneIntent>,
        chat: tokio::sync::watch::Sender<Arc<ChatTable>>,
        config: EngineConfig,
    ) -> std::io::Result<(Engine, EngineThread)> {
        let (tx, rx) = mpsc::channel();
        let stats = Arc::new(Stats::default());
        let max_pending = config.max_pending;
        let thread_stats = stats.clone();
        let handle = std::thread::Builder::new()
            .name("stagehand-engine".into())
            .spawn(move || {
                runner::run(
                    runner::Outputs {
                        store,
                        hub,
                        scene,
                        chat,
                        stats: thread_stats,
                    },
                    rx,
                    world,
                    config,
                )
            })?;
        Ok((
            Engine {
                tx: tx.clone(),
                stats,
                max_pending,
            },
            EngineThread { handle, tx },
        ))
    }

    /// Runs a request and waits until it is committed (or rejected).
    pub async fn call(&self, actor: Actor, req: Request) -> Result<Id, EngineError> {
        self.call_done(actor, req).await.map(|d| d.id)
    }

    /// Like `call`, with the effects the caller must perform (feature runs).
    pub async fn call_done(&self, actor: Actor, req: Request) -> Answer {
        self.enqueue(actor, req)?
            .await
            .map_err(|_| EngineError::Unavailable)?
    }

    /// Records how a committed request's effects went: its audit entry (held back until
    /// now) is written with the outcome the caller was given.
    pub fn record_effects(&self, done: &mut Done, outcome: Result<(), String>) {
        let Some(mut entry) = done.pending_audit.take() else {
            return;
        };
        if let Err(error) = outcome {
            entry.ok = false;
            entry.error = Some(error);
        }
        if self.tx.send(Msg::Audit(entry)).is_err() {
            tracing::warn!("engine stopped before an audit entry could be written");
        }
    }

    /// Makes the engine look at its alert queues again: an overlay connected.
    pub fn wake(&self) {
        let _ = self.tx.send(Msg::Wake);
    }

    /// Whether the engine thread takes requests (answers within `within`).
    pub async fn ping(&self, within: std::time::Duration) -> bool {
        let (tx, rx) = oneshot::channel();
        if self.tx.send(Msg::Ping(tx)).is_err() {
            return false;
        }
        matches!(tokio::time::timeout(within, rx).await, Ok(Ok(())))
    }

    /// Writes a backup of the data file between two commits; returns its path.
    pub async fn backup(&self) -> std::io::Result<std::path::PathBuf> {
        let (tx, rx) = oneshot::channel();
        self.tx
            .send(Msg::Backup(tx))
            .map_err(|_| std::io::Error::other("the engine has stopped"))?;
        rx.await
            .map_err(|_| std::io::Error::other("the engine has stopped"))?
    }

    /// (commands processed, commits written) since start.
    pub fn stats(&self) -> (u64, u64) {
        use std::sync::atomic::Ordering::Relaxed;
        (
            self.stats.commands.load(Relaxed),
            self.stats.commits.load(Relaxed),
        )
    }

    /// Queues a request NOW (so requests keep their order) and returns the reply to await later.
    /// Refused with `Busy` while `max_pending` requests already wait: a flood (a script, a
    /// stuck client retrying) gets told to back off instead of growing the queue without bound.
    pub fn enqueue(
        &self,
        actor: Actor,
        req: Request,
    ) -> Result<oneshot::Receiver<Answer>, EngineError> {
        use std::sync::atomic::Ordering::AcqRel;
        let pending = self.stats.pending.fetch_add(1, AcqRel);
        if pending >= self.max_pending {
            self.stats.pending.fetch_sub(1, AcqRel);
            return Err(EngineError::Busy { pending });
        }
        let (reply, rx) = oneshot::channel();
        if self.tx.send(Msg::Request { req, actor, reply }).is_err() {
            self.stats.pending.fetch_sub(1, AcqRel);
            return Err(EngineError::Unavailable);
        }
        Ok(rx)
    }
}

impl EngineThread {
    /// Finishes every request already queued (and its commit), then stops.
    pub fn shutdown(self) {
        let _ = self.tx.send(Msg::Shutdown);
        if self.handle.join().is_err() {
            tracing::error!("engine thread panicked");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bound is on requests the engine thread has not taken yet: at the limit the next one
    /// is refused (and not sent), and taking one makes room again.
    #[test]
    fn a_full_queue_refuses_with_busy_and_frees_up_when_the_engine_takes_one() {
        let (tx, rx) = mpsc::channel();
        let engine = Engine {
            tx,
            stats: Arc::new(Stats::default()),
            max_pending: 2,
        };
        let req = || Request::ActivateDashboard { id: 1 };
        let _a = engine.enqueue(Actor::Admin, req()).expect("first fits");
        let _b = engine.enqueue(Actor::Admin, req()).expect("second fits");
        let refused = engine.enqueue(Actor::Admin, req());
        assert!(matches!(refused, Err(EngineError::Busy { pending: 2 })));
        assert_eq!(
            rx.try_iter().count(),
            2,
            "the refused request was never queued"
        );
        // What the runner does when it takes a request off the queue.
        engine
            .stats
            .pending
            .fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
        assert!(engine.enqueue(Actor::Admin, req()).is_ok());
    }
}
