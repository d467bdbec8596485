//! Settings: built-in defaults (config/default.toml) < values saved from the admin UI <
//! config file < `STAGEHAND__*` env. A bad file or value stops start-up with a message
//! naming the key. Which layer a value came from is `crate::settings`' business.

use config::{Config, Environment, File, FileFormat};
use serde::{Deserialize, Serialize};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};

/// The defaults, embedded so the binary runs from any directory.
pub const DEFAULTS: &str = include_str!("../config/default.toml");

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub server: Server,
    pub storage: Storage,
    pub overlay: Overlay,
    pub obs: Obs,
    pub twitch: Twitch,
    pub chat: Chat,
    pub alerts: Alerts,
    pub events: Events,
    pub log: Log,
    /// The config file these settings were read from (None: none), for `crate::settings`.
    #[serde(skip)]
    pub config_file: Option<PathBuf>,
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Server {
    pub bind: String,
    pub admin_token: String,
    pub allowed_origins: Vec<String>,
    pub max_json_kb: u32,
    pub header_timeout_s: f64,
    pub body_timeout_s: f64,
    pub idle_timeout_s: f64,
    pub max_connections: usize,
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Storage {
    pub data_dir: PathBuf,
    pub max_upload_mb: u32,
    pub max_bundle_mb: u32,
    pub audit_keep: u64,
    pub backup_every_h: f64,
    pub backups_keep: usize,
    pub max_pending_writes: usize,
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Overlay {
    pub client_queue: usize,
    pub send_timeout_s: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OnConnect {
    FollowObs,
    ApplyDashboard,
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Obs {
    pub enabled: bool,
    pub host: String,
    pub port: u16,
    pub password: String,
    pub reconnect_max_s: f64,
    pub heartbeat_s: f64,
    pub request_timeout_s: f64,
    pub on_connect: OnConnect,
}

impl Obs {
    /// The adapter's settings (it knows nothing of `on_connect`: that is the daemon's job).
    pub fn adapter_settings(&self) -> stagehand_obs::ObsSettings {
        stagehand_obs::ObsSettings {
            enabled: self.enabled,
            host: self.host.trim().to_string(),
            port: self.port,
            password: Some(self.password.clone()).filter(|p| !p.is_empty()),
            reconnect_max: std::time::Duration::from_secs_f64(self.reconnect_max_s),
            heartbeat: std::time::Duration::from_secs_f64(self.heartbeat_s),
            request_timeout: std::time::Duration::from_secs_f64(self.request_timeout_s),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Twitch {
    pub enabled: bool,
    pub channel: String,
    pub username: String,
    pub oauth_token: String,
    pub irc_addr: String,
    pub client_id: String,
    pub auth_url: String,
    pub api_url: String,
    pub eventsub_url: String,
}

impl Twitch {
    /// The adapter's settings; empty strings mean "not set".
    pub fn adapter_settings(&self, chat: &Chat) -> stagehand_twitch::TwitchSettings {
        let set = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        stagehand_twitch::TwitchSettings {
            enabled: self.enabled,
            channel: self.channel.trim().to_string(),
            username: set(&self.username),
            oauth_token: set(&self.oauth_token).map(stagehand_twitch::Secret::new),
            irc_addr: set(&self.irc_addr),
            reply_min_interval: std::time::Duration::from_secs_f64(chat.reply_min_interval_s),
            ..Default::default()
        }
    }
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Chat {
    pub prefix: String,
    pub reply_min_interval_s: f64,
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Events {
    /// Days an event stays in the event log (0: forever).
    pub retention_days: u64,
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Alerts {
    pub max_wait_min: u64,
}

impl Alerts {
    /// `None`: alerts wait for an overlay however long it takes.
    pub fn max_wait_ms(&self) -> Option<u64> {
        (self.max_wait_min > 0).then(|| self.max_wait_min.saturating_mul(60_000))
    }
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Log {
    pub level: String,
    pub format: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("config file {0} does not exist")]
    Missing(PathBuf),
    #[error("invalid configuration: {0}")]
    Load(#[from] config::ConfigError),
    #[error("invalid configuration: {key}: {message}")]
    Invalid { key: &'static str, message: String },
}

fn invalid(key: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        key,
        message: message.into(),
    }
}

impl Settings {
    /// Loads the layered settings. `file` is `--config`; without it ./stagehand.toml is
    /// used when present.
    pub fn load(file: Option<&Path>) -> Result<Settings, ConfigError> {
        Self::load_with(file, "")
    }

    /// Like [`Settings::load`] with `saved` (TOML: the values saved from the admin UI) layered
    /// between the defaults and the config file.
    pub fn load_with(file: Option<&Path>, saved: &str) -> Result<Settings, ConfigError> {
        let mut builder = Config::builder()
            .add_source(File::from_str(DEFAULTS, FileFormat::Toml))
            .add_source(File::from_str(saved, FileFormat::Toml));
        let used = match file {
            Some(path) => {
                if !path.exists() {
                    return Err(ConfigError::Missing(path.to_path_buf()));
                }
                builder =
                    builder.add_source(File::from(path).format(FileFormat::Toml).required(true));
                Some(path.to_path_buf())
            }
            None => {
                builder = builder
                    .add_source(File::new("stagehand.toml", FileFormat::Toml).required(false));
                Some(PathBuf::from("stagehand.toml")).filter(|p| p.exists())
            }
        };
        let mut settings: Settings = builder
            .add_source(
                Environment::with_prefix("STAGEHAND")
                    .prefix_separator("__")
                    .separator("__")
                    .try_parsing(true)
                    .list_separator(",")
                    .with_list_parse_key("server.allowed_origins"),
            )
            .build()?
            .try_deserialize()?;
        settings.validate()?;
        settings.config_file = used;
        Ok(settings)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let addr = self.bind_addr()?;
        if !addr.ip().is_loopback() && self.server.admin_token.trim().is_empty() {
            return Err(invalid(
                "server.admin_token",
                format!(
                    "must be set when server.bind ({}) is not a loopback address",
                    self.server.bind
                ),
            ));
        }
        if !(1..=16_384).contains(&self.server.max_json_kb) {
            return Err(invalid("server.max_json_kb", "must be between 1 and 16384"));
        }
        if self.storage.data_dir.as_os_str().is_empty() {
            return Err(invalid("storage.data_dir", "must not be empty"));
        }
        if !(1..=10_240).contains(&self.storage.max_upload_mb) {
            return Err(invalid(
                "storage.max_upload_mb",
                "must be between 1 and 10240",
            ));
        }
        if !(1..=65_536).contains(&self.storage.max_bundle_mb) {
            return Err(invalid(
                "storage.max_bundle_mb",
                "must be between 1 and 65536",
            ));
        }
        if self.storage.backup_every_h != 0.0 {
            positive(
                "storage.backup_every_h",
                self.storage.backup_every_h * 3600.0,
            )
            .map_err(|_| {
                invalid(
                    "storage.backup_every_h",
                    "must be 0 (off) or between 0 and 24 hours",
                )
            })?;
        }
        if !(16..=1_000_000).contains(&self.storage.max_pending_writes) {
            return Err(invalid(
                "storage.max_pending_writes",
                "must be between 16 and 1000000",
            ));
        }
        if !(1..=1000).contains(&self.storage.backups_keep) {
            return Err(invalid(
                "storage.backups_keep",
                "must be between 1 and 1000",
            ));
        }
        if self.storage.audit_keep < 10 {
            return Err(invalid("storage.audit_keep", "must be at least 10"));
        }
        if !(8..=65_536).contains(&self.overlay.client_queue) {
            return Err(invalid(
                "overlay.client_queue",
                "must be between 8 and 65536",
            ));
        }
        positive("server.header_timeout_s", self.server.header_timeout_s)?;
        positive("server.body_timeout_s", self.server.body_timeout_s)?;
        positive("server.idle_timeout_s", self.server.idle_timeout_s)?;
        positive("overlay.send_timeout_s", self.overlay.send_timeout_s)?;
        positive("obs.reconnect_max_s", self.obs.reconnect_max_s)?;
        positive("obs.heartbeat_s", self.obs.heartbeat_s)?;
        positive("obs.request_timeout_s", self.obs.request_timeout_s)?;
        if self.obs.enabled && self.obs.host.trim().is_empty() {
            return Err(invalid(
                "obs.host",
                "must not be empty when obs.enabled is true",
            ));
        }
        if self.twitch.enabled && self.twitch.channel.trim().is_empty() {
            return Err(invalid(
                "twitch.channel",
                "must be set when twitch.enabled is true",
            ));
        }
        if self.twitch.username.is_empty() != self.twitch.oauth_token.is_empty() {
            return Err(invalid(
                "twitch.oauth_token",
                "twitch.username and twitch.oauth_token go together (both empty = anonymous)",
            ));
        }
        if self.chat.prefix.is_empty() || self.chat.prefix.chars().any(char::is_whitespace) {
            return Err(invalid("chat.prefix", "must be non-empty without spaces"));
        }
        if self.chat.reply_min_interval_s != 0.0 {
            positive("chat.reply_min_interval_s", self.chat.reply_min_interval_s)?;
        }
        if !["text", "json"].contains(&self.log.format.as_str()) {
            return Err(invalid("log.format", "must be text or json"));
        }
        if !["error", "warn", "info", "debug", "trace"].contains(&self.log.level.as_str()) {
            return Err(invalid(
                "log.level",
                "must be one of error, warn, info, debug, trace",
            ));
        }
        Ok(())
    }

    /// `server.bind` as a socket address (`localhost` means 127.0.0.1).
    pub fn bind_addr(&self) -> Result<SocketAddr, ConfigError> {
        let bind = self.server.bind.trim();
        if let Some(port) = bind.strip_prefix("localhost:") {
            let port: u16 = port
                .parse()
                .map_err(|_| invalid("server.bind", format!("bad port in '{bind}'")))?;
            return Ok(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port));
        }
        bind.parse().map_err(|_| {
            invalid(
                "server.bind",
                format!("'{bind}' is not an address like 127.0.0.1:8002"),
            )
        })
    }

    /// The settings as TOML with every secret replaced, for `check-config`.
    pub fn redacted_toml(&self) -> String {
        let mut s = self.clone();
        for secret in [
            &mut s.server.admin_token,
            &mut s.obs.password,
            &mut s.twitch.oauth_token,
        ] {
            if !secret.is_empty() {
                *secret = "<redacted>".into();
            }
        }
        toml::to_string_pretty(&s).unwrap_or_else(|e| format!("# cannot print settings: {e}\n"))
    }
}

/// Longest duration any setting may name: a day (also keeps `Duration::from_secs_f64` from
/// overflowing on values like 1e300).
const MAX_SECONDS: f64 = 86_400.0;

/// A duration in seconds: positive, finite, at most a day.
fn positive(key: &'static str, v: f64) -> Result<(), ConfigError> {
    if v > 0.0 && v <= MAX_SECONDS {
        Ok(())
    } else {
        Err(invalid(
            key,
            format!("must be a number of seconds above 0 and at most {MAX_SECONDS}, got {v}"),
        ))
    }
}

impl Server {
    pub fn limits(&self) -> crate::http::listener::Limits {
        crate::http::listener::Limits {
            header_timeout: std::time::Duration::from_secs_f64(self.header_timeout_s),
            idle_timeout: std::time::Duration::from_secs_f64(self.idle_timeout_s),
            max_connections: crate::http::listener::connection_budget(self.max_connections),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_load_and_validate() {
        let s = Settings::load(Some(Path::new("config/default.toml"))).unwrap();
        assert_eq!(s.server.bind, "127.0.0.1:8002");
        assert_eq!(s.storage.max_upload_mb, 100);
        assert_eq!(s.obs.on_connect, OnConnect::FollowObs);
    }

    #[test]
    fn bad_values_name_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let cases = [
            ("[server]\nbind = \"0.0.0.0:8002\"\n", "server.admin_token"),
            ("[server]\nbind = \"nope\"\n", "server.bind"),
            ("[obs]\nport = \"many\"\n", "obs.port"),
            ("[obs]\non_connect = \"sometimes\"\n", "on_connect"),
            ("[server]\nbindd = \"x\"\n", "bindd"),
            ("[storage]\nmax_upload_mb = 0\n", "storage.max_upload_mb"),
            ("[log]\nlevel = \"loud\"\n", "log.level"),
            (
                "[overlay]\nsend_timeout_s = 1e300\n",
                "overlay.send_timeout_s",
            ),
            ("[obs]\nheartbeat_s = inf\n", "obs.heartbeat_s"),
            ("[obs]\nrequest_timeout_s = nan\n", "obs.request_timeout_s"),
            (
                "[chat]\nreply_min_interval_s = inf\n",
                "chat.reply_min_interval_s",
            ),
            ("[server]\nbody_timeout_s = -1\n", "server.body_timeout_s"),
        ];
        for (i, (text, key)) in cases.iter().enumerate() {
            let p = dir.path().join(format!("c{i}.toml"));
            std::fs::write(&p, text).unwrap();
            let err = Settings::load(Some(&p)).unwrap_err().to_string();
            assert!(err.contains(key), "{text:?} → {err}");
        }
        let err = Settings::load(Some(Path::new("/nonexistent.toml"))).unwrap_err();
        assert!(err.to_string().contains("does not exist"));
    }

    #[test]
    fn secrets_are_redacted() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.toml");
        std::fs::write(
            &p,
            "[obs]\npassword = \"hunter2\"\n[server]\nadmin_token = \"tok\"\n",
        )
        .unwrap();
        let out = Settings::load(Some(&p)).unwrap().redacted_toml();
        assert!(
            !out.contains("hunter2") && !out.contains("\"tok\""),
            "{out}"
        );
        assert!(out.contains("<redacted>"));
    }
}
