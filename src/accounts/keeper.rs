//! The background work behind the logins: a pending device login polled until the streamer
//! approves it; each access token refreshed before it expires (so chat and EventSub never
//! see an expired one); each validated at start-up and hourly, as Twitch requires of apps;
//! a login Twitch revoked turned into "log in again" instead of retried forever.

use super::{Accounts, Role, Slot, Stored};
use crate::settings::{Changes, Value};
use stagehand_twitch::Secret;
use stagehand_twitch::auth::{AuthClient, AuthError, DeviceCode};
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// Twitch asks apps to validate their tokens hourly.
const VALIDATE_EVERY: Duration = Duration::from_secs(3600);
/// Refresh this long before expiry at most (half the lifetime for short-lived tokens).
const REFRESH_AHEAD: Duration = Duration::from_secs(300);
/// After Twitch could not be reached.
const RETRY_AFTER: Duration = Duration::from_secs(30);

/// Polls Twitch for the tokens of an approved device login.
pub(super) async fn poll_login(
    accounts: Accounts,
    role: Role,
    client: AuthClient,
    code: DeviceCode,
) {
    let mut interval = Duration::from_secs(code.interval.max(1));
    let deadline = Instant::now() + Duration::from_secs(code.expires_in);
    let outcome = loop {
        tokio::time::sleep(interval).await;
        if Instant::now() >= deadline {
            break Err(AuthError::Expired.to_string());
        }
        match client.poll_token(&code.device_code).await {
            Err(AuthError::Pending) => {}
            Err(AuthError::SlowDown) => interval += Duration::from_secs(5),
            Err(AuthError::Unreachable(e)) => {
                tracing::warn!(error = %e, "Twitch login: cannot reach Twitch; still trying")
            }
            Err(e) => break Err(e.to_string()),
            Ok(tokens) => match client.validate(&tokens.access_token).await {
                Ok(who) => break Ok(Stored::new(&tokens, &who)),
                Err(e) => break Err(e.to_string()),
            },
        }
    };
    let _one = accounts.inner.writes.lock().await;
    let result = match outcome {
        Ok(stored) => {
            let login = stored.login.clone();
            let extra = if role == Role::Broadcaster {
                connect_chat(&accounts, &login)
            } else {
                Vec::new()
            };
            match accounts.save(role, stored, extra).await {
                Ok(()) => {
                    tracing::info!(role = ?role, login = %login, "logged in to Twitch");
                    Ok(())
                }
                Err(e) => Err(format!("could not save the login: {e}")),
            }
        }
        Err(e) => Err(e),
    };
    {
        let mut slots = accounts.slots();
        let slot = &mut slots[role.idx()];
        slot.pending = None;
        slot.validated_at = Some(Instant::now());
        slot.error = result.as_ref().err().cloned();
    }
    if let Err(e) = &result {
        tracing::warn!(role = ?role, error = %e, "Twitch login failed");
    }
    accounts.inner.wake.notify_one();
    accounts.publish();
}

/// One login connects chat: the broadcaster's channel and Twitch on, unless the file or
/// the environment decides them or a channel is set already.
fn connect_chat(accounts: &Accounts, login: &str) -> Changes {
    let settings = &accounts.inner.settings;
    let current = settings.current();
    let mut changes = Vec::new();
    if current.twitch.channel.trim().is_empty() && !settings.pinned("twitch.channel") {
        changes.push(("twitch.channel".to_string(), Some(Value::new(login.into()))));
    }
    if !current.twitch.enabled && !settings.pinned("twitch.enabled") {
        changes.push(("twitch.enabled".to_string(), Some(Value::new(true.into()))));
    }
    changes
}

/// What is due for one login.
enum Due {
    Nothing,
    Refresh(Stored),
    Validate(Stored),
}

fn due(slot: &mut Slot, now: Instant, now_ms: u64) -> Due {
    let Some(s) = slot.stored.clone().filter(Stored::usable) else {
        return Due::Nothing;
    };
    if slot.retry_at.is_some_and(|t| now < t) {
        return Due::Nothing;
    }
    if std::mem::take(&mut slot.force_refresh) || now_ms >= refresh_at_ms(&s) {
        return Due::Refresh(s);
    }
    if std::mem::take(&mut slot.force_validate)
        || slot.validated_at.is_none_or(|t| now >= t + VALIDATE_EVERY)
    {
        return Due::Validate(s);
    }
    Due::Nothing
}

fn refresh_at_ms(s: &Stored) -> u64 {
    let ahead = REFRESH_AHEAD.min(Duration::from_secs(s.lifetime_s) / 2);
    s.expires_at_ms.saturating_sub(ahead.as_millis() as u64)
}

/// How long until something may be due (the keeper also wakes on `wake`).
fn next_wake(slots: &[Slot; 2], now: Instant, now_ms: u64) -> Duration {
    let mut next = VALIDATE_EVERY;
    for slot in slots {
        let Some(s) = slot.stored.as_ref().filter(|s| s.usable()) else {
            continue;
        };
        if let Some(t) = slot.retry_at.filter(|t| *t > now) {
            next = next.min(t - now);
            continue;
        }
        next = next.min(Duration::from_millis(
            refresh_at_ms(s).saturating_sub(now_ms),
        ));
        let validate = slot.validated_at.map_or(Duration::ZERO, |t| {
            (t + VALIDATE_EVERY).saturating_duration_since(now)
        });
        next = next.min(validate);
    }
    next
}

/// Keeps the logins fresh until shutdown.
pub async fn run(accounts: Accounts, mut shutdown: watch::Receiver<bool>) {
    loop {
        for role in Role::ALL {
            maintain(&accounts, role).await;
        }
        let wait = next_wake(&accounts.slots(), Instant::now(), crate::model::now_ms());
        tokio::select! {
            _ = shutdown.changed() => break,
            _ = accounts.inner.wake.notified() => {}
            _ = tokio::time::sleep(wait) => {}
        }
    }
}

async fn maintain(accounts: &Accounts, role: Role) {
    let due = due(
        &mut accounts.slots()[role.idx()],
        Instant::now(),
        crate::model::now_ms(),
    );
    let client = match accounts.client() {
        Ok(c) => c,
        Err(_) => return,
    };
    match due {
        Due::Nothing => {}
        Due::Refresh(s) => refresh(accounts, role, &client, &s).await,
        Due::Validate(s) => match client.validate(&Secret::new(s.access_token.clone())).await {
            Ok(_) => accounts.slots()[role.idx()].validated_at = Some(Instant::now()),
            // Expired or revoked: a refresh tells which.
            Err(AuthError::Invalid) => refresh(accounts, role, &client, &s).await,
            Err(e) => later(accounts, role, &e),
        },
    }
}

async fn refresh(accounts: &Accounts, role: Role, client: &AuthClient, s: &Stored) {
    let _one = accounts.inner.writes.lock().await;
    // Logged out (or in again) meanwhile: nothing to refresh.
    if accounts.slots()[role.idx()].stored.as_ref() != Some(s) {
        return;
    }
    match client.refresh(&Secret::new(s.refresh_token.clone())).await {
        Ok(tokens) => match accounts.save(role, s.refreshed(&tokens), Vec::new()).await {
            Ok(()) => {
                tracing::info!(role = ?role, "refreshed the Twitch token");
                let mut slots = accounts.slots();
                slots[role.idx()].validated_at = Some(Instant::now());
                slots[role.idx()].retry_at = None;
            }
            Err(e) => tracing::error!(error = %e, "could not store the refreshed Twitch token"),
        },
        Err(AuthError::Invalid) => {
            tracing::warn!(role = ?role, login = %s.login, "Twitch revoked the login; log in again");
            if let Err(e) = accounts.save(role, s.logged_out(), Vec::new()).await {
                tracing::error!(error = %e, "could not store the logout");
            }
        }
        Err(e) => later(accounts, role, &e),
    }
}

fn later(accounts: &Accounts, role: Role, e: &AuthError) {
    tracing::warn!(role = ?role, error = %e, "Twitch token check failed; retrying soon");
    accounts.slots()[role.idx()].retry_at = Some(Instant::now() + RETRY_AFTER);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(expires_at_ms: u64, lifetime_s: u64) -> Stored {
        Stored {
            login: "s".into(),
            user_id: "1".into(),
            access_token: "at".into(),
            refresh_token: "rt".into(),
            expires_at_ms,
            lifetime_s,
            scopes: vec![],
            login_again: false,
        }
    }

    #[test]
    fn refreshes_ahead_of_expiry_and_validates_hourly() {
        // A four-hour token: refreshed five minutes before it expires.
        let s = stored(4 * 3_600_000, 14_400);
        assert_eq!(refresh_at_ms(&s), 4 * 3_600_000 - 300_000);
        // A two-second token (tests): after one second.
        assert_eq!(refresh_at_ms(&stored(10_000, 2)), 9_000);

        let now = Instant::now();
        let mut slot = Slot {
            stored: Some(s.clone()),
            ..Slot::default()
        };
        assert!(
            matches!(due(&mut slot, now, 0), Due::Validate(_)),
            "validated at start-up"
        );
        slot.validated_at = Some(now);
        assert!(matches!(due(&mut slot, now, 0), Due::Nothing));
        assert!(matches!(
            due(&mut slot, now + VALIDATE_EVERY, 0),
            Due::Validate(_)
        ));
        assert!(matches!(
            due(&mut slot, now, refresh_at_ms(&s)),
            Due::Refresh(_)
        ));
        slot.force_refresh = true;
        assert!(matches!(due(&mut slot, now, 0), Due::Refresh(_)));
        assert!(
            matches!(due(&mut slot, now, 0), Due::Nothing),
            "forced once"
        );
        slot.retry_at = Some(now + RETRY_AFTER);
        slot.force_validate = true;
        assert!(
            matches!(due(&mut slot, now, 0), Due::Nothing),
            "backing off"
        );
        slot.stored = Some(s.logged_out());
        assert!(matches!(due(&mut slot, now + RETRY_AFTER, 0), Due::Nothing));
    }

    #[test]
    fn wakes_for_the_earliest_deadline() {
        let now = Instant::now();
        let slots = [
            Slot {
                stored: Some(stored(10_000, 2)),
                validated_at: Some(now),
                ..Slot::default()
            },
            Slot::default(),
        ];
        assert_eq!(next_wake(&slots, now, 5_000), Duration::from_millis(4_000));
        assert_eq!(
            next_wake(&[Slot::default(), Slot::default()], now, 0),
            VALIDATE_EVERY
        );
    }
}
