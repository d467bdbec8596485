//! DeathCounterWidget: the on-screen death count every souls-like stream needs.

use super::typed::{Ctx, Out, Widget};
use super::{ElementTemplate, set_props};
use crate::model::ElementType;
use crate::props;

pub struct DeathCounterWidget;

const COUNTER: &str = "death_count";

crate::params! {
    pub struct Params {
        label: String = text("Label", 30).default("Deaths"),
        color: String = color("Text color").default("#FFFFFF"),
        font_size: f64 = slider("Font size (px)", 16.0, 200.0, 2.0).default(56),
    }
}

crate::features! {
    pub enum Feature for Params as _p {
        #[feature("increment_deaths", "Add Death")]
        Increment { amount: u64 = slider("By", 1.0, 100.0, 1.0).default(1) },
        /// Never goes below zero.
        #[feature("decrement_deaths", "Remove Death")]
        Decrement { amount: u64 = slider("By", 1.0, 100.0, 1.0).default(1) },
        #[feature("reset_counter", "Reset Counter")]
        Reset {},
    }
}

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct State {
    count: u64,
}

fn style(p: &Params) -> crate::model::Map {
    props! { "label": p.label, "color": p.color, "font_size": p.font_size }
}

impl Widget for DeathCounterWidget {
    const CLASS: &'static str = "DeathCounterWidget";
    const DISPLAY_NAME: &'static str = "Death Counter";
    const DESCRIPTION: &'static str =
        "Counts deaths (or anything else) on screen; chat mods can bump it.";
    type Params = Params;
    type State = State;
    type Feature = Feature;

    fn elements(p: &Params) -> Vec<ElementTemplate> {
        let mut properties = style(p);
        properties.extend(props! {
            "value": 0,
            "position": {"x": 48, "y": 48, "z_index": 5},
        });
        vec![
            ElementTemplate::new(COUNTER, ElementType::Counter, properties)
                .behavior(props! {
                    "entrance": {"type": "fade", "duration": 0.3},
                    "exit": {"type": "fade", "duration": 0.3},
                })
                .visible(true),
        ]
    }

    fn run(feature: Feature, ctx: &Ctx<Self>) -> Out<Self> {
        let count = ctx.state.count;
        let next = match feature {
            Feature::Increment { amount } => count.saturating_add(amount),
            Feature::Decrement { amount } => count.saturating_sub(amount),
            Feature::Reset {} => 0,
        };
        Out::changes(vec![set_props(COUNTER, props! { "value": next })])
            .state(State { count: next })
    }

    fn parameters_changed(ctx: &Ctx<Self>) -> Out<Self> {
        Out::changes(vec![set_props(COUNTER, style(ctx.params))])
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
        h.set_params(json!({"label": "Wipes"})).unwrap();
        assert_eq!(h.el("death_count").properties["label"], "Wipes");
    }
}
