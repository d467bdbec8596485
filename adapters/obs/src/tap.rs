//! A loopback byte relay between obws and OBS that reads WebSocket close frames.
//!
//! Why: obws 0.15 only logs the close frame that ends an identified session, and the adapter
//! must tell "kicked by the user" (4011) apart from "OBS stopped" (1001). obws connects to the
//! relay's ephemeral loopback port; every byte is passed on unchanged, only the server→client
//! frame headers are parsed. A side effect we want: dropping the [`Tap`] closes both sockets at
//! once, which is how a half-open link (PC sleep) is torn down without waiting for TCP.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// A close frame sent by OBS.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CloseFrame {
    pub code: u16,
    pub reason: String,
}

/// No status code in the close frame (RFC 6455 7.4.1).
const CLOSE_NO_STATUS: u16 = 1005;

pub(crate) struct Tap {
    local: SocketAddr,
    close: Arc<Mutex<Option<CloseFrame>>>,
    task: Option<JoinHandle<()>>,
}

impl Tap {
    /// Connect to OBS first (so "connection refused" is reported plainly), then listen on an
    /// ephemeral loopback port for obws.
    pub async fn open(host: &str, port: u16, timeout: Duration) -> io::Result<Tap> {
        let upstream = tokio::time::timeout(timeout, TcpStream::connect((host, port)))
            .await
            .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "TCP connect timed out"))??;
        upstream.set_nodelay(true)?;
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let local = listener.local_addr()?;
        let close = Arc::new(Mutex::new(None));
        let task = tokio::spawn(relay(listener, upstream, Arc::clone(&close), timeout));
        Ok(Tap {
            local,
            close,
            task: Some(task),
        })
    }

    pub fn port(&self) -> u16 {
        self.local.port()
    }

    /// The close frame OBS sent, if any (none when the TCP link just died).
    pub fn close_frame(&self) -> Option<CloseFrame> {
        self.close.lock().ok().and_then(|c| c.clone())
    }

    /// Let the relay finish its closing handshake (after the obws client was dropped), at most
    /// `limit`; then the sockets are closed regardless.
    pub async fn finish(mut self, limit: Duration) {
        if let Some(task) = self.task.as_mut() {
            let _ = tokio::time::timeout(limit, task).await;
        }
    }
}

impl Drop for Tap {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

async fn relay(
    listener: TcpListener,
    upstream: TcpStream,
    close: Arc<Mutex<Option<CloseFrame>>>,
    accept_timeout: Duration,
) {
    let down = loop {
        match tokio::time::timeout(accept_timeout, listener.accept()).await {
            // Only a loopback peer can be our obws client; ignore anything else.
            Ok(Ok((s, peer))) if peer.ip().is_loopback() => break s,
            Ok(Ok(_)) => continue,
            _ => return,
        }
    };
    drop(listener);
    let _ = down.set_nodelay(true);
    let (mut down_r, mut down_w) = down.into_split();
    let (mut up_r, mut up_w) = upstream.into_split();
    let server_closed = Arc::new(std::sync::atomic::AtomicBool::new(false));

    let to_obs = {
        let server_closed = Arc::clone(&server_closed);
        async move {
            let mut buf = vec![0u8; 16 * 1024];
            loop {
                match down_r.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        if up_w.write_all(&buf[..n]).await.is_err() {
                            return;
                        }
                    }
                }
            }
            // obws never sends a close frame (it just drops the socket); send one for it so OBS
            // sees a normal closure, unless OBS started the closing handshake itself.
            if !server_closed.load(std::sync::atomic::Ordering::SeqCst) {
                let _ = up_w.write_all(&client_close_frame(1000)).await;
            }
            let _ = up_w.shutdown().await;
        }
    };
    let from_obs = async move {
        let mut buf = vec![0u8; 16 * 1024];
        let mut sniffer = Sniffer::default();
        loop {
            match up_r.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if let Some(frame) = sniffer.feed(&buf[..n]) {
                        server_closed.store(true, std::sync::atomic::Ordering::SeqCst);
                        if let Ok(mut c) = close.lock() {
                            c.get_or_insert(frame);
                        }
                    }
                    if down_w.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                }
            }
        }
        let _ = down_w.shutdown().await;
    };
    tokio::join!(to_obs, from_obs);
}

/// A masked client close frame with a status code (RFC 6455 5.5.1).
fn client_close_frame(code: u16) -> [u8; 8] {
    let mask = fastrand::u32(..).to_be_bytes();
    let [c0, c1] = code.to_be_bytes();
    [
        0x88,
        0x82,
        mask[0],
        mask[1],
        mask[2],
        mask[3],
        c0 ^ mask[0],
        c1 ^ mask[1],
    ]
}

/// Incremental parser of the server→client byte stream: skips the HTTP upgrade response, then
/// follows frame headers and collects the payload of close frames only.
#[derive(Default)]
pub(crate) struct Sniffer {
    phase: Phase,
    /// Progress through "\r\n\r\n" while in the HTTP phase.
    crlf: u8,
    header: Vec<u8>,
}

#[derive(Default)]
enum Phase {
    #[default]
    Http,
    Header,
    Payload {
        left: u64,
        mask: Option<[u8; 4]>,
        close: Option<Vec<u8>>,
    },
}

impl Sniffer {
    /// Feed the next bytes; returns a close frame when one completes in them.
    pub fn feed(&mut self, mut data: &[u8]) -> Option<CloseFrame> {
        let mut found = None;
        loop {
            if let Phase::Payload { left: 0, .. } = self.phase {
                if let Phase::Payload { mask, close, .. } =
                    std::mem::replace(&mut self.phase, Phase::Header)
                    && let Some(payload) = close
                {
                    found = Some(parse_close(payload, mask));
                }
                continue;
            }
            if data.is_empty() {
                return found;
            }
            match &mut self.phase {
                Phase::Http => {
                    let mut used = data.len();
                    for (i, &b) in data.iter().enumerate() {
                        self.crlf = match (self.crlf, b) {
                            (0 | 2, b'\r') => self.crlf + 1,
                            (1 | 3, b'\n') => self.crlf + 1,
                            (_, b'\r') => 1,
                            _ => 0,
                        };
                        if self.crlf == 4 {
                            used = i + 1;
                            self.phase = Phase::Header;
                            self.header.clear();
                            break;
                        }
                    }
                    data = &data[used..];
                }
                Phase::Header => {
                    let need = header_len(&self.header);
                    let take = need.saturating_sub(self.header.len()).min(data.len());
                    self.header.extend_from_slice(&data[..take]);
                    data = &data[take..];
                    if self.header.len() == header_len(&self.header) && self.header.len() >= 2 {
                        self.phase = parse_header(&self.header);
                        self.header.clear();
                    }
                }
                Phase::Payload { left, close, .. } => {
                    let n = usize::try_from(*left).unwrap_or(usize::MAX).min(data.len());
                    if let Some(buf) = close.as_mut() {
                        // Control frames are at most 125 bytes; cap defensively anyway.
                        let room = 125usize.saturating_sub(buf.len()).min(n);
                        buf.extend_from_slice(&data[..room]);
                    }
                    *left -= n as u64;
                    data = &data[n..];
                }
            }
        }
    }
}

/// Header length implied by the bytes seen so far (2 until the length byte is known).
fn header_len(h: &[u8]) -> usize {
    if h.len() < 2 {
        return 2;
    }
    let ext = match h[1] & 0x7f {
        126 => 2,
        127 => 8,
        _ => 0,
    };
    let mask = if h[1] & 0x80 != 0 { 4 } else { 0 };
    2 + ext + mask
}

fn parse_header(h: &[u8]) -> Phase {
    let opcode = h[0] & 0x0f;
    let (len, mut at) = match h[1] & 0x7f {
        126 => (u64::from(u16::from_be_bytes([h[2], h[3]])), 4),
        127 => {
            let mut b = [0u8; 8];
            b.copy_from_slice(&h[2..10]);
            (u64::from_be_bytes(b), 10)
        }
        n => (u64::from(n), 2),
    };
    let mask = if h[1] & 0x80 != 0 {
        let m = [h[at], h[at + 1], h[at + 2], h[at + 3]];
        at += 4;
        Some(m)
    } else {
        None
    };
    debug_assert_eq!(at, h.len());
    Phase::Payload {
        left: len,
        mask,
        close: (opcode == 0x8).then(Vec::new),
    }
}

fn parse_close(mut payload: Vec<u8>, mask: Option<[u8; 4]>) -> CloseFrame {
    if let Some(m) = mask {
        for (i, b) in payload.iter_mut().enumerate() {
            *b ^= m[i % 4];
        }
    }
    if payload.len() < 2 {
        return CloseFrame {
            code: CLOSE_NO_STATUS,
            reason: String::new(),
        };
    }
    CloseFrame {
        code: u16::from_be_bytes([payload[0], payload[1]]),
        reason: String::from_utf8_lossy(&payload[2..]).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(opcode: u8, payload: &[u8]) -> Vec<u8> {
        let mut f = vec![0x80 | opcode];
        match payload.len() {
            n if n < 126 => f.push(n as u8),
            n if n < 65536 => {
                f.push(126);
                f.extend_from_slice(&(n as u16).to_be_bytes());
            }
            n => {
                f.push(127);
                f.extend_from_slice(&(n as u64).to_be_bytes());
            }
        }
        f.extend_from_slice(payload);
        f
    }

    fn stream() -> Vec<u8> {
        let mut s = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n".to_vec();
        s.extend(frame(1, br#"{"op":0}"#));
        s.extend(frame(1, &vec![b'x'; 300]));
        s.extend(frame(1, &vec![b'y'; 70_000]));
        s.extend(frame(9, b""));
        let mut close = 4011u16.to_be_bytes().to_vec();
        close.extend_from_slice(b"Your session has been invalidated.");
        s.extend(frame(8, &close));
        s
    }

    #[test]
    fn finds_close_code_in_one_chunk() {
        let mut sn = Sniffer::default();
        let f = sn.feed(&stream()).expect("close frame");
        assert_eq!(f.code, 4011);
        assert_eq!(f.reason, "Your session has been invalidated.");
    }

    #[test]
    fn finds_close_code_byte_by_byte() {
        let mut sn = Sniffer::default();
        let mut found = None;
        for b in stream() {
            if let Some(f) = sn.feed(&[b]) {
                found = Some(f);
            }
        }
        assert_eq!(found.map(|f| f.code), Some(4011));
    }

    #[test]
    fn close_without_code_and_masked() {
        let mut sn = Sniffer::default();
        let mut s = b"HTTP/1.1 101 OK\r\n\r\n".to_vec();
        s.extend(frame(8, b""));
        assert_eq!(sn.feed(&s).map(|f| f.code), Some(CLOSE_NO_STATUS));

        let mut sn = Sniffer::default();
        let mut s = b"HTTP/1.1 101 OK\r\n\r\n".to_vec();
        s.extend(client_close_frame(1000));
        assert_eq!(sn.feed(&s).map(|f| f.code), Some(1000));
    }
}
