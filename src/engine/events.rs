//! What the overlay must hear about after a command: derived from the undo log (the old
//! values) and the world after the command, so no command has to describe its own effects.

use super::world::World;
use crate::hub::{Action, HubEvent};
use crate::model::{Element, Id};
use crate::store::Write;
use std::collections::{BTreeMap, HashSet};

pub fn derive(
    world: &World,
    undo: &[Write],
    active_before: Option<Id>,
    enabled_before: &HashSet<Id>,
) -> Vec<HubEvent> {
    let mut out = Vec::new();
    let enabled_after = world.enabled();
    if world.active != active_before {
        if let Some(old) = active_before {
            out.push(HubEvent::DashboardDeactivated(old));
        }
        if let Some(new) = world.active {
            out.push(HubEvent::DashboardActivated(new));
        }
    }

    // The first undo entry per element holds its value before the command.
    let mut touched: BTreeMap<Id, Option<&Element>> = BTreeMap::new();
    for u in undo {
        if let Write::Element(id, old) = u {
            touched.entry(*id).or_insert(old.as_ref());
        }
    }
    for (id, old) in &touched {
        let was_enabled = old.is_some_and(|o| enabled_before.contains(&o.widget_id));
        let was_shown = old.is_some_and(|o| o.visible) && was_enabled;
        match (world.elements.get(id), old) {
            (Some(e), _) => {
                let element = world.view(e, &enabled_after);
                let action = action_for(was_shown, element.shown());
                out.push(HubEvent::Element {
                    action,
                    element,
                    was_enabled,
                });
            }
            (None, Some(o)) => {
                let element = world.view(o, &HashSet::new());
                out.push(HubEvent::Element {
                    action: Action::Delete,
                    element,
                    was_enabled,
                });
            }
            (None, None) => {}
        }
    }

    // Widgets that joined or left the active dashboard: their elements start/stop rendering.
    let mut flipped: Vec<Id> = enabled_before
        .symmetric_difference(&enabled_after)
        .copied()
        .collect();
    flipped.sort_unstable();
    for wid in flipped {
        let was_enabled = enabled_before.contains(&wid);
        for e in world.elements_of(wid) {
            if touched.contains_key(&e.id) {
                continue;
            }
            let element = world.view(e, &enabled_after);
            let action = action_for(e.visible && was_enabled, element.shown());
            out.push(HubEvent::Element {
                action,
                element,
                was_enabled,
            });
        }
    }
    out
}

fn action_for(was_shown: bool, shown: bool) -> Action {
    match (was_shown, shown) {
        (false, true) => Action::Show,
        (true, false) => Action::Hide,
        _ => Action::Update,
    }
}
