//! SoundBoardWidget: plays sounds from the media library — airhorn, drum roll, laugh track —
//! on command. Sounds may overlap: each play takes the next of a few audio elements in turn
//! (round robin), so a new sound never cuts off the one before. A small badge names what plays.

use super::look::{self, Font, Line};
use super::params::num_value;
use super::typed::{Ctx, Out, Widget};
use super::{ElementTemplate, set_media, set_visible};
use crate::media::MediaKind;
use crate::model::{ElementChange, ElementType, Map};
use crate::props;

pub struct SoundBoardWidget;

/// Sounds that can play at once.
const VOICES: usize = 4;
const BADGE: &str = "now_playing";
const HIDE_BADGE: &str = "hide_badge";
/// How long a sound whose length the library does not know is left to play.
const UNKNOWN_LENGTH_MS: u64 = 60_000;

crate::params! {
    pub struct Params {
        volume: f64 = slider("Master volume", 0.0, 1.0, 0.05)
            .default(1)
            .describe("Multiplies each sound's own volume."),
        show_badge: bool = checkbox("Show what plays")
            .default(true)
            .describe("A small badge with the sound's name while it starts."),
        badge_seconds: f64 = slider("Badge time (s)", 1.0, 10.0, 0.5).default(3),
        text_color: String = color("Badge text color").default("#FFFFFF"),
        panel_color: String = color("Badge color").default("#12121E"),
        font: Font = choice::<Font>("Font").default("Sans"),
    }
}

crate::features! {
    pub enum Feature for Params as _p {
        /// Plays a sound from the library (over any that still play).
        #[feature("play_sound", "Play Sound")]
        Play {
            sound_file: u64 = media("Sound", MediaKind::Audio),
            volume: f64 = slider("Volume", 0.0, 1.0, 0.05).default(1),
        },
        /// Silences every sound at once.
        #[feature("stop_all_sounds", "Stop All Sounds")]
        StopAll {},
    }
}

#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct State {
    /// The voice the next sound takes.
    next: usize,
}

fn voice(i: usize) -> String {
    format!("sound_{}", i + 1)
}

fn badge(p: &Params, name: &str) -> Map {
    let line = Line::new(p.font, 24.0, &p.text_color)
        .weight(800)
        .align("center");
    let mut props = line.at(&format!("\u{266A}  {name}"), [760.0, 40.0, 400.0, 56.0], 9);
    let extra = props! { "padding": "0 20px", "line-height": "56px" };
    let css = look::panel_css(&p.panel_color, 0.85, 28, extra);
    props.insert("css".into(), css);
    props
}

impl Widget for SoundBoardWidget {
    const CLASS: &'static str = "SoundBoardWidget";
    const DISPLAY_NAME: &'static str = "Sound Board";
    const DESCRIPTION: &'static str =
        "Plays sounds from your media library on command; several can play at once.";
    type Params = Params;
    type State = State;
    type Feature = Feature;

    fn elements(p: &Params) -> Vec<ElementTemplate> {
        let mut els: Vec<ElementTemplate> = (0..VOICES)
            .map(|i| {
                let props = props! { "media_roles": ["audio"], "volume": 1, "trigger_id": 0 };
                ElementTemplate::new(voice(i), ElementType::Audio, props)
            })
            .collect();
        els.push(ElementTemplate::new(BADGE, ElementType::Text, badge(p, "")).behavior(props! {
            "entrance": {"type": "slide", "direction": "down", "duration": 0.4, "easing": "back"},
            "exit": {"type": "fade", "duration": 0.4},
        }));
        els
    }

    fn run(feature: Feature, ctx: &Ctx<Self>) -> Out<Self> {
        let p = ctx.params;
        match feature {
            Feature::Play { sound_file, volume } => {
                let i = ctx.state.next % VOICES;
                let name = voice(i);
                let mut play = set_media(&name, "audio", Some(sound_file));
                play.visible = Some(true);
                play.properties = props! {
                    "volume": num_value(((volume * p.volume) * 100.0).round() / 100.0),
                    "trigger_id": ctx.next_trigger(&name),
                };
                // The voice is hidden once the sound is over, so an overlay reload (which plays
                // every shown audio element) does not replay it.
                let length = ctx.media.media_duration_ms(sound_file);
                let end = length.unwrap_or(UNKNOWN_LENGTH_MS) + 250;
                let next = State {
                    next: (i + 1) % VOICES,
                };
                let mut out = Out::changes(vec![play]).state(next).change_after(
                    format!("end_{name}"),
                    end,
                    vec![set_visible(&name, false)],
                );
                if p.show_badge {
                    let title = ctx
                        .media
                        .media_name(sound_file)
                        .unwrap_or_else(|| "Sound".into());
                    out.changes.push(ElementChange {
                        name: BADGE.into(),
                        visible: Some(true),
                        properties: badge(p, &title),
                        ..ElementChange::default()
                    });
                    let after = (p.badge_seconds * 1000.0).round() as u64;
                    out = out.change_after(HIDE_BADGE, after, vec![set_visible(BADGE, false)]);
                }
                out.keep_boxes()
            }
            Feature::StopAll {} => {
                let mut changes: Vec<ElementChange> =
                    (0..VOICES).map(|i| set_visible(&voice(i), false)).collect();
                changes.push(set_visible(BADGE, false));
                let mut out = Out::changes(changes).cancel(HIDE_BADGE);
                for i in 0..VOICES {
                    out = out.cancel(format!("end_{}", voice(i)));
                }
                out.keep_boxes()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::media::MediaKind;
    use crate::widgets::testing::Harness;
    use serde_json::json;

    fn board(params: serde_json::Value) -> Harness {
        let mut h = Harness::new("SoundBoardWidget", params);
        for id in [1, 2] {
            h.add_media(id, MediaKind::Audio);
        }
        h.add_media(9, MediaKind::Image);
        h
    }

    #[test]
    fn sounds_overlap_by_taking_the_voices_in_turn() {
        let mut h = board(json!({"volume": 0.5}));
        for (n, id) in [1, 2, 1, 2, 1].iter().enumerate() {
            h.run("play_sound", json!({"sound_file": id, "volume": 0.8}))
                .unwrap();
            let v = format!("sound_{}", n % 4 + 1);
            assert!(h.el(&v).visible);
            assert_eq!(h.el(&v).media.get("audio"), Some(id));
            assert_eq!(h.el(&v).properties["volume"], 0.4, "own volume × master");
        }
        assert!(h.el("sound_2").visible, "the earlier sounds keep playing");
        assert_eq!(
            h.el("sound_1").properties["trigger_id"],
            2,
            "voice 1 again: replayed"
        );
        let e = h.run("play_sound", json!({"sound_file": 9})).unwrap_err();
        assert!(e.to_string().contains("sound_file"), "{e}");
        assert!(
            h.run("play_sound", json!({"sound_file": 1, "volume": 2}))
                .is_err()
        );
    }

    #[test]
    fn the_badge_names_the_sound_and_hides_after_a_while() {
        let mut h = board(json!({"badge_seconds": 2}));
        h.run("play_sound", json!({"sound_file": 2})).unwrap();
        assert!(h.el("now_playing").visible);
        assert!(
            h.el("now_playing").properties["text"]
                .as_str()
                .unwrap_or("")
                .ends_with("media 2")
        );
        let badge = h
            .pending
            .iter()
            .find(|f| f.key == "hide_badge")
            .map(|f| f.after_ms);
        assert_eq!(badge, Some(2000));
        h.fire("hide_badge").unwrap();
        assert!(!h.el("now_playing").visible);
        let mut quiet = board(json!({"show_badge": false}));
        quiet.run("play_sound", json!({"sound_file": 1})).unwrap();
        assert!(!quiet.el("now_playing").visible);
        assert!(quiet.pending.iter().all(|f| f.key != "hide_badge"));
    }

    #[test]
    fn a_voice_is_hidden_once_its_sound_is_over() {
        let mut h = board(json!({}));
        h.run("play_sound", json!({"sound_file": 2})).unwrap();
        let end = h
            .pending
            .iter()
            .find(|f| f.key == "end_sound_1")
            .map(|f| f.after_ms);
        assert_eq!(end, Some(2250), "the 2 s sound, and a little");
        h.fire("end_sound_1").unwrap();
        assert!(!h.el("sound_1").visible);
    }

    #[test]
    fn stop_all_sounds_silences_every_voice() {
        let mut h = board(json!({}));
        h.run("play_sound", json!({"sound_file": 1})).unwrap();
        h.run("play_sound", json!({"sound_file": 2})).unwrap();
        h.run("stop_all_sounds", json!({})).unwrap();
        assert!((1..=4).all(|i| !h.el(&format!("sound_{i}")).visible));
        assert!(!h.el("now_playing").visible && h.pending.is_empty());
    }

    #[test]
    fn features_leave_the_layout_the_streamer_made() {
        let mut h = board(json!({}));
        let boxes = h.rearrange(-30.0, 25.0);
        assert!(!boxes.is_empty());
        h.run("play_sound", json!({"sound_file": 1})).unwrap();
        h.assert_boxes(&boxes, "play_sound");
        h.run("stop_all_sounds", json!({})).unwrap();
        h.assert_boxes(&boxes, "stop_all_sounds");
        h.run("play_sound", json!({"sound_file": 2})).unwrap();
        h.assert_boxes(&boxes, "play_sound");
    }
}
