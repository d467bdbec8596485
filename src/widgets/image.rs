//! ImageWidget: one picture from the media library — a logo, a "be right back" card, a meme —
//! that chat or a hotkey swaps, shows and hides. The file is the element's `image` role, so
//! the media library knows it is in use.

use super::look;
use super::typed::{Ctx, NoState, Out, Widget};
use super::{ElementTemplate, set_media, set_props, set_visible};
use crate::media::MediaKind;
use crate::model::{ElementType, Map};
use crate::props;

pub struct ImageWidget;

const IMAGE: &str = "image";

crate::params! {
    pub struct Params {
        shadow: bool = checkbox("Shadow")
            .default(true)
            .describe("A soft shadow that follows the picture's outline."),
        shadow_color: String = color("Shadow color").default("#000000"),
    }
}

crate::features! {
    pub enum Feature for Params as _p {
        /// Shows this image (replacing the one before).
        #[feature("set_image", "Set Image")]
        SetImage { media: u64 = media("Image", MediaKind::Image) },
        #[feature("show", "Show")]
        Show {},
        #[feature("hide", "Hide")]
        Hide {},
    }
}

fn look(p: &Params) -> Map {
    props! { "css": look::drop_shadow(p.shadow, &p.shadow_color) }
}

impl Widget for ImageWidget {
    const CLASS: &'static str = "ImageWidget";
    const DISPLAY_NAME: &'static str = "Image";
    const DESCRIPTION: &'static str =
        "A picture from your media library — logo, break card, meme — to swap, show and hide.";
    type Params = Params;
    type State = NoState;
    type Feature = Feature;

    fn elements(p: &Params) -> Vec<ElementTemplate> {
        let mut properties = look(p);
        properties.extend(props! {
            "media_roles": ["image"],
            "position": {"x": 560, "y": 200, "z_index": 5},
            "size": {"width": 800, "height": 500},
        });
        vec![
            ElementTemplate::new(IMAGE, ElementType::Image, properties).behavior(props! {
                "entrance": {"type": "pop", "duration": 0.5},
                "exit": {"type": "fade", "duration": 0.35},
            }),
        ]
    }

    fn run(feature: Feature, _ctx: &Ctx<Self>) -> Out<Self> {
        match feature {
            Feature::SetImage { media } => {
                let mut change = set_media(IMAGE, "image", Some(media));
                change.visible = Some(true);
                Out::changes(vec![change])
            }
            Feature::Show {} => Out::changes(vec![set_visible(IMAGE, true)]),
            Feature::Hide {} => Out::changes(vec![set_visible(IMAGE, false)]),
        }
    }

    fn parameters_changed(ctx: &Ctx<Self>) -> Out<Self> {
        Out::changes(vec![set_props(IMAGE, look(ctx.params))])
    }
}

#[cfg(test)]
mod tests {
    use crate::media::MediaKind;
    use crate::widgets::testing::Harness;
    use serde_json::json;

    #[test]
    fn set_image_puts_the_file_in_the_image_role_and_shows_it() {
        let mut h = Harness::new("ImageWidget", json!({}));
        assert!(!h.el("image").visible, "nothing to show yet");
        h.add_media(4, MediaKind::Image);
        h.run("set_image", json!({"media": 4})).unwrap();
        assert_eq!(h.el("image").media.get("image"), Some(&4));
        assert!(h.el("image").visible);
        assert!(
            h.el("image").properties["css"]["filter"]
                .as_str()
                .unwrap_or("")
                .contains("drop-shadow")
        );
    }

    #[test]
    fn set_image_refuses_missing_files_and_other_kinds() {
        let mut h = Harness::new("ImageWidget", json!({}));
        h.add_media(5, MediaKind::Audio);
        for bad in [json!({"media": 5}), json!({"media": 99}), json!({})] {
            let e = h.run("set_image", bad).unwrap_err();
            assert!(e.to_string().contains("media"), "{e}");
        }
        assert!(h.el("image").media.is_empty());
    }

    #[test]
    fn show_hide_and_the_shadow() {
        let mut h = Harness::new("ImageWidget", json!({}));
        h.run("show", json!({})).unwrap();
        assert!(h.el("image").visible);
        h.run("hide", json!({})).unwrap();
        assert!(!h.el("image").visible);
        h.set_params(json!({"shadow": false})).unwrap();
        assert!(h.el("image").properties.get("css").is_none());
    }
}
