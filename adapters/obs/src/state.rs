//! What the adapter tells the daemon: connection state, status snapshot and events.

use serde::Serialize;

/// Connection state of the adapter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ObsState {
    /// `enabled = false`: nothing connects.
    Disabled,
    /// First attempt after start, `reconnect_now` or a settings change.
    Connecting,
    Connected,
    /// Lost or never reached; retrying with backoff (no state flip per retry).
    Disconnected,
    /// OBS rejected the password (close code 4009); retried only every 60 s.
    AuthFailed,
    /// The user kicked us in OBS (close code 4011); no retry until `reconnect_now`/`update_settings`.
    Kicked,
}

/// Snapshot for `/api/status.obs`. Never contains the password.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ObsStatus {
    pub enabled: bool,
    pub connected: bool,
    pub state: ObsState,
    /// Program scene as last reported by OBS; kept while disconnected (stale, but useful).
    pub current_scene: Option<String>,
    /// Why the last connection failed or ended; cleared on connect.
    pub last_error: Option<String>,
}

impl ObsStatus {
    pub(crate) fn initial(enabled: bool) -> Self {
        Self {
            enabled,
            connected: false,
            state: if enabled {
                ObsState::Connecting
            } else {
                ObsState::Disabled
            },
            current_scene: None,
            last_error: None,
        }
    }
}

/// One OBS scene.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SceneInfo {
    pub name: String,
    pub uuid: String,
}

/// Events for the daemon, delivered in order through a bounded channel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ObsEvent {
    /// `state` or `last_error` changed (not sent for scene changes: see `ProgramSceneChanged`).
    Status(ObsStatus),
    /// A connection is up; the current program scene at that moment. Followed by a `Status`.
    Connected {
        current_scene: String,
    },
    /// OBS switched its program scene (by us, another client or the user). After a lag resync
    /// this is also sent when the scene differs from the last known one.
    ProgramSceneChanged {
        name: String,
        uuid: String,
    },
    SceneNameChanged {
        old_name: String,
        new_name: String,
    },
    /// Scenes were created, removed, reordered, or events were missed: re-read `scenes()`.
    SceneListChanged,
}
