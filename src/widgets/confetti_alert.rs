//! ConfettiAlertWidget: a celebratory confetti explosion with a pop sound.

use super::typed::{Ctx, NoState, Out, Widget};
use super::{ElementTemplate, set_visible};
use crate::model::{ElementChange, ElementType};
use crate::props;

pub struct ConfettiAlertWidget;

const BURST: &str = "confetti_burst";
const PARTICLE: &str = "confetti_particle";
const SOUND: &str = "pop_sound";
const DEFAULT_COLOR: &str = "#FF5733";

crate::params! {
    pub struct Params {
        blast_duration: f64 = slider("Blast duration (s)", 0.5, 30.0, 0.1)
            .default(2.5)
            .describe("How long the confetti stays on screen."),
        particle_count: u64 = slider("Particle count", 10.0, 1000.0, 10.0)
            .default(100)
            .describe("Particles per burst at Medium intensity."),
        default_color: String = color("Default color").default(DEFAULT_COLOR),
        sound_volume: f64 = slider("Sound volume", 0.0, 1.0, 0.05)
            .default(0.8)
            .describe("The pop sound's volume (the element's own volume follows this)."),
    }
}

crate::choice! {
    pub enum Intensity { Low, Medium, High }
}

crate::features! {
    pub enum Feature for Params as p {
        /// Fires confetti and the pop sound for blast_duration seconds.
        #[feature("trigger_blast", "Trigger Confetti Blast")]
        TriggerBlast {
            intensity: Intensity = choice::<Intensity>("Intensity"),
            color: String = color("Color").default(p.default_color.clone()),
        },
        /// Clears the confetti right away.
        #[feature("stop_confetti", "Stop Confetti")]
        StopConfetti {},
    }
}

impl Widget for ConfettiAlertWidget {
    const CLASS: &'static str = "ConfettiAlertWidget";
    const DISPLAY_NAME: &'static str = "Confetti Alert";
    const DESCRIPTION: &'static str =
        "A celebratory confetti explosion with a pop sound, in the color and intensity you pick.";
    type Params = Params;
    type State = NoState;
    type Feature = Feature;

    fn elements(p: &Params) -> Vec<ElementTemplate> {
        vec![
            ElementTemplate::new(
                PARTICLE,
                ElementType::Image,
                props! {
                    "media_roles": ["image"],
                    "position": {"x": 832, "y": 412, "z_index": 11},
                    "size": {"width": 256, "height": 256},
                    "opacity": 1.0,
                    "trigger_id": 0,
                },
            )
            .behavior(props! {
                "entrance": {"type": "pop", "duration": 0.4},
                "exit": {"type": "fade", "duration": 0.5},
            }),
            ElementTemplate::new(
                SOUND,
                ElementType::Audio,
                props! {
                    "media_roles": ["audio"],
                    "volume": p.sound_volume,
                    "trigger_id": 0,
                },
            ),
            ElementTemplate::new(
                BURST,
                ElementType::Animation,
                props! {
                    "animation": "confetti",
                    "intensity": "Medium",
                    "particle_count": p.particle_count,
                    "colors": palette(&p.default_color),
                    "duration_s": p.blast_duration,
                    "trigger_id": 0,
                    "position": {"x": 0, "y": 0, "z_index": 20},
                    "size": {"width": 1920, "height": 1080},
                },
            )
            .behavior(props! {
                "entrance": {"type": "none"},
                "exit": {"type": "fade", "duration": 0.6},
            }),
        ]
    }

    fn run(feature: Feature, ctx: &Ctx<Self>) -> Out<Self> {
        match feature {
            Feature::TriggerBlast { intensity, color } => trigger_blast(intensity, &color, ctx),
            Feature::StopConfetti {} => Out::changes(hide_all()).cancel("end_blast"),
        }
    }

    fn parameters_changed(ctx: &Ctx<Self>) -> Out<Self> {
        Out::changes(vec![super::set_props(
            SOUND,
            props! { "volume": ctx.params.sound_volume },
        )])
    }
}

fn trigger_blast(
    intensity: Intensity,
    color: &str,
    ctx: &Ctx<ConfettiAlertWidget>,
) -> Out<ConfettiAlertWidget> {
    let p = ctx.params;
    let show = |name: &str, mut properties: crate::model::Map| {
        properties.insert("trigger_id".into(), ctx.next_trigger(name).into());
        ElementChange {
            name: name.into(),
            visible: Some(true),
            properties,
            ..Default::default()
        }
    };
    let changes = vec![
        show(
            BURST,
            props! {
                "intensity": intensity.as_str(),
                "particle_count": p.particle_count,
                "colors": palette(color),
                "duration_s": p.blast_duration,
            },
        ),
        show(PARTICLE, props! {}),
        show(SOUND, props! { "volume": p.sound_volume }),
    ];
    Out::changes(changes).change_after("end_blast", (p.blast_duration * 1000.0) as u64, hide_all())
}

fn hide_all() -> Vec<ElementChange> {
    [BURST, PARTICLE, SOUND]
        .into_iter()
        .map(|n| set_visible(n, false))
        .collect()
}

/// Only the picked base color: the overlay computes the shades (`confettiColors`), so the
/// shading lives on one side only.
fn palette(hex: &str) -> Vec<String> {
    vec![hex.to_string()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::widgets::FeatureError;
    use crate::widgets::testing::Harness;
    use serde_json::json;

    #[test]
    fn trigger_blast_shows_everything_and_schedules_the_end() {
        let mut h = Harness::new(
            "ConfettiAlertWidget",
            json!({"blast_duration": 3.0, "particle_count": 150}),
        );
        let out = h
            .run(
                "trigger_blast",
                json!({"intensity": "high", "color": "red"}),
            )
            .unwrap();
        let burst = h.el(BURST);
        assert!(burst.visible);
        assert_eq!(burst.properties["intensity"], "High");
        assert_eq!(burst.properties["colors"][0], "#FF0000");
        assert_eq!(burst.properties["particle_count"], 150);
        assert_eq!(burst.properties["trigger_id"], 1);
        assert!(h.el(SOUND).visible && h.el(PARTICLE).visible);
        assert_eq!(out.follow_ups.len(), 1);
        assert_eq!(out.follow_ups[0].after_ms, 3000);
        assert!(matches!(
            &out.follow_ups[0].action,
            crate::widgets::FollowUpAction::Changes(c) if c.iter().all(|c| c.visible == Some(false))
        ));

        h.run("trigger_blast", json!({"intensity": "Low"})).unwrap();
        assert_eq!(
            h.el(BURST).properties["trigger_id"],
            2,
            "a second blast replays"
        );
        assert_eq!(
            h.el(BURST).properties["colors"][0],
            "#FF5733",
            "default color"
        );
    }

    #[test]
    fn default_color_parameter_is_the_feature_default() {
        let mut h = Harness::new("ConfettiAlertWidget", json!({"default_color": "blue"}));
        h.run("trigger_blast", json!({"intensity": "Medium"}))
            .unwrap();
        assert_eq!(h.el(BURST).properties["colors"][0], "#0000FF");
    }

    #[test]
    fn stop_hides_and_cancels() {
        let mut h = Harness::new("ConfettiAlertWidget", json!({}));
        h.run("trigger_blast", json!({"intensity": "Medium"}))
            .unwrap();
        let out = h.run("stop_confetti", json!({})).unwrap();
        assert_eq!(out.cancel, vec!["end_blast"]);
        assert!(!h.el(BURST).visible && !h.el(SOUND).visible && !h.el(PARTICLE).visible);
    }

    #[test]
    fn bad_input_is_rejected_with_the_parameter_named() {
        let mut h = Harness::new("ConfettiAlertWidget", json!({}));
        let e = h
            .run("trigger_blast", json!({"intensity": "Extreme"}))
            .unwrap_err();
        assert!(matches!(e, FeatureError::Param(ref p) if p.field == "intensity"));
        let e = h
            .run(
                "trigger_blast",
                json!({"intensity": "Low", "color": "purple-ish"}),
            )
            .unwrap_err();
        assert!(matches!(e, FeatureError::Param(ref p) if p.field == "color"));
        let e = h.run("explode", json!({})).unwrap_err();
        assert!(
            e.to_string().contains("trigger_blast, stop_confetti"),
            "{e}"
        );
    }

    #[test]
    fn palette_sends_only_the_base_color() {
        assert_eq!(palette("#FF0000"), vec!["#FF0000"]);
    }
}
