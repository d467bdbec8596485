//! Untyped obs-websocket requests on a short-lived second session.
//!
//! Why a second session: obws 0.15 only offers typed requests (its request enum is private),
//! so `raw_request` opens its own connection (Hello → Identify with auth and no events →
//! request → close). It costs one handshake per call (about a millisecond on loopback), which
//! is fine for rare, future calls; frequent requests deserve a typed method on the handle.

use std::time::Duration;

use base64::Engine as _;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio_websockets::Message;

use crate::error::ObsError;

/// obs-websocket's authentication string: base64(sha256(base64(sha256(password + salt)) + challenge)).
pub(crate) fn auth_response(password: &str, salt: &str, challenge: &str) -> String {
    let b64 = base64::engine::general_purpose::STANDARD;
    let secret = b64.encode(Sha256::digest(format!("{password}{salt}").as_bytes()));
    b64.encode(Sha256::digest(format!("{secret}{challenge}").as_bytes()))
}

/// Close code obs-websocket uses for a wrong or missing password.
pub(crate) const CLOSE_AUTH_FAILED: u16 = 4009;
/// Close code obs-websocket uses when the user kicks a session in OBS.
pub(crate) const CLOSE_SESSION_INVALIDATED: u16 = 4011;

/// Send one request and return its `responseData` (`null` when OBS sends none).
pub(crate) async fn request(
    host: &str,
    port: u16,
    password: Option<&str>,
    request_type: &str,
    data: Value,
    timeout: Duration,
) -> Result<Value, ObsError> {
    tokio::time::timeout(
        timeout,
        request_inner(host, port, password, request_type, data),
    )
    .await
    .map_err(|_| ObsError::Timeout)?
}

async fn request_inner(
    host: &str,
    port: u16,
    password: Option<&str>,
    request_type: &str,
    data: Value,
) -> Result<Value, ObsError> {
    let lost = |e: &dyn std::fmt::Display| ObsError::ConnectionLost(e.to_string());
    let uri = format!("ws://{host}:{port}");
    let (mut ws, _) = tokio_websockets::ClientBuilder::new()
        .uri(&uri)
        .map_err(|e| ObsError::Protocol(format!("invalid OBS address {uri}: {e}")))?
        .connect()
        .await
        .map_err(|e| lost(&e))?;

    let hello = next_json(&mut ws).await?;
    if hello["op"] != 0 {
        return Err(ObsError::Protocol("expected Hello (op 0)".into()));
    }
    let mut identify = json!({ "rpcVersion": 1, "eventSubscriptions": 0 });
    let auth = &hello["d"]["authentication"];
    if let (Some(challenge), Some(salt)) = (auth["challenge"].as_str(), auth["salt"].as_str()) {
        let pw = password.unwrap_or_default();
        identify["authentication"] = json!(auth_response(pw, salt, challenge));
    }
    send_json(&mut ws, json!({ "op": 1, "d": identify })).await?;
    let identified = next_json(&mut ws).await?;
    if identified["op"] != 2 {
        return Err(ObsError::Protocol("expected Identified (op 2)".into()));
    }

    let id = format!("stagehand-raw-{}", fastrand::u64(..));
    let mut d = json!({ "requestType": request_type, "requestId": id });
    if !data.is_null() {
        d["requestData"] = data;
    }
    send_json(&mut ws, json!({ "op": 6, "d": d })).await?;
    let response = loop {
        let msg = next_json(&mut ws).await?;
        if msg["op"] == 7 && msg["d"]["requestId"] == id.as_str() {
            break msg;
        }
    };
    let _ = ws.close().await;

    let d = &response["d"];
    let status = &d["requestStatus"];
    if status["result"].as_bool() == Some(true) {
        return Ok(d.get("responseData").cloned().unwrap_or(Value::Null));
    }
    let code = status["code"]
        .as_u64()
        .and_then(|c| u16::try_from(c).ok())
        .unwrap_or(0);
    let message = status["comment"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| format!("request {request_type} failed"));
    Err(ObsError::Obs { code, message })
}

type Ws =
    tokio_websockets::WebSocketStream<tokio_websockets::MaybeTlsStream<tokio::net::TcpStream>>;

async fn send_json(ws: &mut Ws, v: Value) -> Result<(), ObsError> {
    ws.send(Message::text(v.to_string()))
        .await
        .map_err(|e| ObsError::ConnectionLost(e.to_string()))
}

/// Next text message as JSON; a close frame becomes the matching error.
async fn next_json(ws: &mut Ws) -> Result<Value, ObsError> {
    loop {
        let msg = match ws.next().await {
            None => return Err(ObsError::ConnectionLost("OBS closed the connection".into())),
            Some(Err(e)) => return Err(ObsError::ConnectionLost(e.to_string())),
            Some(Ok(m)) => m,
        };
        if let Some((code, reason)) = msg.as_close() {
            let code = u16::from(code);
            return Err(if code == CLOSE_AUTH_FAILED {
                ObsError::Protocol("OBS rejected the password".into())
            } else {
                ObsError::ConnectionLost(format!("OBS closed the connection ({code}: {reason})"))
            });
        }
        if let Some(text) = msg.as_text() {
            return serde_json::from_str(text)
                .map_err(|e| ObsError::Protocol(format!("invalid JSON from OBS: {e}")));
        }
    }
}
