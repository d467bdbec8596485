//! The keys the admin UI may edit, with their types. Everything else (storage, timeouts,
//! logging) stays in the config file: changing it live would buy nothing or break a running
//! daemon.

use super::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Bool,
    /// A TCP port, 1–65535.
    Port,
    /// A short string (trimmed).
    Text,
    /// Write-only text: never returned, never logged.
    Secret,
    /// A number of seconds, 0 or more.
    Seconds,
    /// One of these strings.
    Choice(&'static [&'static str]),
}

#[derive(Clone, Copy, Debug)]
pub struct Key {
    pub key: &'static str,
    pub kind: Kind,
    /// Takes effect only after a restart (the listener and the guard read it once).
    pub restart: bool,
}

const fn key(key: &'static str, kind: Kind) -> Key {
    Key {
        key,
        kind,
        restart: false,
    }
}

pub const KEYS: &[Key] = &[
    key("obs.enabled", Kind::Bool),
    key("obs.host", Kind::Text),
    key("obs.port", Kind::Port),
    key("obs.password", Kind::Secret),
    key(
        "obs.on_connect",
        Kind::Choice(&["follow_obs", "apply_dashboard"]),
    ),
    key("twitch.enabled", Kind::Bool),
    key("twitch.channel", Kind::Text),
    key("twitch.username", Kind::Text),
    key("twitch.oauth_token", Kind::Secret),
    key("twitch.client_id", Kind::Text),
    key("chat.prefix", Kind::Text),
    key("chat.reply_min_interval_s", Kind::Seconds),
    Key {
        key: "server.bind",
        kind: Kind::Text,
        restart: true,
    },
    Key {
        key: "server.admin_token",
        kind: Kind::Secret,
        restart: true,
    },
];

/// Longest text value accepted (hosts, channels, tokens).
const MAX_TEXT: usize = 512;

pub fn find(key: &str) -> Option<&'static Key> {
    KEYS.iter().find(|k| k.key == key)
}

impl Key {
    pub fn secret(&self) -> bool {
        self.kind == Kind::Secret
    }

    /// Checks a value sent by the API against the key's type; the message names no value
    /// (it may be a secret).
    pub fn check(&self, v: &serde_json::Value) -> Result<Value, String> {
        use serde_json::Value as J;
        let ok = match (self.kind, v) {
            (Kind::Bool, J::Bool(_)) => v.clone(),
            (Kind::Port, J::Number(n)) => match n.as_u64() {
                Some(p @ 1..=65_535) => J::from(p),
                _ => return Err("must be a port number between 1 and 65535".into()),
            },
            (Kind::Seconds, J::Number(n)) => match n.as_f64() {
                Some(s) if s.is_finite() && (0.0..=86_400.0).contains(&s) => J::from(s),
                _ => return Err("must be a number of seconds between 0 and 86400".into()),
            },
            (Kind::Text | Kind::Secret, J::String(s)) => {
                let s = if self.secret() { s.as_str() } else { s.trim() };
                if s.len() > MAX_TEXT {
                    return Err(format!("must be at most {MAX_TEXT} characters"));
                }
                if s.chars().any(char::is_control) {
                    return Err("must not contain control characters".into());
                }
                J::String(s.to_string())
            }
            (Kind::Choice(options), J::String(s)) if options.contains(&s.as_str()) => v.clone(),
            (Kind::Choice(options), _) => {
                return Err(format!("must be one of {}", options.join(", ")));
            }
            (Kind::Bool, _) => return Err("must be true or false".into()),
            (Kind::Port, _) => return Err("must be a port number".into()),
            (Kind::Seconds, _) => return Err("must be a number of seconds".into()),
            (Kind::Text | Kind::Secret, _) => return Err("must be a string".into()),
        };
        Ok(Value::new(ok))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_are_checked_by_type() {
        let port = find("obs.port").unwrap();
        assert_eq!(port.check(&json!(4456)).unwrap().json(), &json!(4456));
        assert!(port.check(&json!(0)).is_err());
        assert!(port.check(&json!("4455")).is_err());
        let host = find("obs.host").unwrap();
        assert_eq!(host.check(&json!(" obs.lan ")).unwrap().json(), "obs.lan");
        assert!(host.check(&json!("a\nb")).is_err());
        let on = find("obs.on_connect").unwrap();
        assert!(on.check(&json!("apply_dashboard")).is_ok());
        assert!(on.check(&json!("sometimes")).is_err());
        let pw = find("obs.password").unwrap();
        let err = pw.check(&json!(5)).unwrap_err();
        assert!(!err.contains('5'));
        // Secrets keep their spaces (a password may start with one).
        assert_eq!(pw.check(&json!(" pw")).unwrap().json(), " pw");
        assert!(find("storage.data_dir").is_none());
    }
}
