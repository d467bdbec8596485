//! WheelSpinnerWidget: a prize / punishment wheel. The server picks the winner with the
//! engine's seeded randomness (fair, weights honoured, reproducible from the audit log) and the
//! overlay animates to exactly that segment; the result is announced when the wheel stops.

use super::params::ParamError;
use super::typed::{Ctx, Out, Widget};
use super::{ElementTemplate, set_props, set_visible};
use crate::model::{ElementChange, ElementType};
use crate::props;
use rand::Rng;

pub struct WheelSpinnerWidget;

const WHEEL: &str = "wheel";
const RESULT: &str = "result_text";
const SOUND: &str = "win_sound";
const ANNOUNCE: &str = "announce";
const MAX_OPTIONS: usize = 24;
const MAX_LABEL: usize = 40;

crate::params! {
    pub struct Params {
        options: String = text("Options", 1000)
            .default("Free sub, Sing a song, Hydrate!, 100 push-ups, Viewer's choice, Spin again")
            .describe("The wheel's starting options, separated by commas (2 to 24)."),
        spin_duration_s: f64 = slider("Spin duration (s)", 2.0, 20.0, 0.5).default(6),
        result_prefix: String = text("Result text", 40)
            .default("The wheel says:")
            .describe("Shown before the winning option when the wheel stops."),
        color: String = color("Text color").default("#FFFFFF"),
    }
}

crate::features! {
    pub enum Feature for Params as _p {
        /// Adds a segment; a higher weight makes it more likely (1 = like the others).
        #[feature("add_option", "Add Option")]
        AddOption {
            option: String = text("Option", MAX_LABEL),
            weight: f64 = number("Weight", 0.1, 100.0).default(1),
        },
        #[feature("remove_option", "Remove Option")]
        RemoveOption { option: String = text("Option", MAX_LABEL) },
        /// Spins; the winner is chosen fairly by stagehand and shown when the wheel stops.
        #[feature("spin_wheel", "Spin Wheel")]
        Spin {},
        /// Back to the widget's Options, without the last result.
        #[feature("reset_wheel", "Reset Wheel")]
        Reset {},
    }
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Choice {
    label: String,
    weight: f64,
}

#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct State {
    /// Edited options; `None` while the wheel still has the widget's Options.
    options: Option<Vec<Choice>>,
    /// The last winner's index into the options, as the wheel shows it.
    last: Option<usize>,
}

/// The comma-separated Options parameter as wheel options (blank ones dropped, capped).
fn parse(options: &str) -> Vec<Choice> {
    options
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .take(MAX_OPTIONS)
        .map(|s| Choice {
            label: s.chars().take(MAX_LABEL).collect(),
            weight: 1.0,
        })
        .collect()
}

fn options(p: &Params, s: &State) -> Vec<Choice> {
    s.options.clone().unwrap_or_else(|| parse(&p.options))
}

fn segments(options: &[Choice]) -> Vec<String> {
    options.iter().map(|o| o.label.clone()).collect()
}

/// A weighted pick: each option wins with probability weight / total.
fn pick(options: &[Choice], rng: &mut impl Rng) -> usize {
    let total: f64 = options.iter().map(|o| o.weight).sum();
    let mut x = rng.random_range(0.0..total);
    for (i, o) in options.iter().enumerate() {
        if x < o.weight {
            return i;
        }
        x -= o.weight;
    }
    options.len() - 1
}

fn same(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

fn invalid(field: &str, message: String) -> ParamError {
    ParamError {
        field: field.into(),
        message,
    }
}

impl Widget for WheelSpinnerWidget {
    const CLASS: &'static str = "WheelSpinnerWidget";
    const DISPLAY_NAME: &'static str = "Wheel Spinner";
    const DESCRIPTION: &'static str = "A prize wheel chat can spin: stagehand picks the winner fairly (weights allowed) and the wheel lands exactly on it.";
    type Params = Params;
    type State = State;
    type Feature = Feature;

    fn elements(p: &Params) -> Vec<ElementTemplate> {
        vec![
            ElementTemplate::new(
                WHEEL,
                ElementType::Animation,
                props! {
                    "effect": "spin",
                    "segments": segments(&parse(&p.options)),
                    "turns": 6,
                    "spin_duration_s": p.spin_duration_s,
                    "trigger_id": 0,
                    "position": {"x": 660, "y": 150, "z_index": 8},
                    "size": {"width": 600, "height": 600},
                },
            )
            .behavior(props! {
                "entrance": {"type": "scale", "duration": 0.4, "easing": "back"},
                "exit": {"type": "fade", "duration": 0.4},
            })
            .visible(true),
            ElementTemplate::new(
                RESULT,
                ElementType::Text,
                props! {
                    "text": "",
                    "color": p.color,
                    "font_size": 64,
                    "font_weight": 900,
                    "align": "center",
                    "stroke": true,
                    "shadow": "strong",
                    "line_clamp": 2,
                    "position": {"x": 260, "y": 790, "z_index": 9},
                    "size": {"width": 1400, "height": 160},
                },
            )
            .behavior(props! {
                "entrance": {"type": "pop", "duration": 0.5},
                "exit": {"type": "fade", "duration": 0.3},
            }),
            ElementTemplate::new(
                SOUND,
                ElementType::Audio,
                props! { "media_roles": ["audio"], "volume": 0.8, "trigger_id": 0 },
            ),
        ]
    }

    fn check(feature: &Feature, ctx: &Ctx<Self>) -> Result<(), ParamError> {
        let list = options(ctx.params, ctx.state);
        match feature {
            Feature::AddOption { option, .. } => {
                if option.trim().is_empty() {
                    return Err(invalid(
                        "option",
                        "parameter 'option' must not be blank".into(),
                    ));
                }
                if list.iter().any(|o| same(&o.label, option)) {
                    return Err(invalid(
                        "option",
                        format!("'{}' is already on the wheel", option.trim()),
                    ));
                }
                if list.len() >= MAX_OPTIONS {
                    return Err(invalid(
                        "option",
                        format!("the wheel holds at most {MAX_OPTIONS} options"),
                    ));
                }
            }
            Feature::RemoveOption { option } => {
                if !list.iter().any(|o| same(&o.label, option)) {
                    let names: Vec<&str> = list.iter().map(|o| o.label.as_str()).collect();
                    return Err(invalid(
                        "option",
                        format!(
                            "'{}' is not on the wheel (it has: {})",
                            option.trim(),
                            names.join(", ")
                        ),
                    ));
                }
                if list.len() <= 2 {
                    return Err(invalid("option", "a wheel needs at least 2 options".into()));
                }
            }
            Feature::Spin {} if list.len() < 2 => {
                return Err(invalid(
                    "options",
                    "add at least 2 options before spinning".into(),
                ));
            }
            Feature::Spin {} | Feature::Reset {} => {}
        }
        Ok(())
    }

    fn run(feature: Feature, ctx: &Ctx<Self>) -> Out<Self> {
        let p = ctx.params;
        let mut list = options(p, ctx.state);
        match feature {
            Feature::AddOption { option, weight } => {
                list.push(Choice {
                    label: option.trim().to_string(),
                    weight,
                });
                edited(list)
            }
            Feature::RemoveOption { option } => {
                list.retain(|o| !same(&o.label, &option));
                edited(list)
            }
            Feature::Spin {} => {
                let winner = pick(&list, &mut ctx.rng());
                let spin = ElementChange {
                    name: WHEEL.into(),
                    visible: Some(true),
                    properties: props! {
                        "segments": segments(&list),
                        "target_segment": winner,
                        "spin_duration_s": p.spin_duration_s,
                        "trigger_id": ctx.next_trigger(WHEEL),
                    },
                    ..Default::default()
                };
                let text = format!("{} {}", p.result_prefix.trim(), list[winner].label);
                let announce = vec![
                    ElementChange {
                        name: RESULT.into(),
                        visible: Some(true),
                        properties: props! { "text": text.trim() },
                        ..Default::default()
                    },
                    ElementChange {
                        name: SOUND.into(),
                        visible: Some(true),
                        properties: props! { "trigger_id": ctx.next_trigger(SOUND) },
                        ..Default::default()
                    },
                ];
                let state = State {
                    options: ctx.state.options.clone(),
                    last: Some(winner),
                };
                Out::changes(vec![spin, set_visible(RESULT, false)])
                    .state(state)
                    .change_after(ANNOUNCE, (p.spin_duration_s * 1000.0) as u64, announce)
            }
            Feature::Reset {} => Out::changes(vec![
                set_props(
                    WHEEL,
                    props! { "segments": segments(&parse(&p.options)), "target_segment": null },
                ),
                set_visible(RESULT, false),
            ])
            .state(State::default())
            .cancel(ANNOUNCE),
        }
    }

    fn parameters_changed(ctx: &Ctx<Self>) -> Out<Self> {
        let p = ctx.params;
        Out::changes(vec![
            set_props(
                WHEEL,
                props! {
                    "segments": segments(&options(p, ctx.state)),
                    "spin_duration_s": p.spin_duration_s,
                },
            ),
            set_props(RESULT, props! { "color": p.color }),
        ])
    }
}

/// The wheel after an option was added or removed (the last result no longer points at it).
fn edited(list: Vec<Choice>) -> Out<WheelSpinnerWidget> {
    Out::changes(vec![
        set_props(
            WHEEL,
            props! { "segments": segments(&list), "target_segment": null },
        ),
        set_visible(RESULT, false),
    ])
    .state(State {
        options: Some(list),
        last: None,
    })
    .cancel(ANNOUNCE)
}

#[cfg(test)]
mod tests {
    use super::{Choice, pick};
    use crate::widgets::testing::Harness;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;
    use serde_json::json;

    fn segments(h: &Harness) -> Vec<String> {
        serde_json::from_value(h.el("wheel").properties["segments"].clone()).unwrap()
    }

    #[test]
    fn options_are_added_and_removed_by_name_with_clear_errors() {
        let mut h = Harness::new("WheelSpinnerWidget", json!({"options": "Red, Green, Blue"}));
        assert_eq!(segments(&h), ["Red", "Green", "Blue"]);
        h.run("add_option", json!({"option": "Gold"})).unwrap();
        assert_eq!(segments(&h), ["Red", "Green", "Blue", "Gold"]);
        let e = h
            .run("add_option", json!({"option": " gold "}))
            .unwrap_err()
            .to_string();
        assert!(e.contains("already on the wheel"), "{e}");
        h.run("remove_option", json!({"option": "green"})).unwrap();
        assert_eq!(segments(&h), ["Red", "Blue", "Gold"]);
        let e = h
            .run("remove_option", json!({"option": "Purple"}))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("not on the wheel") && e.contains("Red, Blue, Gold"),
            "{e}"
        );
        h.run("remove_option", json!({"option": "Red"})).unwrap();
        let e = h
            .run("remove_option", json!({"option": "Blue"}))
            .unwrap_err()
            .to_string();
        assert!(e.contains("at least 2"), "{e}");
        h.run("reset_wheel", json!({})).unwrap();
        assert_eq!(segments(&h), ["Red", "Green", "Blue"]);
    }

    #[test]
    fn a_spin_lands_on_the_seeded_winner_and_announces_it_when_the_wheel_stops() {
        let mut h = Harness::new(
            "WheelSpinnerWidget",
            json!({"options": "A, B, C, D", "spin_duration_s": 4}),
        );
        h.seed = 42;
        h.run("spin_wheel", json!({})).unwrap();
        let winner = h.el("wheel").properties["target_segment"].as_u64().unwrap() as usize;
        assert_eq!(h.state["last"], winner);
        assert_eq!(h.el("wheel").properties["trigger_id"], 1);
        assert!(!h.el("result_text").visible);
        assert_eq!(h.pending[0].after_ms, 4000);
        h.fire("announce").unwrap();
        let label = ["A", "B", "C", "D"][winner];
        assert_eq!(
            h.el("result_text").properties["text"],
            format!("The wheel says: {label}")
        );
        assert!(h.el("result_text").visible && h.el("win_sound").visible);

        // The same seed, the same winner: a spin is reproducible from the audit log.
        let mut again = Harness::new("WheelSpinnerWidget", json!({"options": "A, B, C, D"}));
        again.seed = 42;
        again.run("spin_wheel", json!({})).unwrap();
        assert_eq!(again.el("wheel").properties["target_segment"], winner);
    }

    /// Chi-square over 10,000 seeded spins of 6 equal options (5 degrees of freedom: the
    /// 99.9 % critical value is 20.5), and weights honoured.
    #[test]
    fn picks_are_fair_and_weights_are_honoured() {
        let equal: Vec<Choice> = (0..6)
            .map(|i| Choice {
                label: i.to_string(),
                weight: 1.0,
            })
            .collect();
        let mut counts = [0u32; 6];
        for seed in 0..10_000u64 {
            counts[pick(&equal, &mut ChaCha8Rng::seed_from_u64(seed))] += 1;
        }
        let expected = 10_000.0 / 6.0;
        let chi2: f64 = counts
            .iter()
            .map(|&c| (c as f64 - expected).powi(2) / expected)
            .sum();
        assert!(chi2 < 20.5, "chi-square {chi2:.1} for {counts:?}");

        let weighted = vec![
            Choice {
                label: "rare".into(),
                weight: 1.0,
            },
            Choice {
                label: "common".into(),
                weight: 3.0,
            },
        ];
        let common = (0..10_000u64)
            .filter(|&s| pick(&weighted, &mut ChaCha8Rng::seed_from_u64(s)) == 1)
            .count();
        assert!(
            (7_200..7_800).contains(&common),
            "weight 3 of 4 won {common} of 10,000"
        );
    }
}
