//! Alert queues in the plan. A feature's queue operations (`AlertOp`) become queue writes in
//! its own plan; after every group the runner advances each queue: an alert whose time is up
//! is cleared, and after a short gap the next one starts — when the queue is not paused and
//! an overlay is connected to see it. An alert that cannot play (its widget or elements are
//! gone) is recorded and skipped: a queue never stalls on one bad alert.

use super::plan::{change_writes, shown_pools_advance};
use super::world::World;
use super::{EngineError, QueueAction};
use crate::model::alert::MAX_DURATION_MS;
use crate::model::alert::{order_first, order_for};
use crate::model::{AlertQueue, Id, Playing, QueuedAlert};
use crate::store::Write;
use crate::widgets::{AlertOp, QueueControl};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};

/// Pause between two alerts, so the exit of one (0.4 s fade) and the entrance of the next
/// both show.
pub const GAP_MS: u64 = 400;
/// Longest label kept (the admin's queue view).
const MAX_LABEL: usize = 200;

/// A queue being changed by one plan: its own row, and the alerts this plan added or took
/// out (the world's copy is read, never cloned: a queue may hold thousands).
#[derive(Default)]
struct Draft {
    meta: AlertQueue,
    added: Vec<QueuedAlert>,
    removed: HashSet<u64>,
}

impl Draft {
    fn new(world: &World, name: &str) -> Draft {
        Draft {
            meta: world
                .alert_queues
                .get(name)
                .map(AlertQueue::meta)
                .unwrap_or_default(),
            ..Draft::default()
        }
    }

    /// The waiting alerts as this plan sees them, in order.
    fn waiting<'a>(&'a self, world: &'a World, name: &str) -> Cow<'a, [QueuedAlert]> {
        let stored = world
            .alert_queues
            .get(name)
            .map_or(&[][..], |q| &q.waiting[..]);
        if self.added.is_empty() && self.removed.is_empty() {
            return Cow::Borrowed(stored);
        }
        let mut all: Vec<QueuedAlert> = stored
            .iter()
            .filter(|a| !self.removed.contains(&a.id))
            .cloned()
            .chain(self.added.iter().cloned())
            .collect();
        all.sort_by(|a, b| a.order.total_cmp(&b.order));
        Cow::Owned(all)
    }

    fn new_id(&mut self) -> u64 {
        self.meta.next_id = self.meta.next_id.max(1);
        self.meta.next_id += 1;
        self.meta.next_id - 1
    }

    fn add(&mut self, name: &str, a: QueuedAlert, writes: &mut Vec<Write>) {
        writes.push(Write::AlertWaiting(
            (name.to_string(), a.id),
            Some(a.clone()),
        ));
        self.added.push(a);
    }
}

/// The writes of a feature's queue operations (queue rows, waiting alerts, elements of a
/// skipped alert).
pub fn ops_writes(world: &World, widget_id: Id, ops: Vec<AlertOp>, now_ms: u64) -> Vec<Write> {
    let mut drafts: BTreeMap<String, Draft> = BTreeMap::new();
    let mut writes = Vec::new();
    for op in ops {
        let name = match &op {
            AlertOp::Enqueue { queue, .. } | AlertOp::Control { queue, .. } => queue_name(queue),
        };
        let d = drafts
            .entry(name.clone())
            .or_insert_with(|| Draft::new(world, &name));
        match op {
            AlertOp::Enqueue { alert, .. } => {
                let order = order_for(&d.waiting(world, &name), alert.priority);
                let a = QueuedAlert {
                    id: d.new_id(),
                    widget_id,
                    kind: alert.kind,
                    label: alert.label.chars().take(MAX_LABEL).collect(),
                    priority: alert.priority,
                    duration_ms: alert.duration_ms.clamp(100, MAX_DURATION_MS),
                    show: alert.show,
                    hide: alert.hide,
                    queued_ms: now_ms,
                    order,
                };
                d.add(&name, a, &mut writes);
            }
            AlertOp::Control { control, .. } => match control {
                QueueControl::Pause => d.meta.paused = true,
                QueueControl::Resume => d.meta.paused = false,
                QueueControl::Clear => {
                    let ids: Vec<u64> = d.waiting(world, &name).iter().map(|a| a.id).collect();
                    for id in ids {
                        writes.push(Write::AlertWaiting((name.clone(), id), None));
                        d.removed.insert(id);
                    }
                    d.added.clear();
                }
                QueueControl::Skip => {
                    if let Some(p) = d.meta.playing.take() {
                        writes.extend(change_writes(world, p.alert.widget_id, &[], &p.alert.hide));
                        d.meta.gap_until_ms = now_ms + GAP_MS;
                        d.meta.last = Some(p.alert);
                    }
                }
                QueueControl::ReplayLast => {
                    if let Some(last) = d.meta.last.clone() {
                        let a = QueuedAlert {
                            id: d.new_id(),
                            queued_ms: now_ms,
                            order: order_first(&d.waiting(world, &name)),
                            ..last
                        };
                        d.add(&name, a, &mut writes);
                    }
                }
            },
        }
    }
    writes.extend(
        drafts
            .into_iter()
            .map(|(name, d)| Write::AlertQueue(name, d.meta)),
    );
    writes
}

/// The admin's action on queue `name`; a queue no alert reached yet starts empty (so the
/// streamer can pause it before the stream begins).
pub fn admin_writes(
    world: &World,
    name: &str,
    action: &QueueAction,
    now_ms: u64,
) -> Result<Vec<Write>, EngineError> {
    let name = queue_name(name);
    Ok(match action {
        QueueAction::Control(control) => ops_writes(
            world,
            0,
            vec![AlertOp::Control {
                queue: name,
                control: *control,
            }],
            now_ms,
        ),
        QueueAction::Reorder(ids) => {
            let waiting = world
                .alert_queues
                .get(&name)
                .map_or(&[][..], |q| &q.waiting[..]);
            let mut seen = HashSet::new();
            let moved: Vec<&QueuedAlert> = ids
                .iter()
                .filter(|id| seen.insert(**id))
                .filter_map(|id| waiting.iter().find(|a| a.id == *id))
                .collect();
            // Before every waiting alert, in the order given.
            let base = waiting.first().map_or(0.0, |a| a.order) - moved.len() as f64;
            moved
                .into_iter()
                .enumerate()
                .map(|(i, a)| {
                    let a = QueuedAlert {
                        order: base + i as f64,
                        ..a.clone()
                    };
                    Write::AlertWaiting((name.clone(), a.id), Some(a))
                })
                .collect()
        }
    })
}

/// `" Main "` → `"main"`; empty → `"main"` (the queue alerts share unless told otherwise).
pub fn queue_name(raw: &str) -> String {
    let n = raw.trim().to_lowercase();
    if n.is_empty() { "main".into() } else { n }
}

/// One queue's step: its writes and the alerts it started or skipped (for the audit log).
#[derive(Debug, Default)]
pub struct Step {
    pub writes: Vec<Write>,
    /// Alerts that started (`Ok`) or could not play and were skipped (`Err(why)`).
    pub played: Vec<(QueuedAlert, Result<(), String>)>,
}

/// Moves queue `name` on at `now_ms`; `None` when nothing changes.
pub fn advance(
    world: &World,
    name: &str,
    now_ms: u64,
    audience: bool,
    max_wait_ms: Option<u64>,
) -> Option<Step> {
    let before = world.alert_queues.get(name)?;
    let ends = before.playing.as_ref().is_some_and(|p| p.ends_ms <= now_ms);
    let may_start = before.playing.is_none()
        && !before.paused
        && audience
        && now_ms >= before.gap_until_ms
        && !before.waiting.is_empty();
    // Every group asks every queue: most of the time nothing is due, and nothing is copied.
    if !ends && !may_start {
        return None;
    }
    let mut meta = before.meta();
    let mut step = Step::default();
    if let Some(p) = meta.playing.take_if(|p| p.ends_ms <= now_ms) {
        step.writes
            .extend(change_writes(world, p.alert.widget_id, &[], &p.alert.hide));
        meta.gap_until_ms = now_ms + GAP_MS;
        meta.last = Some(p.alert);
    }
    if may_start {
        for a in &before.waiting {
            step.writes
                .push(Write::AlertWaiting((name.to_string(), a.id), None));
            if max_wait_ms.is_some_and(|max| a.queued_ms + max < now_ms) {
                let why = "dropped: it waited longer than alerts.max_wait_min".to_string();
                step.played.push((a.clone(), Err(why)));
                continue;
            }
            match playable(world, a) {
                Ok(()) => {
                    let mut shown = change_writes(world, a.widget_id, &[], &a.show);
                    shown_pools_advance(&mut shown, &a.show, now_ms);
                    step.writes.extend(shown);
                    meta.playing = Some(Playing {
                        started_ms: now_ms,
                        ends_ms: now_ms + a.duration_ms,
                        alert: a.clone(),
                    });
                    step.played.push((a.clone(), Ok(())));
                    break;
                }
                Err(why) => step.played.push((a.clone(), Err(why))),
            }
        }
    }
    step.writes.push(Write::AlertQueue(name.to_string(), meta));
    Some(step)
}

/// When queue `q` wants the engine back: its alert ends, or its gap is over with alerts waiting.
pub fn due_ms(q: &AlertQueue, audience: bool) -> Option<u64> {
    match &q.playing {
        Some(p) => Some(p.ends_ms),
        None if !q.paused && audience && !q.waiting.is_empty() => Some(q.gap_until_ms),
        None => None,
    }
}

/// Whether everything the alert shows still exists.
fn playable(world: &World, a: &QueuedAlert) -> Result<(), String> {
    if !world.widgets.contains_key(&a.widget_id) {
        return Err(format!("its widget ({}) was deleted", a.widget_id));
    }
    for c in &a.show {
        if world.element_by_name(a.widget_id, &c.name).is_none() {
            return Err(format!("its element '{}' was deleted", c.name));
        }
        if let Some(id) = c
            .media
            .values()
            .flatten()
            .find(|id| !world.media.contains_key(id))
        {
            return Err(format!("its media {id} was deleted"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::widgets::NewAlert;

    fn enqueue(label: &str, priority: i64) -> AlertOp {
        AlertOp::Enqueue {
            queue: "Main".into(),
            alert: NewAlert {
                kind: "sub".into(),
                label: label.into(),
                priority,
                duration_ms: 5_000,
                show: vec![],
                hide: vec![],
                rule: None,
            },
        }
    }

    fn control(c: QueueControl) -> AlertOp {
        AlertOp::Control {
            queue: "main".into(),
            control: c,
        }
    }

    fn ops(world: &mut World, v: Vec<AlertOp>, now: u64) {
        let writes = ops_writes(world, 1, v, now);
        for w in &writes {
            world.apply(w);
        }
    }

    /// Advances and stages; what started or was skipped, as (label, ok).
    fn adv(
        world: &mut World,
        now: u64,
        audience: bool,
        max: Option<u64>,
    ) -> Option<Vec<(String, bool)>> {
        let step = advance(world, "main", now, audience, max)?;
        for w in &step.writes {
            world.apply(w);
        }
        Some(
            step.played
                .into_iter()
                .map(|(a, r)| (a.label, r.is_ok()))
                .collect(),
        )
    }

    fn q(world: &World) -> &AlertQueue {
        &world.alert_queues["main"]
    }

    /// A world with widget 1 (no elements: alerts without changes are playable).
    fn world() -> World {
        let mut w = World::default();
        w.widgets.insert(
            1,
            crate::model::Widget {
                id: 1,
                widget_class: "TextWidget".into(),
                name: "x".into(),
                widget_parameters: Default::default(),
                state: Default::default(),
            },
        );
        w
    }

    #[test]
    fn one_at_a_time_with_a_gap_held_while_nobody_watches() {
        let mut w = world();
        ops(&mut w, vec![enqueue("a", 0), enqueue("b", 0)], 0);
        assert_eq!(q(&w).waiting.len(), 2);
        assert!(adv(&mut w, 10, false, None).is_none(), "no overlay: holds");
        assert_eq!(
            adv(&mut w, 10, true, None).unwrap(),
            [("a".to_string(), true)]
        );
        assert!(adv(&mut w, 4_999, true, None).is_none(), "still playing");
        assert_eq!(due_ms(q(&w), true), Some(5_010));
        assert!(
            adv(&mut w, 5_010, true, None).unwrap().is_empty(),
            "the gap first"
        );
        assert_eq!(due_ms(q(&w), true), Some(5_010 + GAP_MS));
        assert_eq!(due_ms(q(&w), false), None, "nobody watches: nothing due");
        adv(&mut w, 5_010 + GAP_MS, true, None).unwrap();
        assert_eq!(q(&w).playing.as_ref().unwrap().alert.label, "b");
        assert_eq!(q(&w).last.as_ref().unwrap().label, "a");
    }

    #[test]
    fn controls_pause_skip_clear_replay() {
        let mut w = world();
        let pause = control(QueueControl::Pause);
        ops(
            &mut w,
            vec![pause, enqueue("a", 0), enqueue("b", 0), enqueue("vip", 9)],
            0,
        );
        assert!(adv(&mut w, 1, true, None).is_none(), "paused");
        ops(&mut w, vec![control(QueueControl::Resume)], 1);
        adv(&mut w, 1, true, None).unwrap();
        assert_eq!(
            q(&w).playing.as_ref().unwrap().alert.label,
            "vip",
            "priority first"
        );
        ops(&mut w, vec![control(QueueControl::Skip)], 2);
        assert!(q(&w).playing.is_none());
        ops(&mut w, vec![control(QueueControl::ReplayLast)], 3);
        assert_eq!(q(&w).waiting[0].label, "vip");
        ops(&mut w, vec![control(QueueControl::Clear)], 4);
        assert!(q(&w).waiting.is_empty());
    }

    #[test]
    fn a_broken_alert_is_skipped_and_stale_ones_dropped() {
        let mut w = world();
        let mut broken = enqueue("broken", 0);
        if let AlertOp::Enqueue { alert, .. } = &mut broken {
            alert.show = vec![crate::widgets::set_visible("gone", true)];
        }
        ops(&mut w, vec![broken, enqueue("fine", 0)], 0);
        let played = adv(&mut w, 1, true, None).unwrap();
        assert_eq!(
            played,
            [("broken".to_string(), false), ("fine".to_string(), true)]
        );

        let mut w = world();
        ops(&mut w, vec![enqueue("old", 0)], 0);
        ops(&mut w, vec![enqueue("new", 0)], 50_000);
        let played = adv(&mut w, 60_001, true, Some(60_000)).unwrap();
        assert_eq!(
            played,
            [("old".to_string(), false), ("new".to_string(), true)]
        );
    }
}
