//! ChatBoxWidget: the live Twitch chat on stream — the last N lines, names in their Twitch
//! colours, badges, emotes as images (their text when an image cannot load).
//!
//! The lines never pass through this widget or the engine: the Twitch bridge sends them to
//! overlays on a capped ephemeral path (`bridge::chat_feed`), and the overlay's `chat`
//! element draws them with the settings below. A flood costs the daemon nothing but a buffer.

use super::typed::{Ctx, Out, Widget};
use super::{ElementTemplate, set_props, set_visible};
use crate::model::{ElementType, Map};
use crate::props;

pub struct ChatBoxWidget;

const CHAT: &str = "chat";

crate::choice! {
    pub enum Font { Sans, Rounded, Serif, Mono }
}

crate::params! {
    pub struct Params {
        max_lines: u64 = slider("Lines shown", 1.0, 30.0, 1.0)
            .default(10)
            .describe("Older lines leave as new ones arrive."),
        fade_after_s: u64 = slider("Fade out after (s)", 0.0, 300.0, 5.0)
            .default(0)
            .describe("0 keeps a line until newer ones push it out."),
        hide_commands: bool = checkbox("Hide commands")
            .default(true)
            .describe("Lines starting with the chat prefix (!confetti) stay off stream."),
        hide_bots: String = text("Hide these accounts", 400)
            .default("nightbot, streamelements, streamlabs, moobot, fossabot, wizebot, sery_bot")
            .describe("Logins, separated by commas or spaces."),
        show_badges: bool = checkbox("Badges").default(true),
        font: Font = choice::<Font>("Font").default("Sans"),
        font_size: f64 = slider("Font size (px)", 14.0, 48.0, 1.0).default(24),
        text_color: String = color("Text color").default("#FFFFFF"),
        background: String = color("Background").default("#0E0E1A"),
        background_opacity: f64 = slider("Background opacity", 0.0, 1.0, 0.05).default(0.55),
    }
}

crate::features! {
    pub enum Feature for Params as _p {
        /// Clears the box on stream (Twitch chat itself is untouched).
        #[feature("clear_chat", "Clear Chat")]
        Clear {},
        #[feature("show", "Show")]
        Show {},
        #[feature("hide", "Hide")]
        Hide {},
    }
}

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct State {
    /// Lines sent before this (unix ms) are not shown.
    cleared_at_ms: u64,
}

fn font_family(f: Font) -> &'static str {
    match f {
        Font::Sans => "Inter, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
        Font::Rounded => "Nunito, 'Varela Round', 'Arial Rounded MT Bold', sans-serif",
        Font::Serif => "Georgia, 'Times New Roman', serif",
        Font::Mono => "'JetBrains Mono', 'Fira Code', Consolas, monospace",
    }
}

/// `"Nightbot, streamelements  moobot"` → `["nightbot", "streamelements", "moobot"]`.
fn logins(list: &str) -> Vec<String> {
    list.split(|c: char| c == ',' || c.is_whitespace())
        .map(|l| l.trim().trim_start_matches('@').to_lowercase())
        .filter(|l| !l.is_empty())
        .collect()
}

fn look(p: &Params, s: &State) -> Map {
    props! {
        "max_lines": p.max_lines,
        "fade_after_s": p.fade_after_s,
        "hide_commands": p.hide_commands,
        "hide_bots": logins(&p.hide_bots),
        "badges": p.show_badges,
        "font_family": font_family(p.font),
        "font_size": p.font_size,
        "color": p.text_color,
        "background": p.background,
        "background_opacity": p.background_opacity,
        "cleared_at_ms": s.cleared_at_ms,
    }
}

impl Widget for ChatBoxWidget {
    const CLASS: &'static str = "ChatBoxWidget";
    const DISPLAY_NAME: &'static str = "Chat Box";
    const DESCRIPTION: &'static str = "Your Twitch chat on stream: names in their colours, badges and emotes; commands and bots hidden.";
    type Params = Params;
    type State = State;
    type Feature = Feature;

    fn elements(p: &Params) -> Vec<ElementTemplate> {
        let mut properties = look(p, &State::default());
        properties.extend(props! {
            "position": {"x": 40, "y": 420, "z_index": 4},
            "size": {"width": 520, "height": 620},
        });
        vec![
            ElementTemplate::new(CHAT, ElementType::Chat, properties)
                .behavior(props! {
                    "entrance": {"type": "fade", "duration": 0.3},
                    "exit": {"type": "fade", "duration": 0.3},
                })
                .visible(true),
        ]
    }

    fn run(feature: Feature, ctx: &Ctx<Self>) -> Out<Self> {
        match feature {
            Feature::Clear {} => {
                let state = State {
                    cleared_at_ms: ctx.now_ms,
                };
                Out::changes(vec![set_props(CHAT, look(ctx.params, &state))]).state(state)
            }
            Feature::Show {} => Out::changes(vec![set_visible(CHAT, true)]),
            Feature::Hide {} => Out::changes(vec![set_visible(CHAT, false)]),
        }
    }

    fn parameters_changed(ctx: &Ctx<Self>) -> Out<Self> {
        Out::changes(vec![set_props(CHAT, look(ctx.params, ctx.state))])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::widgets::testing::Harness;
    use serde_json::json;

    #[test]
    fn settings_reach_the_chat_element() {
        let mut h = Harness::new(
            "ChatBoxWidget",
            json!({"max_lines": 6, "hide_bots": "Nightbot, @MooBot  streamelements"}),
        );
        let el = h.el("chat");
        assert_eq!(el.element_type, ElementType::Chat);
        assert_eq!(el.properties["max_lines"], 6);
        assert_eq!(
            el.properties["hide_bots"],
            json!(["nightbot", "moobot", "streamelements"])
        );
        assert_eq!(el.properties["hide_commands"], true);
        h.set_params(json!({"max_lines": 3, "font": "Mono"}))
            .unwrap();
        let el = h.el("chat");
        assert_eq!(el.properties["max_lines"], 3);
        assert!(
            el.properties["font_family"]
                .as_str()
                .unwrap()
                .contains("monospace")
        );
    }

    #[test]
    fn clear_hides_older_lines_and_show_hide_toggle() {
        let mut h = Harness::new("ChatBoxWidget", json!({}));
        h.now_ms = 5_000;
        h.run("clear_chat", json!({})).unwrap();
        assert_eq!(h.el("chat").properties["cleared_at_ms"], 5_000);
        h.run("hide", json!({})).unwrap();
        assert!(!h.el("chat").visible);
        h.run("show", json!({})).unwrap();
        assert!(h.el("chat").visible);
        // A restyle keeps the clear.
        h.set_params(json!({"font_size": 30})).unwrap();
        assert_eq!(h.el("chat").properties["cleared_at_ms"], 5_000);
    }

    #[test]
    fn logins_split_on_commas_and_spaces() {
        assert_eq!(logins(" a,b  c,,@D "), ["a", "b", "c", "d"]);
        assert!(logins("").is_empty());
    }
}
