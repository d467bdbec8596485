//! REST API over real HTTP against a real daemon (random port, temp data dir).

mod support;

use serde_json::json;
use support::{Daemon, call, execute, http, setup_widget};

#[tokio::test]
async fn dashboards_and_widgets_crud() {
    let d = Daemon::start();
    let c = http();
    let (s, types) = call(&c, "GET", &d.url("/api/widget-types"), None).await;
    assert_eq!(s, 200);
    let confetti = types
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["widget_class"] == "ConfettiAlertWidget")
        .unwrap();
    let blast = confetti["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "trigger_blast")
        .unwrap();
    assert_eq!(blast["parameters"][0]["type"], "dropdown");
    assert_eq!(
        blast["parameters"][0]["options"],
        json!(["Low", "Medium", "High"])
    );
    assert_eq!(blast["parameters"][1]["default"], "#FF5733");
    let names: Vec<_> = confetti["elements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"confetti_particle") && names.contains(&"pop_sound"));

    let (s, a) = call(
        &c,
        "POST",
        &d.url("/api/dashboards"),
        Some(json!({"name": "Starting Soon", "obs_scene": "Intro"})),
    )
    .await;
    assert_eq!(s, 201);
    let (_, b) = call(
        &c,
        "POST",
        &d.url("/api/dashboards"),
        Some(json!({"name": "Main Stream"})),
    )
    .await;
    let (a, b) = (a["id"].as_u64().unwrap(), b["id"].as_u64().unwrap());

    let (s, w) = call(
        &c,
        "POST",
        &d.url("/api/widgets"),
        Some(json!({"widget_class": "DeathCounterWidget", "name": "Deaths", "dashboard_ids": [a, b]})),
    )
    .await;
    assert_eq!(s, 201, "{w}");
    let wid = w["id"].as_u64().unwrap();
    assert_eq!(w["elements"][0]["name"], "death_count");
    assert_eq!(w["dashboard_ids"], json!([a, b]));

    let (s, dash) = call(&c, "GET", &d.url(&format!("/api/dashboards/{a}")), None).await;
    assert_eq!(s, 200);
    assert_eq!(dash["obs_scene"], "Intro");
    assert_eq!(dash["widgets"][0]["id"], wid);

    let (s, dash) = call(
        &c,
        "PATCH",
        &d.url(&format!("/api/dashboards/{a}")),
        Some(json!({"name": "Intro", "obs_scene": null})),
    )
    .await;
    assert_eq!(s, 200, "{dash}");
    assert_eq!(dash["name"], "Intro");
    assert_eq!(dash["obs_scene"], json!(null));

    let (s, w2) = call(
        &c,
        "PATCH",
        &d.url(&format!("/api/widgets/{wid}")),
        Some(json!({"widget_parameters": {"label": "Wipes"}})),
    )
    .await;
    assert_eq!(s, 200, "{w2}");
    assert_eq!(w2["widget_parameters"]["label"], "Wipes");
    assert_eq!(
        w2["elements"][0]["properties"]["label"], "Wipes",
        "parameter edits restyle elements"
    );

    let (s, e) = call(
        &c,
        "PATCH",
        &d.url(&format!("/api/widgets/{wid}/elements/death_count")),
        Some(json!({"properties": {"position": {"x": 100, "y": 200}}})),
    )
    .await;
    assert_eq!(s, 200, "{e}");
    assert_eq!(e["properties"]["position"]["x"], 100);
    assert_eq!(
        e["properties"]["label"], "Wipes",
        "patch merges, keeps other keys"
    );

    let (s, list) = call(&c, "GET", &d.url("/api/widgets"), None).await;
    assert_eq!(s, 200);
    assert_eq!(list.as_array().unwrap().len(), 1);

    // Deleting a widget removes it from its dashboards; deleting a dashboard leaves widgets.
    let (s, _) = call(&c, "DELETE", &d.url(&format!("/api/dashboards/{b}")), None).await;
    assert_eq!(s, 204);
    let (s, _) = call(&c, "GET", &d.url(&format!("/api/widgets/{wid}")), None).await;
    assert_eq!(s, 200);
    let (s, _) = call(&c, "DELETE", &d.url(&format!("/api/widgets/{wid}")), None).await;
    assert_eq!(s, 204);
    let (_, dash) = call(&c, "GET", &d.url(&format!("/api/dashboards/{a}")), None).await;
    assert_eq!(dash["widget_ids"], json!([]));
    let (s, _) = call(
        &c,
        "GET",
        &d.url(&format!("/api/widgets/{wid}/elements/death_count")),
        None,
    )
    .await;
    assert_eq!(s, 405, "elements are reached through PATCH only");

    let (s, audit) = call(&c, "GET", &d.url("/api/audit?limit=3"), None).await;
    assert_eq!(s, 200);
    assert_eq!(audit[0]["action"], "delete_widget");
    assert_eq!(audit[0]["actor"]["kind"], "admin");
}

#[tokio::test]
async fn execute_returns_the_changed_elements() {
    let d = Daemon::start();
    let (_, w) = setup_widget(&d, "ConfettiAlertWidget", json!({"particle_count": 200})).await;
    let wid = w["id"].as_u64().unwrap();
    let (s, r) = execute(
        &d,
        wid,
        "trigger_blast",
        json!({"intensity": "high", "color": "red"}),
    )
    .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["ok"], true);
    let burst = r["elements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "confetti_burst")
        .unwrap();
    assert_eq!(burst["visible"], true);
    assert_eq!(burst["enabled"], true);
    assert_eq!(burst["properties"]["intensity"], "High");
    assert_eq!(burst["properties"]["colors"][0], "#FF0000");
    assert_eq!(burst["properties"]["particle_count"], 200);

    let (_, w) = setup_widget(&d, "DonationGoalWidget", json!({"goal_amount": 200})).await;
    let gid = w["id"].as_u64().unwrap();
    let (s, r) = execute(
        &d,
        gid,
        "add_donation",
        json!({"amount": 50, "donor_name": "CoolViewer"}),
    )
    .await;
    assert_eq!(s, 200, "{r}");
    let bar = r["elements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "progress_bar")
        .unwrap();
    assert_eq!(bar["properties"]["progress"]["percent"], 25);
}

#[tokio::test]
async fn activation_switches_which_widgets_render() {
    let d = Daemon::start();
    let c = http();
    let (a, shared) = setup_widget(&d, "DeathCounterWidget", json!({})).await;
    let (_, b) = call(
        &c,
        "POST",
        &d.url("/api/dashboards"),
        Some(json!({"name": "Break"})),
    )
    .await;
    let b = b["id"].as_u64().unwrap();
    let (_, only_a) = call(
        &c,
        "POST",
        &d.url("/api/widgets"),
        Some(
            json!({"widget_class": "ConfettiAlertWidget", "name": "A only", "dashboard_ids": [a]}),
        ),
    )
    .await;
    let shared_id = shared["id"].as_u64().unwrap();
    let only_a = only_a["id"].as_u64().unwrap();
    let (s, _) = call(
        &c,
        "PATCH",
        &d.url(&format!("/api/dashboards/{b}")),
        Some(json!({"widget_ids": [shared_id]})),
    )
    .await;
    assert_eq!(s, 200);
    execute(&d, shared_id, "increment_deaths", json!({"amount": 3})).await;

    let (s, dash) = call(
        &c,
        "POST",
        &d.url(&format!("/api/dashboards/{b}/activate")),
        None,
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(dash["active"], true);
    let (_, w) = call(&c, "GET", &d.url(&format!("/api/widgets/{only_a}")), None).await;
    assert_eq!(w["enabled"], false);
    let (_, w) = call(
        &c,
        "GET",
        &d.url(&format!("/api/widgets/{shared_id}")),
        None,
    )
    .await;
    assert_eq!(w["enabled"], true, "a widget on both dashboards stays");
    assert_eq!(w["elements"][0]["properties"]["value"], 3, "state kept");
    let (_, status) = call(&c, "GET", &d.url("/api/status"), None).await;
    assert_eq!(status["active_dashboard_id"], b);
}

#[tokio::test]
async fn bad_input_gets_a_4xx_naming_the_problem() {
    let d = Daemon::start();
    let c = http();
    let (_, w) = setup_widget(&d, "ConfettiAlertWidget", json!({})).await;
    let wid = w["id"].as_u64().unwrap();
    let exec = d.url(&format!("/api/widgets/{wid}/execute"));

    let cases = [
        (
            d.url("/api/widgets"),
            json!({"widget_class": "NoSuchWidget", "name": "x"}),
            422,
            "widget_class",
        ),
        (
            exec.clone(),
            json!({"feature": "trigger_blast", "parameters": {"intensity": "High", "color": "purple-ish"}}),
            422,
            "parameters.color",
        ),
        (
            exec.clone(),
            json!({"feature": "trigger_blast", "parameters": {"intensity": "Extreme"}}),
            422,
            "parameters.intensity",
        ),
        (
            exec.clone(),
            json!({"feature": "trigger_blast", "parameters": {}}),
            422,
            "parameters.intensity",
        ),
        (exec.clone(), json!({"feature": "explode"}), 422, "feature"),
        (exec.clone(), json!({"feature": 7}), 422, "feature"),
        (
            exec.clone(),
            json!({"feature": "trigger_blast", "parameters": {"intensity": "Low", "bogus": 1}}),
            422,
            "parameters.bogus",
        ),
        (
            d.url("/api/widgets"),
            json!({"widget_class": "ConfettiAlertWidget", "name": "x", "widget_parameters": {"particle_count": 5000}}),
            422,
            "widget_parameters.particle_count",
        ),
        (
            d.url("/api/widgets"),
            json!({"widget_class": "ConfettiAlertWidget", "name": "x", "dashboard_ids": [99]}),
            422,
            "dashboard_ids",
        ),
        (
            d.url("/api/widgets"),
            json!({"widget_class": "ConfettiAlertWidget", "name": "  "}),
            422,
            "name",
        ),
        (
            d.url("/api/dashboards"),
            json!({"name": "x", "extra": true}),
            422,
            "extra",
        ),
    ];
    for (url, body, status, field) in cases {
        let (s, r) = call(&c, "POST", &url, Some(body.clone())).await;
        assert_eq!(s, status, "{body} → {r}");
        assert_eq!(r["error"]["code"], "validation_failed", "{r}");
        assert_eq!(r["error"]["field"], field, "{body} → {r}");
        assert!(r["error"]["message"].as_str().unwrap().len() > 10);
    }
    let (_, r) = call(
        &c,
        "POST",
        &exec,
        Some(json!({"feature": "trigger_blast", "parameters": {"intensity": "Extreme"}})),
    )
    .await;
    assert!(
        r["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Low, Medium, High"),
        "{r}"
    );

    // Unknown ids: 404.
    for (m, path) in [
        ("GET", "/api/widgets/999"),
        ("POST", "/api/dashboards/999/activate"),
        ("DELETE", "/api/dashboards/999"),
        ("GET", "/api/nope"),
    ] {
        let (s, r) = call(&c, m, &d.url(path), None).await;
        assert_eq!(s, 404, "{m} {path} → {r}");
        assert_eq!(r["error"]["code"], "not_found");
    }
    let (s, r) = call(&c, "GET", &d.url("/api/widgets/abc"), None).await;
    assert_eq!((s, r["error"]["field"].as_str()), (400, Some("id")));
    let (s, r) = call(
        &c,
        "PATCH",
        &d.url(&format!("/api/widgets/{wid}/elements/nope")),
        Some(json!({"visible": true})),
    )
    .await;
    assert_eq!(s, 404, "{r}");
    let (s, r) = call(
        &c,
        "PATCH",
        &d.url(&format!("/api/widgets/{wid}/elements/pop_sound")),
        Some(json!({"name": "renamed"})),
    )
    .await;
    assert_eq!(s, 422, "element names are immutable: {r}");
    let (s, r) = call(
        &c,
        "PATCH",
        &d.url(&format!("/api/widgets/{wid}/elements/pop_sound")),
        Some(json!({"media": {"image": 1}})),
    )
    .await;
    assert_eq!(
        (s, r["error"]["field"].as_str()),
        (422, Some("media.image")),
        "{r}"
    );

    // Not JSON, wrong content type, huge body.
    let resp = c
        .post(&exec)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let r: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(r["error"]["code"], "invalid_json");
    let resp = c
        .post(&exec)
        .header("content-type", "text/plain")
        .body("hello")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 415);
    let huge = format!("{{\"feature\": \"{}\"}}", "x".repeat(2 * 1024 * 1024));
    // Its own client: the server answers 413 without reading the rest and closes the connection.
    let resp = http()
        .post(&exec)
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 413);
    let r: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(r["error"]["code"], "too_large");

    // Nothing above changed the widget.
    let (_, w) = call(&http(), "GET", &d.url(&format!("/api/widgets/{wid}")), None).await;
    assert!(
        w["elements"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["visible"] == false)
    );
    assert!(d.log().contains("stagehand is ready"));
    assert!(!d.log().contains("panicked"));
}

#[tokio::test]
async fn foreign_pages_and_hosts_are_refused() {
    let d = Daemon::start();
    let c = http();
    let resp = c
        .post(d.url("/api/dashboards"))
        .header("origin", "https://evil.example")
        .json(&json!({"name": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    let resp = c
        .post(d.url("/api/dashboards"))
        .header("origin", d.base.clone())
        .json(&json!({"name": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201, "same origin is fine");
    let resp = c
        .get(d.url("/api/status"))
        .header("host", "evil.example:8002")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403, "DNS rebinding");
}

#[tokio::test]
async fn admin_token_guards_the_api_but_not_the_overlay() {
    let d = Daemon::start_with(&[("STAGEHAND__SERVER__ADMIN_TOKEN", "s3cret")]);
    let c = http();
    let (s, r) = call(&c, "GET", &d.url("/api/dashboards"), None).await;
    assert_eq!(
        (s, r["error"]["code"].as_str()),
        (401, Some("unauthorized"))
    );
    let resp = c
        .get(d.url("/api/dashboards"))
        .bearer_auth("s3cret")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    // The overlay WebSocket stays open to OBS without a token; the admin one does not.
    support::WsClient::connect(&d.ws_url("overlay"))
        .await
        .next()
        .await;
    assert!(
        tokio_tungstenite::connect_async(d.ws_url("admin"))
            .await
            .is_err()
    );
    let mut admin =
        support::WsClient::connect(&format!("{}&token=s3cret", d.ws_url("admin"))).await;
    assert_eq!(admin.next().await["type"], "snapshot");
}

#[tokio::test]
async fn pages_are_served_from_the_binary() {
    let d = Daemon::start();
    let c = http();
    let resp = c.get(d.url("/overlay/")).send().await.unwrap();
    // The bundle is embedded when overlay/ was built; the route always exists.
    assert!(resp.status() == 200 || resp.status() == 404);
    if resp.status() == 200 {
        assert!(
            resp.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        let html = resp.text().await.unwrap();
        assert!(html.contains("<script"), "{html}");
    }
}

#[test]
fn check_config_prints_redacted_settings_and_bad_config_names_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_stagehand"))
        .arg("check-config")
        .current_dir(dir.path())
        .env("STAGEHAND__OBS__PASSWORD", "hunter2")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("bind = \"127.0.0.1:8002\""), "{text}");
    assert!(
        !text.contains("hunter2") && text.contains("<redacted>"),
        "{text}"
    );

    std::fs::write(
        dir.path().join("stagehand.toml"),
        "[obs]\nport = \"lots\"\n",
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_stagehand"))
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("obs.port"), "{err}");
}

#[tokio::test]
async fn executions_say_whether_they_were_live_and_audit_entries_are_structured() {
    let d = Daemon::start();
    let c = http();
    let (did, w) = support::setup_widget(&d, "DeathCounterWidget", json!({})).await;
    let wid = w["id"].as_u64().unwrap();
    let (s, r) = support::execute(&d, wid, "increment_deaths", json!({})).await;
    assert_eq!((s, &r["live"]), (200, &json!(true)), "{r}");
    // Another dashboard goes live: the widget's dashboard is on standby now.
    let (_, other) = call(
        &c,
        "POST",
        &d.url("/api/dashboards"),
        Some(json!({"name": "BRB"})),
    )
    .await;
    let oid = other["id"].as_u64().unwrap();
    call(
        &c,
        "POST",
        &d.url(&format!("/api/dashboards/{oid}/activate")),
        None,
    )
    .await;
    let (s, r) = support::execute(&d, wid, "increment_deaths", json!({})).await;
    assert_eq!((s, &r["live"]), (200, &json!(false)), "{r}");
    let (_, audit) = call(&c, "GET", &d.url("/api/audit?limit=3"), None).await;
    let run = &audit[0]["subject"];
    assert_eq!(run["kind"], "widget", "{audit}");
    assert_eq!(run["widget_id"], wid);
    assert_eq!(run["widget_class"], "DeathCounterWidget");
    assert_eq!(run["feature"], "increment_deaths");
    assert_eq!(run["live"], false);
    assert_eq!(audit[1]["subject"]["kind"], "dashboard");
    assert_eq!(audit[1]["subject"]["dashboard_name"], "BRB");
    assert_ne!(did, oid);
    // A refused request has a subject too.
    let (s, _) = support::execute(&d, wid, "no_such_feature", json!({})).await;
    assert!(s >= 400);
    let (_, audit) = call(&c, "GET", &d.url("/api/audit?limit=1"), None).await;
    assert_eq!(audit[0]["ok"], false);
    assert_eq!(audit[0]["subject"]["feature"], "no_such_feature");
}

/// A flood of writes larger than `storage.max_pending_writes` is told to back off (503,
/// `Retry-After`, code `busy`) instead of growing the queue; what was accepted is exactly
/// what was written, and the daemon serves normally right after.
#[tokio::test]
async fn a_write_flood_beyond_the_queue_bound_gets_503_with_retry_after_and_loses_nothing_accepted()
{
    let d = Daemon::start_with(&[("STAGEHAND__STORAGE__MAX_PENDING_WRITES", "16")]);
    let (_, w) = setup_widget(&d, "DeathCounterWidget", json!({})).await;
    let wid = w["id"].as_u64().unwrap();
    let url = d.url(&format!("/api/widgets/{wid}/execute"));
    let client = http();
    let sends = (0..400).map(|_| {
        let req = client
            .post(&url)
            .json(&json!({"feature": "increment_deaths", "parameters": {"amount": 1}}));
        async move {
            let r = req.send().await.expect("the daemon answers every request");
            let status = r.status().as_u16();
            let retry = r
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let body: serde_json::Value = r.json().await.expect("a JSON body");
            (status, retry, body)
        }
    });
    let answers = futures_util::future::join_all(sends).await;
    let mut accepted = 0;
    for (status, retry, body) in &answers {
        match status {
            200 => accepted += 1,
            503 => {
                assert_eq!(body["error"]["code"], "busy", "{body}");
                assert_eq!(retry.as_deref(), Some("1"), "{body}");
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    let (s, r) = execute(&d, wid, "increment_deaths", json!({"amount": 1})).await;
    assert_eq!(s, 200, "the daemon serves right after the flood: {r}");
    let counter = r["elements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "death_count")
        .unwrap();
    assert_eq!(
        counter["properties"]["value"],
        accepted + 1,
        "every accepted increment was written, no refused one was"
    );
}

/// Command and binding bodies are typed merge-patches: a typo is refused by name instead of
/// being dropped, `null` resets a field, and a create names the required field it lacks.
#[tokio::test]
async fn command_and_binding_bodies_are_typed_patches() {
    let d = Daemon::start();
    let c = http();
    let (_, w) = setup_widget(&d, "ConfettiAlertWidget", json!({})).await;
    let wid = w["id"].as_u64().expect("id");
    let url = d.url("/api/commands");
    let (s, e) = call(
        &c,
        "POST",
        &url,
        Some(json!({"widget_id": wid, "feature": "trigger_blast"})),
    )
    .await;
    assert_eq!(
        (s, e["error"]["field"].as_str()),
        (422, Some("trigger")),
        "{e}"
    );
    let (s, cmd) = call(
        &c,
        "POST",
        &url,
        Some(json!({"trigger": "boom", "widget_id": wid, "feature": "trigger_blast", "cooldown_user_s": 30})),
    )
    .await;
    assert_eq!(s, 201, "{cmd}");
    assert_eq!(cmd["trigger"], "!boom");
    let one = d.url(&format!("/api/commands/{}", cmd["id"]));
    let (s, e) = call(&c, "PATCH", &one, Some(json!({"cooldown": 5}))).await;
    assert_eq!(s, 422, "{e}");
    assert!(
        e["error"]["message"].as_str().unwrap().contains("cooldown"),
        "{e}"
    );
    let (s, v) = call(
        &c,
        "PATCH",
        &one,
        Some(json!({"cooldown_user_s": null, "enabled": false})),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        (
            v["cooldown_user_s"].as_u64(),
            v["enabled"].as_bool(),
            v["trigger"].as_str()
        ),
        (Some(0), Some(false), Some("!boom"))
    );
    let (s, e) = call(&c, "PATCH", &one, Some(json!({"trigger": null}))).await;
    assert_eq!(
        (s, e["error"]["field"].as_str()),
        (422, Some("trigger")),
        "{e}"
    );

    let burl = d.url("/api/event-bindings");
    let (s, b) = call(
        &c,
        "POST",
        &burl,
        Some(json!({"event": "cheer", "min_amount": 100, "widget_id": wid, "feature": "trigger_blast"})),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let (s, e) = call(
        &c,
        "POST",
        &burl,
        Some(json!({"event": "host", "widget_id": wid, "feature": "trigger_blast"})),
    )
    .await;
    assert_eq!(
        (s, e["error"]["field"].as_str()),
        (422, Some("event")),
        "{e}"
    );
    let (s, v) = call(
        &c,
        "PATCH",
        &d.url(&format!("/api/event-bindings/{}", b["id"])),
        Some(json!({"min_amount": null})),
    )
    .await;
    assert_eq!((s, v["min_amount"].clone()), (200, json!(null)), "{v}");
}
