//! CurrentGameWidget: a "Now playing" card with the game's name and box art (a library image,
//! or a controller icon without one), set by a command or chat and cleared between games.

use super::look::{self, Font, Line};
use super::typed::{Ctx, Out, Widget};
use super::{ElementTemplate, icons, set_media};
use crate::media::MediaKind;
use crate::model::{ElementChange, ElementType, Map};
use crate::props;
use serde_json::Value;

pub struct CurrentGameWidget;

const PANEL: &str = "card";
const ART: &str = "box_art";
const LABEL: &str = "label_text";
const NAME: &str = "game_text";
/// The card on the 1920×1080 stage: top left.
const X: f64 = 40.0;
const Y: f64 = 40.0;
const W: f64 = 560.0;
const H: f64 = 150.0;

crate::params! {
    pub struct Params {
        label: String = text("Label", 30).default("Now playing"),
        text_color: String = color("Text color").default("#FFFFFF"),
        accent_color: String = color("Accent color").default("#9147FF"),
        panel_color: String = color("Card color").default("#12121E"),
        panel_opacity: f64 = slider("Card opacity", 0.0, 1.0, 0.05).default(0.85),
        font: Font = choice::<Font>("Font").default("Sans"),
    }
}

crate::features! {
    pub enum Feature for Params as _p {
        /// Shows the game, with its box art when an image is given.
        #[feature("set_game", "Set Game")]
        SetGame {
            game_name: String = text("Game", 80),
            image: Option<u64> = media("Box art", MediaKind::Image).optional(),
        },
        /// Hides the card.
        #[feature("clear_game", "Clear Game")]
        ClearGame {},
    }
}

#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct State {
    game: Option<String>,
}

/// The card's elements for `game` (hidden without one).
fn render(p: &Params, game: Option<&str>) -> Vec<ElementChange> {
    let shown = Some(game.is_some());
    let line = Line::new(p.font, 18.0, &p.accent_color).weight(800);
    let mut label = line.at(
        &p.label.to_uppercase(),
        [X + 136.0, Y + 26.0, W - 156.0, 26.0],
        8,
    );
    label.insert(
        "css".into(),
        props! { "letter-spacing": "0.16em", "line-height": "26px" }.into(),
    );
    let mut name = line.size(36.0).weight(900).color(&p.text_color).at(
        game.unwrap_or(""),
        [X + 136.0, Y + 54.0, W - 156.0, 84.0],
        8,
    );
    // Long titles wrap to two lines instead of being cut.
    name.insert("line_clamp".into(), 2.into());
    name.insert(
        "css".into(),
        props! { "line-height": "1.15", "display": "flex", "align-items": "center" }.into(),
    );
    let panel = props! {
        "text": "",
        "position": {"x": X, "y": Y, "z_index": 6},
        "size": {"width": W, "height": H},
        "css": look::panel_css(&p.panel_color, p.panel_opacity, 18, props! {
            "border-left": format!("5px solid {}", p.accent_color),
        }),
    };
    [(PANEL, panel), (LABEL, label), (NAME, name)]
        .into_iter()
        .map(|(n, properties)| ElementChange {
            name: n.into(),
            visible: shown,
            properties,
            ..ElementChange::default()
        })
        .collect()
}

/// The box art: the library image, or the controller icon in its place.
fn art(image: Option<u64>, shown: bool) -> ElementChange {
    let mut c = set_media(ART, "image", image);
    c.visible = Some(shown);
    c.properties = props! {
        "src": if image.is_some() { Value::Null } else { icons::platform("gamepad").into() },
        "position": {"x": X + 20.0, "y": Y + 15.0, "z_index": 7},
        "size": {"width": 96, "height": 120},
        "css": {"filter": "drop-shadow(0 4px 10px rgba(0, 0, 0, 0.5))"},
    };
    c
}

impl Widget for CurrentGameWidget {
    const CLASS: &'static str = "CurrentGameWidget";
    const DISPLAY_NAME: &'static str = "Current Game";
    const DESCRIPTION: &'static str = "A \"Now playing\" card with the game's name and box art.";
    type Params = Params;
    type State = State;
    type Feature = Feature;

    fn elements(p: &Params) -> Vec<ElementTemplate> {
        let slide = props! {
            "entrance": {"type": "slide", "direction": "right", "duration": 0.5, "easing": "back"},
            "exit": {"type": "fade", "duration": 0.4},
        };
        let els = vec![
            ElementTemplate::new(PANEL, ElementType::Text, Map::new()).behavior(slide.clone()),
            ElementTemplate::new(ART, ElementType::Image, props! { "media_roles": ["image"] })
                .behavior(slide.clone()),
            ElementTemplate::new(LABEL, ElementType::Text, Map::new()).behavior(slide.clone()),
            ElementTemplate::new(NAME, ElementType::Text, Map::new()).behavior(slide),
        ];
        let mut changes = render(p, None);
        changes.push(art(None, false));
        super::with_changes(els, &changes)
    }

    fn run(feature: Feature, ctx: &Ctx<Self>) -> Out<Self> {
        let p = ctx.params;
        match feature {
            Feature::SetGame { game_name, image } => {
                let game = game_name.trim().to_string();
                let mut changes = render(p, Some(&game));
                changes.push(art(image, true));
                Out::changes(changes)
                    .keep_boxes()
                    .state(State { game: Some(game) })
            }
            Feature::ClearGame {} => {
                let mut changes = render(p, None);
                changes.push(art(None, false));
                Out::changes(changes).keep_boxes().state(State::default())
            }
        }
    }

    fn parameters_changed(ctx: &Ctx<Self>) -> Out<Self> {
        Out::changes(render(ctx.params, ctx.state.game.as_deref()))
    }
}

#[cfg(test)]
mod tests {
    use crate::media::MediaKind;
    use crate::widgets::testing::Harness;
    use serde_json::json;

    #[test]
    fn set_game_shows_the_name_with_its_box_art_or_a_controller() {
        let mut h = Harness::new("CurrentGameWidget", json!({}));
        assert!(!h.el("card").visible, "no game yet: no card");
        h.add_media(8, MediaKind::Image);
        h.run(
            "set_game",
            json!({"game_name": " Hollow Knight ", "image": 8}),
        )
        .unwrap();
        assert!(h.el("card").visible && h.el("box_art").visible && h.el("game_text").visible);
        assert_eq!(h.el("game_text").properties["text"], "Hollow Knight");
        assert_eq!(h.el("label_text").properties["text"], "NOW PLAYING");
        assert_eq!(h.el("box_art").media.get("image"), Some(&8));
        assert!(h.el("box_art").properties.get("src").is_none());
        h.run("set_game", json!({"game_name": "Celeste"})).unwrap();
        assert!(
            h.el("box_art").media.is_empty(),
            "no art given: the old one goes"
        );
        assert!(
            h.el("box_art").properties["src"]
                .as_str()
                .unwrap_or("")
                .starts_with("data:image/svg+xml,")
        );
    }

    #[test]
    fn bad_input_names_the_parameter() {
        let mut h = Harness::new("CurrentGameWidget", json!({}));
        h.add_media(2, MediaKind::Audio);
        for (args, field) in [
            (json!({"game_name": "x", "image": 2}), "image"),
            (json!({"game_name": "x", "image": 3}), "image"),
            (json!({}), "game_name"),
            (json!({"game_name": "x".repeat(81)}), "game_name"),
        ] {
            let e = h.run("set_game", args).unwrap_err();
            assert!(e.to_string().contains(field), "{e}");
        }
    }

    #[test]
    fn clear_game_hides_the_card_and_restyling_keeps_the_game() {
        let mut h = Harness::new("CurrentGameWidget", json!({}));
        h.run("set_game", json!({"game_name": "Elden Ring"}))
            .unwrap();
        h.set_params(json!({"label": "Playing", "accent_color": "#FF0000"}))
            .unwrap();
        assert_eq!(h.el("label_text").properties["text"], "PLAYING");
        assert_eq!(h.el("game_text").properties["text"], "Elden Ring");
        assert!(h.el("card").visible);
        h.run("clear_game", json!({})).unwrap();
        assert!(
            ["card", "box_art", "label_text", "game_text"]
                .iter()
                .all(|n| !h.el(n).visible)
        );
        assert_eq!(h.state, serde_json::Map::new());
    }

    #[test]
    fn features_leave_the_layout_the_streamer_made() {
        let mut h = Harness::new("CurrentGameWidget", json!({}));
        let boxes = h.rearrange(-30.0, 25.0);
        assert!(!boxes.is_empty());
        h.run("set_game", json!({"game_name": "Celeste"})).unwrap();
        h.assert_boxes(&boxes, "set_game");
        h.run("clear_game", json!({})).unwrap();
        h.assert_boxes(&boxes, "clear_game");
        h.run("set_game", json!({"game_name": "Hades"})).unwrap();
        h.assert_boxes(&boxes, "set_game");
    }
}
