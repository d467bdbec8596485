//! EventListWidget: the latest follows, subs, gifts, raids, cheers and donations on stream,
//! newest on top, each with its icon. Fed by the event log (every platform event reaches it
//! through `on_event`), or by hand with `add_event`.
//!
//! Rows are slots on a ring one longer than the longest list: a new event takes the spare
//! slot, which enters on top while the others move down and the oldest leaves, so every
//! change animates without the overlay measuring anything.

use super::look::{self, Font, Line};
use super::typed::{Ctx, Out, Widget};
use super::{ElementTemplate, icons, set_visible};
use crate::model::{ElementChange, ElementType, EventKind, LoggedEvent, Map};
use crate::props;
use serde::{Deserialize, Serialize};

pub struct EventListWidget;

const PANEL: &str = "panel";
const TITLE: &str = "title";
/// "No events yet", while the list is empty.
const EMPTY: &str = "empty";
const MAX_ROWS: usize = 10;
const SLOTS: usize = MAX_ROWS + 1;
/// The list on the 1920×1080 stage: top left, below where a webcam frame usually sits.
const X: f64 = 40.0;
const Y: f64 = 300.0;
const W: f64 = 440.0;
const ROW: f64 = 58.0;
const TOP: f64 = 62.0;

crate::choice! {
    pub enum Kind { Follow, Sub, Resub, Gift, Raid, Cheer, Donation, Redemption }
}

crate::params! {
    pub struct Params {
        rows: u64 = slider("Rows", 1.0, MAX_ROWS as f64, 1.0).default(5),
        title: String = text("Title", 40).default("Recent events").describe("Empty hides the title."),
        follows: bool = checkbox("Follows").default(true),
        subs: bool = checkbox("Subs and resubs").default(true),
        gifts: bool = checkbox("Gifted subs").default(true),
        raids: bool = checkbox("Raids").default(true),
        cheers: bool = checkbox("Cheers").default(true),
        donations: bool = checkbox("Donations").default(true),
        redemptions: bool = checkbox("Channel point rewards").default(false),
        font: Font = choice::<Font>("Font").default("Sans"),
        text_color: String = color("Text color").default("#FFFFFF"),
        accent: String = color("Accent color").default("#BF94FF"),
        panel_color: String = color("Panel color").default("#12121E"),
        panel_opacity: f64 = slider("Panel opacity", 0.0, 1.0, 0.05).default(0.8),
    }
}

crate::features! {
    pub enum Feature for Params as _p {
        /// Adds an event on top (events from Twitch and POST /api/events arrive on their own).
        #[feature("add_event", "Add Event")]
        AddEvent {
            kind: Kind = choice::<Kind>("Kind"),
            user: String = text("User", 64),
            amount: f64 = number("Amount", 0.0, 10_000_000.0).default(0)
                .describe("Bits, viewers, months, gifted subs or the donation."),
            detail: String = text("Detail", 100).default("")
                .describe("A donation's currency (USD), a reward's title."),
        },
        #[feature("clear_events", "Clear List")]
        Clear {},
        #[feature("show", "Show")]
        Show {},
        #[feature("hide", "Hide")]
        Hide {},
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct State {
    /// Newest first, at most `MAX_ROWS`.
    rows: Vec<Row>,
    /// Events added so far: the newest lives in slot `added % SLOTS`.
    added: u64,
    hidden: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Row {
    kind: String,
    user: String,
    what: String,
}

/// A new row on top; the oldest leaves past the longest list.
fn push(s: &mut State, kind: Kind, user: &str, amount: f64, detail: &str) {
    let user = user.trim();
    let user = if user.is_empty() { "Anonymous" } else { user };
    s.rows.insert(
        0,
        Row {
            kind: kind.as_str().into(),
            user: user.chars().take(40).collect(),
            what: what(kind, amount, detail.trim()),
        },
    );
    s.rows.truncate(MAX_ROWS);
    s.added += 1;
}

/// What the row says after the name: "500 bits", "gifted 5 subs", "$25.00".
fn what(kind: Kind, amount: f64, detail: &str) -> String {
    let n = amount.floor() as u64;
    let plural = |one: &str, many: &str| {
        if n == 1 {
            one.to_string()
        } else {
            format!("{n} {many}")
        }
    };
    match kind {
        Kind::Follow => "followed".into(),
        Kind::Sub if detail.is_empty() || detail == "1" => "subscribed".into(),
        Kind::Sub => format!("tier {detail} sub"),
        Kind::Resub => plural("resubscribed", "months"),
        Kind::Gift => format!("gifted {}", plural("a sub", "subs")),
        Kind::Raid => plural("1 raider", "raiders"),
        Kind::Cheer => plural("1 bit", "bits"),
        Kind::Donation => money(amount, detail),
        Kind::Redemption if detail.is_empty() => "redeemed".into(),
        Kind::Redemption => detail.to_string(),
    }
}

/// `$25.00`, `€5`, `12.50 CHF`.
fn money(amount: f64, currency: &str) -> String {
    let n = if amount.fract() == 0.0 {
        format!("{}", amount as u64)
    } else {
        format!("{amount:.2}")
    };
    match currency.to_ascii_uppercase().as_str() {
        "USD" | "" => format!("${n}"),
        "EUR" => format!("€{n}"),
        "GBP" => format!("£{n}"),
        other => format!("{n} {other}"),
    }
}

fn icon_of(kind: &str) -> &'static str {
    match kind {
        "Follow" => "follow",
        "Sub" | "Resub" => "sub",
        "Gift" => "gift_sub",
        "Raid" => "raid",
        "Cheer" => "cheer",
        "Donation" => "donation",
        _ => "redemption",
    }
}

/// Every element drawn from the state: the panel sized to the rows there are, each row in
/// its slot at its place, the spare slot hidden.
fn render(p: &Params, s: &State) -> Vec<ElementChange> {
    let rows = (p.rows as usize).min(s.rows.len());
    let titled = !p.title.trim().is_empty();
    let top = if titled { TOP } else { 14.0 };
    let empty_h = if titled { 44.0 } else { 0.0 };
    let height = top + rows as f64 * ROW + if rows > 0 { 8.0 } else { empty_h - top + 58.0 };
    let shown = !s.hidden;
    let mut out = vec![
        ElementChange {
            name: PANEL.into(),
            visible: Some(shown && (titled || rows > 0)),
            properties: props! {
                "text": "",
                "position": {"x": X, "y": Y, "z_index": 6},
                "size": {"width": W, "height": height},
                "css": look::panel_css(&p.panel_color, p.panel_opacity, 18, Map::new()),
            },
            ..Default::default()
        },
        ElementChange {
            name: TITLE.into(),
            visible: Some(shown && titled),
            properties: {
                let mut t = Line::new(p.font, 18.0, &p.accent).weight(800).at(
                    &p.title.to_uppercase(),
                    [X + 22.0, Y + 16.0, W - 44.0, 30.0],
                    7,
                );
                t.insert("css".into(), props! {"letter-spacing": "0.14em", "line-height": "30px", "white-space": "nowrap", "overflow": "hidden", "text-overflow": "ellipsis"}.into());
                t
            },
            ..Default::default()
        },
    ];
    out.push(ElementChange {
        name: EMPTY.into(),
        visible: Some(shown && titled && rows == 0),
        properties: Line::new(p.font, 20.0, &look::rgba(&p.text_color, 0.55))
            .weight(600)
            .at(
                "No events yet — they appear here live",
                [X + 22.0, Y + top, W - 44.0, 44.0],
                7,
            ),
        ..Default::default()
    });
    for slot in 0..SLOTS {
        // Rank 0 is the newest: the one added last, in slot (added - 1) % SLOTS.
        let rank = (s.added + SLOTS as u64 * 2 - 1 - slot as u64) % SLOTS as u64;
        let row = s.rows.get(rank as usize).filter(|_| (rank as usize) < rows);
        out.extend(slot_changes(p, slot, rank as f64, row, shown, top));
    }
    out
}

fn slot_changes(
    p: &Params,
    slot: usize,
    rank: f64,
    row: Option<&Row>,
    shown: bool,
    top: f64,
) -> Vec<ElementChange> {
    let y = Y + top + rank * ROW;
    let visible = Some(shown && row.is_some());
    let Some(row) = row else {
        return ["icon", "name", "what"]
            .iter()
            .map(|part| ElementChange {
                visible,
                ..set_visible(&format!("{part}_{slot}"), false)
            })
            .collect();
    };
    let line = Line::new(p.font, 24.0, &p.text_color).weight(800);
    let name_w = (W - 96.0) * 0.5;
    let changes = [
        (
            "icon",
            props! {
                "src": icons::platform(icon_of(&row.kind)),
                "position": {"x": X + 20.0, "y": y + 6.0, "z_index": 7},
                "size": {"width": 40, "height": 40},
            },
        ),
        ("name", line.at(&row.user, [X + 74.0, y, name_w, 52.0], 7)),
        (
            "what",
            line.size(20.0)
                .weight(700)
                .color(&p.accent)
                .align("right")
                .at(
                    &row.what,
                    [X + 74.0 + name_w, y, W - 96.0 - name_w, 52.0],
                    7,
                ),
        ),
    ];
    changes
        .into_iter()
        .map(|(part, properties)| ElementChange {
            name: format!("{part}_{slot}"),
            visible,
            properties,
            ..Default::default()
        })
        .collect()
}

fn slide() -> Map {
    props! {
        "entrance": {"type": "slide", "direction": "right", "duration": 0.45, "easing": "back"},
        "exit": {"type": "fade", "duration": 0.3},
    }
}

impl Widget for EventListWidget {
    const CLASS: &'static str = "EventListWidget";
    const DISPLAY_NAME: &'static str = "Event List";
    const DESCRIPTION: &'static str = "The latest follows, subs, gifts, raids, cheers and donations, newest on top, each with its icon.";
    type Params = Params;
    type State = State;
    type Feature = Feature;

    fn elements(p: &Params) -> Vec<ElementTemplate> {
        let mut els = vec![
            ElementTemplate::new(PANEL, ElementType::Text, Map::new()).behavior(props! {
                "entrance": {"type": "fade", "duration": 0.4}, "exit": {"type": "fade", "duration": 0.4},
            }),
            ElementTemplate::new(TITLE, ElementType::Text, Map::new()),
            ElementTemplate::new(EMPTY, ElementType::Text, Map::new()),
        ];
        for slot in 0..SLOTS {
            for part in ["icon", "name", "what"] {
                let t = if part == "icon" {
                    ElementType::Image
                } else {
                    ElementType::Text
                };
                els.push(
                    ElementTemplate::new(format!("{part}_{slot}"), t, Map::new()).behavior(slide()),
                );
            }
        }
        let first = render(p, &State::default());
        let mut els = super::with_changes(els, &first);
        for t in &mut els {
            t.visible = first
                .iter()
                .any(|c| c.name == t.name && c.visible == Some(true));
        }
        els
    }

    fn run(feature: Feature, ctx: &Ctx<Self>) -> Out<Self> {
        let mut s = ctx.state.clone();
        match feature {
            Feature::AddEvent {
                kind,
                user,
                amount,
                detail,
            } => push(&mut s, kind, &user, amount, &detail),
            Feature::Clear {} => s.rows.clear(),
            Feature::Show {} => s.hidden = false,
            Feature::Hide {} => s.hidden = true,
        }
        Out::changes(render(ctx.params, &s)).state(s)
    }

    fn parameters_changed(ctx: &Ctx<Self>) -> Out<Self> {
        Out::changes(render(ctx.params, ctx.state))
    }

    /// Enough of the newest events to fill the list even when it shows only some kinds.
    const HISTORY: usize = 2000;

    fn history(s: &mut State, p: &Params, events: &[LoggedEvent], _now_ms: u64) {
        for ev in events {
            if let Some(Feature::AddEvent {
                kind,
                user,
                amount,
                detail,
            }) = Self::on_event(ev, p)
            {
                push(s, kind, &user, amount, &detail);
            }
        }
    }

    fn on_event(ev: &LoggedEvent, p: &Params) -> Option<Feature> {
        let e = &ev.event;
        let (kind, on, detail) = match e.kind {
            EventKind::Follow => (Kind::Follow, p.follows, String::new()),
            EventKind::Sub => (Kind::Sub, p.subs, e.detail.clone()),
            EventKind::Resub => (Kind::Resub, p.subs, String::new()),
            EventKind::GiftSub => (Kind::Gift, p.gifts, String::new()),
            EventKind::Raid => (Kind::Raid, p.raids, String::new()),
            EventKind::Cheer => (Kind::Cheer, p.cheers, String::new()),
            EventKind::Donation => (Kind::Donation, p.donations, e.currency.clone()),
            EventKind::Redemption => (Kind::Redemption, p.redemptions, e.detail.clone()),
            EventKind::HypeTrainBegin | EventKind::HypeTrainProgress | EventKind::HypeTrainEnd => {
                return None;
            }
        };
        on.then(|| Feature::AddEvent {
            kind,
            user: e.user.clone(),
            amount: e.amount,
            detail,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EventSource, NewEvent};
    use crate::widgets::testing::Harness;
    use serde_json::json;

    fn add(h: &mut Harness, kind: &str, user: &str, amount: f64) {
        h.run(
            "add_event",
            json!({"kind": kind, "user": user, "amount": amount}),
        )
        .unwrap();
    }

    /// (name, what) of the visible rows, top to bottom.
    fn rows(h: &Harness) -> Vec<(String, String)> {
        let mut shown: Vec<(f64, String, String)> = (0..SLOTS)
            .filter(|i| h.el(&format!("name_{i}")).visible)
            .map(|i| {
                let name = h.el(&format!("name_{i}"));
                let what = h.el(&format!("what_{i}"));
                (
                    name.properties["position"]["y"].as_f64().unwrap_or(0.0),
                    name.properties["text"].as_str().unwrap_or("").to_string(),
                    what.properties["text"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        shown.sort_by(|a, b| a.0.total_cmp(&b.0));
        shown.into_iter().map(|(_, n, w)| (n, w)).collect()
    }

    #[test]
    fn newest_on_top_and_the_oldest_leaves() {
        let mut h = Harness::new("EventListWidget", json!({"rows": 3}));
        assert!(h.el(PANEL).visible, "the titled panel shows from the start");
        assert!(h.el(EMPTY).visible, "saying that it waits for events");
        add(&mut h, "Follow", "Ann", 0.0);
        add(&mut h, "Cheer", "Bob", 500.0);
        add(&mut h, "Gift", "Cy", 5.0);
        add(&mut h, "Donation", "Di", 25.5);
        assert_eq!(
            rows(&h),
            [
                ("Di".to_string(), "$25.50".to_string()),
                ("Cy".into(), "gifted 5 subs".into()),
                ("Bob".into(), "500 bits".into()),
            ]
        );
        // A ring of 11 slots: after many events each row still has one slot.
        for i in 0..25 {
            add(&mut h, "Raid", &format!("R{i}"), 1.0 + i as f64);
        }
        assert_eq!(rows(&h)[0], ("R24".into(), "25 raiders".into()));
        assert_eq!(rows(&h).len(), 3);
        assert!(!h.el(EMPTY).visible);
        h.run("clear_events", json!({})).unwrap();
        assert!(rows(&h).is_empty());
        h.run("hide", json!({})).unwrap();
        assert!(!h.el(PANEL).visible);
    }

    #[test]
    fn events_map_to_rows_by_the_kinds_shown() {
        let p: Params = serde_json::from_value(json!({"rows": 5, "title": "", "follows": false, "subs": true, "gifts": true, "raids": true, "cheers": true, "donations": true, "redemptions": false, "font": "Sans", "text_color": "#FFFFFF", "accent": "#BF94FF", "panel_color": "#000000", "panel_opacity": 0.5})).unwrap();
        let ev = |kind, amount: f64, detail: &str| LoggedEvent {
            id: 1,
            at_ms: 0,
            event: NewEvent {
                kind,
                user: "PixelQueen".into(),
                login: "pixelqueen".into(),
                amount,
                currency: "EUR".into(),
                message: String::new(),
                detail: detail.into(),
                source: EventSource::Api,
            },
        };
        assert!(EventListWidget::on_event(&ev(EventKind::Follow, 0.0, ""), &p).is_none());
        assert!(EventListWidget::on_event(&ev(EventKind::HypeTrainBegin, 1.0, ""), &p).is_none());
        let Some(Feature::AddEvent { kind, detail, .. }) =
            EventListWidget::on_event(&ev(EventKind::Donation, 5.0, ""), &p)
        else {
            panic!("donations are shown")
        };
        assert_eq!(
            (kind, what(kind, 5.0, &detail)),
            (Kind::Donation, "€5".to_string())
        );
        assert_eq!(what(Kind::Sub, 1.0, "3"), "tier 3 sub");
        assert_eq!(what(Kind::Resub, 12.0, ""), "12 months");
        assert_eq!(what(Kind::Gift, 1.0, ""), "gifted a sub");
        assert_eq!(money(12.5, "chf"), "12.50 CHF");
    }
}
