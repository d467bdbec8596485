//! The connection manager: one task that owns the obws client, reconnects with backoff,
//! runs the heartbeat, turns obws events into [`ObsEvent`]s and publishes [`ObsStatus`].
//!
//! Requests do not go through this task: it publishes the live client in [`Shared`] and the
//! handle calls obws directly, so a slow request never delays events or the heartbeat.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use futures_util::StreamExt;
use obws::Client;
use obws::client::ConnectConfig;
use obws::events::{Event, EventStream};
use obws::requests::EventSubscription;
use obws::responses::StatusCode;
use tokio::sync::{Notify, mpsc, oneshot, watch};
use tokio::time::{Instant, MissedTickBehavior};
use tracing::{debug, error, info, warn};

use crate::backoff::Backoff;
use crate::error::error_chain;
use crate::raw::{CLOSE_AUTH_FAILED, CLOSE_SESSION_INVALIDATED};
use crate::settings::ObsSettings;
use crate::state::{ObsEvent, ObsState, ObsStatus};
use crate::tap::Tap;

/// How often a rejected password is retried (OBS may have been reconfigured meanwhile).
pub(crate) const AUTH_RETRY: Duration = Duration::from_secs(60);
/// Delay between attempts while OBS answers 207 NotReady (it is still loading).
pub(crate) const NOT_READY_RETRY: Duration = Duration::from_millis(250);
/// Longest pause between connect attempts while OBS answers NotReady.
const NOT_READY_MAX_WAIT: Duration = Duration::from_secs(1);
/// obws's broadcast buffer between its socket reader and our event loop. Past it, obws drops
/// events and we resync (see [`Manager::resync`]).
const OBWS_EVENT_BUFFER: usize = 1024;
/// Capacity of the channel to the daemon. When it is full the manager waits (events are never
/// dropped); obws keeps buffering meanwhile.
pub(crate) const EVENT_CHANNEL: usize = 256;
/// How long a clean close may take before the sockets are cut.
const CLOSE_GRACE: Duration = Duration::from_secs(1);

/// Commands from handles to the manager.
pub(crate) enum Control {
    ReconnectNow,
    UpdateSettings(ObsSettings),
    Shutdown(oneshot::Sender<()>),
}

/// State shared between the manager and all handles.
pub(crate) struct Shared {
    pub status: watch::Sender<ObsStatus>,
    /// The live client while connected; `None` makes requests fail fast with `NotConnected`.
    pub client: RwLock<Option<Arc<Client>>>,
    pub settings: RwLock<ObsSettings>,
    /// A request saw a timeout or a dead socket: run the heartbeat now.
    pub check_link: Notify,
    /// Set by `shutdown` so a manager blocked on a full event channel gives up.
    pub shutting_down: watch::Sender<bool>,
}

impl Shared {
    pub fn client(&self) -> Option<Arc<Client>> {
        self.client.read().ok().and_then(|c| c.clone())
    }

    pub fn settings(&self) -> ObsSettings {
        match self.settings.read() {
            Ok(s) => s.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn set_client(&self, client: Option<Arc<Client>>) {
        match self.client.write() {
            Ok(mut c) => *c = client,
            Err(poisoned) => *poisoned.into_inner() = client,
        }
    }
}

struct Session {
    client: Arc<Client>,
    tap: Tap,
    events: EventStream,
    current_scene: obws::responses::scenes::SceneId,
    /// OBS announced its exit (so the close that follows is not a surprise).
    exit_started: bool,
    /// obws reported the socket closed (`ServerStopped`).
    stopped: bool,
    /// A heartbeat succeeded on this connection (then the backoff starts over).
    healthy: bool,
}

enum Failure {
    NotReady,
    Auth(String),
    Other(String),
}

enum End {
    Shutdown(Option<oneshot::Sender<()>>),
    /// Settings changed the endpoint: connect again at once.
    Restart,
    Lost(String),
    Kicked(String),
}

enum Wake {
    Elapsed,
    Retry,
    Shutdown(Option<oneshot::Sender<()>>),
}

pub(crate) struct Manager {
    shared: Arc<Shared>,
    events: mpsc::Sender<ObsEvent>,
    control: mpsc::UnboundedReceiver<Control>,
    settings: ObsSettings,
    backoff: Backoff,
    /// Set while the daemon's channel is full, so the warning is logged once per stall.
    stalled: bool,
}

impl Manager {
    pub fn new(
        shared: Arc<Shared>,
        events: mpsc::Sender<ObsEvent>,
        control: mpsc::UnboundedReceiver<Control>,
    ) -> Self {
        let settings = shared.settings();
        Self {
            backoff: Backoff::new(settings.reconnect_max),
            shared,
            events,
            control,
            settings,
            stalled: false,
        }
    }

    pub async fn run(mut self) {
        let ack = loop {
            if !self.settings.enabled {
                self.set_state(ObsState::Disabled, None).await;
                match self.wait(None).await {
                    Wake::Shutdown(ack) => break ack,
                    Wake::Elapsed | Wake::Retry => continue,
                }
            }
            let delay = match self.connect().await {
                Ok(session) => match self.run_session(session).await {
                    End::Shutdown(ack) => break ack,
                    End::Restart => {
                        self.backoff.reset();
                        self.set_state(ObsState::Connecting, None).await;
                        continue;
                    }
                    End::Lost(reason) => {
                        self.set_state(ObsState::Disconnected, Some(reason)).await;
                        Some(self.backoff.next_delay())
                    }
                    End::Kicked(reason) => {
                        self.set_state(ObsState::Kicked, Some(reason)).await;
                        None
                    }
                },
                // OBS is loading: retry soon, quietly (no state change), at most every second.
                Err(Failure::NotReady) => Some(self.backoff.next_delay().min(NOT_READY_MAX_WAIT)),
                Err(Failure::Auth(msg)) => {
                    self.set_state(ObsState::AuthFailed, Some(msg)).await;
                    Some(AUTH_RETRY)
                }
                Err(Failure::Other(msg)) => {
                    self.set_state(ObsState::Disconnected, Some(msg)).await;
                    Some(self.backoff.next_delay())
                }
            };
            match self.wait(delay).await {
                Wake::Elapsed => {}
                Wake::Retry => {
                    self.backoff.reset();
                    if self.settings.enabled {
                        self.set_state(ObsState::Connecting, None).await;
                    }
                }
                Wake::Shutdown(ack) => break ack,
            }
        };
        self.shared.set_client(None);
        self.shared.status.send_modify(|s| {
            s.connected = false;
            s.state = ObsState::Disabled;
        });
        info!("OBS adapter stopped");
        if let Some(ack) = ack {
            let _ = ack.send(());
        }
    }

    /// Sleep for `delay` (forever if `None`) unless a handle asks for something first.
    async fn wait(&mut self, delay: Option<Duration>) -> Wake {
        let sleep = async {
            match delay {
                Some(d) => tokio::time::sleep(d).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            () = sleep => Wake::Elapsed,
            c = self.control.recv() => match c {
                None => Wake::Shutdown(None),
                Some(Control::Shutdown(ack)) => Wake::Shutdown(Some(ack)),
                Some(Control::ReconnectNow) => Wake::Retry,
                Some(Control::UpdateSettings(s)) => {
                    self.apply_settings(s);
                    Wake::Retry
                }
            },
        }
    }

    fn apply_settings(&mut self, s: ObsSettings) {
        let s = s.sanitized();
        self.backoff.set_cap(s.reconnect_max);
        match self.shared.settings.write() {
            Ok(mut w) => *w = s.clone(),
            Err(poisoned) => *poisoned.into_inner() = s.clone(),
        }
        let enabled = s.enabled;
        self.settings = s;
        self.shared.status.send_if_modified(|st| {
            let changed = st.enabled != enabled;
            st.enabled = enabled;
            changed
        });
    }

    async fn connect(&mut self) -> Result<Session, Failure> {
        let s = self.settings.clone();
        let tap = Tap::open(&s.host, s.port, s.request_timeout)
            .await
            .map_err(|e| {
                Failure::Other(format!("cannot reach OBS at {}:{}: {e}", s.host, s.port))
            })?;
        let config = ConnectConfig {
            host: "127.0.0.1",
            port: tap.port(),
            dangerous: None,
            password: s.effective_password(),
            event_subscriptions: Some(
                EventSubscription::GENERAL | EventSubscription::CONFIG | EventSubscription::SCENES,
            ),
            broadcast_capacity: OBWS_EVENT_BUFFER,
            connect_timeout: s.request_timeout,
        };
        let client =
            match tokio::time::timeout(s.request_timeout * 2, Client::connect_with_config(config))
                .await
            {
                Err(_) => return Err(Failure::Other("timed out while connecting to OBS".into())),
                Ok(Ok(c)) => Arc::new(c),
                Ok(Err(e)) => return Err(classify(&e, &tap, s.effective_password().is_some())),
            };
        // Subscribe before reading the scene so no change between the two is missed.
        let events = client
            .events()
            .map_err(|e| Failure::Other(error_chain(&e)))?;
        // Right after start-up OBS may still answer 207 NotReady: keep the session and retry.
        let deadline = Instant::now() + s.request_timeout;
        let current_scene = loop {
            let r =
                tokio::time::timeout_at(deadline, client.scenes().current_program_scene()).await;
            match r {
                Err(_) => return Err(Failure::Other("OBS did not answer in time".into())),
                Ok(Ok(c)) => break c.id,
                Ok(Err(obws::error::Error::Api {
                    code: StatusCode::NotReady,
                    ..
                })) if Instant::now() + NOT_READY_RETRY < deadline => {
                    tokio::time::sleep(NOT_READY_RETRY).await;
                }
                Ok(Err(obws::error::Error::Api {
                    code: StatusCode::NotReady,
                    ..
                })) => return Err(Failure::NotReady),
                Ok(Err(e)) => return Err(Failure::Other(error_chain(&e))),
            }
        };
        Ok(Session {
            client,
            tap,
            events,
            current_scene,
            exit_started: false,
            stopped: false,
            healthy: false,
        })
    }

    async fn run_session(&mut self, mut sess: Session) -> End {
        self.shared.set_client(Some(Arc::clone(&sess.client)));
        let scene = sess.current_scene.name.clone();
        self.shared.status.send_modify(|st| {
            st.current_scene = Some(scene.clone());
        });
        self.emit(ObsEvent::Connected {
            current_scene: scene.clone(),
        })
        .await;
        self.set_state(ObsState::Connected, None).await;
        info!(
            host = %self.settings.host,
            port = self.settings.port,
            program_scene = %scene,
            "connected to OBS"
        );

        let mut heartbeat = self.heartbeat_timer();
        let end = loop {
            tokio::select! {
                c = self.control.recv() => match c {
                    None => break End::Shutdown(None),
                    Some(Control::Shutdown(ack)) => break End::Shutdown(Some(ack)),
                    // Connected already: only make sure the link is really alive.
                    Some(Control::ReconnectNow) => {
                        if let Err(reason) = self.heartbeat(&mut sess).await {
                            break End::Lost(reason);
                        }
                    }
                    Some(Control::UpdateSettings(s)) => {
                        let restart = !self.settings.same_endpoint(&s.clone().sanitized());
                        self.apply_settings(s);
                        if restart {
                            break End::Restart;
                        }
                        heartbeat = self.heartbeat_timer();
                    }
                },
                ev = sess.events.next() => match ev {
                    Some(ev) => {
                        if let Some(end) = self.on_event(ev, &mut sess).await {
                            break end;
                        }
                    }
                    // obws ends the stream on close and also when we lagged behind its buffer;
                    // only in the second case can it hand out a new stream.
                    None => match sess.client.events() {
                        Ok(stream) if !sess.stopped => {
                            warn!("missed OBS events (daemon too slow); resyncing");
                            sess.events = stream;
                            if let Err(reason) = self.resync(&mut sess).await {
                                break End::Lost(reason);
                            }
                        }
                        _ => break closed(&sess),
                    },
                },
                _ = heartbeat.tick() => {
                    if let Err(reason) = self.heartbeat(&mut sess).await {
                        break End::Lost(reason);
                    }
                }
                () = self.shared.check_link.notified() => {
                    if let Err(reason) = self.heartbeat(&mut sess).await {
                        break End::Lost(reason);
                    }
                }
            }
        };
        // Unpublish first: from here on requests fail fast instead of using a dying client.
        self.shared.set_client(None);
        let Session { client, tap, .. } = sess;
        drop(client);
        if matches!(end, End::Shutdown(_) | End::Restart) {
            // obws just drops its socket; the tap then sends a proper close frame to OBS.
            tap.finish(CLOSE_GRACE).await;
        }
        end
    }

    fn heartbeat_timer(&self) -> tokio::time::Interval {
        let period = self.settings.heartbeat;
        let mut t = tokio::time::interval_at(Instant::now() + period, period);
        t.set_missed_tick_behavior(MissedTickBehavior::Delay);
        t
    }

    /// One cheap request; no answer within `request_timeout` means the link is dead (e.g. the
    /// PC slept and the socket is half-open). Any answer, even an error status, is alive.
    async fn heartbeat(&mut self, sess: &mut Session) -> Result<(), String> {
        let t = self.settings.request_timeout;
        match tokio::time::timeout(t, sess.client.scenes().current_program_scene()).await {
            Err(_) => Err(format!(
                "OBS did not answer the heartbeat within {:.1} s",
                t.as_secs_f64()
            )),
            Ok(Err(e)) if !matches!(e, obws::error::Error::Api { .. }) => {
                Err(format!("heartbeat failed: {}", error_chain(&e)))
            }
            Ok(_) => {
                if !sess.healthy {
                    sess.healthy = true;
                    self.backoff.reset();
                }
                Ok(())
            }
        }
    }

    /// After missed events: re-read what the daemon cares about and report differences.
    async fn resync(&mut self, sess: &mut Session) -> Result<(), String> {
        let t = self.settings.request_timeout;
        let current =
            match tokio::time::timeout(t, sess.client.scenes().current_program_scene()).await {
                Ok(Ok(c)) => c.id,
                Ok(Err(e)) => return Err(format!("resync failed: {}", error_chain(&e))),
                Err(_) => return Err("OBS did not answer the resync in time".into()),
            };
        let known = self.shared.status.borrow().current_scene.clone();
        if known.as_deref() != Some(current.name.as_str()) {
            self.program_scene_changed(current.name, current.uuid.to_string())
                .await;
        }
        self.emit(ObsEvent::SceneListChanged).await;
        Ok(())
    }

    async fn program_scene_changed(&mut self, name: String, uuid: String) {
        self.shared.status.send_if_modified(|st| {
            let changed = st.current_scene.as_deref() != Some(name.as_str());
            st.current_scene = Some(name.clone());
            changed
        });
        self.emit(ObsEvent::ProgramSceneChanged { name, uuid })
            .await;
    }

    async fn on_event(&mut self, ev: Event, sess: &mut Session) -> Option<End> {
        match ev {
            Event::CurrentProgramSceneChanged { id } => {
                self.program_scene_changed(id.name, id.uuid.to_string())
                    .await;
            }
            Event::SceneNameChanged {
                old_name, new_name, ..
            } => {
                self.shared.status.send_if_modified(|st| {
                    if st.current_scene.as_deref() == Some(old_name.as_str()) {
                        st.current_scene = Some(new_name.clone());
                        true
                    } else {
                        false
                    }
                });
                self.emit(ObsEvent::SceneNameChanged { old_name, new_name })
                    .await;
            }
            Event::SceneListChanged { .. } => self.emit(ObsEvent::SceneListChanged).await,
            // A whole new set of scenes: the program scene may have changed without an event.
            Event::CurrentSceneCollectionChanged { .. } => {
                if let Err(reason) = self.resync(sess).await {
                    return Some(End::Lost(reason));
                }
            }
            Event::ExitStarted => {
                debug!("OBS is exiting");
                sess.exit_started = true;
            }
            Event::ServerStopped => {
                sess.stopped = true;
                return Some(closed(sess));
            }
            _ => {}
        }
        None
    }

    /// Update the state (and error), publish it, and on a change emit `Status` and log once.
    async fn set_state(&mut self, state: ObsState, error: Option<String>) {
        let mut changed_state = false;
        let changed = self.shared.status.send_if_modified(|st| {
            changed_state = st.state != state;
            let changed = changed_state || st.last_error != error;
            st.state = state;
            st.connected = state == ObsState::Connected;
            st.last_error = error.clone();
            changed
        });
        if !changed {
            return;
        }
        let msg = error.as_deref().unwrap_or("");
        let (host, port) = (&self.settings.host, self.settings.port);
        if changed_state {
            match state {
                ObsState::Disabled => info!("OBS adapter disabled"),
                ObsState::Connecting => info!(%host, port, "connecting to OBS"),
                ObsState::Connected => {}
                ObsState::Disconnected => {
                    warn!(%host, port, error = msg, "OBS not connected; retrying with backoff")
                }
                ObsState::AuthFailed => error!(
                    %host, port, error = msg,
                    "OBS rejected the password; retrying every {} s", AUTH_RETRY.as_secs()
                ),
                ObsState::Kicked => warn!(
                    error = msg,
                    "OBS closed our session (kicked by the user); not reconnecting until asked"
                ),
            }
        } else {
            debug!(state = ?state, error = msg, "OBS status changed");
        }
        let snapshot = self.shared.status.borrow().clone();
        self.emit(ObsEvent::Status(snapshot)).await;
    }

    /// Deliver in order. A full channel makes us wait (never drop); `shutdown` cuts the wait.
    async fn emit(&mut self, ev: ObsEvent) {
        let ev = match self.events.try_send(ev) {
            Ok(()) => {
                self.stalled = false;
                return;
            }
            Err(mpsc::error::TrySendError::Closed(_)) => return,
            Err(mpsc::error::TrySendError::Full(ev)) => ev,
        };
        if !self.stalled {
            self.stalled = true;
            warn!(
                capacity = EVENT_CHANNEL,
                "OBS event channel full; waiting for the daemon"
            );
        }
        let mut stop = self.shared.shutting_down.subscribe();
        tokio::select! {
            _ = self.events.send(ev) => {}
            _ = stop.wait_for(|v| *v) => {}
        }
    }
}

/// Map obws's connect error to a failure class. The close code comes from the tap or, during
/// the handshake, from obws itself.
fn classify(e: &obws::error::Error, tap: &Tap, has_password: bool) -> Failure {
    use obws::client::HandshakeError;
    use obws::error::Error as E;
    let mut code = tap.close_frame().map(|f| f.code);
    if let E::Handshake(HandshakeError::ConnectionClosed(Some(d))) = e {
        code = Some(u16::from(d.code));
    }
    if code == Some(CLOSE_AUTH_FAILED) {
        return Failure::Auth(if has_password {
            "OBS rejected the password (check obs.password against OBS → Tools → WebSocket Server Settings)".into()
        } else {
            "OBS requires a password (set obs.password)".into()
        });
    }
    match e {
        E::Api {
            code: StatusCode::NotReady,
            ..
        } => Failure::NotReady,
        other => Failure::Other(error_chain(other)),
    }
}

/// Why the session ended once obws reported the socket closed.
fn closed(sess: &Session) -> End {
    match sess.tap.close_frame() {
        Some(f) if f.code == CLOSE_SESSION_INVALIDATED => End::Kicked(format!(
            "OBS closed our session (code 4011{}): kicked in OBS → Tools → WebSocket Server Settings",
            if f.reason.is_empty() {
                String::new()
            } else {
                format!(": {}", f.reason)
            }
        )),
        Some(f) if sess.exit_started => End::Lost(format!("OBS exited (close code {})", f.code)),
        Some(f) => End::Lost(format!(
            "OBS closed the connection (code {}{})",
            f.code,
            if f.reason.is_empty() {
                String::new()
            } else {
                format!(": {}", f.reason)
            }
        )),
        None if sess.exit_started => End::Lost("OBS exited".into()),
        None => End::Lost("connection to OBS lost".into()),
    }
}
