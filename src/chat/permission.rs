//! Who may run what. Platform-neutral: the daemon maps Twitch badges to [`ChatRoles`].

use crate::model::Permission;

/// The roles a chatter holds in the channel (several at once is normal).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ChatRoles {
    pub broadcaster: bool,
    pub moderator: bool,
    pub vip: bool,
    pub subscriber: bool,
}

impl ChatRoles {
    pub const EVERYONE: ChatRoles = ChatRoles {
        broadcaster: false,
        moderator: false,
        vip: false,
        subscriber: false,
    };
}

/// The highest level the chatter holds. The ladder is strict, so a moderator who is not a
/// subscriber still passes subscriber-only commands.
pub fn level(roles: &ChatRoles) -> Permission {
    if roles.broadcaster {
        Permission::Broadcaster
    } else if roles.moderator {
        Permission::Moderator
    } else if roles.vip {
        Permission::Vip
    } else if roles.subscriber {
        Permission::Subscriber
    } else {
        Permission::Everyone
    }
}

/// May this chatter run a command that requires `required`?
pub fn allowed(required: Permission, roles: &ChatRoles) -> bool {
    level(roles) >= required
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUB: ChatRoles = ChatRoles {
        subscriber: true,
        ..ChatRoles::EVERYONE
    };
    const VIP: ChatRoles = ChatRoles {
        vip: true,
        ..ChatRoles::EVERYONE
    };
    const MOD: ChatRoles = ChatRoles {
        moderator: true,
        ..ChatRoles::EVERYONE
    };
    const OWNER: ChatRoles = ChatRoles {
        broadcaster: true,
        ..ChatRoles::EVERYONE
    };

    #[test]
    fn ladder() {
        use Permission::*;
        let people = [ChatRoles::EVERYONE, SUB, VIP, MOD, OWNER];
        let levels = [Everyone, Subscriber, Vip, Moderator, Broadcaster];
        for (i, who) in people.iter().enumerate() {
            assert_eq!(level(who), levels[i]);
            for (j, required) in levels.iter().enumerate() {
                assert_eq!(allowed(*required, who), i >= j, "{who:?} vs {required:?}");
            }
        }
    }

    #[test]
    fn highest_role_counts() {
        let sub_mod = ChatRoles {
            subscriber: true,
            moderator: true,
            ..ChatRoles::EVERYONE
        };
        assert_eq!(level(&sub_mod), Permission::Moderator);
        assert!(allowed(Permission::Vip, &sub_mod));
        assert!(!allowed(Permission::Broadcaster, &sub_mod));
    }
}
