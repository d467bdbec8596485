//! TextTickerWidget: a news-ticker band along the bottom of the screen with text scrolling
//! through it in a seamless loop. The overlay animates the scroll itself (the text element's
//! `ticker` property), so the server sends only the text, the speed and whether it moves.

use super::look::{self, Font};
use super::params::num_value;
use super::typed::{Ctx, Out, Widget};
use super::{ElementTemplate, set_props, set_visible};
use crate::model::{ElementType, Map};
use crate::props;

pub struct TextTickerWidget;

const TICKER: &str = "ticker_text";
const LABEL: &str = "ticker_label";
const HEIGHT: f64 = 80.0;

crate::choice! {
    pub enum Direction { Left, Right }
}

crate::params! {
    pub struct Params {
        text: String = text("Text", 300)
            .default("Welcome to the stream!  •  Follow for more  •  Next stream: Friday 8 pm")
            .describe("Scrolls until a set_text changes it."),
        speed: f64 = slider("Speed (px/s)", 20.0, 600.0, 10.0).default(120),
        direction: Direction = choice::<Direction>("Direction")
            .default("Left")
            .describe("Left: text enters from the right edge, like a news ticker."),
        label: String = text("Label", 16)
            .default("NEWS")
            .describe("A badge at the left end of the band; empty for none."),
        accent_color: String = color("Accent color").default("#9147FF"),
        text_color: String = color("Text color").default("#FFFFFF"),
        font: Font = choice::<Font>("Font").default("Sans"),
        font_size: f64 = slider("Font size (px)", 16.0, 120.0, 2.0).default(36),
        band_color: String = color("Band color").default("#12121E"),
        band_opacity: f64 = slider("Band opacity", 0.0, 1.0, 0.05)
            .default(0.85)
            .describe("0 shows the text without a band."),
    }
}

crate::features! {
    pub enum Feature for Params as _p {
        /// Replaces the scrolling text (kept across restarts); an empty message brings back the widget's Text.
        #[feature("set_text", "Set Text")]
        SetText { message: String = text("Message", 300) },
        /// Scrolls the text (the default).
        #[feature("start_scroll", "Start Scrolling")]
        StartScroll {},
        /// Stops the text where it starts, still readable.
        #[feature("stop_scroll", "Stop Scrolling")]
        StopScroll {},
    }
}

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct State {
    /// Set by `set_text`; `None` shows the Text parameter.
    text: Option<String>,
    /// Stopped by `stop_scroll` (absent = scrolling, so a new ticker moves at once).
    stopped: bool,
}

fn band_height(p: &Params) -> f64 {
    HEIGHT.max(p.font_size * 1.8)
}

/// The ticker's text, look and motion as element properties.
fn look(p: &Params, s: &State) -> Map {
    let height = band_height(p);
    props! {
        "text": s.text.clone().unwrap_or_else(|| p.text.clone()),
        "font_size": num_value(p.font_size),
        "font_family": look::font_family(p.font),
        "font_weight": 800,
        "color": p.text_color,
        "shadow": "soft",
        "ticker": {
            "speed": num_value(p.speed),
            "direction": p.direction.as_str().to_lowercase(),
            "running": !s.stopped,
            "gap": num_value((p.font_size * 2.5).round()),
        },
        "position": {"x": 0, "y": num_value(1080.0 - height), "z_index": 8},
        "size": {"width": 1920, "height": num_value(height)},
        "css": look::panel_css(&p.band_color, p.band_opacity, 0, props! {
            "border-top": format!("3px solid {}", p.accent_color),
            "padding-left": format!("{}px", label_width(p) + 24.0),
        }),
    }
}

fn label_size(p: &Params) -> f64 {
    (p.font_size * 0.8).round()
}

/// The badge's width for its text (0 without a label).
fn label_width(p: &Params) -> f64 {
    let n = p.label.trim().chars().count() as f64;
    if n == 0.0 {
        return 0.0;
    }
    (n * label_size(p) * 0.72 + label_size(p) * 1.8).round()
}

/// The badge at the band's left end, sized to its text (the ticker scrolls behind it).
fn label(p: &Params) -> Map {
    let height = band_height(p);
    let (size, width) = (label_size(p), label_width(p).max(1.0));
    props! {
        "text": p.label.trim(),
        "font_size": num_value(size),
        "font_family": look::font_family(p.font),
        "font_weight": 900,
        "color": "#FFFFFF",
        "align": "center",
        "shadow": "none",
        "position": {"x": 0, "y": num_value(1080.0 - height), "z_index": 9},
        "size": {"width": num_value(width), "height": num_value(height)},
        "css": {
            "display": "flex",
            "align-items": "center",
            "justify-content": "center",
            "letter-spacing": "0.12em",
            "background": p.accent_color,
            "box-shadow": "6px 0 18px rgba(0, 0, 0, 0.45)",
        },
    }
}

impl Widget for TextTickerWidget {
    const CLASS: &'static str = "TextTickerWidget";
    const DISPLAY_NAME: &'static str = "Text Ticker";
    const DESCRIPTION: &'static str = "A news-ticker band with text scrolling in a seamless loop: announcements, schedule, socials.";
    type Params = Params;
    type State = State;
    type Feature = Feature;

    fn elements(p: &Params) -> Vec<ElementTemplate> {
        vec![
            ElementTemplate::new(TICKER, ElementType::Text, look(p, &State::default()))
                .behavior(props! {
                    "entrance": {"type": "slide", "direction": "up", "duration": 0.5},
                    "exit": {"type": "fade", "duration": 0.4},
                })
                .visible(true),
            ElementTemplate::new(LABEL, ElementType::Text, label(p))
                .behavior(props! {
                    "entrance": {"type": "slide", "direction": "right", "duration": 0.5},
                    "exit": {"type": "fade", "duration": 0.4},
                })
                .visible(!p.label.trim().is_empty()),
        ]
    }

    fn run(feature: Feature, ctx: &Ctx<Self>) -> Out<Self> {
        let mut state = ctx.state.clone();
        match feature {
            Feature::SetText { message } => {
                let message = message.trim();
                state.text = (!message.is_empty()).then(|| message.to_string());
            }
            Feature::StartScroll {} => state.stopped = false,
            Feature::StopScroll {} => state.stopped = true,
        }
        Out::changes(vec![set_props(TICKER, look(ctx.params, &state))])
            .keep_boxes()
            .state(state)
    }

    fn parameters_changed(ctx: &Ctx<Self>) -> Out<Self> {
        let p = ctx.params;
        Out::changes(vec![
            set_props(TICKER, look(p, ctx.state)),
            set_props(LABEL, label(p)),
            set_visible(LABEL, !p.label.trim().is_empty()),
        ])
    }
}

#[cfg(test)]
mod tests {
    use crate::widgets::testing::Harness;
    use serde_json::json;

    #[test]
    fn a_new_ticker_scrolls_left_along_the_bottom_in_a_band() {
        let h = Harness::new("TextTickerWidget", json!({}));
        let p = &h.el("ticker_text").properties;
        assert!(h.el("ticker_text").visible);
        assert_eq!(
            p["ticker"],
            json!({"speed": 120, "direction": "left", "running": true, "gap": 90})
        );
        assert_eq!(p["size"]["width"], 1920);
        assert!(p["position"]["y"].as_f64().unwrap_or(0.0) > 900.0);
        assert!(
            p["css"]["background"]
                .as_str()
                .unwrap_or("")
                .starts_with("rgba(18, 18, 30")
        );
    }

    #[test]
    fn set_text_replaces_the_message_and_empty_brings_back_the_default() {
        let mut h = Harness::new("TextTickerWidget", json!({"text": "Hello"}));
        h.run(
            "set_text",
            json!({"message": "  Giveaway at 100 followers! "}),
        )
        .unwrap();
        assert_eq!(
            h.el("ticker_text").properties["text"],
            "Giveaway at 100 followers!"
        );
        h.run("set_text", json!({"message": ""})).unwrap();
        assert_eq!(h.el("ticker_text").properties["text"], "Hello");
        let e = h
            .run("set_text", json!({"message": "x".repeat(301)}))
            .unwrap_err();
        assert!(e.to_string().contains("message"), "{e}");
    }

    #[test]
    fn stop_and_start_scroll_keep_the_text_and_parameters_restyle() {
        let mut h = Harness::new("TextTickerWidget", json!({}));
        h.run("set_text", json!({"message": "Raid incoming"}))
            .unwrap();
        h.run("stop_scroll", json!({})).unwrap();
        assert_eq!(h.el("ticker_text").properties["ticker"]["running"], false);
        assert_eq!(h.el("ticker_text").properties["text"], "Raid incoming");
        h.run("start_scroll", json!({})).unwrap();
        assert_eq!(h.el("ticker_text").properties["ticker"]["running"], true);
        h.set_params(
            json!({"direction": "right", "speed": 300, "band_opacity": 0, "font": "Mono"}),
        )
        .unwrap();
        let p = &h.el("ticker_text").properties;
        assert_eq!(p["ticker"]["direction"], "right");
        assert_eq!(p["ticker"]["speed"], 300);
        assert!(p["css"].get("background").is_none(), "no band at opacity 0");
        assert!(
            p["font_family"]
                .as_str()
                .unwrap_or("")
                .contains("monospace")
        );
        assert_eq!(p["text"], "Raid incoming");
        assert!(h.el("ticker_label").visible);
        h.set_params(json!({"label": ""})).unwrap();
        assert!(!h.el("ticker_label").visible, "no badge without a label");
        assert!(h.set_params(json!({"speed": 5})).is_err());
        assert!(h.set_params(json!({"direction": "up"})).is_err());
    }

    #[test]
    fn features_leave_the_layout_the_streamer_made() {
        let mut h = Harness::new("TextTickerWidget", json!({}));
        let boxes = h.rearrange(-30.0, 25.0);
        assert!(!boxes.is_empty());
        h.run("set_text", json!({"message": "Hello"})).unwrap();
        h.assert_boxes(&boxes, "set_text");
        h.run("stop_scroll", json!({})).unwrap();
        h.assert_boxes(&boxes, "stop_scroll");
        h.run("start_scroll", json!({})).unwrap();
        h.assert_boxes(&boxes, "start_scroll");
    }
}
