//! The running connection: [`TwitchHandle`] and the tasks behind it.
//!
//! Two tasks per handle. The *forwarder* reads twitch-irc's message stream, updates the
//! status and turns chat into [`TwitchEvent`]s on a bounded channel. The *sender* (only with a
//! login) takes replies from a bounded queue and sends one per `reply_min_interval`.
//! twitch-irc itself reconnects and rejoins the channel.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use twitch_irc::message::{IRCMessage, IRCTags, ServerMessage};
use twitch_irc::{ClientConfig, TwitchIRCClient};

use crate::TwitchError;
use crate::events::{TwitchEvent, TwitchStatus};
use crate::limiter::{Pacer, Reply, ReplyQueue, sanitize_reply};
use crate::mapping::{ConnectionSignal, chat_events, connection_signal};
use crate::settings::{Login, QueueLimits, TwitchSettings};
use crate::status::StatusTracker;
use crate::transport::{ConnectionContext, Credentials, Target, Transport};

type Client = TwitchIRCClient<Transport, Credentials>;

/// Time between connection attempts (twitch-irc's `new_connection_every`, 2 s by default).
/// Twitch allows 20 logins per 10 s, so 1 s is safe and halves the recovery time.
const RECONNECT_EVERY: Duration = Duration::from_secs(1);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How often a forwarder blocked on a full event channel checks twitch-irc's backlog.
const BACKLOG_CHECK_EVERY: Duration = Duration::from_millis(100);

/// Handle to the Twitch connection. Cheap to clone; the connection closes when
/// [`TwitchHandle::shutdown`] is called or the last clone is dropped.
#[derive(Clone)]
pub struct TwitchHandle {
    inner: Arc<Inner>,
}

struct Inner {
    tracker: Arc<StatusTracker>,
    /// `Err`: why replies are refused (disabled, anonymous, invalid settings).
    replies: Result<Arc<ReplyQueue>, TwitchError>,
    shutdown_tx: watch::Sender<bool>,
    tasks: Mutex<Vec<JoinHandle<()>>>,
    /// The login's token lives here (`None`: not connecting).
    context: Option<Arc<ConnectionContext>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.shutdown_tx.send_replace(true);
    }
}

impl std::fmt::Debug for TwitchHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TwitchHandle")
            .field("status", &self.status())
            .finish_non_exhaustive()
    }
}

impl TwitchHandle {
    /// Starts the connection (must be called inside a tokio runtime) and returns the handle and
    /// the event stream.
    ///
    /// Events come in order on a channel of `settings.limits.events`. A slow reader slows the
    /// forwarder (backpressure); twitch-irc keeps reading the socket meanwhile, and once more than
    /// `limits.backlog` messages wait there the oldest chat messages are dropped (logged, and
    /// counted in [`TwitchStatus::dropped_events`]), so memory stays bounded.
    ///
    /// Disabled or invalid settings give a handle that never connects (the reason is in
    /// `status().last_error`) and a receiver that yields `None` at once. If the receiver is
    /// dropped, the connection stays up for replies and status.
    pub fn spawn(settings: TwitchSettings) -> (TwitchHandle, mpsc::Receiver<TwitchEvent>) {
        let (shutdown_tx, shutdown_rx) = watch::channel(false);
        let enabled = settings.enabled;
        let channel = crate::settings::normalize_login(&settings.channel);
        let settings = if enabled {
            settings.normalized()
        } else {
            Err(TwitchError::Disabled)
        };
        let settings = match settings {
            Ok(s) => s,
            Err(e) => {
                let status = TwitchStatus {
                    enabled,
                    channel,
                    last_error: enabled.then(|| e.to_string()),
                    ..TwitchStatus::default()
                };
                if enabled {
                    tracing::error!(error = %e, "twitch: not starting");
                }
                let (_, rx) = mpsc::channel(1);
                let handle = TwitchHandle {
                    inner: Arc::new(Inner {
                        tracker: Arc::new(StatusTracker::new(status)),
                        replies: Err(e),
                        shutdown_tx,
                        tasks: Mutex::new(Vec::new()),
                        context: None,
                    }),
                };
                return (handle, rx);
            }
        };
        Self::start(settings, shutdown_tx, shutdown_rx)
    }

    fn start(
        settings: TwitchSettings,
        shutdown_tx: watch::Sender<bool>,
        shutdown_rx: watch::Receiver<bool>,
    ) -> (TwitchHandle, mpsc::Receiver<TwitchEvent>) {
        let channel = settings.channel.clone();
        let tracker = Arc::new(StatusTracker::new(TwitchStatus {
            enabled: true,
            channel: channel.clone(),
            ..TwitchStatus::default()
        }));
        let target = match &settings.irc_addr {
            Some(addr) => Target::Plain(addr.clone()),
            None => Target::Twitch,
        };
        let (login, token) = match settings.login() {
            Login::Anonymous => (anonymous_login(), None),
            Login::User { login, token } => (login, Some(token)),
        };
        let read_only = token.is_none();
        tracing::info!(
            channel = %channel,
            server = ?target,
            login = %login,
            "twitch: connecting"
        );
        let context = Arc::new(ConnectionContext {
            target,
            token: std::sync::RwLock::new(token),
            tracker: Arc::downgrade(&tracker),
        });
        let credentials = Credentials {
            login: login.clone(),
            context: Arc::clone(&context),
        };
        let mut config = ClientConfig::new_simple(credentials);
        config.new_connection_every = RECONNECT_EVERY;
        config.connect_timeout = CONNECT_TIMEOUT;
        // Keep everything on one connection: with these values the pool never considers a
        // connection busy, so it never opens a second one for sends (our pacer throttles).
        config.time_per_message = Duration::ZERO;
        config.max_waiting_messages_per_connection = 1000;
        config.tracing_identifier = Some("twitch".into());
        let (irc_rx, client) = Client::new(config);
        // Validated in `normalized()`, so this cannot fail; the fallback keeps it non-fatal.
        if let Err(e) = client.join(channel.clone()) {
            tracker.set_error(format!("join failed: {e}"));
        }

        let (events_tx, events_rx) = mpsc::channel(settings.limits.events);
        let mut tasks = Vec::new();
        let replies = if read_only {
            Err(TwitchError::ReadOnly)
        } else {
            let queue = Arc::new(ReplyQueue::new(settings.limits.replies));
            tasks.push(tokio::spawn(run_sender(
                client.clone(),
                Arc::clone(&queue),
                channel.clone(),
                settings.reply_min_interval,
                shutdown_rx.clone(),
            )));
            Ok(queue)
        };
        let forwarder = Forwarder {
            irc_rx,
            events_tx: Some(events_tx),
            status_rx: tracker.subscribe(),
            last_emitted: tracker.current(),
            tracker: Arc::clone(&tracker),
            shutdown_rx,
            limits: settings.limits.clone(),
            our_login: login,
            channel,
            overloaded: false,
            dropped_in_episode: 0,
        };
        tasks.push(tokio::spawn(forwarder.run(client)));

        let handle = TwitchHandle {
            inner: Arc::new(Inner {
                tracker,
                replies,
                shutdown_tx,
                tasks: Mutex::new(tasks),
                context: Some(context),
            }),
        };
        (handle, events_rx)
    }

    /// Current connection state.
    pub fn status(&self) -> TwitchStatus {
        self.inner.tracker.current()
    }

    /// Connection state as a watch (for `/api/status` and health checks).
    pub fn subscribe_status(&self) -> watch::Receiver<TwitchStatus> {
        self.inner.tracker.subscribe()
    }

    /// Queues a chat reply in the channel, as a threaded reply when `reply_to_message_id` is
    /// given (a [`crate::ChatMessage::message_id`]). Returns at once; replies go out at most one
    /// per `reply_min_interval`, and when more than `limits.replies` wait, the oldest waiting
    /// one is dropped. The text is made single-line, at most 500 characters, and never a chat
    /// command. Errors: [`TwitchError::ReadOnly`] with an anonymous login,
    /// [`TwitchError::EmptyReply`], or the reason the adapter is not running.
    pub fn reply(&self, reply_to_message_id: Option<&str>, text: &str) -> Result<(), TwitchError> {
        let queue = self.inner.replies.as_ref().map_err(Clone::clone)?;
        if *self.inner.shutdown_tx.borrow() {
            return Err(TwitchError::Closed);
        }
        let text = sanitize_reply(text).ok_or(TwitchError::EmptyReply)?;
        let parent_id = reply_to_message_id
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .map(str::to_owned);
        queue.push(Reply { parent_id, text });
        Ok(())
    }

    /// Replaces the login's token (it was refreshed): the open connection stays, the next
    /// reconnect logs in with the new token. Ignored for anonymous and disabled handles.
    pub fn set_token(&self, token: crate::Secret) {
        if let Some(ctx) = &self.inner.context {
            let mut t = ctx.token.write().unwrap_or_else(|e| e.into_inner());
            if t.is_some() {
                *t = Some(token);
            }
        }
    }

    /// Closes the connection and waits for the adapter's tasks to end. Other clones of the handle
    /// then refuse replies with [`TwitchError::Closed`].
    pub async fn shutdown(self) {
        self.inner.tracker.shut_down();
        self.inner.shutdown_tx.send_replace(true);
        let tasks =
            std::mem::take(&mut *self.inner.tasks.lock().unwrap_or_else(|e| e.into_inner()));
        for task in tasks {
            if tokio::time::timeout(Duration::from_secs(5), task)
                .await
                .is_err()
            {
                tracing::warn!("twitch: a task did not stop within 5 s");
            }
        }
        tracing::info!("twitch: shut down");
    }
}

/// Twitch accepts any `justinfan<digits>` login without a password, read-only.
fn anonymous_login() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(12345);
    format!("justinfan{}", 10_000 + nanos % 90_000)
}

struct Forwarder {
    irc_rx: mpsc::UnboundedReceiver<ServerMessage>,
    /// `None` once the daemon dropped the receiver (status and replies keep working).
    events_tx: Option<mpsc::Sender<TwitchEvent>>,
    status_rx: watch::Receiver<TwitchStatus>,
    last_emitted: TwitchStatus,
    tracker: Arc<StatusTracker>,
    shutdown_rx: watch::Receiver<bool>,
    limits: QueueLimits,
    our_login: String,
    channel: String,
    overloaded: bool,
    dropped_in_episode: u64,
}

/// Returned when the adapter is shutting down.
struct Stop;

impl Forwarder {
    /// Holds `client` so the connection lives as long as this task.
    async fn run(mut self, client: Client) {
        let mut shutdown_rx = self.shutdown_rx.clone();
        loop {
            let step = tokio::select! {
                biased;
                () = stopped(&mut shutdown_rx) => break,
                changed = self.status_rx.changed() => match changed {
                    Ok(()) => self.status_changed().await,
                    Err(_) => break,
                },
                msg = self.irc_rx.recv() => match msg {
                    Some(msg) => self.handle(msg).await,
                    None => break,
                },
            };
            if step.is_err() {
                break;
            }
        }
        drop(client);
    }

    /// Emits every state change since the last call, in order.
    async fn status_changed(&mut self) -> Result<(), Stop> {
        self.status_rx.borrow_and_update();
        for status in self.tracker.take_history() {
            if status.same_state(&self.last_emitted) {
                continue;
            }
            self.last_emitted = status.clone();
            self.deliver(TwitchEvent::Status(status)).await?;
        }
        Ok(())
    }

    async fn handle(&mut self, msg: ServerMessage) -> Result<(), Stop> {
        // A reader that is slow but never stalls long enough for `deliver`'s check.
        self.trim_backlog();
        let source = msg.source();
        self.apply_signal(source);
        for event in chat_events(source) {
            self.deliver(event).await?;
        }
        Ok(())
    }

    fn apply_signal(&self, msg: &IRCMessage) {
        match connection_signal(msg, &self.our_login, &self.channel) {
            Some(ConnectionSignal::Joined) => self.tracker.joined(),
            Some(ConnectionSignal::Parted) => self.tracker.parted(),
            Some(ConnectionSignal::Error(e)) => {
                tracing::warn!(error = %e, "twitch: server refused");
                self.tracker.set_error(e);
            }
            None => {}
        }
    }

    /// Sends one event, waiting for room; while waiting, keeps twitch-irc's backlog bounded.
    async fn deliver(&mut self, event: TwitchEvent) -> Result<(), Stop> {
        let Some(tx) = self.events_tx.clone() else {
            return Ok(());
        };
        let mut stop = self.shutdown_rx.clone();
        loop {
            let permit = tokio::select! {
                biased;
                () = stopped(&mut stop) => return Err(Stop),
                permit = tokio::time::timeout(BACKLOG_CHECK_EVERY, tx.reserve()) => permit,
            };
            match permit {
                Ok(Ok(permit)) => {
                    permit.send(event);
                    self.note_recovery();
                    return Ok(());
                }
                Ok(Err(_)) => {
                    tracing::info!("twitch: event receiver dropped; events are discarded");
                    self.events_tx = None;
                    return Ok(());
                }
                Err(_) => self.trim_backlog(),
            }
        }
    }

    /// Drops the oldest waiting messages once more than `limits.backlog` wait (down to 3/4 of
    /// it, so this does not run for every message). Their connection signals still apply.
    fn trim_backlog(&mut self) {
        let limit = self.limits.backlog;
        if self.irc_rx.len() <= limit {
            return;
        }
        let keep = limit - limit / 4;
        let mut dropped = 0;
        while self.irc_rx.len() > keep {
            let Ok(msg) = self.irc_rx.try_recv() else {
                break;
            };
            let source = msg.source();
            self.apply_signal(source);
            if matches!(source.command.as_str(), "PRIVMSG" | "USERNOTICE") {
                dropped += 1;
            }
        }
        if !self.overloaded {
            self.overloaded = true;
            tracing::warn!(
                backlog = limit,
                "twitch: events are not read fast enough; dropping the oldest chat messages"
            );
        }
        self.dropped_in_episode += dropped;
        self.tracker.add_dropped(dropped);
    }

    fn note_recovery(&mut self) {
        if self.overloaded && self.irc_rx.len() < self.limits.backlog / 2 {
            tracing::info!(
                dropped = self.dropped_in_episode,
                "twitch: event reader caught up"
            );
            self.overloaded = false;
            self.dropped_in_episode = 0;
        }
    }
}

/// Resolves once shutdown was requested (or every handle is gone).
async fn stopped(rx: &mut watch::Receiver<bool>) {
    let _ = rx.wait_for(|stop| *stop).await;
}

async fn run_sender(
    client: Client,
    queue: Arc<ReplyQueue>,
    channel: String,
    interval: Duration,
    mut shutdown_rx: watch::Receiver<bool>,
) {
    let mut pacer = Pacer::new(interval);
    loop {
        // Wait for the slot first, then take the newest-surviving reply: a reply never waits
        // outside the queue, where dropping the oldest could not reach it.
        tokio::select! {
            () = stopped(&mut shutdown_rx) => break,
            () = pacer.ready() => {}
        }
        let reply = tokio::select! {
            () = stopped(&mut shutdown_rx) => break,
            reply = queue.pop() => reply,
        };
        pacer.mark_sent();
        let mut tags = IRCTags::new();
        if let Some(parent) = reply.parent_id {
            tags.0.insert("reply-parent-msg-id".to_owned(), parent);
        }
        let message = IRCMessage::new(
            tags,
            None,
            "PRIVMSG".to_owned(),
            vec![format!("#{channel}"), reply.text],
        );
        let sent = tokio::select! {
            () = stopped(&mut shutdown_rx) => break,
            sent = client.send_message(message) => sent,
        };
        match sent {
            Ok(()) => tracing::debug!("twitch: reply sent"),
            Err(e) => tracing::warn!(error = %e, "twitch: reply not sent"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forwarder(
        limits: QueueLimits,
    ) -> (
        Forwarder,
        mpsc::UnboundedSender<ServerMessage>,
        mpsc::Receiver<TwitchEvent>,
        Arc<StatusTracker>,
        watch::Sender<bool>,
    ) {
        let (irc_tx, irc_rx) = mpsc::unbounded_channel();
        let (events_tx, events_rx) = mpsc::channel(limits.events);
        let (shutdown_tx, shutdown_rx) = watch::channel(false);
        let tracker = Arc::new(StatusTracker::new(TwitchStatus::default()));
        let f = Forwarder {
            irc_rx,
            events_tx: Some(events_tx),
            status_rx: tracker.subscribe(),
            last_emitted: tracker.current(),
            tracker: Arc::clone(&tracker),
            shutdown_rx,
            limits,
            our_login: "justinfan1".into(),
            channel: "chan".into(),
            overloaded: false,
            dropped_in_episode: 0,
        };
        (f, irc_tx, events_rx, tracker, shutdown_tx)
    }

    fn privmsg(i: usize) -> ServerMessage {
        let line = format!(
            "@badge-info=;badges=;color=;display-name=bob;emotes=;id=m{i};room-id=1;tmi-sent-ts=1;user-id=2 :bob!bob@bob.tmi.twitch.tv PRIVMSG #chan :{i}"
        );
        let irc = IRCMessage::parse(&line).expect("parses");
        ServerMessage::try_from(irc).expect("server message")
    }

    /// The backlog is bounded even when the reader never stalls long enough for `deliver`'s
    /// timeout: every message handled checks it.
    #[tokio::test]
    async fn backlog_is_trimmed_for_a_slow_reader() {
        let limits = QueueLimits {
            events: 4,
            backlog: 100,
            replies: 1,
        };
        let (mut f, irc_tx, mut events, tracker, shutdown) = forwarder(limits);
        for i in 0..1000 {
            irc_tx.send(privmsg(i)).expect("send");
        }
        drop(irc_tx);
        let reader = tokio::spawn(async move {
            let mut got = Vec::new();
            while let Some(ev) = events.recv().await {
                if let TwitchEvent::Chat(c) = ev {
                    got.push(c.text.parse::<usize>().expect("index"));
                }
            }
            got
        });
        while let Some(msg) = f.irc_rx.recv().await {
            if f.handle(msg).await.is_err() {
                break;
            }
        }
        drop(f);
        let got = reader.await.expect("reader");
        let dropped = tracker.current().dropped_events;
        assert!(dropped >= 900 - 100, "dropped {dropped}");
        assert_eq!(got.len() as u64 + dropped, 1000);
        assert!(got.windows(2).all(|w| w[0] < w[1]), "in order");
        assert_eq!(got.last(), Some(&999), "the newest survive");
        drop(shutdown);
    }
}
