//! Extractors whose rejections are our JSON errors naming the offending field.

use super::error::ApiError;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

/// A JSON body: 415 without a JSON content type, 413 when too large, 400 when not JSON,
/// 422 with the field path when the shape or types are wrong.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|m| {
                let m = m.trim();
                m.eq_ignore_ascii_case("application/json")
                    || m.to_ascii_lowercase().ends_with("+json")
            });
        if !is_json {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send the body as JSON with Content-Type: application/json",
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "too_large",
                    "request body is too large",
                )
            } else {
                ApiError::bad_request(format!("could not read the request body: {e}"))
            }
        })?;
        parse(&bytes).map(JsonBody)
    }
}

/// Largest integer a browser (JavaScript number) holds exactly: the protocol promises every
/// integer fits, so a body must not store one that does not.
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// The path of the first integer outside ±(2^53 − 1), e.g. `properties.x` or `options[2]`.
fn unsafe_integer(v: &serde_json::Value, path: &str) -> Option<String> {
    use serde_json::Value;
    match v {
        Value::Number(n) => {
            let too_big = match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => u > MAX_SAFE_INTEGER,
                (None, Some(i)) => i.unsigned_abs() > MAX_SAFE_INTEGER,
                // A float: JavaScript reads it as the same float.
                (None, None) => false,
            };
            too_big.then(|| path.to_string())
        }
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, x)| unsafe_integer(x, &format!("{path}[{i}]"))),
        Value::Object(m) => m.iter().find_map(|(k, x)| {
            let p = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            unsafe_integer(x, &p)
        }),
        _ => None,
    }
}

pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(bytes)
        && let Some(field) = unsafe_integer(&v, "")
    {
        return Err(ApiError::validation(
            field.clone(),
            format!("{field}: integers must be between -(2^53-1) and 2^53-1"),
        ));
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_json",
                format!("body is not valid JSON: {inner}"),
            )
        } else {
            let message = inner.to_string();
            let field = crate::model::error_field(&path, &message);
            ApiError::validation(field.clone(), format!("{field}: {message}"))
        }
    })?;
    de.end().map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_json",
            format!("body is not valid JSON: {e}"),
        )
    })?;
    Ok(value)
}

/// A numeric id from the path; anything else is a 400 naming `id`.
pub struct IdPath(pub u64);

impl<S: Send + Sync> FromRequestParts<S> for IdPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|e| ApiError::bad_request(e.to_string()))?;
        parse_id(&raw).map(IdPath)
    }
}

/// `/{id}/elements/{name}`.
pub struct IdNamePath(pub u64, pub String);

impl<S: Send + Sync> FromRequestParts<S> for IdNamePath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path((raw, name)) = Path::<(String, String)>::from_request_parts(parts, state)
            .await
            .map_err(|e| ApiError::bad_request(e.to_string()))?;
        Ok(IdNamePath(parse_id(&raw)?, name))
    }
}

fn parse_id(raw: &str) -> Result<u64, ApiError> {
    raw.parse::<u64>().ok().filter(|id| *id > 0).ok_or_else(|| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "validation_failed",
            format!("'{raw}' is not an id (a positive integer)"),
        )
        .field("id")
    })
}
