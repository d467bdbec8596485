//! Probes and metrics: `/healthz` (the process answers), `/readyz` (the store can be read and
//! the engine takes requests; the body names what is not ready), `/metrics` (Prometheus).

use super::AppState;
use crate::hub::ClientKind;
use crate::metrics::{METRICS, Metrics};
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::time::Duration;

pub async fn healthz() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

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
        Json(json!({"ready": ready, "checks": {"store": store, "engine": engine}})),
    )
        .into_response()
}

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
