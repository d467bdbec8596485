//! PollWidget: a live chat poll. The streamer starts it with a question and 2–5 options,
//! viewers vote in chat (`!vote 2`, `!vote pizza`), the bars fill live and the poll closes
//! on its own after `poll_duration` (or when the streamer ends it) showing the winner.
//!
//! Vote semantics: one vote per voter (`voter` is the chatter's platform user id, compared
//! trimmed and case-insensitively). Voting again **changes** the voter's vote; it is never
//! counted twice. Votes for unknown options, on a closed poll, or at/after `ends_at_ms`
//! (judged by `ctx.now_ms`, so late chat lines never count) are ignored: empty outcome.
//!
//! Auto close: `start_poll` schedules a follow-up that calls `end_poll` at `ends_at_ms`, so
//! the result is computed from the votes there are when it fires. The layout is a `stack`
//! the overlay lays out (timer, question, bars, result), so nothing here measures text.

use super::params::{ParamError, num_value};
use super::typed::{Ctx, Out, Widget};
use super::{ElementTemplate, set_props};
use crate::model::{ElementChange, ElementType, Map};
use crate::props;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub struct PollWidget;

const PANEL: &str = "poll_panel";
const QUESTION: &str = "poll_question_text";
const BARS: [&str; MAX_OPTIONS] = [
    "option_1_bar",
    "option_2_bar",
    "option_3_bar",
    "option_4_bar",
    "option_5_bar",
];
const TIMER: &str = "timer_text";
const RESULT: &str = "poll_result_text";
/// Follow-up key of the automatic close.
const END_KEY: &str = "end_poll";

const MAX_OPTIONS: usize = 5;
const MAX_OPTION_CHARS: usize = 40;
const DEFAULT_BAR_COLOR: &str = "#9147FF";
const TRACK_COLOR: &str = "rgba(12, 12, 20, 0.6)";
/// The panel: 600 px wide on the right of the 1920×1080 stage, 40 px from the edge.
const PANEL_W: u32 = 600;
/// Characters a bar label holds at the overlay's 22 px bold label font in `PANEL_W`.
const LABEL_MAX_CHARS: usize = 44;

crate::params! {
    pub struct Params {
        poll_duration: u64 = slider("Poll duration (s)", 10.0, 600.0, 5.0)
            .default(60)
            .describe("How long a poll stays open when auto close is on."),
        max_options: u64 = slider("Max options", 2.0, MAX_OPTIONS as f64, 1.0)
            .default(MAX_OPTIONS as u64)
            .describe("Polls with more options than this are refused."),
        auto_close: bool = checkbox("Auto close")
            .default(true)
            .describe("Close the poll and show the winner after poll_duration."),
        bar_color: String = color("Bar color").default(DEFAULT_BAR_COLOR),
    }
}

crate::features! {
    pub enum Feature for Params as _p {
        /// Replaces any running poll; votes start at zero.
        #[feature("start_poll", "Start Poll")]
        StartPoll {
            question: String = text("Question", 120),
            options: String = text("Options", 300).describe(
                "2 to max_options choices separated by commas, or by | when a choice contains a comma; each at most 40 characters, no duplicates.",
            ),
        },
        /// Ignored when the poll is closed or the option is unknown.
        #[feature("vote", "Vote")]
        Vote {
            option: String = text("Option", 40)
                .describe("The option's number (2) or its text (pizza; a unique start is enough)."),
            voter: String = text("Voter", 64)
                .describe("Who votes (the chatter's user id): one vote each, voting again changes it."),
        },
        /// Closes the poll now and shows the winner.
        #[feature("end_poll", "End Poll")]
        EndPoll {},
        /// Clears the poll and hides it.
        #[feature("reset_poll", "Reset Poll")]
        ResetPoll {},
    }
}

/// The widget state.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Poll {
    question: String,
    options: Vec<String>,
    /// Voter (trimmed, lowercased) → 0-based option index.
    votes: BTreeMap<String, usize>,
    open: bool,
    started_at_ms: Option<u64>,
    /// Unix ms after which votes are refused; `None` when auto close is off.
    ends_at_ms: Option<u64>,
}

impl Poll {
    fn accepts_votes(&self, now_ms: u64) -> bool {
        self.open && !self.options.is_empty() && self.ends_at_ms.is_none_or(|end| now_ms < end)
    }

    fn counts(&self) -> Vec<u64> {
        let mut counts = vec![0u64; self.options.len()];
        for &i in self.votes.values() {
            if let Some(c) = counts.get_mut(i) {
                *c += 1;
            }
        }
        counts
    }
}

impl Widget for PollWidget {
    const CLASS: &'static str = "PollWidget";
    const DISPLAY_NAME: &'static str = "Poll";
    const DESCRIPTION: &'static str = "Live poll results from chat: viewers vote with !vote 2 or !vote pizza, one vote each, and the bars fill as they do.";
    type Params = Params;
    type State = Poll;
    type Feature = Feature;

    fn elements(p: &Params) -> Vec<ElementTemplate> {
        // Every part is a child of the panel stack, in this order.
        let child = |name: &str, t, order: u32, mut properties: Map| {
            properties
                .extend(props! { "parent": PANEL, "order": order, "size": {"width": PANEL_W} });
            ElementTemplate::new(name, t, properties).behavior(props! {
                "entrance": {"type": "slide", "duration": 0.4},
                "exit": {"type": "fade", "duration": 0.3},
            })
        };
        let text = |size: u32, align: &str| {
            props! { "text": "", "font_size": size, "color": "#FFFFFF", "align": align, "stroke": true }
        };
        let mut els = vec![
            ElementTemplate::new(
                PANEL,
                ElementType::Stack,
                props! {
                    "direction": "vertical",
                    "gap": 14,
                    "align": "start",
                    "position": {"x": 1280, "y": 150, "z_index": 5},
                    "size": {"width": PANEL_W},
                },
            )
            .visible(true),
            child(
                TIMER,
                ElementType::Timer,
                0,
                props! {
                    "mode": "countdown",
                    "duration_s": p.poll_duration,
                    "font_size": 34,
                    "color": "#FFFFFF",
                    "align": "right",
                },
            ),
            child(QUESTION, ElementType::Text, 1, text(34, "left")),
        ];
        for (i, name) in BARS.into_iter().enumerate() {
            els.push(child(name, ElementType::Image, 2 + i as u32, props! {
                "media_roles": ["image"],
                "progress": {"percent": 0, "color": p.bar_color, "track_color": TRACK_COLOR, "label": ""},
                "size": {"width": PANEL_W, "height": 46},
            }));
        }
        els.push(
            child(RESULT, ElementType::Text, 9, text(38, "center")).behavior(props! {
                "entrance": {"type": "pop", "duration": 0.5},
                "exit": {"type": "fade", "duration": 0.4},
            }),
        );
        els
    }

    fn check(feature: &Feature, ctx: &Ctx<Self>) -> Result<(), ParamError> {
        if let Feature::StartPoll { question, options } = feature {
            if question.trim().is_empty() {
                return Err(ParamError {
                    field: "question".into(),
                    message: "parameter 'question' must not be blank".into(),
                });
            }
            parse_options(options, max_options(ctx.params))?;
        }
        Ok(())
    }

    fn run(feature: Feature, ctx: &Ctx<Self>) -> Out<Self> {
        let poll = ctx.state.clone();
        match feature {
            Feature::StartPoll { question, options } => start_poll(&question, &options, ctx),
            Feature::Vote { option, voter } => vote(poll, &option, &voter, ctx),
            Feature::EndPoll {} => end_poll(poll, ctx),
            Feature::ResetPoll {} => reset_poll(ctx.params),
        }
    }

    /// Restyles the bars (bar color) with the current counts; visibility stays as it is.
    /// Duration, max options and auto close apply from the next poll on.
    fn parameters_changed(ctx: &Ctx<Self>) -> Out<Self> {
        let changes = bar_changes(ctx.params, ctx.state)
            .into_iter()
            .map(|mut c| {
                c.visible = None;
                c
            })
            .collect();
        Out::changes(changes)
    }
}

/// Splits, trims and checks `options`: separated by `|` if there is one (so choices may
/// contain commas), else by commas; empty entries (`a,,b`, a trailing comma) are skipped.
pub fn parse_options(raw: &str, max_options: usize) -> Result<Vec<String>, ParamError> {
    let err = |message: String| ParamError {
        field: "options".into(),
        message: format!("parameter 'options' {message}"),
    };
    let sep = if raw.contains('|') { '|' } else { ',' };
    let options: Vec<String> = raw
        .split(sep)
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .map(str::to_string)
        .collect();
    if let Some(long) = options
        .iter()
        .find(|o| o.chars().count() > MAX_OPTION_CHARS)
    {
        return Err(err(format!(
            "has a choice that is too long: \"{long}\" has {} characters, at most {MAX_OPTION_CHARS} allowed",
            long.chars().count()
        )));
    }
    if options.len() < 2 {
        return Err(err(format!(
            "needs at least 2 choices separated by commas or |, got {}",
            options.len()
        )));
    }
    if options.len() > max_options {
        return Err(err(format!(
            "allows at most {max_options} choices (max_options), got {}",
            options.len()
        )));
    }
    for (i, o) in options.iter().enumerate() {
        if options[..i]
            .iter()
            .any(|p| p.to_lowercase() == o.to_lowercase())
        {
            return Err(err(format!("lists \"{o}\" twice")));
        }
    }
    Ok(options)
}

/// The option a vote means: exact text (ignoring case) first, so a poll of years or
/// numbers works as shown; then a 1-based number (`2`, `#2`); then a unique prefix.
fn match_vote(options: &[String], raw: &str) -> Option<usize> {
    let s = raw.trim().to_lowercase();
    if s.is_empty() {
        return None;
    }
    let lower: Vec<String> = options.iter().map(|o| o.to_lowercase()).collect();
    if let Some(i) = lower.iter().position(|o| *o == s) {
        return Some(i);
    }
    if let Ok(n) = s.strip_prefix('#').unwrap_or(&s).parse::<usize>()
        && (1..=options.len()).contains(&n)
    {
        return Some(n - 1);
    }
    let mut prefixed = lower.iter().enumerate().filter(|(_, o)| o.starts_with(&s));
    match (prefixed.next(), prefixed.next()) {
        (Some((i, _)), None) => Some(i),
        _ => None,
    }
}

fn max_options(p: &Params) -> usize {
    (p.max_options as usize).clamp(2, MAX_OPTIONS)
}

fn start_poll(question: &str, options: &str, ctx: &Ctx<PollWidget>) -> Out<PollWidget> {
    let p = ctx.params;
    let question = question.trim();
    let Ok(options) = parse_options(options, max_options(p)) else {
        return Out::none();
    };
    let duration_ms = p.poll_duration * 1000;
    let poll = Poll {
        question: question.to_string(),
        options,
        votes: BTreeMap::new(),
        open: true,
        started_at_ms: Some(ctx.now_ms),
        ends_at_ms: p.auto_close.then(|| ctx.now_ms + duration_ms),
    };
    let font = if question.chars().count() <= 60 {
        34
    } else {
        28
    };
    let mut changes = vec![ElementChange {
        name: QUESTION.into(),
        visible: Some(true),
        properties: props! { "text": poll.question, "font_size": font },
        ..Default::default()
    }];
    changes.extend(bar_changes(p, &poll));
    changes.push(ElementChange {
        name: TIMER.into(),
        visible: Some(true),
        // Without auto close there is no end to count down to: show how long it has run.
        properties: props! {
            "mode": if p.auto_close { "countdown" } else { "countup" },
            "started_at_ms": ctx.now_ms,
            "duration_s": if p.auto_close { p.poll_duration } else { 0 },
            "paused_at_ms": null,
        },
        ..Default::default()
    });
    changes.push(ElementChange {
        name: RESULT.into(),
        visible: Some(false),
        properties: props! { "text": "" },
        ..Default::default()
    });
    let out = Out::changes(changes).state(poll);
    if p.auto_close {
        out.call_after(END_KEY, duration_ms, Feature::EndPoll {})
    } else {
        // The previous poll's automatic close must not end this one.
        out.cancel(END_KEY)
    }
}

fn vote(mut poll: Poll, option: &str, voter: &str, ctx: &Ctx<PollWidget>) -> Out<PollWidget> {
    if !poll.accepts_votes(ctx.now_ms) {
        return Out::none();
    }
    let voter = voter.trim().to_lowercase();
    let Some(choice) = match_vote(&poll.options, option) else {
        return Out::none();
    };
    if voter.is_empty() || poll.votes.get(&voter) == Some(&choice) {
        return Out::none();
    }
    poll.votes.insert(voter, choice);
    Out::changes(bar_changes(ctx.params, &poll)).state(poll)
}

fn end_poll(mut poll: Poll, ctx: &Ctx<PollWidget>) -> Out<PollWidget> {
    if poll.options.is_empty() {
        return Out::none();
    }
    // Frozen where it stands; an already finished countdown stays at zero either way.
    let paused_at = poll
        .ends_at_ms
        .map_or(ctx.now_ms, |end| end.min(ctx.now_ms));
    poll.open = false;
    let mut changes = bar_changes(ctx.params, &poll);
    changes.push(ElementChange {
        name: TIMER.into(),
        visible: Some(false),
        properties: props! { "paused_at_ms": paused_at },
        ..Default::default()
    });
    changes.push(ElementChange {
        name: RESULT.into(),
        visible: Some(true),
        properties: props! { "text": result_text(&poll) },
        ..Default::default()
    });
    Out::changes(changes).state(poll).cancel(END_KEY)
}

fn reset_poll(p: &Params) -> Out<PollWidget> {
    let mut changes = vec![ElementChange {
        name: QUESTION.into(),
        visible: Some(false),
        properties: props! { "text": "" },
        ..Default::default()
    }];
    // Hidden, empty bars that keep their color, so nothing stale flashes on the next show.
    changes.extend(bar_changes(p, &Poll::default()));
    changes.push(ElementChange {
        name: TIMER.into(),
        visible: Some(false),
        properties: props! { "started_at_ms": null, "paused_at_ms": null },
        ..Default::default()
    });
    changes.push(ElementChange {
        name: RESULT.into(),
        visible: Some(false),
        properties: props! { "text": "" },
        ..Default::default()
    });
    Out::changes(changes).state(Poll::default()).cancel(END_KEY)
}

/// "Pizza wins!", "Tie: Pizza / Tacos", or "Poll closed — no votes".
fn result_text(poll: &Poll) -> String {
    let counts = poll.counts();
    let best = counts.iter().copied().max().unwrap_or(0);
    if best == 0 {
        return "Poll closed — no votes".into();
    }
    let winners: Vec<&str> = poll
        .options
        .iter()
        .zip(&counts)
        .filter(|(_, c)| **c == best)
        .map(|(o, _)| o.as_str())
        .collect();
    match winners.as_slice() {
        [one] => format!("{one} wins!"),
        many => format!("Tie: {}", many.join(" / ")),
    }
}

/// All five bars: the poll's options with fill and label, the unused ones hidden.
fn bar_changes(p: &Params, poll: &Poll) -> Vec<ElementChange> {
    let counts = poll.counts();
    let total: u64 = counts.iter().sum();
    BARS.iter()
        .enumerate()
        .map(|(i, name)| {
            let Some(option) = poll.options.get(i) else {
                let mut c = set_props(name, props! {
                    "progress": {"percent": 0, "color": p.bar_color, "track_color": TRACK_COLOR, "label": ""},
                });
                c.visible = Some(false);
                return c;
            };
            let count = counts[i];
            let percent = if total == 0 {
                0.0
            } else {
                (count as f64 / total as f64 * 1000.0).round() / 10.0
            };
            ElementChange {
                name: name.to_string(),
                visible: Some(true),
                properties: props! {
                    "progress": {
                        "percent": num_value(percent),
                        "color": p.bar_color,
                        "track_color": TRACK_COLOR,
                        "label": bar_label(i, option, count, percent),
                    },
                    "votes": count,
                },
                ..Default::default()
            }
        })
        .collect()
}

/// `1. Pizza — 3 votes (60%)`; a long option is shortened with … so the label fits the bar.
fn bar_label(i: usize, option: &str, count: u64, percent: f64) -> String {
    let noun = if count == 1 { "vote" } else { "votes" };
    let suffix = format!(" — {count} {noun} ({}%)", percent.round() as u64);
    let prefix = format!("{}. ", i + 1);
    let room = LABEL_MAX_CHARS.saturating_sub(prefix.chars().count() + suffix.chars().count());
    let name = if option.chars().count() > room {
        let cut: String = option.chars().take(room.saturating_sub(1)).collect();
        format!("{}…", cut.trim_end())
    } else {
        option.to_string()
    };
    format!("{prefix}{name}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::widgets::testing::Harness;
    use crate::widgets::{FeatureError, FollowUpAction, Outcome};
    use serde_json::{Value, json};

    fn started(params: Value) -> Harness {
        let mut h = Harness::new("PollWidget", params);
        h.run(
            "start_poll",
            json!({"question": "What's for dinner?", "options": "Pizza, Tacos, Sushi"}),
        )
        .unwrap();
        h
    }

    fn percent(h: &Harness, bar: &str) -> Value {
        h.el(bar).properties["progress"]["percent"].clone()
    }

    fn label(h: &Harness, bar: &str) -> String {
        h.el(bar).properties["progress"]["label"]
            .as_str()
            .unwrap()
            .to_string()
    }

    #[test]
    fn starts_hidden_and_start_poll_shows_question_bars_and_timer() {
        let mut h = Harness::new("PollWidget", json!({"poll_duration": 90}));
        assert!(
            h.elements.iter().all(|e| !e.visible || e.name == PANEL),
            "hidden until a poll starts"
        );
        let out = h
            .run(
                "start_poll",
                json!({"question": " Dinner? ", "options": "Pizza | Tacos, al pastor"}),
            )
            .unwrap();
        assert!(h.el(QUESTION).visible);
        assert_eq!(h.el(QUESTION).properties["text"], "Dinner?");
        assert!(h.el(BARS[0]).visible && h.el(BARS[1]).visible);
        assert!(BARS[2..].iter().all(|b| !h.el(b).visible));
        assert_eq!(percent(&h, BARS[0]), 0);
        assert_eq!(label(&h, BARS[1]), "2. Tacos, al pastor — 0 votes (0%)");
        assert_eq!(
            h.el(BARS[0]).properties["progress"]["color"],
            DEFAULT_BAR_COLOR
        );
        let timer = h.el(TIMER);
        assert!(timer.visible);
        assert_eq!(timer.properties["mode"], "countdown");
        assert_eq!(timer.properties["started_at_ms"], 1_000_000);
        assert_eq!(timer.properties["duration_s"], 90);
        assert!(!h.el(RESULT).visible);
        assert_eq!(h.state["open"], true);
        assert_eq!(h.state["ends_at_ms"], 1_090_000);
        assert_eq!(h.state["options"], json!(["Pizza", "Tacos, al pastor"]));

        assert_eq!(out.follow_ups.len(), 1);
        let f = &out.follow_ups[0];
        assert_eq!((f.key.as_str(), f.after_ms), (END_KEY, 90_000));
        assert!(
            matches!(&f.action, FollowUpAction::Call(c) if c.feature == "end_poll"),
            "the close calls end_poll: {f:?}"
        );
        h.fire(END_KEY).unwrap();
        assert!(h.el(RESULT).visible);
        assert_eq!(h.el(RESULT).properties["text"], "Poll closed — no votes");
        assert!(!h.el(TIMER).visible);
        assert_eq!(h.el(TIMER).properties["paused_at_ms"], 1_090_000);
    }

    #[test]
    fn one_vote_per_voter_and_voting_again_changes_it() {
        let mut h = started(json!({}));
        h.run("vote", json!({"option": "1", "voter": "alice"}))
            .unwrap();
        h.run("vote", json!({"option": "pizza", "voter": "bob"}))
            .unwrap();
        h.run("vote", json!({"option": "Tacos", "voter": "carol"}))
            .unwrap();
        assert_eq!(percent(&h, BARS[0]), 66.7);
        assert_eq!(label(&h, BARS[0]), "1. Pizza — 2 votes (67%)");
        assert_eq!(label(&h, BARS[1]), "2. Tacos — 1 vote (33%)");

        // Bob votes again (as "BOB "): his vote moves, he is not counted twice.
        let out = h
            .run("vote", json!({"option": "#3", "voter": " BOB"}))
            .unwrap();
        assert_eq!(label(&h, BARS[0]), "1. Pizza — 1 vote (33%)");
        assert_eq!(label(&h, BARS[2]), "3. Sushi — 1 vote (33%)");
        assert_eq!(h.state["votes"].as_object().unwrap().len(), 3);
        assert!(out.follow_ups.is_empty(), "a vote never touches the close");
        // The automatic close counts the votes there are when it fires.
        h.fire(END_KEY).unwrap();
        assert_eq!(
            h.el(RESULT).properties["text"],
            "Tie: Pizza / Tacos / Sushi"
        );
        let mut h = started(json!({}));
        h.run("vote", json!({"option": "sushi", "voter": "bob"}))
            .unwrap();

        // The same vote again changes nothing.
        let out = h
            .run("vote", json!({"option": "sushi", "voter": "bob"}))
            .unwrap();
        assert_eq!(out, Outcome::default());
    }

    #[test]
    fn votes_match_by_number_text_and_unique_prefix() {
        let opts = |o: &[&str]| o.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let o = opts(&["Pizza", "Pasta", "Sushi"]);
        assert_eq!(match_vote(&o, "2"), Some(1));
        assert_eq!(match_vote(&o, " #3 "), Some(2));
        assert_eq!(match_vote(&o, "SUSHI"), Some(2));
        assert_eq!(match_vote(&o, "su"), Some(2));
        assert_eq!(match_vote(&o, "p"), None, "ambiguous prefix");
        assert_eq!(match_vote(&o, "4"), None);
        assert_eq!(match_vote(&o, "0"), None);
        assert_eq!(match_vote(&o, "burger"), None);
        assert_eq!(match_vote(&o, ""), None);
        // Exact text wins over position, so a poll of numbers votes as shown.
        let years = opts(&["3", "2", "1"]);
        assert_eq!(match_vote(&years, "1"), Some(2));
        let decades = opts(&["1990s", "2000s"]);
        assert_eq!(match_vote(&decades, "2"), Some(1));
        assert_eq!(match_vote(&decades, "199"), Some(0));
    }

    #[test]
    fn unknown_options_and_closed_polls_ignore_votes() {
        let mut h = Harness::new("PollWidget", json!({}));
        let out = h.run("vote", json!({"option": "1", "voter": "a"})).unwrap();
        assert_eq!(out, Outcome::default(), "no poll yet");

        let mut h = started(json!({}));
        let out = h
            .run("vote", json!({"option": "burger", "voter": "a"}))
            .unwrap();
        assert_eq!(out, Outcome::default());
        let out = h.run("vote", json!({"option": "9", "voter": "a"})).unwrap();
        assert_eq!(out, Outcome::default());
        let out = h
            .run("vote", json!({"option": "1", "voter": "  "}))
            .unwrap();
        assert_eq!(out, Outcome::default());
        assert!(
            h.run("vote", json!({"option": "1"})).is_err(),
            "voter required"
        );

        h.run("end_poll", json!({})).unwrap();
        let out = h.run("vote", json!({"option": "1", "voter": "a"})).unwrap();
        assert_eq!(out, Outcome::default(), "closed");
        assert_eq!(label(&h, BARS[0]), "1. Pizza — 0 votes (0%)");
    }

    #[test]
    fn late_votes_after_ends_at_are_ignored() {
        let mut h = started(json!({"poll_duration": 30}));
        h.now_ms += 29_999;
        h.run("vote", json!({"option": "2", "voter": "early"}))
            .unwrap();
        h.now_ms += 1; // exactly ends_at_ms: closed
        let out = h
            .run("vote", json!({"option": "1", "voter": "late"}))
            .unwrap();
        assert_eq!(out, Outcome::default());
        h.now_ms += 60_000;
        let out = h
            .run("vote", json!({"option": "1", "voter": "later"}))
            .unwrap();
        assert_eq!(out, Outcome::default());
        assert_eq!(label(&h, BARS[0]), "1. Pizza — 0 votes (0%)");
        assert_eq!(label(&h, BARS[1]), "2. Tacos — 1 vote (100%)");
    }

    #[test]
    fn without_auto_close_the_poll_stays_open_and_counts_up() {
        let mut h = Harness::new("PollWidget", json!({"auto_close": false}));
        let out = h
            .run("start_poll", json!({"question": "Q?", "options": "a,b"}))
            .unwrap();
        assert!(out.follow_ups.is_empty());
        assert_eq!(
            out.cancel,
            vec![END_KEY],
            "an earlier poll's close is dropped"
        );
        assert_eq!(h.el(TIMER).properties["mode"], "countup");
        assert!(h.state.get("ends_at_ms").is_none());
        h.now_ms += 10_000_000;
        let out = h.run("vote", json!({"option": "b", "voter": "x"})).unwrap();
        assert!(out.follow_ups.is_empty());
        assert_eq!(label(&h, BARS[1]), "2. b — 1 vote (100%)");
    }

    #[test]
    fn end_poll_shows_the_winner_or_the_tie() {
        let mut h = started(json!({}));
        for (voter, option) in [("a", "1"), ("b", "2"), ("c", "pizza")] {
            h.run("vote", json!({"option": option, "voter": voter}))
                .unwrap();
        }
        h.now_ms += 5_000;
        let out = h.run("end_poll", json!({})).unwrap();
        assert_eq!(out.cancel, vec![END_KEY]);
        assert!(out.follow_ups.is_empty());
        assert!(h.el(RESULT).visible);
        assert_eq!(h.el(RESULT).properties["text"], "Pizza wins!");
        assert!(!h.el(TIMER).visible);
        assert_eq!(h.el(TIMER).properties["paused_at_ms"], 1_005_000);
        assert!(h.el(BARS[0]).visible, "final bars stay up");
        assert_eq!(h.state["open"], false);

        let mut h = started(json!({}));
        h.run("vote", json!({"option": "tacos", "voter": "a"}))
            .unwrap();
        h.run("vote", json!({"option": "sushi", "voter": "b"}))
            .unwrap();
        h.run("end_poll", json!({})).unwrap();
        assert_eq!(h.el(RESULT).properties["text"], "Tie: Tacos / Sushi");

        let mut h = started(json!({}));
        h.run("end_poll", json!({})).unwrap();
        assert_eq!(h.el(RESULT).properties["text"], "Poll closed — no votes");

        let mut h = Harness::new("PollWidget", json!({}));
        assert_eq!(h.run("end_poll", json!({})).unwrap(), Outcome::default());
    }

    #[test]
    fn a_new_poll_replaces_the_old_one() {
        let mut h = started(json!({}));
        h.run("vote", json!({"option": "1", "voter": "a"})).unwrap();
        h.now_ms += 20_000;
        let out = h
            .run(
                "start_poll",
                json!({"question": "Best?", "options": "x|y|z|w"}),
            )
            .unwrap();
        assert_eq!(
            out.follow_ups[0].key, END_KEY,
            "same key replaces the old close"
        );
        assert_eq!(out.follow_ups[0].after_ms, 60_000);
        assert_eq!(h.pending.len(), 1);
        assert_eq!(h.state["votes"], json!({}));
        assert_eq!(label(&h, BARS[0]), "1. x — 0 votes (0%)");
        assert!(h.el(BARS[3]).visible && !h.el(BARS[4]).visible);
    }

    #[test]
    fn reset_hides_everything_and_clears_state() {
        let mut h = started(json!({}));
        h.run("vote", json!({"option": "1", "voter": "a"})).unwrap();
        h.run("end_poll", json!({})).unwrap();
        let out = h.run("reset_poll", json!({})).unwrap();
        assert_eq!(out.cancel, vec![END_KEY]);
        assert!(h.elements.iter().all(|e| !e.visible || e.name == PANEL));
        assert_eq!(h.state, h.widget.initial_state(&h.params).unwrap());
        assert_eq!(percent(&h, BARS[0]), 0);
        assert_eq!(
            h.el(BARS[0]).properties["progress"]["color"],
            DEFAULT_BAR_COLOR,
            "reset keeps the bar color"
        );
        let out = h.run("vote", json!({"option": "1", "voter": "b"})).unwrap();
        assert_eq!(out, Outcome::default());
    }

    #[test]
    fn option_validation() {
        assert_eq!(
            parse_options(" a , b ,, c, ", 5).unwrap(),
            vec!["a", "b", "c"]
        );
        assert_eq!(parse_options("1,5 | 2,5", 5).unwrap(), vec!["1,5", "2,5"]);
        let e = parse_options("only one", 5).unwrap_err();
        assert_eq!(e.field, "options");
        assert!(e.message.contains("at least 2"), "{}", e.message);
        let e = parse_options("a,b,c,d", 3).unwrap_err();
        assert!(e.message.contains("at most 3"), "{}", e.message);
        let e = parse_options("Pizza, tacos, PIZZA", 5).unwrap_err();
        assert!(e.message.contains("\"PIZZA\" twice"), "{}", e.message);
        let long = "x".repeat(41);
        let e = parse_options(&format!("a, {long}"), 5).unwrap_err();
        assert!(e.message.contains("at most 40"), "{}", e.message);
        assert!(parse_options(&format!("a, {}", "x".repeat(40)), 5).is_ok());

        // Through the feature: spec errors name the parameter; semantic ones change nothing.
        let mut h = started(json!({"max_options": 3}));
        let e = h
            .run(
                "start_poll",
                json!({"question": "Q", "options": "x".repeat(301)}),
            )
            .unwrap_err();
        assert!(matches!(e, FeatureError::Param(ref p) if p.field == "options"));
        let e = h.run("start_poll", json!({"options": "a,b"})).unwrap_err();
        assert!(matches!(e, FeatureError::Param(ref p) if p.field == "question"));
        let e = h
            .run(
                "start_poll",
                json!({"question": "x".repeat(121), "options": "a,b"}),
            )
            .unwrap_err();
        assert!(matches!(e, FeatureError::Param(ref p) if p.field == "question"));
        // Semantic checks (the widget's `check`) are errors naming the parameter too, and
        // leave the running poll untouched.
        let before = h.state.clone();
        for (bad, field) in [
            (json!({"question": "Q", "options": "a,b,c,d"}), "options"),
            (json!({"question": "Q", "options": "a"}), "options"),
            (json!({"question": "Q", "options": "a, A"}), "options"),
            (json!({"question": "   ", "options": "a, b"}), "question"),
        ] {
            let e = h.run("start_poll", bad.clone()).unwrap_err();
            assert!(
                matches!(e, FeatureError::Param(ref p) if p.field == field),
                "{bad}: {e}"
            );
        }
        assert_eq!(h.state, before, "the running poll is untouched");
    }

    #[test]
    fn bar_color_changes_restyle_the_bars() {
        let mut h = started(json!({}));
        h.run("vote", json!({"option": "1", "voter": "a"})).unwrap();
        let out = h.set_params(json!({"bar_color": "#00FF00"})).unwrap();
        assert!(out.changes.iter().all(|c| c.visible.is_none()));
        for b in BARS {
            assert_eq!(h.el(b).properties["progress"]["color"], "#00FF00");
        }
        assert_eq!(percent(&h, BARS[0]), 100);
        assert!(!h.el(BARS[4]).visible);
    }

    #[test]
    fn labels_fit_the_bar() {
        let l = bar_label(0, &"x".repeat(40), 1234, 99.6);
        assert_eq!(l.chars().count(), LABEL_MAX_CHARS, "{l}");
        assert!(l.ends_with("… — 1234 votes (100%)"), "{l}");
    }
}
