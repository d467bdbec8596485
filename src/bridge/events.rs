//! A platform event's way in, whatever its source (Twitch chat, EventSub, `POST
//! /api/events`): one entry in the event log (which feeds the event list and leaderboard
//! widgets), then every enabled binding for it with its parameters filled in.

use crate::chat;
use crate::engine::{ChatTable, Engine, Request};
use crate::model::{Actor, EventKind, NewEvent};

/// The template variables of an event: `{user}`, `{login}`, `{amount}`, `{message}`, plus
/// `extra` (`{months}`, `{tier}`, `{viewers}`, …).
pub fn vars(ev: &NewEvent, extra: &[(&'static str, String)]) -> Vec<(&'static str, String)> {
    let mut v = vec![
        ("user", ev.user.clone()),
        ("login", ev.login.clone()),
        ("amount", amount_text(ev.amount)),
        ("message", ev.message.clone()),
    ];
    for (k, value) in extra {
        match v.iter_mut().find(|(name, _)| name == k) {
            Some(slot) => slot.1 = value.clone(),
            None => v.push((k, value.clone())),
        }
    }
    v
}

/// `12` for whole amounts, `4.99` otherwise.
fn amount_text(a: f64) -> String {
    if a.fract() == 0.0 {
        format!("{}", a as u64)
    } else {
        format!("{a:.2}")
    }
}

/// The audit actor of what an event fires.
pub fn actor(kind: EventKind) -> Actor {
    Actor::Event { event: kind.name() }
}

/// Appends `ev` to the event log without waiting (the engine feeds the widgets that follow
/// events in the same group). A full engine drops it with a warning: chat keeps flowing.
pub fn record(engine: &Engine, ev: NewEvent) {
    let actor = actor(ev.kind);
    if let Err(e) = engine.enqueue(
        actor,
        Request::RecordEvent {
            event: ev.cleaned(),
        },
    ) {
        tracing::warn!(error = %e, "an event was not logged");
    }
}

/// Every enabled binding for the event, with its parameters rendered from `vars`; OBS
/// requests the features ask for are performed once committed. `reward`: a redemption's
/// reward id and title.
pub fn fire_bindings(
    engine: &Engine,
    obs: &stagehand_obs::ObsHandle,
    table: &ChatTable,
    ev: &NewEvent,
    reward: Option<(&str, &str)>,
    vars: &[(&'static str, String)],
) {
    let amount = ev.amount.floor() as u64;
    for b in table
        .bindings
        .iter()
        .filter(|b| chat::binding_matches(b, ev.kind, amount, reward))
    {
        let Some(specs) = table.specs(b.widget_id, &b.feature) else {
            continue;
        };
        let parameters = chat::render_for(specs, &b.parameters, vars);
        let req = Request::Execute {
            widget_id: b.widget_id,
            feature: b.feature.clone(),
            parameters,
            seed: None,
        };
        match engine.enqueue(actor(ev.kind), req) {
            Ok(reply) => {
                let (obs, engine) = (obs.clone(), engine.clone());
                tokio::spawn(async move {
                    if let Ok(Ok(done)) = reply.await
                        && let Err(e) = super::obs::run_effects(&engine, &obs, done).await
                    {
                        tracing::warn!(error = %e, "an event binding's OBS request failed");
                    }
                });
            }
            Err(e) => tracing::warn!(error = %e, "cannot run an event binding"),
        }
    }
}
