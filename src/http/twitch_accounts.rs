//! `/api/twitch/accounts`: "Log in with Twitch" for the settings page. Tokens never appear
//! here: the view says who is logged in, with which scopes, and what to approve.

use super::AppState;
use super::error::{ApiError, ErrorBody};
use crate::accounts::{AccountView, AccountsView, Role};
use axum::Json;
use axum::extract::{Path, State};

fn role(raw: &str) -> Result<Role, ApiError> {
    Role::parse(raw).ok_or_else(|| {
        ApiError::not_found(format!(
            "no Twitch account role {raw:?}; use broadcaster or bot"
        ))
        .field("role")
    })
}

#[utoipa::path(get, path = "/api/twitch/accounts", tag = "settings",
    summary = "Twitch logins",
    description = "The broadcaster and bot logins (never their tokens), a pending login's code, and the EventSub connection. Pushed to admin clients as `twitch_accounts` whenever it changes.",
    responses((status = 200, body = AccountsView)))]
pub async fn get_accounts(State(app): State<AppState>) -> Json<AccountsView> {
    Json(app.accounts.view())
}

#[utoipa::path(post, path = "/api/twitch/accounts/{role}/login", tag = "settings",
    summary = "Log in with Twitch",
    description = "Starts the OAuth device code flow: answers the code and the link to open; the daemon polls Twitch until the streamer approves, then stores and refreshes the tokens.",
    params(("role" = String, Path, description = "`broadcaster` or `bot`")),
    responses(
        (status = 200, description = "`pending` with `user_code` and `verification_uri`", body = AccountView),
        (status = 422, description = "`twitch.client_id` is not set or Twitch refused it", body = ErrorBody),
        (status = 502, description = "Twitch cannot be reached (`twitch_unreachable`)", body = ErrorBody),
    ))]
pub async fn login(
    State(app): State<AppState>,
    Path(raw): Path<String>,
) -> Result<Json<AccountView>, ApiError> {
    Ok(Json(app.accounts.login(role(&raw)?).await?))
}

#[utoipa::path(delete, path = "/api/twitch/accounts/{role}", tag = "settings",
    summary = "Log out of Twitch",
    description = "Cancels a pending login, revokes the token at Twitch and forgets the login.",
    params(("role" = String, Path, description = "`broadcaster` or `bot`")),
    responses((status = 200, body = AccountView), (status = 404, body = ErrorBody)))]
pub async fn logout(
    State(app): State<AppState>,
    Path(raw): Path<String>,
) -> Result<Json<AccountView>, ApiError> {
    Ok(Json(app.accounts.logout(role(&raw)?).await?))
}
