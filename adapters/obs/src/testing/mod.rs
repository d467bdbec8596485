//! Test support, behind the `test-obs` feature: a real OBS launcher ([`ObsProcess`]) and a
//! scripted obs-websocket peer ([`ScriptedObs`]), usable from any test in the workspace.
//!
//! ```toml
//! [dev-dependencies]
//! stagehand-obs = { path = "adapters/obs", features = ["test-obs"] }
//! ```

mod process;
mod scripted;

pub use process::{DEFAULT_ROOT, LaunchError, ObsProcess, READY_TIMEOUT, free_port, obs_root};
pub use scripted::{
    EVENTS_CONFIG, EVENTS_GENERAL, EVENTS_SCENES, ReceivedRequest, Reply, ScriptedObs,
};

use std::time::Duration;

use crate::{ObsHandle, ObsState, ObsStatus};

/// Wait until the handle's status satisfies `pred` (no sleeping: follows the watch channel).
/// Returns the matching status, or the last one seen on timeout.
pub async fn wait_status(
    handle: &ObsHandle,
    timeout: Duration,
    pred: impl Fn(&ObsStatus) -> bool,
) -> Result<ObsStatus, ObsStatus> {
    let mut rx = handle.subscribe_status();
    let r = tokio::time::timeout(timeout, rx.wait_for(|s| pred(s))).await;
    match r {
        Ok(Ok(s)) => Ok(s.clone()),
        _ => Err(handle.status()),
    }
}

/// Wait for a given state; see [`wait_status`].
pub async fn wait_state(
    handle: &ObsHandle,
    state: ObsState,
    timeout: Duration,
) -> Result<ObsStatus, ObsStatus> {
    wait_status(handle, timeout, |s| s.state == state).await
}
