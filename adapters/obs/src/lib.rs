//! stagehand-obs: the OBS adapter. It keeps one obs-websocket connection (obws) alive —
//! reconnect with backoff, heartbeat, NotReady retries, no reconnect after a kick — and turns
//! OBS into plain [`ObsEvent`]s and requests on an [`ObsHandle`]. It knows nothing of
//! dashboards or widgets; the daemon maps these events and requests.
//!
//! ```no_run
//! # async fn demo() {
//! use stagehand_obs::{ObsEvent, ObsHandle, ObsSettings};
//! let (obs, mut events) = ObsHandle::spawn(ObsSettings::default());
//! while let Some(ev) = events.recv().await {
//!     if let ObsEvent::ProgramSceneChanged { name, .. } = ev {
//!         println!("OBS shows {name}");
//!     }
//! }
//! obs.shutdown().await;
//! # }
//! ```

mod backoff;
mod connection;
mod error;
mod handle;
mod probe;
mod raw;
mod settings;
mod state;
mod tap;
#[cfg(feature = "test-obs")]
pub mod testing;

pub use error::ObsError;
pub use handle::ObsHandle;
pub use probe::{MIN_OBS, MIN_WEBSOCKET, ProbeFailure, ProbeInfo, probe};
pub use settings::ObsSettings;
pub use state::{ObsEvent, ObsState, ObsStatus, SceneInfo};
