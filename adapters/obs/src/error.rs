//! Errors of requests made through [`crate::ObsHandle`].

use obws::responses::StatusCode;

/// obs-websocket status 207: OBS is still starting up; retried transparently.
pub(crate) const STATUS_NOT_READY: u16 = 207;
/// obs-websocket status 600: the named scene/source/input does not exist.
pub(crate) const STATUS_RESOURCE_NOT_FOUND: u16 = 600;

/// Why a request failed. The daemon maps `NotFound` to 404, `NotConnected` to 503, `Timeout` to
/// 504 and the rest to 502.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ObsError {
    /// No live connection (disabled, connecting, kicked, …). Returned at once, never waits.
    #[error("not connected to OBS")]
    NotConnected,
    /// OBS does not know `name` (what = "scene", "source", "hotkey", …).
    #[error("OBS has no {what} named {name:?}")]
    NotFound { what: &'static str, name: String },
    /// No answer within `request_timeout` (OBS busy or the link half-open).
    #[error("OBS did not answer in time")]
    Timeout,
    /// OBS answered with a failed request status.
    #[error("OBS refused the request (code {code}): {message}")]
    Obs { code: u16, message: String },
    /// The connection broke while the request was in flight.
    #[error("connection to OBS lost during the request: {0}")]
    ConnectionLost(String),
    /// OBS answered something we could not understand, or the request was malformed.
    #[error("OBS protocol error: {0}")]
    Protocol(String),
}

impl ObsError {
    /// Whether this is OBS saying "not ready yet" (status 207), which callers retry.
    pub(crate) fn is_not_ready(&self) -> bool {
        matches!(self, ObsError::Obs { code, .. } if *code == STATUS_NOT_READY)
    }

    /// OBS status 600: the named resource does not exist.
    pub(crate) fn is_resource_not_found(&self) -> bool {
        matches!(self, ObsError::Obs { code, .. } if *code == STATUS_RESOURCE_NOT_FOUND)
    }

    /// Turn OBS's "resource not found" into [`ObsError::NotFound`] for a known argument.
    pub(crate) fn not_found_as(self, what: &'static str, name: &str) -> Self {
        match self {
            ObsError::Obs { code, .. } if code == STATUS_RESOURCE_NOT_FOUND => ObsError::NotFound {
                what,
                name: name.to_owned(),
            },
            other => other,
        }
    }

    /// Whether the failure says the transport is dead (the manager then checks the link at once).
    pub(crate) fn is_transport(&self) -> bool {
        matches!(self, ObsError::ConnectionLost(_) | ObsError::Timeout)
    }
}

impl From<obws::error::Error> for ObsError {
    fn from(e: obws::error::Error) -> Self {
        use obws::error::Error as E;
        match e {
            E::Api { code, message } => ObsError::Obs {
                code: u16::from(code),
                message: message.unwrap_or_else(|| default_message(code)),
            },
            E::Timeout => ObsError::Timeout,
            E::Send(_) | E::ReceiveMessage(_) | E::Disconnected => {
                ObsError::ConnectionLost(error_chain(&e))
            }
            other => ObsError::Protocol(error_chain(&other)),
        }
    }
}

fn default_message(code: StatusCode) -> String {
    format!("{code:?}")
}

/// `Display` of an error and its sources, e.g. "failed to connect: Connection refused".
pub(crate) fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        src = s.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_found_mapping() {
        let e = ObsError::Obs {
            code: 600,
            message: "No source".into(),
        };
        assert_eq!(
            e.not_found_as("scene", "X"),
            ObsError::NotFound {
                what: "scene",
                name: "X".into()
            }
        );
        let e = ObsError::Obs {
            code: 207,
            message: String::new(),
        };
        assert!(e.is_not_ready());
        assert_eq!(e.clone().not_found_as("scene", "X"), e);
    }
}
