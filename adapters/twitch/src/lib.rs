//! stagehand-twitch adapter.
