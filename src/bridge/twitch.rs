//! Twitch chat and events fire features.
//!
//! Everything cheap happens here, BEFORE the engine: command matching, permissions,
//! argument parsing and cooldowns (from an in-memory cache seeded from redb), so a flood of
//! chat lines never turns into a flood of engine work. At most `MAX_IN_FLIGHT` chat-driven
//! executions wait for the engine at once; beyond that, lines are dropped and counted.
//!
//! Platform events come from chat (IRC) and, when the broadcaster is logged in, EventSub.
//! While EventSub is connected it is the one source of subs, gifts, raids and cheers (IRC
//! reports the same ones): one event never fires a binding twice.

use super::events;
use crate::chat::{self, ChatRoles, Interpretation};
use crate::engine::{ChatTable, Engine, EngineError, Request};
use crate::hub::{Encoded, Hub};
use crate::metrics::METRICS;
use crate::model::{Actor, EventKind, EventSource, Id, NewEvent, now_ms};
use crate::store::Store;
use serde::Serialize;
use stagehand_twitch::{ChatMessage, ChatUser, HypePhase, TwitchEvent, TwitchHandle};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::{Semaphore, mpsc, watch};

/// Chat-driven executions allowed to wait for the engine at once.
const MAX_IN_FLIGHT: usize = 32;
/// Chat lines forwarded to admin clients per second (the rest are counted, not shown).
const ADMIN_CHAT_PER_S: u32 = 30;

/// Counters for /api/status.
#[derive(Debug, Default)]
pub struct ChatStats {
    pub commands_run: AtomicU64,
    pub dropped_busy: AtomicU64,
    pub on_cooldown: AtomicU64,
}

pub struct TwitchBridge {
    pub twitch: TwitchHandle,
    /// For features whose effects drive OBS (switch a scene from chat).
    pub obs: stagehand_obs::ObsHandle,
    pub engine: Engine,
    pub store: Arc<Store>,
    pub hub: Arc<Hub>,
    pub prefix: String,
    pub table: watch::Receiver<Arc<ChatTable>>,
    pub stats: Arc<ChatStats>,
    /// Chat lines for on-stream chat boxes (not through the engine).
    pub chat: Arc<super::chat_feed::ChatFeed>,
    /// The EventSub connection of this generation, if logged in.
    pub eventsub: Option<watch::Receiver<stagehand_twitch::eventsub::EventSubStatus>>,
}

#[derive(Serialize)]
struct ChatLine<'a> {
    user: &'a str,
    login: &'a str,
    text: &'a str,
    roles: &'a stagehand_twitch::Roles,
}

struct State {
    /// (command id, user id or "") → last fired, unix ms. Updated when a run is queued, so a
    /// burst is cut off at once; the engine persists the same times with the run.
    cooldowns: HashMap<(Id, String), u64>,
    in_flight: Arc<Semaphore>,
    admin_window: (Instant, u32),
    /// Last reported chat connection state (to count reconnects).
    connected: bool,
}

impl TwitchBridge {
    pub async fn run(
        self,
        mut events: mpsc::Receiver<TwitchEvent>,
        mut eventsub: Option<mpsc::Receiver<TwitchEvent>>,
        mut shutdown: watch::Receiver<bool>,
    ) {
        let cooldowns = match self.store.read().and_then(|r| r.cooldowns()) {
            Ok(c) => c.into_iter().collect(),
            Err(e) => {
                tracing::error!(error = %e, "cannot read stored cooldowns");
                HashMap::new()
            }
        };
        let mut st = State {
            cooldowns,
            in_flight: Arc::new(Semaphore::new(MAX_IN_FLIGHT)),
            admin_window: (Instant::now(), 0),
            connected: false,
        };
        loop {
            tokio::select! {
                _ = shutdown.changed() => break,
                ev = events.recv() => match ev {
                    Some(ev) => {
                        if !(self.eventsub_live() && from_both(&ev)) {
                            self.on_event(ev, &mut st, EventSource::TwitchChat);
                        }
                    }
                    None => break,
                },
                Some(ev) = recv(&mut eventsub) => self.on_event(ev, &mut st, EventSource::EventSub),
            }
        }
    }

    /// EventSub is connected and subscribed: the source of truth for subs, cheers, raids.
    fn eventsub_live(&self) -> bool {
        self.eventsub.as_ref().is_some_and(|s| s.borrow().connected)
    }

    fn on_event(&self, ev: TwitchEvent, st: &mut State, source: EventSource) {
        match ev {
            TwitchEvent::Status(s) => {
                if s.connected && !st.connected {
                    METRICS.twitch_connects.inc();
                }
                st.connected = s.connected;
                self.hub.publish_admin(Encoded::new("twitch_status", &s))
            }
            TwitchEvent::Chat(msg) => self.on_chat(&msg, st),
            TwitchEvent::ChatDeleted { message_id } => self.chat.delete(&message_id),
            TwitchEvent::ChatCleared { user_id } => self.chat.clear(user_id.as_deref()),
            TwitchEvent::Subscription {
                user,
                tier,
                months,
                message,
                kind,
            } => {
                let kind = match kind {
                    stagehand_twitch::SubKind::Sub => EventKind::Sub,
                    stagehand_twitch::SubKind::Resub => EventKind::Resub,
                };
                let tier = tier_number(&tier);
                let ev = event(
                    kind,
                    &user,
                    months,
                    message.unwrap_or_default(),
                    &tier,
                    source,
                );
                let extra = [("months", months.to_string()), ("tier", tier)];
                self.fire(ev, None, &extra);
            }
            TwitchEvent::GiftSub {
                gifter,
                recipient_login,
                tier,
                count,
                community_gift_id,
                ..
            } => {
                // A mass gift arrives once as a total and then as single gifts carrying the
                // same community gift id: alert on the total (or a lone gift), never on both.
                let part_of_mass_gift = recipient_login.is_some() && community_gift_id.is_some();
                if !part_of_mass_gift {
                    let tier = tier_number(&tier);
                    let ev = event(
                        EventKind::GiftSub,
                        &gifter,
                        count,
                        String::new(),
                        &tier,
                        source,
                    );
                    let extra = [
                        ("tier", tier),
                        ("recipient", recipient_login.unwrap_or_default()),
                    ];
                    self.fire(ev, None, &extra);
                }
            }
            TwitchEvent::Raid { from, viewers } => {
                let ev = event(EventKind::Raid, &from, viewers, String::new(), "", source);
                self.fire(ev, None, &[("viewers", viewers.to_string())]);
            }
            TwitchEvent::Cheer {
                user,
                bits,
                message,
            } => {
                let ev = event(EventKind::Cheer, &user, bits, message, "", source);
                self.fire(ev, None, &[("bits", bits.to_string())]);
            }
            TwitchEvent::Follow { user } => {
                let ev = event(EventKind::Follow, &user, 0, String::new(), "", source);
                self.fire(ev, None, &[]);
            }
            TwitchEvent::Redemption {
                user,
                reward_id,
                reward_title,
                cost,
                input,
            } => {
                let ev = event(
                    EventKind::Redemption,
                    &user,
                    cost,
                    input.clone(),
                    &reward_title,
                    source,
                );
                let extra = [
                    ("input", input),
                    ("reward", reward_title.clone()),
                    ("cost", cost.to_string()),
                ];
                self.fire(ev, Some((&reward_id, &reward_title)), &extra);
            }
            TwitchEvent::HypeTrain {
                phase,
                level,
                total,
                progress,
                goal,
            } => {
                let kind = match phase {
                    HypePhase::Begin => EventKind::HypeTrainBegin,
                    HypePhase::Progress => EventKind::HypeTrainProgress,
                    HypePhase::End => EventKind::HypeTrainEnd,
                };
                let ev = event(kind, &ChatUser::default(), level, String::new(), "", source);
                let extra = [
                    ("level", level.to_string()),
                    ("total", total.to_string()),
                    ("progress", progress.to_string()),
                    ("goal", goal.to_string()),
                ];
                self.fire(ev, None, &extra);
            }
        }
    }

    fn on_chat(&self, msg: &ChatMessage, st: &mut State) {
        self.chat.push(msg, &self.prefix);
        self.forward_to_admins(msg, st);
        let table = self.table.borrow().clone();
        let Some((cmd, _)) = chat::find_command(&self.prefix, &msg.text, &table.commands) else {
            return;
        };
        let u = &msg.user;
        let roles = ChatRoles {
            broadcaster: u.roles.broadcaster,
            moderator: u.roles.moderator,
            vip: u.roles.vip,
            subscriber: u.roles.subscriber,
        };
        // Fixed arguments may name the chatter (`voter: "{user_id}"` for one vote per user).
        let mut cmd = cmd.clone();
        cmd.args = chat::render(
            &cmd.args,
            &[
                ("user", u.display_name.clone()),
                ("login", u.login.clone()),
                ("user_id", u.id.clone()),
            ],
        );
        let interpretation = chat::interpret(
            &self.prefix,
            &msg.text,
            &u.display_name,
            &roles,
            std::slice::from_ref(&cmd),
            |c| table.specs(c.widget_id, &c.feature).cloned(),
        );
        match interpretation {
            Interpretation::Run {
                command_id,
                widget_id,
                feature,
                parameters,
            } => {
                let now = now_ms();
                let global = st.cooldowns.get(&(command_id, String::new())).copied();
                let user = st.cooldowns.get(&(command_id, u.id.clone())).copied();
                if chat::check_cooldown(&cmd, &roles, now, global, user).is_err() {
                    self.stats.on_cooldown.fetch_add(1, Ordering::Relaxed);
                    METRICS.chat("cooldown");
                    return;
                }
                let Ok(permit) = st.in_flight.clone().try_acquire_owned() else {
                    METRICS.chat("busy");
                    if self
                        .stats
                        .dropped_busy
                        .fetch_add(1, Ordering::Relaxed)
                        .is_multiple_of(1000)
                    {
                        tracing::warn!(
                            "chat is flooding faster than commands can run; dropping some"
                        );
                    }
                    return;
                };
                if cmd.cooldown_global_s > 0 {
                    st.cooldowns.insert((command_id, String::new()), now);
                }
                if cmd.cooldown_user_s > 0 {
                    st.cooldowns.insert((command_id, u.id.clone()), now);
                }
                self.stats.commands_run.fetch_add(1, Ordering::Relaxed);
                METRICS.chat("run");
                let req = Request::ChatRun {
                    command_id,
                    user_id: u.id.clone(),
                    widget_id,
                    feature,
                    parameters,
                };
                // Enqueued here, in chat order (two votes by one viewer must land in order);
                // only the wait for the result runs in the background.
                let actor = Actor::Chat {
                    login: u.login.clone(),
                };
                let reply = match self.engine.enqueue(actor, req) {
                    Ok(reply) => reply,
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot run a chat command");
                        return;
                    }
                };
                let (twitch, reply_to, display) = (
                    self.twitch.clone(),
                    msg.message_id.clone(),
                    u.display_name.clone(),
                );
                let (obs, engine) = (self.obs.clone(), self.engine.clone());
                tokio::spawn(async move {
                    let problem = match reply.await {
                        Ok(Ok(done)) => super::obs::run_effects(&engine, &obs, done)
                            .await
                            .err()
                            .map(|e| e.to_string()),
                        Ok(Err(EngineError::Validation { message, .. })) => Some(message),
                        _ => None,
                    };
                    if let Some(problem) = problem {
                        let _ = twitch.reply(Some(&reply_to), &format!("@{display} {problem}"));
                    }
                    drop(permit);
                });
            }
            Interpretation::Invalid {
                reply: Some(reply), ..
            } => {
                METRICS.chat("invalid");
                if let Err(e) = self.twitch.reply(Some(&msg.message_id), &reply) {
                    tracing::debug!(error = %e, "cannot reply in chat");
                }
            }
            Interpretation::Denied { command_id } => {
                METRICS.chat("denied");
                tracing::debug!(command_id, user = %u.login, "not allowed")
            }
            Interpretation::Invalid { reply: None, .. } => METRICS.chat("invalid"),
            _ => {}
        }
    }

    /// Platform event → the event log, then every enabled binding for it.
    /// `reward`: a redemption's reward id and title.
    fn fire(&self, ev: NewEvent, reward: Option<(&str, &str)>, extra: &[(&'static str, String)]) {
        let vars = events::vars(&ev, extra);
        let table = self.table.borrow().clone();
        events::fire_bindings(&self.engine, &self.obs, &table, &ev, reward, &vars);
        events::record(&self.engine, ev);
    }

    fn forward_to_admins(&self, msg: &ChatMessage, st: &mut State) {
        let (start, count) = &mut st.admin_window;
        if start.elapsed() >= Duration::from_secs(1) {
            *start = Instant::now();
            *count = 0;
        }
        if *count >= ADMIN_CHAT_PER_S {
            return;
        }
        *count += 1;
        let u = &msg.user;
        let line = ChatLine {
            user: &u.display_name,
            login: &u.login,
            text: &msg.text,
            roles: &u.roles,
        };
        self.hub.publish_admin(Encoded::new("chat_message", &line));
    }
}

/// Events both IRC and EventSub report.
fn from_both(ev: &TwitchEvent) -> bool {
    matches!(
        ev,
        TwitchEvent::Subscription { .. }
            | TwitchEvent::GiftSub { .. }
            | TwitchEvent::Raid { .. }
            | TwitchEvent::Cheer { .. }
    )
}

/// The next EventSub event; pending forever without EventSub.
async fn recv(rx: &mut Option<mpsc::Receiver<TwitchEvent>>) -> Option<TwitchEvent> {
    match rx {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}

/// A Twitch event for the log and the bindings.
fn event(
    kind: EventKind,
    user: &ChatUser,
    amount: u64,
    message: String,
    detail: &str,
    source: EventSource,
) -> NewEvent {
    NewEvent {
        kind,
        user: user.display_name.clone(),
        login: user.login.clone(),
        amount: amount as f64,
        currency: String::new(),
        message,
        detail: detail.to_string(),
        source,
    }
}

/// "1000"/"2000"/"3000"/"Prime" → 1/2/3/1.
fn tier_number(tier: &str) -> String {
    match tier {
        "2000" => "2",
        "3000" => "3",
        _ => "1",
    }
    .to_string()
}
