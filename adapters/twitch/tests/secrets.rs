//! The OAuth token must not appear in any log line, at any level, from us or from twitch-irc.
//! Own test binary: it installs a global TRACE subscriber that captures everything.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::*;
use stagehand_twitch::fake::FakeUser;

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_never_logged() {
    let capture = Capture::default();
    let writer = capture.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();

    let mut s = connected(bot_settings).await;
    s.server.privmsg(&FakeUser::new("bob"), "hi");
    next_chat_event(&mut s.events).await;
    s.handle.reply(None, "hello").expect("queued");
    s.server.wait_for_privmsgs(1, DEADLINE).await;
    s.server.drop_connections();
    s.server.wait_for_join(CHANNEL).await;
    s.handle.shutdown().await;

    assert!(
        s.server
            .sent_lines()
            .contains(&format!("PASS oauth:{TOKEN}"))
    );
    let logs =
        String::from_utf8_lossy(&capture.0.lock().unwrap_or_else(|e| e.into_inner())).into_owned();
    assert!(
        logs.contains("> NICK stagehandbot"),
        "trace logs were captured"
    );
    assert!(!logs.contains(TOKEN), "token in logs:\n{logs}");
}
