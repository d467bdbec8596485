//! `/api/alerts`: the alert queues as they are committed (what plays, what waits, paused or
//! not), the Alerts page's controls (pause, resume, skip, clear, replay, reorder) and test
//! alerts for its "Test follow", "Test sub" … buttons.

use super::AppState;
use super::error::{ApiError, ErrorBody};
use super::extract::JsonBody;
use crate::engine::{QueueAction, Request};
use crate::model::{Actor, AlertQueue, Id, Map, QueuedAlert};
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

/// Test kinds: the widget class, its trigger and made-up arguments.
const TESTS: &[(&str, &str, &str)] = &[
    ("follow", "FollowerAlertWidget", "trigger_alert"),
    ("sub", "SubscriberAlertWidget", "trigger_sub"),
    ("gift", "SubscriberAlertWidget", "trigger_gift"),
    ("donation", "DonationAlertWidget", "show_donation"),
    ("raid", "RaidAlertWidget", "trigger_raid"),
    ("cheer", "CheerAlertWidget", "trigger_cheer"),
];

fn test_args(kind: &str) -> Map {
    let args = match kind {
        "follow" => json!({"follower_name": "TestFollower"}),
        "sub" => {
            json!({"subscriber_name": "TestSubscriber", "tier": 1, "months": 3, "message": "This is a test sub message"})
        }
        "gift" => json!({"gifter_name": "TestGifter", "count": 5}),
        "donation" => {
            json!({"donor_name": "TestDonor", "amount": 10, "message": "This is a test donation"})
        }
        "raid" => json!({"raider": "TestRaider", "viewers": 42}),
        _ => json!({"user": "TestCheerer", "bits": 100, "message": "Cheer100 test cheer"}),
    };
    match args {
        serde_json::Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// The widget class, its trigger and made-up arguments of each test kind.
fn test_call(kind: &str) -> Option<(&'static str, &'static str, Map)> {
    let &(kind, class, feature) = TESTS.iter().find(|t| t.0 == kind)?;
    Some((class, feature, test_args(kind)))
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
    for id in &widgets {
        let req = Request::Execute {
            widget_id: *id,
            feature: feature.to_string(),
            parameters: args.clone(),
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

/// A dry run of an alert widget's trigger for the variation editor.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"widget_id": 5, "parameters": {"variations": "amount >= 100: duration 15, confetti, headline \"{user} is a legend!\""}, "event": {"user": "PixelQueen", "amount": 150, "message": "gg"}}))]
pub struct PreviewRequest {
    #[schema(value_type = u64)]
    widget_id: Id,
    /// Unsaved edits of the widget's parameters (checked as a save would check them).
    #[serde(default)]
    #[schema(value_type = Object)]
    parameters: Map,
    /// The sample event; what is left out takes the test alert's made-up values.
    #[serde(default)]
    event: SampleEvent,
    /// The trigger to run, for widgets with several (`trigger_gift`); default: the first.
    feature: Option<String>,
    /// Random seed of the media pick (default: the request time).
    seed: Option<u64>,
}

#[derive(Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SampleEvent {
    /// The viewer's name (follower, subscriber, gifter, donor, raider, cheerer).
    user: Option<String>,
    amount: Option<f64>,
    months: Option<u64>,
    tier: Option<u64>,
    viewers: Option<u64>,
    bits: Option<u64>,
    count: Option<u64>,
    message: Option<String>,
}

/// A file of the library as the preview shows it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct MediaRef {
    #[schema(value_type = u64)]
    id: Id,
    name: String,
    url: String,
    mime_type: String,
}

/// What the alert would look like, exactly as the widget would queue it.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(example = json!({"feature": "show_donation", "rule": 1, "headline": "\u{2068}PixelQueen\u{2069} is a legend!", "message": "\u{2068}gg\u{2069}", "duration_ms": 15000, "priority": 0, "confetti": true, "image": null, "sound": null}))]
pub struct Preview {
    feature: String,
    /// The line of the variation rules that chose the look (1-based); null: the defaults.
    rule: Option<u32>,
    headline: String,
    /// Empty when the alert shows no message line.
    message: String,
    duration_ms: u64,
    priority: i64,
    confetti: bool,
    /// The variation's picture; null: the widget's own.
    image: Option<MediaRef>,
    /// The variation's sound; null: the widget's own.
    sound: Option<MediaRef>,
}

/// The stored media library, for a dry run outside the engine.
struct Library<'a>(&'a crate::store::StoreReader);

impl crate::widgets::params::MediaLibrary for Library<'_> {
    fn media_kind(&self, id: Id) -> Option<crate::media::MediaKind> {
        let m = self.0.media(id).ok()??;
        crate::media::MediaKind::parse(&m.kind)
            .or_else(|| crate::media::MediaKind::of_mime(&m.mime_type))
    }
}

/// The sample event as the trigger's arguments: the viewer's name goes to the trigger's name
/// parameter, numbers and the message to the parameters of the same name.
fn sample_args(kind: &str, feature: &crate::widgets::FeatureSpec, ev: &SampleEvent) -> Map {
    let mut args = test_args(kind);
    let mut set = |name: &str, v: serde_json::Value| {
        if feature.parameters.iter().any(|p| p.name == name) {
            args.insert(name.to_string(), v);
        }
    };
    if let Some(user) = &ev.user {
        let name = [
            "follower_name",
            "subscriber_name",
            "gifter_name",
            "donor_name",
            "raider",
            "user",
        ];
        for n in name {
            set(n, user.as_str().into());
        }
    }
    let numbers = [
        ("amount", ev.amount.map(serde_json::Value::from)),
        ("months", ev.months.map(Into::into)),
        ("tier", ev.tier.map(Into::into)),
        ("viewers", ev.viewers.map(Into::into)),
        ("bits", ev.bits.map(Into::into)),
        ("count", ev.count.map(Into::into)),
        ("message", ev.message.as_deref().map(Into::into)),
    ];
    for (name, v) in numbers {
        if let Some(v) = v {
            set(name, v);
        }
    }
    args
}

#[utoipa::path(post, path = "/api/alerts/preview", tag = "alerts",
    summary = "Preview an alert",
    description = "Runs an alert widget's trigger for a sample event without queueing anything, with unsaved parameter edits: which variation rule matches, the rendered headline and message, duration, priority, confetti and the picked media. The variation editor's live preview.",
    request_body = PreviewRequest,
    responses(
        (status = 200, body = Preview),
        (status = 404, description = "No such widget", body = ErrorBody),
        (status = 422, description = "A parameter (`parameters.variations`: which line and why) or the event is invalid, or the widget is not an alert", body = ErrorBody),
    ))]
pub async fn preview(
    State(app): State<AppState>,
    JsonBody(p): JsonBody<PreviewRequest>,
) -> Result<Json<Preview>, ApiError> {
    use crate::widgets::AlertOp;
    let reader = app.store.read()?;
    let w = reader.widget(p.widget_id)?.ok_or_else(|| {
        ApiError::not_found(format!("no widget {}", p.widget_id)).field("widget_id")
    })?;
    let not_alert = || {
        ApiError::validation(
            "widget_id",
            format!(
                "widget {} ({}) is not an alert widget",
                w.id, w.widget_class
            ),
        )
    };
    let wtype = crate::widgets::lookup(&w.widget_class).ok_or_else(not_alert)?;
    let triggers: Vec<_> = TESTS.iter().filter(|t| t.1 == w.widget_class).collect();
    let &&(kind, _, feature) = match &p.feature {
        Some(f) => triggers.iter().find(|t| t.2 == f).ok_or_else(|| {
            let names: Vec<&str> = triggers.iter().map(|t| t.2).collect();
            ApiError::validation(
                "feature",
                format!(
                    "'{f}' is not a trigger of this widget ({})",
                    names.join(", ")
                ),
            )
        })?,
        None => triggers.first().ok_or_else(not_alert)?,
    };
    let library = Library(&reader);
    let parameters =
        crate::widgets::patched_params(wtype, &w.widget_parameters, &p.parameters, &library)
            .map_err(|e| ApiError::validation(format!("parameters.{}", e.field), e.message))?;
    let spec = wtype
        .features(&parameters)
        .into_iter()
        .find(|f| f.name == feature)
        .ok_or_else(not_alert)?;
    let args = sample_args(kind, &spec, &p.event);
    let elements = reader.elements_of(w.id)?;
    let refs: Vec<&crate::model::Element> = elements.iter().collect();
    let now = crate::model::now_ms();
    let ctx = crate::widgets::FeatureCtx {
        params: &parameters,
        state: &w.state,
        elements: &refs,
        now_ms: now,
        seed: p.seed.unwrap_or(now),
        media: &library,
    };
    let out = wtype.run(feature, &args, &ctx).map_err(|e| match e {
        crate::widgets::FeatureError::Param(e) => {
            ApiError::validation(format!("event.{}", e.field), e.message)
        }
        e => crate::engine::feature_error(e).into(),
    })?;
    let Some(AlertOp::Enqueue { alert, .. }) = out.alerts.into_iter().next() else {
        return Err(not_alert());
    };
    let shown = |name: &str| alert.show.iter().find(|c| c.name == name);
    let text = |name: &str| {
        shown(name)
            .and_then(|c| c.properties.get("text"))
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let media_ref = |name: &str| -> Result<Option<MediaRef>, ApiError> {
        let role = crate::widgets::alert::VARIATION_ROLE;
        let Some(id) = shown(name).and_then(|c| c.media.get(role).copied().flatten()) else {
            return Ok(None);
        };
        Ok(reader.media(id)?.map(|m| MediaRef {
            id,
            name: m.display_name_or_original().to_string(),
            url: m.url(),
            mime_type: m.mime_type.clone(),
        }))
    };
    use crate::widgets::alert::{BURST, HEADLINE, MESSAGE, SOUND, VISUAL};
    Ok(Json(Preview {
        feature: feature.to_string(),
        rule: alert.rule,
        headline: text(HEADLINE),
        message: text(MESSAGE),
        duration_ms: alert.duration_ms,
        priority: alert.priority,
        confetti: shown(BURST).is_some(),
        image: media_ref(VISUAL)?,
        sound: media_ref(SOUND)?,
    }))
}
