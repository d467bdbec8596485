//! Twitch login by the OAuth device code flow (RFC 8628), as Twitch documents it for public
//! clients: no client secret and no redirect server on the streamer's PC.
//!
//! [`AuthClient::start_device`] asks for a code the streamer types (or opens) at
//! twitch.tv/activate; [`AuthClient::poll_token`] is called every `interval` until Twitch
//! answers with tokens; [`AuthClient::refresh`] swaps a refresh token for new tokens before the
//! access token expires; [`AuthClient::validate`] is the hourly check Twitch requires;
//! [`AuthClient::revoke`] logs out. Tokens are [`Secret`]s: never in `Debug` or logs.

use std::time::Duration;

use serde::Deserialize;

use crate::settings::Secret;

/// The scopes stagehand asks for: chat, follows, channel points, bits, subs, hype trains.
pub const SCOPES: &[&str] = &[
    "chat:read",
    "chat:edit",
    "moderator:read:followers",
    "channel:read:redemptions",
    "bits:read",
    "channel:read:subscriptions",
    "channel:read:hype_train",
];

/// Twitch's auth server (`https://id.twitch.tv/oauth2`).
pub const TWITCH_AUTH_URL: &str = "https://id.twitch.tv/oauth2";

/// How long one request to Twitch may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// Device flow: the streamer has not approved yet; poll again after `interval`.
    #[error("waiting for the streamer to approve")]
    Pending,
    /// Device flow: polling too fast; add 5 s to the interval (RFC 8628 §3.5).
    #[error("polling too fast")]
    SlowDown,
    #[error("access denied on Twitch")]
    Denied,
    #[error("the code expired before it was approved")]
    Expired,
    /// The token (access or refresh) is not valid any more: log in again.
    #[error("Twitch no longer accepts this login")]
    Invalid,
    /// Twitch answered with an error we do not know.
    #[error("Twitch refused: {0}")]
    Rejected(String),
    /// Twitch could not be reached or answered garbage; try again later.
    #[error("cannot reach Twitch: {0}")]
    Unreachable(String),
}

/// What the streamer needs to approve a login.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct DeviceCode {
    /// Sent back while polling; not shown.
    pub device_code: String,
    /// Shown to the streamer (e.g. `ABCD-EFGH`).
    pub user_code: String,
    /// The page to open; Twitch's includes the code already.
    pub verification_uri: String,
    /// Seconds the code stays valid.
    pub expires_in: u64,
    /// Seconds between polls.
    #[serde(default = "five")]
    pub interval: u64,
}

fn five() -> u64 {
    5
}

/// A token pair from Twitch.
#[derive(Clone, PartialEq, Eq, Deserialize)]
pub struct Tokens {
    pub access_token: Secret,
    pub refresh_token: Secret,
    /// Seconds until the access token expires.
    #[serde(default)]
    pub expires_in: u64,
    #[serde(default)]
    pub scope: Vec<String>,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("expires_in", &self.expires_in)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

/// Who a valid access token belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Validated {
    pub login: String,
    pub user_id: String,
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Seconds until the token expires.
    #[serde(default)]
    pub expires_in: u64,
}

/// Twitch's error body: `{"status": 400, "message": "authorization_pending"}`.
#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    message: String,
}

#[derive(Clone, Debug)]
pub struct AuthClient {
    http: reqwest::Client,
    base: String,
    client_id: String,
}

impl AuthClient {
    /// A client for `base` (`https://id.twitch.tv/oauth2`, or a fake's URL) and the streamer's
    /// registered public `client_id`.
    pub fn new(base: &str, client_id: &str) -> AuthClient {
        AuthClient {
            http: http_client(),
            base: base.trim_end_matches('/').to_owned(),
            client_id: client_id.trim().to_owned(),
        }
    }

    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// Step 1: a code for the streamer to approve.
    pub async fn start_device(&self) -> Result<DeviceCode, AuthError> {
        let scopes = SCOPES.join(" ");
        let form = [("client_id", self.client_id.as_str()), ("scopes", &scopes)];
        let resp = self.post("device", &form).await?;
        json(resp).await
    }

    /// Step 2, every `interval` seconds: tokens once the streamer approved.
    pub async fn poll_token(&self, device_code: &str) -> Result<Tokens, AuthError> {
        let scopes = SCOPES.join(" ");
        let form = [
            ("client_id", self.client_id.as_str()),
            ("scopes", &scopes),
            ("device_code", device_code),
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
        ];
        let resp = self.post("token", &form).await?;
        json(resp).await
    }

    /// New tokens for a refresh token (public clients send no secret).
    pub async fn refresh(&self, refresh_token: &Secret) -> Result<Tokens, AuthError> {
        let form = [
            ("client_id", self.client_id.as_str()),
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.expose()),
        ];
        let resp = self.post("token", &form).await?;
        json(resp).await
    }

    /// Twitch requires apps to validate their tokens when they start and hourly.
    pub async fn validate(&self, access_token: &Secret) -> Result<Validated, AuthError> {
        let resp = self
            .http
            .get(format!("{}/validate", self.base))
            .header("Authorization", format!("OAuth {}", access_token.expose()))
            .send()
            .await
            .map_err(unreachable)?;
        json(resp).await
    }

    /// Logs the token out at Twitch. A token Twitch no longer knows counts as revoked.
    pub async fn revoke(&self, token: &Secret) -> Result<(), AuthError> {
        let form = [
            ("client_id", self.client_id.as_str()),
            ("token", token.expose()),
        ];
        let resp = self.post("revoke", &form).await?;
        match classify(resp).await {
            Ok(_) | Err(AuthError::Invalid) => Ok(()),
            Err(AuthError::Rejected(m)) if m.contains("Invalid token") => Ok(()),
            Err(e) => Err(e),
        }
    }

    async fn post(
        &self,
        path: &str,
        form: &[(&str, &str)],
    ) -> Result<reqwest::Response, AuthError> {
        self.http
            .post(format!("{}/{path}", self.base))
            .form(form)
            .send()
            .await
            .map_err(unreachable)
    }
}

/// One HTTP client setup for Twitch's auth and Helix APIs.
pub(crate) fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .user_agent(concat!("stagehand/", env!("CARGO_PKG_VERSION")))
        .build()
        .unwrap_or_default()
}

/// A transport error, with its chain but never the URL's query (there is none with secrets).
pub(crate) fn unreachable(e: reqwest::Error) -> AuthError {
    AuthError::Unreachable(e.without_url().to_string())
}

async fn json<T: serde::de::DeserializeOwned>(resp: reqwest::Response) -> Result<T, AuthError> {
    let body = classify(resp).await?;
    serde_json::from_slice(&body)
        .map_err(|e| AuthError::Unreachable(format!("unexpected answer from Twitch: {e}")))
}

/// The body of a 2xx answer, or what the error means.
async fn classify(resp: reqwest::Response) -> Result<Vec<u8>, AuthError> {
    let status = resp.status();
    let body = resp.bytes().await.map_err(unreachable)?.to_vec();
    if status.is_success() {
        return Ok(body);
    }
    let message = serde_json::from_slice::<ErrorBody>(&body)
        .map(|b| b.message)
        .unwrap_or_default();
    Err(error_for(status.as_u16(), &message))
}

/// Twitch's error answers as [`AuthError`]s (its messages are RFC 8628's codes or sentences).
fn error_for(status: u16, message: &str) -> AuthError {
    let m = message.to_ascii_lowercase();
    if m.contains("authorization_pending") {
        AuthError::Pending
    } else if m.contains("slow_down") {
        AuthError::SlowDown
    } else if m.contains("denied") {
        AuthError::Denied
    } else if m.contains("expired_token") || m.contains("invalid device code") {
        AuthError::Expired
    } else if status == 401
        || m.contains("invalid refresh token")
        || m.contains("invalid access token")
    {
        AuthError::Invalid
    } else if status >= 500 {
        AuthError::Unreachable(format!("Twitch answered {status}"))
    } else {
        AuthError::Rejected(if message.is_empty() {
            format!("HTTP {status}")
        } else {
            message.to_owned()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twitch_errors_map_to_what_they_mean() {
        assert_eq!(error_for(400, "authorization_pending"), AuthError::Pending);
        assert_eq!(error_for(400, "slow_down"), AuthError::SlowDown);
        assert_eq!(error_for(400, "authorization_denied"), AuthError::Denied);
        assert_eq!(error_for(400, "invalid device code"), AuthError::Expired);
        assert_eq!(error_for(400, "Invalid refresh token"), AuthError::Invalid);
        assert_eq!(error_for(401, "invalid access token"), AuthError::Invalid);
        assert!(matches!(error_for(503, ""), AuthError::Unreachable(_)));
        assert_eq!(
            error_for(400, "missing client id"),
            AuthError::Rejected("missing client id".into())
        );
    }

    #[test]
    fn tokens_are_redacted_in_debug() {
        let t: Tokens = serde_json::from_str(
            r#"{"access_token":"at-secret","refresh_token":"rt-secret","expires_in":14400,"scope":["chat:read"],"token_type":"bearer"}"#,
        )
        .unwrap();
        let dbg = format!("{t:?}");
        assert!(!dbg.contains("secret"), "{dbg}");
        assert_eq!(t.expires_in, 14400);
    }
}
