//! Which layer each key comes from, and the effective settings for a set of saved values.
//!
//! The file and the environment are read once at start-up (they do not change while the
//! daemon runs); only the saved layer moves.

use super::Value;
use crate::config::{ConfigError, Settings};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Where a value comes from, lowest precedence first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = SettingSource)]
pub enum Source {
    Default,
    Saved,
    File,
    Env,
}

#[derive(Clone, Debug, Default)]
pub struct Layers {
    file: Option<PathBuf>,
    /// Keys (`obs.port`) the config file sets.
    file_keys: BTreeSet<String>,
    /// Keys a `STAGEHAND__SECTION__KEY` variable sets.
    env_keys: BTreeSet<String>,
}

impl Layers {
    /// The layers of a daemon started with `file` as its config file and the current
    /// process environment.
    pub fn capture(file: Option<&Path>) -> Layers {
        let file_keys = file
            .and_then(|p| std::fs::read_to_string(p).ok())
            .and_then(|text| text.parse::<toml::Table>().ok())
            .map(|t| flatten(&t))
            .unwrap_or_default();
        Layers {
            file: file.map(Path::to_path_buf),
            file_keys,
            env_keys: env_keys(std::env::vars().map(|(k, _)| k)),
        }
    }

    /// The layer above "saved" that sets `key`, if any: then the UI cannot change it.
    pub fn pinned(&self, key: &str) -> Option<Source> {
        if self.env_keys.contains(key) {
            Some(Source::Env)
        } else if self.file_keys.contains(key) {
            Some(Source::File)
        } else {
            None
        }
    }

    pub fn source(&self, key: &str, saved: &BTreeMap<String, Value>) -> Source {
        self.pinned(key).unwrap_or(if saved.contains_key(key) {
            Source::Saved
        } else {
            Source::Default
        })
    }

    /// The effective settings with `saved` as the UI layer (validated like a config file).
    pub fn settings(&self, saved: &BTreeMap<String, Value>) -> Result<Settings, ConfigError> {
        Settings::load_with(self.file.as_deref(), &saved_toml(saved))
    }

    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }
}

/// `STAGEHAND__OBS__PORT` → `obs.port`, as the config crate's environment source maps them.
fn env_keys(names: impl Iterator<Item = String>) -> BTreeSet<String> {
    names
        .filter_map(|k| {
            k.strip_prefix("STAGEHAND__")
                .map(|rest| rest.to_lowercase().replace("__", "."))
        })
        .collect()
}

fn flatten(t: &toml::Table) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (section, v) in t {
        match v.as_table() {
            Some(inner) => out.extend(inner.keys().map(|k| format!("{section}.{k}"))),
            None => {
                out.insert(section.clone());
            }
        }
    }
    out
}

/// The saved values as a TOML document of `[section]` tables.
fn saved_toml(saved: &BTreeMap<String, Value>) -> String {
    let mut doc = toml::Table::new();
    for (key, v) in saved {
        let Some((section, name)) = key.split_once('.') else {
            continue;
        };
        let value = match v.json() {
            serde_json::Value::Bool(b) => toml::Value::Boolean(*b),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => toml::Value::Integer(i),
                None => toml::Value::Float(n.as_f64().unwrap_or_default()),
            },
            serde_json::Value::String(s) => toml::Value::String(s.clone()),
            // Objects (stored logins) are not settings of the config file.
            _ => continue,
        };
        if let toml::Value::Table(t) = doc
            .entry(section.to_string())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()))
        {
            t.insert(name.to_string(), value);
        }
    }
    toml::to_string(&doc).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn env_names_map_to_keys() {
        let keys = env_keys(
            [
                "STAGEHAND__OBS__PORT",
                "STAGEHAND__SERVER__ADMIN_TOKEN",
                "PATH",
            ]
            .into_iter()
            .map(String::from),
        );
        assert!(keys.contains("obs.port") && keys.contains("server.admin_token"));
        assert_eq!(keys.len(), 2);
    }

    #[test]
    fn saved_sits_between_defaults_and_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("s.toml");
        std::fs::write(&file, "[obs]\nhost = \"filehost\"\n").unwrap();
        let layers = Layers {
            file_keys: flatten(&"[obs]\nhost = \"filehost\"\n".parse().unwrap()),
            file: Some(file),
            env_keys: BTreeSet::new(),
        };
        let saved: BTreeMap<String, Value> = [
            ("obs.port".to_string(), Value::new(json!(4460))),
            ("obs.host".to_string(), Value::new(json!("savedhost"))),
            (
                "chat.reply_min_interval_s".to_string(),
                Value::new(json!(2.5)),
            ),
        ]
        .into_iter()
        .collect();
        let s = layers.settings(&saved).unwrap();
        assert_eq!(s.obs.port, 4460, "saved beats the default");
        assert_eq!(s.obs.host, "filehost", "the file beats saved");
        assert_eq!(s.chat.reply_min_interval_s, 2.5);
        assert_eq!(layers.source("obs.host", &saved), Source::File);
        assert_eq!(layers.source("obs.port", &saved), Source::Saved);
        assert_eq!(layers.source("obs.password", &saved), Source::Default);
    }

    #[test]
    fn a_saved_value_that_breaks_validation_names_its_key() {
        let layers = Layers::default();
        let saved: BTreeMap<String, Value> =
            [("server.bind".to_string(), Value::new(json!("0.0.0.0:8002")))]
                .into_iter()
                .collect();
        let err = layers.settings(&saved).unwrap_err().to_string();
        assert!(err.contains("server.admin_token"), "{err}");
    }
}
