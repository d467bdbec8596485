//! The pure chat core: from a chat line to "run this feature with these parameters".
//!
//! No I/O, no async, no storage, no platform types: the daemon feeds it lines, roles and
//! stored cooldown times, and acts on the answer. One idea per module:
//! [`matcher`] finds the command, [`tokenize`] splits its arguments, [`args`] maps them
//! onto the feature's typed parameters, [`usage`] words the reply, [`permission`] and
//! [`cooldown`] decide who may fire when, [`template`] fills event-binding parameters.

pub mod args;
mod clean;
pub mod cooldown;
pub mod matcher;
pub mod permission;
pub mod template;
pub mod tokenize;
mod trigger;
pub mod usage;

pub use args::{ArgError, map_args};
pub use cooldown::{Cooldown, GLOBAL_KEY, Scope, check as check_cooldown};
pub use matcher::find_command;
pub use permission::{ChatRoles, allowed, level};
pub use template::{binding_matches, render, render_for};
pub use tokenize::{MAX_TOKEN_CHARS, MAX_TOKENS, Token, tokenize};
pub use trigger::normalize_trigger;
pub use usage::{REPLY_LIMIT, reply_for, usage};

use crate::model::{ChatCommand, Id, Map};
use crate::widgets::params::ParamSpec;

/// What a chat line means.
#[derive(Clone, Debug, PartialEq)]
pub enum Interpretation {
    /// Not a known, enabled command: ordinary chat.
    NotACommand,
    /// The chatter lacks the permission. No reply, so commands can't be probed or spammed.
    Denied { command_id: Id },
    /// The command's widget or feature no longer exists; the daemon logs it, chat hears nothing.
    Unavailable { command_id: Id },
    /// Bad arguments. `reply` (usage plus the reason) is `None` when the command has
    /// `reply_on_error` off.
    Invalid {
        command_id: Id,
        error: ArgError,
        reply: Option<String>,
    },
    /// Run the feature, once the daemon's cooldown check ([`check_cooldown`]) passes.
    Run {
        command_id: Id,
        widget_id: Id,
        feature: String,
        parameters: Map,
    },
}

/// Interprets one chat line from `user_display` (used only to address the reply).
///
/// `specs_of` gives the parameters of the command's feature, or `None` when its widget or
/// feature is gone. Cooldowns are not checked here, as they need stored times.
pub fn interpret(
    prefix: &str,
    text: &str,
    user_display: &str,
    roles: &ChatRoles,
    commands: &[ChatCommand],
    specs_of: impl Fn(&ChatCommand) -> Option<Vec<ParamSpec>>,
) -> Interpretation {
    let Some((cmd, rest)) = find_command(prefix, text, commands) else {
        return Interpretation::NotACommand;
    };
    let command_id = cmd.id;
    if !allowed(cmd.permission, roles) {
        return Interpretation::Denied { command_id };
    }
    let Some(specs) = specs_of(cmd) else {
        return Interpretation::Unavailable { command_id };
    };
    match map_args(&tokenize(rest), &specs, &cmd.args) {
        Ok(parameters) => Interpretation::Run {
            command_id,
            widget_id: cmd.widget_id,
            feature: cmd.feature.clone(),
            parameters,
        },
        Err(error) => {
            let reply = cmd
                .reply_on_error
                .then(|| reply_for(user_display, &error, &command_usage(prefix, cmd, &specs)));
            Interpretation::Invalid {
                command_id,
                error,
                reply,
            }
        }
    }
}

/// The usage line viewers see for a command (`!confetti <Low|Medium|High> [color]`).
/// Parameters the command fixes are not the viewer's to type, so they are left out.
pub fn command_usage(prefix: &str, cmd: &ChatCommand, specs: &[ParamSpec]) -> String {
    let free: Vec<ParamSpec> = specs
        .iter()
        .filter(|s| !cmd.args.contains_key(s.name))
        .cloned()
        .collect();
    usage(&shown_trigger(prefix, cmd), &free)
}

/// The trigger as viewers type it: with the prefix, whether or not it was stored with it.
fn shown_trigger(prefix: &str, cmd: &ChatCommand) -> String {
    let t = cmd.trigger.trim();
    let has_prefix = t
        .get(..prefix.len())
        .is_some_and(|h| h.eq_ignore_ascii_case(prefix));
    if has_prefix {
        t.to_string()
    } else {
        format!("{prefix}{t}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Permission;
    use serde_json::{Value, json};

    fn confetti_specs() -> Vec<ParamSpec> {
        vec![
            ParamSpec::dropdown("intensity", "Intensity", &["Low", "Medium", "High"]),
            ParamSpec::color("color", "Color").default("#FF5733"),
        ]
    }

    fn say_specs() -> Vec<ParamSpec> {
        vec![ParamSpec::text("message", "Message", 200)]
    }

    fn command(id: Id, trigger: &str, feature: &str) -> ChatCommand {
        ChatCommand {
            id,
            trigger: trigger.into(),
            aliases: vec![],
            widget_id: 10 + id,
            feature: feature.into(),
            args: Map::new(),
            permission: Permission::Everyone,
            cooldown_global_s: 0,
            cooldown_user_s: 0,
            enabled: true,
            reply_on_error: true,
        }
    }

    fn commands() -> Vec<ChatCommand> {
        let mut confetti = command(1, "!confetti", "trigger_blast");
        confetti.aliases = vec!["!boom".into()];
        let mut say = command(2, "say", "say");
        say.permission = Permission::Subscriber;
        let mut quiet = command(3, "!quiet", "trigger_blast");
        quiet.reply_on_error = false;
        let mut hype = command(4, "!hype", "trigger_blast");
        hype.args = json!({"intensity": "High"})
            .as_object()
            .cloned()
            .unwrap_or_default();
        vec![confetti, say, quiet, hype, command(5, "!ghost", "gone")]
    }

    fn specs_of(c: &ChatCommand) -> Option<Vec<ParamSpec>> {
        match c.feature.as_str() {
            "trigger_blast" => Some(confetti_specs()),
            "say" => Some(say_specs()),
            _ => None,
        }
    }

    fn run(text: &str, roles: ChatRoles) -> Interpretation {
        interpret("!", text, "Viewer", &roles, &commands(), specs_of)
    }

    fn params(i: Interpretation) -> Value {
        match i {
            Interpretation::Run { parameters, .. } => Value::Object(parameters),
            other => panic!("expected Run, got {other:?}"),
        }
    }

    const VIEWER: ChatRoles = ChatRoles::EVERYONE;
    const SUB: ChatRoles = ChatRoles {
        subscriber: true,
        ..ChatRoles::EVERYONE
    };

    #[test]
    fn confetti_high_red_runs() {
        match run("!confetti high red", VIEWER) {
            Interpretation::Run {
                command_id,
                widget_id,
                feature,
                parameters,
            } => {
                assert_eq!((command_id, widget_id), (1, 11));
                assert_eq!(feature, "trigger_blast");
                assert_eq!(
                    Value::Object(parameters),
                    json!({"intensity": "High", "color": "#FF0000"})
                );
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            params(run("!CONFETTI Hi", VIEWER)),
            json!({"intensity": "High", "color": "#FF5733"})
        );
        assert_eq!(
            params(run("!boom low", VIEWER)),
            json!({"intensity": "Low", "color": "#FF5733"})
        );
        assert_eq!(
            params(run(r#"!confetti intensity=low color="dark blue""#, VIEWER)),
            json!({"intensity": "Low", "color": "#00008B"})
        );
        assert_eq!(
            params(run("!confetti high red \u{E0000}", VIEWER)),
            json!({"intensity": "High", "color": "#FF0000"})
        );
    }

    #[test]
    fn invalid_gets_usage_reply() {
        match run("!confetti purple-ish", VIEWER) {
            Interpretation::Invalid {
                command_id,
                error,
                reply,
            } => {
                assert_eq!(command_id, 1);
                assert_eq!(error.param.as_deref(), Some("intensity"));
                assert_eq!(
                    reply.as_deref(),
                    Some(
                        r#"@Viewer usage: !confetti <Low|Medium|High> [color] (intensity: "purple-ish" is not one of Low, Medium, High)"#
                    )
                );
            }
            other => panic!("{other:?}"),
        }
        match run("!confetti high purple-ish", VIEWER) {
            Interpretation::Invalid { reply, .. } => assert_eq!(
                reply.as_deref(),
                Some(
                    r#"@Viewer usage: !confetti <Low|Medium|High> [color] (color: "purple-ish" is not a color)"#
                )
            ),
            other => panic!("{other:?}"),
        }
        // reply_on_error off: still Invalid, but silent.
        assert!(matches!(
            run("!quiet nope", VIEWER),
            Interpretation::Invalid {
                command_id: 3,
                reply: None,
                ..
            }
        ));
    }

    #[test]
    fn fixed_args_shape_usage_and_positions() {
        assert_eq!(
            params(run("!hype blue", VIEWER)),
            json!({"intensity": "High", "color": "#0000FF"})
        );
        match run("!hype blue extra", VIEWER) {
            Interpretation::Invalid { reply: Some(r), .. } => {
                assert!(r.starts_with("@Viewer usage: !hype [color] ("), "{r}")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn permissions_and_prefixless_triggers() {
        assert_eq!(
            run("!say hello world", VIEWER),
            Interpretation::Denied { command_id: 2 }
        );
        assert_eq!(
            params(run("!say hello world", SUB)),
            json!({"message": "hello world"})
        );
        match run("!say", SUB) {
            Interpretation::Invalid { reply: Some(r), .. } => {
                assert_eq!(r, "@Viewer usage: !say <message...> (message: missing)")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn not_commands_and_broken_ones() {
        assert_eq!(run("hello chat", VIEWER), Interpretation::NotACommand);
        assert_eq!(run("!unknown", VIEWER), Interpretation::NotACommand);
        assert_eq!(run("", VIEWER), Interpretation::NotACommand);
        assert_eq!(
            run("!ghost", VIEWER),
            Interpretation::Unavailable { command_id: 5 }
        );
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        /// Strings biased toward what breaks parsers: quotes, `=`, separators, prefixes,
        /// invisible characters, multi-byte text, plus fully arbitrary unicode.
        fn nasty() -> impl Strategy<Value = String> {
            let piece = prop_oneof![
                Just("\"".to_string()),
                Just("'".to_string()),
                Just("“".to_string()),
                Just("=".to_string()),
                Just(" ".to_string()),
                Just(",".to_string()),
                Just("!".to_string()),
                Just("!confetti".to_string()),
                Just("!say".to_string()),
                Just("intensity=".to_string()),
                Just("color=".to_string()),
                Just("\u{E0000}".to_string()),
                Just("\u{200B}".to_string()),
                Just("\u{200D}".to_string()),
                Just("é".to_string()),
                Just("🎉".to_string()),
                Just("high".to_string()),
                Just("1,000".to_string()),
                Just("-".to_string()),
                Just(".".to_string()),
                any::<char>().prop_map(String::from),
                "[a-z0-9]{1,6}",
            ];
            prop_oneof![
                prop::collection::vec(piece, 0..80).prop_map(|v| v.concat()),
                any::<String>(),
            ]
        }

        fn all_specs() -> Vec<ParamSpec> {
            vec![
                ParamSpec::dropdown("intensity", "Intensity", &["Low", "Medium", "High"]),
                ParamSpec::multiselect("fx", "Effects", &["fire", "ice"]).optional(),
                ParamSpec::checkbox("loud", "Loud").default(false),
                ParamSpec::color("color", "Color").default("#FF5733"),
                ParamSpec::number("n", "N", -5.0, 5.0).optional(),
                ParamSpec::slider("s", "S", 0.0, 1.0, 0.1).optional(),
                ParamSpec::text("message", "Message", 50).optional(),
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(512))]

            #[test]
            fn tokens_are_bounded(line in nasty()) {
                let tokens = tokenize(&line);
                prop_assert!(tokens.len() <= MAX_TOKENS);
                for t in &tokens {
                    prop_assert!(t.value.chars().count() <= MAX_TOKEN_CHARS);
                }
            }

            #[test]
            fn map_args_never_panics(line in nasty()) {
                let _ = map_args(&tokenize(&line), &all_specs(), &Map::new());
                let _ = map_args(&tokenize(&line), &say_specs(), &Map::new());
                let _ = map_args(&tokenize(&line), &[], &Map::new());
            }

            #[test]
            fn interpret_never_panics_and_replies_are_short(
                line in nasty(),
                user in nasty(),
                prefix in prop_oneof![Just(String::new()), Just("!".to_string()), "\\PC{0,3}"],
            ) {
                let mut cmds = commands();
                cmds.push(command(6, "!all", "all"));
                let specs = |c: &ChatCommand| match c.feature.as_str() {
                    "all" => Some(all_specs()),
                    _ => specs_of(c),
                };
                for text in [line.clone(), format!("!confetti {line}"), format!("!say {line}"), format!("!all {line}")] {
                    if let Interpretation::Invalid { reply: Some(r), .. } =
                        interpret(&prefix, &text, &user, &SUB, &cmds, specs)
                    {
                        prop_assert!(r.chars().count() < REPLY_LIMIT);
                    }
                }
            }
        }
    }
}
