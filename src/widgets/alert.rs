//! What the alert widgets share: their look (a picture, a headline, the viewer's message, a
//! sound, confetti for the big ones), templates in the spellings streamers bring from other
//! tools (`{user}`, `$user`, `%user%`), viewer text made safe for the screen (capped, blocked
//! words masked, right-to-left text isolated), variations (conditions → a bigger look) and
//! the queue controls every alert widget offers. The queue itself is the engine's.

use super::params::{MediaLibrary, ParamError};
use super::{AlertOp, ElementTemplate, NewAlert, QueueControl, set_props, set_visible};
use crate::media::MediaKind;
use crate::model::{ElementChange, ElementType, Id, Map};
use crate::props;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub const VISUAL: &str = "visual";
pub const HEADLINE: &str = "headline";
pub const MESSAGE: &str = "message";
pub const SOUND: &str = "sound";
pub const BURST: &str = "burst";

/// What every alert widget's parameters hold (each widget maps its own `Params` to this).
pub struct Look<'a> {
    pub queue: &'a str,
    pub priority: i64,
    pub duration_s: f64,
    pub headline: &'a str,
    pub message: &'a str,
    pub color: &'a str,
    pub accent: &'a str,
    pub font_size: f64,
    pub blocklist: &'a str,
    pub max_message: u64,
    pub volume: f64,
    pub variations: &'a str,
}

/// The elements of every alert widget, hidden until an alert plays. Positioned for
/// 1920×1080: the picture above centre, the headline and message below it.
pub fn elements(l: &Look) -> Vec<ElementTemplate> {
    let entrance = |t: &str| props! {"entrance": {"type": t, "duration": 0.45, "easing": "back"}, "exit": {"type": "fade", "duration": 0.4}};
    vec![
        ElementTemplate::new(
            VISUAL,
            ElementType::Image,
            props! {
                "media_roles": ["image"],
                "position": {"x": 810, "y": 150, "z_index": 20},
                "size": {"width": 300, "height": 300},
            },
        )
        .behavior(entrance("pop")),
        ElementTemplate::new(
            HEADLINE,
            ElementType::Text,
            props! {
                "text": "",
                "position": {"x": 160, "y": 470, "z_index": 21},
                // Two lines of the largest headline fit: long names wrap instead of clipping.
                "size": {"width": 1600, "height": 190},
                "font_size": l.font_size,
                "font_weight": 900,
                "color": l.color,
                "align": "center",
                "stroke": true,
                "shadow": "glow",
                "shadow_color": l.accent,
                "line_clamp": 2,
            },
        )
        .behavior(entrance("slide")),
        ElementTemplate::new(
            MESSAGE,
            ElementType::Text,
            props! {
                "text": "",
                "position": {"x": 360, "y": 670, "z_index": 21},
                "size": {"width": 1200, "height": 110},
                "font_size": (l.font_size * 0.5).round(),
                "font_weight": 600,
                "color": l.color,
                "align": "center",
                "shadow": "strong",
                "line_clamp": 3,
            },
        )
        .behavior(entrance("fade")),
        ElementTemplate::new(
            SOUND,
            ElementType::Audio,
            props! {"media_roles": ["audio"], "volume": l.volume},
        ),
        ElementTemplate::new(
            BURST,
            ElementType::Animation,
            props! {"effect": "confetti", "intensity": "High", "colors": [l.accent, l.color, "#FFD166"]},
        ),
    ]
}

/// `template` with `{name}`, `$name` and `%name%` replaced (names case-insensitive). Values
/// are inserted as they are: the overlay shows text as text, never as markup.
pub fn render(template: &str, vars: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    'scan: while let Some(i) = rest.find(['{', '$', '%']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        for (name, value) in vars {
            let n = name.len();
            let hit = match tail.as_bytes()[0] {
                b'{' => tail
                    .get(1..n + 2)
                    .is_some_and(|t| t[..n].eq_ignore_ascii_case(name) && t.ends_with('}'))
                    .then_some(n + 2),
                b'%' => tail
                    .get(1..n + 2)
                    .is_some_and(|t| t[..n].eq_ignore_ascii_case(name) && t.ends_with('%'))
                    .then_some(n + 2),
                _ => tail
                    .get(1..n + 1)
                    .is_some_and(|t| t.eq_ignore_ascii_case(name))
                    // `$username` is not `$user` followed by "name".
                    .then_some(n + 1)
                    .filter(|&len| {
                        !tail[len..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
                    }),
            };
            if let Some(len) = hit {
                out.push_str(value);
                rest = &tail[len..];
                continue 'scan;
            }
        }
        out.push_str(&tail[..1]);
        rest = &tail[1..];
    }
    out.push_str(rest);
    out
}

/// Viewer text made safe to show: control and bidi-override characters dropped, at most
/// `max` characters (with "…"), blocked words masked, and isolated (U+2068…U+2069) so a
/// right-to-left name cannot flip the sentence around it.
pub fn viewer_text(raw: &str, max: usize, blocklist: &str) -> String {
    let clean: String = raw
        .chars()
        .filter(|c| {
            !c.is_control() && !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        })
        .collect();
    let clean = clean.trim();
    let mut capped: String = clean.chars().take(max).collect();
    if clean.chars().count() > max {
        capped.push('…');
    }
    let masked = mask(&capped, blocklist);
    if masked.is_empty() {
        masked
    } else {
        format!("\u{2068}{masked}\u{2069}")
    }
}

/// Blocked words (comma or space separated, any case) replaced by asterisks, whole words only.
fn mask(text: &str, blocklist: &str) -> String {
    let words: Vec<String> = blocklist
        .split(|c: char| c == ',' || c.is_whitespace())
        .map(|w| w.trim().to_lowercase())
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if words.contains(&word.to_lowercase()) {
            out.extend(std::iter::repeat_n('*', word.chars().count()));
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_alphanumeric() || c == '\'' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// The media role a variation's picture or sound plays in for one alert: the overlay prefers
/// it over the element's own media, and the alert's hide clears it, so the streamer's own
/// picture (or pool of pictures) is never replaced.
pub const VARIATION_ROLE: &str = "variation";

/// What a variation may change.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Variation {
    pub duration_s: Option<f64>,
    pub priority: Option<i64>,
    pub confetti: bool,
    pub headline: Option<String>,
    pub message: Option<String>,
    /// Pictures (one picked at random per alert) instead of the widget's own.
    pub image: Vec<Id>,
    /// Sounds (one picked at random per alert) instead of the widget's own.
    pub sound: Vec<Id>,
}

/// The first variation whose condition holds, with its line (1-based), from the `variations`
/// parameter: one rule a line, `amount >= 100: image 12|14, sound 7, duration 12, priority 5,
/// confetti, headline "{user} is a legend!", message "{message}"`. Conditions compare a
/// number (`amount`, `months`, `tier`, `viewers`, `bits`, `count`) with `>=`, `>`, `=`, `<=`
/// or `<`. Saved rules were checked ([`check_rules`]); a line that still does not parse is
/// skipped.
pub fn variation(rules: &str, numbers: &[(&str, f64)]) -> Option<(u32, Variation)> {
    rules
        .lines()
        .enumerate()
        .find_map(|(i, line)| match parse_rule(line) {
            Ok(Some((cond, look))) if cond.holds(numbers) => Some((i as u32 + 1, look)),
            _ => None,
        })
}

/// Every rule of a `variations` parameter parses and names media of the right kind; the
/// error says which line and why.
pub fn check_rules(rules: &str, media: &dyn MediaLibrary) -> Result<(), String> {
    for (i, line) in rules.lines().enumerate() {
        let at = |why: String| format!("line {}: {why}", i + 1);
        let Some((_, v)) = parse_rule(line).map_err(at)? else {
            continue;
        };
        for (ids, want) in [(&v.image, MediaKind::Image), (&v.sound, MediaKind::Audio)] {
            for &id in ids {
                match media.media_kind(id) {
                    Some(k) if k == want => {}
                    Some(k) => {
                        return Err(at(format!(
                            "media {id} is {}, not {}",
                            k.as_str(),
                            want.as_str()
                        )));
                    }
                    None => return Err(at(format!("media {id} is not in the media library"))),
                }
            }
        }
    }
    Ok(())
}

/// [`check_rules`] for a widget's parameter save: the error names `variations`.
pub fn check(l: &Look, media: &dyn MediaLibrary) -> Result<(), ParamError> {
    check_rules(l.variations, media).map_err(|why| ParamError::new("variations", why))
}

/// The media ids in the `image` and `sound` looks of `variations` mapped through `f` (`None`
/// drops one; a look left without media goes). Lines that do not parse stay as they are.
pub fn map_media(params: &mut Map, f: &mut dyn FnMut(Id) -> Option<Id>) -> bool {
    let Some(serde_json::Value::String(rules)) = params.get("variations") else {
        return false;
    };
    let mapped: Vec<String> = rules.lines().map(|line| map_line(line, f)).collect();
    let mapped = mapped.join("\n");
    if mapped == *rules {
        return false;
    }
    params.insert("variations".into(), mapped.into());
    true
}

fn map_line(line: &str, f: &mut dyn FnMut(Id) -> Option<Id>) -> String {
    let (Ok(Some(_)), Some((cond, look))) = (parse_rule(line), line.split_once(':')) else {
        return line.to_string();
    };
    let mut parts = Vec::new();
    for part in split_outside_quotes(look) {
        let media = part
            .trim()
            .split_once(' ')
            .filter(|(k, _)| k.eq_ignore_ascii_case("image") || k.eq_ignore_ascii_case("sound"));
        match media.map(|(k, arg)| (k, media_ids(arg, k))) {
            Some((key, Ok(ids))) => {
                let ids: Vec<String> = ids
                    .into_iter()
                    .filter_map(&mut *f)
                    .map(|id| id.to_string())
                    .collect();
                if !ids.is_empty() {
                    parts.push(format!(" {key} {}", ids.join("|")));
                }
            }
            _ => parts.push(part.to_string()),
        }
    }
    format!("{cond}:{}", parts.join(","))
}

/// The variables conditions may test.
const NUMBERS: &[&str] = &["amount", "months", "tier", "viewers", "bits", "count"];

#[derive(Debug)]
struct Condition {
    name: String,
    op: &'static str,
    value: f64,
}

impl Condition {
    fn holds(&self, numbers: &[(&str, f64)]) -> bool {
        let Some((_, v)) = numbers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(&self.name))
        else {
            return false;
        };
        match self.op {
            ">=" => *v >= self.value,
            ">" => *v > self.value,
            "<=" => *v <= self.value,
            "<" => *v < self.value,
            _ => *v == self.value,
        }
    }
}

/// One rule line; `None` for blank and `#` comment lines.
fn parse_rule(line: &str) -> Result<Option<(Condition, Variation)>, String> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    let (cond, look) = line.split_once(':').ok_or("expected `condition: look`")?;
    let cond = cond.trim();
    let op = [">=", "<=", ">", "<", "="]
        .into_iter()
        .find(|op| cond.contains(op))
        .ok_or("the condition needs >=, >, =, <= or <")?;
    let (name, value) = cond.split_once(op).ok_or("bad condition")?;
    let name = name.trim().to_lowercase();
    if !NUMBERS.contains(&name.as_str()) {
        return Err(format!(
            "unknown variable '{name}' ({})",
            NUMBERS.join(", ")
        ));
    }
    let value: f64 = value
        .trim()
        .parse()
        .map_err(|_| format!("'{}' is not a number", value.trim()))?;
    let mut v = Variation::default();
    for part in split_outside_quotes(look) {
        let part = part.trim();
        let (key, arg) = part
            .split_once(' ')
            .map_or((part, ""), |(k, a)| (k, a.trim()));
        let quoted = || -> Result<String, String> {
            let text = arg
                .strip_prefix('"')
                .and_then(|a| a.strip_suffix('"'))
                .ok_or_else(|| format!("{key} needs its text in double quotes"))?;
            Ok(text.to_string())
        };
        match key.to_lowercase().as_str() {
            "" => {}
            "confetti" => v.confetti = true,
            "duration" => {
                let d: f64 = arg
                    .parse()
                    .map_err(|_| format!("duration '{arg}' is not a number of seconds"))?;
                if !(0.1..=MAX_DURATION_S).contains(&d) {
                    return Err(format!(
                        "duration {d} must be from 0.1 to {MAX_DURATION_S} seconds"
                    ));
                }
                v.duration_s = Some(d);
            }
            "priority" => {
                v.priority = Some(
                    arg.parse()
                        .map_err(|_| format!("priority '{arg}' is not a whole number"))?,
                )
            }
            "headline" => v.headline = Some(quoted()?),
            "message" => v.message = Some(quoted()?),
            "image" => v.image = media_ids(arg, "image")?,
            "sound" => v.sound = media_ids(arg, "sound")?,
            other => {
                return Err(format!(
                    "unknown look '{other}' (duration, priority, confetti, headline, message, image, sound)"
                ));
            }
        }
    }
    Ok(Some((Condition { name, op, value }, v)))
}

/// Longest variation duration: what a queue accepts for one alert.
const MAX_DURATION_S: f64 = (crate::model::alert::MAX_DURATION_MS / 1000) as f64;

/// `12|14` → media ids.
fn media_ids(arg: &str, key: &str) -> Result<Vec<Id>, String> {
    let ids = arg
        .split('|')
        .map(|id| {
            id.trim()
                .parse::<Id>()
                .map_err(|_| format!("{key} '{}' is not a media id", id.trim()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ids)
}

/// One of `ids` still in the library as `kind`, picked by the execution's seed.
fn pick(ids: &[Id], kind: MediaKind, media: &dyn MediaLibrary, rng: &mut impl Rng) -> Option<Id> {
    let live: Vec<Id> = ids
        .iter()
        .copied()
        .filter(|&id| media.media_kind(id) == Some(kind))
        .collect();
    (!live.is_empty()).then(|| live[rng.random_range(0..live.len())])
}

fn split_outside_quotes(s: &str) -> Vec<&str> {
    let (mut parts, mut start, mut quoted) = (Vec::new(), 0, false);
    for (i, c) in s.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                parts.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&s[start..]);
    parts
}

/// One event as an alert widget hands it over: its kind, a label for people, the template
/// variables and the numbers variation rules test.
pub struct Fired<'a> {
    pub kind: &'a str,
    pub label: String,
    pub vars: &'a [(&'a str, String)],
    pub numbers: &'a [(&'a str, f64)],
}

/// The alert for one event: text rendered, the variation applied (its media picked with the
/// execution's seed among those still in the library), shown and hidden by the queue.
/// `seed` also becomes the `trigger_id` that makes each alert replay its sound and effects.
pub fn alert(l: &Look, ev: Fired, seed: u64, media: &dyn MediaLibrary) -> AlertOp {
    let (rule, v) = variation(l.variations, ev.numbers).unzip();
    let v = v.unwrap_or_default();
    let headline = render(v.headline.as_deref().unwrap_or(l.headline), ev.vars);
    let message = render(v.message.as_deref().unwrap_or(l.message), ev.vars);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut visual = visible_with(VISUAL, props! {"trigger_id": seed});
    let mut sound = visible_with(SOUND, props! {"trigger_id": seed});
    if let Some(id) = pick(&v.image, MediaKind::Image, media, &mut rng) {
        visual.media.insert(VARIATION_ROLE.into(), Some(id));
    }
    if let Some(id) = pick(&v.sound, MediaKind::Audio, media, &mut rng) {
        sound.media.insert(VARIATION_ROLE.into(), Some(id));
    }
    let mut show = vec![
        visible_with(HEADLINE, props! {"text": headline}),
        sound,
        visual,
    ];
    if !message.trim().is_empty() {
        show.push(visible_with(MESSAGE, props! {"text": message}));
    }
    if v.confetti {
        show.push(visible_with(BURST, props! {"trigger_id": seed}));
    }
    let hide = [VISUAL, HEADLINE, MESSAGE, SOUND, BURST]
        .iter()
        .map(|&n| {
            let mut c = set_visible(n, false);
            if n == VISUAL || n == SOUND {
                c.media.insert(VARIATION_ROLE.into(), None);
            }
            c
        })
        .collect();
    AlertOp::Enqueue {
        queue: l.queue.to_string(),
        alert: NewAlert {
            kind: ev.kind.to_string(),
            label: ev.label,
            priority: v.priority.unwrap_or(l.priority),
            duration_ms: (v.duration_s.unwrap_or(l.duration_s) * 1000.0).round() as u64,
            show,
            hide,
            rule,
        },
    }
}

fn visible_with(name: &str, properties: Map) -> ElementChange {
    ElementChange {
        visible: Some(true),
        ..set_props(name, properties)
    }
}

/// A queue control on this widget's queue, as a feature's outcome.
pub fn queue<W: super::typed::Widget>(l: &Look, control: QueueControl) -> super::typed::Out<W> {
    super::typed::Out::none().alert(AlertOp::Control {
        queue: l.queue.to_string(),
        control,
    })
}

/// A trigger's outcome: the alert for `ev`, queued.
pub fn fire<W: super::typed::Widget>(
    l: &Look,
    ev: Fired,
    ctx: &super::typed::Ctx<W>,
) -> super::typed::Out<W> {
    super::typed::Out::none().alert(alert(l, ev, ctx.seed, ctx.media))
}

/// The restyle after a parameter edit (texts keep what the current alert says).
pub fn restyle(l: &Look) -> Vec<ElementChange> {
    vec![
        set_props(
            HEADLINE,
            props! {"font_size": l.font_size, "color": l.color, "shadow_color": l.accent},
        ),
        set_props(
            MESSAGE,
            props! {"font_size": (l.font_size * 0.5).round(), "color": l.color},
        ),
        set_props(SOUND, props! {"volume": l.volume}),
        set_props(BURST, props! {"colors": [l.accent, l.color, "#FFD166"]}),
    ]
}

/// The parameters every alert widget has, with its own defaults for the texts and colour;
/// `Params::look()` hands them to the functions above.
#[macro_export]
macro_rules! alert_params {
    (headline: $h:expr, message: $m:expr, duration: $d:expr, accent: $a:expr $(, extra { $($extra:tt)* })? $(,)?) => {
        $crate::params! {
            pub struct Params {
                $($($extra)*)?
                headline: String = text("Headline", 200)
                    .default($h)
                    .describe("{user}, {amount}, {months}, {tier}, {viewers}, {message} (also $user, %user%)."),
                message: String = text("Message line", 200)
                    .default($m)
                    .describe("Shown under the headline; empty hides it."),
                duration_s: f64 = slider("Duration (s)", 2.0, 60.0, 0.5).default($d),
                queue: String = text("Queue", 40)
                    .default("main")
                    .describe("Alerts in one queue never overlap: give sub, cheer and raid alerts the same one."),
                priority: i64 = slider("Priority", -10.0, 10.0, 1.0)
                    .default(0)
                    .describe("Higher plays first; equal ones in the order they came."),
                variations: String = text("Variations", 2000)
                    .default("")
                    .describe("One rule a line, first match wins: amount >= 100: image 12|14, sound 7, duration 12, priority 5, confetti, headline \"{user} is a legend!\", message \"{message}\""),
                color: String = color("Text color").default("#FFFFFF"),
                accent: String = color("Accent color").default($a),
                font_size: f64 = slider("Headline size (px)", 24.0, 160.0, 2.0).default(72),
                max_message: u64 = slider("Longest viewer message", 20.0, 500.0, 10.0).default(200),
                blocklist: String = text("Blocked words", 1000)
                    .default("")
                    .describe("Masked with asterisks in names and messages (comma separated)."),
                volume: f64 = slider("Sound volume", 0.0, 1.0, 0.05).default(0.8),
            }
        }

        impl Params {
            fn look(&self) -> $crate::widgets::alert::Look<'_> {
                $crate::widgets::alert::Look {
                    queue: &self.queue,
                    priority: self.priority,
                    duration_s: self.duration_s,
                    headline: &self.headline,
                    message: &self.message,
                    color: &self.color,
                    accent: &self.accent,
                    font_size: self.font_size,
                    blocklist: &self.blocklist,
                    max_message: self.max_message,
                    volume: self.volume,
                    variations: &self.variations,
                }
            }
        }
    };
}

/// An alert widget's features: its own trigger(s) plus the five queue controls.
#[macro_export]
macro_rules! alert_features {
    ($($trigger:tt)*) => {
        $crate::features! {
            pub enum Feature for Params as _p {
                $($trigger)*
                /// Alerts wait (also across restarts) until resumed.
                #[feature("pause_queue", "Pause Queue")]
                PauseQueue {},
                #[feature("resume_queue", "Resume Queue")]
                ResumeQueue {},
                /// Ends the alert on screen; the next one starts.
                #[feature("skip_current", "Skip Current")]
                SkipCurrent {},
                /// Forgets every waiting alert.
                #[feature("clear_queue", "Clear Queue")]
                ClearQueue {},
                /// Plays the last alert again, next.
                #[feature("replay_last", "Replay Last")]
                ReplayLast {},
            }
        }

    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::widgets::testing::Library;

    fn vars() -> Vec<(&'static str, String)> {
        vec![
            ("user", "PixelQueen".into()),
            ("amount", "100".into()),
            ("username", "pq".into()),
        ]
    }

    #[test]
    fn templates_take_every_spelling() {
        assert_eq!(
            render("{user} gave {AMOUNT}!", &vars()),
            "PixelQueen gave 100!"
        );
        assert_eq!(
            render("$user / %user% / $username", &vars()),
            "PixelQueen / PixelQueen / pq"
        );
        assert_eq!(
            render("100% legit $ {unknown} %", &vars()),
            "100% legit $ {unknown} %"
        );
        assert_eq!(render("{user", &vars()), "{user");
    }

    #[test]
    fn hostile_viewer_text_stays_harmless() {
        let t = viewer_text("<script>alert(1)</script>", 200, "");
        assert_eq!(
            t, "\u{2068}<script>alert(1)</script>\u{2069}",
            "kept as text, isolated"
        );
        let long = viewer_text(&"a".repeat(5000), 200, "");
        assert_eq!(long.chars().count(), 200 + 1 + 2);
        let rtl = viewer_text("\u{202E}evil\u{202C} שלום 🎉\u{0007}", 200, "");
        assert_eq!(rtl, "\u{2068}evil שלום 🎉\u{2069}");
        assert_eq!(
            viewer_text("You are a Dummy, dummy!", 200, "dummy, jerk"),
            "\u{2068}You are a *****, *****!\u{2069}"
        );
        assert_eq!(viewer_text("   ", 200, ""), "");
    }

    #[test]
    fn the_first_matching_variation_wins() {
        let rules = "# bigger for bigger\namount >= 1000: duration 15, confetti, headline \"{user} is a legend, thank you!\"\namount >= 100: duration 10, priority 3\nmonths >= 12: confetti";
        let pick = |numbers: &[(&str, f64)]| variation(rules, numbers).map(|(_, v)| v);
        let (line, big) = variation(rules, &[("amount", 1500.0)]).unwrap();
        assert_eq!(line, 2, "lines count from 1, the comment too");
        assert_eq!(big.duration_s, Some(15.0));
        assert!(big.confetti);
        assert_eq!(
            big.headline.as_deref(),
            Some("{user} is a legend, thank you!")
        );
        let mid = pick(&[("amount", 100.0)]).unwrap();
        assert_eq!(
            (mid.duration_s, mid.priority, mid.confetti),
            (Some(10.0), Some(3), false)
        );
        assert_eq!(pick(&[("amount", 5.0)]), None);
        assert!(pick(&[("months", 12.0)]).unwrap().confetti);
        assert!(parse_rule("amount >> 3: confetti").is_err());
        assert!(
            parse_rule("amount >= 3: sparkles")
                .unwrap_err()
                .contains("sparkles")
        );
        assert!(parse_rule("amount 3").is_err());
        assert!(
            parse_rule("level >= 3: confetti")
                .unwrap_err()
                .contains("level")
        );
        assert!(
            parse_rule("amount >= 3: headline hi")
                .unwrap_err()
                .contains("quotes")
        );
        assert!(parse_rule("amount >= 3: duration 9000").is_err());
        // A line that does not parse is skipped, the next one still applies.
        let (line, v) = variation(
            "amount >= 3: sparkles\namount >= 3: confetti",
            &[("amount", 5.0)],
        )
        .unwrap();
        assert_eq!((line, v.confetti), (2, true));
    }

    #[test]
    fn an_alert_shows_then_hides_everything() {
        let l = Look {
            queue: "main",
            priority: 0,
            duration_s: 6.0,
            headline: "{user} just subscribed!",
            message: "",
            color: "#FFFFFF",
            accent: "#9146FF",
            font_size: 64.0,
            blocklist: "",
            max_message: 200,
            volume: 0.8,
            variations: "amount >= 100: confetti, duration 9",
        };
        let ev = Fired {
            kind: "sub",
            label: "x".into(),
            vars: &vars(),
            numbers: &[("amount", 100.0)],
        };
        let AlertOp::Enqueue { alert, .. } = alert(&l, ev, 7, &Library::default()) else {
            panic!()
        };
        assert_eq!(alert.duration_ms, 9000);
        assert_eq!(alert.rule, Some(1));
        let names: Vec<&str> = alert.show.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            [HEADLINE, SOUND, VISUAL, BURST],
            "no message element for an empty message"
        );
        assert_eq!(
            alert.show[0].properties["text"],
            "PixelQueen just subscribed!"
        );
        assert_eq!(alert.hide.len(), 5);
        assert!(
            alert.hide.iter().filter(|c| !c.media.is_empty()).count() == 2,
            "the hide clears the variation role of the picture and the sound"
        );
    }

    fn look(variations: &str) -> Look<'_> {
        Look {
            queue: "main",
            priority: 0,
            duration_s: 6.0,
            headline: "{user}!",
            message: "{message}",
            color: "#FFFFFF",
            accent: "#9146FF",
            font_size: 64.0,
            blocklist: "",
            max_message: 200,
            volume: 0.8,
            variations,
        }
    }

    fn media_of(op: &AlertOp, element: &str) -> Option<Id> {
        let AlertOp::Enqueue { alert, .. } = op else {
            panic!()
        };
        let c = alert.show.iter().find(|c| c.name == element)?;
        c.media.get(VARIATION_ROLE).copied().flatten()
    }

    #[test]
    fn a_variation_picks_its_media_at_random_among_the_live_ones() {
        let media = Library(
            [
                (1, MediaKind::Image),
                (2, MediaKind::Image),
                (3, MediaKind::Image),
                (7, MediaKind::Audio),
            ]
            .into(),
        );
        let rules = "amount >= 100: image 1|2|3|99, sound 7, message \"big {user}\"\namount >= 10: duration 9";
        let mut seen = std::collections::BTreeMap::new();
        for seed in 0..300 {
            let ev = Fired {
                kind: "donation",
                label: "x".into(),
                vars: &vars(),
                numbers: &[("amount", 150.0)],
            };
            let op = alert(&look(rules), ev, seed, &media);
            *seen.entry(media_of(&op, VISUAL).unwrap()).or_insert(0) += 1;
            assert_eq!(media_of(&op, SOUND), Some(7));
            let AlertOp::Enqueue { alert, .. } = &op else {
                panic!()
            };
            assert_eq!(
                alert
                    .show
                    .iter()
                    .find(|c| c.name == MESSAGE)
                    .unwrap()
                    .properties["text"],
                "big PixelQueen"
            );
        }
        assert_eq!(
            seen.keys().copied().collect::<Vec<_>>(),
            [1, 2, 3],
            "99 is not in the library"
        );
        assert!(seen.values().all(|&n| n > 60), "roughly even: {seen:?}");
        let ev = Fired {
            kind: "donation",
            label: "x".into(),
            vars: &vars(),
            numbers: &[("amount", 20.0)],
        };
        let small = alert(&look(rules), ev, 1, &media);
        assert_eq!(
            (media_of(&small, VISUAL), media_of(&small, SOUND)),
            (None, None),
            "the widget's own media"
        );
    }

    #[test]
    fn media_in_rules_are_renumbered_and_dropped_with_their_files() {
        let mut p = props! {"variations": "# keep\namount >= 100: image 1|2, sound 3, headline \"a, image 9\"\nbad line image 1\namount >= 5: sound 2"};
        assert!(map_media(&mut p, &mut |id| Some(id + 10)));
        assert_eq!(
            p["variations"],
            "# keep\namount >= 100: image 11|12, sound 13, headline \"a, image 9\"\nbad line image 1\namount >= 5: sound 12"
        );
        assert!(map_media(&mut p, &mut |id| (id != 12).then_some(id)));
        assert_eq!(
            p["variations"],
            "# keep\namount >= 100: image 11, sound 13, headline \"a, image 9\"\nbad line image 1\namount >= 5:"
        );
        assert!(!map_media(&mut p, &mut Some), "nothing to change");
    }

    #[test]
    fn saved_rules_are_checked_line_by_line_with_their_media() {
        let media = Library([(1, MediaKind::Image), (7, MediaKind::Audio)].into());
        assert_eq!(
            check_rules("# big ones\namount >= 100: image 1, sound 7\n\n", &media),
            Ok(())
        );
        assert_eq!(
            check_rules("amount >= 100: confetti\namount >= 5: sparkles", &media).unwrap_err(),
            "line 2: unknown look 'sparkles' (duration, priority, confetti, headline, message, image, sound)"
        );
        assert_eq!(
            check_rules("amount >= 1: image 7", &media).unwrap_err(),
            "line 1: media 7 is audio, not image"
        );
        assert_eq!(
            check_rules("amount >= 1: sound 5", &media).unwrap_err(),
            "line 1: media 5 is not in the media library"
        );
    }
}
