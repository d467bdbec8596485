//! TopSupporterWidget: the top cheerer, gifter and donor — of this stream and of all time —
//! on one card. Fed by the event log (`on_event`) or by hand (`record_support`); totals are
//! kept per supporter in the widget's state.
//!
//! "This stream" starts with `new_stream`, or on its own with the first support after a
//! quiet gap (`stream_gap_h`), so a streamer who forgets to press anything still sees a
//! fresh board each stream.

use super::look::{self, Font, Line};
use super::typed::{Ctx, Out, Widget};
use super::{ElementTemplate, icons};
use crate::model::{ElementChange, ElementType, EventKind, LoggedEvent, Map};
use crate::props;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub struct TopSupporterWidget;

const PANEL: &str = "panel";
const TITLE: &str = "title";
/// Supporters kept per category and scope (the smallest leave first): the card shows each
/// board's leader, and a small state keeps every event cheap to count (the state is decoded
/// and stored with each one).
const MAX_KEPT: usize = 100;
const X: f64 = 1440.0;
const Y: f64 = 40.0;
const W: f64 = 440.0;
const ROW: f64 = 66.0;
const TOP: f64 = 58.0;

crate::choice! {
    pub enum Category { Cheer, Gift, Donation }
}

crate::choice! {
    pub enum Scope { ThisStream, AllTime, Both }
}

const CATEGORIES: [Category; 3] = [Category::Cheer, Category::Gift, Category::Donation];

crate::params! {
    pub struct Params {
        title: String = text("Title", 40).default("Top supporters").describe("Empty hides the title."),
        scope: Scope = choice::<Scope>("Show").default("Both"),
        cheers: bool = checkbox("Top cheerer").default(true),
        gifts: bool = checkbox("Top gifter").default(true),
        donations: bool = checkbox("Top donor").default(true),
        currency: String = text("Donation currency", 3).default("USD")
            .describe("How donation totals are written ($, €, £ or the code)."),
        stream_gap_h: f64 = slider("New stream after a gap of (h)", 1.0, 48.0, 1.0).default(6)
            .describe("Support after this long a quiet spell starts a new 'this stream' board."),
        font: Font = choice::<Font>("Font").default("Sans"),
        text_color: String = color("Text color").default("#FFFFFF"),
        accent: String = color("Accent color").default("#FFD166"),
        panel_color: String = color("Panel color").default("#12121E"),
        panel_opacity: f64 = slider("Panel opacity", 0.0, 1.0, 0.05).default(0.8),
    }
}

crate::features! {
    pub enum Feature for Params as _p {
        /// Counts support (cheers, gifts and donations from Twitch and POST /api/events arrive on their own).
        #[feature("record_support", "Record Support")]
        Record {
            category: Category = choice::<Category>("Category"),
            user: String = text("User", 64),
            amount: f64 = number("Amount", 0.0, 10_000_000.0).describe("Bits, gifted subs or the donation."),
        },
        /// Starts a new "this stream" board (all-time totals stay).
        #[feature("new_stream", "New Stream")]
        NewStream {},
        /// Forgets every total, this stream's and all time.
        #[feature("reset_all", "Reset All")]
        ResetAll {},
    }
}

/// Per supporter (lowercased name): display name and total.
type Totals = BTreeMap<String, (String, f64)>;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct State {
    stream: BTreeMap<String, Totals>,
    all_time: BTreeMap<String, Totals>,
    /// Unix ms of the last support counted.
    last_ms: u64,
}

/// Adds support to a board; nothing (an empty cheer) leaves it as it is.
fn add(totals: &mut Totals, user: &str, amount: f64) {
    if amount <= 0.0 {
        return;
    }
    let entry = totals
        .entry(user.to_lowercase())
        .or_insert_with(|| (user.to_string(), 0.0));
    entry.0 = user.to_string();
    entry.1 += amount;
    if totals.len() > MAX_KEPT
        && let Some(smallest) = totals
            .iter()
            .min_by(|a, b| a.1.1.total_cmp(&b.1.1))
            .map(|(k, _)| k.clone())
    {
        totals.remove(&smallest);
    }
}

fn gap_ms(p: &Params) -> u64 {
    (p.stream_gap_h * 3_600_000.0) as u64
}

/// Support counted at `at_ms`: on both boards, "this stream" starting over after a quiet gap.
fn count(s: &mut State, p: &Params, category: Category, user: &str, amount: f64, at_ms: u64) {
    if s.last_ms > 0 && at_ms.saturating_sub(s.last_ms) > gap_ms(p) {
        s.stream.clear();
    }
    s.last_ms = s.last_ms.max(at_ms);
    let user = user.trim();
    let user = if user.is_empty() { "Anonymous" } else { user };
    let user: String = user.chars().take(40).collect();
    for board in [&mut s.stream, &mut s.all_time] {
        add(
            board.entry(category.as_str().into()).or_default(),
            &user,
            amount,
        );
    }
}

/// The leader of a board: highest total, ties to the name first in order.
fn top(totals: Option<&Totals>) -> Option<(&str, f64)> {
    totals?
        .values()
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(n, t)| (n.as_str(), *t))
}

fn amount_text(c: Category, total: f64, currency: &str) -> String {
    let n = total.floor() as u64;
    match c {
        Category::Cheer => format!("{n} bits"),
        Category::Gift if n == 1 => "1 sub".into(),
        Category::Gift => format!("{n} subs"),
        Category::Donation => {
            let v = if total.fract() == 0.0 {
                n.to_string()
            } else {
                format!("{total:.2}")
            };
            match currency.to_ascii_uppercase().as_str() {
                "USD" | "" => format!("${v}"),
                "EUR" => format!("€{v}"),
                "GBP" => format!("£{v}"),
                other => format!("{v} {other}"),
            }
        }
    }
}

/// The rows the parameters ask for: (category, all time?).
fn boards(p: &Params) -> Vec<(Category, bool)> {
    let shown = [p.cheers, p.gifts, p.donations];
    let scopes: &[bool] = match p.scope {
        Scope::ThisStream => &[false],
        Scope::AllTime => &[true],
        Scope::Both => &[false, true],
    };
    CATEGORIES
        .iter()
        .zip(shown)
        .filter(|(_, on)| *on)
        .flat_map(|(c, _)| scopes.iter().map(move |all| (*c, *all)))
        .collect()
}

fn render(p: &Params, s: &State) -> Vec<ElementChange> {
    let titled = !p.title.trim().is_empty();
    let top_y = if titled { TOP } else { 14.0 };
    let all = boards(p);
    let mut out = vec![
        change(
            PANEL,
            true,
            props! {
                "text": "",
                "position": {"x": X, "y": Y, "z_index": 6},
                "size": {"width": W, "height": top_y + all.len() as f64 * ROW + 10.0},
                "css": look::panel_css(&p.panel_color, p.panel_opacity, 18, Map::new()),
            },
        ),
        change(TITLE, titled, {
            let mut t = Line::new(p.font, 18.0, &p.accent).weight(800).at(
                &p.title.to_uppercase(),
                [X + 22.0, Y + 14.0, W - 44.0, 30.0],
                7,
            );
            t.insert("css".into(), props! {"letter-spacing": "0.14em", "line-height": "30px", "white-space": "nowrap", "overflow": "hidden", "text-overflow": "ellipsis"}.into());
            t
        }),
    ];
    for (c, all_time) in CATEGORIES.iter().flat_map(|c| [(*c, false), (*c, true)]) {
        let key = format!(
            "{}_{}",
            c.as_str().to_lowercase(),
            if all_time { "all" } else { "stream" }
        );
        let Some(i) = all.iter().position(|b| *b == (c, all_time)) else {
            for part in ["icon", "label", "name", "amount"] {
                out.push(change(&format!("{part}_{key}"), false, Map::new()));
            }
            continue;
        };
        let y = Y + top_y + i as f64 * ROW;
        let boards = if all_time { &s.all_time } else { &s.stream };
        let leader = top(boards.get(c.as_str()));
        let label = format!(
            "{} · {}",
            match c {
                Category::Cheer => "Top cheer",
                Category::Gift => "Top gifter",
                Category::Donation => "Top donor",
            },
            if all_time { "all time" } else { "this stream" }
        );
        let small = Line::new(p.font, 14.0, &look::rgba(&p.text_color, 0.65)).weight(800);
        let big = Line::new(p.font, 24.0, &p.text_color).weight(800);
        let (name, amount, name_line) = match leader {
            Some((n, t)) => (n.to_string(), amount_text(c, t, &p.currency), big.clone()),
            // An empty board invites instead of looking broken.
            None => (
                "Be the first!".to_string(),
                String::new(),
                big.clone()
                    .color(&look::rgba(&p.text_color, 0.5))
                    .weight(600),
            ),
        };
        let icon = match c {
            Category::Cheer => "cheer",
            Category::Gift => "gift_sub",
            Category::Donation => "donation",
        };
        out.push(change(
            &format!("icon_{key}"),
            true,
            props! {
                "src": icons::platform(icon),
                "position": {"x": X + 20.0, "y": y + 10.0, "z_index": 7},
                "size": {"width": 44, "height": 44},
            },
        ));
        out.push(change(
            &format!("label_{key}"),
            true,
            small.at(
                &label.to_uppercase(),
                [X + 80.0, y + 6.0, W - 100.0, 20.0],
                7,
            ),
        ));
        out.push(change(
            &format!("name_{key}"),
            true,
            name_line.at(&name, [X + 80.0, y + 26.0, W - 230.0, 34.0], 7),
        ));
        out.push(change(
            &format!("amount_{key}"),
            true,
            big.size(22.0).color(&p.accent).align("right").at(
                &amount,
                [X + W - 150.0, y + 26.0, 130.0, 34.0],
                7,
            ),
        ));
    }
    out
}

fn change(name: &str, visible: bool, properties: Map) -> ElementChange {
    ElementChange {
        name: name.to_string(),
        visible: Some(visible),
        properties,
        ..Default::default()
    }
}

impl Widget for TopSupporterWidget {
    const CLASS: &'static str = "TopSupporterWidget";
    const DISPLAY_NAME: &'static str = "Top Supporters";
    const DESCRIPTION: &'static str = "The top cheerer, gifter and donor of this stream and of all time, updated as support comes in.";
    type Params = Params;
    type State = State;
    type Feature = Feature;

    fn elements(p: &Params) -> Vec<ElementTemplate> {
        let first = render(p, &State::default());
        let els = first
            .iter()
            .map(|c| {
                let t = if c.name.starts_with("icon_") { ElementType::Image } else { ElementType::Text };
                ElementTemplate::new(c.name.clone(), t, Map::new())
                    .visible(c.visible == Some(true))
                    .behavior(props! {"entrance": {"type": "fade", "duration": 0.4}, "exit": {"type": "fade", "duration": 0.3}})
            })
            .collect();
        super::with_changes(els, &first)
    }

    fn run(feature: Feature, ctx: &Ctx<Self>) -> Out<Self> {
        let mut s = ctx.state.clone();
        match feature {
            Feature::Record {
                category,
                user,
                amount,
            } => count(&mut s, ctx.params, category, &user, amount, ctx.now_ms),
            Feature::NewStream {} => s.stream.clear(),
            Feature::ResetAll {} => s = State::default(),
        }
        Out::changes(render(ctx.params, &s)).state(s)
    }

    fn parameters_changed(ctx: &Ctx<Self>) -> Out<Self> {
        Out::changes(render(ctx.params, ctx.state))
    }

    /// Every logged cheer, gift and donation the log still keeps.
    const HISTORY: usize = usize::MAX;

    fn history(s: &mut State, p: &Params, events: &[LoggedEvent], now_ms: u64) {
        for ev in events {
            if let Some(Feature::Record {
                category,
                user,
                amount,
            }) = Self::on_event(ev, p)
            {
                count(s, p, category, &user, amount, ev.at_ms);
            }
        }
        if s.last_ms > 0 && now_ms.saturating_sub(s.last_ms) > gap_ms(p) {
            // The last stream is over: this one starts fresh.
            s.stream.clear();
        }
    }

    fn on_event(ev: &LoggedEvent, _p: &Params) -> Option<Feature> {
        let e = &ev.event;
        let category = match e.kind {
            EventKind::Cheer => Category::Cheer,
            EventKind::GiftSub => Category::Gift,
            EventKind::Donation => Category::Donation,
            _ => return None,
        };
        (e.amount > 0.0).then(|| Feature::Record {
            category,
            user: e.user.clone(),
            amount: e.amount,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::widgets::testing::Harness;
    use serde_json::json;

    fn text(h: &Harness, name: &str) -> String {
        h.el(name).properties["text"]
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    fn support(h: &mut Harness, category: &str, user: &str, amount: f64) {
        h.run(
            "record_support",
            json!({"category": category, "user": user, "amount": amount}),
        )
        .unwrap();
    }

    #[test]
    fn totals_add_up_per_supporter_and_the_leader_shows() {
        let mut h = Harness::new("TopSupporterWidget", json!({}));
        assert_eq!(
            text(&h, "name_cheer_stream"),
            "Be the first!",
            "an empty board invites"
        );
        support(&mut h, "Cheer", "Ann", 300.0);
        support(&mut h, "Cheer", "Bob", 500.0);
        support(&mut h, "Cheer", "ann", 300.0);
        assert_eq!(text(&h, "name_cheer_stream"), "ann");
        assert_eq!(text(&h, "amount_cheer_stream"), "600 bits");
        support(&mut h, "Donation", "Di", 12.5);
        assert_eq!(text(&h, "amount_donation_all"), "$12.50");
        support(&mut h, "Cheer", "Zed", 0.0);
        assert_eq!(
            text(&h, "name_cheer_all"),
            "ann",
            "nothing counted for nothing"
        );
        support(&mut h, "Gift", "Cy", 1.0);
        assert_eq!(text(&h, "amount_gift_stream"), "1 sub");
    }

    #[test]
    fn a_new_stream_starts_by_hand_or_after_a_quiet_gap() {
        let mut h = Harness::new("TopSupporterWidget", json!({"stream_gap_h": 2}));
        support(&mut h, "Cheer", "Ann", 1000.0);
        h.run("new_stream", json!({})).unwrap();
        assert_eq!(text(&h, "name_cheer_stream"), "Be the first!");
        assert_eq!(text(&h, "name_cheer_all"), "Ann", "all time stays");
        support(&mut h, "Cheer", "Bob", 10.0);
        h.now_ms += 3 * 3_600_000;
        support(&mut h, "Cheer", "Cy", 5.0);
        assert_eq!(
            text(&h, "name_cheer_stream"),
            "Cy",
            "the gap started a new stream"
        );
        assert_eq!(text(&h, "name_cheer_all"), "Ann");
        h.run("reset_all", json!({})).unwrap();
        assert_eq!(text(&h, "name_cheer_all"), "Be the first!");
    }

    #[test]
    fn scope_and_categories_pick_the_rows() {
        let h = Harness::new(
            "TopSupporterWidget",
            json!({"scope": "AllTime", "gifts": false}),
        );
        assert!(h.el("name_cheer_all").visible);
        assert!(!h.el("name_cheer_stream").visible);
        assert!(!h.el("name_gift_all").visible);
        assert_eq!(
            h.el("name_donation_all").properties["position"]["y"],
            40.0 + 58.0 + 66.0 + 26.0
        );
    }
}
