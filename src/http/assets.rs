//! The overlay/admin bundle (overlay/dist), embedded by build.rs so the binary runs from
//! any directory. Hashed assets are cached forever; pages are always revalidated.

use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::HashMap;
use std::io::Write;
use std::sync::{Mutex, OnceLock};

include!(concat!(env!("OUT_DIR"), "/assets.rs"));

fn find(path: &str) -> Option<&'static [u8]> {
    ASSETS.iter().find(|(p, _)| *p == path).map(|(_, b)| *b)
}

/// Text assets gzipped once, on first request: the bundle is fixed for the binary's life, and
/// a phone on a slow link loads the admin in a third of the bytes.
fn gzipped(path: &str, body: &'static [u8]) -> Option<&'static [u8]> {
    static CACHE: OnceLock<Mutex<HashMap<String, &'static [u8]>>> = OnceLock::new();
    let text = matches!(
        path.rsplit('.').next().unwrap_or(""),
        "html" | "js" | "mjs" | "css" | "json" | "svg"
    );
    if !text || body.len() < 1024 {
        return None;
    }
    let mut cache = CACHE
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(z) = cache.get(path) {
        return Some(z);
    }
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(body).ok()?;
    let z: &'static [u8] = Box::leak(enc.finish().ok()?.into_boxed_slice());
    cache.insert(path.to_string(), z);
    Some(z)
}

fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|e| {
            let mut parts = e.split(';');
            let name = parts.next().unwrap_or("").trim();
            let refused = parts.any(|q| q.trim().replace(' ', "") == "q=0");
            name.eq_ignore_ascii_case("gzip") && !refused
        })
}

pub async fn serve(method: Method, uri: Uri, headers: HeaderMap) -> Response {
    // Pages are read-only: PROPFIND, DELETE, POST … get 405, not the page.
    if method != Method::GET && method != Method::HEAD {
        let mut resp = super::error::ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            format!("{method} is not supported on {}", uri.path()),
        )
        .into_response();
        resp.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return resp;
    }
    let path = uri.path();
    if path == "/" {
        let home = if find("/admin/index.html").is_some() {
            "/admin/"
        } else {
            "/overlay/"
        };
        return Redirect::temporary(home).into_response();
    }
    // `/overlay` → `/overlay/` so relative URLs in the page resolve.
    if !path.ends_with('/') && !path.contains('.') && find(&format!("{path}/index.html")).is_some()
    {
        return Redirect::permanent(&format!("{path}/")).into_response();
    }
    let file = if path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_string()
    };
    let Some(body) = find(&file) else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    let cache = if file.starts_with("/assets/") {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let zipped = accepts_gzip(&headers)
        .then(|| gzipped(&file, body))
        .flatten();
    let mut resp = zipped.unwrap_or(body).into_response();
    let h = resp.headers_mut();
    if zipped.is_some() {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime(&file)));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    resp
}

fn mime(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "mp3" => "audio/mpeg",
        "ogg" => "audio/ogg",
        "wav" => "audio/wav",
        _ => "application/octet-stream",
    }
}
