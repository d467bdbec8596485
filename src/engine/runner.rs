//! The engine thread's loop: wait for a request or the next due follow-up, take everything
//! queued meanwhile (group commit), plan each request against the world, commit once,
//! then broadcast and reply. On a failed commit the world is rolled back.

use super::world::World;
use super::{
    Answer, ChatTable, Done as Committed, EngineConfig, EngineError, Msg, Reply, Request,
    SceneIntent, Stats, alert_plan, events, plan,
};
use crate::hub::{Hub, HubEvent};
use crate::metrics::{METRICS, Metrics};
use crate::model::{Actor, AuditEntry, Id, Kind, now_ms};
use crate::store::{Store, Write};
use rand::{RngCore, SeedableRng, rngs::StdRng};
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

struct Job {
    req: Request,
    actor: Actor,
    reply: Reply,
}

/// Everything one group commit accumulates.
#[derive(Default)]
struct Group {
    writes: Vec<Write>,
    undo: Vec<Write>,
    events: Vec<HubEvent>,
    replies: Vec<(Reply, Answer)>,
}

impl Group {
    /// Applies a command's writes to the world and records how to undo and announce them.
    fn stage(&mut self, world: &mut World, writes: Vec<Write>) {
        let active_before = world.active;
        let enabled_before = world.enabled();
        let undo: Vec<Write> = writes.iter().map(|w| world.apply(w)).collect();
        self.events
            .extend(events::derive(world, &undo, active_before, &enabled_before));
        self.undo.extend(undo);
        self.writes.extend(writes);
    }
}

/// Where committed results go.
pub struct Outputs {
    pub store: Arc<Store>,
    pub hub: Arc<Hub>,
    pub scene: tokio::sync::watch::Sender<SceneIntent>,
    pub chat: tokio::sync::watch::Sender<Arc<ChatTable>>,
    pub stats: Arc<Stats>,
}

pub fn run(out: Outputs, rx: Receiver<Msg>, mut world: World, cfg: EngineConfig) {
    out.chat.send_replace(Arc::new(ChatTable::of(&world)));
    out.scene.send_replace(SceneIntent {
        seq: 0,
        dashboard_id: world.active,
        scene: world.active_dashboard().and_then(|d| d.obs_scene.clone()),
    });
    // An idle daemon prunes too: what outlived the retention leaves at start-up.
    if let Some(w) = retention(&cfg, now_ms())
        && let Err(e) = out.store.commit(&[w])
    {
        tracing::warn!(error = %e, "could not prune the event log");
    }
    // Seeds for feature runs: unpredictable in production, recorded in every audit entry.
    let mut seeds = StdRng::from_os_rng();
    let mut stopping = false;
    while !stopping {
        let audience = out.hub.client_count(crate::hub::ClientKind::Overlay) > 0;
        let first = match next_due(&world, audience) {
            Some(due) => match rx.recv_timeout(Duration::from_millis(due.saturating_sub(now_ms())))
            {
                Ok(m) => Some(m),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => break,
            },
            None => match rx.recv() {
                Ok(m) => Some(m),
                Err(_) => break,
            },
        };
        let mut jobs = Vec::new();
        let mut audits = Vec::new();
        let mut backups = Vec::new();
        let mut pending = first;
        // Everything that queued up while the previous commit was in flight joins this group.
        while let Some(m) = pending.take() {
            match m {
                Msg::Request { req, actor, reply } => {
                    out.stats.pending.fetch_sub(1, Relaxed);
                    jobs.push(Job { req, actor, reply })
                }
                Msg::Audit(entry) => audits.push(entry),
                Msg::Ping(tx) => {
                    let _ = tx.send(());
                }
                Msg::Backup(tx) => backups.push(tx),
                Msg::Wake => {}
                Msg::Shutdown => stopping = true,
            }
            if !stopping && jobs.len() < cfg.max_group {
                pending = rx.try_recv().ok();
            }
        }
        out.stats.commands.fetch_add(jobs.len() as u64, Relaxed);
        let mut done = process(
            &out.store, &mut world, &out.hub, &cfg, &mut seeds, jobs, audits,
        );
        if done.committed {
            out.stats.commits.fetch_add(1, Relaxed);
            publish_scene(&out.scene, &world, done.activated);
            if done.chat_changed {
                out.chat.send_replace(Arc::new(ChatTable::of(&world)));
            }
        }
        reply_all(std::mem::take(&mut done.replies));
        // After this group's commit and before the next: the file holds exactly what was
        // acknowledged so far.
        for tx in backups {
            let _ = tx.send(out.store.backup(cfg.backups_keep));
        }
    }
    tracing::debug!("engine stopped");
}

/// Tells the OBS bridge which scene the active dashboard wants, when that changed or a
/// dashboard was (re-)activated.
fn publish_scene(tx: &tokio::sync::watch::Sender<SceneIntent>, world: &World, activated: bool) {
    let dashboard_id = world.active;
    let scene = world.active_dashboard().and_then(|d| d.obs_scene.clone());
    tx.send_if_modified(|cur| {
        if activated || cur.dashboard_id != dashboard_id || cur.scene != scene {
            *cur = SceneIntent {
                seq: cur.seq + 1,
                dashboard_id,
                scene,
            };
            true
        } else {
            false
        }
    });
}

fn next_due(world: &World, audience: bool) -> Option<u64> {
    let queues = world
        .alert_queues
        .values()
        .filter_map(|q| alert_plan::due_ms(q, audience));
    world.timers.values().map(|t| t.due_ms).chain(queues).min()
}

/// What a group did.
#[derive(Debug, Default)]
struct Done {
    /// A commit was written.
    committed: bool,
    /// A dashboard activation succeeded (even of the active one).
    activated: bool,
    /// Commands, bindings or widgets changed: the chat bridge needs a new table.
    chat_changed: bool,
    /// Answers to the committed group's callers, sent once the bridges' views are published,
    /// so a command created by the API is already known to chat when the caller hears "201".
    replies: Vec<(Reply, Answer)>,
}

fn process(
    store: &Store,
    world: &mut World,
    hub: &Hub,
    cfg: &EngineConfig,
    seeds: &mut impl RngCore,
    jobs: Vec<Job>,
    audits: Vec<AuditEntry>,
) -> Done {
    let mut activated = false;
    let now = now_ms();
    let mut group = Group::default();
    for entry in audits {
        METRICS.execution(source(&entry.actor), entry.ok);
        group.stage(world, vec![Write::Audit(entry.clone())]);
        group.events.push(HubEvent::CommandExecuted(entry));
    }

    let due: Vec<(Id, String)> = world
        .timers
        .iter()
        .filter(|(_, t)| t.due_ms <= now)
        .map(|(k, _)| k.clone())
        .collect();
    for key in due {
        let seed = seeds.next_u64();
        // A follow-up that calls a feature is a run like any other: audited with its seed.
        let call = world.timers.get(&key).and_then(|t| {
            let c = t.call.as_ref()?;
            let req = Request::Execute {
                widget_id: t.widget_id,
                feature: c.feature.clone(),
                parameters: c.args.clone(),
                seed: Some(seed),
            };
            Some((describe(world, &req), super::subject::of(world, &req), req))
        });
        let (p, called) = plan::fire_timer(world, &key, now, seed);
        if !p.effects.is_empty() {
            tracing::warn!(widget_id = key.0, key = %key.1, "a follow-up's OBS requests are not performed (no caller to answer)");
        }
        group.stage(world, p.writes);
        if let (Some((target, subject, req)), Some(result)) = (call, called) {
            if let Err(e) = &result {
                tracing::warn!(widget_id = key.0, key = %key.1, error = %e, "follow-up failed; dropped");
            }
            let entry = audit_entry(
                world,
                now,
                Actor::Timer,
                &req,
                target,
                subject,
                Some(seed),
                result.err().map(|e| e.to_string()),
            );
            METRICS.execution("timer", entry.ok);
            group.stage(world, audit_writes(world, cfg, entry.clone()));
            group.events.push(HubEvent::CommandExecuted(entry));
        }
    }

    for job in jobs {
        let target = describe(world, &job.req);
        let subject = super::subject::of(world, &job.req);
        let is_run = matches!(job.req, Request::Execute { .. } | Request::ChatRun { .. });
        let seed = match &job.req {
            Request::Execute { seed: Some(s), .. } => *s,
            _ => seeds.next_u64(),
        };
        let result = plan::plan(world, &job.req, now, seed);
        let error = result.as_ref().err().map(|e| e.to_string());
        let mut deferred = false;
        let mut logged = None;
        let reply = match result {
            Ok(p) => {
                activated |= matches!(job.req, Request::ActivateDashboard { .. });
                logged = p.writes.iter().find_map(|w| match w {
                    Write::Event(e) => Some(e.clone()),
                    _ => None,
                });
                group.stage(world, p.writes);
                if matches!(job.req, Request::CreateWidget { .. }) {
                    look_back(world, store, p.id, now, seed, &mut group);
                }
                deferred = !p.effects.is_empty();
                Ok(Committed {
                    id: p.id,
                    effects: p.effects,
                    pending_audit: None,
                })
            }
            Err(e) => {
                tracing::debug!(actor = %job.actor, action = job.req.action(), error = %e, "request rejected");
                Err(e)
            }
        };
        let entry = audit_entry(
            world,
            now,
            job.actor,
            &job.req,
            target,
            subject,
            is_run.then_some(seed),
            error,
        );
        let mut writes = vec![Write::Counter(Kind::Audit, entry.id + 1)];
        if entry.id > cfg.audit_keep {
            writes.push(Write::AuditDelete(entry.id - cfg.audit_keep));
        }
        // With effects (OBS requests) the outcome is known only after the caller performed
        // them: the entry travels with the reply and comes back through `record_effects`.
        let reply = match reply {
            Ok(mut c) if deferred => {
                c.pending_audit = Some(entry);
                Ok(c)
            }
            other => {
                if matches!(job.req, Request::Execute { .. } | Request::ChatRun { .. }) {
                    METRICS.execution(source(&entry.actor), entry.ok);
                }
                writes.push(Write::Audit(entry.clone()));
                group.events.push(HubEvent::CommandExecuted(entry));
                other
            }
        };
        group.stage(world, writes);
        group.replies.push((job.reply, reply));
        if let Some(ev) = logged {
            feed_event(world, cfg, seeds, now, &ev, &mut group);
        }
    }
    if group.writes.iter().any(|w| matches!(w, Write::Event(_))) {
        group.stage(world, retention(cfg, now).into_iter().collect());
    }

    advance_alerts(world, hub, cfg, now, &mut group);

    if group.writes.is_empty() {
        reply_all(group.replies);
        return Done::default();
    }
    let started = std::time::Instant::now();
    let committed = store.commit(&group.writes);
    Metrics::observe(&METRICS.commit_seconds, started.elapsed());
    METRICS
        .commands_per_commit
        .observe(group.replies.len().max(1) as f64);
    match committed {
        Ok(()) => {
            // Broadcast strictly after the commit: nothing uncommitted ever reaches an overlay.
            hub.publish(&group.events);
            let chat_changed = group.writes.iter().any(|w| {
                matches!(
                    w,
                    Write::Command(..) | Write::Binding(..) | Write::Widget(..)
                )
            });
            Done {
                committed: true,
                activated,
                chat_changed,
                replies: group.replies,
            }
        }
        Err(e) => {
            tracing::error!(error = %e, "commit failed; the group is rolled back");
            for u in group.undo.iter().rev() {
                world.apply(u);
            }
            let failed = group
                .replies
                .into_iter()
                .map(|(r, res)| (r, res.and(Err(EngineError::CommitFailed(e.to_string())))))
                .collect();
            reply_all(failed);
            Done::default()
        }
    }
}

/// Every queue one step on (after this group's requests, so an alert queued now starts in
/// the same commit); each alert started or skipped gets an audit entry.
fn advance_alerts(world: &mut World, hub: &Hub, cfg: &EngineConfig, now: u64, group: &mut Group) {
    let audience = hub.client_count(crate::hub::ClientKind::Overlay) > 0;
    let names: Vec<String> = world.alert_queues.keys().cloned().collect();
    for name in names {
        let Some(step) = alert_plan::advance(world, &name, now, audience, cfg.alert_max_wait_ms)
        else {
            continue;
        };
        group.stage(world, step.writes);
        for (alert, result) in step.played {
            if let Err(why) = &result {
                tracing::warn!(queue = %name, alert = %alert.label, error = %why, "alert skipped");
            }
            let widget = world.widgets.get(&alert.widget_id);
            let entry = AuditEntry {
                id: world.next_id(Kind::Audit),
                at_ms: now,
                actor: Actor::Timer,
                action: "play_alert".into(),
                target: format!("{} (queue {name})", alert.label),
                params: serde_json::json!({"queue": name, "kind": alert.kind, "alert_id": alert.id}),
                ok: result.is_ok(),
                error: result.err(),
                subject: Some(Box::new(crate::model::AuditSubject {
                    kind: "alert".into(),
                    widget_id: Some(alert.widget_id),
                    widget_name: widget.map(|w| w.name.clone()),
                    widget_class: widget.map(|w| w.widget_class.clone()),
                    ..Default::default()
                })),
                seed: None,
            };
            METRICS.execution("timer", entry.ok);
            group.stage(world, audit_writes(world, cfg, entry.clone()));
            group.events.push(HubEvent::CommandExecuted(entry));
        }
    }
}

/// A logged event to the widgets that follow events: each one's call planned against the
/// world as the previous left it (so element ids never collide), audited with its seed.
fn feed_event(
    world: &mut World,
    cfg: &EngineConfig,
    seeds: &mut impl RngCore,
    now: u64,
    ev: &crate::model::LoggedEvent,
    group: &mut Group,
) {
    let event = ev.event.kind.name();
    for (widget_id, call) in super::event_plan::listeners(world, ev) {
        let seed = seeds.next_u64();
        let req = Request::Execute {
            widget_id,
            feature: call.feature,
            parameters: call.args,
            seed: Some(seed),
        };
        let (target, subject) = (describe(world, &req), super::subject::of(world, &req));
        let error = match plan::plan(world, &req, now, seed) {
            Ok(p) => {
                group.stage(world, p.writes);
                None
            }
            Err(e) => {
                tracing::warn!(widget_id, error = %e, "an event-fed widget failed on an event");
                Some(e.to_string())
            }
        };
        let actor = Actor::Event {
            event: event.clone(),
        };
        let entry = audit_entry(world, now, actor, &req, target, subject, Some(seed), error);
        METRICS.execution("event", entry.ok);
        group.stage(world, audit_writes(world, cfg, entry.clone()));
        group.events.push(HubEvent::CommandExecuted(entry));
    }
}

/// A new widget that looks back (a leaderboard, an event list) starts from the event log:
/// read here, at the edge, and folded by the widget's pure `history` in the same commit as
/// its creation. A failure leaves it as created (fed from now on) and says so in the log.
fn look_back(world: &mut World, store: &Store, id: Id, now: u64, seed: u64, group: &mut Group) {
    let Some(wtype) = world
        .widgets
        .get(&id)
        .and_then(|w| crate::widgets::lookup(&w.widget_class))
    else {
        return;
    };
    let limit = wtype.history_len();
    if limit == 0 {
        return;
    }
    let q = crate::store::EventQuery {
        kinds: Vec::new(),
        since_ms: None,
        before: None,
        limit,
    };
    let planned = store
        .read()
        .and_then(|r| r.events(&q))
        .map_err(EngineError::from)
        .and_then(|events| match events.is_empty() {
            true => Ok(Vec::new()),
            false => plan::plan_history(world, id, events, now, seed),
        });
    match planned {
        Ok(writes) => group.stage(world, writes),
        Err(e) => {
            tracing::warn!(widget_id = id, error = %e, "a new widget could not read the event log's history")
        }
    }
}

/// The event log's retention as a write: entries older than the setting leave.
fn retention(cfg: &EngineConfig, now: u64) -> Option<Write> {
    let days = cfg.event_retention_days;
    (days > 0).then(|| Write::EventsBefore(now.saturating_sub(days * 86_400_000)))
}

/// The audit entry of a request (its id is the next audit id: stage its writes at once).
#[allow(clippy::too_many_arguments)]
fn audit_entry(
    world: &World,
    now: u64,
    actor: Actor,
    req: &Request,
    target: String,
    subject: crate::model::AuditSubject,
    seed: Option<u64>,
    error: Option<String>,
) -> AuditEntry {
    let params = match req {
        Request::Execute { parameters, .. } | Request::ChatRun { parameters, .. } => {
            serde_json::Value::Object(parameters.clone())
        }
        _ => serde_json::Value::Null,
    };
    AuditEntry {
        id: world.next_id(Kind::Audit),
        at_ms: now,
        actor,
        action: req.action().into(),
        target,
        params,
        ok: error.is_none(),
        error,
        subject: Some(Box::new(subject)),
        seed,
    }
}

/// Writes of a complete audit entry: the entry, the counter, the oldest one dropped.
fn audit_writes(world: &World, cfg: &EngineConfig, entry: AuditEntry) -> Vec<Write> {
    let id = entry.id;
    debug_assert_eq!(id, world.next_id(Kind::Audit));
    let mut writes = vec![Write::Counter(Kind::Audit, id + 1), Write::Audit(entry)];
    if id > cfg.audit_keep {
        writes.push(Write::AuditDelete(id - cfg.audit_keep));
    }
    writes
}

/// The `source` label of an execution.
fn source(actor: &Actor) -> &'static str {
    match actor {
        Actor::Admin => "admin",
        Actor::Chat { .. } => "chat",
        Actor::Event { .. } => "event",
        Actor::Obs => "obs",
        Actor::Timer => "timer",
    }
}

fn reply_all(replies: Vec<(Reply, Answer)>) {
    for (reply, result) in replies {
        // The caller may have gone away (client disconnected): nothing to do then.
        let _ = reply.send(result);
    }
}

/// A human-readable target for the audit log, known before planning (also for failures).
fn describe(world: &World, req: &Request) -> String {
    let widget = |id: &Id| match world.widgets.get(id) {
        Some(w) => format!("{} \"{}\" ({id})", w.widget_class, w.name),
        None => format!("widget {id}"),
    };
    let dashboard = |id: &Id| match world.dashboards.get(id) {
        Some(d) => format!("dashboard \"{}\" ({id})", d.name),
        None => format!("dashboard {id}"),
    };
    match req {
        Request::CreateDashboard { name, .. } => format!("dashboard \"{name}\""),
        Request::UpdateDashboard { id, .. }
        | Request::DeleteDashboard { id }
        | Request::ActivateDashboard { id } => dashboard(id),
        Request::CreateWidget {
            widget_class, name, ..
        } => format!("{widget_class} \"{name}\""),
        Request::UpdateWidget { id, .. } | Request::DeleteWidget { id } => widget(id),
        Request::Execute {
            widget_id, feature, ..
        } => format!("{}.{feature}", widget(widget_id)),
        Request::PatchElement {
            widget_id, name, ..
        } => format!("{}.{name}", widget(widget_id)),
        Request::ChatRun {
            widget_id, feature, ..
        } => format!("{}.{feature}", widget(widget_id)),
        Request::PutCommand { id: Some(id), .. } | Request::DeleteCommand { id } => {
            match world.commands.get(id) {
                Some(c) => format!("command {} ({id})", c.trigger),
                None => format!("command {id}"),
            }
        }
        Request::PutCommand { patch, .. } => {
            format!(
                "command {}",
                patch.trigger.clone().flatten().as_deref().unwrap_or("?")
            )
        }
        Request::PutBinding { id: Some(id), .. } | Request::DeleteBinding { id } => {
            format!("event binding {id}")
        }
        Request::PutBinding { .. } => "event binding".to_string(),
        Request::CreateMedia { media } => format!("media \"{}\"", media.original_name),
        Request::Import { bundle, .. } => format!(
            "bundle ({} dashboards, {} widgets, {} commands, {} media)",
            bundle.dashboards.len(),
            bundle.widgets.len(),
            bundle.commands.len(),
            bundle.media.len()
        ),
        Request::UpdateMedia { id, .. } | Request::DeleteMedia { id, .. } => {
            match world.media.get(id) {
                Some(m) => format!("media \"{}\" ({id})", m.display_name_or_original()),
                None => format!("media {id}"),
            }
        }
        Request::AlertQueue { queue, action } => format!("alert queue {queue}: {action:?}"),
        Request::RecordEvent { event } => format!("{} by {}", event.kind.name(), event.user),
        // Keys only: values may be secrets.
        Request::PutSettings { changes } => format!(
            "settings {}",
            changes
                .iter()
                .map(|(k, _)| k.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Map;
    use std::collections::BTreeMap;
    use tokio::sync::oneshot;

    /// An empty store in a temporary directory (kept alive by the first value), its world,
    /// a hub without clients and an engine configuration keeping `audit_keep` entries.
    fn fixture(audit_keep: u64) -> (tempfile::TempDir, Store, World, Hub, EngineConfig) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let world = World::from_loaded(store.load().unwrap());
        let hub = Hub::new(BTreeMap::new(), None, 64);
        let cfg = EngineConfig {
            audit_keep,
            max_group: 64,
            backups_keep: 2,
            max_pending: 1024,
            alert_max_wait_ms: None,
            event_retention_days: 0,
        };
        (dir, store, world, hub, cfg)
    }

    fn seeds() -> StdRng {
        StdRng::seed_from_u64(1)
    }

    fn job(req: Request) -> (Job, oneshot::Receiver<Answer>) {
        let (tx, rx) = oneshot::channel();
        (
            Job {
                req,
                actor: Actor::Admin,
                reply: tx,
            },
            rx,
        )
    }

    fn execute(widget_id: Id, feature: &str, params: serde_json::Value) -> Request {
        let parameters: Map = params.as_object().cloned().unwrap_or_default();
        Request::Execute {
            widget_id,
            feature: feature.into(),
            parameters,
            seed: None,
        }
    }

    /// One group as the runner runs it: processed, then answered.
    fn group(
        store: &Store,
        world: &mut World,
        hub: &Hub,
        cfg: &EngineConfig,
        seeds: &mut impl RngCore,
        jobs: Vec<Job>,
        audits: Vec<AuditEntry>,
    ) {
        reply_all(process(store, world, hub, cfg, seeds, jobs, audits).replies);
    }

    /// One group, one transaction: a bad command in the middle changes nothing, the good
    /// ones around it all land, each with its own reply and audit entry.
    #[test]
    fn each_command_in_a_group_is_all_or_nothing() {
        let (_dir, store, mut world, hub, cfg) = fixture(100);
        let create = Request::CreateWidget {
            widget_class: "DeathCounterWidget".into(),
            name: "Deaths".into(),
            widget_parameters: Map::new(),
            dashboard_ids: vec![],
        };
        let (j1, r1) = job(create);
        let (j2, r2) = job(execute(
            1,
            "increment_deaths",
            serde_json::json!({"amount": 2}),
        ));
        let (j3, r3) = job(execute(
            1,
            "increment_deaths",
            serde_json::json!({"amount": 1000}),
        ));
        let (j4, r4) = job(execute(1, "increment_deaths", serde_json::json!({})));
        group(
            &store,
            &mut world,
            &hub,
            &cfg,
            &mut seeds(),
            vec![j1, j2, j3, j4],
            Vec::new(),
        );
        assert_eq!(r1.blocking_recv().unwrap().unwrap().id, 1);
        assert!(r2.blocking_recv().unwrap().is_ok());
        assert!(matches!(
            r3.blocking_recv().unwrap(),
            Err(EngineError::Validation { .. })
        ));
        assert!(r4.blocking_recv().unwrap().is_ok());
        let r = store.read().unwrap();
        let e = &r.elements_of(1).unwrap()[0];
        assert_eq!(e.properties["value"], 3);
        let audit = r.audit(10).unwrap();
        assert_eq!(audit.len(), 4);
        assert!(!audit[1].ok, "the rejected command is audited as failed");
        // Memory and disk agree.
        assert_eq!(world.elements_of(1)[0].properties["value"], 3);
    }

    /// A feature that panics fails only its own request: a clear error naming the widget and
    /// feature, an audit entry, no state or element written, and the next request works.
    #[test]
    fn a_panicking_feature_fails_alone() {
        let (_dir, store, mut world, hub, cfg) = fixture(100);
        let (j, r) = job(Request::CreateWidget {
            widget_class: "PanickyWidget".into(),
            name: "Buggy".into(),
            widget_parameters: Map::new(),
            dashboard_ids: vec![],
        });
        group(
            &store,
            &mut world,
            &hub,
            &cfg,
            &mut seeds(),
            vec![j],
            Vec::new(),
        );
        let wid = r.blocking_recv().unwrap().unwrap().id;
        let (j1, r1) = job(execute(wid, "bump", serde_json::json!({})));
        let (j2, r2) = job(execute(wid, "explode", serde_json::json!({})));
        group(
            &store,
            &mut world,
            &hub,
            &cfg,
            &mut seeds(),
            vec![j1, j2],
            Vec::new(),
        );
        assert!(r1.blocking_recv().unwrap().is_ok());
        match r2.blocking_recv().unwrap() {
            Err(EngineError::WidgetFailed {
                widget, feature, ..
            }) => assert_eq!(
                (widget.as_str(), feature.as_str()),
                ("PanickyWidget", "explode")
            ),
            other => panic!("expected WidgetFailed, got {other:?}"),
        }
        let r = store.read().unwrap();
        assert_eq!(
            r.widget(wid).unwrap().unwrap().state["n"],
            1,
            "nothing of the panic written"
        );
        let audit = r.audit(10).unwrap();
        let failed = audit.iter().find(|a| !a.ok).expect("audited");
        assert!(failed.target.ends_with(".explode"), "{}", failed.target);
        assert!(
            failed
                .error
                .as_deref()
                .unwrap_or("")
                .contains("PanickyWidget")
        );
        // The engine keeps serving.
        let (j3, r3) = job(execute(wid, "bump", serde_json::json!({})));
        group(
            &store,
            &mut world,
            &hub,
            &cfg,
            &mut seeds(),
            vec![j3],
            Vec::new(),
        );
        assert!(r3.blocking_recv().unwrap().is_ok());
        assert_eq!(world.elements_of(wid)[0].properties["text"], "2");
    }

    #[test]
    fn the_audit_log_is_pruned() {
        let (_dir, store, mut world, hub, cfg) = fixture(10);
        for _ in 0..25 {
            let (j, _) = job(Request::ActivateDashboard { id: 42 });
            group(
                &store,
                &mut world,
                &hub,
                &cfg,
                &mut seeds(),
                vec![j],
                Vec::new(),
            );
        }
        assert_eq!(store.read().unwrap().audit(100).unwrap().len(), 10);
    }
}
