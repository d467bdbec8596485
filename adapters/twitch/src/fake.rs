//! A fake Twitch IRC server for tests (feature `fake-server`): Twitch is not reachable from tests.
//!
//! It speaks real IRC with Twitch tags on 127.0.0.1 (plain TCP): it acknowledges
//! `CAP REQ`, welcomes `PASS`/`NICK` with the 001–004/375/372/376 lines, answers `JOIN` with
//! the JOIN echo, NAMES and ROOMSTATE, answers `PING` with `PONG` (twitch-irc drops a
//! connection 5 s after an unanswered PING), and records every line clients send. Tests push
//! chat lines, USERNOTICEs (sub, resub, gifts, raid), raw lines and floods to every joined
//! connection, and can drop all connections to test reconnects.
//!
//! ```no_run
//! # async fn demo() {
//! use stagehand_twitch::fake::{FakeTwitchServer, FakeUser};
//! let server = FakeTwitchServer::start().await;
//! // point TwitchSettings::irc_addr at server.addr().to_string(), spawn the handle, then:
//! server.wait_for_join("chan").await;
//! let id = server.privmsg(&FakeUser::new("mod").badges(&["moderator/1"]), "!confetti");
//! let reply = server.wait_for_privmsgs(1, std::time::Duration::from_secs(10)).await;
//! # }
//! ```

use std::collections::HashMap;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use twitch_irc::message::IRCMessage;

/// How long the `wait_for_*` helpers without a timeout argument wait before panicking.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(30);

/// The community gift id of the fake's gift bombs.
const BOMB_ID: &str = "4242";

/// The `room-id` tag the fake puts on channel messages.
pub const ROOM_ID: &str = "1";

/// A chat user as the fake server presents it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FakeUser<'a> {
    pub login: &'a str,
    pub display_name: &'a str,
    pub id: &'a str,
    /// Badges with versions, e.g. `&["moderator/1", "subscriber/12"]`.
    pub badges: &'a [&'a str],
}

impl<'a> FakeUser<'a> {
    /// A viewer without badges; display name = login, id derived from the login.
    pub fn new(login: &'a str) -> Self {
        Self {
            login,
            display_name: login,
            id: "",
            badges: &[],
        }
    }

    pub fn badges(mut self, badges: &'a [&'a str]) -> Self {
        self.badges = badges;
        self
    }

    pub fn display_name(mut self, name: &'a str) -> Self {
        self.display_name = name;
        self
    }

    pub fn id(mut self, id: &'a str) -> Self {
        self.id = id;
        self
    }

    fn user_id(&self) -> String {
        if self.id.is_empty() {
            // Stable, numeric, distinct per login.
            let h = self.login.bytes().fold(1_469_598_103_u64, |h, b| {
                h.wrapping_mul(31).wrapping_add(b.into())
            });
            (100_000 + h % 900_000_000).to_string()
        } else {
            self.id.to_owned()
        }
    }

    fn has_badge(&self, name: &str) -> bool {
        self.badges
            .iter()
            .any(|b| b.split('/').next() == Some(name))
    }
}

/// A PRIVMSG a client sent, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentPrivmsg {
    /// Without `#`.
    pub channel: String,
    pub text: String,
    /// The `reply-parent-msg-id` tag, if the client replied to a message.
    pub reply_parent: Option<String>,
    /// The raw line.
    pub line: String,
}

/// The fake server. Dropping it closes the listener and every connection.
pub struct FakeTwitchServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept_task: JoinHandle<()>,
}

struct Shared {
    state: Mutex<State>,
    /// Bumped on every change, so waiters re-check their condition.
    version: watch::Sender<u64>,
    msg_counter: AtomicU64,
    seed: u64,
}

#[derive(Default)]
struct State {
    lines: Vec<String>,
    conns: Vec<Conn>,
    next_conn_id: u64,
    total_connections: u64,
    reject_login: bool,
}

struct Conn {
    id: u64,
    out: mpsc::UnboundedSender<String>,
    nick: Option<String>,
    authenticated: bool,
    channels: Vec<String>,
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for FakeTwitchServer {
    fn drop(&mut self) {
        self.accept_task.abort();
        self.drop_connections();
    }
}

impl FakeTwitchServer {
    /// Binds 127.0.0.1 on a free port and starts accepting.
    pub async fn start() -> FakeTwitchServer {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("fake twitch: bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("fake twitch: local addr");
        let seed = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            version: watch::Sender::new(0),
            msg_counter: AtomicU64::new(0),
            seed,
        });
        let accept_task = tokio::spawn(accept_loop(listener, Arc::clone(&shared)));
        FakeTwitchServer {
            addr,
            shared,
            accept_task,
        }
    }

    /// The address to put in `TwitchSettings::irc_addr` (as `addr().to_string()`).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    // ----- observing the client -----

    /// Every line clients sent so far (all connections, in arrival order, without CRLF).
    pub fn sent_lines(&self) -> Vec<String> {
        self.shared.state().lines.clone()
    }

    /// Every PRIVMSG clients sent so far.
    pub fn sent_privmsgs(&self) -> Vec<SentPrivmsg> {
        self.shared
            .state()
            .lines
            .iter()
            .filter_map(|l| parse_privmsg(l))
            .collect()
    }

    /// The first line (already received or still to come) matching `pred`, or `None` after
    /// `timeout`.
    pub async fn wait_for_line(
        &self,
        pred: impl Fn(&str) -> bool,
        timeout: Duration,
    ) -> Option<String> {
        self.wait_until(timeout, |s| s.lines.iter().find(|l| pred(l)).cloned())
            .await
    }

    /// Waits until clients sent at least `count` PRIVMSGs; returns all of them (fewer on
    /// timeout).
    pub async fn wait_for_privmsgs(&self, count: usize, timeout: Duration) -> Vec<SentPrivmsg> {
        let found = self
            .wait_until(timeout, |s| {
                let msgs: Vec<_> = s.lines.iter().filter_map(|l| parse_privmsg(l)).collect();
                (msgs.len() >= count).then_some(msgs)
            })
            .await;
        found.unwrap_or_else(|| self.sent_privmsgs())
    }

    /// Waits until a live connection has joined `channel` (with or without `#`); panics after
    /// [`DEFAULT_WAIT`]. After [`Self::drop_connections`] this waits for a *new* join.
    pub async fn wait_for_join(&self, channel: &str) {
        let channel = channel.trim_start_matches('#').to_lowercase();
        let joined = self
            .wait_until(DEFAULT_WAIT, |s| {
                s.conns
                    .iter()
                    .any(|c| c.channels.contains(&channel))
                    .then_some(())
            })
            .await;
        if joined.is_none() {
            panic!(
                "fake twitch: no JOIN #{channel} within {DEFAULT_WAIT:?}; lines received: {:?}",
                self.sent_lines()
            );
        }
    }

    /// Connections open right now.
    pub fn connection_count(&self) -> usize {
        self.shared.state().conns.len()
    }

    /// Connections accepted since start.
    pub fn total_connections(&self) -> u64 {
        self.shared.state().total_connections
    }

    async fn wait_until<T>(
        &self,
        timeout: Duration,
        mut check: impl FnMut(&State) -> Option<T>,
    ) -> Option<T> {
        let mut version = self.shared.version.subscribe();
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            version.borrow_and_update();
            if let Some(found) = check(&self.shared.state()) {
                return Some(found);
            }
            match tokio::time::timeout_at(deadline, version.changed()).await {
                Ok(Ok(())) => {}
                _ => return check(&self.shared.state()),
            }
        }
    }

    // ----- behaviour -----

    /// When set, logins with a password get `NOTICE * :Login authentication failed` and are
    /// disconnected, as Twitch does for a bad token.
    pub fn set_reject_login(&self, reject: bool) {
        self.shared.state().reject_login = reject;
    }

    /// Closes every connection (clients see EOF). Returns how many were open.
    pub fn drop_connections(&self) -> usize {
        let conns = std::mem::take(&mut self.shared.state().conns);
        let n = conns.len();
        for conn in conns {
            for task in conn.tasks {
                task.abort();
            }
        }
        self.shared.bump();
        n
    }

    /// Sends `RECONNECT`, which Twitch sends before a server restart.
    pub fn send_reconnect(&self) {
        self.send_to_all(|_| ":tmi.twitch.tv RECONNECT".to_owned());
    }

    /// Sends a `PING` (clients must answer with `PONG`).
    pub fn server_ping(&self) {
        self.send_to_all(|_| "PING :tmi.twitch.tv".to_owned());
    }

    // ----- chat lines to joined connections -----

    /// Writes `line` (without CRLF) to every connection as is.
    pub fn send_raw(&self, line: &str) {
        let line = line.to_owned();
        self.send_to_all(move |_| line.clone());
    }

    /// Writes many raw lines to every connection in one write (flood tests).
    pub fn send_raw_lines<I, S>(&self, lines: I)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut chunk = String::new();
        for line in lines {
            chunk.push_str(line.as_ref());
            chunk.push_str("\r\n");
        }
        let conns: Vec<_> = self
            .shared
            .state()
            .conns
            .iter()
            .map(|c| c.out.clone())
            .collect();
        for out in conns {
            let _ = out.send(chunk.clone());
        }
    }

    /// A chat line from `user` in every joined channel; returns the message id.
    pub fn privmsg(&self, user: &FakeUser<'_>, text: &str) -> String {
        self.privmsg_tagged(user, None, text)
    }

    /// A chat line with extra tags (e.g. `("emotes", "25:0-4")`, `("color", "#1E90FF")`, which
    /// replace the defaults); returns the message id.
    pub fn privmsg_with_tags(
        &self,
        user: &FakeUser<'_>,
        tags: &[(&str, &str)],
        text: &str,
    ) -> String {
        let id = self.next_msg_id();
        self.send_to_channels(|chan| {
            let line = privmsg_line(user, None, &id, chan, text);
            with_tags(&line, tags)
        });
        id
    }

    /// A moderator deletes one line (`CLEARMSG`).
    pub fn clearmsg(&self, message_id: &str) {
        self.send_to_channels(|chan| {
            format!("@login=someone;room-id={ROOM_ID};target-msg-id={message_id};tmi-sent-ts={} :tmi.twitch.tv CLEARMSG #{chan} :deleted", now_millis())
        });
    }

    /// A timeout or ban of `user_id` (`CLEARCHAT` with a target), or the whole chat cleared.
    pub fn clearchat(&self, user_id: Option<&str>) {
        self.send_to_channels(|chan| match user_id {
            Some(u) => format!("@ban-duration=600;room-id={ROOM_ID};target-user-id={u};tmi-sent-ts={} :tmi.twitch.tv CLEARCHAT #{chan} :someone", now_millis()),
            None => format!("@room-id={ROOM_ID};tmi-sent-ts={} :tmi.twitch.tv CLEARCHAT #{chan}", now_millis()),
        });
    }

    /// A chat line with a `bits` tag (a cheer); returns the message id.
    pub fn privmsg_with_bits(&self, user: &FakeUser<'_>, bits: u64, text: &str) -> String {
        self.privmsg_tagged(user, Some(bits), text)
    }

    /// `count` chat lines from `user` (text from `text(i)`), written in one go per connection
    /// (far more than 10,000 lines/s). Returns the message ids in order.
    pub fn privmsg_flood(
        &self,
        user: &FakeUser<'_>,
        count: usize,
        text: impl Fn(usize) -> String,
    ) -> Vec<String> {
        let channels = self.joined_channels();
        let mut ids = Vec::with_capacity(count);
        let mut per_conn: Vec<(mpsc::UnboundedSender<String>, String)> = channels
            .iter()
            .map(|(out, _)| (out.clone(), String::with_capacity(count * 300)))
            .collect();
        for i in 0..count {
            let id = self.next_msg_id();
            let text = text(i);
            for ((_, chans), (_, chunk)) in channels.iter().zip(per_conn.iter_mut()) {
                for chan in chans {
                    chunk.push_str(&privmsg_line(user, None, &id, chan, &text));
                    chunk.push_str("\r\n");
                }
            }
            ids.push(id);
        }
        for (out, chunk) in per_conn {
            let _ = out.send(chunk);
        }
        ids
    }

    /// A new subscription (`msg-id=sub`, 1 month). `tier`: "1000", "2000", "3000" or "Prime".
    pub fn sub(&self, user: &FakeUser<'_>, tier: &str) -> String {
        self.usernotice(
            user,
            "sub",
            &[
                ("msg-param-cumulative-months", "1".into()),
                ("msg-param-months", "0".into()),
                ("msg-param-should-share-streak", "0".into()),
                ("msg-param-sub-plan", tier.into()),
                ("msg-param-sub-plan-name", "Channel Subscription".into()),
            ],
            &format!("{} subscribed at {}.", user.display_name, tier_text(tier)),
            None,
        )
    }

    /// A resubscription with `months` cumulative months and an optional shared message.
    pub fn resub(
        &self,
        user: &FakeUser<'_>,
        tier: &str,
        months: u64,
        message: Option<&str>,
    ) -> String {
        self.usernotice(
            user,
            "resub",
            &[
                ("msg-param-cumulative-months", months.to_string()),
                ("msg-param-months", "0".into()),
                ("msg-param-should-share-streak", "0".into()),
                ("msg-param-sub-plan", tier.into()),
                ("msg-param-sub-plan-name", "Channel Subscription".into()),
            ],
            &format!(
                "{} subscribed at {}. They've subscribed for {months} months!",
                user.display_name,
                tier_text(tier)
            ),
            message,
        )
    }

    /// `gifter` gifts one sub to `recipient_login`.
    pub fn subgift(&self, gifter: &FakeUser<'_>, recipient_login: &str, tier: &str) -> String {
        self.gift(gifter, "subgift", recipient_login, tier, None)
    }

    /// One of the single gifts that follow a [`Self::submysterygift`] (same community gift id).
    pub fn subgift_of_bomb(
        &self,
        gifter: &FakeUser<'_>,
        recipient_login: &str,
        tier: &str,
    ) -> String {
        self.gift(gifter, "subgift", recipient_login, tier, Some(BOMB_ID))
    }

    /// An anonymous gift of one sub to `recipient_login` (`msg-id=anonsubgift`).
    pub fn anonsubgift(&self, recipient_login: &str, tier: &str) -> String {
        let anon = FakeUser {
            login: "ananonymousgifter",
            display_name: "AnAnonymousGifter",
            id: crate::events::ANONYMOUS_GIFTER_ID,
            badges: &[],
        };
        self.gift(&anon, "anonsubgift", recipient_login, tier, None)
    }

    /// A mass gift announcement (`submysterygift`) of `count` subs. Real Twitch follows it with
    /// `count` single `subgift`s; send those with [`Self::subgift`] if the test needs them.
    pub fn submysterygift(&self, gifter: &FakeUser<'_>, count: u64, tier: &str) -> String {
        self.usernotice(
            gifter,
            "submysterygift",
            &[
                ("msg-param-mass-gift-count", count.to_string()),
                ("msg-param-sender-count", count.to_string()),
                ("msg-param-sub-plan", tier.into()),
                ("msg-param-community-gift-id", BOMB_ID.into()),
            ],
            &format!(
                "{} is gifting {count} {} Subs to the community!",
                gifter.display_name,
                tier_text(tier)
            ),
            None,
        )
    }

    /// A raid from `from` with `viewers` viewers.
    pub fn raid(&self, from: &FakeUser<'_>, viewers: u64) -> String {
        self.usernotice(
            from,
            "raid",
            &[
                ("msg-param-displayName", from.display_name.into()),
                ("msg-param-login", from.login.into()),
                ("msg-param-viewerCount", viewers.to_string()),
                (
                    "msg-param-profileImageURL",
                    "https://static-cdn.jtvnw.net/jtv_user_pictures/x-70x70.png".into(),
                ),
            ],
            &format!("{viewers} raiders from {} have joined!", from.display_name),
            None,
        )
    }

    fn gift(
        &self,
        gifter: &FakeUser<'_>,
        msg_id: &str,
        recipient_login: &str,
        tier: &str,
        community: Option<&str>,
    ) -> String {
        let recipient = FakeUser::new(recipient_login);
        let mut params = vec![
            ("msg-param-months", "1".to_string()),
            ("msg-param-gift-months", "1".into()),
            ("msg-param-recipient-display-name", recipient_login.into()),
            ("msg-param-recipient-id", recipient.user_id()),
            ("msg-param-recipient-user-name", recipient_login.into()),
            ("msg-param-sub-plan", tier.into()),
            ("msg-param-sub-plan-name", "Channel Subscription".into()),
        ];
        if let Some(c) = community {
            params.push(("msg-param-community-gift-id", c.into()));
        }
        self.usernotice(
            gifter,
            msg_id,
            &params,
            &format!(
                "{} gifted a {} sub to {recipient_login}!",
                gifter.display_name,
                tier_text(tier)
            ),
            None,
        )
    }

    fn privmsg_tagged(&self, user: &FakeUser<'_>, bits: Option<u64>, text: &str) -> String {
        let id = self.next_msg_id();
        self.send_to_channels(|chan| privmsg_line(user, bits, &id, chan, text));
        id
    }

    fn usernotice(
        &self,
        user: &FakeUser<'_>,
        msg_id: &str,
        params: &[(&str, String)],
        system_msg: &str,
        message: Option<&str>,
    ) -> String {
        let id = self.next_msg_id();
        let uid = user.user_id();
        self.send_to_channels(|chan| {
            let mut tags = user_tags(user, &uid);
            tags.push(("id", id.clone()));
            tags.push(("login", user.login.to_owned()));
            tags.push(("msg-id", msg_id.to_owned()));
            tags.extend(params.iter().map(|(k, v)| (*k, v.clone())));
            tags.push(("system-msg", system_msg.to_owned()));
            tags.sort_by(|a, b| a.0.cmp(b.0));
            let mut line = format!("{} :tmi.twitch.tv USERNOTICE #{chan}", format_tags(&tags));
            if let Some(m) = message {
                let _ = write!(line, " :{}", one_line(m));
            }
            line
        });
        id
    }

    fn next_msg_id(&self) -> String {
        let n = self.shared.msg_counter.fetch_add(1, Ordering::Relaxed);
        let s = self.shared.seed;
        format!(
            "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
            (s >> 32) as u32,
            (s >> 16) as u16,
            (s & 0xfff) as u16,
            (n >> 48) & 0xfff,
            n & 0xffff_ffff_ffff
        )
    }

    /// (writer, joined channels) of every connection that joined something.
    fn joined_channels(&self) -> Vec<(mpsc::UnboundedSender<String>, Vec<String>)> {
        self.shared
            .state()
            .conns
            .iter()
            .filter(|c| !c.channels.is_empty())
            .map(|c| (c.out.clone(), c.channels.clone()))
            .collect()
    }

    fn send_to_channels(&self, line: impl Fn(&str) -> String) {
        for (out, chans) in self.joined_channels() {
            for chan in chans {
                let _ = out.send(format!("{}\r\n", line(&chan)));
            }
        }
    }

    fn send_to_all(&self, line: impl Fn(&Conn) -> String) {
        let state = self.shared.state();
        for conn in &state.conns {
            let _ = conn.out.send(format!("{}\r\n", line(conn)));
        }
    }
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn bump(&self) {
        self.version.send_modify(|v| *v = v.wrapping_add(1));
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            // e.g. out of file descriptors: don't spin.
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        let (out_tx, out_rx) = mpsc::unbounded_channel();
        let mut state = shared.state();
        let id = state.next_conn_id;
        state.next_conn_id += 1;
        state.total_connections += 1;
        let (read, write) = stream.into_split();
        let writer = tokio::spawn(write_loop(write, out_rx));
        let reader = tokio::spawn(read_loop(read, id, out_tx.clone(), Arc::clone(&shared)));
        state.conns.push(Conn {
            id,
            out: out_tx,
            nick: None,
            authenticated: false,
            channels: Vec::new(),
            tasks: vec![reader, writer],
        });
        drop(state);
        shared.bump();
    }
}

async fn write_loop(
    mut write: tokio::net::tcp::OwnedWriteHalf,
    mut rx: mpsc::UnboundedReceiver<String>,
) {
    while let Some(chunk) = rx.recv().await {
        if write.write_all(chunk.as_bytes()).await.is_err() {
            break;
        }
    }
}

async fn read_loop(
    read: tokio::net::tcp::OwnedReadHalf,
    id: u64,
    out: mpsc::UnboundedSender<String>,
    shared: Arc<Shared>,
) {
    let mut lines = BufReader::new(read).lines();
    let mut pass: Option<String> = None;
    while let Ok(Some(line)) = lines.next_line().await {
        let line = line.trim_end_matches('\r').to_owned();
        if line.is_empty() {
            continue;
        }
        shared.state().lines.push(line.clone());
        let reply = |l: String| {
            let _ = out.send(format!("{l}\r\n"));
        };
        if let Ok(msg) = IRCMessage::parse(&line) {
            match msg.command.as_str() {
                "CAP" if msg.params.first().map(String::as_str) == Some("REQ") => {
                    let caps = msg.params.get(1).cloned().unwrap_or_default();
                    reply(format!(":tmi.twitch.tv CAP * ACK :{caps}"));
                }
                "PASS" => pass = msg.params.first().cloned(),
                "NICK" => {
                    let nick = msg
                        .params
                        .first()
                        .cloned()
                        .unwrap_or_default()
                        .to_lowercase();
                    let reject = shared.state().reject_login;
                    if pass.is_some() && reject {
                        reply(":tmi.twitch.tv NOTICE * :Login authentication failed".into());
                        // Let the writer flush, then close like Twitch does.
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        close_conn(&shared, id);
                        return;
                    }
                    for l in welcome_lines(&nick, pass.is_some()) {
                        reply(l);
                    }
                    let mut state = shared.state();
                    if let Some(c) = state.conns.iter_mut().find(|c| c.id == id) {
                        c.nick = Some(nick);
                        c.authenticated = pass.is_some();
                    }
                }
                "JOIN" => {
                    let (nick, authenticated) = {
                        let state = shared.state();
                        state
                            .conns
                            .iter()
                            .find(|c| c.id == id)
                            .map(|c| (c.nick.clone().unwrap_or_default(), c.authenticated))
                            .unwrap_or_default()
                    };
                    let targets = msg.params.first().cloned().unwrap_or_default();
                    for chan in targets.split(',').filter_map(|c| c.strip_prefix('#')) {
                        let chan = chan.to_lowercase();
                        for l in join_lines(&nick, &chan, authenticated) {
                            reply(l);
                        }
                        let mut state = shared.state();
                        if let Some(c) = state.conns.iter_mut().find(|c| c.id == id)
                            && !c.channels.contains(&chan)
                        {
                            c.channels.push(chan);
                        }
                    }
                }
                "PART" => {
                    let targets = msg.params.first().cloned().unwrap_or_default();
                    let mut state = shared.state();
                    if let Some(c) = state.conns.iter_mut().find(|c| c.id == id) {
                        let nick = c.nick.clone().unwrap_or_default();
                        for chan in targets.split(',').filter_map(|c| c.strip_prefix('#')) {
                            c.channels.retain(|x| x != chan);
                            reply(format!(":{nick}!{nick}@{nick}.tmi.twitch.tv PART #{chan}"));
                        }
                    }
                }
                "PING" => {
                    let arg = msg
                        .params
                        .first()
                        .cloned()
                        .unwrap_or_else(|| "tmi.twitch.tv".into());
                    reply(format!(":tmi.twitch.tv PONG tmi.twitch.tv :{arg}"));
                }
                _ => {}
            }
        }
        shared.bump();
    }
    close_conn(&shared, id);
}

/// Forgets a connection and stops its tasks (which closes the socket).
fn close_conn(shared: &Shared, id: u64) {
    let conn = {
        let mut state = shared.state();
        state
            .conns
            .iter()
            .position(|c| c.id == id)
            .map(|pos| state.conns.remove(pos))
    };
    if let Some(conn) = conn {
        // The reader may be the current task: abort the writer first, ours last.
        for task in conn.tasks.into_iter().rev() {
            task.abort();
        }
    }
    shared.bump();
}

fn welcome_lines(nick: &str, authenticated: bool) -> Vec<String> {
    let mut lines = vec![
        format!(":tmi.twitch.tv 001 {nick} :Welcome, GLHF!"),
        format!(":tmi.twitch.tv 002 {nick} :Your host is tmi.twitch.tv"),
        format!(":tmi.twitch.tv 003 {nick} :This server is rather new"),
        format!(":tmi.twitch.tv 004 {nick} :-"),
        format!(":tmi.twitch.tv 375 {nick} :-"),
        format!(":tmi.twitch.tv 372 {nick} :You are in a maze of twisty passages, all alike."),
        format!(":tmi.twitch.tv 376 {nick} :>"),
    ];
    if authenticated {
        lines.push(format!(
            "@badge-info=;badges=;color=;display-name={nick};emote-sets=0;user-id=100;user-type= :tmi.twitch.tv GLOBALUSERSTATE"
        ));
    }
    lines
}

fn join_lines(nick: &str, chan: &str, authenticated: bool) -> Vec<String> {
    let mut lines = vec![
        format!(":{nick}!{nick}@{nick}.tmi.twitch.tv JOIN #{chan}"),
        format!(":{nick}.tmi.twitch.tv 353 {nick} = #{chan} :{nick}"),
        format!(":{nick}.tmi.twitch.tv 366 {nick} #{chan} :End of /NAMES list"),
    ];
    if authenticated {
        lines.push(format!(
            "@badge-info=;badges=;color=;display-name={nick};emote-sets=0;mod=0;subscriber=0;user-type= :tmi.twitch.tv USERSTATE #{chan}"
        ));
    }
    lines.push(format!(
        "@emote-only=0;followers-only=-1;r9k=0;room-id={ROOM_ID};slow=0;subs-only=0 :tmi.twitch.tv ROOMSTATE #{chan}"
    ));
    lines
}

fn user_tags(user: &FakeUser<'_>, uid: &str) -> Vec<(&'static str, String)> {
    let is_mod = user.has_badge("moderator");
    let is_sub = user.has_badge("subscriber") || user.has_badge("founder");
    let mut tags = vec![
        ("badge-info", String::new()),
        ("badges", user.badges.join(",")),
        ("color", "#FF0000".to_owned()),
        ("display-name", user.display_name.to_owned()),
        ("emotes", String::new()),
        ("flags", String::new()),
        ("mod", if is_mod { "1" } else { "0" }.to_owned()),
        ("room-id", ROOM_ID.to_owned()),
        ("subscriber", if is_sub { "1" } else { "0" }.to_owned()),
        ("tmi-sent-ts", now_millis().to_string()),
        ("user-id", uid.to_owned()),
        ("user-type", if is_mod { "mod" } else { "" }.to_owned()),
    ];
    if user.has_badge("vip") {
        tags.push(("vip", "1".to_owned()));
    }
    tags
}

/// `line` with `tags` set (replacing tags of the same name).
fn with_tags(line: &str, extra: &[(&str, &str)]) -> String {
    let Some((head, rest)) = line.split_once(' ') else {
        return line.to_owned();
    };
    let mut tags: Vec<(String, String)> = head
        .trim_start_matches('@')
        .split(';')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    for (k, v) in extra {
        tags.retain(|(name, _)| name != k);
        tags.push(((*k).to_owned(), escape_tag_value(v)));
    }
    tags.sort();
    let head = tags
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(";");
    format!("@{head} {rest}")
}

fn privmsg_line(
    user: &FakeUser<'_>,
    bits: Option<u64>,
    id: &str,
    chan: &str,
    text: &str,
) -> String {
    let uid = user.user_id();
    let mut tags = user_tags(user, &uid);
    tags.push(("first-msg", "0".to_owned()));
    tags.push(("id", id.to_owned()));
    tags.push(("returning-chatter", "0".to_owned()));
    tags.push(("turbo", "0".to_owned()));
    if let Some(bits) = bits {
        tags.push(("bits", bits.to_string()));
    }
    tags.sort_by(|a, b| a.0.cmp(b.0));
    let login = user.login;
    format!(
        "{} :{login}!{login}@{login}.tmi.twitch.tv PRIVMSG #{chan} :{}",
        format_tags(&tags),
        one_line(text)
    )
}

fn format_tags(tags: &[(&str, String)]) -> String {
    let mut out = String::from("@");
    for (i, (k, v)) in tags.iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        out.push_str(k);
        out.push('=');
        out.push_str(&escape_tag_value(v));
    }
    out
}

/// IRCv3 tag value escaping: `;` → `\:`, space → `\s`, `\` → `\\`, CR → `\r`, LF → `\n`.
pub fn escape_tag_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            ';' => out.push_str("\\:"),
            ' ' => out.push_str("\\s"),
            '\\' => out.push_str("\\\\"),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// Chat text cannot hold line breaks (they would end the IRC line).
fn one_line(text: &str) -> String {
    text.replace(['\r', '\n'], " ")
}

fn tier_text(tier: &str) -> &str {
    match tier {
        "2000" => "Tier 2",
        "3000" => "Tier 3",
        "Prime" => "Prime",
        _ => "Tier 1",
    }
}

fn now_millis() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0)
}

fn parse_privmsg(line: &str) -> Option<SentPrivmsg> {
    let msg = IRCMessage::parse(line).ok()?;
    if msg.command != "PRIVMSG" {
        return None;
    }
    let tags: &HashMap<String, String> = &msg.tags.0;
    Some(SentPrivmsg {
        channel: msg.params.first()?.trim_start_matches('#').to_owned(),
        text: msg.params.get(1).cloned().unwrap_or_default(),
        reply_parent: tags.get("reply-parent-msg-id").cloned(),
        line: line.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_tag_values() {
        assert_eq!(escape_tag_value("a b;c\\d\r\n"), "a\\sb\\:c\\\\d\\r\\n");
    }

    #[test]
    fn privmsg_line_parses_back() {
        let user = FakeUser::new("mod")
            .display_name("Mod Name")
            .id("42")
            .badges(&["moderator/1"]);
        let line = privmsg_line(&user, Some(5), "id-1", "chan", "hello world");
        let msg = IRCMessage::parse(&line).expect("parses");
        assert_eq!(msg.tags.0["display-name"], "Mod Name");
        assert_eq!(msg.tags.0["mod"], "1");
        assert_eq!(msg.tags.0["bits"], "5");
        assert_eq!(
            msg.params,
            vec!["#chan".to_owned(), "hello world".to_owned()]
        );
        // twitch-irc's typed parser accepts it too.
        let typed = twitch_irc::message::ServerMessage::try_from(msg).expect("typed");
        assert!(matches!(
            typed,
            twitch_irc::message::ServerMessage::Privmsg(_)
        ));
    }

    #[test]
    fn parses_sent_privmsg() {
        let p = parse_privmsg("@reply-parent-msg-id=abc PRIVMSG #chan :@bob usage: !x")
            .expect("privmsg");
        assert_eq!(p.channel, "chan");
        assert_eq!(p.text, "@bob usage: !x");
        assert_eq!(p.reply_parent.as_deref(), Some("abc"));
        assert!(parse_privmsg("JOIN #chan").is_none());
    }
}
