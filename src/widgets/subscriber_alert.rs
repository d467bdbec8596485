//! SubscriberAlertWidget: "PixelQueen just subscribed!" — subs and resubs with tier, months and
//! the message the viewer shared, on the engine's alert queue.

use super::alert;
use super::params::{MediaLibrary, ParamError};
use super::typed::{Ctx, NoState, Out, Widget};
use super::{ElementTemplate, QueueControl};
use crate::model::{Id, Map};

pub struct SubscriberAlertWidget;

crate::alert_params!(
    headline: "{user} just subscribed!",
    message: "{message}",
    duration: 7,
    accent: "#9146FF",
    extra {
        gift_headline: String = text("Gift headline", 200)
            .default("{user} gifted {count} subs!")
            .describe("For gift subs: {user} (the gifter), {count}, {tier}."),
    },
);

crate::alert_features! {
    /// Queues a sub alert; bind it to the sub and resub events (`{user}`, `{tier}`, `{months}`, `{message}`).
    #[feature("trigger_sub", "Trigger Sub Alert")]
    TriggerSub {
        subscriber_name: String = text("Subscriber", 60),
        tier: u64 = slider("Tier", 1.0, 3.0, 1.0).default(1),
        months: u64 = number("Months", 1.0, 1200.0).default(1),
        message: Option<String> = text("Message", 500).optional(),
    },
    /// Queues one alert for a gift (a gift bomb of 20 is one alert); bind it to gift_sub
    /// (`{user}`, `{amount}` = the count, `{tier}`).
    #[feature("trigger_gift", "Trigger Gift Alert")]
    TriggerGift {
        gifter_name: String = text("Gifter", 60),
        count: u64 = number("Subs gifted", 1.0, 1000.0).default(1),
        tier: u64 = slider("Tier", 1.0, 3.0, 1.0).default(1),
    },
}

impl Widget for SubscriberAlertWidget {
    const CLASS: &'static str = "SubscriberAlertWidget";
    const DISPLAY_NAME: &'static str = "Subscriber Alert";
    const DESCRIPTION: &'static str = "Sub and resub alerts with tier, months and the viewer's message; bigger looks for long-time subs.";
    type Params = Params;
    type State = NoState;
    type Feature = Feature;

    fn elements(p: &Params) -> Vec<ElementTemplate> {
        alert::elements(&p.look())
    }

    fn run(feature: Feature, ctx: &Ctx<Self>) -> Out<Self> {
        let l = ctx.params.look();
        match feature {
            Feature::TriggerSub {
                subscriber_name,
                tier,
                months,
                message,
            } => {
                let user = alert::viewer_text(&subscriber_name, 60, l.blocklist);
                let message = message.as_deref().map_or(String::new(), |m| {
                    alert::viewer_text(m, l.max_message as usize, l.blocklist)
                });
                let label = format!(
                    "{} subscribed (tier {tier}, {months} months)",
                    subscriber_name.trim()
                );
                let vars = [
                    ("user", user),
                    ("tier", tier.to_string()),
                    ("months", months.to_string()),
                    ("amount", months.to_string()),
                    ("message", message),
                ];
                let numbers = [
                    ("tier", tier as f64),
                    ("months", months as f64),
                    ("amount", months as f64),
                ];
                alert::fire(
                    &l,
                    alert::Fired {
                        kind: "sub",
                        label,
                        vars: &vars,
                        numbers: &numbers,
                    },
                    ctx,
                )
            }
            Feature::TriggerGift {
                gifter_name,
                count,
                tier,
            } => {
                let user = alert::viewer_text(&gifter_name, 60, l.blocklist);
                let subs = if count == 1 { "sub" } else { "subs" };
                let label = format!("{} gifted {count} {subs} (tier {tier})", gifter_name.trim());
                let look = alert::Look {
                    headline: &ctx.params.gift_headline,
                    message: "",
                    ..l
                };
                let vars = [
                    ("user", user),
                    ("count", count.to_string()),
                    ("amount", count.to_string()),
                    ("tier", tier.to_string()),
                ];
                let numbers = [
                    ("count", count as f64),
                    ("amount", count as f64),
                    ("tier", tier as f64),
                ];
                alert::fire(
                    &look,
                    alert::Fired {
                        kind: "gift",
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
    use crate::widgets::testing::Harness;
    use crate::widgets::{AlertOp, QueueControl};
    use serde_json::json;

    #[test]
    fn a_sub_is_queued_with_its_text_and_long_subs_get_the_big_look() {
        let mut h = Harness::new(
            "SubscriberAlertWidget",
            json!({"variations": "months >= 12: confetti, duration 12", "queue": "Stream"}),
        );
        assert!(!h.el("headline").visible, "hidden until the queue plays it");
        let out = h
            .run("trigger_sub", json!({"subscriber_name": "PixelQueen", "tier": 2, "months": 14, "message": "love this stream"}))
            .unwrap();
        let [AlertOp::Enqueue { queue, alert }] = out.alerts.as_slice() else {
            panic!("{:?}", out.alerts)
        };
        assert_eq!(queue, "Stream");
        assert_eq!(alert.duration_ms, 12_000);
        assert_eq!(alert.label, "PixelQueen subscribed (tier 2, 14 months)");
        let text = |n: &str| {
            alert
                .show
                .iter()
                .find(|c| c.name == n)
                .map(|c| c.properties["text"].clone())
        };
        assert_eq!(
            text("headline").unwrap(),
            "\u{2068}PixelQueen\u{2069} just subscribed!"
        );
        assert_eq!(text("message").unwrap(), "\u{2068}love this stream\u{2069}");
        assert!(
            alert.show.iter().any(|c| c.name == "burst"),
            "12 months: confetti"
        );
        assert!(
            out.changes.is_empty(),
            "nothing shows before the queue says so"
        );

        let short = h
            .run(
                "trigger_sub",
                json!({"subscriber_name": "New", "months": 1}),
            )
            .unwrap();
        let [AlertOp::Enqueue { alert, .. }] = short.alerts.as_slice() else {
            panic!()
        };
        assert_eq!(alert.duration_ms, 7_000);
        assert!(
            !alert
                .show
                .iter()
                .any(|c| c.name == "burst" || c.name == "message")
        );
    }

    #[test]
    fn a_gift_bomb_is_one_alert_with_the_count() {
        let mut h = Harness::new("SubscriberAlertWidget", json!({}));
        let out = h
            .run("trigger_gift", json!({"gifter_name": "Santa", "count": 20}))
            .unwrap();
        let [AlertOp::Enqueue { alert, .. }] = out.alerts.as_slice() else {
            panic!()
        };
        assert_eq!(
            alert.show[0].properties["text"],
            "\u{2068}Santa\u{2069} gifted 20 subs!"
        );
        assert_eq!(alert.label, "Santa gifted 20 subs (tier 1)");
    }

    #[test]
    fn queue_controls() {
        let mut h = Harness::new("SubscriberAlertWidget", json!({}));
        for (f, c) in [
            ("pause_queue", QueueControl::Pause),
            ("resume_queue", QueueControl::Resume),
            ("skip_current", QueueControl::Skip),
            ("clear_queue", QueueControl::Clear),
            ("replay_last", QueueControl::ReplayLast),
        ] {
            let out = h.run(f, json!({})).unwrap();
            assert_eq!(
                out.alerts,
                [AlertOp::Control {
                    queue: "main".into(),
                    control: c
                }]
            );
        }
    }
}
