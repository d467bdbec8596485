//! Probes, metrics, request ids and JSON logs, from outside, against the real binary.

mod support;

use serde_json::{Value, json};
use support::{Daemon, WsClient, call, execute, http, setup_widget};

#[tokio::test]
async fn health_readiness_and_metrics() {
    let d = Daemon::start();
    let c = http();
    let (s, b) = call(&c, "GET", &d.url("/healthz"), None).await;
    assert_eq!((s, &b["status"]), (200, &json!("ok")));
    let (s, b) = call(&c, "GET", &d.url("/readyz"), None).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["checks"], json!({"store": "ok", "engine": "ok"}));

    let mut overlay = WsClient::connect(&d.ws_url("overlay")).await;
    overlay.next().await;
    let (_, w) = setup_widget(&d, "DeathCounterWidget", json!({})).await;
    let wid = w["id"].as_u64().unwrap();
    assert_eq!(execute(&d, wid, "increment_deaths", json!({})).await.0, 200);
    assert!(
        execute(&d, wid, "increment_deaths", json!({"amount": 0}))
            .await
            .0
            >= 400
    );

    let r = c.get(d.url("/metrics")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text")
    );
    let text = r.text().await.unwrap();
    for line in [
        r#"stagehand_executions_total{source="admin",result="ok"} 1"#,
        r#"stagehand_executions_total{source="admin",result="error"} 1"#,
        r#"stagehand_clients{kind="overlay"} 1"#,
        r#"stagehand_connected{service="obs"} 0"#,
    ] {
        assert!(text.lines().any(|l| l == line), "{line} in:\n{text}");
    }
    for name in [
        "stagehand_execute_seconds_bucket",
        "stagehand_commit_seconds_count",
        "stagehand_commands_per_commit_sum",
        "stagehand_frames_sent_total",
        "stagehand_open_connections",
    ] {
        assert!(text.contains(name), "{name} in:\n{text}");
    }
}

#[tokio::test]
async fn metrics_need_the_admin_token_when_there_is_one() {
    let d = Daemon::start_with(&[("STAGEHAND__SERVER__ADMIN_TOKEN", "tok")]);
    let c = http();
    assert_eq!(c.get(d.url("/metrics")).send().await.unwrap().status(), 401);
    let r = c
        .get(d.url("/metrics"))
        .bearer_auth("tok")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // Probes stay open for supervisors.
    assert_eq!(c.get(d.url("/healthz")).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn every_error_names_its_request_and_json_logs_carry_it() {
    let d = Daemon::start_with(&[("STAGEHAND__LOG__FORMAT", "json")]);
    let c = http();
    let r = c
        .get(d.url("/api/widgets/999"))
        .header("x-request-id", "trace-me-42")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(r.headers()["x-request-id"], "trace-me-42");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["request_id"], "trace-me-42", "{body}");
    // Without one (or with a hostile one) the daemon makes one.
    let r = c
        .get(d.url("/api/widgets/999"))
        .header("x-request-id", "bad id\twith spaces")
        .send()
        .await
        .unwrap();
    let made = r.headers()["x-request-id"].to_str().unwrap().to_string();
    assert_ne!(made, "bad id\twith spaces");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["request_id"], made.as_str());

    let log = d.log();
    let lines: Vec<Value> = log
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("JSON log line {l:?}: {e}")))
        .collect();
    assert!(
        lines.iter().any(|l| l.to_string().contains("trace-me-42")),
        "a log line carries the request id:\n{log}"
    );
}
