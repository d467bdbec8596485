//! `/api/alerts`: the alert queues as they are committed (what plays, what waits, paused or
//! not), the Alerts page's controls (pause, resume, skip, clear, replay, reorder) and test
//! alerts for its "Test follow", "Test sub" … buttons.

use super::AppState;
use super::error::{ApiError, ErrorBody};
use super::extract::JsonBody;
use crate::engine::{QueueAction, Request};
use crate::model::{Actor, AlertQueue, Id, QueuedAlert};
use crate::widgets::QueueControl;
use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::BTreeMap;

/// One alert in a queue, without the element changes it carries.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AlertView {
    id: u64,
    #[schema(value_type = u64)]
    widget_id: Id,
    kind: String,
    label: String,
    priority: i64,
    duration_ms: u64,
    queued_ms: u64,
}

impl From<&QueuedAlert> for AlertView {
    fn from(a: &QueuedAlert) -> Self {
        AlertView {
            id: a.id,
            widget_id: a.widget_id,
            kind: a.kind.clone(),
            label: a.label.clone(),
            priority: a.priority,
            duration_ms: a.duration_ms,
            queued_ms: a.queued_ms,
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct PlayingView {
    #[serde(flatten)]
    alert: AlertView,
    started_ms: u64,
    ends_ms: u64,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct QueueView {
    paused: bool,
    playing: Option<PlayingView>,
    /// In the order they will play.
    waiting: Vec<AlertView>,
    last: Option<AlertView>,
}

impl From<&AlertQueue> for QueueView {
    fn from(q: &AlertQueue) -> Self {
        QueueView {
            paused: q.paused,
            playing: q.playing.as_ref().map(|p| PlayingView {
                alert: (&p.alert).into(),
                started_ms: p.started_ms,
                ends_ms: p.ends_ms,
            }),
            waiting: q.waiting.iter().map(Into::into).collect(),
            last: q.last.as_ref().map(Into::into),
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
#[schema(example = json!({"queues": {"main": {"paused": false, "playing": {"id": 7, "widget_id": 3, "kind": "sub", "label": "PixelQueen subscribed (tier 1, 12 months)", "priority": 0, "duration_ms": 7000, "queued_ms": 1733515200000_u64, "started_ms": 1733515200100_u64, "ends_ms": 1733515207100_u64}, "waiting": [], "last": null}}}))]
pub struct AlertsView {
    /// By queue name.
    queues: BTreeMap<String, QueueView>,
}

#[utoipa::path(get, path = "/api/alerts", tag = "alerts",
    summary = "Alert queues",
    description = "Every alert queue as committed: paused or not, the alert on screen and until when, the waiting ones in the order they will play, the last one played.",
    responses((status = 200, body = AlertsView)))]
pub async fn get_alerts(State(app): State<AppState>) -> Result<Json<AlertsView>, ApiError> {
    let queues = app.store.read()?.alert_queues()?;
    Ok(Json(AlertsView {
        queues: queues.iter().map(|(k, q)| (k.clone(), q.into())).collect(),
    }))
}

/// Which test alert to fire.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "sub"}))]
pub struct TestAlert {
    /// `follow`, `sub`, `gift`, `donation`, `raid` or `cheer`.
    kind: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TestFired {
    /// The alert widgets a test alert was queued on.
    #[schema(value_type = Vec<u64>)]
    widget_ids: Vec<Id>,
}

/// The widget class, its trigger and made-up arguments of each test kind.
fn test_call(kind: &str) -> Option<(&'static str, &'static str, serde_json::Value)> {
    Some(match kind {
        "follow" => (
            "FollowerAlertWidget",
            "trigger_alert",
            json!({"follower_name": "TestFollower"}),
        ),
        "sub" => (
            "SubscriberAlertWidget",
            "trigger_sub",
            json!({"subscriber_name": "TestSubscriber", "tier": 1, "months": 3, "message": "This is a test sub message"}),
        ),
        "gift" => (
            "SubscriberAlertWidget",
            "trigger_gift",
            json!({"gifter_name": "TestGifter", "count": 5}),
        ),
        "donation" => (
            "DonationAlertWidget",
            "show_donation",
            json!({"donor_name": "TestDonor", "amount": 10, "message": "This is a test donation"}),
        ),
        "raid" => (
            "RaidAlertWidget",
            "trigger_raid",
            json!({"raider": "TestRaider", "viewers": 42}),
        ),
        "cheer" => (
            "CheerAlertWidget",
            "trigger_cheer",
            json!({"user": "TestCheerer", "bits": 100, "message": "Cheer100 test cheer"}),
        ),
        _ => return None,
    })
}

#[utoipa::path(post, path = "/api/alerts/test", tag = "alerts",
    summary = "Fire a test alert",
    description = "Queues a made-up alert of `kind` on every alert widget of that kind, as a real event would.",
    request_body = TestAlert,
    responses(
        (status = 200, body = TestFired),
        (status = 404, description = "No alert widget of that kind yet", body = ErrorBody),
        (status = 422, description = "Unknown `kind`", body = ErrorBody),
    ))]
pub async fn test_alert(
    State(app): State<AppState>,
    JsonBody(t): JsonBody<TestAlert>,
) -> Result<Json<TestFired>, ApiError> {
    let (class, feature, args) = test_call(&t.kind).ok_or_else(|| {
        ApiError::validation(
            "kind",
            "kind must be follow, sub, gift, donation, raid or cheer",
        )
    })?;
    let widgets: Vec<Id> = app
        .store
        .read()?
        .widgets()?
        .into_iter()
        .filter(|w| w.widget_class == class)
        .map(|w| w.id)
        .collect();
    if widgets.is_empty() {
        return Err(ApiError::not_found(format!(
            "there is no {class} yet: add one to a dashboard"
        ))
        .field("kind"));
    }
    let parameters = match args {
        serde_json::Value::Object(m) => m,
        _ => Default::default(),
    };
    for id in &widgets {
        let req = Request::Execute {
            widget_id: *id,
            feature: feature.to_string(),
            parameters: parameters.clone(),
            seed: None,
        };
        app.engine.call(Actor::Admin, req).await?;
    }
    Ok(Json(TestFired {
        widget_ids: widgets,
    }))
}

/// `pause`, `resume`, `skip`, `clear` or `replay_last`.
fn control(action: &str) -> Result<QueueControl, ApiError> {
    Ok(match action {
        "pause" => QueueControl::Pause,
        "resume" => QueueControl::Resume,
        "skip" => QueueControl::Skip,
        "clear" => QueueControl::Clear,
        "replay_last" => QueueControl::ReplayLast,
        other => {
            return Err(ApiError::not_found(format!(
                "no queue action '{other}'; use pause, resume, skip, clear or replay_last"
            ))
            .field("action"));
        }
    })
}

#[utoipa::path(post, path = "/api/alerts/queues/{queue}/{action}", tag = "alerts",
    summary = "Pause, resume, skip, clear or replay",
    description = "The Alerts page's buttons: `pause` (alerts wait, also across restarts), `resume`, `skip` (ends the alert on screen), `clear` (forgets the waiting ones), `replay_last`.",
    params(
        ("queue" = String, Path, description = "Queue name", example = "main"),
        ("action" = String, Path, description = "`pause`, `resume`, `skip`, `clear` or `replay_last`", example = "pause"),
    ),
    responses((status = 200, description = "The queues after the action", body = AlertsView), (status = 404, description = "No such action", body = ErrorBody)))]
pub async fn queue_action(
    State(app): State<AppState>,
    Path((queue, action)): Path<(String, String)>,
) -> Result<Json<AlertsView>, ApiError> {
    let action = QueueAction::Control(control(&action)?);
    app.engine
        .call(Actor::Admin, Request::AlertQueue { queue, action })
        .await?;
    get_alerts(State(app)).await
}

/// The waiting alerts' ids in the order they should play.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"ids": [3, 1, 2]}))]
pub struct Order {
    ids: Vec<u64>,
}

#[utoipa::path(put, path = "/api/alerts/queues/{queue}/order", tag = "alerts",
    summary = "Reorder waiting alerts",
    description = "Drag to reorder: the listed waiting alerts first, in this order; the others keep theirs after them. Unknown ids are ignored.",
    params(("queue" = String, Path, description = "Queue name", example = "main")),
    request_body = Order,
    responses((status = 200, body = AlertsView)))]
pub async fn reorder(
    State(app): State<AppState>,
    Path(queue): Path<String>,
    JsonBody(o): JsonBody<Order>,
) -> Result<Json<AlertsView>, ApiError> {
    let action = QueueAction::Reorder(o.ids);
    app.engine
        .call(Actor::Admin, Request::AlertQueue { queue, action })
        .await?;
    get_alerts(State(app)).await
}
