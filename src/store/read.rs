//! Reads of committed state, for the API and for start-up.

use super::codec::dec;
use super::tables::*;
use super::{Loaded, StoreError};
use crate::model::{
    AuditEntry, ChatCommand, Dashboard, Element, EventBinding, EventKind, Id, Kind, LoggedEvent,
    Media, Timer, Widget,
};
use redb::{ReadTransaction, ReadableTable, TableDefinition};
use serde::de::DeserializeOwned;

/// Which logged events to read (`GET /api/events`).
#[derive(Clone, Debug)]
pub struct EventQuery {
    pub kinds: Vec<EventKind>,
    pub since_ms: Option<u64>,
    pub before: Option<u64>,
    pub limit: usize,
}

/// (command id, user id or "" for the global cooldown).
pub type CooldownKey = (Id, String);

/// A read transaction: every call sees the same committed snapshot.
pub struct StoreReader {
    txn: ReadTransaction,
}

impl StoreReader {
    pub(super) fn new(txn: ReadTransaction) -> Self {
        StoreReader { txn }
    }

    fn get<T: DeserializeOwned>(
        &self,
        def: TableDefinition<u64, &[u8]>,
        name: &'static str,
        id: Id,
    ) -> Result<Option<T>, StoreError> {
        let table = self.txn.open_table(def)?;
        match table.get(id)? {
            Some(v) => Ok(Some(dec(name, v.value())?)),
            None => Ok(None),
        }
    }

    fn all<T: DeserializeOwned>(
        &self,
        def: TableDefinition<u64, &[u8]>,
        name: &'static str,
    ) -> Result<Vec<T>, StoreError> {
        let table = self.txn.open_table(def)?;
        let mut out = Vec::new();
        for row in table.iter()? {
            let (_, v) = row?;
            out.push(dec(name, v.value())?);
        }
        Ok(out)
    }

    pub fn dashboard(&self, id: Id) -> Result<Option<Dashboard>, StoreError> {
        self.get(DASHBOARDS, "dashboards", id)
    }

    /// All dashboards in tab order.
    pub fn dashboards(&self) -> Result<Vec<Dashboard>, StoreError> {
        let mut all: Vec<Dashboard> = self.all(DASHBOARDS, "dashboards")?;
        all.sort_by_key(|d| (d.position, d.id));
        Ok(all)
    }

    pub fn widget(&self, id: Id) -> Result<Option<Widget>, StoreError> {
        self.get(WIDGETS, "widgets", id)
    }

    pub fn widgets(&self) -> Result<Vec<Widget>, StoreError> {
        self.all(WIDGETS, "widgets")
    }

    pub fn media(&self, id: Id) -> Result<Option<Media>, StoreError> {
        self.get(MEDIA, "media", id)
    }

    pub fn all_media(&self) -> Result<Vec<Media>, StoreError> {
        self.all(MEDIA, "media")
    }

    /// A widget's elements in creation order, via the (widget_id, name) index.
    pub fn elements_of(&self, widget_id: Id) -> Result<Vec<Element>, StoreError> {
        let names = self.txn.open_table(ELEMENT_NAMES)?;
        let elements = self.txn.open_table(ELEMENTS)?;
        let mut out: Vec<Element> = Vec::new();
        for row in names.range((widget_id, "")..(widget_id + 1, ""))? {
            let (_, id) = row?;
            if let Some(v) = elements.get(id.value())? {
                out.push(dec("elements", v.value())?);
            }
        }
        out.sort_by_key(|e| e.id);
        Ok(out)
    }

    pub fn element_by_name(
        &self,
        widget_id: Id,
        name: &str,
    ) -> Result<Option<Element>, StoreError> {
        let names = self.txn.open_table(ELEMENT_NAMES)?;
        let Some(id) = names.get((widget_id, name))?.map(|v| v.value()) else {
            return Ok(None);
        };
        self.get(ELEMENTS, "elements", id)
    }

    pub fn command(&self, id: Id) -> Result<Option<ChatCommand>, StoreError> {
        self.get(COMMANDS, "commands", id)
    }

    pub fn commands(&self) -> Result<Vec<ChatCommand>, StoreError> {
        self.all(COMMANDS, "commands")
    }

    pub fn binding(&self, id: Id) -> Result<Option<EventBinding>, StoreError> {
        self.get(EVENT_BINDINGS, "event_bindings", id)
    }

    /// Every alert queue by name.
    pub fn alert_queues(
        &self,
    ) -> Result<std::collections::BTreeMap<String, crate::model::AlertQueue>, StoreError> {
        let table = self.txn.open_table(ALERT_QUEUES)?;
        let mut out = std::collections::BTreeMap::<String, crate::model::AlertQueue>::new();
        for row in table.iter()? {
            let (k, v) = row?;
            out.insert(k.value().to_string(), dec("alert_queues", v.value())?);
        }
        let waiting = self.txn.open_table(ALERT_WAITING)?;
        for row in waiting.iter()? {
            let (k, v) = row?;
            let a: crate::model::QueuedAlert = dec("alert_waiting", v.value())?;
            out.entry(k.value().0.to_string())
                .or_default()
                .waiting
                .push(a);
        }
        for q in out.values_mut() {
            q.waiting.sort_by(|a, b| a.order.total_cmp(&b.order));
        }
        Ok(out)
    }

    pub fn bindings(&self) -> Result<Vec<EventBinding>, StoreError> {
        self.all(EVENT_BINDINGS, "event_bindings")
    }

    /// Every stored cooldown: ((command id, user id or ""), last fired unix ms).
    pub fn cooldowns(&self) -> Result<Vec<(CooldownKey, u64)>, StoreError> {
        let table = self.txn.open_table(COOLDOWNS)?;
        let mut out = Vec::new();
        for row in table.iter()? {
            let (k, v) = row?;
            let (id, user) = k.value();
            out.push(((id, user.to_string()), v.value()));
        }
        Ok(out)
    }

    /// Settings saved from the admin UI, by key. A value that no longer decodes is skipped
    /// (and logged by key only) so one bad record cannot stop the daemon.
    pub fn settings(
        &self,
    ) -> Result<std::collections::BTreeMap<String, crate::settings::Value>, StoreError> {
        let table = self.txn.open_table(SETTINGS)?;
        let mut out = std::collections::BTreeMap::new();
        for row in table.iter()? {
            let (k, v) = row?;
            match dec::<serde_json::Value>("settings", v.value()) {
                Ok(json) => {
                    out.insert(k.value().to_string(), crate::settings::Value::new(json));
                }
                Err(e) => tracing::warn!(key = k.value(), error = %e, "unreadable saved setting"),
            }
        }
        Ok(out)
    }

    pub fn active_dashboard(&self) -> Result<Option<Id>, StoreError> {
        let meta = self.txn.open_table(META)?;
        Ok(meta
            .get(ACTIVE_KEY)?
            .map(|v| v.value())
            .filter(|id| *id != 0))
    }

    /// The newest audit entries, newest first.
    pub fn audit(&self, limit: usize) -> Result<Vec<AuditEntry>, StoreError> {
        let table = self.txn.open_table(AUDIT)?;
        let mut out = Vec::new();
        for row in table.iter()?.rev().take(limit) {
            let (_, v) = row?;
            out.push(dec("audit", v.value())?);
        }
        Ok(out)
    }

    /// Logged events, newest first: of `kinds` (all when empty), at or after `since_ms`,
    /// with ids below `before` (paging), at most `limit`. A reverse scan that stops at the
    /// first entry older than `since_ms` (ids grow with time).
    pub fn events(&self, q: &EventQuery) -> Result<Vec<LoggedEvent>, StoreError> {
        let table = self.txn.open_table(EVENTS)?;
        let mut out = Vec::new();
        let rows = match q.before {
            Some(b) => table.range(..b)?,
            None => table.range(0..)?,
        };
        for row in rows.rev() {
            if out.len() >= q.limit {
                break;
            }
            let (_, v) = row?;
            let e: LoggedEvent = dec("events", v.value())?;
            if q.since_ms.is_some_and(|s| e.at_ms < s) {
                break;
            }
            if q.kinds.is_empty() || q.kinds.contains(&e.event.kind) {
                out.push(e);
            }
        }
        Ok(out)
    }

    pub(super) fn load(&self) -> Result<Loaded, StoreError> {
        let mut l = Loaded {
            active: self.active_dashboard()?,
            ..Loaded::default()
        };
        for d in self.all::<Dashboard>(DASHBOARDS, "dashboards")? {
            l.dashboards.insert(d.id, d);
        }
        for w in self.widgets()? {
            l.widgets.insert(w.id, w);
        }
        for e in self.all::<Element>(ELEMENTS, "elements")? {
            l.elements.insert(e.id, e);
        }
        for m in self.all_media()? {
            l.media.insert(m.id, m);
        }
        for c in self.commands()? {
            l.commands.insert(c.id, c);
        }
        for b in self.bindings()? {
            l.bindings.insert(b.id, b);
        }
        let timers = self.txn.open_table(TIMERS)?;
        for row in timers.iter()? {
            let (_, v) = row?;
            let t: Timer = dec("timers", v.value())?;
            l.timers.insert((t.widget_id, t.key.clone()), t);
        }
        l.alert_queues = self.alert_queues()?;
        let meta = self.txn.open_table(META)?;
        for kind in Kind::ALL {
            let next = meta
                .get(kind.counter_key())?
                .map(|v| v.value())
                .unwrap_or(1);
            l.counters.insert(kind, next);
        }
        Ok(l)
    }
}
