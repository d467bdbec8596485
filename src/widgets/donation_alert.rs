//! DonationAlertWidget: "PixelQueen donated $25.00" with the donor's message, on the engine's
//! alert queue; the duration may come with the donation (a longer show for a bigger one).

use super::alert;
use super::params::{MediaLibrary, ParamError};
use super::typed::{Ctx, NoState, Out, Widget};
use super::{ElementTemplate, QueueControl};
use crate::model::{Id, Map};

pub struct DonationAlertWidget;

crate::alert_params!(
    headline: "{user} donated {amount}!",
    message: "{message}",
    duration: 8,
    accent: "#2ECC71",
);

crate::alert_features! {
    /// Queues a donation alert (`{user}`, `{amount}`, `{message}`).
    #[feature("show_donation", "Show Donation")]
    ShowDonation {
        donor_name: String = text("Donor", 60),
        amount: f64 = number("Amount", 0.0, 1_000_000.0),
        message: String = text("Message", 500).default(""),
        duration: Option<f64> = slider("Duration (s)", 2.0, 60.0, 0.5).optional(),
    },
}

/// `25` → `"$25.00"`.
fn money(amount: f64) -> String {
    format!("${amount:.2}")
}

impl Widget for DonationAlertWidget {
    const CLASS: &'static str = "DonationAlertWidget";
    const DISPLAY_NAME: &'static str = "Donation Alert";
    const DESCRIPTION: &'static str =
        "Tips and donations with the donor's message; big ones get a bigger show.";
    type Params = Params;
    type State = NoState;
    type Feature = Feature;

    fn elements(p: &Params) -> Vec<ElementTemplate> {
        alert::elements(&p.look())
    }

    fn run(feature: Feature, ctx: &Ctx<Self>) -> Out<Self> {
        let mut l = ctx.params.look();
        match feature {
            Feature::ShowDonation {
                donor_name,
                amount,
                message,
                duration,
            } => {
                if let Some(d) = duration {
                    l.duration_s = d;
                }
                let user = alert::viewer_text(&donor_name, 60, l.blocklist);
                let message = alert::viewer_text(&message, l.max_message as usize, l.blocklist);
                let label = format!("{} donated {}", donor_name.trim(), money(amount));
                let vars = [
                    ("user", user),
                    ("amount", money(amount)),
                    ("message", message),
                ];
                let numbers = [("amount", amount)];
                alert::fire(
                    &l,
                    alert::Fired {
                        kind: "donation",
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
    fn amount_thresholds_pick_the_look_and_the_duration_may_come_along() {
        let mut h = Harness::new(
            "DonationAlertWidget",
            json!({"variations": "amount >= 100: confetti, duration 15, headline \"{user} is a legend!\"\namount >= 20: duration 10"}),
        );
        let run = |h: &mut Harness, args| {
            let out = h.run("show_donation", args).unwrap();
            let [AlertOp::Enqueue { alert, .. }] = out.alerts.as_slice() else {
                panic!()
            };
            alert.clone()
        };
        let big = run(
            &mut h,
            json!({"donor_name": "Whale", "amount": 250, "message": "gg"}),
        );
        assert_eq!(big.duration_ms, 15_000);
        assert_eq!(
            big.show[0].properties["text"],
            "\u{2068}Whale\u{2069} is a legend!"
        );
        assert!(big.show.iter().any(|c| c.name == "burst"));
        let mid = run(&mut h, json!({"donor_name": "Fan", "amount": 25}));
        assert_eq!(mid.duration_ms, 10_000);
        assert_eq!(
            mid.show[0].properties["text"],
            "\u{2068}Fan\u{2069} donated $25.00!"
        );
        let small = run(
            &mut h,
            json!({"donor_name": "Fan", "amount": 5, "duration": 3}),
        );
        assert_eq!(small.duration_ms, 3_000, "the donation's own duration");
    }
}
