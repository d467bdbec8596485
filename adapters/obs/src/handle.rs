//! [`ObsHandle`]: the daemon's side of the adapter. Cheap to clone; all clones talk to the
//! same connection manager.

use std::future::Future;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use obws::Client;
use obws::requests::inputs::InputId;
use obws::requests::scene_items::{Id as SceneItemIdQuery, SetEnabled};
use obws::requests::scenes::SceneId;
use serde_json::Value;
use tokio::sync::{Notify, mpsc, oneshot, watch};
use tokio::time::Instant;

use crate::connection::{Control, EVENT_CHANNEL, Manager, NOT_READY_RETRY, Shared};
use crate::error::ObsError;
use crate::raw;
use crate::settings::ObsSettings;
use crate::state::{ObsEvent, ObsStatus, SceneInfo};

/// Input kind of OBS's browser source.
const BROWSER_SOURCE_KIND: &str = "browser_source";
/// Properties button of the browser source that reloads the page bypassing the cache.
const REFRESH_BUTTON: &str = "refreshnocache";
/// How long `shutdown` waits for the manager to close the socket.
const SHUTDOWN_WAIT: Duration = Duration::from_secs(3);

/// Handle to the OBS adapter. Requests fail fast with [`ObsError::NotConnected`] while there is
/// no connection, retry OBS's 207 NotReady transparently and are bounded by
/// `request_timeout`.
#[derive(Clone)]
pub struct ObsHandle {
    shared: Arc<Shared>,
    control: mpsc::UnboundedSender<Control>,
}

impl ObsHandle {
    /// Start the connection manager task (must be called inside a tokio runtime).
    ///
    /// The receiver gets [`ObsEvent`]s in order. It is bounded (256); while it is full the
    /// manager waits rather than drop events, so the daemon must keep draining it. Dropping the
    /// receiver is allowed (events are then discarded; `status()` keeps working). The manager
    /// stops on [`ObsHandle::shutdown`] or when the last handle is dropped.
    pub fn spawn(settings: ObsSettings) -> (ObsHandle, mpsc::Receiver<ObsEvent>) {
        let settings = settings.sanitized();
        let (status, _) = watch::channel(ObsStatus::initial(settings.enabled));
        let (shutting_down, _) = watch::channel(false);
        let shared = Arc::new(Shared {
            status,
            client: RwLock::new(None),
            settings: RwLock::new(settings),
            check_link: Notify::new(),
            shutting_down,
        });
        let (events_tx, events_rx) = mpsc::channel(EVENT_CHANNEL);
        let (control_tx, control_rx) = mpsc::unbounded_channel();
        tokio::spawn(Manager::new(Arc::clone(&shared), events_tx, control_rx).run());
        (
            ObsHandle {
                shared,
                control: control_tx,
            },
            events_rx,
        )
    }

    /// Current status; no I/O.
    pub fn status(&self) -> ObsStatus {
        self.shared.status.borrow().clone()
    }

    /// Watch the status (e.g. to push it to admin clients or wait for `Connected` in tests).
    pub fn subscribe_status(&self) -> watch::Receiver<ObsStatus> {
        self.shared.status.subscribe()
    }

    /// Leave `Kicked`/`AuthFailed`/backoff and connect now. While connected it only checks the
    /// link at once (heartbeat), it does not drop a healthy connection.
    pub fn reconnect_now(&self) {
        let _ = self.control.send(Control::ReconnectNow);
    }

    /// Apply new settings. A changed host, port, password or `enabled` reconnects; timing
    /// changes apply in place. When not connected it also retries at once.
    pub fn update_settings(&self, settings: ObsSettings) {
        let _ = self.control.send(Control::UpdateSettings(settings));
    }

    /// Stop the manager and close the socket cleanly (WebSocket close 1000). Other clones of
    /// the handle then get `NotConnected`.
    pub async fn shutdown(self) {
        let (ack_tx, ack_rx) = oneshot::channel();
        let _ = self.shared.shutting_down.send(true);
        if self.control.send(Control::Shutdown(ack_tx)).is_ok() {
            let _ = tokio::time::timeout(SHUTDOWN_WAIT, ack_rx).await;
        }
    }

    /// All scenes, in the order of OBS's Scenes dock (top first).
    pub async fn scenes(&self) -> Result<Vec<SceneInfo>, ObsError> {
        let mut list = self
            .call(|c| async move { c.scenes().list().await })
            .await?
            .scenes;
        // obs-websocket numbers scenes from the bottom of the dock.
        list.sort_by_key(|s| std::cmp::Reverse(s.index));
        Ok(list
            .into_iter()
            .map(|s| SceneInfo {
                name: s.id.name,
                uuid: s.id.uuid.to_string(),
            })
            .collect())
    }

    /// The program scene, asked from OBS now (`status().current_scene` is the cached value).
    pub async fn current_program_scene(&self) -> Result<String, ObsError> {
        self.call(|c| async move { c.scenes().current_program_scene().await })
            .await
            .map(|s| s.id.name)
    }

    /// Switch the program scene. The resulting `ProgramSceneChanged` event arrives after the
    /// transition ends (daemon: don't treat that echo as a user action).
    pub async fn set_program_scene(&self, name: &str) -> Result<(), ObsError> {
        self.call(|c| async move {
            c.scenes()
                .set_current_program_scene(SceneId::Name(name))
                .await
        })
        .await
        .map_err(|e| e.not_found_as("scene", name))
    }

    /// Show, hide (`Some`) or toggle (`None`) the first item named `source` in `scene` (a scene
    /// or group). Returns the new visibility.
    pub async fn set_source_visible(
        &self,
        scene: &str,
        source: &str,
        visible: Option<bool>,
    ) -> Result<bool, ObsError> {
        let item = self
            .call(|c| async move {
                c.scene_items()
                    .id(SceneItemIdQuery {
                        scene: SceneId::Name(scene),
                        source,
                        search_offset: None,
                    })
                    .await
            })
            .await;
        let item = match item {
            Ok(id) => id,
            Err(e) if e.is_resource_not_found() => {
                return Err(self.which_missing(scene, source).await);
            }
            Err(e) => return Err(e),
        };
        let target = match visible {
            Some(v) => v,
            None => !self
                .call(|c| async move { c.scene_items().enabled(SceneId::Name(scene), item).await })
                .await?,
        };
        self.call(|c| async move {
            c.scene_items()
                .set_enabled(SetEnabled {
                    scene: SceneId::Name(scene),
                    item_id: item,
                    enabled: target,
                })
                .await
        })
        .await?;
        Ok(target)
    }

    /// OBS says "not found" for both an unknown scene and an unknown item: find out which.
    async fn which_missing(&self, scene: &str, source: &str) -> ObsError {
        let scenes = self.scenes().await.unwrap_or_default();
        let groups = self
            .call(|c| async move { c.scenes().list_groups().await })
            .await
            .unwrap_or_default();
        let scene_exists =
            scenes.iter().any(|s| s.name == scene) || groups.iter().any(|g| g == scene);
        if scene_exists {
            ObsError::NotFound {
                what: "source",
                name: source.to_owned(),
            }
        } else {
            ObsError::NotFound {
                what: "scene",
                name: scene.to_owned(),
            }
        }
    }

    /// Trigger an OBS hotkey by its internal name (e.g. `OBSBasic.StartStreaming`).
    pub async fn trigger_hotkey(&self, name: &str) -> Result<(), ObsError> {
        self.call(|c| async move { c.hotkeys().trigger_by_name(name, None).await })
            .await
            .map_err(|e| e.not_found_as("hotkey", name))
    }

    /// Reload (bypassing the cache) every browser source whose `url` starts with `url_prefix`,
    /// e.g. our overlay after an upgrade. Returns how many were refreshed.
    pub async fn refresh_browser_sources(&self, url_prefix: &str) -> Result<usize, ObsError> {
        let inputs = self
            .call(|c| async move { c.inputs().list(Some(BROWSER_SOURCE_KIND)).await })
            .await?;
        let mut refreshed = 0;
        for input in inputs {
            let uuid = input.id.uuid;
            let settings = self
                .call(|c| async move { c.inputs().settings::<Value>(InputId::Uuid(uuid)).await })
                .await;
            let settings = match settings {
                Ok(s) => s.settings,
                // Removed meanwhile: nothing to refresh.
                Err(e) if e.is_resource_not_found() => continue,
                Err(e) => return Err(e),
            };
            let matches = settings
                .get("url")
                .and_then(Value::as_str)
                .is_some_and(|u| u.starts_with(url_prefix));
            if !matches {
                continue;
            }
            self.call(|c| async move {
                c.inputs()
                    .press_properties_button(InputId::Uuid(uuid), REFRESH_BUTTON)
                    .await
            })
            .await?;
            refreshed += 1;
        }
        Ok(refreshed)
    }

    /// Any obs-websocket request by type, returning its `responseData` (`null` if none).
    ///
    /// obws has no untyped request API, so this opens a short-lived second session to the same
    /// OBS (one handshake per call); it still fails fast with `NotConnected` when the adapter is
    /// not connected. Meant for rare calls; add a typed method for frequent ones.
    pub async fn raw_request(&self, request_type: &str, data: Value) -> Result<Value, ObsError> {
        let deadline = Instant::now() + self.shared.settings().request_timeout;
        loop {
            if self.shared.client().is_none() {
                return Err(ObsError::NotConnected);
            }
            let s = self.shared.settings();
            let left = deadline.saturating_duration_since(Instant::now());
            let r = raw::request(
                &s.host,
                s.port,
                s.effective_password(),
                request_type,
                data.clone(),
                left,
            )
            .await;
            match r {
                Err(e) if e.is_not_ready() && Instant::now() + NOT_READY_RETRY < deadline => {
                    tokio::time::sleep(NOT_READY_RETRY).await;
                }
                other => return other,
            }
        }
    }

    /// Run one obws call on the live client: fail fast when disconnected, retry NotReady,
    /// bound by `request_timeout`, and nudge the manager on transport trouble.
    async fn call<T, F, Fut>(&self, f: F) -> Result<T, ObsError>
    where
        F: Fn(Arc<Client>) -> Fut,
        Fut: Future<Output = Result<T, obws::error::Error>>,
    {
        let deadline = Instant::now() + self.shared.settings().request_timeout;
        loop {
            let client = self.shared.client().ok_or(ObsError::NotConnected)?;
            let err = match tokio::time::timeout_at(deadline, f(client)).await {
                Ok(Ok(v)) => return Ok(v),
                Ok(Err(e)) => ObsError::from(e),
                Err(_) => ObsError::Timeout,
            };
            if err.is_not_ready() && Instant::now() + NOT_READY_RETRY < deadline {
                tokio::time::sleep(NOT_READY_RETRY).await;
                continue;
            }
            if err.is_transport() {
                self.shared.check_link.notify_one();
            }
            return Err(err);
        }
    }
}
