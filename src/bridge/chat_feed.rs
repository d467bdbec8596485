//! Chat lines for on-stream chat boxes: an ephemeral, capped path beside the engine.
//!
//! Why not through the engine: a chat line is not state anyone needs back after a restart,
//! and a flood (1,000 lines/s) must never turn into engine work or redb writes. The Twitch
//! bridge hands every line here (cheap: a push into a bounded buffer); every `FLUSH` the
//! newest `MAX_BATCH` go out as one `chat` frame, so overlays get at most 10 chat frames a
//! second whatever chat does, and a chat box never has more to draw than it shows.

use crate::hub::Hub;
use crate::hub::chat::{ChatBatch, ChatLine};
use stagehand_twitch::ChatMessage;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;

const FLUSH: Duration = Duration::from_millis(100);
/// Lines per frame at most; in a flood the oldest of a tick are dropped (nobody could read
/// them anyway: a chat box shows the newest few).
const MAX_BATCH: usize = 30;

#[derive(Default)]
pub struct ChatFeed {
    pending: Mutex<ChatBatch>,
    /// Lines dropped in floods (never shown: newer ones replaced them).
    dropped: std::sync::atomic::AtomicU64,
}

impl ChatFeed {
    /// A line from chat; `prefix` marks commands.
    pub fn push(&self, msg: &ChatMessage, prefix: &str) {
        let line = ChatLine {
            id: msg.message_id.clone(),
            user_id: msg.user.id.clone(),
            login: msg.user.login.clone(),
            name: msg.user.display_name.clone(),
            color: msg.look.color.clone(),
            badges: msg.look.badges.clone(),
            text: msg.text.clone(),
            emotes: msg.look.emotes.clone(),
            command: msg.text.starts_with(prefix),
            action: msg.is_action,
            ts: crate::model::now_ms(),
        };
        let mut p = self.lock();
        if p.lines.len() == MAX_BATCH {
            p.lines.remove(0);
            self.dropped
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        p.lines.push(line);
    }

    /// A moderator deleted a line.
    pub fn delete(&self, message_id: &str) {
        let mut p = self.lock();
        p.lines.retain(|l| l.id != message_id);
        p.deleted.push(message_id.to_owned());
    }

    /// A timeout/ban (`Some(user id)`) or `/clear` (`None`).
    pub fn clear(&self, user_id: Option<&str>) {
        let mut p = self.lock();
        match user_id {
            Some(u) => {
                p.lines.retain(|l| l.user_id != u);
                p.cleared_users.push(u.to_owned());
            }
            None => {
                *p = ChatBatch {
                    cleared_all: true,
                    ..ChatBatch::default()
                };
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ChatBatch> {
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn take(&self) -> ChatBatch {
        std::mem::take(&mut *self.lock())
    }

    /// Flushes to the hub every `FLUSH` until shutdown.
    pub async fn run(self: Arc<Self>, hub: Arc<Hub>, mut shutdown: watch::Receiver<bool>) {
        let mut tick = tokio::time::interval(FLUSH);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = shutdown.changed() => break,
                _ = tick.tick() => hub.publish_chat(&self.take()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use stagehand_twitch::{ChatLook, ChatUser};

    fn ids(b: &ChatBatch) -> Vec<&str> {
        b.lines.iter().map(|l| l.id.as_str()).collect()
    }

    fn msg(id: &str, user: &str, text: &str) -> ChatMessage {
        ChatMessage {
            user: ChatUser {
                id: user.into(),
                login: user.into(),
                display_name: user.into(),
                roles: Default::default(),
            },
            text: text.into(),
            message_id: id.into(),
            bits: None,
            is_action: false,
            look: ChatLook::default(),
        }
    }

    #[test]
    fn a_flood_keeps_the_newest_lines_of_each_tick() {
        let feed = ChatFeed::default();
        for i in 0..1000 {
            feed.push(&msg(&i.to_string(), "spam", "spam"), "!");
        }
        let b = feed.take();
        assert_eq!(b.lines.len(), MAX_BATCH);
        assert_eq!(ids(&b).first(), Some(&"970"));
        assert_eq!(feed.dropped.load(std::sync::atomic::Ordering::Relaxed), 970);
        assert!(feed.take().is_empty());
    }

    #[test]
    fn commands_are_marked_and_moderation_goes_along() {
        let feed = ChatFeed::default();
        feed.push(&msg("1", "a", "!confetti"), "!");
        feed.push(&msg("2", "b", "hello"), "!");
        feed.push(&msg("3", "c", "bad"), "!");
        feed.delete("3");
        feed.clear(Some("b"));
        let b = feed.take();
        assert_eq!(ids(&b), ["1"]);
        assert!(b.lines[0].command);
        assert_eq!(b.deleted, ["3"]);
        assert_eq!(b.cleared_users, ["b"]);
        feed.push(&msg("4", "a", "x"), "!");
        feed.clear(None);
        let b = feed.take();
        assert!(b.cleared_all && b.lines.is_empty());
    }
}
