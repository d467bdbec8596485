//! CountdownTimerWidget: "Starting soon 04:59" and break timers. The time is derived from a
//! stored deadline (start + duration, minus pauses), never ticked by the server: a restart,
//! an OBS reload or a second overlay all show the same second, and "time's up" is a stored
//! follow-up that fires even if it came due while stagehand was closed.

use super::typed::{Ctx, Out, Widget};
use super::{ElementTemplate, set_props, set_visible};
use crate::model::{ElementChange, ElementType, Map};
use crate::props;
use serde_json::Value;

pub struct CountdownTimerWidget;

const CLOCK: &str = "clock";
const LABEL: &str = "label";
const TIMES_UP: &str = "times_up_text";
const SOUND: &str = "times_up_sound";
const FINISH: &str = "finish";
const MAX_S: f64 = 86_400.0;

crate::params! {
    pub struct Params {
        label: String = text("Label", 60)
            .default("Starting soon")
            .describe("Shown above the clock while it runs; empty for none."),
        default_duration_s: u64 = number("Default duration (s)", 1.0, MAX_S)
            .step(1.0)
            .default(300),
        times_up_text: String = text("Time's up text", 80)
            .default("Starting now!")
            .describe("Shown when the clock reaches zero; empty for none."),
        play_sound: bool = checkbox("Sound when time is up").default(true),
        color: String = color("Text color").default("#FFFFFF"),
        font_size: f64 = slider("Clock size (px)", 32.0, 320.0, 4.0).default(144),
    }
}

crate::features! {
    pub enum Feature for Params as p {
        /// Starts (or restarts) the countdown from `duration` seconds.
        #[feature("start_timer", "Start Timer")]
        Start {
            duration: u64 = number("Duration (s)", 1.0, MAX_S).step(1.0).default(p.default_duration_s),
        },
        /// Freezes the clock; resume_timer continues from the same second.
        #[feature("pause_timer", "Pause Timer")]
        Pause {},
        #[feature("resume_timer", "Resume Timer")]
        Resume {},
        /// Stops the clock and shows the full duration again, without the time's-up text.
        #[feature("reset_timer", "Reset Timer")]
        Reset {},
        /// Adds seconds to a running or paused clock (negative takes time off; reaching zero ends it).
        #[feature("add_time", "Add Time")]
        AddTime {
            seconds: f64 = number("Seconds", -MAX_S, MAX_S).step(1.0).default(60),
        },
        /// Ends the countdown now: the clock shows 00:00 and time's up plays.
        #[feature("finish_timer", "Finish Now")]
        Finish {},
    }
}

/// The clock as stored: `started_at_ms` is when it would have started had it never paused.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct State {
    duration_ms: u64,
    started_at_ms: Option<u64>,
    paused_at_ms: Option<u64>,
}

impl State {
    fn remaining_ms(&self, now: u64) -> u64 {
        match self.started_at_ms {
            None => self.duration_ms,
            Some(start) => {
                let at = self.paused_at_ms.unwrap_or(now);
                self.duration_ms.saturating_sub(at.saturating_sub(start))
            }
        }
    }
    fn running(&self, now: u64) -> bool {
        self.started_at_ms.is_some() && self.paused_at_ms.is_none() && self.remaining_ms(now) > 0
    }
    fn finished(&self, now: u64) -> bool {
        self.started_at_ms.is_some() && self.remaining_ms(now) == 0
    }
    /// The timer element's clock properties (the overlay computes the display itself).
    fn clock(&self) -> Map {
        let ms = |v: Option<u64>| v.map_or(Value::Null, Value::from);
        props! {
            "mode": "countdown",
            "duration_s": self.duration_ms as f64 / 1000.0,
            "started_at_ms": ms(self.started_at_ms),
            "paused_at_ms": ms(self.paused_at_ms),
        }
    }
}

fn typography(p: &Params, size: f64) -> Map {
    props! {
        "color": p.color,
        "font_size": size,
        "font_weight": 900,
        "align": "center",
        "stroke": true,
        "shadow": "soft",
    }
}

impl Widget for CountdownTimerWidget {
    const CLASS: &'static str = "CountdownTimerWidget";
    const DISPLAY_NAME: &'static str = "Countdown Timer";
    const DESCRIPTION: &'static str = "A countdown for starting-soon and break screens that survives restarts and reloads, with a time's-up message and sound.";
    type Params = Params;
    type State = State;
    type Feature = Feature;

    fn elements(p: &Params) -> Vec<ElementTemplate> {
        let idle = State {
            duration_ms: p.default_duration_s * 1000,
            ..State::default()
        };
        let fade = props! {
            "entrance": {"type": "fade", "duration": 0.4},
            "exit": {"type": "fade", "duration": 0.4},
        };
        let mut clock = typography(p, p.font_size);
        clock.extend(idle.clock());
        clock.extend(props! {
            "position": {"x": 460, "y": 590, "z_index": 6},
            "size": {"width": 1000, "height": 190},
        });
        let mut label = typography(p, (p.font_size * 0.36).round());
        label.extend(props! {
            "text": p.label,
            "position": {"x": 260, "y": 515, "z_index": 6},
            "size": {"width": 1400, "height": 80},
        });
        let mut times_up = typography(p, (p.font_size * 0.5).round());
        times_up.extend(props! {
            "text": p.times_up_text,
            "position": {"x": 260, "y": 790, "z_index": 7},
            "size": {"width": 1400, "height": 110},
        });
        vec![
            ElementTemplate::new(LABEL, ElementType::Text, label).behavior(fade.clone()),
            ElementTemplate::new(CLOCK, ElementType::Timer, clock).behavior(fade),
            ElementTemplate::new(TIMES_UP, ElementType::Text, times_up).behavior(props! {
                "entrance": {"type": "pop", "duration": 0.5},
                "exit": {"type": "fade", "duration": 0.4},
                "loop": {"type": "pulse", "duration": 1.6, "intensity": 0.6},
            }),
            ElementTemplate::new(
                SOUND,
                ElementType::Audio,
                props! { "media_roles": ["audio"], "volume": 0.8, "trigger_id": 0 },
            ),
        ]
    }

    fn run(feature: Feature, ctx: &Ctx<Self>) -> Out<Self> {
        let now = ctx.now_ms;
        let s = ctx.state.clone();
        match feature {
            Feature::Start { duration } => running(
                State {
                    duration_ms: duration * 1000,
                    started_at_ms: Some(now),
                    paused_at_ms: None,
                },
                ctx,
            ),
            Feature::Pause {} if s.running(now) => {
                let paused = State {
                    paused_at_ms: Some(now),
                    ..s
                };
                Out::changes(vec![set_props(CLOCK, paused.clock())])
                    .state(paused)
                    .cancel(FINISH)
            }
            Feature::Resume {} if s.paused_at_ms.is_some() && !s.finished(now) => {
                let (start, paused) = (
                    s.started_at_ms.unwrap_or(now),
                    s.paused_at_ms.unwrap_or(now),
                );
                running(
                    State {
                        started_at_ms: Some(start + now.saturating_sub(paused)),
                        paused_at_ms: None,
                        ..s
                    },
                    ctx,
                )
            }
            // Pausing a stopped clock or resuming a running one changes nothing (a hotkey
            // pressed twice must not break the show).
            Feature::Pause {} | Feature::Resume {} => Out::none(),
            Feature::Reset {} => {
                let idle = State {
                    duration_ms: s.duration_ms.max(1000),
                    ..State::default()
                };
                let mut changes = vec![set_props(CLOCK, idle.clock())];
                changes.extend(times_up(false, ctx));
                Out::changes(changes).state(idle).cancel(FINISH)
            }
            Feature::AddTime { seconds } => add_time(s, seconds, ctx),
            Feature::Finish {} => finish(s, ctx),
        }
    }

    fn parameters_changed(ctx: &Ctx<Self>) -> Out<Self> {
        let p = ctx.params;
        let mut label = typography(p, (p.font_size * 0.36).round());
        label.insert("text".into(), p.label.clone().into());
        let mut up = typography(p, (p.font_size * 0.5).round());
        up.insert("text".into(), p.times_up_text.clone().into());
        let mut changes = vec![
            set_props(CLOCK, typography(p, p.font_size)),
            set_props(LABEL, label),
            set_props(TIMES_UP, up),
        ];
        if p.label.trim().is_empty() {
            changes.push(set_visible(LABEL, false));
        }
        if p.times_up_text.trim().is_empty() {
            changes.push(set_visible(TIMES_UP, false));
        }
        Out::changes(changes)
    }
}

/// Shows a running clock and schedules time's up at its deadline.
fn running(s: State, ctx: &Ctx<CountdownTimerWidget>) -> Out<CountdownTimerWidget> {
    let left = s.remaining_ms(ctx.now_ms);
    let mut changes = vec![ElementChange {
        name: CLOCK.into(),
        visible: Some(true),
        properties: s.clock(),
        ..Default::default()
    }];
    changes.push(set_visible(LABEL, !ctx.params.label.trim().is_empty()));
    changes.extend(times_up(false, ctx));
    Out::changes(changes)
        .state(s)
        .call_after(FINISH, left, Feature::Finish {})
}

fn add_time(s: State, seconds: f64, ctx: &Ctx<CountdownTimerWidget>) -> Out<CountdownTimerWidget> {
    let now = ctx.now_ms;
    let delta = (seconds * 1000.0).round() as i64;
    if s.started_at_ms.is_none() || s.finished(now) {
        // Nothing running: adding time starts a fresh countdown of that length.
        if delta <= 0 {
            return Out::none();
        }
        let fresh = State {
            duration_ms: delta as u64,
            started_at_ms: Some(now),
            paused_at_ms: None,
        };
        return running(fresh, ctx);
    }
    let elapsed = s.duration_ms - s.remaining_ms(now);
    let duration_ms =
        (s.duration_ms as i64 + delta).clamp(elapsed as i64, (MAX_S * 1000.0) as i64) as u64;
    let next = State { duration_ms, ..s };
    if next.remaining_ms(now) == 0 {
        return finish(next, ctx);
    }
    if next.paused_at_ms.is_some() {
        return Out::changes(vec![set_props(CLOCK, next.clock())]).state(next);
    }
    running(next, ctx)
}

/// The clock at 00:00, the time's-up text and its sound.
fn finish(s: State, ctx: &Ctx<CountdownTimerWidget>) -> Out<CountdownTimerWidget> {
    let now = ctx.now_ms;
    let done = State {
        duration_ms: s.duration_ms.max(1000),
        started_at_ms: Some(now.saturating_sub(s.duration_ms.max(1000))),
        paused_at_ms: None,
    };
    let mut changes = vec![ElementChange {
        name: CLOCK.into(),
        visible: Some(true),
        properties: done.clock(),
        ..Default::default()
    }];
    changes.extend(times_up(true, ctx));
    Out::changes(changes).state(done).cancel(FINISH)
}

/// Shows (with the sound, if wanted) or hides the time's-up text.
fn times_up(show: bool, ctx: &Ctx<CountdownTimerWidget>) -> Vec<ElementChange> {
    let p = ctx.params;
    let mut out = vec![set_visible(
        TIMES_UP,
        show && !p.times_up_text.trim().is_empty(),
    )];
    if show && p.play_sound {
        out.push(ElementChange {
            name: SOUND.into(),
            visible: Some(true),
            properties: props! { "trigger_id": ctx.next_trigger(SOUND) },
            ..Default::default()
        });
    } else {
        out.push(set_visible(SOUND, false));
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::widgets::testing::Harness;
    use serde_json::json;

    fn clock(h: &Harness) -> (f64, Option<u64>, Option<u64>) {
        let p = &h.el("clock").properties;
        (
            p["duration_s"].as_f64().unwrap_or(-1.0),
            p.get("started_at_ms").and_then(|v| v.as_u64()),
            p.get("paused_at_ms").and_then(|v| v.as_u64()),
        )
    }

    #[test]
    fn start_schedules_times_up_at_the_deadline_and_it_fires_with_sound() {
        let mut h = Harness::new("CountdownTimerWidget", json!({}));
        assert_eq!(clock(&h), (300.0, None, None));
        let t0 = h.now_ms;
        h.run("start_timer", json!({"duration": 90})).unwrap();
        assert_eq!(clock(&h), (90.0, Some(t0), None));
        assert!(h.el("clock").visible && h.el("label").visible && !h.el("times_up_text").visible);
        assert_eq!(h.pending[0].after_ms, 90_000);
        h.fire("finish").unwrap();
        assert!(h.el("times_up_text").visible && h.el("times_up_sound").visible);
        assert_eq!(h.el("times_up_sound").properties["trigger_id"], 1);
        let (d, start, _) = clock(&h);
        assert_eq!(
            start,
            Some(h.now_ms - (d * 1000.0) as u64),
            "the clock reads 00:00"
        );
    }

    #[test]
    fn pause_and_resume_continue_from_the_same_second() {
        let mut h = Harness::new("CountdownTimerWidget", json!({}));
        let t0 = h.now_ms;
        h.run("start_timer", json!({"duration": 60})).unwrap();
        h.now_ms += 20_000;
        h.run("pause_timer", json!({})).unwrap();
        assert!(h.pending.is_empty(), "time's up is off while paused");
        assert_eq!(clock(&h).2, Some(t0 + 20_000));
        h.run("pause_timer", json!({})).unwrap(); // twice: harmless
        h.now_ms += 300_000;
        h.run("resume_timer", json!({})).unwrap();
        assert_eq!(clock(&h), (60.0, Some(t0 + 300_000), None));
        assert_eq!(h.pending[0].after_ms, 40_000, "40 s were left");
        h.run("resume_timer", json!({})).unwrap(); // running: harmless
        assert_eq!(h.pending.len(), 1);
    }

    #[test]
    fn add_time_moves_the_deadline_and_taking_it_all_off_finishes() {
        let mut h = Harness::new("CountdownTimerWidget", json!({}));
        h.run("start_timer", json!({"duration": 60})).unwrap();
        h.now_ms += 10_000;
        h.run("add_time", json!({"seconds": 30})).unwrap();
        assert_eq!(clock(&h).0, 90.0);
        assert_eq!(h.pending[0].after_ms, 80_000);
        h.run("add_time", json!({"seconds": -500})).unwrap();
        assert!(h.el("times_up_text").visible, "no time left: time's up");
        assert!(h.pending.is_empty());
        // On a finished clock, adding time starts a fresh countdown.
        h.run("add_time", json!({"seconds": 45})).unwrap();
        assert_eq!(clock(&h), (45.0, Some(h.now_ms), None));
        assert!(!h.el("times_up_text").visible);
        assert!(h.run("add_time", json!({"seconds": 1e9})).is_err());
    }

    #[test]
    fn reset_shows_the_full_duration_stopped_and_parameters_restyle() {
        let mut h = Harness::new("CountdownTimerWidget", json!({"play_sound": false}));
        h.run("start_timer", json!({})).unwrap();
        assert_eq!(clock(&h).0, 300.0, "the default duration");
        h.fire("finish").unwrap();
        assert!(!h.el("times_up_sound").visible, "sound is off");
        h.run("reset_timer", json!({})).unwrap();
        assert_eq!(clock(&h), (300.0, None, None));
        assert!(!h.el("times_up_text").visible && h.pending.is_empty());
        h.set_params(json!({"label": "", "color": "#FFD700"}))
            .unwrap();
        assert!(!h.el("label").visible);
        assert_eq!(h.el("clock").properties["color"], "#FFD700");
    }
}
