//! Alert queues: alerts wait their turn in a named queue and play one at a time, each for its
//! duration, in arrival order within a priority. A queue lives in redb with everything in it
//! (paused flag, what plays, what waits), so a restart or a SIGKILL changes nothing.

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
    /// Adds `a` after every waiting alert of its priority or higher; returns its id.
    pub fn push(&mut self, mut a: QueuedAlert) -> u64 {
        self.next_id = self.next_id.max(1);
        a.id = self.next_id;
        self.next_id += 1;
        let at = self
            .waiting
            .iter()
            .position(|w| w.priority < a.priority)
            .unwrap_or(self.waiting.len());
        let id = a.id;
        self.waiting.insert(at, a);
        id
    }

    /// Puts `a` (a replay) first in line, as a new alert.
    pub fn push_front(&mut self, mut a: QueuedAlert) {
        self.next_id = self.next_id.max(1);
        a.id = self.next_id;
        self.next_id += 1;
        self.waiting.insert(0, a);
    }

    /// Reorders the waiting alerts: `ids` first, in that order; the others keep their order
    /// after them. Unknown ids are ignored.
    pub fn reorder(&mut self, ids: &[u64]) {
        let mut rest = std::mem::take(&mut self.waiting);
        for id in ids {
            if let Some(i) = rest.iter().position(|a| a.id == *id) {
                self.waiting.push(rest.remove(i));
            }
        }
        self.waiting.append(&mut rest);
    }
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
        }
    }

    fn labels(q: &AlertQueue) -> Vec<&str> {
        q.waiting.iter().map(|a| a.label.as_str()).collect()
    }

    #[test]
    fn arrival_order_within_a_priority_higher_first() {
        let mut q = AlertQueue::default();
        q.push(alert(0, "a"));
        q.push(alert(0, "b"));
        q.push(alert(5, "big"));
        q.push(alert(0, "c"));
        q.push(alert(5, "big2"));
        assert_eq!(labels(&q), ["big", "big2", "a", "b", "c"]);
        let ids: Vec<u64> = q.waiting.iter().map(|a| a.id).collect();
        assert_eq!(ids, [3, 5, 1, 2, 4], "ids are unique and increasing");
        q.push_front(alert(0, "again"));
        assert_eq!(labels(&q)[0], "again");
        q.reorder(&[4, 1, 99]);
        assert_eq!(labels(&q), ["c", "a", "again", "big", "big2", "b"]);
    }
}
