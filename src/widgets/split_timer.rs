//! SplitTimerWidget: a speedrun timer with splits. Each split shows its time and the delta
//! against the best completed run, gold when the segment beats the best segment ever. The
//! clock is a `timer` element counting up from a stored start, never ticked by the server; the
//! bests live in the widget's state, so they survive restarts.

use super::look::{self, Font};
use super::params::{ParamError, num_value};
use super::typed::{Ctx, Out, Widget};
use super::{ElementTemplate, set_props};
use crate::model::{ElementChange, ElementType, Map};
use crate::props;
use serde_json::Value;

pub struct SplitTimerWidget;

const PANEL: &str = "panel";
const TITLE: &str = "title_text";
const CLOCK: &str = "clock";
const MAX_SPLITS: usize = 20;
/// The panel's top-left corner and width on the 1920×1080 stage (top right).
const X: f64 = 1460.0;
const Y: f64 = 40.0;
const W: f64 = 420.0;

crate::params! {
    pub struct Params {
        splits: String = text("Splits", 1000)
            .default("Tutorial, Forest Temple, Water Temple, Castle, Final Boss")
            .describe("Split names, separated by commas or one per line (1 to 20). Changing how many there are starts the bests afresh."),
        title: String = text("Title", 60).default("Any%"),
        text_color: String = color("Text color").default("#FFFFFF"),
        current_color: String = color("Current split color").default("#9147FF"),
        ahead_color: String = color("Ahead color").default("#4ADE80"),
        behind_color: String = color("Behind color").default("#F87171"),
        gold_color: String = color("Gold split color").default("#FFC83D"),
        panel_color: String = color("Panel color").default("#101018"),
        panel_opacity: f64 = slider("Panel opacity", 0.0, 1.0, 0.05).default(0.85),
        font: Font = choice::<Font>("Font").default("Sans"),
        font_size: f64 = slider("Font size (px)", 16.0, 40.0, 1.0).default(24),
    }
}

crate::features! {
    pub enum Feature for Params as _p {
        /// Starts a new run at 0:00 (a run in progress is closed first, keeping its gold splits).
        #[feature("start_splits", "Start Run")]
        Start {},
        /// Ends the current split (starts the run when none is running).
        #[feature("next_split", "Split")]
        Next {},
        /// Takes the last split back; the run continues as if it had not been pressed.
        #[feature("undo_split", "Undo Split")]
        Undo {},
        /// Passes the current split without a time (not the last one).
        #[feature("skip_split", "Skip Split")]
        Skip {},
        /// Stops and clears the run; a completed run faster than the best becomes the best.
        #[feature("reset_splits", "Reset")]
        Reset {},
    }
}

#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct State {
    started_at_ms: Option<u64>,
    /// This run's split times (ms since the start; `None` = skipped), in split order.
    times: Vec<Option<u64>>,
    /// The best completed run's split times (empty until a run is completed).
    best_run: Vec<Option<u64>>,
    /// The best time ever of each segment (split i's time minus split i-1's).
    best_segments: Vec<Option<u64>>,
}

/// The split names (at least one, so a cleared field still gives a working timer).
fn names(p: &Params) -> Vec<String> {
    let n = look::list(&p.splits, MAX_SPLITS);
    if n.is_empty() {
        vec!["Finish".into()]
    } else {
        n
    }
}

/// How long split `i` took, when it and the split before it have times.
fn segment(times: &[Option<u64>], i: usize) -> Option<u64> {
    let end = (*times.get(i)?)?;
    let start = if i == 0 { 0 } else { (*times.get(i - 1)?)? };
    Some(end.saturating_sub(start))
}

impl State {
    fn finished(&self, n: usize) -> bool {
        self.started_at_ms.is_some() && self.times.len() >= n
    }
    fn gold(&self, i: usize) -> bool {
        let best = self.best_segments.get(i).copied().flatten();
        matches!((segment(&self.times, i), best), (Some(s), Some(b)) if s < b)
    }
    /// This run against the best run at split `i` (ms; negative = ahead).
    fn delta(&self, i: usize) -> Option<i64> {
        let t = self.times.get(i).copied().flatten()?;
        let b = self.best_run.get(i).copied().flatten()?;
        Some(t as i64 - b as i64)
    }
    /// Ends the run: its faster segments become the best ones, and a completed run faster
    /// than the best run becomes the best run.
    fn close(mut self, n: usize) -> State {
        self.best_segments.resize(n, None);
        for i in 0..self.times.len().min(n) {
            if let Some(s) = segment(&self.times, i)
                && self.best_segments[i].is_none_or(|b| s < b)
            {
                self.best_segments[i] = Some(s);
            }
        }
        let total = |t: &[Option<u64>]| t.get(n - 1).copied().flatten();
        if self.times.len() == n
            && let Some(t) = total(&self.times)
            && total(&self.best_run).is_none_or(|b| t < b)
        {
            self.best_run = self.times.clone();
        }
        State {
            started_at_ms: None,
            times: Vec::new(),
            ..self
        }
    }
}

/// `1:23.4`, `1:02:03.4`; with a sign for deltas (`+1.2`, `−12.0`).
fn fmt_time(ms: u64) -> String {
    let (tenths, s) = ((ms % 1000) / 100, ms / 1000);
    let (h, m, s) = (s / 3600, (s % 3600) / 60, s % 60);
    match (h, m) {
        (0, 0) => format!("{s}.{tenths}"),
        (0, _) => format!("{m}:{s:02}.{tenths}"),
        _ => format!("{h}:{m:02}:{s:02}.{tenths}"),
    }
}

fn fmt_delta(ms: i64) -> String {
    let sign = if ms < 0 { "\u{2212}" } else { "+" };
    format!("{sign}{}", fmt_time(ms.unsigned_abs()))
}

/// Split `i`'s time cell: this run's time (gold when a gold segment), else the best run's.
fn time_cell(p: &Params, s: &State, i: usize) -> (String, String) {
    let dash = || "\u{2014}".to_string();
    match s.times.get(i) {
        Some(Some(t)) if s.gold(i) => (fmt_time(*t), p.gold_color.clone()),
        Some(t) => (t.map_or_else(dash, fmt_time), p.text_color.clone()),
        None => {
            let best = s.best_run.get(i).copied().flatten();
            (
                best.map_or_else(dash, fmt_time),
                look::rgba(&p.text_color, 0.55),
            )
        }
    }
}

/// Split `i`'s delta cell: ahead, behind or gold.
fn delta_cell<'a>(p: &'a Params, s: &State, i: usize) -> (String, &'a str) {
    match s.delta(i) {
        Some(d) if s.gold(i) => (fmt_delta(d), &p.gold_color),
        Some(d) if d <= 0 => (fmt_delta(d), &p.ahead_color),
        Some(d) => (fmt_delta(d), &p.behind_color),
        None => (String::new(), &p.text_color),
    }
}

/// Every element's look and text for the state: what `run` sends and templates start as.
fn render(p: &Params, s: &State) -> Vec<ElementChange> {
    let names = names(p);
    let (n, fs) = (names.len(), p.font_size);
    let rh = (fs * 1.7).round();
    let line = look::Line::new(p.font, fs, &p.text_color);
    let (x, w, top) = (X + 16.0, W - 32.0, Y + 24.0 + fs * 2.2);
    let title = line.clone().size(fs * 1.25).weight(900).align("center");
    let mut out = vec![set_props(
        TITLE,
        title.at(&p.title, [x, Y + 16.0, w, rh], 7),
    )];
    let current = s.started_at_ms.is_some().then_some(s.times.len());
    for (i, name) in names.iter().enumerate() {
        let y = top + i as f64 * rh;
        let mut row = line.at(name, [x, y, w, rh], 7);
        // The current split: a band in the current colour with a bar at its left edge.
        let band = current == Some(i);
        if let Some(Value::Object(css)) = row.get_mut("css") {
            css.extend(props! {
                "padding": "0 12px", "border-radius": "8px",
                "background": if band { look::rgba(&p.current_color, 0.45) } else { "transparent".into() },
                "box-shadow": if band { format!("inset 4px 0 0 {}", p.current_color) } else { "none".into() },
            });
        }
        let (time, time_color) = time_cell(p, s, i);
        let (delta, delta_color) = delta_cell(p, s, i);
        let right = line.clone().align("right");
        let delta = right.clone().size(fs * 0.9).color(delta_color).at(
            &delta,
            [x + 170.0, y, 110.0, rh],
            8,
        );
        out.push(set_props(&format!("split_{i}_name"), row));
        out.push(set_props(&format!("split_{i}_delta"), delta));
        let time = right
            .color(&time_color)
            .at(&time, [x + 270.0, y, 110.0, rh], 8);
        out.push(set_props(&format!("split_{i}_time"), time));
    }
    // The clock: green/red by the last delta, gold for a finished personal best.
    let finished = s.finished(n);
    let best = s.best_run.get(n - 1).copied().flatten();
    let end = s.times.last().copied().flatten().filter(|_| finished);
    let last = (0..s.times.len()).rev().find_map(|i| s.delta(i));
    let color = match last {
        _ if end.is_some_and(|t| best.is_none_or(|b| t < b)) => &p.gold_color,
        Some(d) if d <= 0 => &p.ahead_color,
        Some(_) => &p.behind_color,
        None => &p.text_color,
    };
    let ms = |v: Option<u64>| v.map_or(Value::Null, Value::from);
    let (clock_y, clock_h) = (top + n as f64 * rh + 8.0, (fs * 3.0).round());
    let mut clock = line
        .clone()
        .size((fs * 2.4).round())
        .weight(800)
        .align("right")
        .color(color);
    clock.font = Font::Mono;
    let mut clock = clock.at("", [x, clock_y, w - 8.0, clock_h], 7);
    clock.extend(props! {
        "mode": "countup", "decimals": 1, "duration_s": 0,
        "started_at_ms": ms(s.started_at_ms),
        "paused_at_ms": ms(s.started_at_ms.zip(end).map(|(a, b)| a + b)),
    });
    out.push(set_props(CLOCK, clock));
    let height = clock_y - Y + clock_h + 12.0;
    out.push(set_props(
        PANEL,
        props! {
            "text": "", "position": {"x": X, "y": Y, "z_index": 6},
            "size": {"width": W, "height": num_value(height)},
            "css": look::panel_css(&p.panel_color, p.panel_opacity, 16, Map::new()),
        },
    ));
    out
}

/// The elements of `n` split rows, besides the panel, title and clock.
fn row_names(n: usize) -> Vec<String> {
    (0..n)
        .flat_map(|i| ["name", "delta", "time"].map(|k| format!("split_{i}_{k}")))
        .collect()
}

fn templates(names: Vec<String>) -> Vec<ElementTemplate> {
    let fade = props! { "entrance": {"type": "fade", "duration": 0.4}, "exit": {"type": "fade", "duration": 0.3} };
    names
        .into_iter()
        .map(|name| {
            let t = if name == CLOCK {
                ElementType::Timer
            } else {
                ElementType::Text
            };
            ElementTemplate::new(name, t, Map::new())
                .behavior(fade.clone())
                .visible(true)
        })
        .collect()
}

fn out(p: &Params, s: State) -> Out<SplitTimerWidget> {
    Out::changes(render(p, &s)).state(s)
}

impl Widget for SplitTimerWidget {
    const CLASS: &'static str = "SplitTimerWidget";
    const DISPLAY_NAME: &'static str = "Split Timer";
    const DESCRIPTION: &'static str = "A speedrun timer with splits: time and delta per split against your best run, gold splits highlighted.";
    type Params = Params;
    type State = State;
    type Feature = Feature;

    fn elements(p: &Params) -> Vec<ElementTemplate> {
        let mut names: Vec<String> = [PANEL, TITLE, CLOCK].map(String::from).into();
        names.extend(row_names(self::names(p).len()));
        super::with_changes(templates(names), &render(p, &State::default()))
    }

    fn check(feature: &Feature, ctx: &Ctx<Self>) -> Result<(), ParamError> {
        let s = ctx.state;
        match feature {
            Feature::Skip {}
                if s.started_at_ms.is_some() && s.times.len() + 1 == names(ctx.params).len() =>
            {
                Err(ParamError {
                    field: "feature".into(),
                    message: "the last split cannot be skipped: it ends the run (use next_split)"
                        .into(),
                })
            }
            _ => Ok(()),
        }
    }

    fn run(feature: Feature, ctx: &Ctx<Self>) -> Out<Self> {
        let (p, n, now) = (ctx.params, names(ctx.params).len(), ctx.now_ms);
        let s = ctx.state.clone();
        let start = |s: State| State {
            started_at_ms: Some(now),
            ..s.close(n)
        };
        let o = match feature {
            Feature::Start {} => out(p, start(s)),
            Feature::Next {} if s.started_at_ms.is_none() => out(p, start(s)),
            Feature::Next {} | Feature::Skip {} if s.finished(n) => Out::none(),
            Feature::Next {} => {
                let at = now.saturating_sub(s.started_at_ms.unwrap_or(now));
                let mut s = s;
                s.times.push(Some(at));
                out(p, s)
            }
            Feature::Skip {} if s.started_at_ms.is_some() => {
                let mut s = s;
                s.times.push(None);
                out(p, s)
            }
            Feature::Undo {} if !s.times.is_empty() => {
                let mut s = s;
                s.times.pop();
                out(p, s)
            }
            Feature::Skip {} | Feature::Undo {} => Out::none(),
            Feature::Reset {} => out(p, s.close(n)),
        };
        o.keep_boxes()
    }

    fn parameters_changed(ctx: &Ctx<Self>) -> Out<Self> {
        let (p, n) = (ctx.params, names(ctx.params).len());
        let had = (0..)
            .take_while(|i| ctx.element(&format!("split_{i}_name")).is_some())
            .count();
        // Other splits: the old times and bests would be compared with the wrong segments.
        let s = if had == n {
            ctx.state.clone()
        } else {
            State::default()
        };
        let mut o = out(p, s);
        let (old, new) = (row_names(had), row_names(n));
        o.delete = old.iter().filter(|e| !new.contains(e)).cloned().collect();
        o.create = templates(new.into_iter().filter(|e| !old.contains(e)).collect());
        o
    }
}

#[cfg(test)]
mod tests {
    use crate::widgets::testing::Harness;
    use serde_json::json;

    fn timer(splits: &str) -> Harness {
        Harness::new("SplitTimerWidget", json!({"splits": splits}))
    }

    fn text(h: &Harness, name: &str) -> String {
        h.el(name).properties["text"]
            .as_str()
            .unwrap_or("?")
            .to_string()
    }

    /// Runs one whole run with these segment lengths (seconds), then resets.
    fn full_run(h: &mut Harness, segments: &[u64]) {
        h.run("start_splits", json!({})).unwrap();
        for s in segments {
            h.now_ms += s * 1000;
            h.run("next_split", json!({})).unwrap();
        }
    }

    #[test]
    fn a_new_timer_lists_the_splits_and_a_stopped_clock_from_a_server_timestamp() {
        let mut h = timer("Intro\nBoss, the big one");
        assert_eq!(text(&h, "split_0_name"), "Intro");
        assert_eq!(text(&h, "split_1_name"), "Boss, the big one");
        assert!(!h.has("split_2_name"));
        assert_eq!(h.el("clock").properties["started_at_ms"], json!(null));
        let t0 = h.now_ms;
        h.run("next_split", json!({})).unwrap(); // starts the run
        assert_eq!(h.el("clock").properties["started_at_ms"], t0);
        assert_eq!(h.el("clock").properties["mode"], "countup");
        assert!(h.pending.is_empty(), "no server ticks");
        assert!(
            h.el("split_0_name").properties["css"]["background"] != "transparent",
            "current split highlighted"
        );
        assert_eq!(
            h.el("split_1_name").properties["css"]["background"],
            "transparent"
        );
    }

    #[test]
    fn splits_show_times_and_deltas_against_the_best_run() {
        let mut h = timer("A, B, C");
        full_run(&mut h, &[10, 20, 30]);
        assert_eq!(text(&h, "split_2_time"), "1:00.0");
        assert_eq!(
            text(&h, "split_0_delta"),
            "",
            "no best run to compare with yet"
        );
        let t_end = h.el("clock").properties["paused_at_ms"].as_u64();
        assert_eq!(t_end, Some(h.now_ms), "the clock stops at the last split");
        h.run("reset_splits", json!({})).unwrap();
        assert_eq!(
            text(&h, "split_2_time"),
            "1:00.0",
            "the best run is shown as the target"
        );
        full_run(&mut h, &[8, 25, 30]);
        assert_eq!(text(&h, "split_0_delta"), "\u{2212}2.0");
        assert_eq!(text(&h, "split_1_delta"), "+3.0");
        assert_eq!(text(&h, "split_2_delta"), "+3.0");
        assert_eq!(
            h.el("split_0_delta").properties["color"],
            "#FFC83D",
            "8 s beats the best 10 s segment: gold"
        );
        assert_eq!(
            h.el("split_1_delta").properties["color"],
            "#F87171",
            "behind"
        );
        assert_eq!(h.el("clock").properties["color"], "#F87171");
    }

    #[test]
    fn gold_splits_are_segments_faster_than_any_before_even_in_a_reset_run() {
        let mut h = timer("A, B, C");
        full_run(&mut h, &[10, 20, 30]);
        h.run("reset_splits", json!({})).unwrap();
        full_run(&mut h, &[12, 15]); // B in 15 s: gold; the run is reset unfinished
        assert_eq!(h.el("split_1_time").properties["color"], "#FFC83D");
        assert_eq!(h.el("split_0_time").properties["color"], "#FFFFFF");
        h.run("reset_splits", json!({})).unwrap();
        full_run(&mut h, &[12, 16]);
        assert_eq!(
            h.el("split_1_time").properties["color"],
            "#FFFFFF",
            "16 s is no gold after 15 s"
        );
        assert_eq!(h.state["best_segments"], json!([10000, 15000, 30000]));
    }

    #[test]
    fn undo_and_skip() {
        let mut h = timer("A, B, C");
        h.run("start_splits", json!({})).unwrap();
        h.now_ms += 5000;
        h.run("skip_split", json!({})).unwrap();
        assert_eq!(text(&h, "split_0_time"), "\u{2014}");
        h.now_ms += 5000;
        h.run("next_split", json!({})).unwrap();
        assert_eq!(text(&h, "split_1_time"), "10.0");
        let e = h.run("skip_split", json!({})).unwrap_err();
        assert!(e.to_string().contains("last split"), "{e}");
        h.run("undo_split", json!({})).unwrap();
        h.run("undo_split", json!({})).unwrap();
        assert_eq!(h.state["times"], json!([]));
        h.run("undo_split", json!({})).unwrap(); // nothing left: harmless
        assert_eq!(h.state["times"], json!([]));
        assert!(
            h.el("split_0_name").properties["css"]["background"] != "transparent",
            "back on the first split"
        );
        // A skipped split has no segment: the next one is not compared as a segment either.
        h.run("skip_split", json!({})).unwrap();
        h.now_ms += 1000;
        h.run("next_split", json!({})).unwrap();
        h.now_ms += 1000;
        h.run("next_split", json!({})).unwrap();
        h.run("next_split", json!({})).unwrap(); // finished: harmless
        h.run("reset_splits", json!({})).unwrap();
        assert_eq!(h.state["best_segments"], json!([null, null, 1000]));
    }

    #[test]
    fn the_best_run_changes_only_for_a_completed_faster_run() {
        let mut h = timer("A, B");
        full_run(&mut h, &[10, 10]);
        h.run("reset_splits", json!({})).unwrap();
        assert_eq!(h.state["best_run"], json!([10000, 20000]));
        full_run(&mut h, &[1]); // faster, but not completed
        h.run("reset_splits", json!({})).unwrap();
        assert_eq!(h.state["best_run"], json!([10000, 20000]));
        full_run(&mut h, &[10, 11]); // completed, slower
        h.run("start_splits", json!({})).unwrap();
        assert_eq!(h.state["best_run"], json!([10000, 20000]));
        h.now_ms += 9000;
        h.run("next_split", json!({})).unwrap();
        h.now_ms += 10000;
        h.run("next_split", json!({})).unwrap();
        assert_eq!(
            h.el("clock").properties["color"],
            "#FFC83D",
            "a personal best"
        );
        h.run("reset_splits", json!({})).unwrap();
        assert_eq!(h.state["best_run"], json!([9000, 19000]));
    }

    #[test]
    fn changing_the_number_of_splits_adds_and_removes_rows_and_starts_afresh() {
        let mut h = timer("A, B");
        full_run(&mut h, &[10, 10]);
        h.run("reset_splits", json!({})).unwrap();
        h.set_params(json!({"splits": "A, B Renamed"})).unwrap();
        assert_eq!(
            h.state["best_run"],
            json!([10000, 20000]),
            "renaming keeps the bests"
        );
        h.set_params(json!({"splits": "A, B, C, D"})).unwrap();
        assert!(h.has("split_3_time"));
        assert_eq!(h.state["best_run"], json!([]));
        h.set_params(json!({"splits": "", "title": "Glitchless"}))
            .unwrap();
        assert!(!h.has("split_1_name"));
        assert_eq!(text(&h, "split_0_name"), "Finish");
        assert_eq!(text(&h, "title_text"), "Glitchless");
    }

    #[test]
    fn features_leave_the_layout_the_streamer_made() {
        let mut h = Harness::new("SplitTimerWidget", json!({}));
        let boxes = h.rearrange(-30.0, 25.0);
        assert!(!boxes.is_empty());
        h.run("start_splits", json!({})).unwrap();
        h.assert_boxes(&boxes, "start_splits");
        h.run("next_split", json!({})).unwrap();
        h.assert_boxes(&boxes, "next_split");
        h.run("skip_split", json!({})).unwrap();
        h.assert_boxes(&boxes, "skip_split");
        h.run("undo_split", json!({})).unwrap();
        h.assert_boxes(&boxes, "undo_split");
        h.run("reset_splits", json!({})).unwrap();
        h.assert_boxes(&boxes, "reset_splits");
    }
}
