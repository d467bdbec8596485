//! A request id for every request: taken from `x-request-id` when the caller sent a sane one,
//! else made here; returned in the `x-request-id` header and every error body, and carried
//! by every log line written while the request is served (a tracing span).

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use tracing::Instrument;

tokio::task_local! {
    static REQUEST_ID: String;
}

static NEXT: AtomicU64 = AtomicU64::new(1);

/// The id of the request being served on this task, if any.
pub fn current() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

fn sane(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// A process-unique id: start time and a counter, so ids from two runs do not collide.
fn make() -> String {
    static EPOCH: std::sync::LazyLock<u64> = std::sync::LazyLock::new(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    });
    format!("{:x}-{:x}", *EPOCH, NEXT.fetch_add(1, Relaxed))
}

pub async fn layer(req: Request, next: Next) -> Response {
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| sane(v))
        .map_or_else(make, str::to_string);
    let span = tracing::debug_span!("request", request_id = %id, method = %req.method(), path = %req.uri().path());
    let serve = async move {
        let resp = next.run(req).await;
        let status = resp.status();
        if status.is_server_error() {
            tracing::warn!(status = status.as_u16(), "request failed");
        } else if status.is_client_error() {
            tracing::debug!(status = status.as_u16(), "request refused");
        }
        resp
    };
    let mut resp = REQUEST_ID.scope(id.clone(), serve.instrument(span)).await;
    if let Ok(v) = HeaderValue::from_str(&id) {
        resp.headers_mut().insert("x-request-id", v);
    }
    resp
}
