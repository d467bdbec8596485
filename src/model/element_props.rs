//! Typed checks of element property edits (`PATCH …/elements/{name}` `properties`).
//!
//! Widgets own most keys of an element's properties (a poll's question, a counter's label), so
//! only the keys every renderer interprets are typed here: placement, size, opacity, volume,
//! font size and the free-form `css` object. A value the overlay could not render sensibly
//! (`opacity: 5`, `width: -50`, an unknown CSS property) is refused naming the field instead of
//! being saved and moving the overlay. `behavior` edits (entrance, exit, loop) are checked
//! against the kinds, easings and ranges the overlay animates. Pure: no I/O.

use super::Map;
use serde_json::Value;

/// Largest width/height and largest |x|/|y| on the stage, in CSS pixels.
pub const MAX_SIZE: f64 = 8192.0;
pub const MAX_POS: f64 = 8192.0;
const MAX_Z: f64 = 100_000.0;
const MAX_FONT: f64 = 1000.0;
const MAX_CSS_VALUE: usize = 2000;
/// Largest built-in icon (`src`) an image element carries inline.
const MAX_SRC: usize = 32 * 1024;
const INLINE_IMAGES: &[&str] = &["data:image/svg+xml,", "data:image/png;base64,"];

/// The field (dotted path under `properties`) and what is wrong with it.
#[derive(Debug, Clone, PartialEq)]
pub struct PropError {
    pub field: String,
    pub message: String,
}

fn err(field: impl Into<String>, message: impl Into<String>) -> PropError {
    PropError {
        field: format!("properties.{}", field.into()),
        message: message.into(),
    }
}

/// Checks a properties patch; `null` (removing a key) is always allowed.
pub fn validate(patch: &Map) -> Result<(), PropError> {
    for (key, value) in patch {
        if value.is_null() {
            continue;
        }
        match key.as_str() {
            "opacity" | "volume" => unit(key, value)?,
            "width" | "height" => size(key, value)?,
            "font_size" => {
                let n = number(key, value)?;
                if !(n > 0.0 && n <= MAX_FONT) {
                    return Err(err(key, format!("{key} must be > 0 and <= {MAX_FONT}")));
                }
            }
            "size" => {
                let obj = object(key, value)?;
                for (k, v) in obj {
                    match k.as_str() {
                        "width" | "height" => size(&format!("size.{k}"), v)?,
                        _ => return Err(err(format!("size.{k}"), "size takes width and height")),
                    }
                }
            }
            "position" => {
                let obj = object(key, value)?;
                for (k, v) in obj {
                    let f = format!("position.{k}");
                    match k.as_str() {
                        "x" | "y" => {
                            let n = number(&f, v)?;
                            if n.abs() > MAX_POS {
                                return Err(err(f, format!("must be within ±{MAX_POS}")));
                            }
                        }
                        "z_index" => {
                            let n = number(&f, v)?;
                            if n.fract() != 0.0 || n.abs() > MAX_Z {
                                return Err(err(f, format!("must be an integer within ±{MAX_Z}")));
                            }
                        }
                        _ => return Err(err(f, "position takes x, y and z_index")),
                    }
                }
            }
            "css" => css(value)?,
            "ticker" => ticker(value)?,
            "src" => {
                let ok = value.as_str().is_some_and(|s| {
                    s.len() <= MAX_SRC && INLINE_IMAGES.iter().any(|p| s.starts_with(p))
                });
                if !ok {
                    return Err(err(
                        key,
                        format!(
                            "src must be a data:image/svg+xml, or data:image/png;base64, URI of at most {MAX_SRC} bytes (files go in the media library)"
                        ),
                    ));
                }
            }
            "media_roles" => {
                return Err(err(
                    key,
                    "media_roles is defined by the widget and cannot be edited",
                ));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Entrance/exit kinds the overlay animates (docs/protocol.md "behavior"), with the older
/// aliases widgets still send.
const PHASE_KINDS: &[&str] = &[
    "none",
    "fade",
    "slide",
    "scale",
    "pop",
    "grow",
    "shrink",
    "bounce",
    "explosion",
];
const LOOP_KINDS: &[&str] = &["none", "pulse", "float", "shake", "spin"];
const EASINGS: &[&str] = &[
    "smooth",
    "linear",
    "ease",
    "ease-in",
    "ease-out",
    "ease-in-out",
    "back",
    "snappy",
];
const DIRECTIONS: &[&str] = &["up", "down", "left", "right"];
/// Longest entrance/exit and longest delay, in seconds (the overlay clamps to the same).
const MAX_PHASE_S: f64 = 10.0;

/// Checks a behaviour patch (`entrance`, `exit`, `loop`); `null` removes a key. The picker in
/// the admin UI only offers valid values; this keeps a hand-written request just as honest.
pub fn validate_behavior(patch: &Map) -> Result<(), PropError> {
    for (key, value) in patch {
        if value.is_null() {
            continue;
        }
        match key.as_str() {
            "entrance" | "exit" => phase(key, value)?,
            "loop" => looped(value)?,
            _ => {
                return Err(behavior_err(key, "behavior takes entrance, exit and loop"));
            }
        }
    }
    Ok(())
}

fn behavior_err(field: impl Into<String>, message: impl Into<String>) -> PropError {
    PropError {
        field: format!("behavior.{}", field.into()),
        message: message.into(),
    }
}

/// A string that must be one of `allowed` (case-insensitive, like the overlay).
fn one_of(field: &str, v: &Value, allowed: &[&str]) -> Result<(), PropError> {
    match v.as_str().map(|s| s.trim().to_ascii_lowercase()) {
        Some(s) if allowed.contains(&s.as_str()) => Ok(()),
        _ => Err(behavior_err(
            field,
            format!("{field} must be one of {}", allowed.join(", ")),
        )),
    }
}

fn seconds(field: &str, v: &Value, min: f64, max: f64) -> Result<(), PropError> {
    match v.as_f64().filter(|n| n.is_finite()) {
        Some(n) if (min..=max).contains(&n) => Ok(()),
        _ => Err(behavior_err(
            field,
            format!("{field} must be a number from {min} to {max}"),
        )),
    }
}

fn phase(key: &str, v: &Value) -> Result<(), PropError> {
    if v.is_string() {
        return one_of(key, v, PHASE_KINDS);
    }
    let obj = v
        .as_object()
        .ok_or_else(|| behavior_err(key, format!("{key} must be a kind or an object")))?;
    for (k, v) in obj {
        let f = format!("{key}.{k}");
        match k.as_str() {
            "type" => one_of(&f, v, PHASE_KINDS)?,
            "duration" | "delay" => seconds(&f, v, 0.0, MAX_PHASE_S)?,
            "easing" => one_of(&f, v, EASINGS)?,
            "direction" => one_of(&f, v, DIRECTIONS)?,
            _ => {
                return Err(behavior_err(
                    f,
                    format!("{key} takes type, duration, delay, easing and direction"),
                ));
            }
        }
    }
    Ok(())
}

fn looped(v: &Value) -> Result<(), PropError> {
    if v.is_string() {
        return one_of("loop", v, LOOP_KINDS);
    }
    let obj = v
        .as_object()
        .ok_or_else(|| behavior_err("loop", "loop must be a kind or an object"))?;
    for (k, v) in obj {
        let f = format!("loop.{k}");
        match k.as_str() {
            "type" => one_of(&f, v, LOOP_KINDS)?,
            "duration" => seconds(&f, v, 0.2, 60.0)?,
            "intensity" => seconds(&f, v, 0.25, 3.0)?,
            "easing" => one_of(&f, v, EASINGS)?,
            _ => {
                return Err(behavior_err(
                    f,
                    "loop takes type, duration, intensity and easing",
                ));
            }
        }
    }
    Ok(())
}

/// A text element's marquee (docs/protocol.md `ticker`): speed and gap in px, a direction,
/// and whether it moves.
fn ticker(v: &Value) -> Result<(), PropError> {
    for (k, v) in object("ticker", v)? {
        let f = format!("ticker.{k}");
        let ok = match k.as_str() {
            "speed" => number(&f, v).is_ok_and(|n| (1.0..=2000.0).contains(&n)),
            "gap" => number(&f, v).is_ok_and(|n| (0.0..=2000.0).contains(&n)),
            "direction" => matches!(v.as_str(), Some("left" | "right")),
            "running" => v.is_boolean(),
            _ => return Err(err(f, "ticker takes speed, direction, running and gap")),
        };
        if !ok {
            let allowed = match k.as_str() {
                "speed" => "a number from 1 to 2000 (px/s)",
                "gap" => "a number from 0 to 2000 (px)",
                "direction" => "left or right",
                _ => "true or false",
            };
            return Err(err(&f, format!("{f} must be {allowed}")));
        }
    }
    Ok(())
}

fn number(field: &str, v: &Value) -> Result<f64, PropError> {
    v.as_f64()
        .filter(|n| n.is_finite())
        .ok_or_else(|| err(field, format!("{field} must be a number")))
}

fn object<'a>(field: &str, v: &'a Value) -> Result<&'a Map, PropError> {
    v.as_object()
        .ok_or_else(|| err(field, format!("{field} must be an object")))
}

fn unit(field: &str, v: &Value) -> Result<(), PropError> {
    let n = number(field, v)?;
    if !(0.0..=1.0).contains(&n) {
        return Err(err(
            field,
            format!("{field} must be between 0 and 1, got {n}"),
        ));
    }
    Ok(())
}

fn size(field: &str, v: &Value) -> Result<(), PropError> {
    let n = number(field, v)?;
    if !(n > 0.0 && n <= MAX_SIZE) {
        return Err(err(
            field,
            format!("{field} must be > 0 and <= {MAX_SIZE}, got {n}"),
        ));
    }
    Ok(())
}

fn css(v: &Value) -> Result<(), PropError> {
    let obj = object("css", v)?;
    for (name, value) in obj {
        let field = format!("css.{name}");
        let kebab = to_kebab(name);
        if !(kebab.starts_with("--") && kebab.len() > 2
            || KNOWN_CSS.binary_search(&kebab.as_str()).is_ok())
        {
            return Err(err(field, format!("'{name}' is not a known CSS property")));
        }
        match value {
            Value::Null => {}
            Value::Number(n) if n.as_f64().is_some_and(f64::is_finite) => {}
            Value::String(s) if s.len() <= MAX_CSS_VALUE => {
                // Closing the declaration would let a value smuggle in other properties.
                if s.contains([';', '{', '}']) {
                    return Err(err(field, "CSS values may not contain ';', '{' or '}'"));
                }
            }
            _ => {
                return Err(err(
                    field,
                    format!("must be a number or a string of at most {MAX_CSS_VALUE} characters"),
                ));
            }
        }
    }
    Ok(())
}

/// "backgroundColor" → "background-color", like the overlay's `toKebab`.
fn to_kebab(name: &str) -> String {
    let name = name.trim();
    if name.starts_with("--") {
        return name.to_string();
    }
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 || matches!(name.get(..6), Some("Webkit")) {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// CSS properties an overlay element may set (sorted: binary search).
const KNOWN_CSS: &[&str] = &[
    "-webkit-text-stroke",
    "-webkit-text-stroke-color",
    "-webkit-text-stroke-width",
    "align-items",
    "animation",
    "animation-delay",
    "animation-direction",
    "animation-duration",
    "animation-iteration-count",
    "animation-name",
    "animation-timing-function",
    "aspect-ratio",
    "backdrop-filter",
    "background",
    "background-blend-mode",
    "background-clip",
    "background-color",
    "background-image",
    "background-position",
    "background-repeat",
    "background-size",
    "border",
    "border-bottom",
    "border-color",
    "border-left",
    "border-radius",
    "border-right",
    "border-style",
    "border-top",
    "border-width",
    "box-shadow",
    "clip-path",
    "color",
    "display",
    "filter",
    "font",
    "font-family",
    "font-size",
    "font-style",
    "font-variant",
    "font-weight",
    "gap",
    "justify-content",
    "letter-spacing",
    "line-height",
    "margin",
    "mask",
    "mask-image",
    "mix-blend-mode",
    "object-fit",
    "object-position",
    "opacity",
    "outline",
    "overflow",
    "padding",
    "rotate",
    "scale",
    "text-align",
    "text-decoration",
    "text-shadow",
    "text-transform",
    "transform",
    "transform-origin",
    "transition",
    "translate",
    "white-space",
    "word-spacing",
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(v: Value) -> Result<(), PropError> {
        validate(v.as_object().expect("object"))
    }

    fn field(v: Value) -> String {
        check(v).expect_err("refused").field
    }

    #[test]
    fn known_css_is_sorted() {
        assert!(KNOWN_CSS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn ranges_name_the_field() {
        assert_eq!(field(json!({"opacity": 5})), "properties.opacity");
        assert_eq!(field(json!({"width": -50})), "properties.width");
        assert_eq!(
            field(json!({"size": {"width": 0}})),
            "properties.size.width"
        );
        assert_eq!(
            field(json!({"size": {"height": 9000}})),
            "properties.size.height"
        );
        assert_eq!(
            field(json!({"position": {"x": 9000}})),
            "properties.position.x"
        );
        assert_eq!(
            field(json!({"position": {"z_index": 1.5}})),
            "properties.position.z_index"
        );
        assert_eq!(field(json!({"volume": "loud"})), "properties.volume");
        assert_eq!(
            field(json!({"css": {"behaviour": "x"}})),
            "properties.css.behaviour"
        );
        assert_eq!(
            field(json!({"css": {"color": "red; top: 0"}})),
            "properties.css.color"
        );
        assert_eq!(
            field(json!({"media_roles": ["x"]})),
            "properties.media_roles"
        );
    }

    #[test]
    fn ticker_edits_are_checked() {
        check(json!({"ticker": {"speed": 200, "direction": "right", "running": false, "gap": 40}}))
            .expect("a valid ticker");
        assert_eq!(
            field(json!({"ticker": {"speed": 0}})),
            "properties.ticker.speed"
        );
        assert_eq!(
            field(json!({"ticker": {"direction": "up"}})),
            "properties.ticker.direction"
        );
        assert_eq!(
            field(json!({"ticker": {"running": "yes"}})),
            "properties.ticker.running"
        );
        assert_eq!(
            field(json!({"ticker": {"loop": 1}})),
            "properties.ticker.loop"
        );
        assert_eq!(field(json!({"ticker": 3})), "properties.ticker");
    }

    #[test]
    fn src_takes_only_inline_images() {
        check(json!({"src": "data:image/svg+xml,%3Csvg/%3E"})).expect("an inline SVG");
        assert_eq!(
            field(json!({"src": "https://example.com/x.png"})),
            "properties.src"
        );
        assert_eq!(
            field(json!({"src": "javascript:alert(1)"})),
            "properties.src"
        );
        let big = format!("data:image/svg+xml,{}", "a".repeat(MAX_SRC));
        assert_eq!(field(json!({"src": big})), "properties.src");
    }

    fn behavior_field(v: Value) -> String {
        validate_behavior(v.as_object().expect("object"))
            .expect_err("refused")
            .field
    }

    #[test]
    fn behavior_edits_are_checked() {
        validate_behavior(
            json!({
                "entrance": {"type": "slide", "duration": 0.4, "delay": 1.5, "easing": "back", "direction": "left"},
                "exit": "Fade",
                "loop": {"type": "pulse", "duration": 1.2, "intensity": 2},
            })
            .as_object()
            .expect("object"),
        )
        .expect("valid");
        validate_behavior(
            json!({"loop": null, "entrance": {"type": "none"}})
                .as_object()
                .expect("object"),
        )
        .expect("removals and none are fine");
        assert_eq!(
            behavior_field(json!({"entrance": {"type": "wobble"}})),
            "behavior.entrance.type"
        );
        assert_eq!(
            behavior_field(json!({"exit": {"duration": 11}})),
            "behavior.exit.duration"
        );
        assert_eq!(
            behavior_field(json!({"exit": {"delay": -1}})),
            "behavior.exit.delay"
        );
        assert_eq!(
            behavior_field(json!({"entrance": {"easing": "bouncy"}})),
            "behavior.entrance.easing"
        );
        assert_eq!(
            behavior_field(json!({"entrance": {"direction": "in"}})),
            "behavior.entrance.direction"
        );
        assert_eq!(
            behavior_field(json!({"entrance": {"speed": 2}})),
            "behavior.entrance.speed"
        );
        assert_eq!(behavior_field(json!({"entrance": 3})), "behavior.entrance");
        assert_eq!(behavior_field(json!({"loop": "wiggle"})), "behavior.loop");
        assert_eq!(
            behavior_field(json!({"loop": {"intensity": 9}})),
            "behavior.loop.intensity"
        );
        assert_eq!(
            behavior_field(json!({"loop": {"duration": 0.1}})),
            "behavior.loop.duration"
        );
        assert_eq!(behavior_field(json!({"wobble": true})), "behavior.wobble");
    }

    #[test]
    fn good_edits_pass() {
        check(json!({
            "opacity": 0.5, "volume": 1, "size": {"width": 8192, "height": 1},
            "position": {"x": -8192, "y": 100.5, "z_index": 12},
            "css": {"backgroundColor": "#fff", "--glow": "3px", "WebkitTextStroke": "1px black", "opacity": 1},
            "question": "anything a widget owns", "opacity_note": null
        }))
        .expect("valid");
        check(json!({"opacity": null, "css": null})).expect("removals are fine");
    }
}
