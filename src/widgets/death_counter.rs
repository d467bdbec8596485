//! DeathCounterWidget: the on-screen death count every souls-like stream needs.

use super::params::{ParamSpec, get_f64, get_str};
use super::{ElementTemplate, FeatureCtx, FeatureSpec, Outcome, WidgetType, set_props};
use crate::model::{ElementType, Map};
use crate::props;

pub struct DeathCounterWidget;

const COUNTER: &str = "death_count";

impl WidgetType for DeathCounterWidget {
    fn class(&self) -> &'static str {
        "DeathCounterWidget"
    }
    fn display_name(&self) -> &'static str {
        "Death Counter"
    }
    fn description(&self) -> &'static str {
        "Counts deaths (or anything else) on screen; chat mods can bump it."
    }

    fn parameters(&self) -> Vec<ParamSpec> {
        vec![
            ParamSpec::text("label", "Label", 30).default("Deaths"),
            ParamSpec::color("color", "Text color").default("#FFFFFF"),
            ParamSpec::slider("font_size", "Font size (px)", 16.0, 200.0, 2.0).default(56),
        ]
    }

    fn elements(&self, params: &Map) -> Vec<ElementTemplate> {
        vec![ElementTemplate {
            name: COUNTER,
            element_type: ElementType::Counter,
            properties: props! {
                "value": 0,
                "label": get_str(params, "label", "Deaths"),
                "color": get_str(params, "color", "#FFFFFF"),
                "font_size": get_f64(params, "font_size", 56.0),
                "position": {"x": 48, "y": 48, "z_index": 5},
            },
            behavior: props! {
                "entrance": {"type": "fade", "duration": 0.3},
                "exit": {"type": "fade", "duration": 0.3},
            },
            visible: true,
        }]
    }

    fn features(&self, _params: &Map) -> Vec<FeatureSpec> {
        let amount = || ParamSpec::slider("amount", "By", 1.0, 100.0, 1.0).default(1);
        vec![
            FeatureSpec::new("increment_deaths", "Add Death", vec![amount()]),
            FeatureSpec::new("decrement_deaths", "Remove Death", vec![amount()])
                .describe("Never goes below zero."),
            FeatureSpec::new("reset_counter", "Reset Counter", vec![]),
        ]
    }

    fn initial_state(&self, _params: &Map) -> Map {
        props! { "count": 0 }
    }

    fn execute(&self, feature: &str, args: &Map, ctx: &FeatureCtx) -> Outcome {
        let count = ctx.state.get("count").and_then(|v| v.as_u64()).unwrap_or(0);
        let by = get_f64(args, "amount", 1.0) as u64;
        let next = match feature {
            "increment_deaths" => count.saturating_add(by),
            "decrement_deaths" => count.saturating_sub(by),
            _ => 0,
        };
        Outcome {
            changes: vec![set_props(COUNTER, props! { "value": next })],
            state: Some(props! { "count": next }),
            ..Outcome::default()
        }
    }

    fn parameters_changed(&self, ctx: &FeatureCtx) -> Outcome {
        let p = ctx.params;
        Outcome {
            changes: vec![set_props(
                COUNTER,
                props! {
                    "label": get_str(p, "label", "Deaths"),
                    "color": get_str(p, "color", "#FFFFFF"),
                    "font_size": get_f64(p, "font_size", 56.0),
                },
            )],
            ..Outcome::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::widgets::testing::Harness;
    use serde_json::json;

    #[test]
    fn counts_up_down_and_resets_never_below_zero() {
        let mut h = Harness::new("DeathCounterWidget", json!({}));
        h.run("increment_deaths", json!({})).unwrap();
        h.run("increment_deaths", json!({"amount": 4})).unwrap();
        assert_eq!(h.el("death_count").properties["value"], 5);
        h.run("decrement_deaths", json!({"amount": 10})).unwrap();
        assert_eq!(h.el("death_count").properties["value"], 0);
        h.run("increment_deaths", json!({})).unwrap();
        h.run("reset_counter", json!({})).unwrap();
        assert_eq!(h.el("death_count").properties["value"], 0);
        assert_eq!(h.state["count"], 0);
        assert!(h.run("increment_deaths", json!({"amount": 0})).is_err());
    }

    #[test]
    fn parameter_edits_restyle_the_counter() {
        let mut h = Harness::new("DeathCounterWidget", json!({}));
        h.params.insert("label".into(), json!("Wipes"));
        let refs: Vec<_> = h.elements.iter().collect();
        let ctx = crate::widgets::FeatureCtx {
            params: &h.params,
            state: &h.state,
            elements: &refs,
            now_ms: 0,
        };
        let out = h.widget.parameters_changed(&ctx);
        h.apply(&out);
        assert_eq!(h.el("death_count").properties["label"], "Wipes");
    }
}
