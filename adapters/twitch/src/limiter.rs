//! Outgoing replies: a bounded queue that drops the oldest waiting reply when full, and a
//! pacer that allows one send per interval. twitch-irc does not throttle sends, and Twitch
//! silently drops (or globally rate-limits) bots that send too fast.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::Instant;

/// Twitch rejects chat messages longer than this (in characters).
pub const MAX_REPLY_CHARS: usize = 500;

/// One queued reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reply {
    pub(crate) parent_id: Option<String>,
    pub(crate) text: String,
}

/// Bounded single-consumer queue; when full the oldest entry goes (an old answer is worth
/// less than a new one), logged once per overload episode.
pub(crate) struct ReplyQueue {
    state: Mutex<QueueState>,
    notify: Notify,
    capacity: usize,
}

struct QueueState {
    items: VecDeque<Reply>,
    dropped_in_episode: u64,
}

impl ReplyQueue {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            state: Mutex::new(QueueState {
                items: VecDeque::with_capacity(capacity.min(64)),
                dropped_in_episode: 0,
            }),
            notify: Notify::new(),
            capacity: capacity.max(1),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, QueueState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn push(&self, reply: Reply) {
        {
            let mut s = self.state();
            if s.items.len() >= self.capacity {
                s.items.pop_front();
                if s.dropped_in_episode == 0 {
                    tracing::warn!(
                        capacity = self.capacity,
                        "twitch: reply queue full; dropping the oldest waiting replies"
                    );
                }
                s.dropped_in_episode += 1;
            }
            s.items.push_back(reply);
        }
        self.notify.notify_one();
    }

    /// Waits for the next reply (one consumer).
    pub(crate) async fn pop(&self) -> Reply {
        loop {
            {
                let mut s = self.state();
                if let Some(r) = s.items.pop_front() {
                    if s.items.is_empty() && s.dropped_in_episode > 0 {
                        tracing::info!(
                            dropped = s.dropped_in_episode,
                            "twitch: reply queue drained"
                        );
                        s.dropped_in_episode = 0;
                    }
                    return r;
                }
            }
            self.notify.notified().await;
        }
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.state().items.len()
    }
}

/// Allows one action per `interval`; the first is immediate.
pub(crate) struct Pacer {
    interval: Duration,
    next: Option<Instant>,
}

impl Pacer {
    pub(crate) fn new(interval: Duration) -> Self {
        Self {
            interval,
            next: None,
        }
    }

    /// Waits until the next action is allowed.
    pub(crate) async fn ready(&self) {
        if let Some(next) = self.next {
            tokio::time::sleep_until(next).await;
        }
    }

    /// Books the slot: the next action may follow `interval` from now.
    pub(crate) fn mark_sent(&mut self) {
        self.next = Some(Instant::now() + self.interval);
    }
}

/// Makes reply text safe to send: one line (CR/LF would start a new IRC command), no other
/// control characters, at most [`MAX_REPLY_CHARS`], and never a chat command (`/ban …`,
/// `.ban …`: twitch-irc's `". "` prefix turns those into plain text). `None` if nothing is left.
pub(crate) fn sanitize_reply(text: &str) -> Option<String> {
    let one_line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let trimmed = one_line.trim();
    if trimmed.is_empty() {
        return None;
    }
    let safe = if trimmed.starts_with('/') || trimmed.starts_with('.') {
        format!(". {trimmed}")
    } else {
        trimmed.to_owned()
    };
    Some(safe.chars().take(MAX_REPLY_CHARS).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(n: usize) -> Reply {
        Reply {
            parent_id: None,
            text: format!("r{n}"),
        }
    }

    #[tokio::test]
    async fn queue_drops_oldest_when_full() {
        let q = ReplyQueue::new(3);
        for n in 0..5 {
            q.push(reply(n));
        }
        assert_eq!(q.len(), 3);
        assert_eq!(q.pop().await.text, "r2");
        assert_eq!(q.pop().await.text, "r3");
        assert_eq!(q.pop().await.text, "r4");
        assert_eq!(q.len(), 0);
    }

    #[tokio::test]
    async fn pop_waits_for_push() {
        let q = std::sync::Arc::new(ReplyQueue::new(3));
        let q2 = q.clone();
        let waiter = tokio::spawn(async move { q2.pop().await });
        tokio::task::yield_now().await;
        q.push(reply(7));
        assert_eq!(waiter.await.expect("join").text, "r7");
    }

    #[tokio::test(start_paused = true)]
    async fn pacer_allows_one_per_interval() {
        let mut pacer = Pacer::new(Duration::from_millis(1500));
        let start = Instant::now();
        let mut times = Vec::new();
        for n in 0..4 {
            pacer.ready().await;
            if n == 2 {
                // A late action: the next interval counts from it, not from its slot.
                tokio::time::sleep(Duration::from_secs(5)).await;
            }
            pacer.mark_sent();
            times.push(Instant::now() - start);
        }
        assert_eq!(times[0], Duration::ZERO);
        for pair in times.windows(2) {
            assert!(
                pair[1] - pair[0] >= Duration::from_millis(1500),
                "{times:?}"
            );
        }
    }

    #[test]
    fn sanitize() {
        assert_eq!(
            sanitize_reply("hi\r\nPRIVMSG #x :evil").as_deref(),
            Some("hi  PRIVMSG #x :evil")
        );
        assert_eq!(sanitize_reply(" \n ").as_deref(), None);
        assert_eq!(sanitize_reply("/ban bob").as_deref(), Some(". /ban bob"));
        assert_eq!(sanitize_reply(".ban bob").as_deref(), Some(". .ban bob"));
        assert_eq!(
            sanitize_reply("@bob usage: !x").as_deref(),
            Some("@bob usage: !x")
        );
        assert_eq!(
            sanitize_reply(&"é".repeat(600)).map(|s| s.chars().count()),
            Some(MAX_REPLY_CHARS)
        );
    }
}
