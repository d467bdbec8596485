//! Connection settings. Durations are seconds (`*_s`, fractional allowed) in config files so
//! the daemon can deserialize its `[obs]` table straight into [`ObsSettings`].

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// How to reach OBS and how patiently. `Debug` never shows the password.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ObsSettings {
    /// `false` keeps the adapter in [`crate::ObsState::Disabled`]: nothing connects.
    pub enabled: bool,
    pub host: String,
    pub port: u16,
    /// obs-websocket server password; `None` (or empty) when authentication is off.
    #[serde(serialize_with = "redact")]
    pub password: Option<String>,
    /// Cap of the exponential reconnect backoff (which starts at 0.5 s).
    #[serde(rename = "reconnect_max_s", with = "secs")]
    pub reconnect_max: Duration,
    /// Interval of the application-level heartbeat request; a missed answer drops the link.
    #[serde(rename = "heartbeat_s", with = "secs")]
    pub heartbeat: Duration,
    /// Upper bound for every request (including the heartbeat) and for connecting.
    #[serde(rename = "request_timeout_s", with = "secs")]
    pub request_timeout: Duration,
}

impl Default for ObsSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            host: "127.0.0.1".into(),
            port: 4455,
            password: None,
            reconnect_max: Duration::from_secs(10),
            heartbeat: Duration::from_secs(3),
            request_timeout: Duration::from_secs(5),
        }
    }
}

impl ObsSettings {
    /// The password to send, treating an empty string as "no password" (config files
    /// cannot express `None` for a string that has a default).
    pub(crate) fn effective_password(&self) -> Option<&str> {
        self.password.as_deref().filter(|p| !p.is_empty())
    }

    /// Whether a change from `self` to `other` needs a new connection (timings do not).
    pub(crate) fn same_endpoint(&self, other: &ObsSettings) -> bool {
        self.enabled == other.enabled
            && self.host == other.host
            && self.port == other.port
            && self.effective_password() == other.effective_password()
    }

    /// Clamp values that would make the loops spin or never fire.
    pub(crate) fn sanitized(mut self) -> Self {
        let floor = Duration::from_millis(100);
        self.reconnect_max = self.reconnect_max.max(Duration::from_millis(500));
        self.heartbeat = self.heartbeat.max(floor);
        self.request_timeout = self.request_timeout.max(floor);
        self
    }
}

impl fmt::Debug for ObsSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ObsSettings")
            .field("enabled", &self.enabled)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("reconnect_max", &self.reconnect_max)
            .field("heartbeat", &self.heartbeat)
            .field("request_timeout", &self.request_timeout)
            .finish()
    }
}

/// Serializing settings (e.g. for an API) must not leak the secret.
fn redact<S: Serializer>(password: &Option<String>, s: S) -> Result<S::Ok, S::Error> {
    match password {
        Some(_) => s.serialize_some("<redacted>"),
        None => s.serialize_none(),
    }
}

mod secs {
    use super::*;

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(d.as_secs_f64())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let v = f64::deserialize(d)?;
        Duration::try_from_secs_f64(v).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_seconds() {
        let s: ObsSettings = serde_json::from_value(serde_json::json!({
            "port": 4456, "password": "pw", "reconnect_max_s": 2.5, "heartbeat_s": 1
        }))
        .expect("valid settings");
        assert!(s.enabled);
        assert_eq!(s.host, "127.0.0.1");
        assert_eq!(s.port, 4456);
        assert_eq!(s.reconnect_max, Duration::from_millis(2500));
        assert_eq!(s.heartbeat, Duration::from_secs(1));
        assert_eq!(s.request_timeout, Duration::from_secs(5));
        assert!(!format!("{s:?}").contains("pw"));
        assert!(
            !serde_json::to_string(&s)
                .expect("serializes")
                .contains("\"pw\"")
        );
    }

    #[test]
    fn negative_seconds_rejected() {
        let r: Result<ObsSettings, _> =
            serde_json::from_value(serde_json::json!({ "heartbeat_s": -1 }));
        assert!(r.is_err());
    }

    #[test]
    fn empty_password_means_none() {
        let s = ObsSettings {
            password: Some(String::new()),
            ..ObsSettings::default()
        };
        assert_eq!(s.effective_password(), None);
        assert!(s.same_endpoint(&ObsSettings::default()));
    }
}
