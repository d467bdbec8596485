//! The one redb file: tables, schema version and migrations, MessagePack values.
//!
//! Only the engine writes (through [`Store::commit`]); HTTP handlers read committed state
//! through [`Store::read`], which never blocks on the writer (redb is MVCC).

pub mod backup;
mod codec;
mod read;
mod tables;

pub use read::{EventQuery, StoreReader};

use crate::model::{ChatCommand, Dashboard, Element, EventBinding, Id, Kind, Media, Timer, Widget};
use codec::enc;
use redb::{Database, ReadableDatabase, ReadableTable};
use std::collections::BTreeMap;
use std::path::Path;
use tables::*;

/// The schema this build writes. Older files are migrated on open; newer ones are refused.
pub const SCHEMA_VERSION: u64 = 5;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("storage error: {0}")]
    Redb(#[from] redb::Error),
    #[error("corrupt record in table {table}: {message}")]
    Codec {
        table: &'static str,
        message: String,
    },
    #[error(
        "the data file was written by a newer stagehand (schema version {found}, this build supports up to {supported}); \
         upgrade stagehand or point storage.data_dir at another directory"
    )]
    TooNew { found: u64, supported: u64 },
    #[error("element name '{name}' already exists in widget {widget_id}")]
    DuplicateElement { widget_id: Id, name: String },
}

macro_rules! redb_errors {
    ($($t:ty),*) => {$(
        impl From<$t> for StoreError {
            fn from(e: $t) -> Self {
                StoreError::Redb(e.into())
            }
        }
    )*};
}
redb_errors!(
    redb::DatabaseError,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError
);

/// One write of a commit. `None` deletes.
#[derive(Clone, Debug, PartialEq)]
pub enum Write {
    Dashboard(Id, Option<Dashboard>),
    Widget(Id, Option<Widget>),
    Element(Id, Option<Element>),
    Media(Id, Option<Media>),
    Timer((Id, String), Option<Timer>),
    Active(Option<Id>),
    Counter(Kind, u64),
    Audit(crate::model::AuditEntry),
    AuditDelete(Id),
    Command(Id, Option<ChatCommand>),
    Binding(Id, Option<EventBinding>),
    /// (command id, user id or "" for global) → last fired, unix ms.
    Cooldown((Id, String), u64),
    /// A setting saved from the admin UI (`None` forgets it). Its `Debug` never shows the
    /// value: secrets travel in it.
    Setting(String, Option<crate::settings::Value>),
    /// An alert queue's own row by name: everything but its waiting alerts.
    AlertQueue(String, crate::model::AlertQueue),
    /// One waiting alert of a queue, by (queue name, alert id); `None`: it left the queue.
    AlertWaiting((String, u64), Option<crate::model::QueuedAlert>),
    /// One entry appended to the event log.
    Event(crate::model::LoggedEvent),
    /// Retention: every event logged before this unix ms leaves the log.
    EventsBefore(u64),
}

/// Everything the engine keeps in memory, read once at start-up.
#[derive(Debug, Default)]
pub struct Loaded {
    pub dashboards: BTreeMap<Id, Dashboard>,
    pub widgets: BTreeMap<Id, Widget>,
    pub elements: BTreeMap<Id, Element>,
    pub media: BTreeMap<Id, Media>,
    pub timers: BTreeMap<(Id, String), Timer>,
    pub commands: BTreeMap<Id, ChatCommand>,
    pub bindings: BTreeMap<Id, EventBinding>,
    pub active: Option<Id>,
    pub counters: BTreeMap<Kind, u64>,
    pub alert_queues: BTreeMap<String, crate::model::AlertQueue>,
}

pub struct Store {
    db: Database,
    /// The data directory (backups go below it).
    dir: std::path::PathBuf,
}

impl Store {
    /// Opens (or creates) `<dir>/stagehand.redb`, migrating an older schema in one transaction.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        std::fs::create_dir_all(dir)
            .map_err(|e| StoreError::Redb(redb::StorageError::Io(e).into()))?;
        let db = Database::create(dir.join(backup::FILE))?;
        let store = Store {
            db,
            dir: dir.to_path_buf(),
        };
        store.migrate()?;
        Ok(store)
    }

    fn migrate(&self) -> Result<(), StoreError> {
        let found = self.schema_version()?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                found,
                supported: SCHEMA_VERSION,
            });
        }
        if found == SCHEMA_VERSION {
            return Ok(());
        }
        let txn = self.db.begin_write()?;
        for step in &MIGRATIONS[found as usize..] {
            step(&txn)?;
        }
        txn.open_table(META)?.insert(SCHEMA_KEY, SCHEMA_VERSION)?;
        txn.commit()?;
        tracing::info!(from = found, to = SCHEMA_VERSION, "migrated data file");
        Ok(())
    }

    pub fn schema_version(&self) -> Result<u64, StoreError> {
        let txn = self.db.begin_read()?;
        let meta = match txn.open_table(META) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(0),
            Err(e) => return Err(e.into()),
        };
        Ok(meta.get(SCHEMA_KEY)?.map(|v| v.value()).unwrap_or(0))
    }

    /// A consistent view of committed data.
    pub fn read(&self) -> Result<StoreReader, StoreError> {
        Ok(StoreReader::new(self.db.begin_read()?))
    }

    /// Loads everything the engine keeps in memory.
    pub fn load(&self) -> Result<Loaded, StoreError> {
        self.read()?.load()
    }

    /// Writes a group of changes in ONE durable transaction: all or nothing.
    pub fn commit(&self, writes: &[Write]) -> Result<(), StoreError> {
        // Durability::Immediate is redb's default: one fsync per commit, so an acknowledged
        // change survives a crash or power loss.
        let txn = self.db.begin_write()?;
        {
            let mut meta = txn.open_table(META)?;
            let mut dashboards = txn.open_table(DASHBOARDS)?;
            let mut widgets = txn.open_table(WIDGETS)?;
            let mut elements = txn.open_table(ELEMENTS)?;
            let mut names = txn.open_table(ELEMENT_NAMES)?;
            let mut media = txn.open_table(MEDIA)?;
            let mut timers = txn.open_table(TIMERS)?;
            let mut audit = txn.open_table(AUDIT)?;
            let mut commands = txn.open_table(COMMANDS)?;
            let mut bindings = txn.open_table(EVENT_BINDINGS)?;
            let mut cooldowns = txn.open_table(COOLDOWNS)?;
            let mut settings = txn.open_table(SETTINGS)?;
            let mut queues = txn.open_table(ALERT_QUEUES)?;
            let mut waiting = txn.open_table(ALERT_WAITING)?;
            let mut events = txn.open_table(EVENTS)?;
            for w in writes {
                match w {
                    Write::Dashboard(id, Some(d)) => {
                        dashboards.insert(id, enc("dashboards", d)?.as_slice())?;
                    }
                    Write::Dashboard(id, None) => {
                        dashboards.remove(id)?;
                    }
                    Write::Widget(id, Some(v)) => {
                        widgets.insert(id, enc("widgets", v)?.as_slice())?;
                    }
                    Write::Widget(id, None) => {
                        widgets.remove(id)?;
                    }
                    Write::Element(id, Some(e)) => {
                        // The unique (widget_id, name) index: names are immutable, so an
                        // existing entry must point at this very element.
                        let key = (e.widget_id, e.name.as_str());
                        let existing = names.get(key)?.map(|v| v.value());
                        match existing {
                            Some(other) if other != *id => {
                                return Err(StoreError::DuplicateElement {
                                    widget_id: e.widget_id,
                                    name: e.name.clone(),
                                });
                            }
                            Some(_) => {}
                            None => {
                                names.insert(key, id)?;
                            }
                        }
                        elements.insert(id, enc("elements", e)?.as_slice())?;
                    }
                    Write::Element(id, None) => {
                        let old = elements
                            .remove(id)?
                            .map(|v| codec::dec::<Element>("elements", v.value()));
                        if let Some(Ok(old)) = old {
                            names.remove((old.widget_id, old.name.as_str()))?;
                        }
                    }
                    Write::Media(id, Some(m)) => {
                        media.insert(id, enc("media", m)?.as_slice())?;
                    }
                    Write::Media(id, None) => {
                        media.remove(id)?;
                    }
                    Write::Timer((wid, key), Some(t)) => {
                        timers.insert((*wid, key.as_str()), enc("timers", t)?.as_slice())?;
                    }
                    Write::Timer((wid, key), None) => {
                        timers.remove((*wid, key.as_str()))?;
                    }
                    Write::Active(a) => {
                        meta.insert(ACTIVE_KEY, a.unwrap_or(0))?;
                    }
                    Write::Counter(kind, next) => {
                        meta.insert(kind.counter_key(), next)?;
                    }
                    Write::Audit(entry) => {
                        audit.insert(entry.id, enc("audit", entry)?.as_slice())?;
                    }
                    Write::AuditDelete(id) => {
                        audit.remove(id)?;
                    }
                    Write::Command(id, Some(c)) => {
                        commands.insert(id, enc("commands", c)?.as_slice())?;
                    }
                    Write::Command(id, None) => {
                        commands.remove(id)?;
                        // Its cooldowns go with it (the (id, "") .. (id + 1, "") range).
                        let keys: Vec<String> = cooldowns
                            .range((*id, "")..(*id + 1, ""))?
                            .filter_map(|r| r.ok().map(|(k, _)| k.value().1.to_string()))
                            .collect();
                        for user in keys {
                            cooldowns.remove((*id, user.as_str()))?;
                        }
                    }
                    Write::Binding(id, Some(b)) => {
                        bindings.insert(id, enc("event_bindings", b)?.as_slice())?;
                    }
                    Write::Binding(id, None) => {
                        bindings.remove(id)?;
                    }
                    Write::Cooldown((id, user), at) => {
                        cooldowns.insert((*id, user.as_str()), at)?;
                    }
                    Write::Setting(key, Some(v)) => {
                        settings.insert(key.as_str(), enc("settings", v.json())?.as_slice())?;
                    }
                    Write::Setting(key, None) => {
                        settings.remove(key.as_str())?;
                    }
                    Write::AlertQueue(name, q) => {
                        queues.insert(name.as_str(), enc("alert_queues", q)?.as_slice())?;
                    }
                    Write::AlertWaiting((name, id), Some(a)) => {
                        waiting
                            .insert((name.as_str(), *id), enc("alert_waiting", a)?.as_slice())?;
                    }
                    Write::AlertWaiting((name, id), None) => {
                        waiting.remove((name.as_str(), *id))?;
                    }
                    Write::Event(e) => {
                        events.insert(e.id, enc("events", e)?.as_slice())?;
                    }
                    Write::EventsBefore(cutoff_ms) => prune_events(&mut events, *cutoff_ms)?,
                }
            }
        }
        txn.commit()?;
        Ok(())
    }
}

/// Schema migrations: `MIGRATIONS[v]` upgrades version `v` to `v + 1`, all inside the
/// caller's single write transaction.
type Migration = fn(&redb::WriteTransaction) -> Result<(), StoreError>;
const MIGRATIONS: &[Migration] = &[
    create_tables_v1,
    event_bindings_v2,
    settings_v3,
    alert_queues_v4,
    events_v5,
];

/// Removes the log's oldest entries, those logged before `cutoff_ms`. Ids grow with time, so
/// this walks only the entries that leave (and one more).
fn prune_events(events: &mut redb::Table<u64, &[u8]>, cutoff_ms: u64) -> Result<(), StoreError> {
    let mut old = Vec::new();
    for row in events.iter()? {
        let (k, v) = row?;
        match codec::dec::<crate::model::LoggedEvent>("events", v.value()) {
            Ok(e) if e.at_ms >= cutoff_ms => break,
            // An entry that does not decode is as good as gone.
            _ => old.push(k.value()),
        }
    }
    for id in old {
        events.remove(id)?;
    }
    Ok(())
}

/// v0 → v1: an empty file gets every table and its id counters.
fn create_tables_v1(txn: &redb::WriteTransaction) -> Result<(), StoreError> {
    let mut meta = txn.open_table(META)?;
    for kind in Kind::ALL {
        if meta.get(kind.counter_key())?.is_none() {
            meta.insert(kind.counter_key(), 1)?;
        }
    }
    if meta.get(ACTIVE_KEY)?.is_none() {
        meta.insert(ACTIVE_KEY, 0)?;
    }
    txn.open_table(DASHBOARDS)?;
    txn.open_table(WIDGETS)?;
    txn.open_table(ELEMENTS)?;
    txn.open_table(ELEMENT_NAMES)?;
    txn.open_table(MEDIA)?;
    txn.open_table(COMMANDS)?;
    txn.open_table(COOLDOWNS)?;
    txn.open_table(AUDIT)?;
    txn.open_table(TIMERS)?;
    Ok(())
}

/// v1 → v2: platform-event bindings (their table and id counters).
fn event_bindings_v2(txn: &redb::WriteTransaction) -> Result<(), StoreError> {
    txn.open_table(EVENT_BINDINGS)?;
    let mut meta = txn.open_table(META)?;
    for kind in [Kind::Command, Kind::Binding] {
        if meta.get(kind.counter_key())?.is_none() {
            meta.insert(kind.counter_key(), 1)?;
        }
    }
    Ok(())
}

/// v2 → v3: settings saved from the admin UI.
fn settings_v3(txn: &redb::WriteTransaction) -> Result<(), StoreError> {
    txn.open_table(SETTINGS)?;
    Ok(())
}

/// v4 → v5: the event log and its id counter.
fn events_v5(txn: &redb::WriteTransaction) -> Result<(), StoreError> {
    txn.open_table(EVENTS)?;
    let mut meta = txn.open_table(META)?;
    if meta.get(Kind::Event.counter_key())?.is_none() {
        meta.insert(Kind::Event.counter_key(), 1)?;
    }
    Ok(())
}

/// v3 → v4: alert queues and their waiting alerts.
fn alert_queues_v4(txn: &redb::WriteTransaction) -> Result<(), StoreError> {
    txn.open_table(ALERT_QUEUES)?;
    txn.open_table(ALERT_WAITING)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ElementType, Map};

    fn element(id: Id, widget_id: Id, name: &str) -> Element {
        Element {
            id,
            widget_id,
            name: name.into(),
            element_type: ElementType::Text,
            properties: Map::new(),
            behavior: Map::new(),
            visible: false,
            media: Default::default(),
            media_pools: Default::default(),
            placement: Default::default(),
        }
    }

    #[test]
    fn fresh_file_is_migrated_and_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
        let d = Dashboard {
            id: 1,
            name: "Main".into(),
            obs_scene: None,
            widget_ids: vec![2],
            position: 0,
        };
        store
            .commit(&[
                Write::Dashboard(1, Some(d.clone())),
                Write::Element(5, Some(element(5, 2, "a"))),
                Write::Active(Some(1)),
                Write::Counter(Kind::Dashboard, 2),
            ])
            .unwrap();
        drop(store);
        let store = Store::open(dir.path()).unwrap();
        let loaded = store.load().unwrap();
        assert_eq!(loaded.dashboards[&1], d);
        assert_eq!(loaded.active, Some(1));
        assert_eq!(loaded.counters[&Kind::Dashboard], 2);
        assert_eq!(
            store
                .read()
                .unwrap()
                .element_by_name(2, "a")
                .unwrap()
                .unwrap()
                .id,
            5
        );
    }

    #[test]
    fn element_names_are_unique_per_widget() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store
            .commit(&[Write::Element(1, Some(element(1, 7, "x")))])
            .unwrap();
        let err = store
            .commit(&[Write::Element(2, Some(element(2, 7, "x")))])
            .unwrap_err();
        assert!(matches!(err, StoreError::DuplicateElement { .. }));
        // The failed commit wrote nothing; another widget may use the name.
        store
            .commit(&[Write::Element(2, Some(element(2, 8, "x")))])
            .unwrap();
        store.commit(&[Write::Element(1, None)]).unwrap();
        store
            .commit(&[Write::Element(3, Some(element(3, 7, "x")))])
            .unwrap();
    }

    /// A v1 file (as the first release wrote it) is migrated to v2 in one transaction,
    /// keeping its data.
    #[test]
    fn v1_file_is_migrated() {
        let dir = tempfile::tempdir().unwrap();
        {
            let db = Database::create(dir.path().join("stagehand.redb")).unwrap();
            let txn = db.begin_write().unwrap();
            create_tables_v1(&txn).unwrap();
            txn.open_table(META).unwrap().insert(SCHEMA_KEY, 1).unwrap();
            let d = Dashboard {
                id: 1,
                name: "Old".into(),
                obs_scene: None,
                widget_ids: vec![],
                position: 0,
            };
            txn.open_table(DASHBOARDS)
                .unwrap()
                .insert(1, enc("dashboards", &d).unwrap().as_slice())
                .unwrap();
            // v1 had no binding counters.
            txn.open_table(META)
                .unwrap()
                .remove(Kind::Binding.counter_key())
                .unwrap();
            txn.commit().unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
        let loaded = store.load().unwrap();
        assert_eq!(loaded.dashboards[&1].name, "Old");
        assert_eq!(loaded.counters[&Kind::Binding], 1);
        assert!(loaded.bindings.is_empty());
    }

    #[test]
    fn newer_schema_is_refused_with_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = Store::open(dir.path()).unwrap();
            let txn = store.db.begin_write().unwrap();
            txn.open_table(META)
                .unwrap()
                .insert(SCHEMA_KEY, 99)
                .unwrap();
            txn.commit().unwrap();
        }
        let err = Store::open(dir.path()).err().expect("refused");
        assert!(err.to_string().contains("schema version 99"), "{err}");
    }
}
