//! RaidAlertWidget: "PixelQueen is raiding with 42 viewers!" on the engine's alert queue.

use super::alert;
use super::params::{MediaLibrary, ParamError};
use super::typed::{Ctx, NoState, Out, Widget};
use super::{ElementTemplate, QueueControl};
use crate::model::{Id, Map};

pub struct RaidAlertWidget;

crate::alert_params!(
    headline: "{user} is raiding with {viewers} viewers!",
    message: "Welcome, raiders!",
    duration: 8,
    accent: "#FF4F6D",
);

crate::alert_features! {
    /// Queues a raid alert; bind it to the raid event (`{user}`, `{viewers}`).
    #[feature("trigger_raid", "Trigger Raid Alert")]
    TriggerRaid {
        raider: String = text("Raider", 60),
        viewers: u64 = number("Viewers", 0.0, 1_000_000.0),
    },
}

impl Widget for RaidAlertWidget {
    const CLASS: &'static str = "RaidAlertWidget";
    const DISPLAY_NAME: &'static str = "Raid Alert";
    const DESCRIPTION: &'static str =
        "Greets incoming raids with the raider's name and party size.";
    type Params = Params;
    type State = NoState;
    type Feature = Feature;

    fn elements(p: &Params) -> Vec<ElementTemplate> {
        alert::elements(&p.look())
    }

    fn run(feature: Feature, ctx: &Ctx<Self>) -> Out<Self> {
        let l = ctx.params.look();
        match feature {
            Feature::TriggerRaid { raider, viewers } => {
                let user = alert::viewer_text(&raider, 60, l.blocklist);
                let label = format!("{} raided with {viewers} viewers", raider.trim());
                let vars = [
                    ("user", user),
                    ("viewers", viewers.to_string()),
                    ("amount", viewers.to_string()),
                ];
                let numbers = [("viewers", viewers as f64), ("amount", viewers as f64)];
                alert::fire(
                    &l,
                    alert::Fired {
                        kind: "raid",
                        label,
                        vars: &vars,
                        numbers: &numbers,
                    },
                    ctx,
                )
            }
            Feature::PauseQueue {} => alert::queue(&l, QueueControl::Pause),
            Feature::ResumeQueue {} => alert::queue(&l, QueueControl::Resume),
            Feature::SkipCurrent {} => alert::queue(&l, QueueControl::Skip),
            Feature::ClearQueue {} => alert::queue(&l, QueueControl::Clear),
            Feature::ReplayLast {} => alert::queue(&l, QueueControl::ReplayLast),
        }
    }

    fn check_params(p: &Params, media: &dyn MediaLibrary) -> Result<(), ParamError> {
        alert::check(&p.look(), media)
    }

    fn map_text_media(params: &mut Map, f: &mut dyn FnMut(Id) -> Option<Id>) -> bool {
        alert::map_media(params, f)
    }

    fn parameters_changed(ctx: &Ctx<Self>) -> Out<Self> {
        Out::changes(alert::restyle(&ctx.params.look()))
    }
}

#[cfg(test)]
mod tests {
    use crate::widgets::AlertOp;
    use crate::widgets::testing::Harness;
    use serde_json::json;

    #[test]
    fn a_raid_says_who_and_how_many() {
        let mut h = Harness::new(
            "RaidAlertWidget",
            json!({"variations": "viewers >= 100: confetti"}),
        );
        let out = h
            .run(
                "trigger_raid",
                json!({"raider": "BigStreamer", "viewers": 250}),
            )
            .unwrap();
        let [AlertOp::Enqueue { alert, .. }] = out.alerts.as_slice() else {
            panic!()
        };
        assert_eq!(
            alert.show[0].properties["text"],
            "\u{2068}BigStreamer\u{2069} is raiding with 250 viewers!"
        );
        assert!(alert.show.iter().any(|c| c.name == "burst"));
    }
}
