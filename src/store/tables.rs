//! Table definitions. Keys are ids or (id, name) tuples; values are MessagePack.

use redb::TableDefinition;

/// Schema version, id counters (`next_id.*`), active dashboard (0 = none).
pub const META: TableDefinition<&str, u64> = TableDefinition::new("meta");
pub const SCHEMA_KEY: &str = "schema_version";
pub const ACTIVE_KEY: &str = "active_dashboard";

pub const DASHBOARDS: TableDefinition<u64, &[u8]> = TableDefinition::new("dashboards");
pub const WIDGETS: TableDefinition<u64, &[u8]> = TableDefinition::new("widgets");
pub const ELEMENTS: TableDefinition<u64, &[u8]> = TableDefinition::new("elements");
/// Unique index (widget_id, element name) → element id.
pub const ELEMENT_NAMES: TableDefinition<(u64, &str), u64> = TableDefinition::new("element_names");
pub const MEDIA: TableDefinition<u64, &[u8]> = TableDefinition::new("media");
pub const COMMANDS: TableDefinition<u64, &[u8]> = TableDefinition::new("commands");
/// (command id, user id) → last fired, unix ms.
pub const COOLDOWNS: TableDefinition<(u64, &str), u64> = TableDefinition::new("cooldowns");
/// Platform events (sub, raid, cheer, …) → widget features. Added in schema v2.
pub const EVENT_BINDINGS: TableDefinition<u64, &[u8]> = TableDefinition::new("event_bindings");
pub const AUDIT: TableDefinition<u64, &[u8]> = TableDefinition::new("audit");
/// (widget id, follow-up key) → pending follow-up.
pub const TIMERS: TableDefinition<(u64, &str), &[u8]> = TableDefinition::new("timers");
/// Settings saved from the admin UI: key (`obs.port`) → MessagePack of its JSON value.
/// Added in schema v3. Below the config file and the environment in precedence.
pub const SETTINGS: TableDefinition<&str, &[u8]> = TableDefinition::new("settings");
/// Alert queues: queue name → MessagePack of its `AlertQueue` without the waiting alerts
/// (paused, playing, last). Added in schema v4.
pub const ALERT_QUEUES: TableDefinition<&str, &[u8]> = TableDefinition::new("alert_queues");
/// (queue name, alert id) → a waiting alert (its `order` says where). Added in schema v4.
pub const ALERT_WAITING: TableDefinition<(&str, u64), &[u8]> =
    TableDefinition::new("alert_waiting");
/// The event log: event id → MessagePack of a `LoggedEvent`. Ids grow with arrival time, so
/// retention removes from the front and newest-first reads scan from the back. Added in
/// schema v5.
pub const EVENTS: TableDefinition<u64, &[u8]> = TableDefinition::new("events");
