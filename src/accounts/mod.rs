//! Twitch logins: "Log in with Twitch" by the device code flow, the tokens kept in redb and
//! kept fresh, and what the adapters log in with.
//!
//! Two roles: the **broadcaster** (EventSub needs the channel owner's token: follows,
//! channel points, hype trains) and an optional **bot** (a second account that talks in
//! chat; without one the broadcaster's account does). Logins are stored as internal
//! `auth.twitch.<role>` values in the settings table (written through the engine like
//! every write; never returned by the API, never logged, not in export bundles).
//!
//! - `keeper`: the background work: polling a pending login, refreshing tokens before they
//!   expire, validating them hourly as Twitch requires, noticing a revoked login.

pub mod keeper;

use crate::hub::{Encoded, Hub};
use crate::settings::{SettingsError, SettingsService, Value};
use serde::{Deserialize, Serialize};
use stagehand_twitch::Secret;
use stagehand_twitch::auth::{AuthClient, AuthError, DeviceCode, Tokens, Validated};
use stagehand_twitch::eventsub::EventSubStatus;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;
use tokio::sync::{Notify, watch};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Broadcaster,
    Bot,
}

impl Role {
    pub const ALL: [Role; 2] = [Role::Broadcaster, Role::Bot];

    fn key(self) -> &'static str {
        match self {
            Role::Broadcaster => "auth.twitch.broadcaster",
            Role::Bot => "auth.twitch.bot",
        }
    }

    fn idx(self) -> usize {
        self as usize
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "broadcaster" => Some(Role::Broadcaster),
            "bot" => Some(Role::Bot),
            _ => None,
        }
    }
}

/// A login as stored. Deliberately neither `Debug` nor part of any API type.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Stored {
    login: String,
    user_id: String,
    access_token: String,
    refresh_token: String,
    expires_at_ms: u64,
    /// The access token's lifetime when issued: decides how early to refresh.
    lifetime_s: u64,
    scopes: Vec<String>,
    /// Twitch revoked the login or refused the refresh: the tokens are gone.
    #[serde(default)]
    login_again: bool,
}

impl Stored {
    fn new(tokens: &Tokens, who: &Validated) -> Stored {
        Stored {
            login: who.login.clone(),
            user_id: who.user_id.clone(),
            access_token: tokens.access_token.expose().to_string(),
            refresh_token: tokens.refresh_token.expose().to_string(),
            expires_at_ms: crate::model::now_ms() + tokens.expires_in * 1000,
            lifetime_s: tokens.expires_in,
            scopes: if tokens.scope.is_empty() {
                who.scopes.clone()
            } else {
                tokens.scope.clone()
            },
            login_again: false,
        }
    }

    fn refreshed(&self, tokens: &Tokens) -> Stored {
        Stored {
            access_token: tokens.access_token.expose().to_string(),
            refresh_token: tokens.refresh_token.expose().to_string(),
            expires_at_ms: crate::model::now_ms() + tokens.expires_in * 1000,
            lifetime_s: tokens.expires_in,
            scopes: if tokens.scope.is_empty() {
                self.scopes.clone()
            } else {
                tokens.scope.clone()
            },
            ..self.clone()
        }
    }

    fn logged_out(&self) -> Stored {
        Stored {
            access_token: String::new(),
            refresh_token: String::new(),
            login_again: true,
            ..self.clone()
        }
    }

    fn usable(&self) -> bool {
        !self.login_again && !self.access_token.is_empty()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccountState {
    LoggedOut,
    /// Waiting for the streamer to approve `user_code` on Twitch.
    Pending,
    LoggedIn,
    /// Twitch revoked the login or refused to refresh it: log in again.
    LoginAgain,
}

/// One role's login as the API shows it (never a token).
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = TwitchAccount)]
pub struct AccountView {
    pub role: Role,
    pub state: AccountState,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub login: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
    /// When the access token expires (it is refreshed before).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at_ms: Option<u64>,
    /// Pending: the code to approve and where.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verification_uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code_expires_at_ms: Option<u64>,
    /// Why the last login attempt failed, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// `GET /api/twitch/accounts`; also pushed to admin clients as `twitch_accounts`.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = TwitchAccounts)]
pub struct AccountsView {
    /// `twitch.client_id` is set: logging in is possible.
    pub client_id_set: bool,
    pub broadcaster: AccountView,
    pub bot: AccountView,
    pub eventsub: EventSubStatus,
}

/// Who the adapters log in as.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Creds {
    pub broadcaster: Option<Cred>,
    pub bot: Option<Cred>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Cred {
    pub login: String,
    pub user_id: String,
    pub token: Secret,
}

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error(
        "set twitch.client_id first: register an application at dev.twitch.tv (README › Twitch login)"
    )]
    NoClientId,
    #[error("cannot start the Twitch login: {0}")]
    Twitch(#[from] AuthError),
    #[error(transparent)]
    Settings(#[from] SettingsError),
}

struct Pending {
    code: DeviceCode,
    expires_at_ms: u64,
    task: tokio::task::AbortHandle,
}

#[derive(Default)]
struct Slot {
    stored: Option<Stored>,
    pending: Option<Pending>,
    error: Option<String>,
    /// When the token was last confirmed valid (None: not since start-up).
    validated_at: Option<Instant>,
    /// No refresh/validate before this (after Twitch could not be reached).
    retry_at: Option<Instant>,
    force_refresh: bool,
    force_validate: bool,
}

struct Inner {
    settings: Arc<SettingsService>,
    hub: Arc<Hub>,
    slots: Mutex<[Slot; 2]>,
    creds: watch::Sender<Creds>,
    eventsub: Mutex<EventSubStatus>,
    /// Wakes the keeper (a new login, a forced refresh).
    wake: Notify,
    /// Logins, refreshes and logouts one at a time, so the stored value is the last one.
    writes: tokio::sync::Mutex<()>,
}

#[derive(Clone)]
pub struct Accounts {
    inner: Arc<Inner>,
}

impl Accounts {
    /// The stored logins (unreadable ones are logged and treated as logged out).
    pub fn load(settings: Arc<SettingsService>, hub: Arc<Hub>) -> Accounts {
        let saved = settings.saved().unwrap_or_else(|e| {
            tracing::error!(error = %e, "cannot read stored Twitch logins");
            Default::default()
        });
        let mut slots: [Slot; 2] = Default::default();
        for role in Role::ALL {
            if let Some(v) = saved.get(role.key()) {
                match serde_json::from_value::<Stored>(v.json().clone()) {
                    Ok(s) => slots[role.idx()].stored = Some(s),
                    Err(e) => {
                        tracing::warn!(role = ?role, error = %e, "ignoring an unreadable Twitch login")
                    }
                }
            }
        }
        let (creds, _) = watch::channel(creds_of(&slots));
        Accounts {
            inner: Arc::new(Inner {
                settings,
                hub,
                slots: Mutex::new(slots),
                creds,
                eventsub: Mutex::default(),
                wake: Notify::new(),
                writes: tokio::sync::Mutex::new(()),
            }),
        }
    }

    pub fn creds(&self) -> watch::Receiver<Creds> {
        self.inner.creds.subscribe()
    }

    fn slots(&self) -> MutexGuard<'_, [Slot; 2]> {
        self.inner.slots.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn view(&self) -> AccountsView {
        let slots = self.slots();
        AccountsView {
            client_id_set: !self
                .inner
                .settings
                .current()
                .twitch
                .client_id
                .trim()
                .is_empty(),
            broadcaster: account_view(Role::Broadcaster, &slots[0]),
            bot: account_view(Role::Bot, &slots[1]),
            eventsub: self
                .inner
                .eventsub
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clone(),
        }
    }

    pub fn role_view(&self, role: Role) -> AccountView {
        account_view(role, &self.slots()[role.idx()])
    }

    /// The auth client for the current settings.
    fn client(&self) -> Result<AuthClient, AccountError> {
        let s = self.inner.settings.current();
        if s.twitch.client_id.trim().is_empty() {
            return Err(AccountError::NoClientId);
        }
        Ok(AuthClient::new(&s.twitch.auth_url, &s.twitch.client_id))
    }

    /// Starts a device login for `role`: the code to show; a background task polls Twitch.
    pub async fn login(&self, role: Role) -> Result<AccountView, AccountError> {
        let client = self.client()?;
        let code = client.start_device().await?;
        let expires_at_ms = crate::model::now_ms() + code.expires_in * 1000;
        let task = tokio::spawn(keeper::poll_login(self.clone(), role, client, code.clone()));
        {
            let mut slots = self.slots();
            let slot = &mut slots[role.idx()];
            if let Some(old) = slot.pending.replace(Pending {
                code,
                expires_at_ms,
                task: task.abort_handle(),
            }) {
                old.task.abort();
            }
            slot.error = None;
        }
        tracing::info!(role = ?role, "Twitch login started; waiting for approval");
        self.publish();
        Ok(self.role_view(role))
    }

    /// Cancels a pending login, revokes the token at Twitch and forgets the login.
    pub async fn logout(&self, role: Role) -> Result<AccountView, AccountError> {
        let _one = self.inner.writes.lock().await;
        let stored = {
            let mut slots = self.slots();
            let slot = &mut slots[role.idx()];
            if let Some(p) = slot.pending.take() {
                p.task.abort();
            }
            slot.error = None;
            slot.stored.clone()
        };
        if let Some(s) = stored.filter(Stored::usable)
            && let Ok(client) = self.client()
            && let Err(e) = client.revoke(&Secret::new(s.access_token.clone())).await
        {
            // Forgotten here either way; Twitch drops unused tokens when they expire.
            tracing::warn!(error = %e, "could not revoke the Twitch token");
        }
        self.inner
            .settings
            .commit(vec![(role.key().to_string(), None)])
            .await?;
        self.slots()[role.idx()].stored = None;
        tracing::info!(role = ?role, "logged out of Twitch");
        self.publish();
        Ok(self.role_view(role))
    }

    /// What the EventSub client reports; a refused token is refreshed, a revocation validated.
    pub fn eventsub_status(&self, status: EventSubStatus) {
        let before = std::mem::replace(
            &mut *self
                .inner
                .eventsub
                .lock()
                .unwrap_or_else(|e| e.into_inner()),
            status.clone(),
        );
        if before == status {
            return;
        }
        {
            let mut slots = self.slots();
            let b = &mut slots[Role::Broadcaster.idx()];
            b.force_refresh |= status.unauthorized && !before.unauthorized;
            b.force_validate |= status.revoked && !before.revoked;
        }
        self.inner.wake.notify_one();
        self.publish();
    }

    /// Stores a login or a refreshed one and tells everyone.
    async fn save(
        &self,
        role: Role,
        stored: Stored,
        extra: crate::settings::Changes,
    ) -> Result<(), SettingsError> {
        let value = serde_json::to_value(&stored).unwrap_or_default();
        let mut changes = vec![(role.key().to_string(), Some(Value::new(value)))];
        changes.extend(extra);
        self.inner.settings.commit(changes).await?;
        self.slots()[role.idx()].stored = Some(stored);
        self.publish();
        Ok(())
    }

    /// Publishes the logins to the adapters (if they changed) and the view to admin clients.
    fn publish(&self) {
        let creds = creds_of(&self.slots());
        self.inner.creds.send_if_modified(|cur| {
            let changed = *cur != creds;
            *cur = creds;
            changed
        });
        self.inner
            .hub
            .publish_admin(Encoded::new("twitch_accounts", &self.view()));
    }
}

fn creds_of(slots: &[Slot; 2]) -> Creds {
    let cred = |s: &Slot| {
        s.stored.as_ref().filter(|s| s.usable()).map(|s| Cred {
            login: s.login.clone(),
            user_id: s.user_id.clone(),
            token: Secret::new(s.access_token.clone()),
        })
    };
    Creds {
        broadcaster: cred(&slots[0]),
        bot: cred(&slots[1]),
    }
}

fn account_view(role: Role, slot: &Slot) -> AccountView {
    let stored = slot.stored.as_ref();
    let state = match (&slot.pending, stored) {
        (Some(_), _) => AccountState::Pending,
        (None, Some(s)) if s.login_again => AccountState::LoginAgain,
        (None, Some(_)) => AccountState::LoggedIn,
        (None, None) => AccountState::LoggedOut,
    };
    AccountView {
        role,
        state,
        login: stored.map(|s| s.login.clone()),
        user_id: stored.map(|s| s.user_id.clone()),
        scopes: stored
            .filter(|s| s.usable())
            .map(|s| s.scopes.clone())
            .unwrap_or_default(),
        expires_at_ms: stored.filter(|s| s.usable()).map(|s| s.expires_at_ms),
        user_code: slot.pending.as_ref().map(|p| p.code.user_code.clone()),
        verification_uri: slot
            .pending
            .as_ref()
            .map(|p| p.code.verification_uri.clone()),
        code_expires_at_ms: slot.pending.as_ref().map(|p| p.expires_at_ms),
        error: slot.error.clone(),
    }
}
