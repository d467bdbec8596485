//! Widget test kit: [`Harness`] instantiates a widget in memory and applies outcomes the way
//! the engine does (element creation and deletion, follow-ups fired on demand), and the
//! test-only widgets the engine and integration tests use (compiled with `test-widgets`,
//! never listed by `/api/widget-types`).

use super::params::{self, ParamError};
use super::typed::{Ctx, NoParams, Out, Typed, Widget};
use super::*;
use crate::model::Element;
use std::collections::BTreeMap;

/// Widgets that exist only for tests: found by [`lookup`], never in [`REGISTRY`].
pub static TEST_REGISTRY: &[&dyn WidgetType] =
    &[&Typed::<PanickyWidget>::NEW, &Typed::<ListWidget>::NEW];

/// A widget instance in memory.
pub struct Harness {
    pub widget: &'static dyn WidgetType,
    pub params: Map,
    pub state: Map,
    pub elements: Vec<Element>,
    pub now_ms: u64,
    pub seed: u64,
    /// Scheduled follow-ups by key, as the engine would keep them.
    pub pending: Vec<FollowUp>,
    /// The media library `media` parameters are checked against (id → kind).
    pub library: Library,
}

/// A media library in memory: `Harness::add_media` puts files in it (named `media <id>`).
#[derive(Default)]
pub struct Library(pub BTreeMap<crate::model::Id, crate::media::MediaKind>);

impl params::MediaLibrary for Library {
    fn media_kind(&self, id: crate::model::Id) -> Option<crate::media::MediaKind> {
        self.0.get(&id).copied()
    }
    fn media_name(&self, id: crate::model::Id) -> Option<String> {
        self.0.contains_key(&id).then(|| format!("media {id}"))
    }
    /// Every file plays `id` seconds.
    fn media_duration_ms(&self, id: crate::model::Id) -> Option<u64> {
        self.0.contains_key(&id).then_some(id * 1000)
    }
}

impl Harness {
    pub fn new(class: &str, params: serde_json::Value) -> Harness {
        let widget = lookup(class).expect("registered");
        let input = params.as_object().cloned().unwrap_or_default();
        let params = params::validate(&widget.parameters(), &input).expect("valid params");
        let mut h = Harness {
            widget,
            state: widget.initial_state(&params).expect("initial state"),
            elements: Vec::new(),
            params,
            now_ms: 1_000_000,
            seed: 7,
            pending: Vec::new(),
            library: Library::default(),
        };
        for t in widget.elements(&h.params).expect("elements") {
            h.add(t);
        }
        h
    }

    fn add(&mut self, t: ElementTemplate) {
        assert!(
            self.elements.iter().all(|e| e.name != t.name),
            "element '{}' created twice",
            t.name
        );
        let id = self.elements.iter().map(|e| e.id).max().unwrap_or(0) + 1;
        self.elements.push(Element {
            id,
            widget_id: 1,
            name: t.name,
            element_type: t.element_type,
            properties: t.properties,
            behavior: t.behavior,
            visible: t.visible,
            media: Default::default(),
            media_pools: Default::default(),
            placement: Default::default(),
        });
    }

    fn ctx<'a>(&'a self, refs: &'a [&'a Element]) -> FeatureCtx<'a> {
        FeatureCtx {
            params: &self.params,
            state: &self.state,
            elements: refs,
            now_ms: self.now_ms,
            seed: self.seed,
            media: &self.library,
        }
    }

    /// Puts media `id` of `kind` in the harness's library.
    pub fn add_media(&mut self, id: crate::model::Id, kind: crate::media::MediaKind) {
        self.library.0.insert(id, kind);
    }

    /// Runs a feature and applies its outcome like the engine does.
    pub fn run(&mut self, feature: &str, args: serde_json::Value) -> Result<Outcome, FeatureError> {
        let args = args.as_object().cloned().unwrap_or_default();
        let refs: Vec<&Element> = self.elements.iter().collect();
        let out = self.widget.run(feature, &args, &self.ctx(&refs))?;
        self.apply(&out);
        Ok(out)
    }

    /// Edits parameters (merge) and applies `parameters_changed`.
    pub fn set_params(&mut self, patch: serde_json::Value) -> Result<Outcome, ParamError> {
        let patch = patch.as_object().cloned().unwrap_or_default();
        let specs = self.widget.parameters();
        let next = params::validate_patch(&specs, &self.params, &patch)?;
        params::check_media(&specs, &next, &self.library)?;
        self.params = next;
        let refs: Vec<&Element> = self.elements.iter().collect();
        let out = self
            .widget
            .parameters_changed(&self.ctx(&refs))
            .expect("parameters_changed");
        self.apply(&out);
        Ok(out)
    }

    pub fn apply(&mut self, out: &Outcome) {
        if let Some(s) = &out.state {
            self.state = s.clone();
        }
        if let Some(p) = &out.parameters {
            self.params = p.clone();
        }
        self.elements.retain(|e| !out.delete.contains(&e.name));
        for t in &out.create {
            self.add(t.clone());
        }
        for c in &out.changes {
            let e = self
                .elements
                .iter_mut()
                .find(|e| e.name == c.name)
                .unwrap_or_else(|| panic!("change to unknown element '{}'", c.name));
            crate::engine::apply_change(e, c);
        }
        self.pending.retain(|f| !out.cancel.contains(&f.key));
        for f in &out.follow_ups {
            self.pending.retain(|p| p.key != f.key);
            self.pending.push(f.clone());
        }
    }

    /// Fires the pending follow-up `key` (panics when none is pending).
    pub fn fire(&mut self, key: &str) -> Result<Outcome, FeatureError> {
        let i = self
            .pending
            .iter()
            .position(|f| f.key == key)
            .unwrap_or_else(|| panic!("no follow-up '{key}' pending"));
        let f = self.pending.remove(i);
        self.now_ms += f.after_ms;
        match f.action {
            FollowUpAction::Changes(changes) => {
                let out = Outcome {
                    changes,
                    ..Outcome::default()
                };
                self.apply(&out);
                Ok(out)
            }
            FollowUpAction::Call(call) => {
                self.run(&call.feature, serde_json::Value::Object(call.args))
            }
        }
    }

    pub fn el(&self, name: &str) -> &Element {
        self.elements
            .iter()
            .find(|e| e.name == name)
            .unwrap_or_else(|| panic!("no element '{name}'"))
    }

    pub fn has(&self, name: &str) -> bool {
        self.elements.iter().any(|e| e.name == name)
    }

    /// Moves every element that has a position by `(dx, dy)` and makes it 10 px wider, as a
    /// streamer does in the admin; answers the boxes to expect from now on.
    pub fn rearrange(&mut self, dx: f64, dy: f64) -> Vec<(String, serde_json::Value)> {
        let mut boxes = Vec::new();
        for e in &mut self.elements {
            let Some(pos) = e
                .properties
                .get_mut("position")
                .and_then(|p| p.as_object_mut())
            else {
                continue;
            };
            for (k, d) in [("x", dx), ("y", dy)] {
                let v = pos.get(k).and_then(|v| v.as_f64()).unwrap_or(0.0) + d;
                pos.insert(k.into(), serde_json::json!(v));
            }
            if let Some(w) = e
                .properties
                .get_mut("size")
                .and_then(|s| s.get_mut("width"))
            {
                *w = serde_json::json!(w.as_f64().unwrap_or(0.0) + 10.0);
            }
            let b = serde_json::json!([e.properties["position"], e.properties.get("size")]);
            boxes.push((e.name.clone(), b));
        }
        boxes
    }

    /// Panics naming the first element whose box is no longer the one `rearrange` gave it.
    pub fn assert_boxes(&self, boxes: &[(String, serde_json::Value)], after: &str) {
        for (name, b) in boxes {
            let e = self.el(name);
            let now = serde_json::json!([e.properties["position"], e.properties.get("size")]);
            assert_eq!(&now, b, "{after} moved or resized '{name}' back");
        }
    }
}

/// A widget with a bug: `explode` panics after looking at its state; `bump` works.
pub struct PanickyWidget;

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Count {
    n: u64,
}

crate::features! {
    pub enum PanickyFeature for NoParams as _p {
        #[feature("explode", "Explode")]
        Explode {},
        #[feature("bump", "Bump")]
        Bump {},
    }
}

impl Widget for PanickyWidget {
    const CLASS: &'static str = "PanickyWidget";
    const DISPLAY_NAME: &'static str = "Panicky (test only)";
    const DESCRIPTION: &'static str = "Panics in one feature, for the engine's panic test.";
    type Params = NoParams;
    type State = Count;
    type Feature = PanickyFeature;

    fn elements(_: &NoParams) -> Vec<ElementTemplate> {
        vec![
            ElementTemplate::new("label", ElementType::Text, crate::props! { "text": "0" })
                .visible(true),
        ]
    }

    fn run(feature: PanickyFeature, ctx: &Ctx<Self>) -> Out<Self> {
        let n = ctx.state.n + 1;
        if let PanickyFeature::Explode {} = feature {
            panic!("index out of range in explode (n = {n})");
        }
        Out::changes(vec![set_props(
            "label",
            crate::props! { "text": n.to_string() },
        )])
        .state(Count { n })
    }
}

/// A list of named items, one text element per item: exercises element creation and
/// deletion and follow-ups that call a feature (`announce` after `delay_ms`).
pub struct ListWidget;

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ListState {
    pub items: Vec<String>,
    pub announced: u64,
}

crate::features! {
    pub enum ListFeature for NoParams as _p {
        /// Adds an item (an element named `item_<name>`).
        #[feature("add_item", "Add Item")]
        Add { item: String = text("Item", 20) },
        #[feature("remove_item", "Remove Item")]
        Remove { item: String = text("Item", 20) },
        /// Calls `announce` with `text` after `delay_ms`.
        #[feature("schedule_announce", "Schedule Announce")]
        Schedule {
            text: String = text("Text", 40),
            delay_ms: u64 = number("Delay (ms)", 0.0, 3_600_000.0),
        },
        #[feature("announce", "Announce")]
        Announce { text: String = text("Text", 40) },
    }
}

fn item_element(item: &str) -> String {
    format!("item_{item}")
}

impl Widget for ListWidget {
    const CLASS: &'static str = "ListWidget";
    const DISPLAY_NAME: &'static str = "List (test only)";
    const DESCRIPTION: &'static str = "Creates an element per item, for framework tests.";
    type Params = NoParams;
    type State = ListState;
    type Feature = ListFeature;

    fn elements(_: &NoParams) -> Vec<ElementTemplate> {
        vec![ElementTemplate::new(
            "banner",
            ElementType::Text,
            crate::props! { "text": "" },
        )]
    }

    fn check(feature: &ListFeature, ctx: &Ctx<Self>) -> Result<(), ParamError> {
        let has = |i: &String| ctx.state.items.contains(i);
        match feature {
            ListFeature::Add { item } if has(item) => Err(ParamError {
                field: "item".into(),
                message: format!("'{item}' is already on the list"),
            }),
            ListFeature::Remove { item } if !has(item) => Err(ParamError {
                field: "item".into(),
                message: format!("'{item}' is not on the list"),
            }),
            _ => Ok(()),
        }
    }

    fn run(feature: ListFeature, ctx: &Ctx<Self>) -> Out<Self> {
        let mut state = ctx.state.clone();
        match feature {
            ListFeature::Add { item } => {
                let mut out = Out::none();
                out.create.push(
                    ElementTemplate::new(
                        item_element(&item),
                        ElementType::Text,
                        crate::props! { "text": item.clone() },
                    )
                    .visible(true),
                );
                state.items.push(item);
                out.state(state)
            }
            ListFeature::Remove { item } => {
                let mut out = Out::none();
                out.delete.push(item_element(&item));
                state.items.retain(|i| *i != item);
                out.state(state)
            }
            ListFeature::Schedule { text, delay_ms } => {
                Out::none().call_after("announce", delay_ms, ListFeature::Announce { text })
            }
            ListFeature::Announce { text } => {
                state.announced += 1;
                Out::changes(vec![ElementChange {
                    name: "banner".into(),
                    visible: Some(true),
                    properties: crate::props! { "text": text },
                    ..Default::default()
                }])
                .state(state)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Every registered type: templates have unique names, defaults validate, and every
    /// feature spec accepts its own defaults (a spec and its type cannot disagree).
    #[test]
    fn registry_is_consistent() {
        for w in REGISTRY {
            let params = params::validate(&w.parameters(), &Map::new())
                .unwrap_or_else(|e| panic!("{}: defaults must validate: {e}", w.class()));
            let els = w.elements(&params).expect("elements");
            let mut names: Vec<_> = els.iter().map(|e| e.name.as_str()).collect();
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
            w.initial_state(&params).expect("initial state");
        }
    }

    #[test]
    fn list_widget_creates_deletes_and_calls_later() {
        let mut h = Harness::new("ListWidget", json!({}));
        h.run("add_item", json!({"item": "a"})).unwrap();
        h.run("add_item", json!({"item": "b"})).unwrap();
        assert!(h.has("item_a") && h.has("item_b"));
        let e = h.run("add_item", json!({"item": "a"})).unwrap_err();
        assert!(e.to_string().contains("already"), "{e}");
        h.run("remove_item", json!({"item": "a"})).unwrap();
        assert!(!h.has("item_a"));
        h.run("schedule_announce", json!({"text": "hi", "delay_ms": 500}))
            .unwrap();
        assert!(!h.el("banner").visible);
        h.fire("announce").unwrap();
        assert!(h.el("banner").visible);
        assert_eq!(h.el("banner").properties["text"], "hi");
        assert_eq!(h.state["announced"], 1);
    }

    #[test]
    fn a_panic_is_a_failure_naming_widget_and_feature() {
        let mut h = Harness::new("PanickyWidget", json!({}));
        let e = h.run("explode", json!({})).unwrap_err();
        assert!(
            matches!(
                e,
                FeatureError::Failed {
                    class: "PanickyWidget",
                    ..
                }
            ),
            "{e}"
        );
        assert!(e.to_string().contains("explode"));
        h.run("bump", json!({})).unwrap();
        assert_eq!(h.el("label").properties["text"], "1");
    }
}

#[cfg(test)]
mod spec_properties {
    //! Every `FeatureSpec` the registry serves (what `/api/widget-types` lists) accepts
    //! values its spec allows — filled in with its own defaults — and the widget runs on them
    //! without failing; and each field rejects a value its spec does not allow, naming it.
    use super::*;
    use crate::media::MediaKind;
    use crate::widgets::params::{ParamSpec, ParamType};
    use proptest::prelude::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;
    use serde_json::{Value, json};

    /// One file of each kind, in every harness the properties run on.
    const LIBRARY: [(u64, MediaKind); 3] = [
        (1, MediaKind::Image),
        (2, MediaKind::Video),
        (3, MediaKind::Audio),
    ];

    /// A value the spec allows (its default when it has one and `use_default`).
    fn allowed(spec: &ParamSpec, rng: &mut ChaCha8Rng, use_default: bool) -> Value {
        if use_default && let Some(d) = &spec.default {
            return d.clone();
        }
        let options = spec.options.clone().unwrap_or_default();
        match spec.kind {
            ParamType::Dropdown => json!(options[rng.random_range(0..options.len())]),
            ParamType::Multiselect => {
                json!(
                    options
                        .iter()
                        .filter(|_| rng.random_bool(0.5))
                        .collect::<Vec<_>>()
                )
            }
            ParamType::Checkbox => json!(rng.random_bool(0.5)),
            ParamType::Color => json!(format!("#{:06X}", rng.random_range(0..0x100_0000u32))),
            ParamType::Text => {
                let max = spec.max_length.unwrap_or(40).clamp(1, 40);
                let n = rng.random_range(1..=max);
                json!(
                    (0..n)
                        .map(|_| rng.random_range('a'..='z'))
                        .collect::<String>()
                )
            }
            ParamType::Media => json!(
                LIBRARY
                    .iter()
                    .find(|(_, k)| Some(k.as_str()) == spec.media_kind)
                    .map_or(1, |(id, _)| *id)
            ),
            ParamType::Number | ParamType::Slider => {
                let (min, max) = (spec.min.unwrap_or(0.0), spec.max.unwrap_or(1e6));
                match spec.step.filter(|s| *s > 0.0) {
                    Some(step) => {
                        let k = ((max - min) / step).floor() as u64;
                        params::num_value(min + rng.random_range(0..=k) as f64 * step)
                    }
                    None => params::num_value(rng.random_range(min..=max).round().clamp(min, max)),
                }
            }
        }
    }

    /// A value the spec refuses.
    fn refused(spec: &ParamSpec, rng: &mut ChaCha8Rng) -> Value {
        match spec.kind {
            ParamType::Dropdown => json!("certainly-not-an-option"),
            ParamType::Multiselect => json!(["certainly-not-an-option"]),
            ParamType::Checkbox => json!("yes"),
            ParamType::Color => json!("not a color at all"),
            ParamType::Media => json!("not-an-id"),
            ParamType::Text => {
                json!("x".repeat(spec.max_length.unwrap_or(100_000) + 1 + rng.random_range(0..50)))
            }
            ParamType::Number | ParamType::Slider => {
                let over = rng.random_range(1.0..1e6);
                match (spec.min, spec.max) {
                    (_, Some(max)) if rng.random_bool(0.5) || spec.min.is_none() => {
                        json!(max + over)
                    }
                    (Some(min), _) => json!(min - over),
                    _ => json!("not a number"),
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn every_served_spec_accepts_its_defaults_and_rejects_each_bad_field(seed in any::<u64>()) {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            for w in REGISTRY {
                let defaults = params::validate(&w.parameters(), &Map::new()).unwrap();
                for spec in w.features(&defaults) {
                    let use_default = rng.random_bool(0.7);
                    let mut args = Map::new();
                    for p in &spec.parameters {
                        if !p.optional || rng.random_bool(0.5) {
                            args.insert(p.name.to_string(), allowed(p, &mut rng, use_default));
                        }
                    }
                    let valid = params::validate(&spec.parameters, &args);
                    prop_assert!(valid.is_ok(), "{}.{}: {args:?}: {valid:?}", w.class(), spec.name);
                    let mut h = Harness::new(w.class(), json!({}));
                    h.seed = seed;
                    for (id, kind) in LIBRARY {
                        h.add_media(id, kind);
                    }
                    match h.run(spec.name, Value::Object(args.clone())) {
                        Ok(_) | Err(FeatureError::Param(_)) => {}
                        Err(e) => prop_assert!(false, "{}.{} failed on allowed input {args:?}: {e}", w.class(), spec.name),
                    }
                    for p in &spec.parameters {
                        let mut bad = args.clone();
                        bad.insert(p.name.to_string(), refused(p, &mut rng));
                        let e = params::validate(&spec.parameters, &bad);
                        prop_assert!(
                            matches!(&e, Err(err) if err.field == p.name),
                            "{}.{}: {} = {:?} must be refused: {e:?}", w.class(), spec.name, p.name, bad[p.name]
                        );
                    }
                }
            }
        }
    }
}
