//! ObsSceneWidget: lets a button, a chat command or a platform event drive OBS (switch the
//! scene, show or hide a source such as a camera). The widget stays pure: it returns effects
//! that the caller performs after the commit, and OBS's answer reaches that caller.

use super::ElementTemplate;
use super::typed::{Ctx, NoParams, NoState, Out, Widget};
use crate::model::Effect;

pub struct ObsSceneWidget;

crate::choice! {
    pub enum SourceAction { Toggle, Show, Hide }
}

crate::features! {
    pub enum Feature for NoParams as _p {
        /// Switches OBS's program scene; a dashboard bound to it activates too.
        #[feature("switch_scene", "Switch Scene")]
        SwitchScene { scene: String = text("Scene", 256) },
        #[feature("toggle_source", "Show/Hide Source")]
        ToggleSource {
            scene: String = text("Scene", 256),
            source: String = text("Source", 256),
            visible: SourceAction = choice::<SourceAction>("Action").default("Toggle"),
        },
    }
}

impl Widget for ObsSceneWidget {
    const CLASS: &'static str = "ObsSceneWidget";
    const DISPLAY_NAME: &'static str = "OBS Scenes & Sources";
    const DESCRIPTION: &'static str = "Switch the OBS scene or show/hide a source (camera, BRB image) from a button, a chat command or an event.";
    type Params = NoParams;
    type State = NoState;
    type Feature = Feature;

    fn elements(_: &NoParams) -> Vec<ElementTemplate> {
        vec![]
    }

    fn run(feature: Feature, _ctx: &Ctx<Self>) -> Out<Self> {
        let effect = match feature {
            Feature::SwitchScene { scene } => Effect::ObsSwitchScene {
                scene: scene.trim().to_string(),
            },
            Feature::ToggleSource {
                scene,
                source,
                visible,
            } => Effect::ObsSetSourceVisible {
                scene: scene.trim().to_string(),
                source: source.trim().to_string(),
                visible: match visible {
                    SourceAction::Toggle => None,
                    SourceAction::Show => Some(true),
                    SourceAction::Hide => Some(false),
                },
            },
        };
        let mut out = Out::none();
        out.effects.push(effect);
        out
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
