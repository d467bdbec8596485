//! CheerAlertWidget: "PixelQueen cheered 500 bits!" with the cheer message, on the engine's
//! alert queue.

use super::alert;
use super::params::{MediaLibrary, ParamError};
use super::typed::{Ctx, NoState, Out, Widget};
use super::{ElementTemplate, QueueControl};
use crate::model::{Id, Map};

pub struct CheerAlertWidget;

crate::alert_params!(
    headline: "{user} cheered {bits}!",
    message: "{message}",
    duration: 7,
    accent: "#FFB800",
);

crate::alert_features! {
    /// Queues a cheer alert; bind it to the cheer event (`{user}`, `{bits}` = "500 bits",
    /// `{amount}` = 500, `{message}`).
    #[feature("trigger_cheer", "Trigger Cheer Alert")]
    TriggerCheer {
        user: String = text("Cheerer", 60),
        bits: u64 = number("Bits", 1.0, 1_000_000.0),
        message: String = text("Message", 500).default(""),
    },
}

impl Widget for CheerAlertWidget {
    const CLASS: &'static str = "CheerAlertWidget";
    const DISPLAY_NAME: &'static str = "Cheer Alert";
    const DESCRIPTION: &'static str =
        "Bits cheers with the cheer message; bigger cheers, bigger show.";
    type Params = Params;
    type State = NoState;
    type Feature = Feature;

    fn elements(p: &Params) -> Vec<ElementTemplate> {
        alert::elements(&p.look())
    }

    fn run(feature: Feature, ctx: &Ctx<Self>) -> Out<Self> {
        let l = ctx.params.look();
        match feature {
            Feature::TriggerCheer {
                user,
                bits,
                message,
            } => {
                let name = alert::viewer_text(&user, 60, l.blocklist);
                let message = alert::viewer_text(&message, l.max_message as usize, l.blocklist);
                let bits_text = if bits == 1 {
                    "1 bit".to_string()
                } else {
                    format!("{bits} bits")
                };
                let label = format!("{} cheered {bits_text}", user.trim());
                let vars = [
                    ("user", name),
                    ("bits", bits_text),
                    ("amount", bits.to_string()),
                    ("message", message),
                ];
                let numbers = [("bits", bits as f64), ("amount", bits as f64)];
                alert::fire(
                    &l,
                    alert::Fired {
                        kind: "cheer",
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
    fn a_cheer_shows_bits_and_a_capped_message() {
        let mut h = Harness::new("CheerAlertWidget", json!({"max_message": 20}));
        let out = h
            .run("trigger_cheer", json!({"user": "Fan", "bits": 500, "message": "Cheer500 this is a very long message indeed"}))
            .unwrap();
        let [AlertOp::Enqueue { alert, .. }] = out.alerts.as_slice() else {
            panic!()
        };
        assert_eq!(
            alert.show[0].properties["text"],
            "\u{2068}Fan\u{2069} cheered 500 bits!"
        );
        let msg = alert.show.iter().find(|c| c.name == "message").unwrap();
        assert_eq!(
            msg.properties["text"],
            "\u{2068}Cheer500 this is a v…\u{2069}"
        );
    }
}
