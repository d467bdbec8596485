//! What the daemon configures: channel, login, server address, reply pacing, queue bounds.

use std::fmt;
use std::time::Duration;

use serde::Deserialize;

use crate::TwitchError;

/// A secret string (the OAuth token). Its `Debug` never shows the value and it has no
/// `Display` or `Serialize`, so it cannot end up in logs, status or API responses by accident.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The raw value; call it only where the secret leaves the process (the IRC `PASS` line).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

/// Bounds on every queue the adapter owns, so a slow daemon or a chat flood costs bounded memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueLimits {
    /// Capacity of the event channel returned by [`crate::TwitchHandle::spawn`].
    pub events: usize,
    /// Raw chat messages allowed to wait inside twitch-irc (it reads the socket into an
    /// unbounded queue) while the event channel is full. Beyond this the oldest are dropped.
    pub backlog: usize,
    /// Replies waiting for their send slot; beyond this the oldest waiting reply is dropped.
    pub replies: usize,
}

impl Default for QueueLimits {
    fn default() -> Self {
        Self {
            events: 1024,
            backlog: 20_000,
            replies: 20,
        }
    }
}

/// Settings of the Twitch adapter (config keys `twitch.*`, `chat.reply_min_interval_s`).
#[derive(Debug, Clone, PartialEq)]
pub struct TwitchSettings {
    /// `false`: no connection at all; the handle reports `enabled: false`.
    pub enabled: bool,
    /// The channel to read, without `#`; normalised (trimmed, `#` stripped, lowercased).
    pub channel: String,
    /// Bot account login; only used together with `oauth_token`.
    pub username: Option<String>,
    /// `None`: anonymous read-only login (`justinfan…`); replies are refused.
    /// A leading `oauth:` is accepted and stripped.
    pub oauth_token: Option<Secret>,
    /// `None`: Twitch over TLS. `Some("host:port")`: plain TCP to that address (tests, local relays).
    pub irc_addr: Option<String>,
    /// At most one reply is sent per interval (Twitch limits bots to ~20 messages per 30 s).
    pub reply_min_interval: Duration,
    /// Queue bounds; the defaults suit a daemon.
    pub limits: QueueLimits,
}

impl Default for TwitchSettings {
    fn default() -> Self {
        Self {
            enabled: false,
            channel: String::new(),
            username: None,
            oauth_token: None,
            irc_addr: None,
            reply_min_interval: Duration::from_millis(1500),
            limits: QueueLimits::default(),
        }
    }
}

/// The login the connection will use, decided once from the settings.
#[derive(Debug, Clone)]
pub(crate) enum Login {
    Anonymous,
    User { login: String, token: Secret },
}

impl TwitchSettings {
    /// Settings for reading `channel` anonymously from Twitch.
    pub fn anonymous(channel: &str) -> Self {
        Self {
            enabled: true,
            channel: channel.to_owned(),
            ..Self::default()
        }
    }

    /// Returns the settings with `channel`, `username` and `oauth_token` normalised, or the
    /// reason they cannot work. The daemon's `check-config` can call this.
    pub fn normalized(mut self) -> Result<Self, TwitchError> {
        self.channel = normalize_login(&self.channel);
        twitch_irc::validate::validate_login(&self.channel)
            .map_err(|e| TwitchError::InvalidSettings(format!("twitch.channel: {e}")))?;
        self.username = self
            .username
            .as_deref()
            .map(normalize_login)
            .filter(|u| !u.is_empty());
        self.oauth_token = self
            .oauth_token
            .as_ref()
            .map(|t| {
                let t = t.expose().trim();
                Secret::new(t.strip_prefix("oauth:").unwrap_or(t))
            })
            .filter(|t| !t.expose().is_empty());
        if let Some(user) = &self.username {
            twitch_irc::validate::validate_login(user)
                .map_err(|e| TwitchError::InvalidSettings(format!("twitch.username: {e}")))?;
        }
        if self.oauth_token.is_some() && self.username.is_none() {
            return Err(TwitchError::InvalidSettings(
                "twitch.username is required when twitch.oauth_token is set".into(),
            ));
        }
        if let Some(addr) = &self.irc_addr {
            let addr = addr.trim();
            if addr.is_empty() {
                self.irc_addr = None;
            } else if !addr.contains(':') {
                return Err(TwitchError::InvalidSettings(format!(
                    "twitch.irc_addr must be host:port, got {addr:?}"
                )));
            } else {
                self.irc_addr = Some(addr.to_owned());
            }
        }
        if self.limits.events == 0 || self.limits.backlog == 0 || self.limits.replies == 0 {
            return Err(TwitchError::InvalidSettings(
                "queue limits must be at least 1".into(),
            ));
        }
        Ok(self)
    }

    pub(crate) fn login(&self) -> Login {
        match (&self.username, &self.oauth_token) {
            (Some(login), Some(token)) => Login::User {
                login: login.clone(),
                token: token.clone(),
            },
            _ => Login::Anonymous,
        }
    }
}

/// `"#SomeChannel "` → `"somechannel"`.
pub fn normalize_login(raw: &str) -> String {
    raw.trim().trim_start_matches('#').to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_is_redacted_in_debug() {
        let s = TwitchSettings {
            oauth_token: Some(Secret::new("oauth:abcd1234secret")),
            username: Some("Bot".into()),
            ..TwitchSettings::anonymous("#Chan")
        };
        let dbg = format!("{s:?} {:?}", s.clone().normalized().unwrap());
        assert!(!dbg.contains("abcd1234secret"), "{dbg}");
        assert!(dbg.contains("redacted"));
    }

    #[test]
    fn normalizes_channel_user_and_token() {
        let s = TwitchSettings {
            username: Some(" MyBot ".into()),
            oauth_token: Some(Secret::new("oauth:tok")),
            irc_addr: Some(" ".into()),
            ..TwitchSettings::anonymous(" #SomeChannel ")
        }
        .normalized()
        .unwrap();
        assert_eq!(s.channel, "somechannel");
        assert_eq!(s.username.as_deref(), Some("mybot"));
        assert_eq!(s.oauth_token.as_ref().map(Secret::expose), Some("tok"));
        assert_eq!(s.irc_addr, None);
        assert!(matches!(s.login(), Login::User { .. }));
    }

    #[test]
    fn rejects_bad_settings() {
        assert!(TwitchSettings::anonymous("").normalized().is_err());
        assert!(TwitchSettings::anonymous("bad chan").normalized().is_err());
        let token_without_user = TwitchSettings {
            oauth_token: Some(Secret::new("x")),
            ..TwitchSettings::anonymous("chan")
        };
        assert!(token_without_user.normalized().is_err());
        let bad_addr = TwitchSettings {
            irc_addr: Some("localhost".into()),
            ..TwitchSettings::anonymous("chan")
        };
        assert!(bad_addr.normalized().is_err());
    }

    #[test]
    fn username_without_token_is_anonymous() {
        let s = TwitchSettings {
            username: Some("bot".into()),
            ..TwitchSettings::anonymous("chan")
        }
        .normalized()
        .unwrap();
        assert!(matches!(s.login(), Login::Anonymous));
    }
}
