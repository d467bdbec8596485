//! FollowerAlertWidget: "Welcome, PixelQueen!" for each new follower (EventSub `follow`), on
//! the engine's alert queue.

use super::alert;
use super::params::{MediaLibrary, ParamError};
use super::typed::{Ctx, NoState, Out, Widget};
use super::{ElementTemplate, QueueControl};
use crate::model::{Id, Map};

pub struct FollowerAlertWidget;

crate::alert_params!(
    headline: "{user} is now following!",
    message: "",
    duration: 5,
    accent: "#00C8FF",
);

crate::alert_features! {
    /// Queues a follow alert; bind it to the follow event (`{user}`).
    #[feature("trigger_alert", "Trigger Follow Alert")]
    TriggerAlert { follower_name: String = text("Follower", 60) },
}

impl Widget for FollowerAlertWidget {
    const CLASS: &'static str = "FollowerAlertWidget";
    const DISPLAY_NAME: &'static str = "Follower Alert";
    const DESCRIPTION: &'static str = "A short, bright welcome for every new follower.";
    type Params = Params;
    type State = NoState;
    type Feature = Feature;

    fn elements(p: &Params) -> Vec<ElementTemplate> {
        alert::elements(&p.look())
    }

    fn run(feature: Feature, ctx: &Ctx<Self>) -> Out<Self> {
        let l = ctx.params.look();
        match feature {
            Feature::TriggerAlert { follower_name } => {
                let user = alert::viewer_text(&follower_name, 60, l.blocklist);
                let label = format!("{} followed", follower_name.trim());
                let vars = [("user", user)];
                alert::fire(
                    &l,
                    alert::Fired {
                        kind: "follow",
                        label,
                        vars: &vars,
                        numbers: &[],
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
    fn a_follow_is_queued_with_the_blocklist_applied() {
        let mut h = Harness::new("FollowerAlertWidget", json!({"blocklist": "jerk"}));
        let out = h
            .run("trigger_alert", json!({"follower_name": "Jerk"}))
            .unwrap();
        let [AlertOp::Enqueue { alert, .. }] = out.alerts.as_slice() else {
            panic!()
        };
        assert_eq!(
            alert.show[0].properties["text"],
            "\u{2068}****\u{2069} is now following!"
        );
        assert_eq!((alert.kind.as_str(), alert.duration_ms), ("follow", 5_000));
    }
}
