//! Twitch chat for stagehand, as platform-neutral events.
//!
//! [`TwitchHandle::spawn`] connects with [twitch-irc](https://docs.rs/twitch-irc) (TLS to Twitch,
//! or plain TCP to `irc_addr` for tests and local relays), joins one channel, and delivers
//! [`TwitchEvent`]s (chat, subs, gifts, raids, cheers, status) in order on a bounded channel.
//! Replies are queued and rate-limited by us because twitch-irc does not throttle sends.
//! This crate knows nothing of widgets or commands: the daemon maps events to those.
//!
//! [`auth`] logs in by the OAuth device code flow and keeps tokens fresh; [`eventsub`] reads
//! follows, channel points, hype trains (and subs, cheers, raids) over EventSub WebSocket.
//!
//! With the `fake-server` feature, `fake` provides a Twitch IRC server for tests and
//! `fake_api` the auth, Helix and EventSub servers.
//!
//! # Using it from the daemon
//!
//! ```no_run
//! # async fn demo() {
//! use stagehand_twitch::{Secret, TwitchEvent, TwitchHandle, TwitchSettings};
//! let settings = TwitchSettings {
//!     enabled: true,                                   // twitch.enabled
//!     channel: "somechannel".into(),                   // twitch.channel
//!     username: Some("mybot".into()),                  // twitch.username
//!     oauth_token: Some(Secret::new("oauth:…")),      // twitch.oauth_token
//!     irc_addr: None,                                  // twitch.irc_addr ("host:port")
//!     reply_min_interval: std::time::Duration::from_secs_f64(1.5), // chat.reply_min_interval_s
//!     ..TwitchSettings::default()
//! };
//! let (twitch, mut events) = TwitchHandle::spawn(settings);
//! while let Some(event) = events.recv().await {
//!     if let TwitchEvent::Chat(msg) = event {
//!         if msg.text.starts_with("!help") {
//!             let _ = twitch.reply(Some(&msg.message_id), &format!("@{} try !confetti", msg.user.login));
//!         }
//!     }
//! }
//! # }
//! ```
//!
//! - Read events promptly (a task of its own that hands them to the engine); a reader that
//!   falls far behind loses the oldest chat lines, see [`TwitchHandle::spawn`].
//! - `/api/status` → `twitch`: serialize [`TwitchHandle::status`].
//! - Settings changed at run time: `shutdown()` the handle and spawn a new one.
//! - The token only ever leaves the process in the `PASS` line: it is not in `Debug`, status,
//!   or any log (twitch-irc never sees it; see the `transport` module).

pub mod auth;
mod client;
mod events;
pub mod eventsub;
mod limiter;
mod mapping;
mod settings;
mod status;
mod transport;

#[cfg(feature = "fake-server")]
pub mod fake;
#[cfg(feature = "fake-server")]
pub mod fake_api;

pub use client::TwitchHandle;
pub use events::{
    ANONYMOUS_GIFTER_ID, ChatLook, ChatMessage, ChatUser, EmoteSpan, HypePhase, Roles, SubKind,
    TwitchEvent, TwitchStatus,
};
pub use limiter::MAX_REPLY_CHARS;
pub use mapping::{ConnectionSignal, chat_events, connection_signal, roles_from_tags};
pub use settings::{QueueLimits, Secret, TwitchSettings, normalize_login};

/// Errors of the public API (connection problems are reported in [`TwitchStatus::last_error`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TwitchError {
    #[error("Twitch is disabled (twitch.enabled = false)")]
    Disabled,
    #[error(
        "anonymous Twitch login is read-only; set twitch.username and twitch.oauth_token to reply"
    )]
    ReadOnly,
    #[error("reply text is empty")]
    EmptyReply,
    #[error("the Twitch adapter has shut down")]
    Closed,
    #[error("invalid Twitch settings: {0}")]
    InvalidSettings(String),
}
