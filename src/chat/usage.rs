//! The usage line and the reply a viewer gets for a malformed command.

use super::args::{ArgError, fmt_num};
use crate::widgets::params::{ParamSpec, ParamType};

/// Replies stay below this many characters (Twitch allows 500; leave room for the mention).
pub const REPLY_LIMIT: usize = 400;
/// Longest option list spelled out in a usage line before it falls back to the name.
const OPTIONS_INLINE: usize = 40;

/// `!confetti <Low|Medium|High> [color]`: required in `<>`, optional in `[]`, dropdowns
/// show their options, numbers their range, a last text parameter `...` (it takes the rest).
pub fn usage(trigger: &str, specs: &[ParamSpec]) -> String {
    let mut out = trigger.to_string();
    for (i, s) in specs.iter().enumerate() {
        let inner = describe(s, i + 1 == specs.len());
        let required = !s.optional && s.default.is_none();
        out.push(' ');
        if required {
            out.push_str(&format!("<{inner}>"));
        } else {
            out.push_str(&format!("[{inner}]"));
        }
    }
    out
}

fn describe(s: &ParamSpec, last: bool) -> String {
    let options = s.options.as_deref().unwrap_or(&[]);
    let inline = |sep: &str| {
        let joined = options.join(sep);
        (!joined.is_empty() && joined.chars().count() <= OPTIONS_INLINE).then_some(joined)
    };
    match s.kind {
        ParamType::Dropdown => inline("|").unwrap_or_else(|| s.name.to_string()),
        ParamType::Multiselect => match inline(",") {
            Some(o) => format!("{} {o}", s.name),
            None => s.name.to_string(),
        },
        ParamType::Number | ParamType::Slider => match (s.min, s.max) {
            (Some(a), Some(b)) if a < 0.0 => format!("{} {} to {}", s.name, fmt_num(a), fmt_num(b)),
            (Some(a), Some(b)) => format!("{} {}-{}", s.name, fmt_num(a), fmt_num(b)),
            (Some(a), None) => format!("{} {}+", s.name, fmt_num(a)),
            (None, Some(b)) => format!("{} up to {}", s.name, fmt_num(b)),
            (None, None) => s.name.to_string(),
        },
        ParamType::Checkbox => format!("{} yes|no", s.name),
        ParamType::Color | ParamType::Media => s.name.to_string(),
        ParamType::Text if last => format!("{}...", s.name),
        ParamType::Text => s.name.to_string(),
    }
}

/// `@Viewer usage: !confetti <Low|Medium|High> [color] (color: "purple-ish" is not a color)`,
/// always shorter than [`REPLY_LIMIT`] characters; the error wins over the usage for space.
pub fn reply_for(user_display: &str, err: &ArgError, usage: &str) -> String {
    let user = cut(user_display.trim().trim_start_matches('@'), 40);
    let head = format!("@{user} usage: ");
    let tail = format!(" ({})", cut(&err.to_string(), 200));
    let room = (REPLY_LIMIT - 1).saturating_sub(head.chars().count() + tail.chars().count());
    let reply = format!("{head}{}{tail}", cut(usage, room));
    cut(&reply, REPLY_LIMIT - 1)
}

/// At most `max` characters, ending in `…` when cut; control characters dropped.
fn cut(s: &str, max: usize) -> String {
    let clean: String = s.chars().filter(|c| !c.is_control()).collect();
    if clean.chars().count() <= max {
        return clean;
    }
    let mut out: String = clean.chars().take(max.saturating_sub(1)).collect();
    if max > 0 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn confetti() -> Vec<ParamSpec> {
        vec![
            ParamSpec::dropdown("intensity", "Intensity", &["Low", "Medium", "High"]),
            ParamSpec::color("color", "Color").default("#FF5733"),
        ]
    }

    #[test]
    fn usage_lines() {
        assert_eq!(
            usage("!confetti", &confetti()),
            "!confetti <Low|Medium|High> [color]"
        );
        let specs = [
            ParamSpec::number("amount", "Amount", 1.0, 100.0),
            ParamSpec::slider("offset", "Offset", -10.0, 10.0, 0.5).default(0),
            ParamSpec::checkbox("loud", "Loud").default(false),
            ParamSpec::multiselect("fx", "Effects", &["fire", "ice"]).optional(),
            ParamSpec::dropdown(
                "font",
                "Font",
                &["A very long option name", "Another long option name"],
            ),
            ParamSpec::text("message", "Message", 100).optional(),
        ];
        assert_eq!(
            usage("!x", &specs),
            "!x <amount 1-100> [offset -10 to 10] [loud yes|no] [fx fire,ice] <font> [message...]"
        );
        assert_eq!(usage("!stop", &[]), "!stop");
    }

    #[test]
    fn replies() {
        let err = ArgError {
            param: Some("color".into()),
            message: r#""purple-ish" is not a color"#.into(),
        };
        let u = usage("!confetti", &confetti());
        assert_eq!(
            reply_for("Viewer", &err, &u),
            r#"@Viewer usage: !confetti <Low|Medium|High> [color] (color: "purple-ish" is not a color)"#
        );
        assert!(reply_for("@Viewer", &err, &u).starts_with("@Viewer usage"));
    }

    #[test]
    fn replies_stay_short_and_keep_the_error() {
        let err = ArgError {
            param: None,
            message: "too many arguments".into(),
        };
        let long_usage = format!("!x {}", "<param> ".repeat(200));
        let r = reply_for(&"N".repeat(500), &err, &long_usage);
        assert!(r.chars().count() < REPLY_LIMIT, "{}", r.chars().count());
        assert!(r.ends_with("(too many arguments)"), "{r}");
        let err = ArgError {
            param: None,
            message: "m".repeat(1000),
        };
        assert!(reply_for("v", &err, &long_usage).chars().count() < REPLY_LIMIT);
    }
}
