//! Dashboards and OBS scenes move together.
//!
//! - The engine publishes a [`SceneIntent`] after every activation: OBS is switched to the
//!   active dashboard's scene unless it is already there.
//! - OBS reports a program scene change: the dashboard bound to that scene is activated
//!   through the normal engine path (audited as "obs"); unbound scenes change nothing.
//!
//! Only the LATEST intent is applied (a watch channel), a scene change that lands on the
//! active dashboard's own scene is an echo and changes nothing, and a scene change OBS has
//! already moved on from is stale and ignored, so the two sides converge instead of flapping
//! when both change at once.

use crate::config::OnConnect;
use crate::engine::{DashboardPatch, Engine, Request, SceneIntent};
use crate::hub::{Encoded, Hub};
use crate::model::{Actor, Dashboard, Effect};
use crate::store::Store;
use stagehand_obs::{ObsError, ObsEvent, ObsHandle};
use std::sync::Arc;
use tokio::sync::{mpsc, watch};

pub struct ObsBridge {
    pub obs: ObsHandle,
    pub engine: Engine,
    pub store: Arc<Store>,
    pub hub: Arc<Hub>,
    pub on_connect: OnConnect,
    /// URL prefixes of our overlay, to refresh stale OBS browser sources.
    pub overlay_urls: Vec<String>,
}

struct State {
    /// Browser sources are refreshed once, on the first connection after our start.
    refreshed: bool,
    /// The intent could not be applied because OBS lacked the scene; retry when scenes change.
    pending: bool,
}

impl ObsBridge {
    pub async fn run(
        self,
        mut events: mpsc::Receiver<ObsEvent>,
        mut intent: watch::Receiver<SceneIntent>,
        mut shutdown: watch::Receiver<bool>,
    ) {
        let mut st = State {
            refreshed: false,
            pending: false,
        };
        loop {
            tokio::select! {
                _ = shutdown.changed() => break,
                ev = events.recv() => match ev {
                    Some(ev) => self.on_event(ev, &intent, &mut st).await,
                    None => break,
                },
                changed = intent.changed() => {
                    if changed.is_err() {
                        break;
                    }
                    let wanted = intent.borrow_and_update().clone();
                    self.apply(&wanted, &mut st).await;
                }
            }
        }
    }

    async fn on_event(&self, ev: ObsEvent, intent: &watch::Receiver<SceneIntent>, st: &mut State) {
        match ev {
            ObsEvent::Status(_) => self.publish_status(),
            ObsEvent::Connected { current_scene } => {
                self.publish_status();
                if !st.refreshed {
                    st.refreshed = true;
                    self.refresh_overlays().await;
                }
                match self.on_connect {
                    OnConnect::FollowObs => self.follow(&current_scene).await,
                    OnConnect::ApplyDashboard => {
                        let wanted = intent.borrow().clone();
                        self.apply(&wanted, st).await;
                    }
                }
            }
            ObsEvent::ProgramSceneChanged { name, .. } => {
                self.publish_status();
                self.follow(&name).await;
            }
            ObsEvent::SceneNameChanged { old_name, new_name } => {
                self.publish_status();
                self.rename(&old_name, &new_name).await;
            }
            ObsEvent::SceneListChanged => {
                self.hub
                    .publish_admin(Encoded::new("obs_scenes_changed", &serde_json::json!({})));
                if st.pending {
                    let wanted = intent.borrow().clone();
                    self.apply(&wanted, st).await;
                }
            }
        }
    }

    fn publish_status(&self) {
        self.hub
            .publish_admin(Encoded::new("obs_status", &self.obs.status()));
    }

    fn dashboards(&self) -> Vec<Dashboard> {
        match self.store.read().and_then(|r| r.dashboards()) {
            Ok(d) => d,
            Err(e) => {
                tracing::error!(error = %e, "cannot read dashboards");
                Vec::new()
            }
        }
    }

    /// OBS is on `scene`: activate the dashboard bound to it, unless it is already active.
    async fn follow(&self, scene: &str) {
        let dashboards = self.dashboards();
        let bound: Vec<&Dashboard> = dashboards
            .iter()
            .filter(|d| d.obs_scene.as_deref() == Some(scene))
            .collect();
        let active = self.hub.active_dashboard();
        if bound.is_empty() || bound.iter().any(|d| Some(d.id) == active) {
            return;
        }
        // A stale event (OBS has moved on since, e.g. because we just applied a newer
        // activation) must not override the newer state: that is how flapping starts.
        if let Ok(current) = self.obs.current_program_scene().await
            && current != scene
        {
            return;
        }
        let id = bound[0].id;
        tracing::info!(
            scene,
            dashboard = id,
            "OBS switched scenes; activating its dashboard"
        );
        if let Err(e) = self
            .engine
            .call(Actor::Obs, Request::ActivateDashboard { id })
            .await
        {
            tracing::warn!(error = %e, "could not activate the dashboard of OBS's scene");
        }
    }

    /// Switch OBS to the intent's scene if it is not there already.
    async fn apply(&self, wanted: &SceneIntent, st: &mut State) {
        let Some(scene) = wanted.scene.as_deref() else {
            return;
        };
        let status = self.obs.status();
        if !status.connected {
            // Applied on reconnect (apply_dashboard) or superseded by OBS's scene (follow_obs).
            return;
        }
        // Ask OBS rather than trust the cached scene: events may still be in flight.
        let current = self
            .obs
            .current_program_scene()
            .await
            .ok()
            .or(status.current_scene);
        if current.as_deref() == Some(scene) {
            st.pending = false;
            return;
        }
        match self.obs.set_program_scene(scene).await {
            Ok(()) => st.pending = false,
            Err(ObsError::NotFound { .. }) => {
                if !st.pending {
                    tracing::warn!(
                        scene,
                        "the active dashboard is bound to a scene OBS does not have"
                    );
                }
                st.pending = true;
            }
            Err(e) => tracing::warn!(scene, error = %e, "could not switch the OBS scene"),
        }
    }

    /// A scene was renamed in OBS: dashboards bound to it follow the new name.
    async fn rename(&self, old: &str, new: &str) {
        for d in self
            .dashboards()
            .into_iter()
            .filter(|d| d.obs_scene.as_deref() == Some(old))
        {
            let patch = DashboardPatch {
                obs_scene: Some(Some(new.to_string())),
                ..DashboardPatch::default()
            };
            if let Err(e) = self
                .engine
                .call(Actor::Obs, Request::UpdateDashboard { id: d.id, patch })
                .await
            {
                tracing::warn!(error = %e, dashboard = d.id, "could not follow a scene rename");
            }
        }
    }

    /// OBS started before us may show a cached error page in its browser sources: reload them.
    async fn refresh_overlays(&self) {
        let mut total = 0;
        for prefix in &self.overlay_urls {
            match self.obs.refresh_browser_sources(prefix).await {
                Ok(n) => total += n,
                Err(e) => tracing::debug!(error = %e, prefix, "could not refresh browser sources"),
            }
        }
        if total > 0 {
            tracing::info!(
                count = total,
                "refreshed OBS browser sources showing the overlay"
            );
        }
    }
}

/// Performs a feature's effects in order (after its commit). The first failure stops.
pub async fn perform(obs: &ObsHandle, effects: &[Effect]) -> Result<(), ObsError> {
    for effect in effects {
        match effect {
            Effect::ObsSwitchScene { scene } => obs.set_program_scene(scene).await?,
            Effect::ObsSetSourceVisible {
                scene,
                source,
                visible,
            } => {
                obs.set_source_visible(scene, source, *visible).await?;
            }
        }
    }
    Ok(())
}
