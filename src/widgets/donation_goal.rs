//! DonationGoalWidget: a progress bar towards a goal, with the total and the latest donor.

use super::params::{ParamSpec, get_f64, get_str, num_value};
use super::{
    ElementTemplate, FeatureCtx, FeatureSpec, FollowUp, Outcome, WidgetType, set_props, set_visible,
};
use crate::model::{ElementChange, ElementType, Map};
use crate::props;

pub struct DonationGoalWidget;

const BAR: &str = "progress_bar";
const GOAL: &str = "goal_text";
const AMOUNT: &str = "current_amount_text";
const DONOR: &str = "donor_name_text";

impl WidgetType for DonationGoalWidget {
    fn class(&self) -> &'static str {
        "DonationGoalWidget"
    }
    fn display_name(&self) -> &'static str {
        "Donation Goal"
    }
    fn description(&self) -> &'static str {
        "A progress bar towards a donation goal, with the running total and a thank-you for the latest donor."
    }

    fn parameters(&self) -> Vec<ParamSpec> {
        vec![
            ParamSpec::text("goal_title", "Goal title", 60).default("Donation Goal"),
            ParamSpec::number("goal_amount", "Goal amount", 1.0, 1e9).default(500),
            ParamSpec::text("currency_symbol", "Currency symbol", 3).default("$"),
            ParamSpec::color("bar_color", "Bar color").default("#4CAF50"),
            ParamSpec::slider("donor_display_s", "Show donor for (s)", 1.0, 60.0, 1.0).default(8),
        ]
    }

    fn elements(&self, params: &Map) -> Vec<ElementTemplate> {
        let text = |name, y: u32, size: u32, visible| ElementTemplate {
            name,
            element_type: ElementType::Text,
            properties: props! {
                "text": "",
                "font_size": size,
                "color": "#FFFFFF",
                "align": "center",
                "stroke": true,
                "position": {"x": 560, "y": y, "z_index": 6},
                "size": {"width": 800},
            },
            behavior: props! {
                "entrance": {"type": "slide", "duration": 0.4},
                "exit": {"type": "fade", "duration": 0.4},
            },
            visible,
        };
        let mut els = vec![
            text(GOAL, 872, 30, true),
            ElementTemplate {
                name: BAR,
                element_type: ElementType::Image,
                properties: props! {
                    "media_roles": ["image"],
                    "progress": {},
                    "position": {"x": 560, "y": 920, "z_index": 5},
                    "size": {"width": 800, "height": 44},
                },
                behavior: props! { "entrance": {"type": "fade", "duration": 0.4} },
                visible: true,
            },
            text(AMOUNT, 926, 24, true),
            text(DONOR, 978, 28, false),
        ];
        // Fill in the texts and the bar from the initial (zero) state.
        let view = render(params, 0.0);
        for e in &mut els {
            if let Some(c) = view.iter().find(|c| c.name == e.name) {
                e.properties.extend(c.properties.clone());
            }
        }
        els
    }

    fn features(&self, _params: &Map) -> Vec<FeatureSpec> {
        vec![
            FeatureSpec::new(
                "add_donation",
                "Add Donation",
                vec![
                    ParamSpec::number("amount", "Amount", 0.01, 1_000_000.0).step(0.01),
                    ParamSpec::text("donor_name", "Donor name", 40).optional(),
                ],
            ),
            FeatureSpec::new(
                "set_goal",
                "Set Goal",
                vec![ParamSpec::number("target", "Target", 1.0, 1e9)],
            ),
            FeatureSpec::new("reset_goal", "Reset Goal", vec![])
                .describe("Back to zero; clears the donor."),
        ]
    }

    fn initial_state(&self, _params: &Map) -> Map {
        props! { "current": 0 }
    }

    fn execute(&self, feature: &str, args: &Map, ctx: &FeatureCtx) -> Outcome {
        let current = get_f64(ctx.state, "current", 0.0);
        match feature {
            "add_donation" => {
                let amount = get_f64(args, "amount", 0.0);
                let total = ((current + amount) * 100.0).round() / 100.0;
                let mut out = Outcome {
                    changes: render(ctx.params, total),
                    state: Some(props! { "current": num_value(total) }),
                    ..Outcome::default()
                };
                let donor = get_str(args, "donor_name", "").trim();
                if !donor.is_empty() {
                    let symbol = get_str(ctx.params, "currency_symbol", "$");
                    out.changes.push(ElementChange {
                        name: DONOR.into(),
                        visible: Some(true),
                        properties: props! {
                            "text": format!("Thank you, {donor}! ({})", money(symbol, amount)),
                        },
                    });
                    out.follow_ups.push(FollowUp {
                        key: "hide_donor",
                        after_ms: (get_f64(ctx.params, "donor_display_s", 8.0) * 1000.0) as u64,
                        changes: vec![set_visible(DONOR, false)],
                    });
                }
                out
            }
            "set_goal" => {
                let target = get_f64(args, "target", 500.0);
                let mut params = ctx.params.clone();
                params.insert("goal_amount".into(), num_value(target));
                Outcome {
                    changes: render(&params, current),
                    parameters: Some(props! { "goal_amount": num_value(target) }),
                    ..Outcome::default()
                }
            }
            _ => {
                let mut changes = render(ctx.params, 0.0);
                changes.push(ElementChange {
                    name: DONOR.into(),
                    visible: Some(false),
                    properties: props! { "text": "" },
                });
                Outcome {
                    changes,
                    state: Some(props! { "current": 0 }),
                    cancel: vec!["hide_donor"],
                    ..Outcome::default()
                }
            }
        }
    }

    fn parameters_changed(&self, ctx: &FeatureCtx) -> Outcome {
        Outcome {
            changes: render(ctx.params, get_f64(ctx.state, "current", 0.0)),
            ..Outcome::default()
        }
    }
}

/// The bar and texts for a total: one function so every feature draws the same way.
fn render(params: &Map, total: f64) -> Vec<ElementChange> {
    let goal = get_f64(params, "goal_amount", 500.0).max(1.0);
    let symbol = get_str(params, "currency_symbol", "$");
    let percent = ((total / goal * 100.0).clamp(0.0, 100.0) * 10.0).round() / 10.0;
    let label = format!("{} / {}", money(symbol, total), money(symbol, goal));
    vec![
        set_props(
            GOAL,
            props! { "text": get_str(params, "goal_title", "Donation Goal") },
        ),
        set_props(
            BAR,
            props! {
                "progress": {
                    "percent": num_value(percent),
                    "color": get_str(params, "bar_color", "#4CAF50"),
                    "track_color": "rgba(12, 12, 20, 0.6)",
                },
                "goal_reached": total >= goal,
            },
        ),
        set_props(
            AMOUNT,
            props! { "text": format!("{label} ({}%)", num_value(percent)) },
        ),
    ]
}

/// `$1,234.50`; whole amounts without cents (`$500`).
fn money(symbol: &str, amount: f64) -> String {
    let cents = (amount * 100.0).round() as u64;
    let (whole, frac) = (cents / 100, cents % 100);
    let digits = whole.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if frac == 0 {
        format!("{symbol}{grouped}")
    } else {
        format!("{symbol}{grouped}.{frac:02}")
    }
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
