//! "Test connection": one short session to an OBS that says exactly what is wrong —
//! nothing listening, a wrong or missing password, an OBS or obs-websocket too old for us,
//! or the session kicked — independent of the adapter's own connection.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde::Serialize;
use serde_json::{Value, json};
use tokio_websockets::Message;

use crate::raw::{CLOSE_AUTH_FAILED, CLOSE_SESSION_INVALIDATED, auth_response};

/// Oldest versions we work with (obws 0.15 needs obs-websocket 5.5, which ships in OBS 30.2).
pub const MIN_OBS: (u64, u64) = (30, 2);
pub const MIN_WEBSOCKET: (u64, u64) = (5, 5);
/// obs-websocket's close code for an RPC version it does not speak.
const CLOSE_UNSUPPORTED_RPC: u16 = 4010;

/// What a successful test found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProbeInfo {
    pub obs_version: String,
    pub websocket_version: String,
    /// Number of scenes (a sign we can really talk to it).
    pub scenes: usize,
}

/// Why a test failed. `reason()` is the stable word the API and the UI use.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ProbeFailure {
    #[error("cannot reach OBS at {address}: {detail}")]
    Unreachable { address: String, detail: String },
    #[error("OBS rejected the password")]
    WrongPassword,
    #[error("OBS requires a password")]
    PasswordRequired,
    #[error("{what} {found} is too old; stagehand needs {what} {need} or newer")]
    TooOld {
        what: &'static str,
        found: String,
        need: String,
    },
    #[error("OBS closed the test session (kicked in OBS → Tools → WebSocket Server Settings)")]
    Kicked,
    #[error("OBS did not answer within {0:.1} s")]
    Timeout(f64),
    #[error("{0}")]
    Protocol(String),
}

impl ProbeFailure {
    pub fn reason(&self) -> &'static str {
        match self {
            ProbeFailure::Unreachable { .. } => "unreachable",
            ProbeFailure::WrongPassword => "wrong_password",
            ProbeFailure::PasswordRequired => "password_required",
            ProbeFailure::TooOld { .. } => "too_old",
            ProbeFailure::Kicked => "kicked",
            ProbeFailure::Timeout(_) => "timeout",
            ProbeFailure::Protocol(_) => "not_obs",
        }
    }
}

/// Connects, identifies (with `password` when OBS asks for one), checks versions, lists the
/// scenes and closes. The password is sent only as obs-websocket's salted hash.
pub async fn probe(
    host: &str,
    port: u16,
    password: Option<&str>,
    timeout: Duration,
) -> Result<ProbeInfo, ProbeFailure> {
    tokio::time::timeout(timeout, probe_inner(host, port, password))
        .await
        .map_err(|_| ProbeFailure::Timeout(timeout.as_secs_f64()))?
}

type Ws = tokio_websockets::WebSocketStream<tokio::net::TcpStream>;

async fn probe_inner(
    host: &str,
    port: u16,
    password: Option<&str>,
) -> Result<ProbeInfo, ProbeFailure> {
    let password = password.filter(|p| !p.is_empty());
    let address = format!("{host}:{port}");
    let uri = format!("ws://{address}");
    let builder = tokio_websockets::ClientBuilder::new()
        .uri(&uri)
        .map_err(|e| ProbeFailure::Unreachable {
            address: address.clone(),
            detail: format!("not a valid address ({e})"),
        })?;
    // TCP first: "nothing listens there" and "something else listens there" differ.
    let tcp = tokio::net::TcpStream::connect((host, port))
        .await
        .map_err(|e| ProbeFailure::Unreachable {
            address: address.clone(),
            detail: e.to_string(),
        })?;
    let (mut ws, _) = builder.connect_on(tcp).await.map_err(|e| {
        ProbeFailure::Protocol(format!(
            "{address} answers, but not as obs-websocket ({})",
            crate::error::error_chain(&e)
        ))
    })?;
    let hello = next(&mut ws, password.is_some()).await?;
    if hello["op"] != 0 {
        return Err(ProbeFailure::Protocol(format!(
            "{address} is not obs-websocket (no Hello message)"
        )));
    }
    let ws_version = hello["d"]["obsWebSocketVersion"]
        .as_str()
        .unwrap_or("0")
        .to_string();
    if version(&ws_version) < MIN_WEBSOCKET {
        return Err(ProbeFailure::TooOld {
            what: "obs-websocket",
            found: ws_version,
            need: format!("{}.{}", MIN_WEBSOCKET.0, MIN_WEBSOCKET.1),
        });
    }
    let mut identify = json!({ "rpcVersion": 1, "eventSubscriptions": 0 });
    let auth = &hello["d"]["authentication"];
    if let (Some(challenge), Some(salt)) = (auth["challenge"].as_str(), auth["salt"].as_str()) {
        let Some(pw) = password else {
            return Err(ProbeFailure::PasswordRequired);
        };
        identify["authentication"] = json!(auth_response(pw, salt, challenge));
    }
    send(&mut ws, json!({ "op": 1, "d": identify })).await?;
    let identified = next(&mut ws, password.is_some()).await?;
    if identified["op"] != 2 {
        return Err(ProbeFailure::Protocol(
            "OBS did not confirm the session".into(),
        ));
    }

    let version_data = request(&mut ws, "GetVersion", password.is_some()).await?;
    let obs_version = version_data["obsVersion"]
        .as_str()
        .unwrap_or("0")
        .to_string();
    if version(&obs_version) < MIN_OBS {
        let _ = ws.close().await;
        return Err(ProbeFailure::TooOld {
            what: "OBS",
            found: obs_version,
            need: format!("{}.{}", MIN_OBS.0, MIN_OBS.1),
        });
    }
    let scenes = request(&mut ws, "GetSceneList", password.is_some()).await?["scenes"]
        .as_array()
        .map_or(0, Vec::len);
    let _ = ws.close().await;
    Ok(ProbeInfo {
        obs_version,
        websocket_version: ws_version,
        scenes,
    })
}

/// "30.2.3" → (30, 2); anything unreadable counts as 0.
fn version(v: &str) -> (u64, u64) {
    let mut parts = v.split(['.', '-']).map(|p| p.parse::<u64>().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

async fn request(
    ws: &mut Ws,
    request_type: &str,
    had_password: bool,
) -> Result<Value, ProbeFailure> {
    let id = format!("stagehand-test-{}", fastrand::u64(..));
    send(
        ws,
        json!({ "op": 6, "d": { "requestType": request_type, "requestId": id } }),
    )
    .await?;
    loop {
        let msg = next(ws, had_password).await?;
        if msg["op"] == 7 && msg["d"]["requestId"] == id.as_str() {
            return Ok(msg["d"].get("responseData").cloned().unwrap_or(Value::Null));
        }
    }
}

async fn send(ws: &mut Ws, v: Value) -> Result<(), ProbeFailure> {
    ws.send(Message::text(v.to_string()))
        .await
        .map_err(|e| ProbeFailure::Protocol(format!("connection to OBS lost: {e}")))
}

/// The next text message as JSON; a close frame becomes the failure its code means.
async fn next(ws: &mut Ws, had_password: bool) -> Result<Value, ProbeFailure> {
    loop {
        let msg = match ws.next().await {
            None => return Err(ProbeFailure::Protocol("OBS closed the connection".into())),
            Some(Err(e)) => {
                return Err(ProbeFailure::Protocol(format!(
                    "connection to OBS lost: {e}"
                )));
            }
            Some(Ok(m)) => m,
        };
        if let Some((code, reason)) = msg.as_close() {
            return Err(match u16::from(code) {
                CLOSE_AUTH_FAILED if had_password => ProbeFailure::WrongPassword,
                CLOSE_AUTH_FAILED => ProbeFailure::PasswordRequired,
                CLOSE_SESSION_INVALIDATED => ProbeFailure::Kicked,
                CLOSE_UNSUPPORTED_RPC => ProbeFailure::TooOld {
                    what: "obs-websocket",
                    found: "with another protocol version".into(),
                    need: format!("{}.{}", MIN_WEBSOCKET.0, MIN_WEBSOCKET.1),
                },
                other => {
                    ProbeFailure::Protocol(format!("OBS closed the connection ({other}: {reason})"))
                }
            });
        }
        if let Some(text) = msg.as_text() {
            return serde_json::from_str(text)
                .map_err(|e| ProbeFailure::Protocol(format!("not obs-websocket: {e}")));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_by_major_and_minor() {
        assert!(version("30.2.3") >= MIN_OBS);
        assert!(version("29.1.0") < MIN_OBS);
        assert!(version("5.5.2") >= MIN_WEBSOCKET);
        assert!(version("5.4.9") < MIN_WEBSOCKET);
        assert_eq!(version("junk"), (0, 0));
    }

    #[tokio::test]
    async fn nothing_listening_is_unreachable() {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let err = probe("127.0.0.1", port, None, Duration::from_secs(5))
            .await
            .unwrap_err();
        assert_eq!(err.reason(), "unreachable", "{err}");
    }
}
