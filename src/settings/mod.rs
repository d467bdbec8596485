//! Settings edited live from the admin UI.
//!
//! The layers, lowest first: built-in defaults < values saved from the UI (redb, written
//! through the engine like every other write) < the config file < `STAGEHAND__*` env. A key
//! the file or env sets is pinned: the API shows it read-only with where it comes from.
//! After every save the effective [`Settings`](crate::config::Settings) are rebuilt and
//! published on a watch channel; `live` applies them to the OBS and Twitch adapters.
//!
//! - `keys`: which keys the UI may edit, their types, secrets, restart-needed ones.
//! - `layers`: which layer a key comes from; building the effective settings.
//! - `service`: the API's view, validated saves, publishing.
//! - `live`: applying published settings to OBS and Twitch without a restart.
//! - `twitch_link`: the swappable Twitch connection (a new one per login/channel change).

pub mod keys;
pub mod layers;
pub mod live;
pub mod service;
pub mod twitch_link;

pub use layers::{Layers, Source};
pub use service::{SettingsError, SettingsService, SettingsView};
pub use twitch_link::TwitchLink;

/// A saved setting's value (JSON). Its `Debug` never shows it: secrets are values too, and
/// requests and writes carrying them are `Debug`.
#[derive(Clone, PartialEq)]
pub struct Value(serde_json::Value);

impl Value {
    pub fn new(v: serde_json::Value) -> Value {
        Value(v)
    }

    pub fn json(&self) -> &serde_json::Value {
        &self.0
    }
}

impl std::fmt::Debug for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<value>")
    }
}

/// Changes to saved settings, key → new value (`None`: forget the saved value).
pub type Changes = Vec<(String, Option<Value>)>;
