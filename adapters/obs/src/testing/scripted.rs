//! [`ScriptedObs`]: a small obs-websocket v5 server for tests that a real OBS cannot serve
//! (browser sources, kicks with close code 4011, NotReady at start-up, a link that stops
//! answering). It speaks Hello (op 0), Identify (op 1, with the auth challenge) / Identified
//! (op 2), Reidentify (op 3), events (op 5) and requests (op 6) / responses (op 7), and keeps
//! a tiny model of scenes, inputs, scene items and hotkeys.

use std::collections::HashSet;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_websockets::{CloseCode, Message};

use crate::ObsSettings;
use crate::raw::auth_response;

/// obs-websocket event subscription bit of general events (e.g. `ExitStarted`), for `emit_event`.
pub const EVENTS_GENERAL: u64 = 1;
/// Subscription bit of config events (e.g. `CurrentSceneCollectionChanged`).
pub const EVENTS_CONFIG: u64 = 1 << 1;
/// Subscription bit of scene events (e.g. `CurrentProgramSceneChanged`).
pub const EVENTS_SCENES: u64 = 1 << 2;

/// One request as the peer received it.
#[derive(Clone, Debug, PartialEq)]
pub struct ReceivedRequest {
    pub request_type: String,
    pub data: Value,
}

/// Custom answer for a request type: `Ok(responseData)` or `Err((code, comment))`.
pub type Reply = Result<Value, (u16, String)>;
type Handler = Arc<dyn Fn(&str, &Value) -> Option<Reply> + Send + Sync>;

#[derive(Clone)]
struct Scene {
    name: String,
    uuid: String,
    /// (item id, source name, enabled)
    items: Vec<(i64, String, bool)>,
}

#[derive(Clone)]
struct Input {
    name: String,
    uuid: String,
    kind: String,
    settings: Value,
}

struct Model {
    password: Option<String>,
    /// Dock order, top first.
    scenes: Vec<Scene>,
    program: String,
    inputs: Vec<Input>,
    hotkeys: HashSet<String>,
    next_item: i64,
    requests: Vec<ReceivedRequest>,
    /// Answer this many upcoming requests with 207 NotReady (OBS still starting).
    not_ready: usize,
    /// Read requests but never answer them (a half-open link as after PC sleep).
    unresponsive: bool,
    handler: Option<Handler>,
    sessions: Vec<mpsc::UnboundedSender<SessionCmd>>,
    identified_total: usize,
    auth_failures: usize,
    events_sent: usize,
    client_close_codes: Vec<u16>,
}

enum SessionCmd {
    Event(String, Value, u64),
    Close(u16, String),
    Drop,
}

/// A scripted obs-websocket peer on 127.0.0.1. Dropping it stops the server and every session.
pub struct ScriptedObs {
    addr: SocketAddr,
    model: Arc<Mutex<Model>>,
    task: JoinHandle<()>,
}

impl Drop for ScriptedObs {
    fn drop(&mut self) {
        self.task.abort();
        for s in self.lock().sessions.drain(..) {
            let _ = s.send(SessionCmd::Drop);
        }
    }
}

impl ScriptedObs {
    /// Listen on a free loopback port. One scene, `Scene`, is the program scene (like a fresh
    /// OBS); `password` turns authentication on.
    pub async fn start(password: Option<&str>) -> io::Result<ScriptedObs> {
        Self::start_on(0, password).await
    }

    /// Like [`ScriptedObs::start`] on a given port (0 = any), e.g. to come back on the same port.
    pub async fn start_on(port: u16, password: Option<&str>) -> io::Result<ScriptedObs> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await?;
        let addr = listener.local_addr()?;
        let model = Arc::new(Mutex::new(Model {
            password: password.map(str::to_owned),
            scenes: vec![Scene {
                name: "Scene".into(),
                uuid: new_uuid(),
                items: Vec::new(),
            }],
            program: "Scene".into(),
            inputs: Vec::new(),
            hotkeys: ["OBSBasic.StartStreaming", "OBSBasic.StopStreaming"]
                .into_iter()
                .map(str::to_owned)
                .collect(),
            next_item: 1,
            requests: Vec::new(),
            not_ready: 0,
            unresponsive: false,
            handler: None,
            sessions: Vec::new(),
            identified_total: 0,
            auth_failures: 0,
            events_sent: 0,
            client_close_codes: Vec::new(),
        }));
        let task = tokio::spawn(accept_loop(listener, Arc::clone(&model)));
        Ok(ScriptedObs { addr, model, task })
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Adapter settings pointing here, with short timings so tests finish quickly.
    pub fn settings(&self) -> ObsSettings {
        ObsSettings {
            enabled: true,
            host: "127.0.0.1".into(),
            port: self.port(),
            password: self.lock().password.clone(),
            reconnect_max: Duration::from_secs(2),
            heartbeat: Duration::from_millis(500),
            request_timeout: Duration::from_secs(2),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Model> {
        self.model.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Add a scene at the bottom of the dock; returns its UUID.
    pub fn add_scene(&self, name: &str) -> String {
        let uuid = new_uuid();
        self.lock().scenes.push(Scene {
            name: name.into(),
            uuid: uuid.clone(),
            items: Vec::new(),
        });
        uuid
    }

    /// Add an input (source) of `kind` with `settings`; returns its UUID.
    pub fn add_input(&self, name: &str, kind: &str, settings: Value) -> String {
        let uuid = new_uuid();
        self.lock().inputs.push(Input {
            name: name.into(),
            uuid: uuid.clone(),
            kind: kind.into(),
            settings,
        });
        uuid
    }

    /// Add a browser source showing `url`; returns its UUID.
    pub fn add_browser_source(&self, name: &str, url: &str) -> String {
        self.add_input(name, "browser_source", json!({ "url": url }))
    }

    /// Put `source` into `scene` (visible); returns the scene item id.
    pub fn add_scene_item(&self, scene: &str, source: &str) -> Option<i64> {
        let mut m = self.lock();
        let id = m.next_item;
        m.next_item += 1;
        let s = m.scenes.iter_mut().find(|s| s.name == scene)?;
        s.items.push((id, source.into(), true));
        Some(id)
    }

    pub fn item_enabled(&self, scene: &str, source: &str) -> Option<bool> {
        let m = self.lock();
        let s = m.scenes.iter().find(|s| s.name == scene)?;
        s.items.iter().find(|i| i.1 == source).map(|i| i.2)
    }

    pub fn program_scene(&self) -> String {
        self.lock().program.clone()
    }

    /// Switch the program scene as a user in OBS would (event to every session).
    pub fn switch_scene(&self, name: &str) -> bool {
        let mut m = self.lock();
        let Some(uuid) = m
            .scenes
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.uuid.clone())
        else {
            return false;
        };
        m.program = name.into();
        broadcast(
            &mut m,
            "CurrentProgramSceneChanged",
            json!({ "sceneName": name, "sceneUuid": uuid }),
            EVENTS_SCENES,
        );
        true
    }

    /// Send an event of any type (needs `subscription` bits the client asked for, e.g. 4 for scenes).
    pub fn emit_event(&self, event_type: &str, data: Value, subscription: u64) {
        broadcast(&mut self.lock(), event_type, data, subscription);
    }

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<ReceivedRequest> {
        self.lock().requests.clone()
    }

    /// Data of the received requests of one type.
    pub fn requests_of(&self, request_type: &str) -> Vec<Value> {
        self.lock()
            .requests
            .iter()
            .filter(|r| r.request_type == request_type)
            .map(|r| r.data.clone())
            .collect()
    }

    /// Answer the next `n` requests with 207 NotReady, as OBS does while loading.
    pub fn not_ready_for(&self, n: usize) {
        self.lock().not_ready = n;
    }

    /// Stop (or resume) answering requests while keeping sockets open: a half-open link.
    pub fn set_unresponsive(&self, on: bool) {
        self.lock().unresponsive = on;
    }

    /// Answer requests yourself: return `Some(reply)` to override the model, `None` to fall
    /// through to it.
    pub fn set_handler(&self, f: impl Fn(&str, &Value) -> Option<Reply> + Send + Sync + 'static) {
        self.lock().handler = Some(Arc::new(f));
    }

    /// Close every session as OBS does when the user kicks it (code 4011).
    pub fn kick_all(&self) {
        self.close_all(4011, "Your session has been invalidated.");
    }

    /// Close every session with a close frame.
    pub fn close_all(&self, code: u16, reason: &str) {
        for s in self.lock().sessions.drain(..) {
            let _ = s.send(SessionCmd::Close(code, reason.into()));
        }
    }

    /// Drop every session's socket without a close frame (OBS crashed).
    pub fn drop_all(&self) {
        for s in self.lock().sessions.drain(..) {
            let _ = s.send(SessionCmd::Drop);
        }
    }

    /// Sessions currently identified.
    pub fn session_count(&self) -> usize {
        let mut m = self.lock();
        m.sessions.retain(|s| !s.is_closed());
        m.sessions.len()
    }

    /// Sessions that identified successfully since start.
    pub fn identified_total(&self) -> usize {
        self.lock().identified_total
    }

    /// Events written to sessions' sockets so far (all sessions).
    pub fn events_sent(&self) -> usize {
        self.lock().events_sent
    }

    /// Close codes of the close frames clients sent (1000 = normal closure).
    pub fn client_close_codes(&self) -> Vec<u16> {
        self.lock().client_close_codes.clone()
    }

    /// Identify attempts rejected for a wrong or missing password.
    pub fn auth_failures(&self) -> usize {
        self.lock().auth_failures
    }
}

fn new_uuid() -> String {
    let h = |n: usize| -> String { (0..n).map(|_| fastrand::digit(16)).collect() };
    format!("{}-{}-4{}-a{}-{}", h(8), h(4), h(3), h(3), h(12))
}

fn broadcast(m: &mut Model, event_type: &str, data: Value, intent: u64) {
    m.sessions.retain(|s| {
        s.send(SessionCmd::Event(event_type.into(), data.clone(), intent))
            .is_ok()
    });
}

async fn accept_loop(listener: TcpListener, model: Arc<Mutex<Model>>) {
    while let Ok((stream, _)) = listener.accept().await {
        tokio::spawn(session(stream, Arc::clone(&model)));
    }
}

fn lock(model: &Mutex<Model>) -> MutexGuard<'_, Model> {
    model.lock().unwrap_or_else(|p| p.into_inner())
}

type Ws = tokio_websockets::WebSocketStream<TcpStream>;

async fn send(ws: &mut Ws, v: Value) -> bool {
    ws.send(Message::text(v.to_string())).await.is_ok()
}

async fn close(ws: &mut Ws, code: u16, reason: &str) {
    if let Ok(code) = CloseCode::try_from(code) {
        let _ = ws.send(Message::close(Some(code), reason)).await;
    }
    // Wait briefly for the client's close reply, like a real server.
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        while let Some(Ok(_)) = ws.next().await {}
    })
    .await;
}

async fn read_json(ws: &mut Ws, model: &Mutex<Model>) -> Option<Value> {
    loop {
        let msg = ws.next().await?.ok()?;
        if let Some((code, _)) = msg.as_close() {
            lock(model).client_close_codes.push(u16::from(code));
            return None;
        }
        if let Some(t) = msg.as_text() {
            return serde_json::from_str(t).ok();
        }
    }
}

async fn session(stream: TcpStream, model: Arc<Mutex<Model>>) {
    let _ = stream.set_nodelay(true);
    let Ok((_, mut ws)) = tokio_websockets::ServerBuilder::new().accept(stream).await else {
        return;
    };
    let password = lock(&model).password.clone();
    let challenge = format!("{:016x}", fastrand::u64(..));
    let salt = format!("{:016x}", fastrand::u64(..));
    let mut hello = json!({ "obsWebSocketVersion": "5.5.2", "rpcVersion": 1 });
    if password.is_some() {
        hello["authentication"] = json!({ "challenge": challenge, "salt": salt });
    }
    if !send(&mut ws, json!({ "op": 0, "d": hello })).await {
        return;
    }
    let Some(identify) = read_json(&mut ws, &model).await else {
        return;
    };
    if identify["op"] != 1 {
        close(&mut ws, 4007, "Not identified.").await;
        return;
    }
    if let Some(pw) = &password {
        let expected = auth_response(pw, &salt, &challenge);
        if identify["d"]["authentication"].as_str() != Some(expected.as_str()) {
            lock(&model).auth_failures += 1;
            close(&mut ws, 4009, "Authentication failed.").await;
            return;
        }
    }
    // obs-websocket's default is "all non-high-volume events".
    let mut subscriptions = identify["d"]["eventSubscriptions"]
        .as_u64()
        .unwrap_or(0x7ff);
    if !send(
        &mut ws,
        json!({ "op": 2, "d": { "negotiatedRpcVersion": 1 } }),
    )
    .await
    {
        return;
    }
    let (tx, mut rx) = mpsc::unbounded_channel();
    {
        let mut m = lock(&model);
        m.sessions.push(tx);
        m.identified_total += 1;
    }
    loop {
        tokio::select! {
            cmd = rx.recv() => match cmd {
                None | Some(SessionCmd::Drop) => return,
                Some(SessionCmd::Close(code, reason)) => {
                    close(&mut ws, code, &reason).await;
                    return;
                }
                Some(SessionCmd::Event(ty, data, intent)) => {
                    if subscriptions & intent != 0 {
                        let ev = json!({ "op": 5, "d": {
                            "eventType": ty, "eventIntent": intent, "eventData": data } });
                        if !send(&mut ws, ev).await {
                            return;
                        }
                        lock(&model).events_sent += 1;
                    }
                }
            },
            msg = read_json(&mut ws, &model) => {
                let Some(msg) = msg else { return };
                match msg["op"].as_u64() {
                    Some(3) => {
                        subscriptions = msg["d"]["eventSubscriptions"].as_u64().unwrap_or(subscriptions);
                        if !send(&mut ws, json!({ "op": 2, "d": { "negotiatedRpcVersion": 1 } })).await {
                            return;
                        }
                    }
                    Some(6) => {
                        let d = &msg["d"];
                        let ty = d["requestType"].as_str().unwrap_or_default().to_owned();
                        let id = d["requestId"].clone();
                        let data = d.get("requestData").cloned().unwrap_or(Value::Null);
                        let Some(reply) = handle_request(&model, &ty, &data) else {
                            continue; // unresponsive: swallow
                        };
                        let status = match &reply {
                            Ok(_) => json!({ "result": true, "code": 100 }),
                            Err((code, comment)) => json!({ "result": false, "code": code, "comment": comment }),
                        };
                        let mut resp = json!({ "requestType": ty, "requestId": id, "requestStatus": status });
                        if let Ok(v) = reply
                            && !v.is_null()
                        {
                            resp["responseData"] = v;
                        }
                        if !send(&mut ws, json!({ "op": 7, "d": resp })).await {
                            return;
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}

/// `None` = do not answer at all (unresponsive mode).
fn handle_request(model: &Mutex<Model>, ty: &str, data: &Value) -> Option<Reply> {
    let handler = {
        let mut m = lock(model);
        m.requests.push(ReceivedRequest {
            request_type: ty.into(),
            data: data.clone(),
        });
        if m.unresponsive {
            return None;
        }
        if m.not_ready > 0 {
            m.not_ready -= 1;
            return Some(Err((
                207,
                "OBS is not ready to perform the request.".into(),
            )));
        }
        m.handler.clone()
    };
    if let Some(h) = handler
        && let Some(reply) = h(ty, data)
    {
        return Some(reply);
    }
    Some(model_request(&mut lock(model), ty, data))
}

fn not_found(what: &str) -> Reply {
    Err((600, format!("No {what} was found.")))
}

fn find_scene<'a>(m: &'a mut Model, data: &Value) -> Option<&'a mut Scene> {
    let name = data["sceneName"].as_str();
    let uuid = data["sceneUuid"].as_str();
    m.scenes
        .iter_mut()
        .find(|s| Some(s.name.as_str()) == name || Some(s.uuid.as_str()) == uuid)
}

fn find_input<'a>(m: &'a Model, data: &Value) -> Option<&'a Input> {
    let name = data["inputName"].as_str();
    let uuid = data["inputUuid"].as_str();
    m.inputs
        .iter()
        .find(|i| Some(i.name.as_str()) == name || Some(i.uuid.as_str()) == uuid)
}

fn model_request(m: &mut Model, ty: &str, data: &Value) -> Reply {
    let program_uuid = |m: &Model| {
        m.scenes
            .iter()
            .find(|s| s.name == m.program)
            .map(|s| s.uuid.clone())
            .unwrap_or_default()
    };
    match ty {
        "GetVersion" => Ok(json!({
            "obsVersion": "30.2.3", "obsWebSocketVersion": "5.5.2", "rpcVersion": 1,
            "availableRequests": [], "supportedImageFormats": ["png"],
            "platform": "debian", "platformDescription": "scripted"
        })),
        "GetStats" => Ok(json!({
            "cpuUsage": 0.0, "memoryUsage": 0.0, "availableDiskSpace": 0.0, "activeFps": 60.0,
            "averageFrameRenderTime": 0.0, "renderSkippedFrames": 0, "renderTotalFrames": 0,
            "outputSkippedFrames": 0, "outputTotalFrames": 0,
            "webSocketSessionIncomingMessages": 0, "webSocketSessionOutgoingMessages": 0
        })),
        "GetCurrentProgramScene" => {
            let uuid = program_uuid(m);
            Ok(json!({
                "sceneName": m.program, "sceneUuid": uuid,
                "currentProgramSceneName": m.program, "currentProgramSceneUuid": uuid
            }))
        }
        "GetSceneList" => {
            let n = m.scenes.len();
            let scenes: Vec<Value> = m
                .scenes
                .iter()
                .enumerate()
                .rev()
                .map(|(i, s)| json!({ "sceneIndex": n - 1 - i, "sceneName": s.name, "sceneUuid": s.uuid }))
                .collect();
            Ok(json!({
                "currentProgramSceneName": m.program, "currentProgramSceneUuid": program_uuid(m),
                "currentPreviewSceneName": null, "currentPreviewSceneUuid": null,
                "scenes": scenes
            }))
        }
        "GetGroupList" => Ok(json!({ "groups": [] })),
        "SetCurrentProgramScene" => {
            let Some(s) = find_scene(m, data) else {
                return not_found("scene");
            };
            let (name, uuid) = (s.name.clone(), s.uuid.clone());
            m.program = name.clone();
            broadcast(
                m,
                "CurrentProgramSceneChanged",
                json!({ "sceneName": name, "sceneUuid": uuid }),
                EVENTS_SCENES,
            );
            Ok(Value::Null)
        }
        "CreateScene" => {
            let Some(name) = data["sceneName"].as_str() else {
                return Err((300, "Missing sceneName".into()));
            };
            if m.scenes.iter().any(|s| s.name == name) {
                return Err((601, "A scene with that name already exists.".into()));
            }
            let uuid = new_uuid();
            m.scenes.push(Scene {
                name: name.into(),
                uuid: uuid.clone(),
                items: Vec::new(),
            });
            broadcast(
                m,
                "SceneCreated",
                json!({ "sceneName": name, "sceneUuid": uuid, "isGroup": false }),
                EVENTS_SCENES,
            );
            scene_list_changed(m);
            Ok(json!({ "sceneUuid": uuid }))
        }
        "SetSceneName" => {
            let Some(new_name) = data["newSceneName"].as_str().map(str::to_owned) else {
                return Err((300, "Missing newSceneName".into()));
            };
            let Some(s) = find_scene(m, data) else {
                return not_found("scene");
            };
            let old = std::mem::replace(&mut s.name, new_name.clone());
            let uuid = s.uuid.clone();
            if m.program == old {
                m.program = new_name.clone();
            }
            broadcast(
                m,
                "SceneNameChanged",
                json!({ "sceneUuid": uuid, "oldSceneName": old, "sceneName": new_name }),
                EVENTS_SCENES,
            );
            Ok(Value::Null)
        }
        "GetSceneItemId" => {
            let source = data["sourceName"].as_str().unwrap_or_default().to_owned();
            let Some(s) = find_scene(m, data) else {
                return not_found("scene");
            };
            match s.items.iter().find(|i| i.1 == source) {
                Some(i) => Ok(json!({ "sceneItemId": i.0 })),
                None => Err((
                    600,
                    "No scene items were found in the specified scene by that name or offset."
                        .into(),
                )),
            }
        }
        "GetSceneItemEnabled" | "SetSceneItemEnabled" => {
            let id = data["sceneItemId"].as_i64();
            let enable = data["sceneItemEnabled"].as_bool();
            let Some(s) = find_scene(m, data) else {
                return not_found("scene");
            };
            let Some(item) = s.items.iter_mut().find(|i| Some(i.0) == id) else {
                return not_found("scene item");
            };
            if ty == "GetSceneItemEnabled" {
                return Ok(json!({ "sceneItemEnabled": item.2 }));
            }
            match enable {
                Some(e) => {
                    item.2 = e;
                    Ok(Value::Null)
                }
                None => Err((300, "Missing sceneItemEnabled".into())),
            }
        }
        "GetInputList" => {
            let kind = data["inputKind"].as_str();
            let inputs: Vec<Value> = m
                .inputs
                .iter()
                .filter(|i| kind.is_none_or(|k| k == i.kind))
                .map(|i| {
                    json!({ "inputName": i.name, "inputUuid": i.uuid,
                                 "inputKind": i.kind, "unversionedInputKind": i.kind })
                })
                .collect();
            Ok(json!({ "inputs": inputs }))
        }
        "GetInputSettings" => match find_input(m, data) {
            Some(i) => Ok(json!({ "inputSettings": i.settings, "inputKind": i.kind })),
            None => not_found("source"),
        },
        "PressInputPropertiesButton" => match find_input(m, data) {
            Some(i) if i.kind == "browser_source" => match data["propertyName"].as_str() {
                Some("refreshnocache") => Ok(Value::Null),
                _ => Err((604, "Unable to find a property by that name.".into())),
            },
            Some(_) => Err((604, "Unable to find a property by that name.".into())),
            None => not_found("source"),
        },
        "TriggerHotkeyByName" => {
            let name = data["hotkeyName"].as_str().unwrap_or_default();
            if m.hotkeys.contains(name) {
                Ok(Value::Null)
            } else {
                Err((600, "No hotkeys were found by that name.".into()))
            }
        }
        "GetSceneTransitionList" => Ok(json!({
            "currentSceneTransitionName": "Cut", "currentSceneTransitionUuid": new_uuid(),
            "currentSceneTransitionKind": "cut_transition", "transitions": []
        })),
        "SetCurrentSceneTransition" => Ok(Value::Null),
        _ => Err((204, "Your request type is not valid.".into())),
    }
}

fn scene_list_changed(m: &mut Model) {
    let n = m.scenes.len();
    let scenes: Vec<Value> = m
        .scenes
        .iter()
        .enumerate()
        .rev()
        .map(|(i, s)| json!({ "sceneIndex": n - 1 - i, "sceneName": s.name, "sceneUuid": s.uuid }))
        .collect();
    broadcast(
        m,
        "SceneListChanged",
        json!({ "scenes": scenes }),
        EVENTS_SCENES,
    );
}
