//! VideoPlayerWidget: plays a clip from the media library on stream — an intro, a replay, a
//! meme — and hides it when the clip ends unless it loops (the overlay's `hide_on_end`, so
//! nothing has to know the clip's length).

use super::look;
use super::params::num_value;
use super::typed::{Ctx, Out, Widget};
use super::{ElementTemplate, set_media, set_props, set_visible};
use crate::media::MediaKind;
use crate::model::{ElementType, Map};
use crate::props;

pub struct VideoPlayerWidget;

const VIDEO: &str = "video";

crate::params! {
    pub struct Params {
        loop_video: bool = checkbox("Loop")
            .default(false)
            .describe("Off: the video hides itself when the clip ends."),
        muted: bool = checkbox("Muted").default(false),
        volume: f64 = slider("Volume", 0.0, 1.0, 0.05).default(1),
        shadow: bool = checkbox("Shadow").default(true),
        shadow_color: String = color("Shadow color").default("#000000"),
    }
}

crate::features! {
    pub enum Feature for Params as _p {
        /// Plays this clip from the start (replacing one that plays).
        #[feature("play_video", "Play Video")]
        Play { video_file: u64 = media("Video", MediaKind::Video) },
        /// Stops and hides the video.
        #[feature("stop_video", "Stop Video")]
        Stop {},
        /// Holds the current frame; pressed again, the clip continues from there.
        #[feature("pause_video", "Pause / Resume")]
        Pause {},
    }
}

#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct State {
    paused: bool,
}

/// Playback and look as element properties.
fn look(p: &Params, paused: bool) -> Map {
    props! {
        "loop": p.loop_video,
        "hide_on_end": !p.loop_video,
        "muted": p.muted,
        "volume": num_value(p.volume),
        "paused": paused,
        "css": look::drop_shadow(p.shadow, &p.shadow_color),
    }
}

impl Widget for VideoPlayerWidget {
    const CLASS: &'static str = "VideoPlayerWidget";
    const DISPLAY_NAME: &'static str = "Video Player";
    const DESCRIPTION: &'static str =
        "Plays a clip from your media library — intro, replay, meme — and hides when it ends.";
    type Params = Params;
    type State = State;
    type Feature = Feature;

    fn elements(p: &Params) -> Vec<ElementTemplate> {
        let mut properties = look(p, false);
        properties.extend(props! {
            "media_roles": ["video"],
            "autoplay": true,
            "trigger_id": 0,
            "position": {"x": 1240, "y": 590, "z_index": 5},
            "size": {"width": 640, "height": 360},
        });
        let behavior = props! {
            "entrance": {"type": "scale", "duration": 0.4},
            "exit": {"type": "fade", "duration": 0.4},
        };
        vec![ElementTemplate::new(VIDEO, ElementType::Video, properties).behavior(behavior)]
    }

    fn run(feature: Feature, ctx: &Ctx<Self>) -> Out<Self> {
        let p = ctx.params;
        match feature {
            Feature::Play { video_file } => {
                let mut change = set_media(VIDEO, "video", Some(video_file));
                change.visible = Some(true);
                change.properties = look(p, false);
                // A new trigger replays from the start even when the element is already shown.
                let trigger = ctx.next_trigger(VIDEO);
                change
                    .properties
                    .insert("trigger_id".into(), trigger.into());
                Out::changes(vec![change]).state(State { paused: false })
            }
            Feature::Stop {} => {
                let mut change = set_visible(VIDEO, false);
                change.properties = look(p, false);
                Out::changes(vec![change]).state(State { paused: false })
            }
            Feature::Pause {} => {
                let paused = !ctx.state.paused;
                Out::changes(vec![set_props(VIDEO, look(p, paused))]).state(State { paused })
            }
        }
    }

    fn parameters_changed(ctx: &Ctx<Self>) -> Out<Self> {
        Out::changes(vec![set_props(VIDEO, look(ctx.params, ctx.state.paused))])
    }
}

#[cfg(test)]
mod tests {
    use crate::media::MediaKind;
    use crate::widgets::testing::Harness;
    use serde_json::json;

    fn player(params: serde_json::Value) -> Harness {
        let mut h = Harness::new("VideoPlayerWidget", params);
        h.add_media(3, MediaKind::Video);
        h.add_media(4, MediaKind::Image);
        h
    }

    #[test]
    fn play_video_shows_the_clip_from_the_start_and_hides_it_at_the_end() {
        let mut h = player(json!({}));
        h.run("play_video", json!({"video_file": 3})).unwrap();
        let e = h.el("video");
        assert!(e.visible);
        assert_eq!(e.media.get("video"), Some(&3));
        assert_eq!(e.properties["hide_on_end"], true);
        assert_eq!(e.properties["loop"], false);
        assert_eq!(e.properties["trigger_id"], 1);
        h.run("play_video", json!({"video_file": 3})).unwrap();
        assert_eq!(
            h.el("video").properties["trigger_id"],
            2,
            "again: from the start"
        );
        let e = h.run("play_video", json!({"video_file": 4})).unwrap_err();
        assert!(e.to_string().contains("video_file"), "{e}");
    }

    #[test]
    fn a_looping_clip_never_hides_itself() {
        let mut h = player(json!({"loop_video": true, "muted": true}));
        h.run("play_video", json!({"video_file": 3})).unwrap();
        let p = &h.el("video").properties;
        assert_eq!(
            (
                p["loop"].as_bool(),
                p["hide_on_end"].as_bool(),
                p["muted"].as_bool()
            ),
            (Some(true), Some(false), Some(true))
        );
    }

    #[test]
    fn pause_toggles_and_stop_hides() {
        let mut h = player(json!({}));
        h.run("play_video", json!({"video_file": 3})).unwrap();
        h.run("pause_video", json!({})).unwrap();
        assert_eq!(h.el("video").properties["paused"], true);
        assert!(h.el("video").visible, "paused: the frame stays");
        h.run("pause_video", json!({})).unwrap();
        assert_eq!(h.el("video").properties["paused"], false);
        h.run("pause_video", json!({})).unwrap();
        h.run("stop_video", json!({})).unwrap();
        assert!(!h.el("video").visible);
        assert_eq!(
            h.el("video").properties["paused"],
            false,
            "the next play starts unpaused"
        );
        h.set_params(json!({"volume": 0.5})).unwrap();
        assert_eq!(h.el("video").properties["volume"], 0.5);
    }
}
