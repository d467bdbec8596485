//! Cooldown decisions, pure: the caller passes the stored last-fired times.
//!
//! Storage contract for the daemon: redb keeps last-fired Unix milliseconds per command id,
//! under `(command_id, "")` for the global cooldown ([`GLOBAL_KEY`]) and
//! `(command_id, user_id)` for the per-user one (the platform's stable user id, not the
//! display name, which can change). Aliases are the same command, so they share both
//! cooldowns by construction. Record both times only after the command actually ran
//! (an invalid invocation costs no cooldown); the broadcaster is exempt but may still be
//! recorded, so viewers wait after the streamer fires one.

use super::permission::ChatRoles;
use crate::model::ChatCommand;

/// The user-id part of the global cooldown's key.
pub const GLOBAL_KEY: &str = "";

/// Which cooldown blocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Global,
    User,
}

/// The command is cooling down: try again in `remaining_s` seconds (rounded up, ≥ 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("cooling down for {remaining_s}s more ({scope:?})")]
pub struct Cooldown {
    pub remaining_s: u32,
    pub scope: Scope,
}

/// `Ok` if `cmd` may fire now; otherwise the cooldown with the longest wait.
///
/// A stored time in the future (the clock was set back) is ignored rather than blocking
/// until the clock catches up; the next firing stores a sane time again.
pub fn check(
    cmd: &ChatCommand,
    roles: &ChatRoles,
    now_ms: u64,
    last_global_ms: Option<u64>,
    last_user_ms: Option<u64>,
) -> Result<(), Cooldown> {
    if roles.broadcaster {
        return Ok(());
    }
    let global = remaining_ms(cmd.cooldown_global_s, now_ms, last_global_ms);
    let user = remaining_ms(cmd.cooldown_user_s, now_ms, last_user_ms);
    let (ms, scope) = if global >= user {
        (global, Scope::Global)
    } else {
        (user, Scope::User)
    };
    if ms == 0 {
        return Ok(());
    }
    let remaining_s = u32::try_from(ms.div_ceil(1000)).unwrap_or(u32::MAX);
    Err(Cooldown { remaining_s, scope })
}

fn remaining_ms(cooldown_s: u32, now_ms: u64, last_ms: Option<u64>) -> u64 {
    match last_ms {
        Some(last) if cooldown_s > 0 && last <= now_ms => last
            .saturating_add(u64::from(cooldown_s) * 1000)
            .saturating_sub(now_ms),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Permission;

    fn cmd(global_s: u32, user_s: u32) -> ChatCommand {
        ChatCommand {
            id: 7,
            trigger: "!confetti".into(),
            aliases: vec!["!boom".into()],
            widget_id: 1,
            feature: "trigger_blast".into(),
            args: Default::default(),
            permission: Permission::Everyone,
            cooldown_global_s: global_s,
            cooldown_user_s: user_s,
            enabled: true,
            reply_on_error: true,
        }
    }

    const VIEWER: ChatRoles = ChatRoles::EVERYONE;

    #[test]
    fn no_history_or_no_cooldown_fires() {
        assert_eq!(check(&cmd(30, 60), &VIEWER, 1_000, None, None), Ok(()));
        assert_eq!(
            check(&cmd(0, 0), &VIEWER, 1_000, Some(999), Some(999)),
            Ok(())
        );
    }

    #[test]
    fn global_cooldown() {
        let c = cmd(30, 0);
        let err = check(&c, &VIEWER, 10_000, Some(0), None).unwrap_err();
        assert_eq!(
            err,
            Cooldown {
                remaining_s: 20,
                scope: Scope::Global
            }
        );
        // Rounded up: 0.5 s left reads as 1 s.
        let err = check(&c, &VIEWER, 29_500, Some(0), None).unwrap_err();
        assert_eq!(err.remaining_s, 1);
        assert_eq!(check(&c, &VIEWER, 30_000, Some(0), None), Ok(()));
    }

    #[test]
    fn user_cooldown_and_the_longer_wait_wins() {
        let c = cmd(10, 60);
        let err = check(&c, &VIEWER, 20_000, Some(0), Some(0)).unwrap_err();
        assert_eq!(
            err,
            Cooldown {
                remaining_s: 40,
                scope: Scope::User
            }
        );
        let err = check(&c, &VIEWER, 5_000, Some(0), None).unwrap_err();
        assert_eq!(err.scope, Scope::Global);
        // Another viewer (no per-user history) only waits for the global one.
        assert_eq!(check(&c, &VIEWER, 15_000, Some(0), None), Ok(()));
    }

    #[test]
    fn broadcaster_is_exempt_mods_are_not() {
        let c = cmd(30, 30);
        let owner = ChatRoles {
            broadcaster: true,
            ..ChatRoles::EVERYONE
        };
        let moderator = ChatRoles {
            moderator: true,
            ..ChatRoles::EVERYONE
        };
        assert_eq!(check(&c, &owner, 1_000, Some(0), Some(0)), Ok(()));
        assert!(check(&c, &moderator, 1_000, Some(0), Some(0)).is_err());
    }

    #[test]
    fn clock_set_back_does_not_block_forever() {
        let c = cmd(30, 30);
        assert_eq!(check(&c, &VIEWER, 1_000, Some(9_999_999), None), Ok(()));
        let huge = cmd(u32::MAX, 0);
        let err = check(&huge, &VIEWER, u64::MAX - 1, Some(u64::MAX - 2), None).unwrap_err();
        assert!(err.remaining_s > 0);
    }
}
