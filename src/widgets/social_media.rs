//! SocialMediaWidget: a card with your socials — platform icon, name and handle — rotating
//! through them. The rotation is a stored follow-up (`call_after`), so it carries on after a
//! restart; two card slots take turns so each change slides in while the last one fades.

use super::look::{self, Font, Line};
use super::params::match_option;
use super::typed::{Choice, Ctx, Out, Widget};
use super::{ElementTemplate, icons};
use crate::model::{ElementChange, ElementType, Map};
use crate::props;

pub struct SocialMediaWidget;

const PANEL: &str = "card";
const CYCLE: &str = "cycle";
const SLOTS: [&str; 2] = ["a", "b"];
const MAX_ENTRIES: usize = 12;
/// The card on the 1920×1080 stage: bottom left, above where a ticker band goes.
const X: f64 = 40.0;
const Y: f64 = 880.0;
const W: f64 = 520.0;
const H: f64 = 96.0;

crate::choice! {
    pub enum Platform { Twitch, YouTube, X, Twitter, Instagram, TikTok, Discord, Kick, Facebook, Bluesky, Website }
}

crate::params! {
    pub struct Params {
        accounts: String = text("Accounts", 600)
            .default("Twitch: yourchannel, YouTube: @yourchannel, Discord: discord.gg/yourserver")
            .describe("Platform: handle pairs, separated by commas or one per line; update_content changes or adds one."),
        interval: u64 = slider("Interval (s)", 3.0, 120.0, 1.0).default(8),
        auto_cycle: bool = checkbox("Rotate on its own")
            .default(true)
            .describe("Shows the next account every Interval; off: only cycle_platforms moves on."),
        text_color: String = color("Text color").default("#FFFFFF"),
        panel_color: String = color("Card color").default("#12121E"),
        panel_opacity: f64 = slider("Card opacity", 0.0, 1.0, 0.05).default(0.85),
        font: Font = choice::<Font>("Font").default("Sans"),
    }
}

crate::features! {
    pub enum Feature for Params as _p {
        /// Sets a platform's handle and shows it now; empty content removes the platform.
        #[feature("update_content", "Update Account")]
        UpdateContent {
            platform: Platform = choice::<Platform>("Platform"),
            content: String = text("Handle", 80).describe("e.g. @yourname or discord.gg/invite; empty removes it."),
        },
        /// Shows the next account.
        #[feature("cycle_platforms", "Next Account")]
        Cycle {},
    }
}

#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct State {
    /// update_content's changes over the Accounts parameter, in order (empty = removed).
    updates: Vec<(String, String)>,
    /// Index of the account shown.
    at: usize,
    /// The slot showing it (0 or 1): the other one takes the next account.
    slot: usize,
}

/// The accounts to show: the parameter's list with the updates applied.
fn entries(p: &Params, s: &State) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = look::list(&p.accounts, MAX_ENTRIES)
        .into_iter()
        .map(|a| match a.split_once(':') {
            Some((name, handle)) => (canonical(name), handle.trim().to_string()),
            None => ("Website".into(), a),
        })
        .filter(|(_, h)| !h.is_empty())
        .collect();
    for (name, handle) in &s.updates {
        match out.iter().position(|(n, _)| n == name) {
            Some(i) if handle.is_empty() => drop(out.remove(i)),
            Some(i) => out[i].1 = handle.clone(),
            None if !handle.is_empty() && out.len() < MAX_ENTRIES => {
                out.push((name.clone(), handle.clone()))
            }
            None => {}
        }
    }
    out
}

/// A platform's spelling from the dropdown's options; other names are kept as typed.
fn canonical(name: &str) -> String {
    match_option(Platform::OPTIONS, name).map_or_else(|| name.trim().to_string(), str::to_string)
}

/// One slot's elements showing `entry` (or hidden without one).
fn slot(p: &Params, i: usize, entry: Option<&(String, String)>) -> Vec<ElementChange> {
    let (name, handle) = entry.cloned().unwrap_or_default();
    let k = SLOTS[i];
    let line = Line::new(p.font, 18.0, &look::rgba(&p.text_color, 0.7)).weight(800);
    let mut label = line.at(
        &name.to_uppercase(),
        [X + 108.0, Y + 16.0, W - 128.0, 26.0],
        8,
    );
    label.insert(
        "css".into(),
        props! { "letter-spacing": "0.14em", "line-height": "26px" }.into(),
    );
    let handle =
        line.size(32.0)
            .color(&p.text_color)
            .at(&handle, [X + 108.0, Y + 40.0, W - 128.0, 44.0], 8);
    let icon = props! {
        "src": icons::platform(&name),
        "position": {"x": X + 20.0, "y": Y + 16.0, "z_index": 8},
        "size": {"width": 68, "height": 64},
    };
    let visible = entry.is_some();
    [
        (format!("icon_{k}"), icon),
        (format!("label_{k}"), label),
        (format!("handle_{k}"), handle),
    ]
    .into_iter()
    .map(|(name, properties)| ElementChange {
        name,
        visible: Some(visible),
        properties,
        ..Default::default()
    })
    .collect()
}

/// Shows account `at` in slot `s.slot`, the other slot hidden, and schedules the next turn.
fn show(p: &Params, s: State) -> Out<SocialMediaWidget> {
    let all = entries(p, &s);
    let s = State {
        at: if all.is_empty() { 0 } else { s.at % all.len() },
        ..s
    };
    let mut changes = slot(p, s.slot, all.get(s.at));
    changes.extend(slot(p, 1 - s.slot, None));
    changes.push(ElementChange {
        name: PANEL.into(),
        visible: Some(!all.is_empty()),
        properties: panel(p),
        ..Default::default()
    });
    let out = Out::changes(changes).state(s);
    if p.auto_cycle && all.len() > 1 {
        out.call_after(CYCLE, p.interval * 1000, Feature::Cycle {})
    } else {
        out.cancel(CYCLE)
    }
}

fn panel(p: &Params) -> Map {
    props! {
        "text": "",
        "position": {"x": X, "y": Y, "z_index": 7},
        "size": {"width": W, "height": H},
        "css": look::panel_css(&p.panel_color, p.panel_opacity, 18, Map::new()),
    }
}

impl Widget for SocialMediaWidget {
    const CLASS: &'static str = "SocialMediaWidget";
    const DISPLAY_NAME: &'static str = "Social Media";
    const DESCRIPTION: &'static str =
        "Your socials on a card with each platform's icon, rotating through them on a timer.";
    type Params = Params;
    type State = State;
    type Feature = Feature;

    fn elements(p: &Params) -> Vec<ElementTemplate> {
        let slide = props! {
            "entrance": {"type": "slide", "direction": "up", "duration": 0.45, "easing": "back"},
            "exit": {"type": "fade", "duration": 0.3},
        };
        let mut els = vec![ElementTemplate::new(PANEL, ElementType::Text, Map::new())
            .behavior(props! { "entrance": {"type": "fade", "duration": 0.4}, "exit": {"type": "fade", "duration": 0.4} })];
        for k in SLOTS {
            els.push(
                ElementTemplate::new(format!("icon_{k}"), ElementType::Image, Map::new())
                    .behavior(slide.clone()),
            );
            for part in ["label", "handle"] {
                els.push(
                    ElementTemplate::new(format!("{part}_{k}"), ElementType::Text, Map::new())
                        .behavior(slide.clone()),
                );
            }
        }
        let first = show(p, State::default()).changes;
        let mut els = super::with_changes(els, &first);
        for t in &mut els {
            t.visible = first
                .iter()
                .any(|c| c.name == t.name && c.visible == Some(true));
        }
        els
    }

    fn run(feature: Feature, ctx: &Ctx<Self>) -> Out<Self> {
        let (p, mut s) = (ctx.params, ctx.state.clone());
        match feature {
            Feature::UpdateContent { platform, content } => {
                let name = platform.as_str().to_string();
                s.updates.retain(|(n, _)| *n != name);
                s.updates.push((name.clone(), content.trim().to_string()));
                let all = entries(p, &s);
                s.at = all.iter().position(|(n, _)| *n == name).unwrap_or(s.at);
            }
            Feature::Cycle {} => s.at += 1,
        }
        s.slot = 1 - s.slot;
        show(p, s).keep_boxes()
    }

    fn parameters_changed(ctx: &Ctx<Self>) -> Out<Self> {
        show(ctx.params, ctx.state.clone())
    }
}

#[cfg(test)]
mod tests {
    use crate::widgets::testing::Harness;
    use serde_json::json;

    fn shown(h: &Harness) -> (String, String) {
        let slot = if h.el("handle_a").visible { "a" } else { "b" };
        assert_ne!(
            h.el("handle_a").visible,
            h.el("handle_b").visible,
            "one slot at a time"
        );
        let text = |n: &str| {
            h.el(&format!("{n}_{slot}")).properties["text"]
                .as_str()
                .unwrap_or("")
                .to_string()
        };
        (text("label"), text("handle"))
    }

    #[test]
    fn a_new_card_shows_the_first_account_with_its_icon() {
        let h = Harness::new("SocialMediaWidget", json!({}));
        assert_eq!(shown(&h), ("TWITCH".into(), "yourchannel".into()));
        assert!(h.el("card").visible && h.el("icon_a").visible);
        let src = h.el("icon_a").properties["src"].as_str().unwrap_or("");
        assert!(src.starts_with("data:image/svg+xml,"));
        assert!(src.contains("9146FF"), "the Twitch purple");
    }

    #[test]
    fn cycle_platforms_rotates_and_schedules_the_next_turn_as_a_stored_follow_up() {
        let mut h = Harness::new("SocialMediaWidget", json!({"interval": 5}));
        h.run("cycle_platforms", json!({})).unwrap();
        assert_eq!(shown(&h).0, "YOUTUBE");
        assert_eq!(h.pending.len(), 1);
        assert_eq!(h.pending[0].after_ms, 5000);
        h.fire("cycle").unwrap();
        assert_eq!(shown(&h).0, "DISCORD");
        h.fire("cycle").unwrap();
        assert_eq!(shown(&h).0, "TWITCH", "wraps around");
        assert_eq!(h.pending.len(), 1, "always one turn pending");
        h.set_params(json!({"auto_cycle": false})).unwrap();
        assert!(h.pending.is_empty());
        h.run("cycle_platforms", json!({})).unwrap();
        assert_eq!(shown(&h).0, "YOUTUBE");
        assert!(h.pending.is_empty(), "no rotation when it is off");
    }

    #[test]
    fn update_content_changes_adds_and_removes_platforms() {
        let mut h = Harness::new(
            "SocialMediaWidget",
            json!({"accounts": "twitch: me\nPatreon: me too"}),
        );
        h.run(
            "update_content",
            json!({"platform": "tiktok", "content": " @me.clips "}),
        )
        .unwrap();
        assert_eq!(
            shown(&h),
            ("TIKTOK".into(), "@me.clips".into()),
            "shown at once"
        );
        h.run(
            "update_content",
            json!({"platform": "Twitch", "content": "me_live"}),
        )
        .unwrap();
        assert_eq!(shown(&h), ("TWITCH".into(), "me_live".into()));
        h.run("cycle_platforms", json!({})).unwrap();
        assert_eq!(
            shown(&h),
            ("PATREON".into(), "me too".into()),
            "unknown platforms keep their name"
        );
        h.run(
            "update_content",
            json!({"platform": "Twitch", "content": ""}),
        )
        .unwrap();
        h.run(
            "update_content",
            json!({"platform": "TikTok", "content": ""}),
        )
        .unwrap();
        assert_eq!(h.state["updates"].as_array().map(Vec::len), Some(2));
        assert!(h.pending.is_empty(), "one account left: nothing to rotate");
        let e = h
            .run(
                "update_content",
                json!({"platform": "MySpace", "content": "x"}),
            )
            .unwrap_err();
        assert!(e.to_string().contains("platform"), "{e}");
    }

    #[test]
    fn without_accounts_the_card_is_hidden() {
        let mut h = Harness::new("SocialMediaWidget", json!({"accounts": ""}));
        assert!(!h.el("card").visible && !h.el("handle_a").visible);
        h.run(
            "update_content",
            json!({"platform": "Discord", "content": "discord.gg/x"}),
        )
        .unwrap();
        assert!(h.el("card").visible);
        assert_eq!(shown(&h).1, "discord.gg/x");
    }

    #[test]
    fn features_leave_the_layout_the_streamer_made() {
        let mut h = Harness::new("SocialMediaWidget", json!({}));
        let boxes = h.rearrange(-30.0, 25.0);
        assert!(!boxes.is_empty());
        h.run(
            "update_content",
            json!({"platform": "Discord", "content": "discord.gg/x"}),
        )
        .unwrap();
        h.assert_boxes(&boxes, "update_content");
        h.run("cycle_platforms", json!({})).unwrap();
        h.assert_boxes(&boxes, "cycle_platforms");
    }
}
