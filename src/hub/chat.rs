//! Chat lines on their way to on-stream chat boxes: the wire shapes, and the short history
//! the hub keeps so a (re)loaded overlay starts with recent chat.

use serde::Serialize;
use std::collections::VecDeque;

/// Lines the hub remembers for snapshots (more than any chat box shows).
pub const HISTORY: usize = 50;

/// One chat line as overlays get it. `text` is shown as text, never markup; emotes are
/// positions in it (Unicode scalar values, inclusive).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChatLine {
    pub id: String,
    pub user_id: String,
    pub login: String,
    pub name: String,
    /// `#RRGGBB`, or absent when the user never picked one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    pub badges: Vec<String>,
    pub text: String,
    /// Twitch's own spans, as the adapter parsed them from the `emotes` tag.
    pub emotes: Vec<stagehand_twitch::EmoteSpan>,
    /// Starts with the chat prefix: chat boxes may hide commands.
    pub command: bool,
    /// Sent with `/me`.
    pub action: bool,
    pub ts: u64,
}

/// What changed in chat since the last frame.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ChatBatch {
    pub lines: Vec<ChatLine>,
    /// Message ids a moderator deleted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub deleted: Vec<String>,
    /// Users timed out or banned: their lines go.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cleared_users: Vec<String>,
    /// The whole chat was cleared (before `lines`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub cleared_all: bool,
}

impl ChatBatch {
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
            && self.deleted.is_empty()
            && self.cleared_users.is_empty()
            && !self.cleared_all
    }
}

/// Applies a batch to the remembered lines, the same way overlays apply it.
pub fn apply(history: &mut VecDeque<ChatLine>, batch: &ChatBatch) {
    if batch.cleared_all {
        history.clear();
    }
    history.retain(|l| !batch.deleted.contains(&l.id) && !batch.cleared_users.contains(&l.user_id));
    for line in &batch.lines {
        if history.len() == HISTORY {
            history.pop_front();
        }
        history.push_back(line.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(id: &str, user: &str) -> ChatLine {
        ChatLine {
            id: id.into(),
            user_id: user.into(),
            login: user.into(),
            name: user.into(),
            color: None,
            badges: vec![],
            text: "hi".into(),
            emotes: vec![],
            command: false,
            action: false,
            ts: 0,
        }
    }

    #[test]
    fn history_is_capped_and_moderation_removes_lines() {
        let mut h = VecDeque::new();
        let lines = (0..60)
            .map(|i| line(&i.to_string(), if i % 2 == 0 { "a" } else { "b" }))
            .collect();
        apply(
            &mut h,
            &ChatBatch {
                lines,
                ..Default::default()
            },
        );
        assert_eq!(h.len(), HISTORY);
        assert_eq!(h.front().unwrap().id, "10");
        apply(
            &mut h,
            &ChatBatch {
                deleted: vec!["11".into()],
                cleared_users: vec!["a".into()],
                ..Default::default()
            },
        );
        assert_eq!(h.len(), 24);
        assert!(h.iter().all(|l| l.user_id == "b" && l.id != "11"));
        apply(
            &mut h,
            &ChatBatch {
                cleared_all: true,
                lines: vec![line("new", "c")],
                ..Default::default()
            },
        );
        assert_eq!(h.iter().map(|l| l.id.as_str()).collect::<Vec<_>>(), ["new"]);
    }
}
