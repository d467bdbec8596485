//! The engine's in-memory copy of everything stored (except the audit log), so planning a
//! command needs no I/O. Changed only through [`World::apply`], which mirrors what
//! [`crate::store::Store::commit`] does on disk and returns the inverse write for rollback.

use crate::model::{
    AlertQueue, ChatCommand, Dashboard, Element, ElementView, EventBinding, Id, Kind, Media, Timer,
    Widget, enabled_widgets,
};
use crate::store::{Loaded, Write};
use std::collections::{BTreeMap, HashSet};

#[derive(Clone, Debug, Default)]
pub struct World {
    pub dashboards: BTreeMap<Id, Dashboard>,
    pub widgets: BTreeMap<Id, Widget>,
    pub elements: BTreeMap<Id, Element>,
    /// (widget id, element name) → element id.
    by_name: BTreeMap<(Id, String), Id>,
    pub media: BTreeMap<Id, Media>,
    pub timers: BTreeMap<(Id, String), Timer>,
    pub commands: BTreeMap<Id, ChatCommand>,
    pub bindings: BTreeMap<Id, EventBinding>,
    pub active: Option<Id>,
    counters: BTreeMap<Kind, u64>,
    pub alert_queues: BTreeMap<String, crate::model::AlertQueue>,
}

impl World {
    pub fn from_loaded(l: Loaded) -> World {
        let by_name = l
            .elements
            .values()
            .map(|e| ((e.widget_id, e.name.clone()), e.id))
            .collect();
        World {
            dashboards: l.dashboards,
            widgets: l.widgets,
            elements: l.elements,
            by_name,
            media: l.media,
            timers: l.timers,
            commands: l.commands,
            bindings: l.bindings,
            // A dangling active id (dashboard deleted by an older build) counts as none.
            active: l.active,
            counters: l.counters,
            alert_queues: l.alert_queues,
        }
    }

    /// The id the next entity of `kind` gets.
    pub fn next_id(&self, kind: Kind) -> Id {
        self.counters.get(&kind).copied().unwrap_or(1)
    }

    pub fn active_dashboard(&self) -> Option<&Dashboard> {
        self.active.and_then(|id| self.dashboards.get(&id))
    }

    /// Widgets on the active dashboard: their elements render on the overlay.
    pub fn enabled(&self) -> HashSet<Id> {
        enabled_widgets(self.active_dashboard())
    }

    pub fn elements_of(&self, widget_id: Id) -> Vec<&Element> {
        let mut out: Vec<&Element> = self
            .by_name
            .range((widget_id, String::new())..(widget_id + 1, String::new()))
            .filter_map(|(_, id)| self.elements.get(id))
            .collect();
        out.sort_by_key(|e| e.id);
        out
    }

    pub fn element_by_name(&self, widget_id: Id, name: &str) -> Option<&Element> {
        self.by_name
            .get(&(widget_id, name.to_string()))
            .and_then(|id| self.elements.get(id))
    }

    /// An element as the overlay and API see it.
    pub fn view(&self, e: &Element, enabled: &HashSet<Id>) -> ElementView {
        ElementView::new(e, enabled.contains(&e.widget_id), |id| self.media.get(&id))
    }

    /// Elements the overlay renders right now, for a snapshot.
    pub fn overlay_view(&self) -> BTreeMap<Id, ElementView> {
        let enabled = self.enabled();
        self.elements
            .values()
            .map(|e| (e.id, self.view(e, &enabled)))
            .collect()
    }

    /// Applies one write; returns the write that undoes it.
    pub fn apply(&mut self, w: &Write) -> Write {
        match w {
            Write::Dashboard(id, new) => {
                Write::Dashboard(*id, put(&mut self.dashboards, *id, new.clone()))
            }
            Write::Widget(id, new) => Write::Widget(*id, put(&mut self.widgets, *id, new.clone())),
            Write::Element(id, new) => {
                let old = put(&mut self.elements, *id, new.clone());
                if let Some(o) = &old {
                    self.by_name.remove(&(o.widget_id, o.name.clone()));
                }
                if let Some(n) = new {
                    self.by_name.insert((n.widget_id, n.name.clone()), *id);
                }
                Write::Element(*id, old)
            }
            Write::Media(id, new) => Write::Media(*id, put(&mut self.media, *id, new.clone())),
            Write::Timer(key, new) => {
                Write::Timer(key.clone(), put(&mut self.timers, key.clone(), new.clone()))
            }
            Write::Active(a) => Write::Active(std::mem::replace(&mut self.active, *a)),
            Write::Counter(kind, next) => {
                let old = self.counters.insert(*kind, *next).unwrap_or(1);
                Write::Counter(*kind, old)
            }
            // The audit log lives only on disk; nothing to undo in memory.
            Write::Command(id, new) => {
                Write::Command(*id, put(&mut self.commands, *id, new.clone()))
            }
            Write::Binding(id, new) => {
                Write::Binding(*id, put(&mut self.bindings, *id, new.clone()))
            }
            // The audit log and cooldowns live only on disk (the chat bridge caches cooldowns);
            // nothing to undo in memory.
            Write::Audit(e) => Write::AuditDelete(e.id),
            Write::AuditDelete(id) => Write::AuditDelete(*id),
            Write::Cooldown(key, at) => Write::Cooldown(key.clone(), *at),
            // Saved settings live only on disk (the settings service reads them after the
            // commit); nothing to undo in memory.
            Write::Setting(key, v) => Write::Setting(key.clone(), v.clone()),
            // The queue's row: its waiting alerts stay (they are rows of their own).
            Write::AlertQueue(name, meta) => {
                let q = self.alert_queues.entry(name.clone()).or_default();
                let old = q.meta();
                let waiting = std::mem::take(&mut q.waiting);
                *q = AlertQueue {
                    waiting,
                    ..meta.meta()
                };
                Write::AlertQueue(name.clone(), old)
            }
            // The event log lives only on disk: applying (or undoing) changes nothing here.
            Write::Event(e) => Write::Event(e.clone()),
            Write::EventsBefore(at) => Write::EventsBefore(*at),
            Write::AlertWaiting((name, id), new) => {
                let q = self.alert_queues.entry(name.clone()).or_default();
                let old = match new {
                    Some(a) => q.put(a.clone()),
                    None => q.take(*id),
                };
                Write::AlertWaiting((name.clone(), *id), old)
            }
        }
    }
}

fn put<K: Ord, V>(map: &mut BTreeMap<K, V>, key: K, value: Option<V>) -> Option<V> {
    match value {
        Some(v) => map.insert(key, v),
        None => map.remove(&key),
    }
}

/// Feature and widget parameters of type `media` are checked against the library in memory.
impl crate::widgets::params::MediaLibrary for World {
    fn media_kind(&self, id: Id) -> Option<crate::media::MediaKind> {
        self.media.get(&id).and_then(super::media_plan::kind_of)
    }
    fn media_name(&self, id: Id) -> Option<String> {
        let m = self.media.get(&id)?;
        let name = m.display_name_or_original();
        // "airhorn.mp3" reads better on stream as "airhorn".
        let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
        Some(
            if m.display_name.is_empty() {
                stem
            } else {
                name
            }
            .to_string(),
        )
    }
}
