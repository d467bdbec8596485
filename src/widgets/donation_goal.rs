//! DonationGoalWidget: a progress bar towards a goal, with the total and the latest donor.

use super::params::num_value;
use super::progress;
use super::typed::{Ctx, Out, Widget};
use super::{ElementTemplate, set_props, set_visible, with_changes};
use crate::model::{ElementChange, ElementType};
use crate::props;

pub struct DonationGoalWidget;

const BAR: &str = "progress_bar";
const GOAL: &str = "goal_text";
const AMOUNT: &str = "current_amount_text";
const DONOR: &str = "donor_name_text";

crate::params! {
    pub struct Params {
        goal_title: String = text("Goal title", 60).default("Donation Goal"),
        goal_amount: f64 = number("Goal amount", 1.0, 1e9).default(500),
        currency_symbol: String = text("Currency symbol", 3).default("$"),
        bar_color: String = color("Bar color").default("#4CAF50"),
        donor_display_s: f64 = slider("Show donor for (s)", 1.0, 60.0, 1.0).default(8),
    }
}

crate::features! {
    pub enum Feature for Params as _p {
        #[feature("add_donation", "Add Donation")]
        AddDonation {
            amount: f64 = number("Amount", 0.01, 1_000_000.0).step(0.01),
            donor_name: Option<String> = text("Donor name", 40).optional(),
        },
        #[feature("set_goal", "Set Goal")]
        SetGoal { target: f64 = number("Target", 1.0, 1e9) },
        /// Back to zero; clears the donor.
        #[feature("reset_goal", "Reset Goal")]
        ResetGoal {},
    }
}

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct State {
    current: f64,
}

impl Widget for DonationGoalWidget {
    const CLASS: &'static str = "DonationGoalWidget";
    const DISPLAY_NAME: &'static str = "Donation Goal";
    const DESCRIPTION: &'static str = "A progress bar towards a donation goal, with the running total and a thank-you for the latest donor.";
    type Params = Params;
    type State = State;
    type Feature = Feature;

    fn elements(p: &Params) -> Vec<ElementTemplate> {
        let text = |name, y: u32, size: u32, visible| {
            ElementTemplate::new(
                name,
                ElementType::Text,
                props! {
                    "text": "",
                    "font_size": size,
                    "color": "#FFFFFF",
                    "align": "center",
                    "stroke": true,
                    "position": {"x": 560, "y": y, "z_index": 6},
                    "size": {"width": 800},
                },
            )
            .behavior(props! {
                "entrance": {"type": "slide", "duration": 0.4},
                "exit": {"type": "fade", "duration": 0.4},
            })
            .visible(visible)
        };
        let els = vec![
            text(GOAL, 872, 30, true),
            ElementTemplate::new(
                BAR,
                ElementType::Image,
                props! {
                    "media_roles": ["image"],
                    "progress": {},
                    "position": {"x": 560, "y": 920, "z_index": 5},
                    "size": {"width": 800, "height": 44},
                },
            )
            .behavior(props! { "entrance": {"type": "fade", "duration": 0.4} })
            .visible(true),
            text(AMOUNT, 926, 24, true),
            text(DONOR, 978, 28, false),
        ];
        // The texts and the bar of the initial (zero) state.
        with_changes(els, &render(p, 0.0))
    }

    fn run(feature: Feature, ctx: &Ctx<Self>) -> Out<Self> {
        let current = ctx.state.current;
        match feature {
            Feature::AddDonation { amount, donor_name } => {
                let total = ((current + amount) * 100.0).round() / 100.0;
                let out = Out::changes(render(ctx.params, total)).state(State { current: total });
                match donor_name.as_deref().map(str::trim) {
                    Some(donor) if !donor.is_empty() => {
                        let symbol = &ctx.params.currency_symbol;
                        let mut out = out.change_after(
                            "hide_donor",
                            (ctx.params.donor_display_s * 1000.0) as u64,
                            vec![set_visible(DONOR, false)],
                        );
                        out.changes.push(ElementChange {
                            name: DONOR.into(),
                            visible: Some(true),
                            properties: props! {
                                "text": format!("Thank you, {donor}! ({})", money(symbol, amount)),
                            },
                            ..Default::default()
                        });
                        out
                    }
                    _ => out,
                }
            }
            Feature::SetGoal { target } => {
                let params = Params {
                    goal_amount: target,
                    ..ctx.params.clone()
                };
                let mut out = Out::changes(render(&params, current));
                out.parameters = Some(params);
                out
            }
            Feature::ResetGoal {} => {
                let mut changes = render(ctx.params, 0.0);
                changes.push(ElementChange {
                    name: DONOR.into(),
                    visible: Some(false),
                    properties: props! { "text": "" },
                    ..Default::default()
                });
                Out::changes(changes)
                    .state(State::default())
                    .cancel("hide_donor")
            }
        }
    }

    fn parameters_changed(ctx: &Ctx<Self>) -> Out<Self> {
        Out::changes(render(ctx.params, ctx.state.current))
    }
}

/// The bar and texts for a total: one function so every feature draws the same way.
fn render(p: &Params, total: f64) -> Vec<ElementChange> {
    let goal = p.goal_amount.max(1.0);
    let symbol = &p.currency_symbol;
    let percent = progress::percent(total, goal);
    let label = format!("{} / {}", money(symbol, total), money(symbol, goal));
    vec![
        set_props(GOAL, props! { "text": p.goal_title }),
        set_props(BAR, progress::bar(percent, &p.bar_color, total >= goal)),
        set_props(
            AMOUNT,
            props! { "text": format!("{label} ({}%)", num_value(percent)) },
        ),
    ]
}

/// `$1,234.50`; whole amounts without cents (`$500`).
fn money(symbol: &str, amount: f64) -> String {
    format!("{symbol}{}", progress::amount(amount))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::widgets::testing::Harness;
    use serde_json::json;

    #[test]
    fn donations_fill_the_bar_and_thank_the_donor() {
        let mut h = Harness::new("DonationGoalWidget", json!({"goal_amount": 500}));
        assert_eq!(h.el(BAR).properties["progress"]["percent"], 0);
        let out = h
            .run(
                "add_donation",
                json!({"amount": 50, "donor_name": "CoolViewer"}),
            )
            .unwrap();
        assert_eq!(h.el(BAR).properties["progress"]["percent"], 10);
        assert_eq!(h.el(AMOUNT).properties["text"], "$50 / $500 (10%)");
        assert!(h.el(DONOR).visible);
        assert_eq!(
            h.el(DONOR).properties["text"],
            "Thank you, CoolViewer! ($50)"
        );
        assert_eq!(out.follow_ups[0].key, "hide_donor");
        h.run("add_donation", json!({"amount": 1000.5})).unwrap();
        assert_eq!(h.el(BAR).properties["progress"]["percent"], 100, "capped");
        assert_eq!(h.el(BAR).properties["goal_reached"], true);
        assert_eq!(h.state["current"], 1050.5);
    }

    #[test]
    fn set_goal_and_reset() {
        let mut h = Harness::new("DonationGoalWidget", json!({}));
        h.run("add_donation", json!({"amount": 25})).unwrap();
        let out = h.run("set_goal", json!({"target": 100})).unwrap();
        assert_eq!(out.parameters.unwrap()["goal_amount"], 100);
        assert_eq!(h.el(BAR).properties["progress"]["percent"], 25);
        h.run("reset_goal", json!({})).unwrap();
        assert_eq!(h.el(BAR).properties["progress"]["percent"], 0);
        assert!(!h.el(DONOR).visible);
        assert!(h.run("add_donation", json!({"amount": -5})).is_err());
        assert!(h.run("add_donation", json!({})).is_err());
    }

    #[test]
    fn money_formatting() {
        assert_eq!(money("$", 1234.5), "$1,234.50");
        assert_eq!(money("€", 500.0), "€500");
        assert_eq!(money("$", 1_000_000.0), "$1,000,000");
    }
}
