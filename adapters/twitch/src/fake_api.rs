//! A fake Twitch auth server, Helix EventSub API and EventSub WebSocket server for tests
//! (feature `fake-server`): Twitch is not reachable from tests, so this speaks the shapes
//! Twitch documents and our real clients are what gets tested.
//!
//! - `/oauth2/device`, `/oauth2/token` (device code and refresh grants), `/oauth2/validate`,
//!   `/oauth2/revoke`, with Twitch's error bodies (`authorization_pending`, `Invalid refresh
//!   token`, 401 on a bad token). A device code waits until the test calls [`FakeTwitchApi::approve`].
//! - `POST/GET /helix/eventsub/subscriptions` (user token + Client-Id, websocket transport).
//! - `/ws`: `session_welcome`, `session_keepalive`, `notification`, `session_reconnect` (the
//!   subscriptions move to the session at the reconnect URL once it connects; the old
//!   socket keeps receiving until then) and `revocation` when the tokens are revoked.
//! - `/fake/...`: the same controls over HTTP, for the browser tests (see `examples/fake_twitch.rs`).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::extract::ws::{Message as WsMessage, WebSocket, WebSocketUpgrade};
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::{Notify, mpsc};

/// The client id the fake accepts when none was configured with [`FakeTwitchApi::set_client_id`].
pub const FAKE_CLIENT_ID: &str = "fake-client-id";

#[derive(Clone)]
struct Code {
    device_code: String,
    user_code: String,
    approved: Option<(String, String)>,
    denied: bool,
}

#[derive(Clone)]
struct Grant {
    login: String,
    user_id: String,
    expires_at: Instant,
}

struct Sub {
    id: String,
    kind: String,
    version: String,
    condition: Value,
}

struct Session {
    tx: mpsc::UnboundedSender<WsMessage>,
    subs: Vec<Sub>,
    /// Sent `session_reconnect`: notifications still go here until the new session connects.
    moving: bool,
}

#[derive(Default)]
struct St {
    codes: Vec<Code>,
    access: HashMap<String, Grant>,
    refresh: HashMap<String, Grant>,
    sessions: HashMap<String, Session>,
    /// Session ids in the order they connected.
    order: Vec<String>,
    refreshes: u64,
    validations: u64,
    revokes: u64,
}

struct Inner {
    base: String,
    st: Mutex<St>,
    next: AtomicU64,
    lifetime: Mutex<Duration>,
    keepalive_s: AtomicU64,
    changed: Notify,
}

/// The fake's handle; dropping it does not stop the server (it ends with the runtime).
#[derive(Clone)]
pub struct FakeTwitchApi {
    inner: Arc<Inner>,
    addr: SocketAddr,
}

impl FakeTwitchApi {
    pub async fn start() -> FakeTwitchApi {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind fake Twitch API");
        let addr = listener.local_addr().expect("local addr");
        let inner = Arc::new(Inner {
            base: format!("http://{addr}"),
            st: Mutex::default(),
            next: AtomicU64::new(1),
            lifetime: Mutex::new(Duration::from_secs(14_400)),
            keepalive_s: AtomicU64::new(10),
            changed: Notify::new(),
        });
        let app = Router::new()
            .route("/oauth2/device", post(device))
            .route("/oauth2/token", post(token))
            .route("/oauth2/validate", get(validate))
            .route("/oauth2/revoke", post(revoke))
            .route(
                "/helix/eventsub/subscriptions",
                post(create_sub).get(list_subs),
            )
            .route("/ws", get(ws))
            .route("/fake/pending", get(ctl_pending))
            .route("/fake/approve", post(ctl_approve))
            .route("/fake/notify", post(ctl_notify))
            .route("/fake/reconnect", post(ctl_reconnect))
            .route("/fake/revoke", post(ctl_revoke))
            .route("/fake/stats", get(ctl_stats))
            .with_state(inner.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakeTwitchApi { inner, addr }
    }

    pub fn auth_url(&self) -> String {
        format!("{}/oauth2", self.inner.base)
    }

    pub fn api_url(&self) -> String {
        format!("{}/helix", self.inner.base)
    }

    pub fn eventsub_url(&self) -> String {
        format!("ws://{}/ws", self.addr)
    }

    pub fn control_url(&self) -> String {
        format!("{}/fake", self.inner.base)
    }

    /// Lifetime of tokens issued from now on (Twitch: about four hours).
    pub fn set_token_lifetime(&self, d: Duration) {
        *self
            .inner
            .lifetime
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = d;
    }

    /// Keepalive timeout announced in the welcome of sessions opened from now on.
    pub fn set_keepalive(&self, seconds: u64) {
        self.inner.keepalive_s.store(seconds, Ordering::Relaxed);
    }

    /// User codes waiting for approval, oldest first.
    pub fn pending_codes(&self) -> Vec<String> {
        self.inner.pending()
    }

    /// Approves `user_code` (or the oldest waiting code) as `login`; false if none waits.
    pub fn approve(&self, user_code: Option<&str>, login: &str, user_id: &str) -> bool {
        self.inner.approve(user_code, login, user_id)
    }

    /// The streamer clicks "Cancel" on Twitch's page.
    pub fn deny(&self) -> bool {
        let mut st = self.inner.lock();
        match st.codes.iter_mut().find(|c| c.approved.is_none()) {
            Some(c) => {
                c.denied = true;
                true
            }
            None => false,
        }
    }

    /// Sends a notification of `kind` to the session holding that subscription; returns its
    /// message id, or `None` if no session subscribed to it.
    pub fn notify(&self, kind: &str, event: Value) -> Option<String> {
        let id = format!("msg-{}", self.inner.id());
        self.inner.notify(kind, event, &id).then_some(id)
    }

    /// Delivers a notification again with the same message id (Twitch may do that).
    pub fn notify_again(&self, kind: &str, event: Value, message_id: &str) -> bool {
        self.inner.notify(kind, event, message_id)
    }

    /// Sends `session_reconnect` to every session; each keeps receiving until its
    /// successor connects.
    pub fn reconnect(&self) -> usize {
        self.inner.reconnect()
    }

    /// Revokes every token (the streamer removed the app on twitch.tv): the tokens stop
    /// validating, refresh fails, and each subscription gets a `revocation`.
    pub fn revoke_all(&self) {
        self.inner.revoke_all()
    }

    /// Makes every access token expire now (refresh tokens keep working).
    pub fn expire_access_tokens(&self) {
        let mut st = self.inner.lock();
        let now = Instant::now();
        for g in st.access.values_mut() {
            g.expires_at = now;
        }
    }

    /// Drops every EventSub socket without a word (a network cut).
    pub fn drop_sockets(&self) {
        let mut st = self.inner.lock();
        st.sessions.clear();
        st.order.clear();
    }

    pub fn refreshes(&self) -> u64 {
        self.inner.lock().refreshes
    }

    pub fn revokes(&self) -> u64 {
        self.inner.lock().revokes
    }

    /// Subscription types of the newest session.
    pub fn subscriptions(&self) -> Vec<String> {
        let st = self.inner.lock();
        st.order
            .last()
            .and_then(|id| st.sessions.get(id))
            .map(|s| s.subs.iter().map(|s| s.kind.clone()).collect())
            .unwrap_or_default()
    }

    /// Every access token issued and still valid (for "never appears anywhere" checks).
    pub fn live_tokens(&self) -> Vec<String> {
        let st = self.inner.lock();
        st.access.keys().chain(st.refresh.keys()).cloned().collect()
    }

    /// Waits until `f` holds (checked whenever the fake's state changes).
    pub async fn wait_until(&self, what: &str, f: impl Fn(&FakeTwitchApi) -> bool) {
        let deadline = tokio::time::Instant::now() + crate::fake::DEFAULT_WAIT;
        loop {
            let changed = self.inner.changed.notified();
            if f(self) {
                return;
            }
            if tokio::time::timeout_at(deadline, changed).await.is_err() {
                panic!("fake Twitch: timed out waiting for {what}");
            }
        }
    }

    /// Waits for an EventSub session with all `n` subscriptions.
    pub async fn wait_for_subscriptions(&self, n: usize) {
        self.wait_until("EventSub subscriptions", |f| f.subscriptions().len() >= n)
            .await
    }
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, St> {
        self.st.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn id(&self) -> u64 {
        self.next.fetch_add(1, Ordering::Relaxed)
    }

    fn touched(&self) {
        self.changed.notify_waiters();
    }

    fn pending(&self) -> Vec<String> {
        self.lock()
            .codes
            .iter()
            .filter(|c| c.approved.is_none() && !c.denied)
            .map(|c| c.user_code.clone())
            .collect()
    }

    fn approve(&self, user_code: Option<&str>, login: &str, user_id: &str) -> bool {
        let mut st = self.lock();
        let code = st.codes.iter_mut().find(|c| {
            c.approved.is_none() && !c.denied && user_code.is_none_or(|u| u == c.user_code)
        });
        let Some(code) = code else { return false };
        code.approved = Some((login.to_owned(), user_id.to_owned()));
        drop(st);
        self.touched();
        true
    }

    fn issue(&self, st: &mut St, login: &str, user_id: &str) -> Value {
        let n = self.id();
        let lifetime = *self.lifetime.lock().unwrap_or_else(|e| e.into_inner());
        let grant = Grant {
            login: login.to_owned(),
            user_id: user_id.to_owned(),
            expires_at: Instant::now() + lifetime,
        };
        let (at, rt) = (format!("fake-at-{n}"), format!("fake-rt-{n}"));
        st.access.insert(at.clone(), grant.clone());
        st.refresh.insert(rt.clone(), grant);
        json!({
            "access_token": at, "refresh_token": rt, "expires_in": lifetime.as_secs(),
            "scope": crate::auth::SCOPES, "token_type": "bearer"
        })
    }

    /// The grant of a valid access token in an `Authorization` header.
    fn bearer(&self, headers: &HeaderMap, scheme: &str) -> Option<Grant> {
        let token = headers
            .get("authorization")?
            .to_str()
            .ok()?
            .strip_prefix(scheme)?
            .trim();
        let st = self.lock();
        st.access
            .get(token)
            .filter(|g| g.expires_at > Instant::now())
            .cloned()
    }

    fn notify(&self, kind: &str, event: Value, message_id: &str) -> bool {
        let st = self.lock();
        // The oldest session holding the subscription: during a reconnect that is the old one.
        let target = st
            .order
            .iter()
            .filter_map(|id| st.sessions.get(id))
            .find_map(|s| {
                s.subs
                    .iter()
                    .find(|sub| sub.kind == kind)
                    .map(|sub| (s, sub))
            });
        let Some((session, sub)) = target else {
            return false;
        };
        let msg = json!({
            "metadata": {
                "message_id": message_id, "message_type": "notification",
                "message_timestamp": timestamp(), "subscription_type": kind,
                "subscription_version": sub.version,
            },
            "payload": {
                "subscription": {
                    "id": sub.id, "status": "enabled", "type": kind, "version": sub.version,
                    "cost": 0, "condition": sub.condition,
                    "transport": {"method": "websocket", "session_id": ""},
                    "created_at": timestamp(),
                },
                "event": event,
            }
        });
        session
            .tx
            .send(WsMessage::Text(msg.to_string().into()))
            .is_ok()
    }

    fn reconnect(&self) -> usize {
        let mut st = self.lock();
        let addr = self.base.trim_start_matches("http://").to_owned();
        let mut n = 0;
        for (id, s) in st.sessions.iter_mut().filter(|(_, s)| !s.moving) {
            s.moving = true;
            let msg = json!({
                "metadata": {"message_id": format!("rc-{id}"), "message_type": "session_reconnect", "message_timestamp": timestamp()},
                "payload": {"session": {
                    "id": id, "status": "reconnecting", "keepalive_timeout_seconds": null,
                    "reconnect_url": format!("ws://{addr}/ws?reconnect_from={id}"),
                    "connected_at": timestamp(),
                }}
            });
            if s.tx.send(WsMessage::Text(msg.to_string().into())).is_ok() {
                n += 1;
            }
        }
        n
    }

    fn revoke_all(&self) {
        let mut st = self.lock();
        st.access.clear();
        st.refresh.clear();
        for s in st.sessions.values_mut() {
            for sub in s.subs.drain(..) {
                let msg = json!({
                    "metadata": {"message_id": format!("rv-{}", sub.id), "message_type": "revocation",
                        "message_timestamp": timestamp(), "subscription_type": sub.kind, "subscription_version": sub.version},
                    "payload": {"subscription": {"id": sub.id, "status": "authorization_revoked",
                        "type": sub.kind, "version": sub.version, "condition": sub.condition}}
                });
                let _ = s.tx.send(WsMessage::Text(msg.to_string().into()));
            }
        }
        drop(st);
        self.touched();
    }
}

fn timestamp() -> String {
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default();
    // Twitch sends RFC 3339; the clients under test do not read it, so a stable shape will do.
    format!("1970-01-01T00:00:00.{ms}Z")
}

fn twitch_error(status: StatusCode, message: &str) -> Response {
    (
        status,
        Json(json!({"status": status.as_u16(), "message": message})),
    )
        .into_response()
}

#[derive(Deserialize)]
struct DeviceForm {
    client_id: String,
    #[serde(default)]
    scopes: String,
}

async fn device(State(api): State<Arc<Inner>>, Form(f): Form<DeviceForm>) -> Response {
    if f.client_id.is_empty() {
        return twitch_error(StatusCode::BAD_REQUEST, "missing client_id");
    }
    let _ = f.scopes;
    let n = api.id();
    let user_code = format!("FAKE{n:04}");
    let device_code = format!("fake-dc-{n}");
    api.lock().codes.push(Code {
        device_code: device_code.clone(),
        user_code: user_code.clone(),
        approved: None,
        denied: false,
    });
    api.touched();
    Json(json!({
        "device_code": device_code, "expires_in": 1800, "interval": 1,
        "user_code": user_code,
        "verification_uri": format!("{}/activate?device-code={user_code}", api.base),
    }))
    .into_response()
}

#[derive(Deserialize)]
struct TokenForm {
    grant_type: String,
    #[serde(default)]
    device_code: String,
    #[serde(default)]
    refresh_token: String,
}

async fn token(State(api): State<Arc<Inner>>, Form(f): Form<TokenForm>) -> Response {
    let mut st = api.lock();
    let body = match f.grant_type.as_str() {
        "urn:ietf:params:oauth:grant-type:device_code" => {
            let Some(i) = st.codes.iter().position(|c| c.device_code == f.device_code) else {
                return twitch_error(StatusCode::BAD_REQUEST, "invalid device code");
            };
            let code = st.codes[i].clone();
            if code.denied {
                st.codes.remove(i);
                return twitch_error(StatusCode::BAD_REQUEST, "authorization_denied");
            }
            let Some((login, user_id)) = code.approved else {
                return twitch_error(StatusCode::BAD_REQUEST, "authorization_pending");
            };
            st.codes.remove(i);
            api.issue(&mut st, &login, &user_id)
        }
        "refresh_token" => {
            let Some(g) = st.refresh.remove(&f.refresh_token) else {
                return twitch_error(StatusCode::BAD_REQUEST, "Invalid refresh token");
            };
            st.refreshes += 1;
            api.issue(&mut st, &g.login, &g.user_id)
        }
        _ => return twitch_error(StatusCode::BAD_REQUEST, "unsupported grant type"),
    };
    drop(st);
    api.touched();
    Json(body).into_response()
}

async fn validate(State(api): State<Arc<Inner>>, headers: HeaderMap) -> Response {
    api.lock().validations += 1;
    match api.bearer(&headers, "OAuth ") {
        Some(g) => Json(json!({
            "client_id": FAKE_CLIENT_ID, "login": g.login, "user_id": g.user_id,
            "scopes": crate::auth::SCOPES,
            "expires_in": g.expires_at.saturating_duration_since(Instant::now()).as_secs(),
        }))
        .into_response(),
        None => twitch_error(StatusCode::UNAUTHORIZED, "invalid access token"),
    }
}

#[derive(Deserialize)]
struct RevokeForm {
    token: String,
}

async fn revoke(State(api): State<Arc<Inner>>, Form(f): Form<RevokeForm>) -> Response {
    let mut st = api.lock();
    st.revokes += 1;
    let grant = st.access.remove(&f.token).or(st.refresh.remove(&f.token));
    drop(st);
    api.touched();
    match grant {
        Some(_) => StatusCode::OK.into_response(),
        None => twitch_error(StatusCode::BAD_REQUEST, "Invalid token"),
    }
}

async fn create_sub(
    State(api): State<Arc<Inner>>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    if api.bearer(&headers, "Bearer ").is_none() {
        return twitch_error(StatusCode::UNAUTHORIZED, "Invalid OAuth token");
    }
    if headers.get("client-id").is_none() {
        return twitch_error(StatusCode::UNAUTHORIZED, "Client-Id header required");
    }
    let session_id = body["transport"]["session_id"].as_str().unwrap_or_default();
    let (kind, version) = (
        body["type"].as_str().unwrap_or_default().to_owned(),
        body["version"].as_str().unwrap_or_default().to_owned(),
    );
    let id = format!("sub-{}", api.id());
    let mut st = api.lock();
    let Some(session) = st.sessions.get_mut(session_id) else {
        return twitch_error(StatusCode::BAD_REQUEST, "session does not exist");
    };
    if session.subs.iter().any(|s| s.kind == kind) {
        return twitch_error(StatusCode::CONFLICT, "subscription already exists");
    }
    session.subs.push(Sub {
        id: id.clone(),
        kind: kind.clone(),
        version: version.clone(),
        condition: body["condition"].clone(),
    });
    drop(st);
    api.touched();
    (
        StatusCode::ACCEPTED,
        Json(json!({
            "data": [{"id": id, "status": "enabled", "type": kind, "version": version,
                "condition": body["condition"], "created_at": timestamp(),
                "transport": {"method": "websocket", "session_id": session_id}, "cost": 0}],
            "total": 1, "total_cost": 0, "max_total_cost": 10
        })),
    )
        .into_response()
}

async fn list_subs(State(api): State<Arc<Inner>>, headers: HeaderMap) -> Response {
    if api.bearer(&headers, "Bearer ").is_none() {
        return twitch_error(StatusCode::UNAUTHORIZED, "Invalid OAuth token");
    }
    let st = api.lock();
    let data: Vec<Value> = st
        .sessions
        .iter()
        .flat_map(|(sid, s)| {
            s.subs.iter().map(move |sub| {
                json!({"id": sub.id, "status": "enabled", "type": sub.kind, "version": sub.version,
                    "condition": sub.condition, "transport": {"method": "websocket", "session_id": sid}})
            })
        })
        .collect();
    Json(json!({"total": data.len(), "data": data})).into_response()
}

#[derive(Deserialize)]
struct WsQuery {
    reconnect_from: Option<String>,
}

async fn ws(
    State(api): State<Arc<Inner>>,
    Query(q): Query<WsQuery>,
    upgrade: WebSocketUpgrade,
) -> Response {
    upgrade.on_upgrade(move |socket| session(api, socket, q.reconnect_from))
}

async fn session(api: Arc<Inner>, mut socket: WebSocket, from: Option<String>) {
    let id = format!("sess-{}", api.id());
    let keepalive = api.keepalive_s.load(Ordering::Relaxed);
    let (tx, mut rx) = mpsc::unbounded_channel::<WsMessage>();
    {
        let mut guard = api.lock();
        let St {
            sessions, order, ..
        } = &mut *guard;
        // A reconnect takes the old session's subscriptions over and closes it (its sender
        // is dropped here, which ends its task).
        let subs = from
            .and_then(|old| sessions.remove(&old))
            .map(|old| old.subs)
            .unwrap_or_default();
        order.retain(|s| sessions.contains_key(s));
        sessions.insert(
            id.clone(),
            Session {
                tx,
                subs,
                moving: false,
            },
        );
        order.push(id.clone());
    }
    // Registered before the welcome, so the client's subscriptions find the session.
    let welcome = json!({
        "metadata": {"message_id": format!("w-{id}"), "message_type": "session_welcome", "message_timestamp": timestamp()},
        "payload": {"session": {"id": id, "status": "connected", "connected_at": timestamp(),
            "keepalive_timeout_seconds": keepalive, "reconnect_url": null}}
    });
    if socket
        .send(WsMessage::Text(welcome.to_string().into()))
        .await
        .is_err()
    {
        api.lock().sessions.remove(&id);
        return;
    }
    api.touched();
    let mut tick = tokio::time::interval(Duration::from_secs(keepalive.max(1)) / 2);
    tick.tick().await;
    loop {
        tokio::select! {
            out = rx.recv() => match out {
                Some(m) => if socket.send(m).await.is_err() { break },
                // Removed from the sessions (reconnected elsewhere or dropped): close.
                None => break,
            },
            _ = tick.tick() => {
                let ka = json!({
                    "metadata": {"message_id": format!("ka-{}", api.id()), "message_type": "session_keepalive", "message_timestamp": timestamp()},
                    "payload": {}
                });
                if socket.send(WsMessage::Text(ka.to_string().into())).await.is_err() { break }
            }
            incoming = socket.recv() => match incoming {
                Some(Ok(WsMessage::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => {}
            },
        }
    }
    let mut st = api.lock();
    // A session told to move keeps its subscriptions for its successor.
    if st.sessions.get(&id).is_some_and(|s| !s.moving) {
        st.sessions.remove(&id);
        st.order.retain(|s| *s != id);
    }
    drop(st);
    api.touched();
}

#[derive(Deserialize)]
struct Approve {
    user_code: Option<String>,
    login: String,
    user_id: String,
}

async fn ctl_pending(State(api): State<Arc<Inner>>) -> Json<Value> {
    Json(Value::Array(
        api.pending()
            .into_iter()
            .map(|c| json!({"user_code": c}))
            .collect(),
    ))
}

async fn ctl_approve(State(api): State<Arc<Inner>>, Json(a): Json<Approve>) -> StatusCode {
    if api.approve(a.user_code.as_deref(), &a.login, &a.user_id) {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    }
}

#[derive(Deserialize)]
struct NotifyBody {
    #[serde(rename = "type")]
    kind: String,
    event: Value,
    message_id: Option<String>,
}

async fn ctl_notify(State(api): State<Arc<Inner>>, Json(n): Json<NotifyBody>) -> Response {
    let id = n.message_id.unwrap_or_else(|| format!("msg-{}", api.id()));
    if api.notify(&n.kind, n.event, &id) {
        Json(json!({"message_id": id})).into_response()
    } else {
        twitch_error(StatusCode::NOT_FOUND, "no session subscribed to this type")
    }
}

async fn ctl_reconnect(State(api): State<Arc<Inner>>) -> Json<Value> {
    Json(json!({"sessions": api.reconnect()}))
}

async fn ctl_revoke(State(api): State<Arc<Inner>>) -> StatusCode {
    api.revoke_all();
    StatusCode::OK
}

async fn ctl_stats(State(api): State<Arc<Inner>>) -> Json<Value> {
    let st = api.lock();
    Json(json!({
        "refreshes": st.refreshes, "validations": st.validations, "revokes": st.revokes,
        "sessions": st.sessions.len(),
        "subscriptions": st.sessions.values().map(|s| s.subs.len()).sum::<usize>(),
    }))
}
