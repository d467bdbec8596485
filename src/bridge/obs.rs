//! Dashboards and OBS scenes move together.
//!
//! - The engine publishes a [`SceneIntent`] after every activation: OBS is switched to the
//!   active dashboard's scene unless it is already there.
//! - OBS reports a program scene change: the dashboard bound to that scene is activated
//!   through the normal engine path (audited as "obs"); unbound scenes change nothing.
//!
//! Only the LATEST intent is applied (a watch channel), and at most one switch of ours is
//! on its way at a time: the next waits until OBS has reported the previous one (its echo),
//! so every `CurrentProgramSceneChanged` can be told apart — ours, or a switch made in OBS —
//! and two activations back to back always end on the later one, on both sides. A scene
//! change that lands on the active dashboard's scene changes nothing, and one OBS has
//! already moved on from is stale and ignored, so the two sides converge instead of flapping
//! when both change at once. The scene OBS is on is known from its events, so an activation
//! costs exactly one request to OBS.

use crate::config::OnConnect;
use crate::engine::{DashboardPatch, Engine, Request, SceneIntent};
use crate::hub::{Encoded, Hub};
use crate::model::{Actor, Dashboard, Effect};
use crate::store::Store;
use stagehand_obs::{ObsError, ObsEvent, ObsHandle};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

/// How long OBS may take to report a switch we asked for before we stop waiting for it
/// (it reports when the transition starts; a stuck OBS must not block later activations).
const ECHO_WAIT: Duration = Duration::from_secs(2);

pub struct ObsBridge {
    pub obs: ObsHandle,
    pub engine: Engine,
    pub store: Arc<Store>,
    pub hub: Arc<Hub>,
    /// Live: the settings page may change it while we run.
    pub on_connect: watch::Receiver<OnConnect>,
    /// URL prefixes of our overlay, to refresh stale OBS browser sources.
    pub overlay_urls: Vec<String>,
}

struct State {
    /// Browser sources are refreshed once, on the first connection after our start.
    refreshed: bool,
    /// The intent could not be applied because OBS lacked the scene; retry when scenes change.
    pending: bool,
    /// Our switch whose `CurrentProgramSceneChanged` has not arrived yet, and until when we
    /// wait for it.
    in_flight: Option<(String, Instant)>,
    /// An intent arrived while a switch was in flight: apply the latest once it lands.
    deferred: bool,
    /// The scene OBS is on, or is switching to because we asked (None: unknown).
    known: Option<String>,
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
            in_flight: None,
            deferred: false,
            known: None,
        };
        loop {
            tokio::select! {
                // A newer activation first: events that arrive meanwhile are judged against it.
                biased;
                _ = shutdown.changed() => break,
                changed = intent.changed() => {
                    if changed.is_err() {
                        break;
                    }
                    let wanted = intent.borrow_and_update().clone();
                    self.apply(&wanted, &mut st).await;
                }
                ev = events.recv() => match ev {
                    Some(ev) => self.on_event(ev, &intent, &mut st).await,
                    None => break,
                },
                _ = tokio::time::sleep_until(st.in_flight.as_ref().map_or_else(Instant::now, |f| f.1)),
                    if st.in_flight.is_some() => {
                    tracing::debug!("OBS did not report our scene switch; going on");
                    st.in_flight = None;
                    self.resume(&intent, &mut st).await;
                }
            }
        }
    }

    async fn on_event(&self, ev: ObsEvent, intent: &watch::Receiver<SceneIntent>, st: &mut State) {
        match ev {
            ObsEvent::Status(_) => self.publish_status(),
            ObsEvent::Connected { current_scene } => {
                crate::metrics::METRICS.obs_connects.inc();
                st.in_flight = None;
                st.known = Some(current_scene.clone());
                self.publish_status();
                if !st.refreshed {
                    st.refreshed = true;
                    self.refresh_overlays().await;
                }
                let on_connect = *self.on_connect.borrow();
                match on_connect {
                    OnConnect::FollowObs => self.follow(&current_scene).await,
                    OnConnect::ApplyDashboard => {
                        let wanted = intent.borrow().clone();
                        self.apply(&wanted, st).await;
                    }
                }
            }
            ObsEvent::ProgramSceneChanged { name, .. } => {
                self.publish_status();
                if let Some((ours, _)) = &st.in_flight {
                    if *ours == name {
                        st.in_flight = None;
                        st.known = Some(name);
                        self.resume(intent, st).await;
                        return;
                    }
                    // Events come in OBS's order: a switch reported before the echo of ours
                    // happened before it and is stale, unless OBS skipped ours (only asking
                    // tells; rare, so the round trip is fine).
                    match self.obs.current_program_scene().await {
                        // The switch in OBS came last: it wins over what waited for ours.
                        Ok(current) if current == name => {
                            st.in_flight = None;
                            st.deferred = false;
                        }
                        Ok(current) => {
                            st.known = Some(current);
                            return;
                        }
                        Err(_) => return,
                    }
                }
                st.known = Some(name.clone());
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

    /// Our switch landed (or was given up on): apply what was asked for meanwhile.
    async fn resume(&self, intent: &watch::Receiver<SceneIntent>, st: &mut State) {
        if std::mem::take(&mut st.deferred) {
            let wanted = intent.borrow().clone();
            self.apply(&wanted, st).await;
        }
    }

    /// Switch OBS to the intent's scene if it is not there already.
    async fn apply(&self, wanted: &SceneIntent, st: &mut State) {
        if st.in_flight.is_some() {
            st.deferred = true;
            return;
        }
        let Some(scene) = wanted.scene.as_deref() else {
            return;
        };
        let status = self.obs.status();
        if !status.connected {
            // Applied on reconnect (apply_dashboard) or superseded by OBS's scene (follow_obs).
            return;
        }
        // Known from OBS's own events and our switches: no round trip before switching.
        let current = st.known.clone().or(status.current_scene);
        if current.as_deref() == Some(scene) {
            st.pending = false;
            return;
        }
        match self.obs.set_program_scene(scene).await {
            Ok(()) => {
                st.pending = false;
                st.in_flight = Some((scene.to_string(), Instant::now() + ECHO_WAIT));
                st.known = Some(scene.to_string());
            }
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

/// Performs a committed feature's effects and records the outcome in its audit entry.
/// Runs in its own task, so a caller that goes away (HTTP client disconnected) cannot leave
/// an effect half done or its audit entry unwritten.
pub async fn run_effects(
    engine: &Engine,
    obs: &ObsHandle,
    mut done: crate::engine::Done,
) -> Result<(), ObsError> {
    if done.effects.is_empty() && done.pending_audit.is_none() {
        return Ok(());
    }
    let (engine, obs) = (engine.clone(), obs.clone());
    let task = tokio::spawn(async move {
        let result = perform(&obs, &done.effects).await;
        engine.record_effects(
            &mut done,
            result.as_ref().map(|_| ()).map_err(|e| e.to_string()),
        );
        result
    });
    task.await
        .unwrap_or_else(|e| Err(ObsError::ConnectionLost(format!("effect task failed: {e}"))))
}

/// Performs a feature's effects in order (after its commit). The first failure stops.
async fn perform(obs: &ObsHandle, effects: &[Effect]) -> Result<(), ObsError> {
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
