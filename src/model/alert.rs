//! Alert queues: alerts wait their turn in a named queue and play one at a time, each for its
//! duration, in arrival order within a priority. A queue lives in redb with everything in it
//! (paused flag, what plays, what waits), so a restart or a SIGKILL changes nothing. Its meta
//! (paused, playing, last) is one row and each waiting alert another, ordered by `order`: a
//! new alert, a replay or a reorder writes the rows it touches, not the whole queue.

use super::{ElementChange, Id};
use serde::{Deserialize, Serialize};

/// Longest an alert may stay on screen.
pub const MAX_DURATION_MS: u64 = 120_000;

/// One alert: what to show, for how long, and how to clear it again.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct QueuedAlert {
    /// Unique within its queue.
    pub id: u64,
    #[schema(value_type = u64)]
    pub widget_id: Id,
    /// `sub`, `cheer`, `raid`, `follow`, `donation`.
    pub kind: String,
    /// For people: "PixelQueen subscribed (tier 1, 12 months)".
    pub label: String,
    /// Higher plays first; equal ones in arrival order.
    #[serde(default)]
    pub priority: i64,
    pub duration_ms: u64,
    /// The element changes that show it (text, image, sound, effects).
    #[schema(value_type = Vec<Object>)]
    pub show: Vec<ElementChange>,
    /// The changes that clear it when its time is up or it is skipped.
    #[schema(value_type = Vec<Object>)]
    pub hide: Vec<ElementChange>,
    pub queued_ms: u64,
    /// Where it waits: the queue plays the lowest first.
    #[serde(default)]
    pub order: f64,
}

/// The alert on screen now.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Playing {
    pub alert: QueuedAlert,
    pub started_ms: u64,
    pub ends_ms: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AlertQueue {
    pub paused: bool,
    pub playing: Option<Playing>,
    /// Sorted by `order`; stored as rows of their own (never in the queue's row).
    #[serde(skip)]
    pub waiting: Vec<QueuedAlert>,
    /// The last one that finished (for `replay_last`).
    pub last: Option<QueuedAlert>,
    #[serde(default)]
    pub next_id: u64,
    /// No alert starts before this (unix ms): the pause after the previous one.
    #[serde(default)]
    pub gap_until_ms: u64,
}

impl AlertQueue {
    /// Everything but the waiting alerts (what the queue's own row holds).
    pub fn meta(&self) -> AlertQueue {
        AlertQueue {
            paused: self.paused,
            playing: self.playing.clone(),
            waiting: Vec::new(),
            last: self.last.clone(),
            next_id: self.next_id,
            gap_until_ms: self.gap_until_ms,
        }
    }

    /// A waiting alert in its place by `order` (replacing one with the same id); the old one.
    pub fn put(&mut self, a: QueuedAlert) -> Option<QueuedAlert> {
        let old = self.take(a.id);
        let at = self.waiting.partition_point(|w| w.order <= a.order);
        self.waiting.insert(at, a);
        old
    }

    pub fn take(&mut self, id: u64) -> Option<QueuedAlert> {
        let i = self.waiting.iter().position(|w| w.id == id)?;
        Some(self.waiting.remove(i))
    }
}

/// The `order` for a new alert of `priority` in `waiting` (sorted): after every alert of its
/// priority or higher, before the first of a lower one.
pub fn order_for(waiting: &[QueuedAlert], priority: i64) -> f64 {
    // From the back: with equal priorities (the usual case) this stops at once.
    let after = waiting.iter().rposition(|w| w.priority >= priority);
    let prev = after.map(|i| waiting[i].order);
    let next = waiting.get(after.map_or(0, |i| i + 1)).map(|w| w.order);
    match (prev, next) {
        (Some(p), Some(n)) => p + (n - p) / 2.0,
        (Some(p), None) => p.floor() + 1.0,
        (None, Some(n)) => n - 1.0,
        (None, None) => 1.0,
    }
}

/// The `order` that puts an alert before every waiting one.
pub fn order_first(waiting: &[QueuedAlert]) -> f64 {
    waiting.first().map_or(1.0, |w| w.order - 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert(priority: i64, label: &str) -> QueuedAlert {
        QueuedAlert {
            id: 0,
            widget_id: 1,
            kind: "sub".into(),
            label: label.into(),
            priority,
            duration_ms: 1000,
            show: vec![],
            hide: vec![],
            queued_ms: 0,
            order: 0.0,
        }
    }

    fn labels(q: &AlertQueue) -> Vec<&str> {
        q.waiting.iter().map(|a| a.label.as_str()).collect()
    }

    fn push(q: &mut AlertQueue, mut a: QueuedAlert) {
        q.next_id += 1;
        a.id = q.next_id;
        a.order = order_for(&q.waiting, a.priority);
        q.put(a);
    }

    #[test]
    fn arrival_order_within_a_priority_higher_first() {
        let mut q = AlertQueue::default();
        push(&mut q, alert(0, "a"));
        push(&mut q, alert(0, "b"));
        push(&mut q, alert(5, "big"));
        push(&mut q, alert(0, "c"));
        push(&mut q, alert(5, "big2"));
        push(&mut q, alert(2, "mid"));
        assert_eq!(labels(&q), ["big", "big2", "mid", "a", "b", "c"]);
        let mut again = alert(0, "again");
        again.id = 99;
        again.order = order_first(&q.waiting);
        q.put(again);
        assert_eq!(labels(&q)[0], "again");
        assert_eq!(q.take(99).unwrap().label, "again");
        assert!(q.meta().waiting.is_empty());
    }
}
