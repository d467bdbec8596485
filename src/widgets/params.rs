//! Typed parameter specs and the one validator every input goes through
//! (REST, chat, widget parameters), so errors always name the parameter and what is allowed.

use super::color;
use super::typed::Choice;
use crate::media::MediaKind;
use crate::model::{Id, Map};
use serde::Serialize;
use serde_json::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ParamType {
    Dropdown,
    Multiselect,
    Checkbox,
    Text,
    Color,
    Number,
    Slider,
    /// A file of the media library, by id; `media_kind` says which kind it must be.
    Media,
}

/// One parameter of a feature or a widget (PROTOCOL.md `ParamSpec`).
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ParamSpec {
    #[schema(example = "intensity")]
    pub name: &'static str,
    #[serde(rename = "type")]
    pub kind: ParamType,
    pub display_name: &'static str,
    #[serde(skip_serializing_if = "str::is_empty")]
    pub description: &'static str,
    pub optional: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    /// The choices of a dropdown or multiselect.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<String>>)]
    pub options: Option<Vec<&'static str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_length: Option<usize>,
    /// The kind of file a `media` parameter takes: `image`, `video` or `audio`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, example = "image")]
    pub media_kind: Option<&'static str>,
    /// A `media` parameter holding a list of ids (at most `max_items`) instead of one.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub multiple: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_items: Option<usize>,
}

impl ParamSpec {
    fn new(name: &'static str, display_name: &'static str, kind: ParamType) -> Self {
        ParamSpec {
            name,
            kind,
            display_name,
            description: "",
            optional: false,
            default: None,
            options: None,
            min: None,
            max: None,
            step: None,
            max_length: None,
            media_kind: None,
            multiple: false,
            max_items: None,
        }
    }
    pub fn dropdown(name: &'static str, display: &'static str, options: &[&'static str]) -> Self {
        Self {
            options: Some(options.to_vec()),
            ..Self::new(name, display, ParamType::Dropdown)
        }
    }
    pub fn multiselect(
        name: &'static str,
        display: &'static str,
        options: &[&'static str],
    ) -> Self {
        Self {
            options: Some(options.to_vec()),
            ..Self::new(name, display, ParamType::Multiselect)
        }
    }
    /// A dropdown over a [`Choice`] enum's variants (the options come from the type).
    pub fn choice<T: Choice>(name: &'static str, display: &'static str) -> Self {
        Self::dropdown(name, display, T::OPTIONS)
    }
    /// A multiselect over a [`Choice`] enum's variants.
    pub fn choices<T: Choice>(name: &'static str, display: &'static str) -> Self {
        Self::multiselect(name, display, T::OPTIONS)
    }
    pub fn checkbox(name: &'static str, display: &'static str) -> Self {
        Self::new(name, display, ParamType::Checkbox)
    }
    pub fn text(name: &'static str, display: &'static str, max_length: usize) -> Self {
        Self {
            max_length: Some(max_length),
            ..Self::new(name, display, ParamType::Text)
        }
    }
    pub fn color(name: &'static str, display: &'static str) -> Self {
        Self::new(name, display, ParamType::Color)
    }
    pub fn number(name: &'static str, display: &'static str, min: f64, max: f64) -> Self {
        Self {
            min: Some(min),
            max: Some(max),
            ..Self::new(name, display, ParamType::Number)
        }
    }
    pub fn slider(
        name: &'static str,
        display: &'static str,
        min: f64,
        max: f64,
        step: f64,
    ) -> Self {
        Self {
            min: Some(min),
            max: Some(max),
            step: Some(step),
            ..Self::new(name, display, ParamType::Slider)
        }
    }
    /// A media-library file of `kind` (its id); checked against the library by
    /// [`validate_in`].
    pub fn media(name: &'static str, display: &'static str, kind: MediaKind) -> Self {
        Self {
            media_kind: Some(kind.as_str()),
            ..Self::new(name, display, ParamType::Media)
        }
    }
    /// Up to `max` media-library files of `kind`, in order (a list of ids, no repeats).
    pub fn media_list(
        name: &'static str,
        display: &'static str,
        kind: MediaKind,
        max: usize,
    ) -> Self {
        Self {
            multiple: true,
            max_items: Some(max),
            ..Self::media(name, display, kind)
        }
    }
    pub fn step(mut self, step: f64) -> Self {
        self.step = Some(step);
        self
    }
    /// Optional, filled with `default` when absent.
    pub fn default(mut self, v: impl Into<Value>) -> Self {
        self.optional = true;
        self.default = Some(v.into());
        self
    }
    /// Optional without a default: absent stays absent.
    pub fn optional(mut self) -> Self {
        self.optional = true;
        self
    }
    pub fn describe(mut self, d: &'static str) -> Self {
        self.description = d;
        self
    }
}

/// A rejected parameter: which one, and why (the message lists what is allowed).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct ParamError {
    pub field: String,
    pub message: String,
}

impl ParamError {
    pub fn new(field: &str, message: String) -> Self {
        ParamError {
            field: field.to_string(),
            message,
        }
    }
}

/// Validates `input` against `specs`: rejects unknown names, fills defaults, normalizes
/// values (canonical dropdown spelling, `#RRGGBB` colors, integral numbers as integers).
pub fn validate(specs: &[ParamSpec], input: &Map) -> Result<Map, ParamError> {
    if let Some(unknown) = input
        .keys()
        .find(|k| !specs.iter().any(|s| s.name == k.as_str()))
    {
        let allowed: Vec<&str> = specs.iter().map(|s| s.name).collect();
        let message = if allowed.is_empty() {
            format!("unknown parameter '{unknown}': this takes no parameters")
        } else {
            format!(
                "unknown parameter '{unknown}'; parameters are: {}",
                allowed.join(", ")
            )
        };
        return Err(ParamError::new(unknown, message));
    }
    let mut out = Map::new();
    for spec in specs {
        match input.get(spec.name) {
            Some(v) if !v.is_null() => {
                let v = validate_value(spec, v).map_err(|m| ParamError::new(spec.name, m))?;
                out.insert(spec.name.to_string(), v);
            }
            _ => {
                if let Some(d) = &spec.default {
                    out.insert(spec.name.to_string(), d.clone());
                } else if !spec.optional {
                    return Err(ParamError::new(
                        spec.name,
                        format!(
                            "parameter '{}' is required{}",
                            spec.name,
                            allowed_hint(spec)
                        ),
                    ));
                }
            }
        }
    }
    Ok(out)
}

/// What the validator needs to know of the media library: the kind of a file, `None` when
/// there is no such file. The engine's world implements it; tests use a map.
pub trait MediaLibrary {
    fn media_kind(&self, id: Id) -> Option<MediaKind>;
    /// The file's name as the streamer gave it (for a "now playing" line).
    fn media_name(&self, _id: Id) -> Option<String> {
        None
    }
    /// How long the file plays, when its container says (to hide a sound once it ended).
    fn media_duration_ms(&self, _id: Id) -> Option<u64> {
        None
    }
}

/// [`validate`], then every `media` parameter checked against `library`: the file must exist
/// and be of the spec's kind, so a feature never shows a deleted or wrong file.
pub fn validate_in(
    specs: &[ParamSpec],
    input: &Map,
    library: &dyn MediaLibrary,
) -> Result<Map, ParamError> {
    let out = validate(specs, input)?;
    check_media(specs, &out, library)?;
    Ok(out)
}

/// The library half of [`validate_in`], for values [`validate`] already accepted.
pub fn check_media(
    specs: &[ParamSpec],
    values: &Map,
    library: &dyn MediaLibrary,
) -> Result<(), ParamError> {
    for spec in specs.iter().filter(|s| s.kind == ParamType::Media) {
        let ids: Vec<Id> = match values.get(spec.name) {
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_u64).collect(),
            Some(v) => v.as_u64().into_iter().collect(),
            None => Vec::new(),
        };
        for id in ids {
            check_one(spec, id, library)?;
        }
    }
    Ok(())
}

/// One file of a `media` parameter: it must be in the library and of the spec's kind.
fn check_one(spec: &ParamSpec, id: Id, library: &dyn MediaLibrary) -> Result<(), ParamError> {
    let want = spec.media_kind.unwrap_or("file");
    let message = match library.media_kind(id) {
        Some(kind) if kind.as_str() == want => return Ok(()),
        None => format!(
            "parameter '{}': media {id} is not in the media library",
            spec.name
        ),
        Some(kind) => format!(
            "parameter '{}' takes {} {want}, but media {id} is {} {}",
            spec.name,
            article(want),
            article(kind.as_str()),
            kind.as_str()
        ),
    };
    Err(ParamError::new(spec.name, message))
}

/// Rewrites the ids of every `media` parameter in `values` (an import gives files new ids);
/// returns the ids seen before rewriting, so an export can take those files along.
pub fn map_media(specs: &[ParamSpec], values: &mut Map, f: impl Fn(Id) -> Id) -> Vec<Id> {
    let mut seen = Vec::new();
    for spec in specs.iter().filter(|s| s.kind == ParamType::Media) {
        let mut one = |v: &mut Value| {
            if let Some(id) = v.as_u64() {
                seen.push(id);
                *v = Value::from(f(id));
            }
        };
        match values.get_mut(spec.name) {
            Some(Value::Array(items)) => items.iter_mut().for_each(&mut one),
            Some(v) => one(v),
            None => {}
        }
    }
    seen
}

/// Drops ids `keep` refuses from every `media` parameter in `values` (a file deleted from the
/// library); a single id refused removes the parameter. Returns whether anything changed.
pub fn retain_media(specs: &[ParamSpec], values: &mut Map, keep: impl Fn(Id) -> bool) -> bool {
    let mut changed = false;
    for spec in specs.iter().filter(|s| s.kind == ParamType::Media) {
        match values.get_mut(spec.name) {
            Some(Value::Array(items)) => {
                let before = items.len();
                items.retain(|v| v.as_u64().is_none_or(&keep));
                changed |= items.len() != before;
            }
            Some(v) if v.as_u64().is_some_and(|id| !keep(id)) => {
                values.remove(spec.name);
                changed = true;
            }
            _ => {}
        }
    }
    changed
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// Merges `patch` over `current` (a `null` resets to the default) and validates the result.
pub fn validate_patch(specs: &[ParamSpec], current: &Map, patch: &Map) -> Result<Map, ParamError> {
    let mut merged = current.clone();
    merged.retain(|k, _| specs.iter().any(|s| s.name == k.as_str()));
    for (k, v) in patch {
        if v.is_null() {
            merged.remove(k);
        } else {
            merged.insert(k.clone(), v.clone());
        }
    }
    if let Some(unknown) = patch
        .keys()
        .find(|k| !specs.iter().any(|s| s.name == k.as_str()))
    {
        let allowed: Vec<&str> = specs.iter().map(|s| s.name).collect();
        return Err(ParamError::new(
            unknown,
            format!(
                "unknown parameter '{unknown}'; parameters are: {}",
                allowed.join(", ")
            ),
        ));
    }
    validate(specs, &merged)
}

fn allowed_hint(spec: &ParamSpec) -> String {
    match spec.kind {
        ParamType::Dropdown | ParamType::Multiselect => {
            format!(
                " (one of {})",
                spec.options.as_deref().unwrap_or(&[]).join(", ")
            )
        }
        ParamType::Number | ParamType::Slider => range_text(spec)
            .map(|r| format!(" (a number {r})"))
            .unwrap_or_else(|| " (a number)".into()),
        ParamType::Color => " (a color like #FF5733 or red)".into(),
        ParamType::Checkbox => " (true or false)".into(),
        ParamType::Text => String::new(),
        ParamType::Media => format!(
            " (the id of {} {} in the media library)",
            article(spec.media_kind.unwrap_or("file")),
            spec.media_kind.unwrap_or("file")
        ),
    }
}

fn range_text(spec: &ParamSpec) -> Option<String> {
    match (spec.min, spec.max) {
        (Some(a), Some(b)) => Some(format!("from {} to {}", fmt_num(a), fmt_num(b))),
        (Some(a), None) => Some(format!("of at least {}", fmt_num(a))),
        (None, Some(b)) => Some(format!("of at most {}", fmt_num(b))),
        (None, None) => None,
    }
}

fn fmt_num(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// A number as JSON: integral values become integers so `100` stays `100`, not `100.0`.
pub fn num_value(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        Value::from(n as i64)
    } else {
        Value::from(n)
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// One value against its spec; the message names the parameter and what is allowed.
pub fn validate_value(spec: &ParamSpec, v: &Value) -> Result<Value, String> {
    let name = spec.name;
    match spec.kind {
        ParamType::Dropdown => {
            let options = spec.options.as_deref().unwrap_or(&[]);
            let s = v.as_str().ok_or_else(|| {
                format!(
                    "parameter '{name}' must be one of {}, got {}",
                    options.join(", "),
                    type_name(v)
                )
            })?;
            match_option(options, s).map(Value::from).ok_or_else(|| {
                format!(
                    "parameter '{name}' must be one of {} (got \"{s}\")",
                    options.join(", ")
                )
            })
        }
        ParamType::Multiselect => {
            let options = spec.options.as_deref().unwrap_or(&[]);
            let items = v.as_array().ok_or_else(|| {
                format!(
                    "parameter '{name}' must be a list of {}, got {}",
                    options.join(", "),
                    type_name(v)
                )
            })?;
            let mut out: Vec<Value> = Vec::new();
            for item in items {
                let s = item.as_str().unwrap_or_default();
                let canonical = match_option(options, s).ok_or_else(|| {
                    format!(
                        "parameter '{name}' accepts only {} (got {item})",
                        options.join(", ")
                    )
                })?;
                if !out.iter().any(|o| o == canonical) {
                    out.push(Value::from(canonical));
                }
            }
            Ok(Value::Array(out))
        }
        ParamType::Checkbox => v.as_bool().map(Value::from).ok_or_else(|| {
            format!(
                "parameter '{name}' must be true or false, got {}",
                type_name(v)
            )
        }),
        ParamType::Text => {
            let s = v
                .as_str()
                .ok_or_else(|| format!("parameter '{name}' must be text, got {}", type_name(v)))?;
            // Control characters have no business on an overlay; drop them rather than reject.
            let s: String = s
                .chars()
                .filter(|c| !c.is_control() || *c == '\n')
                .collect();
            if let Some(max) = spec.max_length {
                let n = s.chars().count();
                if n > max {
                    return Err(format!(
                        "parameter '{name}' is too long: {n} characters, at most {max} allowed"
                    ));
                }
            }
            Ok(Value::from(s))
        }
        ParamType::Color => {
            let s = v.as_str().ok_or_else(|| {
                format!(
                    "parameter '{name}' must be a color like #FF5733 or red, got {}",
                    type_name(v)
                )
            })?;
            color::parse(s).map(Value::from).ok_or_else(|| {
                format!("parameter '{name}' must be a color like #FF5733 or a CSS color name (got \"{s}\")")
            })
        }
        ParamType::Number | ParamType::Slider => {
            let n = v.as_f64().filter(|n| n.is_finite()).ok_or_else(|| {
                format!("parameter '{name}' must be a number, got {}", type_name(v))
            })?;
            let out_of_range = spec.min.is_some_and(|m| n < m) || spec.max.is_some_and(|m| n > m);
            if out_of_range {
                return Err(format!(
                    "parameter '{name}' must be {} (got {})",
                    range_text(spec).unwrap_or_default(),
                    fmt_num(n)
                ));
            }
            if let Some(step) = spec.step.filter(|s| *s > 0.0) {
                let base = spec.min.unwrap_or(0.0);
                let k = (n - base) / step;
                if (k - k.round()).abs() > 1e-6 {
                    return Err(format!(
                        "parameter '{name}' must be a multiple of {} (got {})",
                        fmt_num(step),
                        fmt_num(n)
                    ));
                }
            }
            Ok(num_value(n))
        }
        ParamType::Media if spec.multiple => {
            let kind = spec.media_kind.unwrap_or("file");
            let max = spec.max_items.unwrap_or(50);
            let items = v.as_array().ok_or_else(|| {
                format!("parameter '{name}' must be a list of {kind} ids from the media library, got {}", type_name(v))
            })?;
            let mut out: Vec<Value> = Vec::new();
            for item in items {
                let id = item
                    .as_u64()
                    .filter(|id| *id > 0)
                    .ok_or_else(|| format!("parameter '{name}' takes media ids, got {item}"))?;
                if !out.contains(&Value::from(id)) {
                    out.push(Value::from(id));
                }
            }
            if out.len() > max {
                return Err(format!(
                    "parameter '{name}' takes at most {max} files, got {}",
                    out.len()
                ));
            }
            Ok(Value::Array(out))
        }
        ParamType::Media => {
            let kind = spec.media_kind.unwrap_or("file");
            v.as_u64().filter(|id| *id > 0).map(Value::from).ok_or_else(|| {
                format!(
                    "parameter '{name}' must be the id of {} {kind} in the media library, got {}",
                    article(kind),
                    match v {
                        Value::Number(n) => n.to_string(),
                        _ => type_name(v).to_string(),
                    }
                )
            })
        }
    }
}

/// Case-insensitive match of a dropdown option; returns the canonical spelling.
pub fn match_option<'a>(options: &[&'a str], s: &str) -> Option<&'a str> {
    let s = s.trim();
    options.iter().copied().find(|o| o.eq_ignore_ascii_case(s))
}

/// Reads a validated parameter (validation guarantees presence and type for required ones).
pub fn get_f64(m: &Map, key: &str, fallback: f64) -> f64 {
    m.get(key).and_then(Value::as_f64).unwrap_or(fallback)
}

pub fn get_str<'a>(m: &'a Map, key: &str, fallback: &'a str) -> &'a str {
    m.get(key).and_then(Value::as_str).unwrap_or(fallback)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map {
        v.as_object().cloned().unwrap_or_default()
    }

    fn specs() -> Vec<ParamSpec> {
        vec![
            ParamSpec::dropdown("intensity", "Intensity", &["Low", "Medium", "High"]),
            ParamSpec::color("color", "Color").default("#FF5733"),
            ParamSpec::slider("count", "Count", 10.0, 500.0, 10.0).default(100),
            ParamSpec::text("who", "Who", 5).optional(),
            ParamSpec::checkbox("loud", "Loud").default(false),
            ParamSpec::multiselect("tags", "Tags", &["a", "b"]).optional(),
        ]
    }

    #[test]
    fn fills_defaults_and_normalizes() {
        let out = validate(&specs(), &map(json!({"intensity": "high", "color": "red"}))).unwrap();
        assert_eq!(out["intensity"], "High");
        assert_eq!(out["color"], "#FF0000");
        assert_eq!(out["count"], 100);
        assert_eq!(out["loud"], false);
        assert!(!out.contains_key("who"));
    }

    #[test]
    fn errors_name_the_parameter_and_the_allowed_values() {
        let e = validate(&specs(), &map(json!({"intensity": "Extreme"}))).unwrap_err();
        assert_eq!(e.field, "intensity");
        assert!(e.message.contains("Low, Medium, High"), "{}", e.message);

        let e = validate(&specs(), &map(json!({}))).unwrap_err();
        assert_eq!(e.field, "intensity");
        assert!(e.message.contains("required"));

        let e = validate(
            &specs(),
            &map(json!({"intensity": "Low", "color": "purple-ish"})),
        )
        .unwrap_err();
        assert_eq!(e.field, "color");

        let e = validate(&specs(), &map(json!({"intensity": "Low", "count": 501}))).unwrap_err();
        assert_eq!(e.field, "count");
        assert!(e.message.contains("from 10 to 500"), "{}", e.message);

        let e = validate(&specs(), &map(json!({"intensity": "Low", "count": 15}))).unwrap_err();
        assert!(e.message.contains("multiple of 10"), "{}", e.message);

        let e = validate(
            &specs(),
            &map(json!({"intensity": "Low", "who": "toolong"})),
        )
        .unwrap_err();
        assert_eq!(e.field, "who");

        let e = validate(&specs(), &map(json!({"intensity": "Low", "nope": 1}))).unwrap_err();
        assert_eq!(e.field, "nope");
        assert!(e.message.contains("intensity, color"));

        let e = validate(&specs(), &map(json!({"intensity": 3}))).unwrap_err();
        assert!(e.message.contains("got a number"), "{}", e.message);

        let e = validate(&specs(), &map(json!({"intensity": "Low", "loud": "yes"}))).unwrap_err();
        assert_eq!(e.field, "loud");

        let e = validate(&specs(), &map(json!({"intensity": "Low", "count": "12"}))).unwrap_err();
        assert_eq!(e.field, "count");
    }

    #[test]
    fn multiselect_dedupes_and_checks_options() {
        let out = validate(
            &specs(),
            &map(json!({"intensity": "Low", "tags": ["A", "a", "b"]})),
        )
        .unwrap();
        assert_eq!(out["tags"], json!(["a", "b"]));
        let e = validate(&specs(), &map(json!({"intensity": "Low", "tags": ["c"]}))).unwrap_err();
        assert_eq!(e.field, "tags");
    }

    #[test]
    fn patch_merges_and_null_resets() {
        let current = map(json!({"intensity": "Low", "count": 200}));
        let out = validate_patch(
            &specs(),
            &current,
            &map(json!({"count": null, "color": "#abc"})),
        )
        .unwrap();
        assert_eq!(out["count"], 100);
        assert_eq!(out["color"], "#AABBCC");
        assert_eq!(out["intensity"], "Low");
    }

    struct Library;
    impl MediaLibrary for Library {
        fn media_kind(&self, id: Id) -> Option<MediaKind> {
            match id {
                1 => Some(MediaKind::Image),
                2 => Some(MediaKind::Audio),
                _ => None,
            }
        }
    }

    #[test]
    fn media_takes_an_id_of_the_right_kind_from_the_library() {
        let specs = [ParamSpec::media("image", "Image", MediaKind::Image)];
        let out = validate_in(&specs, &map(json!({"image": 1})), &Library).unwrap();
        assert_eq!(out["image"], 1);
        for (bad, says) in [
            (
                json!({"image": 2}),
                "takes an image, but media 2 is an audio",
            ),
            (json!({"image": 9}), "media 9 is not in the media library"),
            (json!({"image": "1"}), "must be the id of an image"),
            (json!({"image": 1.5}), "got 1.5"),
            (json!({"image": 0}), "must be the id"),
            (json!({}), "the id of an image in the media library"),
        ] {
            let e = validate_in(&specs, &map(bad), &Library).unwrap_err();
            assert_eq!(e.field, "image");
            assert!(e.message.contains(says), "{}", e.message);
        }
        let spec = serde_json::to_value(&specs[0]).unwrap();
        assert_eq!(spec["type"], "media");
        assert_eq!(spec["media_kind"], "image");
        assert!(spec.get("multiple").is_none());

        let list = [ParamSpec::media_list(
            "images",
            "Images",
            MediaKind::Image,
            2,
        )];
        let out = validate_in(&list, &map(json!({"images": [1, 1]})), &Library).unwrap();
        assert_eq!(out["images"], json!([1]));
        for bad in [json!([1, 2]), json!([1, 9]), json!(1), json!([1, 0])] {
            let e = validate_in(&list, &map(json!({"images": bad})), &Library).unwrap_err();
            assert_eq!(e.field, "images", "{bad}");
        }
        let mut v = map(json!({"images": [1, 2], "other": 1}));
        assert_eq!(map_media(&list, &mut v, |id| id + 10), vec![1, 2]);
        assert_eq!(v, map(json!({"images": [11, 12], "other": 1})));
        assert!(retain_media(&list, &mut v, |id| id != 11));
        assert_eq!(v["images"], json!([12]));
        assert!(!retain_media(&list, &mut v, |_| true));
        let big = ParamSpec::media_list("images", "Images", MediaKind::Image, 2);
        assert!(
            validate_value(&big, &json!([3, 4, 5]))
                .unwrap_err()
                .contains("at most 2")
        );
    }

    #[test]
    fn text_drops_control_characters() {
        let out = validate(
            &specs(),
            &map(json!({"intensity": "Low", "who": "a\u{7}b"})),
        )
        .unwrap();
        assert_eq!(out["who"], "ab");
    }
}
