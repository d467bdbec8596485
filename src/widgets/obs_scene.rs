//! ObsSceneWidget: lets a button, a chat command or a platform event drive OBS (switch the
//! scene, show or hide a source such as a camera). The widget stays pure: it returns effects
//! that the caller performs after the commit, and OBS's answer reaches that caller.

use super::params::{ParamSpec, get_str};
use super::{ElementTemplate, FeatureCtx, FeatureSpec, Outcome, WidgetType};
use crate::model::{Effect, Map};

pub struct ObsSceneWidget;

impl WidgetType for ObsSceneWidget {
    fn class(&self) -> &'static str {
        "ObsSceneWidget"
    }
    fn display_name(&self) -> &'static str {
        "OBS Scenes & Sources"
    }
    fn description(&self) -> &'static str {
        "Switch the OBS scene or show/hide a source (camera, BRB image) from a button, a chat command or an event."
    }

    fn parameters(&self) -> Vec<ParamSpec> {
        vec![]
    }

    fn elements(&self, _params: &Map) -> Vec<ElementTemplate> {
        vec![]
    }

    fn features(&self, _params: &Map) -> Vec<FeatureSpec> {
        vec![
            FeatureSpec::new(
                "switch_scene",
                "Switch Scene",
                vec![ParamSpec::text("scene", "Scene", 256)],
            )
            .describe("Switches OBS's program scene; a dashboard bound to it activates too."),
            FeatureSpec::new(
                "toggle_source",
                "Show/Hide Source",
                vec![
                    ParamSpec::text("scene", "Scene", 256),
                    ParamSpec::text("source", "Source", 256),
                    ParamSpec::dropdown("visible", "Action", &["Toggle", "Show", "Hide"])
                        .default("Toggle"),
                ],
            ),
        ]
    }

    fn execute(&self, feature: &str, args: &Map, _ctx: &FeatureCtx) -> Outcome {
        let scene = get_str(args, "scene", "").trim().to_string();
        let effect = match feature {
            "switch_scene" => Effect::ObsSwitchScene { scene },
            _ => Effect::ObsSetSourceVisible {
                scene,
                source: get_str(args, "source", "").trim().to_string(),
                visible: match get_str(args, "visible", "Toggle") {
                    "Show" => Some(true),
                    "Hide" => Some(false),
                    _ => None,
                },
            },
        };
        Outcome {
            effects: vec![effect],
            ..Outcome::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Effect;
    use crate::widgets::testing::Harness;
    use serde_json::json;

    #[test]
    fn features_become_effects() {
        let mut h = Harness::new("ObsSceneWidget", json!({}));
        let out = h
            .run("switch_scene", json!({"scene": " Gameplay "}))
            .unwrap();
        assert_eq!(
            out.effects,
            vec![Effect::ObsSwitchScene {
                scene: "Gameplay".into()
            }]
        );
        let out = h
            .run(
                "toggle_source",
                json!({"scene": "Main", "source": "Cam", "visible": "hide"}),
            )
            .unwrap();
        assert_eq!(
            out.effects,
            vec![Effect::ObsSetSourceVisible {
                scene: "Main".into(),
                source: "Cam".into(),
                visible: Some(false)
            }]
        );
        assert!(
            h.run("switch_scene", json!({})).is_err(),
            "scene is required"
        );
    }
}
