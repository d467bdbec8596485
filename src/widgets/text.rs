//! TextWidget: a styled title on screen — "Be Right Back", "Starting Soon", a schedule line —
//! that chat or a hotkey can change, show and hide.

use super::typed::{Ctx, Out, Widget};
use super::{ElementTemplate, set_props, set_visible};
use crate::model::{ElementType, Map};
use crate::props;

pub struct TextWidget;

const TITLE: &str = "title";

crate::choice! {
    pub enum Weight { Regular, Bold, Black }
}

crate::choice! {
    pub enum Align { Left, Center, Right }
}

crate::choice! {
    pub enum Shadow { None, Soft, Strong, Glow }
}

crate::params! {
    pub struct Params {
        text: String = text("Text", 200)
            .default("Be Right Back")
            .describe("Shown until a set_text changes it."),
        font_size: f64 = slider("Font size (px)", 16.0, 240.0, 2.0).default(96),
        color: String = color("Text color").default("#FFFFFF"),
        weight: Weight = choice::<Weight>("Weight").default("Black"),
        align: Align = choice::<Align>("Alignment").default("Center"),
        outline: bool = checkbox("Outline")
            .default(true)
            .describe("A dark edge that keeps the text readable over bright game footage."),
        shadow: Shadow = choice::<Shadow>("Shadow").default("Soft"),
    }
}

crate::features! {
    pub enum Feature for Params as _p {
        /// Replaces the text (kept across restarts); an empty message brings back the widget's Text.
        #[feature("set_text", "Set Text")]
        SetText { message: String = text("Message", 200) },
        #[feature("show", "Show")]
        Show {},
        #[feature("hide", "Hide")]
        Hide {},
    }
}

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct State {
    /// The text set by `set_text`; `None` shows the widget's Text parameter.
    text: Option<String>,
}

fn weight(w: Weight) -> u32 {
    match w {
        Weight::Regular => 500,
        Weight::Bold => 700,
        Weight::Black => 900,
    }
}

/// The title's look and text, as element properties.
fn look(p: &Params, s: &State) -> Map {
    props! {
        "text": s.text.clone().unwrap_or_else(|| p.text.clone()),
        "font_size": p.font_size,
        "color": p.color,
        "font_weight": weight(p.weight),
        "align": p.align.as_str().to_lowercase(),
        "stroke": p.outline,
        "shadow": p.shadow.as_str().to_lowercase(),
        "line_clamp": 3,
    }
}

impl Widget for TextWidget {
    const CLASS: &'static str = "TextWidget";
    const DISPLAY_NAME: &'static str = "Text";
    const DESCRIPTION: &'static str =
        "A styled title for break, starting-soon and ending screens; chat can change it.";
    type Params = Params;
    type State = State;
    type Feature = Feature;

    fn elements(p: &Params) -> Vec<ElementTemplate> {
        let mut properties = look(p, &State::default());
        properties.extend(props! {
            "position": {"x": 160, "y": 250, "z_index": 6},
            "size": {"width": 1600, "height": 220},
        });
        vec![
            ElementTemplate::new(TITLE, ElementType::Text, properties)
                .behavior(props! {
                    "entrance": {"type": "slide", "direction": "up", "duration": 0.5, "easing": "back"},
                    "exit": {"type": "fade", "duration": 0.4},
                })
                .visible(true),
        ]
    }

    fn run(feature: Feature, ctx: &Ctx<Self>) -> Out<Self> {
        match feature {
            Feature::SetText { message } => {
                let message = message.trim();
                let state = State {
                    text: (!message.is_empty()).then(|| message.to_string()),
                };
                Out::changes(vec![set_props(TITLE, look(ctx.params, &state))]).state(state)
            }
            Feature::Show {} => Out::changes(vec![set_visible(TITLE, true)]),
            Feature::Hide {} => Out::changes(vec![set_visible(TITLE, false)]),
        }
    }

    fn parameters_changed(ctx: &Ctx<Self>) -> Out<Self> {
        Out::changes(vec![set_props(TITLE, look(ctx.params, ctx.state))])
    }
}

#[cfg(test)]
mod tests {
    use crate::widgets::testing::Harness;
    use serde_json::json;

    #[test]
    fn set_text_shows_the_message_and_an_empty_one_brings_back_the_default() {
        let mut h = Harness::new("TextWidget", json!({}));
        assert_eq!(h.el("title").properties["text"], "Be Right Back");
        assert!(h.el("title").visible);
        h.run("set_text", json!({"message": "  Back in 5 minutes "}))
            .unwrap();
        assert_eq!(h.el("title").properties["text"], "Back in 5 minutes");
        h.run("set_text", json!({"message": ""})).unwrap();
        assert_eq!(h.el("title").properties["text"], "Be Right Back");
        let e = h.run("set_text", json!({})).unwrap_err();
        assert!(e.to_string().contains("message"), "{e}");
    }

    #[test]
    fn show_hide_and_restyling_keep_the_set_text() {
        let mut h = Harness::new("TextWidget", json!({"align": "left", "weight": "bold"}));
        assert_eq!(h.el("title").properties["align"], "left");
        assert_eq!(h.el("title").properties["font_weight"], 700);
        h.run("hide", json!({})).unwrap();
        assert!(!h.el("title").visible);
        h.run("show", json!({})).unwrap();
        assert!(h.el("title").visible);
        h.run("set_text", json!({"message": "Stream starting soon"}))
            .unwrap();
        h.set_params(json!({"font_size": 120, "shadow": "glow"}))
            .unwrap();
        let p = &h.el("title").properties;
        assert_eq!(
            (
                p["text"].as_str(),
                p["font_size"].as_f64(),
                p["shadow"].as_str()
            ),
            (Some("Stream starting soon"), Some(120.0), Some("glow"))
        );
        assert!(h.set_params(json!({"align": "middle"})).is_err());
    }
}
