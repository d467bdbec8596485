//! Finds which command a chat line invokes.

use super::clean::{is_separator, trim};
use crate::model::ChatCommand;

/// The enabled command a line invokes and the rest of the line (its arguments).
///
/// The line (after trimming invisible junk) must start with `prefix`; its first word is
/// compared, ignoring case, with each trigger and alias, which may be stored with or
/// without the prefix (`!boom` and `boom` both match `!BOOM`). When several enabled
/// commands share a name, the first in `commands` wins.
pub fn find_command<'a, 't>(
    prefix: &str,
    text: &'t str,
    commands: &'a [ChatCommand],
) -> Option<(&'a ChatCommand, &'t str)> {
    let line = trim(text);
    let after_prefix = strip_prefix_ci(line, prefix)?;
    let end = after_prefix
        .find(is_separator)
        .unwrap_or(after_prefix.len());
    let word = &after_prefix[..end];
    if word.is_empty() {
        return None;
    }
    let rest = after_prefix[end..].trim_start_matches(is_separator);
    commands
        .iter()
        .filter(|c| c.enabled)
        .find(|c| names(c).any(|n| same_word(bare(n, prefix), word)))
        .map(|c| (c, rest))
}

fn names(c: &ChatCommand) -> impl Iterator<Item = &str> {
    std::iter::once(c.trigger.as_str()).chain(c.aliases.iter().map(String::as_str))
}

/// A stored trigger without surrounding blanks and without the prefix, if it has one.
fn bare<'n>(name: &'n str, prefix: &str) -> &'n str {
    let name = name.trim();
    strip_prefix_ci(name, prefix).unwrap_or(name)
}

fn strip_prefix_ci<'s>(s: &'s str, prefix: &str) -> Option<&'s str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// Case-insensitive comparison for any script (`!KONFETTİ` too), without allocating.
fn same_word(a: &str, b: &str) -> bool {
    !a.is_empty()
        && a.chars()
            .flat_map(char::to_lowercase)
            .eq(b.chars().flat_map(char::to_lowercase))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ChatCommand, Permission};

    fn cmd(id: u64, trigger: &str, aliases: &[&str]) -> ChatCommand {
        ChatCommand {
            id,
            trigger: trigger.into(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            widget_id: 1,
            feature: "f".into(),
            args: Default::default(),
            permission: Permission::Everyone,
            cooldown_global_s: 0,
            cooldown_user_s: 0,
            enabled: true,
            reply_on_error: true,
        }
    }

    fn hit<'t>(text: &'t str, cmds: &[ChatCommand]) -> Option<(u64, &'t str)> {
        find_command("!", text, cmds).map(|(c, rest)| (c.id, rest))
    }

    #[test]
    fn trigger_alias_case_and_rest() {
        let cmds = [cmd(1, "!confetti", &["!boom", "party"]), cmd(2, "say", &[])];
        assert_eq!(hit("!confetti high red", &cmds), Some((1, "high red")));
        assert_eq!(hit("  !CONFETTI   Hi ", &cmds), Some((1, "Hi")));
        assert_eq!(hit("!boom", &cmds), Some((1, "")));
        assert_eq!(hit("!Party now", &cmds), Some((1, "now")));
        assert_eq!(hit("!say hello  world", &cmds), Some((2, "hello  world")));
    }

    #[test]
    fn non_commands() {
        let cmds = [cmd(1, "!confetti", &[])];
        assert_eq!(hit("confetti high", &cmds), None);
        assert_eq!(hit("!confettihigh", &cmds), None);
        assert_eq!(hit("! confetti", &cmds), None);
        assert_eq!(hit("!", &cmds), None);
        assert_eq!(hit("", &cmds), None);
        assert_eq!(hit("hello !confetti", &cmds), None);
    }

    #[test]
    fn disabled_commands_never_match_and_first_enabled_wins() {
        let mut off = cmd(1, "!confetti", &[]);
        off.enabled = false;
        let cmds = [off, cmd(2, "!confetti", &[]), cmd(3, "!confetti", &[])];
        assert_eq!(hit("!confetti", &cmds), Some((2, "")));
        assert_eq!(hit("!confetti", &cmds[..1]), None);
    }

    #[test]
    fn invisible_junk_is_ignored() {
        let cmds = [cmd(1, "!confetti", &[])];
        assert_eq!(
            hit("\u{200B}!confetti high red \u{E0000}", &cmds),
            Some((1, "high red"))
        );
        assert_eq!(hit("!confetti\u{E0000}", &cmds), Some((1, "")));
        assert_eq!(hit("\u{FEFF}!confetti \u{2800}", &cmds), Some((1, "")));
    }

    #[test]
    fn other_prefixes_and_unicode() {
        let cmds = [cmd(1, "?Konfetti", &[]), cmd(2, "!!x", &[])];
        assert_eq!(
            find_command("?", "?KONFETTI los", &cmds).map(|(c, r)| (c.id, r)),
            Some((1, "los"))
        );
        assert_eq!(find_command("!!", "!!x", &cmds).map(|(c, _)| c.id), Some(2));
        // A multi-byte first character never splits inside a char.
        assert!(find_command("!!", "é!x", &cmds).is_none());
        assert!(find_command("!", "🎉🎉", &cmds).is_none());
    }
}
