//! The accept loop, in place of `axum::serve`, because a daemon that runs for hours on a
//! streamer's PC (and maybe on the LAN) must not be starved of connections:
//!
//! - a request head must arrive within `header_timeout` (also the longest wait for the next
//!   request on a kept-alive connection), and a connection with no request in flight that
//!   sends nothing for `idle_timeout` is closed;
//! - at most `max_connections` sockets are open, below the open-file limit so redb, OBS,
//!   Twitch and media files keep their descriptors; when full, the connection idle the
//!   longest is closed to make room, so the API and the overlay keep answering however many
//!   idle connections pile up;
//! - a closed connection lingers briefly, reading what the client still sends (e.g. the rest
//!   of a body we refused with 413), so the client reads our answer instead of a reset;
//! - accept errors (EMFILE) are logged once a minute, not in a loop.

use axum::Router;
use axum::extract::Request;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::collections::BTreeMap;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, Semaphore, watch};
use tower::ServiceExt;

#[derive(Clone, Debug)]
pub struct Limits {
    pub header_timeout: Duration,
    pub idle_timeout: Duration,
    pub max_connections: usize,
}

/// Lingering closes at once; past that a socket is simply closed.
const MAX_LINGERING: usize = 64;
const LINGER_FOR: Duration = Duration::from_secs(2);
const LINGER_MAX_BYTES: usize = 32 * 1024 * 1024;

/// Descriptors kept free for everything that is not a client connection.
pub const FD_RESERVE: u64 = 128;

/// One open client socket, as the registry sees it.
struct Conn {
    /// Milliseconds since `Registry::epoch` of the last byte read or written.
    activity_ms: AtomicU64,
    /// Requests whose response head is not written yet.
    in_flight: AtomicU32,
    /// Upgraded to a WebSocket: never idle, never evicted (its session has its own limits).
    upgraded: AtomicBool,
    /// Already told to close (not picked again while it goes).
    closing: AtomicBool,
    close: Notify,
}

#[derive(Default)]
struct Conns {
    next_id: u64,
    open: BTreeMap<u64, Arc<Conn>>,
}

struct Registry {
    epoch: Instant,
    conns: Mutex<Conns>,
    /// Open count, so shutdown can wait for zero.
    count: watch::Sender<usize>,
    lingering: Arc<Semaphore>,
    /// Last time (ms since epoch, +1) the "connections piling up" condition was logged.
    warned_ms: AtomicU64,
}

impl Registry {
    fn now_ms(&self) -> u64 {
        self.epoch.elapsed().as_millis() as u64
    }

    fn insert(self: &Arc<Self>) -> Tracked {
        let conn = Arc::new(Conn {
            activity_ms: AtomicU64::new(self.now_ms()),
            in_flight: AtomicU32::new(0),
            upgraded: AtomicBool::new(false),
            closing: AtomicBool::new(false),
            close: Notify::new(),
        });
        let mut conns = self.lock();
        let id = conns.next_id;
        conns.next_id += 1;
        conns.open.insert(id, conn.clone());
        self.count.send_replace(conns.open.len());
        crate::metrics::METRICS
            .open_connections
            .set(conns.open.len() as i64);
        Tracked {
            stream: None,
            id,
            conn,
            registry: self.clone(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Conns> {
        // A poisoned lock only means another task panicked mid-update of plain data.
        self.conns.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn remove(&self, id: u64) {
        let mut conns = self.lock();
        conns.open.remove(&id);
        self.count.send_replace(conns.open.len());
        crate::metrics::METRICS
            .open_connections
            .set(conns.open.len() as i64);
    }

    /// Open connections not already on their way out.
    fn len(&self) -> usize {
        let conns = self.lock();
        conns
            .open
            .values()
            .filter(|c| !c.closing.load(Relaxed))
            .count()
    }

    /// Closes the connection that has been idle the longest. False when none is idle.
    fn evict_one(&self) -> bool {
        let conns = self.lock();
        let victim = conns
            .open
            .values()
            .filter(|c| c.is_idle())
            .min_by_key(|c| c.activity_ms.load(Relaxed));
        match victim {
            Some(c) => {
                c.shut();
                true
            }
            None => false,
        }
    }

    /// Closes every idle connection silent for longer than `idle`.
    fn reap(&self, idle: Duration) {
        let now = self.now_ms();
        let idle = idle.as_millis() as u64;
        for c in self.lock().open.values() {
            if c.is_idle() && now.saturating_sub(c.activity_ms.load(Relaxed)) >= idle {
                c.shut();
            }
        }
    }

    /// Logs `msg` at most once a minute.
    fn warn_limited(&self, msg: &str, detail: &dyn std::fmt::Display) {
        let now = self.now_ms() + 1;
        let last = self.warned_ms.load(Relaxed);
        if last == 0 || now.saturating_sub(last) >= 60_000 {
            self.warned_ms.store(now, Relaxed);
            tracing::warn!(open = self.len(), detail = %detail, "{msg} (logged once a minute)");
        }
    }
}

impl Conn {
    fn is_idle(&self) -> bool {
        self.in_flight.load(Relaxed) == 0
            && !self.upgraded.load(Relaxed)
            && !self.closing.load(Relaxed)
    }

    fn shut(&self) {
        self.closing.store(true, Relaxed);
        self.close.notify_one();
    }
}

/// A client socket that reports its activity and leaves the registry when it is closed,
/// also after a WebSocket upgrade (hyper hands this very stream to the upgraded session).
struct Tracked {
    stream: Option<TcpStream>,
    id: u64,
    conn: Arc<Conn>,
    registry: Arc<Registry>,
}

impl Tracked {
    fn touch(&self) {
        self.conn.activity_ms.store(self.registry.now_ms(), Relaxed);
    }

    fn stream(&mut self) -> io::Result<&mut TcpStream> {
        self.stream
            .as_mut()
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotConnected))
    }
}

impl AsyncRead for Tracked {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let stream = match self.stream() {
            Ok(s) => s,
            Err(e) => return Poll::Ready(Err(e)),
        };
        let r = Pin::new(stream).poll_read(cx, buf);
        if matches!(r, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.touch();
        }
        r
    }
}

impl AsyncWrite for Tracked {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let stream = match self.stream() {
            Ok(s) => s,
            Err(e) => return Poll::Ready(Err(e)),
        };
        let r = Pin::new(stream).poll_write(cx, buf);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.touch();
        }
        r
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.stream() {
            Ok(s) => Pin::new(s).poll_flush(cx),
            Err(e) => Poll::Ready(Err(e)),
        }
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.stream() {
            Ok(s) => Pin::new(s).poll_shutdown(cx),
            Err(e) => Poll::Ready(Err(e)),
        }
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        self.registry.remove(self.id);
        let Some(stream) = self.stream.take() else {
            return;
        };
        if self.conn.upgraded.load(Relaxed) {
            return;
        }
        // Closing with unread input makes the kernel send a reset, which can destroy our
        // response (a 413) before the client read it: read and discard for a moment first.
        if let Ok(permit) = self.registry.lingering.clone().try_acquire_owned()
            && let Ok(rt) = tokio::runtime::Handle::try_current()
        {
            rt.spawn(async move {
                linger(stream).await;
                drop(permit);
            });
        }
    }
}

async fn linger(mut stream: TcpStream) {
    let _ = stream.shutdown().await;
    let mut buf = [0u8; 16 * 1024];
    let mut total = 0;
    let deadline = tokio::time::Instant::now() + LINGER_FOR;
    while total < LINGER_MAX_BYTES {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Ok(Ok(n)) if n > 0 => total += n,
            _ => break,
        }
    }
}

/// The soft open-file limit raised to the hard one (desktops default to 1024), and how many
/// client connections fit below it with the reserve kept free.
pub fn connection_budget(configured: usize) -> usize {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let mut limit = getrlimit(Resource::Nofile);
    if let (Some(cur), Some(max)) = (limit.current, limit.maximum)
        && cur < max
    {
        limit.current = Some(max);
        match setrlimit(Resource::Nofile, limit) {
            Ok(()) => tracing::debug!(from = cur, to = max, "raised the open-file limit"),
            Err(e) => {
                tracing::debug!(error = %e, "could not raise the open-file limit");
                limit.current = Some(cur);
            }
        }
    }
    let fds = limit.current.unwrap_or(u64::MAX);
    let fit = fds.saturating_sub(FD_RESERVE).max(16);
    let fit = usize::try_from(fit).unwrap_or(usize::MAX);
    if configured == 0 {
        fit.min(65_536)
    } else {
        configured.min(fit)
    }
}

/// Serves `app` until `stop` fires, then lets open connections finish (at most `grace`).
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    mut stop: watch::Receiver<bool>,
    grace: Duration,
) {
    let (count, mut open) = watch::channel(0usize);
    let registry = Arc::new(Registry {
        epoch: Instant::now(),
        conns: Mutex::new(Conns::default()),
        count,
        lingering: Arc::new(Semaphore::new(MAX_LINGERING)),
        warned_ms: AtomicU64::new(0),
    });
    let reaper = {
        let (registry, idle) = (registry.clone(), limits.idle_timeout);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval((idle / 4).max(Duration::from_millis(100)));
            loop {
                tick.tick().await;
                registry.reap(idle);
            }
        })
    };
    loop {
        let accepted = tokio::select! {
            _ = stop.changed() => break,
            a = listener.accept() => a,
        };
        let stream = match accepted {
            Ok((stream, _peer)) => stream,
            Err(e) => {
                // Out of descriptors (or another transient error): free one and retry soon.
                registry.evict_one();
                registry.warn_limited("cannot accept connections", &e);
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        if registry.len() >= limits.max_connections {
            if !registry.evict_one() {
                registry.warn_limited(
                    "connection limit reached and every connection is busy; refusing one",
                    &limits.max_connections,
                );
                continue;
            }
            registry.warn_limited(
                "connections are piling up; closing the longest-idle ones to make room",
                &limits.max_connections,
            );
        }
        let _ = stream.set_nodelay(true);
        let mut tracked = registry.insert();
        tracked.stream = Some(stream);
        tokio::spawn(connection(
            tracked,
            app.clone(),
            limits.clone(),
            stop.clone(),
        ));
    }
    drop(listener);
    // Sessions and in-flight requests see `stop` too; give them a moment to finish.
    let _ = tokio::time::timeout(grace, open.wait_for(|n| *n == 0)).await;
    reaper.abort();
}

async fn connection(io: Tracked, app: Router, limits: Limits, mut stop: watch::Receiver<bool>) {
    let conn = io.conn.clone();
    let svc_conn = conn.clone();
    let service = hyper::service::service_fn(move |req: Request<Incoming>| {
        let (app, conn) = (app.clone(), svc_conn.clone());
        conn.in_flight.fetch_add(1, Relaxed);
        async move {
            let resp = app.oneshot(req.map(axum::body::Body::new)).await;
            if let Ok(r) = &resp
                && r.status() == hyper::StatusCode::SWITCHING_PROTOCOLS
            {
                conn.upgraded.store(true, Relaxed);
            }
            conn.in_flight.fetch_sub(1, Relaxed);
            resp
        }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .keep_alive(true);
    let served = builder
        .serve_connection(TokioIo::new(io), service)
        .with_upgrades();
    tokio::pin!(served);
    tokio::select! {
        r = served.as_mut() => {
            if let Err(e) = r {
                tracing::trace!(error = %e, "connection ended with an error");
            }
        }
        _ = conn.close.notified() => {}
        _ = stop.changed() => {
            served.as_mut().graceful_shutdown();
            let _ = tokio::time::timeout(Duration::from_secs(2), served).await;
        }
    }
}
