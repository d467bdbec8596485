//! ImageSequenceWidget: a slideshow of media-library images — sponsors, fan art, highlights —
//! advancing every `interval` seconds by a stored follow-up (so it carries on after a
//! restart), wrapping around at either end. Two slots take turns so images cross-fade.

use super::look;
use super::typed::{Ctx, Out, Widget};
use super::{ElementTemplate, set_media};
use crate::media::MediaKind;
use crate::model::{ElementChange, ElementType, Map};
use crate::props;

pub struct ImageSequenceWidget;

const SLOTS: [&str; 2] = ["slide_a", "slide_b"];
const ADVANCE: &str = "advance";
const MAX_IMAGES: usize = 50;

crate::params! {
    pub struct Params {
        images: Vec<u64> = media_list("Images", MediaKind::Image, MAX_IMAGES)
            .default(Vec::<u64>::new())
            .describe("Shown in this order; the sequence wraps around at the end."),
        interval: f64 = slider("Interval (s)", 1.0, 120.0, 0.5).default(5),
        shadow: bool = checkbox("Shadow").default(true),
        shadow_color: String = color("Shadow color").default("#000000"),
    }
}

crate::features! {
    pub enum Feature for Params as _p {
        /// Plays the sequence from the image shown, one every Interval.
        #[feature("start_sequence", "Start")]
        Start {},
        /// Stops on the image shown.
        #[feature("pause_sequence", "Pause")]
        Pause {},
        /// The next image (after the last: the first).
        #[feature("next_image", "Next Image")]
        Next {},
        /// The image before (before the first: the last).
        #[feature("previous_image", "Previous Image")]
        Previous {},
    }
}

#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct State {
    /// Index in the Images parameter of the image shown.
    at: usize,
    playing: bool,
    /// The slot showing it (0 or 1).
    slot: usize,
}

fn look(p: &Params) -> Map {
    props! { "css": look::drop_shadow(p.shadow, &p.shadow_color) }
}

/// Shows image `s.at` in slot `s.slot`, hides the other slot, and (while playing) schedules
/// the next image; without images nothing shows and nothing is scheduled.
fn show(p: &Params, s: State) -> Out<ImageSequenceWidget> {
    let n = p.images.len();
    let s = State {
        at: if n == 0 { 0 } else { s.at % n },
        ..s
    };
    let mut shown = set_media(SLOTS[s.slot], "image", p.images.get(s.at).copied());
    shown.visible = Some(n > 0);
    shown.properties = look(p);
    let hidden = ElementChange {
        name: SLOTS[1 - s.slot].into(),
        visible: Some(false),
        properties: look(p),
        ..ElementChange::default()
    };
    let playing = s.playing && n > 1;
    let out = Out::changes(vec![shown, hidden]).state(s);
    if playing {
        out.call_after(
            ADVANCE,
            (p.interval * 1000.0).round() as u64,
            Feature::Next {},
        )
    } else {
        out.cancel(ADVANCE)
    }
}

impl Widget for ImageSequenceWidget {
    const CLASS: &'static str = "ImageSequenceWidget";
    const DISPLAY_NAME: &'static str = "Image Sequence";
    const DESCRIPTION: &'static str =
        "A slideshow of library images — sponsors, fan art, highlights — cross-fading on a timer.";
    type Params = Params;
    type State = State;
    type Feature = Feature;

    fn elements(p: &Params) -> Vec<ElementTemplate> {
        SLOTS
            .iter()
            .map(|name| {
                let mut properties = look(p);
                properties.extend(props! {
                    "media_roles": ["image"],
                    "position": {"x": 40, "y": 240, "z_index": 5},
                    "size": {"width": 560, "height": 315},
                });
                ElementTemplate::new(*name, ElementType::Image, properties).behavior(props! {
                    "entrance": {"type": "fade", "duration": 0.6},
                    "exit": {"type": "fade", "duration": 0.6},
                })
            })
            .collect()
    }

    fn run(feature: Feature, ctx: &Ctx<Self>) -> Out<Self> {
        let (p, mut s) = (ctx.params, ctx.state.clone());
        let n = p.images.len().max(1);
        match feature {
            Feature::Start {} => s.playing = true,
            Feature::Pause {} => s.playing = false,
            Feature::Next {} => (s.at, s.slot) = ((s.at + 1) % n, 1 - s.slot),
            Feature::Previous {} => (s.at, s.slot) = ((s.at + n - 1) % n, 1 - s.slot),
        }
        show(p, s)
    }

    fn parameters_changed(ctx: &Ctx<Self>) -> Out<Self> {
        show(ctx.params, ctx.state.clone())
    }
}

#[cfg(test)]
mod tests {
    use crate::media::MediaKind;
    use crate::widgets::testing::Harness;
    use serde_json::json;

    fn slideshow(images: &[u64]) -> Harness {
        let mut h = Harness::new("ImageSequenceWidget", json!({"interval": 2}));
        for id in images {
            h.add_media(*id, MediaKind::Image);
        }
        h
    }

    /// The image on screen (the one visible slot's media).
    fn shown(h: &Harness) -> Option<u64> {
        let visible: Vec<_> = ["slide_a", "slide_b"]
            .iter()
            .map(|n| h.el(n))
            .filter(|e| e.visible)
            .collect();
        assert!(visible.len() <= 1, "one slot at a time");
        visible.first().and_then(|e| e.media.get("image").copied())
    }

    #[test]
    fn next_and_previous_wrap_around_at_both_ends() {
        let mut h = slideshow(&[11, 12, 13]);
        h.set_params(json!({"images": [11, 12, 13]})).unwrap();
        assert_eq!(shown(&h), Some(11));
        h.run("previous_image", json!({})).unwrap();
        assert_eq!(shown(&h), Some(13), "before the first: the last");
        h.run("next_image", json!({})).unwrap();
        assert_eq!(shown(&h), Some(11), "after the last: the first");
        h.run("next_image", json!({})).unwrap();
        assert_eq!(shown(&h), Some(12));
        // Without images nothing shows and nothing breaks.
        let mut h = slideshow(&[]);
        h.run("next_image", json!({})).unwrap();
        h.run("start_sequence", json!({})).unwrap();
        assert_eq!(shown(&h), None);
        assert!(h.pending.is_empty());
    }

    #[test]
    fn start_plays_by_stored_follow_ups_and_pause_stops_on_the_image() {
        let mut h = slideshow(&[1, 2]);
        h.set_params(json!({"images": [1, 2]})).unwrap();
        h.run("start_sequence", json!({})).unwrap();
        assert_eq!(h.pending.len(), 1);
        assert_eq!(h.pending[0].after_ms, 2000);
        h.fire("advance").unwrap();
        assert_eq!(shown(&h), Some(2));
        h.fire("advance").unwrap();
        assert_eq!(shown(&h), Some(1), "wraps while playing");
        assert_eq!(h.pending.len(), 1, "always the next one pending");
        h.run("pause_sequence", json!({})).unwrap();
        assert!(h.pending.is_empty());
        assert_eq!(shown(&h), Some(1));
    }

    #[test]
    fn images_must_be_library_images() {
        let mut h = slideshow(&[1]);
        h.add_media(2, MediaKind::Video);
        let e = h.set_params(json!({"images": [1, 2]})).unwrap_err();
        assert!(e.message.contains("media 2 is a video"), "{}", e.message);
        assert!(
            h.set_params(json!({"images": [1, 7]})).is_err(),
            "not in the library"
        );
        h.set_params(json!({"images": [1, 1]})).unwrap();
        assert_eq!(h.params["images"], json!([1]), "no repeats");
        assert!(h.set_params(json!({"images": "1"})).is_err());
        assert!(h.set_params(json!({"interval": 0})).is_err());
    }
}
