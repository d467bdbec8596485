//! ConfettiAlertWidget: a celebratory confetti explosion with a pop sound.

use super::params::{ParamSpec, get_f64, get_str};
use super::{ElementTemplate, FeatureCtx, FeatureSpec, FollowUp, Outcome, WidgetType, set_visible};
use crate::model::{ElementChange, ElementType, Map};
use crate::props;

pub struct ConfettiAlertWidget;

const BURST: &str = "confetti_burst";
const PARTICLE: &str = "confetti_particle";
const SOUND: &str = "pop_sound";
const DEFAULT_COLOR: &str = "#FF5733";

impl WidgetType for ConfettiAlertWidget {
    fn class(&self) -> &'static str {
        "ConfettiAlertWidget"
    }
    fn display_name(&self) -> &'static str {
        "Confetti Alert"
    }
    fn description(&self) -> &'static str {
        "A celebratory confetti explosion with a pop sound, in the color and intensity you pick."
    }

    fn parameters(&self) -> Vec<ParamSpec> {
        vec![
            ParamSpec::slider("blast_duration", "Blast duration (s)", 0.5, 30.0, 0.1)
                .default(2.5)
                .describe("How long the confetti stays on screen."),
            ParamSpec::slider("particle_count", "Particle count", 10.0, 1000.0, 10.0)
                .default(100)
                .describe("Particles per burst at Medium intensity."),
            ParamSpec::color("default_color", "Default color").default(DEFAULT_COLOR),
            ParamSpec::slider("sound_volume", "Sound volume", 0.0, 1.0, 0.05).default(0.8),
        ]
    }

    fn elements(&self, params: &Map) -> Vec<ElementTemplate> {
        let color = get_str(params, "default_color", DEFAULT_COLOR);
        vec![
            ElementTemplate {
                name: PARTICLE,
                element_type: ElementType::Image,
                properties: props! {
                    "media_roles": ["image"],
                    "position": {"x": 832, "y": 412, "z_index": 11},
                    "size": {"width": 256, "height": 256},
                    "opacity": 1.0,
                    "trigger_id": 0,
                },
                behavior: props! {
                    "entrance": {"type": "pop", "duration": 0.4},
                    "exit": {"type": "fade", "duration": 0.5},
                },
                visible: false,
            },
            ElementTemplate {
                name: SOUND,
                element_type: ElementType::Audio,
                properties: props! {
                    "media_roles": ["audio"],
                    "volume": get_f64(params, "sound_volume", 0.8),
                    "trigger_id": 0,
                },
                behavior: Map::new(),
                visible: false,
            },
            ElementTemplate {
                name: BURST,
                element_type: ElementType::Animation,
                properties: props! {
                    "animation": "confetti",
                    "intensity": "Medium",
                    "particle_count": params.get("particle_count").cloned().unwrap_or(100.into()),
                    "colors": palette(color),
                    "duration_s": get_f64(params, "blast_duration", 2.5),
                    "trigger_id": 0,
                    "position": {"x": 0, "y": 0, "z_index": 20},
                    "size": {"width": 1920, "height": 1080},
                },
                behavior: props! {
                    "entrance": {"type": "none"},
                    "exit": {"type": "fade", "duration": 0.6},
                },
                visible: false,
            },
        ]
    }

    fn features(&self, params: &Map) -> Vec<FeatureSpec> {
        vec![
            FeatureSpec::new(
                "trigger_blast",
                "Trigger Confetti Blast",
                vec![
                    ParamSpec::dropdown("intensity", "Intensity", &["Low", "Medium", "High"]),
                    ParamSpec::color("color", "Color").default(get_str(
                        params,
                        "default_color",
                        DEFAULT_COLOR,
                    )),
                ],
            )
            .describe("Fires confetti and the pop sound for blast_duration seconds."),
            FeatureSpec::new("stop_confetti", "Stop Confetti", vec![])
                .describe("Clears the confetti right away."),
        ]
    }

    fn execute(&self, feature: &str, args: &Map, ctx: &FeatureCtx) -> Outcome {
        match feature {
            "trigger_blast" => trigger_blast(args, ctx),
            _ => stop_confetti(),
        }
    }
}

fn trigger_blast(args: &Map, ctx: &FeatureCtx) -> Outcome {
    let p = ctx.params;
    let duration_s = get_f64(p, "blast_duration", 2.5);
    let color = get_str(args, "color", DEFAULT_COLOR);
    let burst = ElementChange {
        name: BURST.into(),
        visible: Some(true),
        properties: props! {
            "intensity": get_str(args, "intensity", "Medium"),
            "particle_count": p.get("particle_count").cloned().unwrap_or(100.into()),
            "colors": palette(color),
            "duration_s": duration_s,
            "trigger_id": ctx.next_trigger(BURST),
        },
    };
    let particle = ElementChange {
        name: PARTICLE.into(),
        visible: Some(true),
        properties: props! { "trigger_id": ctx.next_trigger(PARTICLE) },
    };
    let sound = ElementChange {
        name: SOUND.into(),
        visible: Some(true),
        properties: props! {
            "volume": get_f64(p, "sound_volume", 0.8),
            "trigger_id": ctx.next_trigger(SOUND),
        },
    };
    Outcome {
        changes: vec![burst, particle, sound],
        follow_ups: vec![FollowUp {
            key: "end_blast",
            after_ms: (duration_s * 1000.0) as u64,
            changes: hide_all(),
        }],
        ..Outcome::default()
    }
}

fn stop_confetti() -> Outcome {
    Outcome {
        changes: hide_all(),
        cancel: vec!["end_blast"],
        ..Outcome::default()
    }
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
        assert!(
            out.follow_ups[0]
                .changes
                .iter()
                .all(|c| c.visible == Some(false))
        );

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
