//! The settings the API shows and changes: validated saves through the engine, the view
//! with sources (secrets only say whether they are set), and publishing the effective
//! settings after each commit.

use super::keys::{self, KEYS};
use super::{Changes, Layers, Source, Value};
use crate::config::{ConfigError, Settings};
use crate::engine::{Engine, EngineError, Request};
use crate::model::{Actor, Map};
use crate::store::{Store, StoreError};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;
use tokio::sync::watch;

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("{message}")]
    Invalid { field: String, message: String },
    #[error("{field} is set by the {} and cannot be changed here", layer_name(*.layer))]
    Pinned { field: String, layer: Source },
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub fn layer_name(s: Source) -> &'static str {
    match s {
        Source::Env => "environment (STAGEHAND__…)",
        Source::File => "config file",
        Source::Saved => "admin UI",
        Source::Default => "built-in defaults",
    }
}

/// One key as the API shows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = SettingEntry)]
pub struct Entry {
    /// The effective value; absent for secrets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<serde_json::Value>,
    pub secret: bool,
    /// Secrets only: whether one is set (non-empty).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub set: Option<bool>,
    pub source: Source,
    /// Pinned by the config file or the environment.
    pub read_only: bool,
    /// A change takes effect only after a restart.
    pub restart: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SettingsView {
    /// Every editable key (`obs.host`, `chat.prefix`, …) with its value and source.
    #[schema(value_type = BTreeMap<String, Entry>)]
    pub settings: BTreeMap<&'static str, Entry>,
    /// Keys whose effective value differs from what the running daemon uses (restart!).
    #[schema(value_type = Vec<String>)]
    pub restart_needed: Vec<&'static str>,
    /// The config file in use, if any.
    pub config_file: Option<String>,
}

pub struct SettingsService {
    store: Arc<Store>,
    engine: Engine,
    layers: Layers,
    /// What the daemon started with (bind and admin token stay these until a restart).
    started: Arc<Settings>,
    live: watch::Sender<Arc<Settings>>,
    /// Saves and publishes one at a time, so the last published settings are the last saved.
    lock: tokio::sync::Mutex<()>,
}

impl SettingsService {
    pub fn new(
        store: Arc<Store>,
        engine: Engine,
        layers: Layers,
        started: Arc<Settings>,
    ) -> SettingsService {
        let (live, _) = watch::channel(started.clone());
        SettingsService {
            store,
            engine,
            layers,
            started,
            live,
            lock: tokio::sync::Mutex::new(()),
        }
    }

    /// The effective settings right now.
    pub fn current(&self) -> Arc<Settings> {
        self.live.borrow().clone()
    }

    pub fn subscribe(&self) -> watch::Receiver<Arc<Settings>> {
        self.live.subscribe()
    }

    /// Set by the config file or the environment (the UI and logins leave it alone).
    pub fn pinned(&self, key: &str) -> bool {
        self.layers.pinned(key).is_some()
    }

    pub fn saved(&self) -> Result<BTreeMap<String, Value>, StoreError> {
        self.store.read()?.settings()
    }

    pub fn view(&self) -> Result<SettingsView, StoreError> {
        let saved = self.saved()?;
        let current = self.current();
        let now = serde_json::to_value(&*current).unwrap_or_default();
        let was = serde_json::to_value(&*self.started).unwrap_or_default();
        let mut settings = BTreeMap::new();
        let mut restart_needed = Vec::new();
        for k in KEYS {
            let value = lookup(&now, k.key);
            if k.restart && value != lookup(&was, k.key) {
                restart_needed.push(k.key);
            }
            let source = self.layers.source(k.key, &saved);
            let set = value.as_str().is_some_and(|s| !s.is_empty());
            settings.insert(
                k.key,
                Entry {
                    value: (!k.secret()).then_some(value),
                    secret: k.secret(),
                    set: k.secret().then_some(set),
                    source,
                    read_only: self.layers.pinned(k.key).is_some(),
                    restart: k.restart,
                },
            );
        }
        Ok(SettingsView {
            settings,
            restart_needed,
            config_file: self.layers.file().map(|p| p.display().to_string()),
        })
    }

    /// Applies a patch of `key → value` (`null`: back to the layer below), validated as a
    /// whole like a config file would be, committed through the engine and published.
    pub async fn save(&self, patch: &Map) -> Result<SettingsView, SettingsError> {
        let mut changes: Changes = Vec::new();
        for (k, v) in patch {
            let key = keys::find(k).ok_or_else(|| SettingsError::Invalid {
                field: k.clone(),
                message: format!("{k} is not a setting the admin UI can change"),
            })?;
            if let Some(layer) = self.layers.pinned(k) {
                return Err(SettingsError::Pinned {
                    field: k.clone(),
                    layer,
                });
            }
            let value = if v.is_null() {
                None
            } else {
                Some(key.check(v).map_err(|message| SettingsError::Invalid {
                    field: k.clone(),
                    message: format!("{k} {message}"),
                })?)
            };
            changes.push((k.clone(), value));
        }
        if !changes.is_empty() {
            self.commit(changes).await?;
        }
        Ok(self.view()?)
    }

    /// Validates and commits changes of any stored key (also internal ones such as logins),
    /// then publishes the new effective settings.
    pub async fn commit(&self, changes: Changes) -> Result<(), SettingsError> {
        let _one_at_a_time = self.lock.lock().await;
        let mut saved = self.saved()?;
        for (k, v) in &changes {
            match v {
                Some(v) => saved.insert(k.clone(), v.clone()),
                None => saved.remove(k),
            };
        }
        if let Err(e) = self.layers.settings(&saved) {
            return Err(match e {
                ConfigError::Invalid { key, message } => SettingsError::Invalid {
                    field: key.to_string(),
                    message: format!("{key} {message}"),
                },
                other => SettingsError::Invalid {
                    field: changes.first().map(|c| c.0.clone()).unwrap_or_default(),
                    message: other.to_string(),
                },
            });
        }
        self.engine
            .call(Actor::Admin, Request::PutSettings { changes })
            .await?;
        self.publish_locked(&saved);
        Ok(())
    }

    fn publish_locked(&self, saved: &BTreeMap<String, Value>) {
        match self.layers.settings(saved) {
            Ok(new) => {
                self.live.send_if_modified(|cur| {
                    if **cur == new {
                        false
                    } else {
                        *cur = Arc::new(new);
                        true
                    }
                });
            }
            // Validated before the commit; only a config file edited meanwhile gets here.
            Err(e) => tracing::warn!(error = %e, "saved settings not applied"),
        }
    }
}

/// `obs.port` in the settings as JSON.
fn lookup(settings: &serde_json::Value, key: &str) -> serde_json::Value {
    let (section, name) = key.split_once('.').unwrap_or((key, ""));
    settings[section][name].clone()
}
