//! The axum server: REST under /api, WebSocket at /ws, embedded pages everywhere else.

mod alerts;
mod api;
mod assets;
mod bundle;
mod chat_api;
mod chat_test;
pub mod error;
mod events;
mod extract;
mod guard;
mod health;
pub mod listener;
mod media;
pub mod openapi;
mod request_id;
mod settings;
mod twitch_accounts;
mod views;
mod ws;

use crate::config::Settings;
use crate::engine::Engine;
use crate::hub::Hub;
use crate::store::Store;
use axum::Router;
use axum::extract::{DefaultBodyLimit, OriginalUri};
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{get, post};
use error::ApiError;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::watch;

/// Shared by every handler; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub engine: Engine,
    pub store: Arc<Store>,
    pub hub: Arc<Hub>,
    pub obs: stagehand_obs::ObsHandle,
    /// The current Twitch connection (replaced when its settings change).
    pub twitch: crate::settings::TwitchLink,
    pub chat_stats: Arc<crate::bridge::twitch::ChatStats>,
    /// The settings the daemon started with (bind, token, limits: restart to change).
    pub settings: Arc<Settings>,
    /// Live settings: saved from the UI, applied without a restart.
    pub config: Arc<crate::settings::SettingsService>,
    /// Twitch logins (device code flow) and their tokens.
    pub accounts: crate::accounts::Accounts,
    /// Commands and event bindings as the engine last committed them (events posted to the
    /// API fire bindings as Twitch events do).
    pub chat_table: watch::Receiver<Arc<crate::engine::ChatTable>>,
    pub started: Instant,
    /// Flips to true on shutdown; WebSocket sessions close when it does.
    pub shutdown: watch::Receiver<bool>,
}

pub fn router(app: AppState) -> Router {
    let body_limit = app.settings.server.max_json_kb as usize * 1024;
    let api = Router::new()
        .route("/status", get(api::status))
        .route("/widget-types", get(api::widget_types))
        .route(
            "/dashboards",
            get(api::list_dashboards).post(api::create_dashboard),
        )
        .route(
            "/dashboards/{id}",
            get(api::get_dashboard)
                .patch(api::update_dashboard)
                .delete(api::delete_dashboard),
        )
        .route("/dashboards/{id}/activate", post(api::activate_dashboard))
        .route("/widgets", get(api::list_widgets).post(api::create_widget))
        .route(
            "/widgets/{id}",
            get(api::get_widget)
                .patch(api::update_widget)
                .delete(api::delete_widget),
        )
        .route("/widgets/{id}/execute", post(api::execute))
        .route(
            "/widgets/{id}/elements/{name}",
            axum::routing::patch(api::patch_element),
        )
        .route("/audit", get(api::audit))
        .route("/obs/scenes", get(api::obs_scenes))
        .route(
            "/commands",
            get(chat_api::list_commands).post(chat_api::create_command),
        )
        .route("/commands/test", post(chat_test::test_command))
        .route(
            "/commands/{id}",
            get(chat_api::get_command)
                .patch(chat_api::update_command)
                .delete(chat_api::delete_command),
        )
        .route(
            "/event-bindings",
            get(chat_api::list_bindings).post(chat_api::create_binding),
        )
        .route(
            "/event-bindings/{id}",
            get(chat_api::get_binding)
                .patch(chat_api::update_binding)
                .delete(chat_api::delete_binding),
        )
        .route("/obs/reconnect", post(api::obs_reconnect))
        .route(
            "/settings",
            get(settings::get_settings).patch(settings::patch_settings),
        )
        .route("/settings/obs/test", post(settings::test_obs))
        .route("/events", get(events::list_events).post(events::post_event))
        .route("/alerts", get(alerts::get_alerts))
        .route("/alerts/test", post(alerts::test_alert))
        .route("/alerts/preview", post(alerts::preview))
        .route(
            "/alerts/queues/{queue}/order",
            axum::routing::put(alerts::reorder),
        )
        .route(
            "/alerts/queues/{queue}/{action}",
            post(alerts::queue_action),
        )
        .route("/twitch/accounts", get(twitch_accounts::get_accounts))
        .route(
            "/twitch/accounts/{role}/login",
            post(twitch_accounts::login),
        )
        .route(
            "/twitch/accounts/{role}",
            axum::routing::delete(twitch_accounts::logout),
        )
        .route("/backups", get(api::list_backups).post(api::backup_now))
        .route("/export", get(bundle::export))
        .route(
            "/import",
            post(bundle::import.layer(DefaultBodyLimit::disable())),
        )
        .route(
            "/templates",
            get(bundle::list_templates).post(bundle::save_template),
        )
        .route(
            "/templates/{id}",
            axum::routing::delete(bundle::delete_template),
        )
        .route("/templates/{id}/use", post(bundle::use_template))
        .route("/openapi.json", get(openapi::openapi_json))
        // Uploads are streamed and size-checked per file by the handler, not by the JSON limit.
        .route(
            "/media",
            get(media::list).post(media::upload.layer(DefaultBodyLimit::disable())),
        )
        .route(
            "/media/{id}",
            get(media::get_one)
                .patch(media::update)
                .delete(media::delete),
        )
        .fallback(api_not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            guard::admin_api,
        ));

    // Prometheus scrapers send the admin token like any API client.
    let metrics = Router::new().route("/metrics", get(health::metrics)).layer(
        axum::middleware::from_fn_with_state(app.clone(), guard::admin_api),
    );
    Router::new()
        .nest("/api", api)
        .merge(metrics)
        // Outside the guard: a browser opening the docs sends no token; the page it leads to
        // (the admin) sends the one it holds.
        .route("/api/docs", get(openapi::docs))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/ws", get(ws::upgrade))
        .route("/media/{filename}", get(media::serve))
        .fallback(assets::serve)
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            guard::host,
        ))
        .layer(axum::middleware::from_fn(request_id::layer))
        .with_state(app)
}

async fn api_not_found(method: Method, OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError::not_found(format!("no such endpoint: {method} {}", uri.path()))
}

async fn method_not_allowed(method: Method, OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError::new(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("{method} is not supported on {}", uri.path()),
    )
}
