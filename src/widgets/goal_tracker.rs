//! GoalTrackerWidget: a follower / sub / bits (or any unit) goal bar, with confetti the moment
//! the goal is reached.

use super::params::num_value;
use super::progress;
use super::typed::{Ctx, Out, Widget};
use super::{ElementTemplate, set_props, set_visible, with_changes};
use crate::model::{ElementChange, ElementType};
use crate::props;

pub struct GoalTrackerWidget;

const TITLE: &str = "title_text";
const BAR: &str = "progress_bar";
const COUNT: &str = "count_text";
const CELEBRATION: &str = "celebration";
const CELEBRATE_MS: u64 = 4000;

crate::choice! {
    pub enum Unit { Followers, Subs, Bits, Custom }
}

crate::params! {
    pub struct Params {
        title: String = text("Title", 60).default("Follower goal"),
        unit: Unit = choice::<Unit>("Counting").default("Followers"),
        custom_unit: String = text("Custom unit", 20)
            .default("points")
            .describe("The unit's name when Counting is Custom."),
        goal: f64 = number("Goal", 1.0, 1e9).default(100),
        bar_color: String = color("Bar color").default("#7C4DFF"),
        celebrate: bool = checkbox("Confetti when reached").default(true),
    }
}

crate::features! {
    pub enum Feature for Params as _p {
        /// Adds to the count (a negative amount corrects a mistake; never below zero).
        #[feature("add_progress", "Add Progress")]
        AddProgress { amount: f64 = number("Amount", -1e9, 1e9).default(1) },
        #[feature("set_goal", "Set Goal")]
        SetGoal { target: f64 = number("Target", 1.0, 1e9) },
        #[feature("reset_goal", "Reset Goal")]
        ResetGoal {},
    }
}

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct State {
    current: f64,
}

fn unit(p: &Params) -> String {
    match p.unit {
        Unit::Custom => p.custom_unit.trim().to_string(),
        u => u.as_str().to_lowercase(),
    }
}

/// The title, bar and count for a total.
fn render(p: &Params, total: f64) -> Vec<ElementChange> {
    let percent = progress::percent(total, p.goal);
    let unit = unit(p);
    let goal = if unit.is_empty() {
        progress::amount(p.goal)
    } else {
        format!("{} {unit}", progress::amount(p.goal))
    };
    let count = format!(
        "{} / {goal} ({}%)",
        progress::amount(total),
        num_value(percent)
    );
    vec![
        set_props(TITLE, props! { "text": p.title }),
        set_props(BAR, progress::bar(percent, &p.bar_color, total >= p.goal)),
        set_props(COUNT, props! { "text": count }),
    ]
}

impl Widget for GoalTrackerWidget {
    const CLASS: &'static str = "GoalTrackerWidget";
    const DISPLAY_NAME: &'static str = "Goal Tracker";
    const DESCRIPTION: &'static str =
        "A goal bar for followers, subs, bits or anything you count, with confetti when it fills.";
    type Params = Params;
    type State = State;
    type Feature = Feature;

    fn elements(p: &Params) -> Vec<ElementTemplate> {
        let text = |name, y: u32, size: u32| {
            ElementTemplate::new(
                name,
                ElementType::Text,
                props! {
                    "font_size": size,
                    "font_weight": 800,
                    "color": "#FFFFFF",
                    "align": "center",
                    "stroke": true,
                    "position": {"x": 560, "y": y, "z_index": 6},
                    "size": {"width": 800},
                },
            )
            .behavior(props! { "entrance": {"type": "fade", "duration": 0.4} })
            .visible(true)
        };
        let els = vec![
            text(TITLE, 40, 30),
            ElementTemplate::new(
                BAR,
                ElementType::Image,
                props! {
                    "media_roles": ["image"],
                    "position": {"x": 560, "y": 88, "z_index": 5},
                    "size": {"width": 800, "height": 44},
                },
            )
            .behavior(props! { "entrance": {"type": "fade", "duration": 0.4} })
            .visible(true),
            text(COUNT, 94, 24),
            ElementTemplate::new(
                CELEBRATION,
                ElementType::Animation,
                props! {
                    "effect": "confetti",
                    "intensity": "High",
                    "colors": [p.bar_color],
                    "duration_s": CELEBRATE_MS as f64 / 1000.0,
                    "trigger_id": 0,
                },
            )
            .behavior(
                props! { "entrance": {"type": "none"}, "exit": {"type": "fade", "duration": 0.6} },
            ),
        ];
        with_changes(els, &render(p, 0.0))
    }

    fn run(feature: Feature, ctx: &Ctx<Self>) -> Out<Self> {
        let p = ctx.params;
        let before = ctx.state.current;
        match feature {
            Feature::AddProgress { amount } => {
                let total = (((before + amount) * 100.0).round() / 100.0).max(0.0);
                let mut out = Out::changes(render(p, total)).state(State { current: total });
                if p.celebrate && before < p.goal && total >= p.goal {
                    out.changes.push(ElementChange {
                        name: CELEBRATION.into(),
                        visible: Some(true),
                        properties: props! {
                            "colors": [p.bar_color],
                            "trigger_id": ctx.next_trigger(CELEBRATION),
                        },
                        ..Default::default()
                    });
                    out = out.change_after(
                        "end_celebration",
                        CELEBRATE_MS,
                        vec![set_visible(CELEBRATION, false)],
                    );
                }
                out
            }
            Feature::SetGoal { target } => {
                let params = Params {
                    goal: target,
                    ..p.clone()
                };
                let mut out = Out::changes(render(&params, before));
                out.parameters = Some(params);
                out
            }
            Feature::ResetGoal {} => {
                let mut changes = render(p, 0.0);
                changes.push(set_visible(CELEBRATION, false));
                Out::changes(changes)
                    .state(State::default())
                    .cancel("end_celebration")
            }
        }
    }

    fn parameters_changed(ctx: &Ctx<Self>) -> Out<Self> {
        Out::changes(render(ctx.params, ctx.state.current))
    }
}

#[cfg(test)]
mod tests {
    use crate::widgets::testing::Harness;
    use serde_json::json;

    #[test]
    fn progress_fills_the_bar_and_confetti_fires_once_when_the_goal_is_reached() {
        let mut h = Harness::new("GoalTrackerWidget", json!({"goal": 10}));
        assert_eq!(
            h.el("count_text").properties["text"],
            "0 / 10 followers (0%)"
        );
        h.run("add_progress", json!({"amount": 4})).unwrap();
        assert_eq!(h.el("progress_bar").properties["progress"]["percent"], 40);
        assert!(!h.el("celebration").visible);
        h.run("add_progress", json!({"amount": 6})).unwrap();
        assert!(h.el("celebration").visible, "reached: confetti");
        assert_eq!(h.el("progress_bar").properties["goal_reached"], true);
        h.fire("end_celebration").unwrap();
        h.run("add_progress", json!({})).unwrap();
        assert!(
            !h.el("celebration").visible,
            "already past the goal: no second blast"
        );
        assert_eq!(
            h.el("count_text").properties["text"],
            "11 / 10 followers (100%)"
        );
        h.run("add_progress", json!({"amount": -50})).unwrap();
        assert_eq!(h.state["current"], 0, "never below zero");
    }

    #[test]
    fn units_goal_changes_and_reset() {
        let mut h = Harness::new(
            "GoalTrackerWidget",
            json!({"unit": "custom", "custom_unit": "hugs", "goal": 1000, "celebrate": false}),
        );
        h.run("add_progress", json!({"amount": 1500})).unwrap();
        assert!(!h.el("celebration").visible, "celebration is off");
        assert_eq!(
            h.el("count_text").properties["text"],
            "1,500 / 1,000 hugs (100%)"
        );
        let out = h.run("set_goal", json!({"target": 3000})).unwrap();
        assert_eq!(out.parameters.unwrap()["goal"], 3000);
        assert_eq!(h.el("progress_bar").properties["progress"]["percent"], 50);
        h.set_params(json!({"unit": "bits"})).unwrap();
        assert_eq!(
            h.el("count_text").properties["text"],
            "1,500 / 3,000 bits (50%)"
        );
        h.run("reset_goal", json!({})).unwrap();
        assert_eq!(h.el("progress_bar").properties["progress"]["percent"], 0);
        assert!(h.run("set_goal", json!({"target": 0})).is_err());
    }
}
