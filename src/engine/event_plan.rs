//! The event log's writes and who hears an event: an entry appended (id and time given
//! here), and the widgets whose type follows platform events (event list, leaderboard),
//! each with the call of its own feature the event maps to. The runner runs those calls in
//! the same group, one after the other, each audited like any execution.

use super::world::World;
use super::writes::Plan;
use crate::model::{FeatureCall, Id, Kind, LoggedEvent, NewEvent};
use crate::store::Write;

pub fn record(world: &World, event: &NewEvent, now_ms: u64) -> Plan {
    let id = world.next_id(Kind::Event);
    Plan {
        writes: vec![
            Write::Counter(Kind::Event, id + 1),
            Write::Event(logged(id, now_ms, event)),
        ],
        id,
        effects: Vec::new(),
    }
}

/// The entry `record` writes for `event` as id `id`.
pub fn logged(id: Id, now_ms: u64, event: &NewEvent) -> LoggedEvent {
    LoggedEvent {
        id,
        at_ms: now_ms,
        event: event.clone(),
    }
}

/// Widgets that want `ev`, in id order, with the feature call it maps to.
pub fn listeners(world: &World, ev: &LoggedEvent) -> Vec<(Id, FeatureCall)> {
    world
        .widgets
        .values()
        .filter_map(|w| {
            let call =
                crate::widgets::lookup(&w.widget_class)?.on_event(ev, &w.widget_parameters)?;
            Some((w.id, call))
        })
        .collect()
}
