//! Event bindings: which bindings a platform event fires, and their parameters with
//! `{user}`, `{amount}`, `{months}`, `{viewers}`, `{message}`, `{tier}` filled in.

use super::args::parse_number;
use crate::model::{EventBinding, EventKind, Map};
use crate::widgets::params::{ParamSpec, ParamType, num_value};
use serde_json::Value;

/// Variables that hold numbers. A value that is exactly one of these placeholders
/// (`"{amount}"`) becomes a JSON number so it can feed a number parameter. Text variables
/// (`{user}`, `{message}`) always stay strings, even when a viewer is called `1337`.
pub const NUMERIC_VARS: &[&str] = &["amount", "months", "viewers", "tier"];

/// Substitutes the variables into every string value (nested lists and objects too).
/// Unknown placeholders stay as written; substituted text is not scanned again, so a chat
/// message containing `{amount}` stays literal.
pub fn render(parameters: &Map, vars: &[(&str, String)]) -> Map {
    parameters
        .iter()
        .map(|(k, v)| (k.clone(), render_value(v, vars)))
        .collect()
}

/// [`render`], then fitted to the feature's parameter types: numbers meant for text become
/// text, numeric strings meant for numbers become numbers. Use it when the specs are known.
pub fn render_for(specs: &[ParamSpec], parameters: &Map, vars: &[(&str, String)]) -> Map {
    let mut out = render(parameters, vars);
    for spec in specs {
        let Some(v) = out.get_mut(spec.name) else {
            continue;
        };
        match (spec.kind, &*v) {
            (ParamType::Text, Value::Number(n)) => *v = Value::from(n.to_string()),
            (ParamType::Number | ParamType::Slider | ParamType::Media, Value::String(s)) => {
                if let Some(n) = parse_number(s) {
                    *v = num_value(n);
                }
            }
            _ => {}
        }
    }
    out
}

/// Does this binding react to an event of `kind` with this amount (bits, viewers, months,
/// gift count)?
/// `reward`: the redeemed reward's id and title (redemptions only).
pub fn binding_matches(
    b: &EventBinding,
    kind: EventKind,
    amount: u64,
    reward: Option<(&str, &str)>,
) -> bool {
    let reward_ok = match (&b.reward, reward) {
        (None, _) => true,
        (Some(want), Some((id, title))) => want == id || want.eq_ignore_ascii_case(title.trim()),
        (Some(_), None) => false,
    };
    b.enabled && b.event == kind && b.min_amount.is_none_or(|min| amount >= min) && reward_ok
}

fn render_value(v: &Value, vars: &[(&str, String)]) -> Value {
    match v {
        Value::String(s) => render_string(s, vars),
        Value::Array(items) => Value::Array(items.iter().map(|i| render_value(i, vars)).collect()),
        Value::Object(o) => Value::Object(render(o, vars)),
        other => other.clone(),
    }
}

fn render_string(s: &str, vars: &[(&str, String)]) -> Value {
    let whole = s
        .strip_prefix('{')
        .and_then(|r| r.strip_suffix('}'))
        .filter(|name| !name.contains(['{', '}']));
    if let Some(name) = whole
        && NUMERIC_VARS
            .iter()
            .any(|n| n.eq_ignore_ascii_case(name.trim()))
        && let Some(n) = lookup(vars, name)
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|n| n.is_finite())
    {
        return num_value(n);
    }
    Value::String(substitute(s, vars))
}

fn substitute(s: &str, vars: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find(['{', '}']) {
            Some(i) if after[i..].starts_with('}') => {
                let name = &after[..i];
                match lookup(vars, name) {
                    Some(v) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[i + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn lookup<'v>(vars: &'v [(&str, String)], name: &str) -> Option<&'v str> {
    let name = name.trim();
    vars.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map {
        v.as_object().cloned().unwrap_or_default()
    }

    fn vars() -> Vec<(&'static str, String)> {
        vec![
            ("user", "1337".to_string()),
            ("amount", "500".to_string()),
            ("months", "3".to_string()),
            ("message", "gg {amount} {user}".to_string()),
            ("tier", "Prime".to_string()),
        ]
    }

    #[test]
    fn substitutes_and_keeps_unknown() {
        let out = render(
            &map(json!({
                "title": "Thanks {user} for {amount} bits!",
                "odd": "{nope} {user",
                "list": ["{user}", 3],
                "nested": {"m": "{Months} months"},
                "n": 4
            })),
            &vars(),
        );
        assert_eq!(
            Value::Object(out),
            json!({
                "title": "Thanks 1337 for 500 bits!",
                "odd": "{nope} {user",
                "list": ["1337", 3],
                "nested": {"m": "3 months"},
                "n": 4
            })
        );
    }

    #[test]
    fn lone_numeric_placeholder_becomes_a_number() {
        let out = render(
            &map(
                json!({"count": "{amount}", "m": "{ months }", "who": "{user}", "tier": "{tier}"}),
            ),
            &vars(),
        );
        assert_eq!(out["count"], json!(500));
        assert_eq!(out["m"], json!(3));
        // Text variables stay text even when they look like numbers.
        assert_eq!(out["who"], json!("1337"));
        // A numeric variable whose value isn't a number stays text.
        assert_eq!(out["tier"], json!("Prime"));
    }

    #[test]
    fn substituted_text_is_not_rescanned() {
        let out = render(&map(json!({"msg": "{message}"})), &vars());
        assert_eq!(out["msg"], "gg {amount} {user}");
    }

    #[test]
    fn render_for_fits_the_types() {
        let specs = [
            ParamSpec::text("label", "Label", 50),
            ParamSpec::number("count", "Count", 0.0, 1000.0),
        ];
        let out = render_for(
            &specs,
            &map(json!({"label": "{amount}", "count": "{user}"})),
            &vars(),
        );
        assert_eq!(out["label"], json!("500"));
        assert_eq!(out["count"], json!(1337));
    }

    #[test]
    fn binding_matching() {
        let b: EventBinding = serde_json::from_value(json!({
            "id": 1, "event": "cheer", "min_amount": 100, "widget_id": 2, "feature": "f"
        }))
        .unwrap();
        assert!(binding_matches(&b, EventKind::Cheer, 100, None));
        assert!(binding_matches(&b, EventKind::Cheer, 5000, None));
        assert!(!binding_matches(&b, EventKind::Cheer, 99, None));
        assert!(!binding_matches(&b, EventKind::Raid, 500, None));
        let any = EventBinding {
            min_amount: None,
            ..b.clone()
        };
        assert!(binding_matches(&any, EventKind::Cheer, 0, None));
        let off = EventBinding {
            enabled: false,
            ..b.clone()
        };
        assert!(!binding_matches(&off, EventKind::Cheer, 1000, None));
        let song = EventBinding {
            event: EventKind::Redemption,
            min_amount: None,
            reward: Some("song request".into()),
            ..b
        };
        let redeem =
            |id, title| binding_matches(&song, EventKind::Redemption, 500, Some((id, title)));
        assert!(redeem("rw1", "Song Request"), "by title, any case");
        assert!(!redeem("rw2", "Hydrate"));
        let by_id = EventBinding {
            reward: Some("rw2".into()),
            ..song.clone()
        };
        assert!(binding_matches(
            &by_id,
            EventKind::Redemption,
            1,
            Some(("rw2", "Hydrate"))
        ));
    }
}
