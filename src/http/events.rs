//! `/api/events`: the event log read back (newest first, filtered by kind and time, paged,
//! as JSON or a CSV a spreadsheet opens safely), and events recorded from other tools
//! (`POST`: a donation from a tip page's webhook relay) that then fire bindings as Twitch
//! events do.

use super::AppState;
use super::error::{ApiError, ErrorBody};
use super::extract::JsonBody;
use crate::bridge::events;
use crate::engine::Request;
use crate::model::{EventKind, EventSource, LoggedEvent, NewEvent, now_ms};
use crate::store::EventQuery;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;

/// Most events one JSON answer holds, and one CSV export.
const MAX_JSON: usize = 1000;
const MAX_CSV: usize = 100_000;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventsQuery {
    /// Comma-separated kinds (`cheer,gift_sub,donation`); all when absent.
    #[param(example = "cheer,gift_sub")]
    kind: Option<String>,
    /// Unix milliseconds, or a span back from now: `30m`, `12h`, `7d`.
    #[param(example = "7d")]
    since: Option<String>,
    /// Only events with a smaller id (the next page: the last id you got).
    before: Option<u64>,
    /// How many (JSON: default 100, at most 1000; CSV: default and at most 100,000).
    limit: Option<usize>,
    /// `json` (default) or `csv` (a download).
    format: Option<String>,
}

#[utoipa::path(get, path = "/api/events", tag = "events",
    summary = "Event log",
    description = "Logged platform events (follows, subs, gifts, raids, cheers, redemptions, hype trains, donations), newest first. `format=csv` downloads them as CSV (UTF-8, RFC 4180; cells a spreadsheet would run as a formula are prefixed with `'`).",
    params(EventsQuery),
    responses(
        (status = 200, body = Vec<LoggedEvent>),
        (status = 422, description = "A bad `kind`, `since`, `limit` or `format` (the field is named)", body = ErrorBody),
    ))]
pub async fn list_events(
    State(app): State<AppState>,
    q: Result<Query<EventsQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = q.map_err(|e| ApiError::validation("query", e.body_text()))?;
    let csv = match q.format.as_deref() {
        None | Some("json") => false,
        Some("csv") => true,
        Some(other) => {
            return Err(ApiError::validation(
                "format",
                format!("format must be json or csv, not '{other}'"),
            ));
        }
    };
    let (default, max) = if csv {
        (MAX_CSV, MAX_CSV)
    } else {
        (100, MAX_JSON)
    };
    let query = EventQuery {
        kinds: q
            .kind
            .as_deref()
            .map(kinds)
            .transpose()?
            .unwrap_or_default(),
        since_ms: q.since.as_deref().map(since).transpose()?,
        before: q.before,
        limit: q.limit.unwrap_or(default).min(max),
    };
    let found = app.store.read()?.events(&query)?;
    if !csv {
        return Ok(Json(found).into_response());
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"stagehand-events.csv\"",
            ),
        ],
        to_csv(&found),
    )
        .into_response())
}

/// `cheer,gift_sub` → the kinds, or an error naming the unknown one.
fn kinds(list: &str) -> Result<Vec<EventKind>, ApiError> {
    list.split(',')
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(|k| {
            serde_json::from_value(serde_json::Value::from(k)).map_err(|_| {
                ApiError::validation(
                    "kind",
                    format!(
                        "unknown kind '{k}'; kinds: follow, sub, resub, gift_sub, raid, cheer, redemption, donation, hype_train_begin, hype_train_progress, hype_train_end"
                    ),
                )
            })
        })
        .collect()
}

/// Unix ms, or `30m` / `12h` / `7d` back from now.
fn since(s: &str) -> Result<u64, ApiError> {
    let s = s.trim();
    let bad = || {
        ApiError::validation(
            "since",
            format!("since must be unix milliseconds or a span like 30m, 12h, 7d; got '{s}'"),
        )
    };
    if let Ok(ms) = s.parse::<u64>() {
        return Ok(ms);
    }
    let (n, unit) = s.split_at(s.len().saturating_sub(1));
    let n: u64 = n.parse().map_err(|_| bad())?;
    let unit_ms = match unit {
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => return Err(bad()),
    };
    Ok(now_ms().saturating_sub(n.saturating_mul(unit_ms)))
}

fn to_csv(events: &[LoggedEvent]) -> String {
    let mut out =
        String::from("id,time_utc,kind,user,login,amount,currency,message,detail,source\r\n");
    for e in events {
        let ev = &e.event;
        let time = humantime::format_rfc3339_seconds(
            std::time::UNIX_EPOCH + std::time::Duration::from_millis(e.at_ms),
        )
        .to_string();
        let cells = [
            e.id.to_string(),
            time,
            ev.kind.name(),
            ev.user.clone(),
            ev.login.clone(),
            ev.amount.to_string(),
            ev.currency.clone(),
            ev.message.clone(),
            ev.detail.clone(),
            serde_json::to_value(ev.source)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
        ];
        let row: Vec<String> = cells.iter().map(|c| cell(c)).collect();
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}

/// One CSV cell: quoted when it holds a separator, quote or line break; viewer text that a
/// spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) gets a leading `'`.
fn cell(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) && s.parse::<f64>().is_err() {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// An event from another tool.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "donation", "user": "PixelQueen", "amount": 25, "currency": "USD", "message": "Keep it up!"}))]
pub struct PostEvent {
    kind: EventKind,
    /// Who (display name), 1–64 characters.
    user: String,
    #[serde(default)]
    login: String,
    /// Bits, viewers, months, gifted subs, points, or the donation amount (≥ 0).
    #[serde(default)]
    amount: f64,
    /// Donations: a 3-letter currency code.
    #[serde(default)]
    currency: String,
    #[serde(default)]
    message: String,
    /// Sub tier, a reward's title.
    #[serde(default)]
    detail: String,
}

#[utoipa::path(post, path = "/api/events", tag = "events",
    summary = "Record an event",
    description = "Records an event that did not come from Twitch (a donation relayed from a tip page, one typed in by hand) in the event log and fires its event bindings, as a Twitch event would (`{user}`, `{amount}`, `{message}`, `{currency}`). Texts are capped (user 64, message 500 characters).",
    request_body = PostEvent,
    responses(
        (status = 201, body = LoggedEvent),
        (status = 422, description = "A blank `user`, a negative or non-finite `amount`, an unknown `kind`", body = ErrorBody),
    ))]
pub async fn post_event(
    State(app): State<AppState>,
    JsonBody(p): JsonBody<PostEvent>,
) -> Result<(StatusCode, Json<LoggedEvent>), ApiError> {
    if p.user.trim().is_empty() {
        return Err(ApiError::validation("user", "user must not be blank"));
    }
    if !p.amount.is_finite() || p.amount < 0.0 {
        return Err(ApiError::validation(
            "amount",
            "amount must be a number of at least 0",
        ));
    }
    let code_like = p.currency.len() == 3 && p.currency.chars().all(|c| c.is_ascii_alphabetic());
    if !p.currency.is_empty() && !code_like {
        return Err(ApiError::validation(
            "currency",
            "currency must be a 3-letter code such as USD or EUR",
        ));
    }
    let ev = NewEvent {
        kind: p.kind,
        user: p.user,
        login: p.login,
        amount: p.amount,
        currency: p.currency,
        message: p.message,
        detail: p.detail,
        source: EventSource::Api,
    }
    .cleaned();
    let id = app
        .engine
        .call(
            events::actor(ev.kind),
            Request::RecordEvent { event: ev.clone() },
        )
        .await?;
    let vars = events::vars(&ev, &[("currency", ev.currency.clone())]);
    let table = app.chat_table.borrow().clone();
    events::fire_bindings(&app.engine, &app.obs, &table, &ev, None, &vars);
    let logged = crate::store::EventQuery {
        kinds: vec![],
        since_ms: None,
        before: Some(id + 1),
        limit: 1,
    };
    let entry = app
        .store
        .read()?
        .events(&logged)?
        .into_iter()
        .find(|e| e.id == id)
        .ok_or_else(|| ApiError::not_found(format!("event {id} left the log already")))?;
    Ok((StatusCode::CREATED, Json(entry)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_quoted_and_defused() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("@everyone"), "'@everyone");
        assert_eq!(cell("-5"), "-5", "a negative number stays a number");
        assert_eq!(cell("line\nbreak"), "\"line\nbreak\"");
    }

    #[test]
    fn since_takes_ms_and_spans() {
        assert_eq!(since("1733515200000").ok(), Some(1_733_515_200_000));
        let day = since("1d").ok().unwrap_or(0);
        assert!(now_ms() - day >= 86_400_000 && now_ms() - day < 86_500_000);
        assert!(since("yesterday").is_err());
        assert!(since("5w").is_err());
        assert!(
            kinds("cheer, gift_sub").is_ok_and(|k| k == [EventKind::Cheer, EventKind::GiftSub])
        );
        assert!(kinds("cheers").is_err());
    }
}
