//! Probes and metrics: `/healthz` (the process answers), `/readyz` (the store can be read and
//! the engine takes requests; the body names what is not ready), `/metrics` (Prometheus).

use super::AppState;
use super::error::ErrorBody;
use crate::hub::ClientKind;
use crate::metrics::{METRICS, Metrics};
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::time::Duration;

/// `GET /healthz`.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(example = json!({"status": "ok"}))]
pub struct Health {
    /// Always `ok`.
    status: &'static str,
}

/// `GET /readyz`: every check is `ok` or says what is wrong.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(example = json!({"ready": true, "checks": {"store": "ok", "engine": "ok"}}))]
pub struct Ready {
    ready: bool,
    checks: ReadyChecks,
}

#[derive(Serialize, utoipa::ToSchema)]
struct ReadyChecks {
    store: String,
    engine: String,
}

#[utoipa::path(get, path = "/healthz", tag = "health",
    summary = "Liveness",
    description = "The process answers. No token needed.",
    security(()),
    responses((status = 200, body = Health)))]
pub async fn healthz() -> Json<Health> {
    Json(Health { status: "ok" })
}

#[utoipa::path(get, path = "/readyz", tag = "health",
    summary = "Readiness",
    description = "The store can be read and the engine takes requests. No token needed.",
    security(()),
    responses(
        (status = 200, body = Ready),
        (status = 503, description = "Not ready; `checks` names what is not", body = Ready,
         example = json!({"ready": false, "checks": {"store": "ok", "engine": "the engine does not take requests"}})),
    ))]
pub async fn readyz(State(app): State<AppState>) -> Response {
    let store = match app.store.read() {
        Ok(_) => "ok".to_string(),
        Err(e) => format!("cannot read the store: {e}"),
    };
    let engine = if app.engine.ping(Duration::from_secs(2)).await {
        "ok".to_string()
    } else {
        "the engine does not take requests".to_string()
    };
    let ready = store == "ok" && engine == "ok";
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        Json(Ready {
            ready,
            checks: ReadyChecks { store, engine },
        }),
    )
        .into_response()
}

#[utoipa::path(get, path = "/metrics", tag = "health",
    summary = "Prometheus metrics",
    description = "OpenMetrics text: executions by source and result, execute and commit latency, clients, frames sent/dropped, resyncs, OBS/Twitch state, chat outcomes, open connections. Needs the admin token when one is set.",
    responses(
        (status = 200, description = "OpenMetrics exposition",
         content_type = "application/openmetrics-text; version=1.0.0; charset=utf-8", body = String,
         example = "# TYPE stagehand_executions counter\nstagehand_executions_total{source=\"admin\",result=\"ok\"} 3\n# EOF\n"),
        (status = 401, description = "A valid admin token is required", body = ErrorBody),
    ))]
pub async fn metrics(State(app): State<AppState>) -> Response {
    for (kind, label) in [
        (ClientKind::Overlay, "overlay"),
        (ClientKind::Admin, "admin"),
    ] {
        Metrics::set_gauge(
            &METRICS.clients,
            "kind",
            label,
            app.hub.client_count(kind) as i64,
        );
    }
    for (service, connected) in [
        ("obs", app.obs.status().connected),
        ("twitch", app.twitch.status().connected),
    ] {
        Metrics::set_gauge(&METRICS.connected, "service", service, i64::from(connected));
    }
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        METRICS.render(),
    )
        .into_response()
}
