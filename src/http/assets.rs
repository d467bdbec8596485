//! The overlay/admin bundle (overlay/dist), embedded by build.rs so the binary runs from
//! any directory. Hashed assets are cached forever; pages are always revalidated.

use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};

include!(concat!(env!("OUT_DIR"), "/assets.rs"));

fn find(path: &str) -> Option<&'static [u8]> {
    ASSETS.iter().find(|(p, _)| *p == path).map(|(_, b)| *b)
}

pub async fn serve(method: Method, uri: Uri) -> Response {
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
    let mut resp = body.into_response();
    let h = resp.headers_mut();
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
