//! The socket twitch-irc talks through: Twitch over TLS, or plain TCP to `irc_addr`, wrapped so
//! that opening, closing and failing are reported to the client's [`StatusTracker`].
//!
//! twitch-irc hard-codes the server and creates sockets with `MakeConnection::new_socket()`,
//! which takes no arguments. A process-wide address would stop two clients (e.g. two daemons in
//! one test binary) from using different servers, so the per-client context is handed over
//! through the tokio task: twitch-irc calls our [`LoginCredentials::get_credentials`] and then
//! `new_socket()` in the same connection-init task, so `get_credentials` files the context
//! under the current task id and `new_socket` takes it back out. Both the TLS default and the
//! plain-TCP path are this one transport type, so they share all client code.
//!
//! The OAuth token never reaches twitch-irc (which logs every line it sends at TRACE level):
//! `new_socket` writes the `PASS` line itself, straight onto the new socket, and twitch-irc is
//! given a login without token, so it sends only `CAP REQ` and `NICK` after it.

use std::collections::HashMap;
use std::convert::Infallible;
use std::fmt;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, LazyLock, Mutex, Weak};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::TcpStream;
use twitch_irc::login::{CredentialsPair, LoginCredentials};
use twitch_irc::transport::tcp::{MakeConnection, TCPTransport, TCPTransportConnectError, TLS};

use crate::settings::Secret;
use crate::status::StatusTracker;

/// The transport every client uses.
pub(crate) type Transport = TCPTransport<Routed>;

/// Where one client's sockets go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// irc.chat.twitch.tv:6697 over TLS (twitch-irc's own TLS connector).
    Twitch,
    /// Plain TCP to `host:port`.
    Plain(String),
}

pub(crate) struct ConnectionContext {
    pub(crate) target: Target,
    /// Sent as `PASS oauth:<token>` by `new_socket`; replaced when the login's token is
    /// refreshed, so the next reconnect uses the new one.
    pub(crate) token: std::sync::RwLock<Option<Secret>>,
    pub(crate) tracker: Weak<StatusTracker>,
}

impl ConnectionContext {
    pub(crate) fn token(&self) -> Option<Secret> {
        self.token.read().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// Contexts filed by `get_credentials`, waiting for `new_socket` in the same task.
static PENDING: LazyLock<Mutex<HashMap<tokio::task::Id, Arc<ConnectionContext>>>> =
    LazyLock::new(Default::default);

fn pending() -> std::sync::MutexGuard<'static, HashMap<tokio::task::Id, Arc<ConnectionContext>>> {
    PENDING.lock().unwrap_or_else(|e| e.into_inner())
}

/// Login for twitch-irc (the nick only, see the module docs); also files the connection
/// context.
pub(crate) struct Credentials {
    pub(crate) login: String,
    pub(crate) context: Arc<ConnectionContext>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("login", &self.login)
            .field("token", &self.context.token())
            .field("target", &self.context.target)
            .finish()
    }
}

#[async_trait]
impl LoginCredentials for Credentials {
    type Error = Infallible;

    async fn get_credentials(&self) -> Result<CredentialsPair, Infallible> {
        if let Some(id) = tokio::task::try_id() {
            let mut pending = pending();
            // Entries of clients that are gone can never be claimed: prune them here.
            pending.retain(|_, ctx| ctx.tracker.strong_count() > 0);
            pending.insert(id, Arc::clone(&self.context));
        }
        Ok(CredentialsPair {
            login: self.login.clone(),
            token: None,
        })
    }
}

/// The `MakeConnection` of [`Transport`].
pub(crate) struct Routed;

#[async_trait]
impl MakeConnection for Routed {
    type Socket = TrackedSocket;

    async fn new_socket() -> Result<TrackedSocket, TCPTransportConnectError> {
        let context = tokio::task::try_id()
            .and_then(|id| pending().remove(&id))
            .ok_or_else(|| io::Error::other("twitch: no connection context for this socket"))?;
        // twitch-irc drops this future on its connect timeout: report that too.
        let mut guard = ConnectGuard {
            tracker: context.tracker.clone(),
            armed: true,
        };
        let result = match &context.target {
            Target::Twitch => TLS::new_socket().await.map(|s| Inner::Tls(Box::new(s))),
            Target::Plain(addr) => TcpStream::connect(addr.as_str())
                .await
                .map(Inner::Plain)
                .map_err(TCPTransportConnectError::from),
        };
        let result = match (result, &context.token()) {
            (Ok(mut inner), Some(token)) => {
                let pass = format!("PASS oauth:{}\r\n", token.expose());
                match inner.write_all(pass.as_bytes()).await {
                    Ok(()) => Ok(inner),
                    Err(e) => Err(e.into()),
                }
            }
            (result, _) => result,
        };
        guard.armed = false;
        let tracker = context.tracker.upgrade();
        match result {
            Ok(inner) => {
                if let Some(t) = &tracker {
                    t.socket_opened();
                }
                Ok(TrackedSocket {
                    inner,
                    tracker: context.tracker.clone(),
                    reported: false,
                    last_read: Instant::now(),
                })
            }
            Err(e) => {
                if let Some(t) = &tracker {
                    t.connect_failed(connect_error_text(&context.target, &e));
                }
                Err(e)
            }
        }
    }
}

fn connect_error_text(target: &Target, e: &TCPTransportConnectError) -> String {
    match target {
        Target::Twitch => format!("connect to irc.chat.twitch.tv:6697 failed: {e}"),
        Target::Plain(addr) => format!("connect to {addr} failed: {e}"),
    }
}

struct ConnectGuard {
    tracker: Weak<StatusTracker>,
    armed: bool,
}

impl Drop for ConnectGuard {
    fn drop(&mut self) {
        if self.armed
            && let Some(t) = self.tracker.upgrade()
        {
            t.connect_failed("connect timed out".into());
        }
    }
}

type TlsSocket = <TLS as MakeConnection>::Socket;

enum Inner {
    Tls(Box<TlsSocket>),
    Plain(TcpStream),
}

impl Inner {
    async fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self {
            Inner::Tls(s) => {
                s.write_all(bytes).await?;
                s.flush().await
            }
            Inner::Plain(s) => s.write_all(bytes).await,
        }
    }
}

/// A socket that reports its end (EOF, I/O error, or being dropped) exactly once.
pub(crate) struct TrackedSocket {
    inner: Inner,
    tracker: Weak<StatusTracker>,
    reported: bool,
    last_read: Instant,
}

/// twitch-irc pings every 30 s and closes after 5 s without PONG; a socket that is dropped
/// after this long without any data most likely went that way.
const SILENT_FOR_PING_TIMEOUT: Duration = Duration::from_secs(30);

impl TrackedSocket {
    fn report_closed(&mut self, reason: Option<String>) {
        if std::mem::replace(&mut self.reported, true) {
            return;
        }
        if let Some(t) = self.tracker.upgrade() {
            t.socket_closed(reason);
        }
    }

    fn observe<T>(&mut self, result: &Poll<io::Result<T>>) {
        if let Poll::Ready(Err(e)) = result {
            self.report_closed(Some(format!("connection error: {e}")));
        }
    }
}

impl Drop for TrackedSocket {
    fn drop(&mut self) {
        // Dropped by twitch-irc without EOF or error: our side closed it (RECONNECT command,
        // shutdown, or a ping timeout, which we recognise by the silence).
        let silent = self.last_read.elapsed();
        let reason = (silent >= SILENT_FOR_PING_TIMEOUT).then(|| {
            format!(
                "no answer from the server for {} s (ping timeout)",
                silent.as_secs()
            )
        });
        self.report_closed(reason);
    }
}

impl AsyncRead for TrackedSocket {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        let before = buf.filled().len();
        let could_read = buf.remaining() > 0;
        let result = match &mut this.inner {
            Inner::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
            Inner::Plain(s) => Pin::new(s).poll_read(cx, buf),
        };
        match &result {
            Poll::Ready(Ok(())) if could_read && buf.filled().len() == before => {
                this.report_closed(Some("the server closed the connection".into()));
            }
            Poll::Ready(Ok(())) => this.last_read = Instant::now(),
            _ => this.observe(&result),
        }
        result
    }
}

impl AsyncWrite for TrackedSocket {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        let result = match &mut this.inner {
            Inner::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
            Inner::Plain(s) => Pin::new(s).poll_write(cx, buf),
        };
        this.observe(&result);
        result
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        let result = match &mut this.inner {
            Inner::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
            Inner::Plain(s) => Pin::new(s).poll_flush(cx),
        };
        this.observe(&result);
        result
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        match &mut this.inner {
            Inner::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
            Inner::Plain(s) => Pin::new(s).poll_shutdown(cx),
        }
    }
}
