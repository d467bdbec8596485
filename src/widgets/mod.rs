//! The widget framework: a widget type is one file here implementing [`WidgetType`],
//! plus one line in [`REGISTRY`]. Widgets are pure: they get their parameters, state and
//! elements and return changes; they know nothing of HTTP, redb or sockets.

pub mod color;
pub mod params;

mod confetti_alert;
mod death_counter;
mod donation_goal;
mod obs_scene;
mod poll;

use crate::model::{Element, ElementChange, ElementType, Map};
use params::{ParamError, ParamSpec};
use serde::Serialize;
use serde_json::Value;

/// Every registered widget type, in the order the widget library lists them.
pub static REGISTRY: &[&dyn WidgetType] = &[
    &confetti_alert::ConfettiAlertWidget,
    &donation_goal::DonationGoalWidget,
    &death_counter::DeathCounterWidget,
    &poll::PollWidget,
    &obs_scene::ObsSceneWidget,
];

/// Looks a widget type up by its class name (`ConfettiAlertWidget`).
pub fn lookup(class: &str) -> Option<&'static dyn WidgetType> {
    let found = REGISTRY.iter().copied().find(|w| w.class() == class);
    #[cfg(test)]
    let found = found.or_else(|| {
        testing::TEST_REGISTRY
            .iter()
            .copied()
            .find(|w| w.class() == class)
    });
    found
}

/// A widget instance's feature, with the defaults its parameters give (None when the type
/// or the feature is unknown).
pub fn feature_of(widget: &crate::model::Widget, feature: &str) -> Option<FeatureSpec> {
    lookup(&widget.widget_class)?
        .features(&widget.widget_parameters)
        .into_iter()
        .find(|f| f.name == feature)
}

/// An element a new widget instance starts with.
#[derive(Clone, Debug)]
pub struct ElementTemplate {
    pub name: &'static str,
    pub element_type: ElementType,
    pub properties: Map,
    pub behavior: Map,
    pub visible: bool,
}

/// Metadata of one feature for `/api/widget-types` and the admin UI.
#[derive(Clone, Debug, Serialize)]
pub struct FeatureSpec {
    pub name: &'static str,
    pub display_name: &'static str,
    #[serde(skip_serializing_if = "str::is_empty")]
    pub description: &'static str,
    pub parameters: Vec<ParamSpec>,
}

impl FeatureSpec {
    pub fn new(name: &'static str, display_name: &'static str, parameters: Vec<ParamSpec>) -> Self {
        FeatureSpec {
            name,
            display_name,
            description: "",
            parameters,
        }
    }
    pub fn describe(mut self, d: &'static str) -> Self {
        self.description = d;
        self
    }
}

/// What a feature sees: the widget's validated parameters, its state and its elements.
pub struct FeatureCtx<'a> {
    pub params: &'a Map,
    pub state: &'a Map,
    pub elements: &'a [&'a Element],
    /// Unix milliseconds, passed in so features stay pure and testable.
    pub now_ms: u64,
}

impl FeatureCtx<'_> {
    pub fn element(&self, name: &str) -> Option<&Element> {
        self.elements.iter().copied().find(|e| e.name == name)
    }

    /// The next `trigger_id` of an element: the overlay replays one-shot effects
    /// (sound, confetti) when it changes, even if the element is already visible.
    pub fn next_trigger(&self, name: &str) -> Value {
        let current = self
            .element(name)
            .and_then(|e| e.properties.get("trigger_id"))
            .and_then(Value::as_u64)
            .unwrap_or(0);
        Value::from(current + 1)
    }
}

/// A follow-up the engine runs later (persisted, survives restarts).
#[derive(Clone, Debug, PartialEq)]
pub struct FollowUp {
    /// Unique per widget: scheduling the same key again replaces the earlier one.
    pub key: &'static str,
    pub after_ms: u64,
    pub changes: Vec<ElementChange>,
}

/// What a feature returns.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outcome {
    pub changes: Vec<ElementChange>,
    /// Replaces the widget's state when set.
    pub state: Option<Map>,
    /// Merged into the widget's parameters when set (e.g. `set_goal`).
    pub parameters: Option<Map>,
    pub follow_ups: Vec<FollowUp>,
    /// Follow-up keys to cancel.
    pub cancel: Vec<&'static str>,
    /// Requests to OBS, performed after the commit.
    pub effects: Vec<crate::model::Effect>,
}

/// A feature could not run: the engine maps these to 4xx.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum FeatureError {
    #[error("unknown feature '{feature}'; {class} has: {available}")]
    UnknownFeature {
        feature: String,
        class: &'static str,
        available: String,
    },
    #[error(transparent)]
    Param(#[from] ParamError),
    /// The widget's own code panicked: a bug in the widget, not bad input. The request
    /// fails, nothing of it is written, and the engine keeps serving.
    #[error("widget {class} failed in feature '{feature}': {message}")]
    Panicked {
        class: &'static str,
        feature: String,
        message: String,
    },
}

/// One widget type. Implementations are unit structs; all methods are pure.
pub trait WidgetType: Sync {
    fn class(&self) -> &'static str;
    fn display_name(&self) -> &'static str;
    fn description(&self) -> &'static str;
    /// Widget-wide configuration specs (defaults included).
    fn parameters(&self) -> Vec<ParamSpec>;
    /// Elements a new instance starts with, given its validated parameters.
    fn elements(&self, params: &Map) -> Vec<ElementTemplate>;
    /// Features; defaults may depend on the instance's parameters (e.g. `default_color`).
    fn features(&self, params: &Map) -> Vec<FeatureSpec>;
    /// Checks that need more than the spec (e.g. "2 to 5 comma-separated options"), run after
    /// the spec's validation and before `execute`, so bad input is an error naming the
    /// parameter instead of a silent no-op.
    fn check(&self, _feature: &str, _args: &Map, _ctx: &FeatureCtx) -> Result<(), ParamError> {
        Ok(())
    }
    /// Runs a feature whose arguments were already validated against its spec.
    fn execute(&self, feature: &str, args: &Map, ctx: &FeatureCtx) -> Outcome;
    /// Element changes after the widget's parameters were edited (e.g. a new bar color).
    fn parameters_changed(&self, _ctx: &FeatureCtx) -> Outcome {
        Outcome::default()
    }
    /// Initial state of a new instance.
    fn initial_state(&self, _params: &Map) -> Map {
        Map::new()
    }
}

/// Validates the arguments against the feature's spec, then runs it.
pub fn run_feature(
    widget: &dyn WidgetType,
    feature: &str,
    args: &Map,
    ctx: &FeatureCtx,
) -> Result<Outcome, FeatureError> {
    let features = widget.features(ctx.params);
    let spec = features.iter().find(|f| f.name == feature).ok_or_else(|| {
        FeatureError::UnknownFeature {
            feature: feature.to_string(),
            class: widget.class(),
            available: features
                .iter()
                .map(|f| f.name)
                .collect::<Vec<_>>()
                .join(", "),
        }
    })?;
    let args = params::validate(&spec.parameters, args)?;
    // Widgets are pure functions over borrowed data, so nothing is left half-changed when
    // one unwinds: catching the panic here is what keeps one buggy widget from taking the
    // engine thread (and every other request) down with it.
    let run = std::panic::AssertUnwindSafe(|| {
        widget.check(feature, &args, ctx)?;
        Ok(widget.execute(feature, &args, ctx))
    });
    std::panic::catch_unwind(run).unwrap_or_else(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panicked".to_string());
        tracing::error!(class = widget.class(), feature, %message, "widget feature panicked");
        Err(FeatureError::Panicked {
            class: widget.class(),
            feature: feature.to_string(),
            message,
        })
    })
}

/// Builds a JSON object (`Map`) with `serde_json::json!` syntax; keeps widget files short.
#[macro_export]
macro_rules! props {
    ($($tt:tt)*) => {
        match serde_json::json!({ $($tt)* }) {
            serde_json::Value::Object(m) => m,
            _ => $crate::model::Map::new(),
        }
    };
}

/// An element change that only sets visibility.
pub fn set_visible(name: &str, visible: bool) -> ElementChange {
    ElementChange {
        name: name.to_string(),
        visible: Some(visible),
        properties: Map::new(),
    }
}

/// An element change that merges properties.
pub fn set_props(name: &str, properties: Map) -> ElementChange {
    ElementChange {
        name: name.to_string(),
        visible: None,
        properties,
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! Helpers for widget unit tests: instantiate a widget in memory and run features.
    use super::*;
    use crate::model::Element;

    pub struct Harness {
        pub widget: &'static dyn WidgetType,
        pub params: Map,
        pub state: Map,
        pub elements: Vec<Element>,
        pub now_ms: u64,
    }

    impl Harness {
        pub fn new(class: &str, params: serde_json::Value) -> Harness {
            let widget = lookup(class).expect("registered");
            let input = params.as_object().cloned().unwrap_or_default();
            let params = params::validate(&widget.parameters(), &input).expect("valid params");
            let elements = widget
                .elements(&params)
                .into_iter()
                .enumerate()
                .map(|(i, t)| Element {
                    id: i as u64 + 1,
                    widget_id: 1,
                    name: t.name.to_string(),
                    element_type: t.element_type,
                    properties: t.properties,
                    behavior: t.behavior,
                    visible: t.visible,
                    media: Default::default(),
                    media_pools: Default::default(),
                })
                .collect();
            let state = widget.initial_state(&params);
            Harness {
                widget,
                params,
                state,
                elements,
                now_ms: 1_000_000,
            }
        }

        /// Runs a feature and applies its outcome like the engine does.
        pub fn run(
            &mut self,
            feature: &str,
            args: serde_json::Value,
        ) -> Result<Outcome, FeatureError> {
            let args = args.as_object().cloned().unwrap_or_default();
            let refs: Vec<&Element> = self.elements.iter().collect();
            let ctx = FeatureCtx {
                params: &self.params,
                state: &self.state,
                elements: &refs,
                now_ms: self.now_ms,
            };
            let out = run_feature(self.widget, feature, &args, &ctx)?;
            self.apply(&out);
            Ok(out)
        }

        pub fn apply(&mut self, out: &Outcome) {
            if let Some(s) = &out.state {
                self.state = s.clone();
            }
            if let Some(p) = &out.parameters {
                for (k, v) in p {
                    self.params.insert(k.clone(), v.clone());
                }
            }
            for c in &out.changes {
                let e = self
                    .elements
                    .iter_mut()
                    .find(|e| e.name == c.name)
                    .expect("known element");
                crate::engine::apply_change(e, c);
            }
        }

        pub fn el(&self, name: &str) -> &Element {
            self.elements
                .iter()
                .find(|e| e.name == name)
                .expect("element")
        }
    }

    /// Widgets that exist only in unit tests (never in the binary or `/api/widget-types`).
    pub static TEST_REGISTRY: &[&dyn WidgetType] = &[&PanickyWidget];

    /// A widget with a bug: `explode` panics after looking at its state; `bump` works.
    pub struct PanickyWidget;

    impl WidgetType for PanickyWidget {
        fn class(&self) -> &'static str {
            "PanickyWidget"
        }
        fn display_name(&self) -> &'static str {
            "Panicky (test only)"
        }
        fn description(&self) -> &'static str {
            "Panics in one feature, for the engine's panic test."
        }
        fn parameters(&self) -> Vec<ParamSpec> {
            vec![]
        }
        fn elements(&self, _params: &Map) -> Vec<ElementTemplate> {
            vec![ElementTemplate {
                name: "label",
                element_type: ElementType::Text,
                properties: crate::props! { "text": "0" },
                behavior: Map::new(),
                visible: true,
            }]
        }
        fn features(&self, _params: &Map) -> Vec<FeatureSpec> {
            vec![
                FeatureSpec::new("explode", "Explode", vec![]),
                FeatureSpec::new("bump", "Bump", vec![]),
            ]
        }
        fn execute(&self, feature: &str, _args: &Map, ctx: &FeatureCtx) -> Outcome {
            let n = ctx.state.get("n").and_then(Value::as_u64).unwrap_or(0) + 1;
            if feature == "explode" {
                panic!("index out of range in explode (n = {n})");
            }
            Outcome {
                changes: vec![set_props("label", crate::props! { "text": n.to_string() })],
                state: Some(crate::props! { "n": n }),
                ..Outcome::default()
            }
        }
    }

    /// Every registered type: templates have unique names, parameters validate with defaults.
    #[test]
    fn registry_is_consistent() {
        for w in REGISTRY {
            let params = params::validate(&w.parameters(), &Map::new())
                .unwrap_or_else(|e| panic!("{}: defaults must validate: {e}", w.class()));
            let els = w.elements(&params);
            let mut names: Vec<_> = els.iter().map(|e| e.name).collect();
            names.sort();
            names.dedup();
            assert_eq!(
                names.len(),
                els.len(),
                "{}: element names unique",
                w.class()
            );
            assert!(!w.features(&params).is_empty());
            assert!(lookup(w.class()).is_some());
        }
    }
}
