//! Maps chat tokens onto a feature's typed parameters.
//!
//! Chat is forgiving where it can be and exact where it must be:
//! - positional words fill the parameters in spec order, skipping those named with
//!   `name=value` anywhere on the line and those the command fixes (`!hype blue` on a
//!   command that fixes `intensity` sets the color); a fixed one can still be overridden
//!   by name. A feature without free parameters ignores extra words (`!hype LETS GO`);
//!   otherwise extra words are an error, so typos don't vanish silently;
//! - when the last free parameter is text it takes all remaining words, joined by single
//!   spaces (`!say hello world`);
//! - a `name=value` word always names a parameter, anywhere on the line (an unknown name
//!   is an error, to catch typos like `intesity=high`); quote it to say it literally;
//! - dropdowns match ignoring case, then by unique prefix (`hi` → `High`);
//! - multiselect takes a comma-separated list (`fire,ice`);
//! - checkboxes take true/false, yes/no, on/off, 1/0;
//! - colors take `#RRGGBB`, `#RGB`, CSS names, `RRGGBB` without `#`, and CSS names with
//!   spaces or dashes in them (`"dark blue"`, `dark-blue` → `darkblue`);
//! - numbers take `12`, `-2`, `+1`, `1.5`, `.5`, thousands groups `1,000` (a comma followed by
//!   groups of exactly three digits) and otherwise one decimal comma `0,5` (as typed in much
//!   of Europe); no exponents, `inf` or `nan`. Out of range is an error that shows the
//!   range; in range but off the step is snapped to the nearest step, because a viewer
//!   can't see the step.
//!
//! Everything then goes through [`validate`], the validator REST uses too.

use super::tokenize::Token;
use crate::model::Map;
use crate::widgets::color;
use crate::widgets::params::{ParamError, ParamSpec, ParamType, match_option, num_value, validate};
use serde_json::Value;
use std::fmt;

/// Why chat arguments were rejected, worded for the viewer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArgError {
    /// The parameter at fault, if one is.
    pub param: Option<String>,
    pub message: String,
}

impl ArgError {
    fn on(spec: &ParamSpec, message: impl Into<String>) -> Self {
        ArgError {
            param: Some(spec.name.to_string()),
            message: message.into(),
        }
    }
    fn general(message: impl Into<String>) -> Self {
        ArgError {
            param: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for ArgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.param {
            Some(p) => write!(f, "{p}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ArgError {}

impl From<ParamError> for ArgError {
    /// The shared validator says "parameter 'x' must …"; the reply already names `x`.
    fn from(e: ParamError) -> Self {
        let lead = format!("parameter '{}' ", e.field);
        let message = e
            .message
            .strip_prefix(&lead)
            .map(str::to_string)
            .unwrap_or(e.message);
        ArgError {
            param: Some(e.field),
            message,
        }
    }
}

/// Turns tokens into validated feature parameters; `fixed` (the command's args) fills in
/// what chat didn't give.
pub fn map_args(tokens: &[Token], specs: &[ParamSpec], fixed: &Map) -> Result<Map, ArgError> {
    let mut given = Map::new();

    for t in tokens {
        let Some(name) = &t.name else { continue };
        let spec = find_spec(specs, name).ok_or_else(|| unknown_name(name, specs))?;
        if given.contains_key(spec.name) {
            return Err(ArgError::on(spec, "given twice"));
        }
        given.insert(spec.name.to_string(), convert_token(spec, t)?);
    }

    let slots: Vec<&ParamSpec> = specs
        .iter()
        .filter(|s| !given.contains_key(s.name) && !fixed.contains_key(s.name))
        .collect();
    let positional: Vec<&Token> = tokens.iter().filter(|t| t.name.is_none()).collect();
    if !slots.is_empty() {
        for (i, t) in positional.iter().enumerate() {
            let Some(spec) = slots.get(i) else {
                return Err(ArgError::general(format!(
                    "too many arguments ({} is extra)",
                    echo(&t.value)
                )));
            };
            if i + 1 == slots.len() && spec.kind == ParamType::Text {
                let words = &positional[i..];
                if words.iter().any(|w| w.truncated) {
                    return Err(ArgError::on(spec, "too long"));
                }
                let joined: Vec<&str> = words.iter().map(|w| w.value.as_str()).collect();
                given.insert(spec.name.to_string(), convert(spec, &joined.join(" "))?);
                break;
            }
            given.insert(spec.name.to_string(), convert_token(spec, t)?);
        }
    }

    let mut merged = Map::new();
    for (k, v) in fixed {
        if given.contains_key(k) {
            continue;
        }
        // Fixed args typed as plain strings in the admin UI ("50", "red") read like chat.
        let v = match (specs.iter().find(|s| s.name == k.as_str()), v) {
            (Some(spec), Value::String(s)) => convert(spec, s)?,
            _ => v.clone(),
        };
        merged.insert(k.clone(), v);
    }
    merged.extend(given);

    if let Some(spec) = specs
        .iter()
        .find(|s| !s.optional && s.default.is_none() && !merged.contains_key(s.name))
    {
        return Err(ArgError::on(spec, "missing"));
    }
    Ok(validate(specs, &merged)?)
}

/// Parameter names ignore case, and `-` equals `_` (`blast-duration=2`).
fn find_spec<'s>(specs: &'s [ParamSpec], name: &str) -> Option<&'s ParamSpec> {
    let norm = |s: &str| s.replace('-', "_").to_ascii_lowercase();
    let wanted = norm(name);
    specs.iter().find(|s| norm(s.name) == wanted)
}

fn unknown_name(name: &str, specs: &[ParamSpec]) -> ArgError {
    let names: Vec<&str> = specs.iter().map(|s| s.name).collect();
    ArgError::general(if names.is_empty() {
        format!("unknown option {} (this command takes none)", echo(name))
    } else {
        format!(
            "unknown option {} (options: {})",
            echo(name),
            names.join(", ")
        )
    })
}

fn convert_token(spec: &ParamSpec, t: &Token) -> Result<Value, ArgError> {
    if t.truncated {
        return Err(ArgError::on(spec, "too long"));
    }
    convert(spec, &t.value)
}

/// Converts one chat string to the JSON value the validator expects for `spec`.
fn convert(spec: &ParamSpec, raw: &str) -> Result<Value, ArgError> {
    let options = spec.options.as_deref().unwrap_or(&[]);
    match spec.kind {
        ParamType::Dropdown => choose(spec, options, raw).map(Value::from),
        ParamType::Multiselect => {
            let picked = raw
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| choose(spec, options, s).map(Value::from))
                .collect::<Result<Vec<_>, _>>()?;
            if picked.is_empty() {
                return Err(ArgError::on(
                    spec,
                    format!("pick one or more of {}", options.join(", ")),
                ));
            }
            Ok(Value::Array(picked))
        }
        ParamType::Checkbox => parse_bool(raw)
            .map(Value::from)
            .ok_or_else(|| ArgError::on(spec, format!("{} is not yes or no", echo(raw)))),
        ParamType::Color => parse_color(raw)
            .map(Value::from)
            .ok_or_else(|| ArgError::on(spec, format!("{} is not a color", echo(raw)))),
        ParamType::Number | ParamType::Slider => {
            let n = parse_number(raw)
                .ok_or_else(|| ArgError::on(spec, format!("{} is not a number", echo(raw))))?;
            let below = spec.min.is_some_and(|m| n < m);
            let above = spec.max.is_some_and(|m| n > m);
            if below || above {
                return Err(ArgError::on(
                    spec,
                    format!("must be {} (got {})", range_words(spec), fmt_num(n)),
                ));
            }
            Ok(num_value(snap(spec, n)))
        }
        // A library file by its id (`!show 12`); the engine checks it exists and fits.
        ParamType::Media => {
            let id = |s: &str| {
                s.trim()
                    .trim_start_matches('#')
                    .parse::<u64>()
                    .ok()
                    .filter(|id| *id > 0)
                    .map(Value::from)
                    .ok_or_else(|| ArgError::on(spec, format!("{} is not a media id", echo(s))))
            };
            if spec.multiple {
                raw.split(',')
                    .map(id)
                    .collect::<Result<Vec<_>, _>>()
                    .map(Value::Array)
            } else {
                id(raw)
            }
        }
        ParamType::Text => {
            if let Some(max) = spec.max_length
                && raw.chars().count() > max
            {
                return Err(ArgError::on(
                    spec,
                    format!("too long (at most {max} characters)"),
                ));
            }
            Ok(Value::from(raw))
        }
    }
}

/// A dropdown option: exact (ignoring case) first, then the only option starting with `s`.
fn choose<'o>(spec: &ParamSpec, options: &[&'o str], s: &str) -> Result<&'o str, ArgError> {
    let s = s.trim();
    if let Some(o) = match_option(options, s) {
        return Ok(o);
    }
    let lower = s.to_lowercase();
    if let Some(o) = options.iter().find(|o| o.to_lowercase() == lower) {
        return Ok(o);
    }
    let hits: Vec<&'o str> = if lower.is_empty() {
        Vec::new()
    } else {
        options
            .iter()
            .copied()
            .filter(|o| o.to_lowercase().starts_with(&lower))
            .collect()
    };
    match hits.as_slice() {
        [one] => Ok(one),
        [] => Err(ArgError::on(
            spec,
            format!("{} is not one of {}", echo(s), options.join(", ")),
        )),
        [init @ .., last] => Err(ArgError::on(
            spec,
            format!("{} could be {} or {last}", echo(s), init.join(", ")),
        )),
    }
}

fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "on" | "1" => Some(true),
        "false" | "no" | "off" | "0" => Some(false),
        _ => None,
    }
}

/// `color::parse`, plus `RRGGBB` without `#` and CSS names typed with spaces or dashes.
pub fn parse_color(s: &str) -> Option<String> {
    let t = s.trim();
    if let Some(c) = color::parse(t) {
        return Some(c);
    }
    if t.len() == 6 && t.chars().all(|c| c.is_ascii_hexdigit()) {
        return color::parse(&format!("#{t}"));
    }
    let squashed: String = t
        .chars()
        .filter(|c| !(c.is_whitespace() || *c == '-' || *c == '_'))
        .collect();
    if squashed.len() != t.len() && !squashed.starts_with('#') {
        return color::parse(&squashed);
    }
    None
}

/// A number as viewers type it (see the module docs for the accepted forms).
pub fn parse_number(s: &str) -> Option<f64> {
    let t = s.trim();
    let (negative, body) = match t.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let body = if body.contains(',') {
        if is_grouped(body) {
            body.replace(',', "")
        } else if body.matches(',').count() == 1 && !body.contains('.') {
            body.replace(',', ".")
        } else {
            return None;
        }
    } else {
        body.to_string()
    };
    let well_formed = body.chars().all(|c| c.is_ascii_digit() || c == '.')
        && body.matches('.').count() <= 1
        && body.chars().any(|c| c.is_ascii_digit());
    if !well_formed {
        return None;
    }
    let n: f64 = body.parse().ok()?;
    let n = if negative { -n } else { n };
    n.is_finite().then_some(n)
}

/// `1,000` / `12,345.5`: a 1–3 digit head, then groups of exactly three digits.
fn is_grouped(body: &str) -> bool {
    let int = body.split('.').next().unwrap_or_default();
    let mut groups = int.split(',');
    let head_ok = groups
        .next()
        .is_some_and(|g| (1..=3).contains(&g.len()) && g.chars().all(|c| c.is_ascii_digit()));
    let mut tail = 0;
    let tail_ok = groups.all(|g| {
        tail += 1;
        g.len() == 3 && g.chars().all(|c| c.is_ascii_digit())
    });
    let frac_ok = body.split('.').nth(1).is_none_or(|f| !f.contains(','));
    head_ok && tail_ok && tail > 0 && frac_ok
}

/// Nearest multiple of the step (counted from `min`), kept within range.
fn snap(spec: &ParamSpec, n: f64) -> f64 {
    let Some(step) = spec.step.filter(|s| s.is_finite() && *s > 0.0) else {
        return n;
    };
    let base = spec.min.unwrap_or(0.0);
    let mut s = base + ((n - base) / step).round() * step;
    if spec.max.is_some_and(|m| s > m) {
        s -= step;
    }
    if spec.min.is_some_and(|m| s < m) {
        s += step;
    }
    // 0.1 * 3 = 0.30000000000000004: trim float noise so the overlay shows 0.3.
    if s.abs() < 1e6 {
        s = (s * 1e9).round() / 1e9;
    }
    s
}

pub(crate) fn range_words(spec: &ParamSpec) -> String {
    match (spec.min, spec.max) {
        (Some(a), Some(b)) => format!("from {} to {}", fmt_num(a), fmt_num(b)),
        (Some(a), None) => format!("at least {}", fmt_num(a)),
        (None, Some(b)) => format!("at most {}", fmt_num(b)),
        (None, None) => "a number".into(),
    }
}

pub(crate) fn fmt_num(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// Viewer input quoted back in a reply: short, one line, so the bot can't be made to say much.
pub(crate) fn echo(s: &str) -> String {
    const MAX: usize = 24;
    let clean: String = s.chars().filter(|c| !c.is_control()).collect();
    match clean.char_indices().nth(MAX) {
        Some((i, _)) => format!("\"{}…\"", &clean[..i]),
        None => format!("\"{clean}\""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chat::tokenize::tokenize;
    use serde_json::json;

    fn confetti() -> Vec<ParamSpec> {
        vec![
            ParamSpec::dropdown("intensity", "Intensity", &["Low", "Medium", "High"]),
            ParamSpec::color("color", "Color").default("#FF5733"),
        ]
    }

    fn map(line: &str, specs: &[ParamSpec]) -> Result<Map, ArgError> {
        map_args(&tokenize(line), specs, &Map::new())
    }

    fn fixed(v: Value) -> Map {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn confetti_high_red() {
        let m = map("high red", &confetti()).unwrap();
        assert_eq!(
            Value::Object(m),
            json!({"intensity": "High", "color": "#FF0000"})
        );
        let m = map("Hi", &confetti()).unwrap();
        assert_eq!(
            Value::Object(m),
            json!({"intensity": "High", "color": "#FF5733"})
        );
        let m = map("HIGH ff00aa", &confetti()).unwrap();
        assert_eq!(m["color"], "#FF00AA");
    }

    #[test]
    fn named_arguments_and_quoted_color_names() {
        let m = map(r#"color="dark blue" INTENSITY=low"#, &confetti()).unwrap();
        assert_eq!(
            Value::Object(m),
            json!({"intensity": "Low", "color": "#00008B"})
        );
        // Named ones leave the positional slot to the next parameter.
        let m = map("red intensity=med", &confetti()).unwrap();
        assert_eq!(
            Value::Object(m),
            json!({"intensity": "Medium", "color": "#FF0000"})
        );
        assert_eq!(
            map("low darkblue", &confetti()).unwrap()["color"],
            "#00008B"
        );
        assert_eq!(
            map("low dark-blue", &confetti()).unwrap()["color"],
            "#00008B"
        );
        // Unquoted, "dark blue" is two words: "dark" is no color.
        let e = map("low dark blue", &confetti()).unwrap_err();
        assert_eq!(e.param.as_deref(), Some("color"));
        assert_eq!(e.message, r#""dark" is not a color"#);
    }

    #[test]
    fn errors_for_viewers() {
        let e = map("purple-ish", &confetti()).unwrap_err();
        assert_eq!(e.param.as_deref(), Some("intensity"));
        assert!(e.message.contains("Low, Medium, High"), "{e}");

        let e = map("high purple-ish", &confetti()).unwrap_err();
        assert_eq!(e.to_string(), r#"color: "purple-ish" is not a color"#);

        let e = map("high red blue", &confetti()).unwrap_err();
        assert_eq!(e.param, None);
        assert!(e.message.starts_with("too many arguments"), "{e}");

        let e = map("", &confetti()).unwrap_err();
        assert_eq!(e.to_string(), "intensity: missing");

        let e = map("intensity=low intensity=high", &confetti()).unwrap_err();
        assert_eq!(e.to_string(), "intensity: given twice");

        let e = map("size=big", &confetti()).unwrap_err();
        assert_eq!(e.param, None);
        assert!(e.message.contains("options: intensity, color"), "{e}");
        let e = map("x=1", &[]).unwrap_err();
        assert!(e.message.contains("takes none"), "{e}");
    }

    #[test]
    fn dropdown_prefixes() {
        let specs = [ParamSpec::dropdown(
            "size",
            "Size",
            &["Small", "Smaller", "Medium", "Max", "Étoile"],
        )];
        assert_eq!(map("small", &specs).unwrap()["size"], "Small");
        assert_eq!(map("smalle", &specs).unwrap()["size"], "Smaller");
        assert_eq!(map("me", &specs).unwrap()["size"], "Medium");
        assert_eq!(map("éTOILE", &specs).unwrap()["size"], "Étoile");
        assert_eq!(map("ét", &specs).unwrap()["size"], "Étoile");
        let e = map("m", &specs).unwrap_err();
        assert_eq!(e.message, r#""m" could be Medium or Max"#);
        let e = map("sm", &specs).unwrap_err();
        assert_eq!(e.message, r#""sm" could be Small or Smaller"#);
        assert!(map(r#""""#, &specs).is_err());
    }

    #[test]
    fn numbers_and_ranges() {
        let specs = [ParamSpec::number("amount", "Amount", 1.0, 5000.0)];
        let n = |s: &str| map(s, &specs).map(|m| m["amount"].clone());
        assert_eq!(n("12").unwrap(), json!(12));
        assert_eq!(n("1.5").unwrap(), json!(1.5));
        assert_eq!(n("+1").unwrap(), json!(1));
        assert_eq!(n("1,000").unwrap(), json!(1000));
        assert_eq!(n("1,5").unwrap(), json!(1.5));
        assert_eq!(n("2.").unwrap(), json!(2));
        let e = n("-2").unwrap_err();
        assert_eq!(e.to_string(), "amount: must be from 1 to 5000 (got -2)");
        let e = n("5001").unwrap_err();
        assert!(e.message.contains("from 1 to 5000"), "{e}");
        for bad in [
            "abc", "1e3", "inf", "NaN", "1,2,3", "1.2.3", "--1", "+-1", "-", ".",
        ] {
            assert!(n(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_number(".5"), Some(0.5));
        assert_eq!(parse_number("12,345,678.25"), Some(12_345_678.25));
        assert_eq!(parse_number("1,0000"), Some(1.0));
        assert_eq!(parse_number("1,00"), Some(1.0));
    }

    #[test]
    fn sliders_snap_to_step() {
        let specs = [ParamSpec::slider("volume", "Volume", 0.0, 1.0, 0.05)];
        let v = |s: &str| map(s, &specs).map(|m| m["volume"].clone());
        assert_eq!(v("0.33").unwrap(), json!(0.35));
        assert_eq!(v("0,3").unwrap(), json!(0.3));
        assert_eq!(v("1").unwrap(), json!(1));
        assert!(v("1.01").is_err());
        let specs = [ParamSpec::slider("count", "Count", 10.0, 500.0, 10.0)];
        assert_eq!(map("15", &specs).unwrap()["count"], json!(20));
        assert_eq!(map("499", &specs).unwrap()["count"], json!(500));
        let specs = [ParamSpec::slider("odd", "Odd", 0.0, 25.0, 10.0)];
        assert_eq!(map("24", &specs).unwrap()["odd"], json!(20));
    }

    #[test]
    fn checkbox_words() {
        let specs = [ParamSpec::checkbox("loud", "Loud")];
        for (w, b) in [("yes", true), ("ON", true), ("1", true), ("True", true)] {
            assert_eq!(map(w, &specs).unwrap()["loud"], json!(b), "{w}");
        }
        for w in ["no", "off", "0", "FALSE"] {
            assert_eq!(map(w, &specs).unwrap()["loud"], json!(false), "{w}");
        }
        let e = map("maybe", &specs).unwrap_err();
        assert_eq!(e.to_string(), r#"loud: "maybe" is not yes or no"#);
    }

    #[test]
    fn multiselect_lists() {
        let specs = [ParamSpec::multiselect(
            "fx",
            "Effects",
            &["fire", "ice", "smoke"],
        )];
        assert_eq!(
            map("fire,ICE", &specs).unwrap()["fx"],
            json!(["fire", "ice"])
        );
        assert_eq!(
            map(r#""fire, sm""#, &specs).unwrap()["fx"],
            json!(["fire", "smoke"])
        );
        assert!(map("fire,lava", &specs).is_err());
        assert!(map(",", &specs).is_err());
    }

    #[test]
    fn last_text_swallows_the_rest() {
        let specs = [
            ParamSpec::color("color", "Color").default("#FFFFFF"),
            ParamSpec::text("message", "Message", 100),
        ];
        let m = map("red hello   world, how's it going?", &specs).unwrap();
        assert_eq!(m["message"], "hello world, how's it going?");
        let m = map(r#"red "quoted  spaces" kept"#, &specs).unwrap();
        assert_eq!(m["message"], "quoted  spaces kept");
        // Named ones go first: then the text takes every positional word.
        let m = map("color=blue just text", &specs).unwrap();
        assert_eq!(
            Value::Object(m),
            json!({"color": "#0000FF", "message": "just text"})
        );
        let e = map(&format!("red {}", "x".repeat(101)), &specs).unwrap_err();
        assert_eq!(e.to_string(), "message: too long (at most 100 characters)");
        // A text that is not last takes one token.
        let specs = [
            ParamSpec::text("title", "Title", 50),
            ParamSpec::color("color", "Color"),
        ];
        let m = map(r#""Big News" red"#, &specs).unwrap();
        assert_eq!(m["title"], "Big News");
        assert!(map("Big News red", &specs).is_err());
    }

    #[test]
    fn long_messages_use_the_rest_token() {
        let specs = [ParamSpec::text("message", "Message", 500)];
        let words: Vec<String> = (0..60).map(|i| format!("w{i}")).collect();
        let m = map(&words.join(" "), &specs).unwrap();
        assert_eq!(m["message"], words.join(" "));
        let e = map(&"x".repeat(300), &specs).unwrap_err();
        assert_eq!(e.to_string(), "message: too long");
    }

    #[test]
    fn fixed_args_fill_in_and_step_aside() {
        let f = fixed(json!({"intensity": "High"}));
        let m = map_args(&tokenize("blue"), &confetti(), &f).unwrap();
        assert_eq!(
            Value::Object(m),
            json!({"intensity": "High", "color": "#0000FF"})
        );
        let m = map_args(&tokenize("intensity=low"), &confetti(), &f).unwrap();
        assert_eq!(m["intensity"], "Low");
        // All parameters fixed: extra words are chatter, not arguments.
        let f = fixed(json!({"intensity": "low", "color": "red"}));
        let m = map_args(&tokenize("LETS GO"), &confetti(), &f).unwrap();
        assert_eq!(
            Value::Object(m),
            json!({"intensity": "Low", "color": "#FF0000"})
        );
        // A feature without parameters ignores words too.
        assert_eq!(map("hype hype", &[]).unwrap(), Map::new());
        // Fixed numbers given as strings read like chat.
        let specs = [ParamSpec::number("n", "N", 0.0, 10.0)];
        let m = map_args(&[], &specs, &fixed(json!({"n": "5"}))).unwrap();
        assert_eq!(m["n"], 5);
    }

    #[test]
    fn validator_errors_lose_their_lead() {
        let e: ArgError = ParamError {
            field: "count".into(),
            message: "parameter 'count' must be a multiple of 10 (got 15)".into(),
        }
        .into();
        assert_eq!(e.to_string(), "count: must be a multiple of 10 (got 15)");
    }

    #[test]
    fn echo_is_short() {
        assert_eq!(echo("abc"), "\"abc\"");
        assert_eq!(echo(&"y".repeat(100)).chars().count(), 24 + 3);
        assert_eq!(echo("a\nb"), "\"ab\"");
    }
}
