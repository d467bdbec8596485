//! Who may talk to us: the Host check (DNS rebinding), the admin token, and the Origin
//! check for state-changing requests (a random web page must not drive the overlay).

use super::AppState;
use super::error::ApiError;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// On a loopback bind, only loopback host names are served: a DNS-rebinding page
/// (evil.example resolving to 127.0.0.1) gets nothing.
pub async fn host(State(app): State<AppState>, req: Request, next: Next) -> Response {
    let loopback_bind = app.settings.bind_addr().is_ok_and(|a| a.ip().is_loopback());
    if loopback_bind {
        let host = req
            .headers()
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("");
        if !is_loopback_host(host) {
            return ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden_host",
                format!("host '{host}' is not served here"),
            )
            .into_response();
        }
    }
    next.run(req).await
}

/// Admin API: token (when configured) and Origin (for state-changing methods).
pub async fn admin_api(State(app): State<AppState>, req: Request, next: Next) -> Response {
    if let Err(e) = check_token(&app, req.headers(), None) {
        return e.into_response();
    }
    let changes_state = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if changes_state && let Err(e) = check_origin(&app, req.headers()) {
        return e.into_response();
    }
    next.run(req).await
}

/// The token from `Authorization: Bearer …` or, for WebSockets, the `token` query value.
pub fn check_token(
    app: &AppState,
    headers: &HeaderMap,
    query_token: Option<&str>,
) -> Result<(), ApiError> {
    let expected = app.settings.server.admin_token.as_str();
    if expected.is_empty() {
        return Ok(());
    }
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(bearer_token);
    let given = bearer.or(query_token).unwrap_or("");
    if constant_time_eq(given.as_bytes(), expected.as_bytes()) {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "a valid admin token is required",
        ))
    }
}

/// Requests without Origin (curl, OBS, Stream Deck plugins) pass; browsers always send
/// one on cross-site requests, which must be our own origin or an allowed one.
pub fn check_origin(app: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return Ok(());
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let own = [format!("http://{host}"), format!("https://{host}")];
    let allowed = own.iter().any(|o| o == origin)
        || app
            .settings
            .server
            .allowed_origins
            .iter()
            .any(|o| o == origin);
    if allowed {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden_origin",
            format!("requests from {origin} are not allowed"),
        ))
    }
}

/// `Bearer <token>`, the scheme matched case-insensitively (RFC 7235).
fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim_start())
}

/// The whole authority must be a loopback name with an optional numeric port: anything
/// else (`127.0.0.1:8002@evil.example`, `localhost.evil.example`, user info) is refused.
fn is_loopback_host(host: &str) -> bool {
    let (name, port) = if let Some(rest) = host.strip_prefix('[') {
        match rest.split_once(']') {
            Some((name, after)) => match after {
                "" => (name, None),
                p => match p.strip_prefix(':') {
                    Some(port) => (name, Some(port)),
                    None => return false,
                },
            },
            None => return false,
        }
    } else {
        match host.split_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (host, None),
        }
    };
    let port_ok =
        port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
    port_ok && (name.eq_ignore_ascii_case("localhost") || name == "127.0.0.1" || name == "::1")
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        assert!(is_loopback_host("127.0.0.1:8002"));
        assert!(is_loopback_host("localhost"));
        assert!(is_loopback_host("[::1]:8002"));
        assert!(!is_loopback_host("evil.example:8002"));
        assert!(!is_loopback_host(""));
        assert!(!is_loopback_host("127.0.0.1:8002@evil.example"));
        assert!(!is_loopback_host("127.0.0.1@evil.example"));
        assert!(!is_loopback_host("localhost:80:80"));
        assert!(!is_loopback_host("localhost:"));
        assert!(!is_loopback_host("[::1]x"));
        assert!(!is_loopback_host("[::1]:80@evil"));
        assert!(!is_loopback_host("localhost.evil.example"));
    }

    #[test]
    fn bearer_scheme_is_case_insensitive() {
        assert_eq!(bearer_token("Bearer abc"), Some("abc"));
        assert_eq!(bearer_token("bearer abc"), Some("abc"));
        assert_eq!(bearer_token("BEARER  abc"), Some("abc"));
        assert_eq!(bearer_token("Basic abc"), None);
        assert_eq!(bearer_token("Bearerabc"), None);
    }

    #[test]
    fn token_compare() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
