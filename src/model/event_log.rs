//! The event log: every platform event (follow, sub, gift, raid, cheer, donation, …) with
//! when, who and how much, append-only in redb. The event list and leaderboard widgets are
//! fed from the same events; `GET /api/events` reads it back (JSON or CSV). Old entries
//! leave by the `events.retention_days` setting.

use super::{EventKind, Id};
use serde::{Deserialize, Serialize};

/// Where an event came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventSource {
    /// Twitch chat (IRC USERNOTICE, bits in PRIVMSG).
    TwitchChat,
    /// Twitch EventSub (logged in as the broadcaster).
    EventSub,
    /// `POST /api/events`: another tool (a tip page's webhook relay) or typed in by hand.
    Api,
}

/// An event as it arrives, before the engine gives it an id and a time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NewEvent {
    pub kind: EventKind,
    /// Display name.
    pub user: String,
    /// Login (lowercase), empty when the platform gives none (an anonymous gift, a hype train).
    #[serde(default)]
    pub login: String,
    /// Bits, gifted subs, raid viewers, months, points, donation amount, hype train level.
    #[serde(default)]
    pub amount: f64,
    /// Donations: ISO 4217 code (`USD`); empty otherwise.
    #[serde(default)]
    pub currency: String,
    /// The viewer's message (resub, cheer, donation, reward input).
    #[serde(default)]
    pub message: String,
    /// Sub tier (`1`–`3`, `prime`), a redemption's reward title.
    #[serde(default)]
    pub detail: String,
    pub source: EventSource,
}

/// One entry of the log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LoggedEvent {
    /// Increasing in arrival order (the key in redb, so newest-first reads are a reverse scan).
    #[schema(value_type = u64)]
    pub id: Id,
    /// Unix milliseconds.
    pub at_ms: u64,
    #[serde(flatten)]
    pub event: NewEvent,
}

/// Longest name, message and detail kept (a hostile client cannot grow the log by megabytes).
pub const MAX_USER: usize = 64;
pub const MAX_MESSAGE: usize = 500;
pub const MAX_DETAIL: usize = 100;

impl NewEvent {
    /// Texts capped, control characters dropped, amounts finite and not negative.
    pub fn cleaned(mut self) -> NewEvent {
        fn cap(s: &str, max: usize) -> String {
            s.chars().filter(|c| !c.is_control()).take(max).collect()
        }
        self.user = cap(self.user.trim(), MAX_USER);
        self.login = cap(self.login.trim(), MAX_USER).to_lowercase();
        self.message = cap(&self.message, MAX_MESSAGE);
        self.detail = cap(&self.detail, MAX_DETAIL);
        self.currency = cap(self.currency.trim(), 3).to_uppercase();
        if !self.amount.is_finite() || self.amount < 0.0 {
            self.amount = 0.0;
        }
        self
    }

    /// Who, for leaderboards: the login, else the display name lowercased.
    pub fn who(&self) -> String {
        if self.login.is_empty() {
            self.user.to_lowercase()
        } else {
            self.login.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleaning_caps_and_sanitises() {
        let e = NewEvent {
            kind: EventKind::Donation,
            user: format!("  {}\u{7}", "x".repeat(100)),
            login: " PixelQueen ".into(),
            amount: f64::NAN,
            currency: "usd".into(),
            message: "m".repeat(2000),
            detail: String::new(),
            source: EventSource::Api,
        }
        .cleaned();
        assert_eq!(e.user.chars().count(), MAX_USER);
        assert_eq!(e.login, "pixelqueen");
        assert_eq!(e.amount, 0.0);
        assert_eq!(e.currency, "USD");
        assert_eq!(e.message.len(), MAX_MESSAGE);
        assert_eq!(e.who(), "pixelqueen");
    }
}
