//! Setup bundles against real daemons: export a setup, import it into an empty data dir and
//! get the same dashboards, widgets, elements, commands, bindings and byte-identical media;
//! the dry run and the conflict choices; bundles that must be refused whole (unknown
//! version, path names, bad widget classes and parameters, wrong hashes, a zip bomb);
//! templates; and the `stagehand export` / `stagehand import` commands.

mod support;

use serde_json::{Value, json};
use std::io::Write;
use support::{Daemon, call, execute, http, png, upload};

async fn post_json(d: &Daemon, path: &str, body: Value) -> Value {
    let (s, v) = call(&http(), "POST", &d.url(path), Some(body)).await;
    assert!(s == 200 || s == 201, "{path}: {s} {v}");
    v
}

async fn export(d: &Daemon, query: &str) -> Vec<u8> {
    let resp = http()
        .get(d.url(&format!("/api/export{query}")))
        .send()
        .await
        .expect("export");
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(resp.headers()["content-type"], "application/zip");
    resp.bytes().await.expect("bytes").to_vec()
}

async fn import(d: &Daemon, query: &str, bundle: Vec<u8>) -> (u16, Value) {
    let resp = http()
        .post(d.url(&format!("/api/import{query}")))
        .header("content-type", "application/zip")
        .body(bundle)
        .send()
        .await
        .expect("import");
    let s = resp.status().as_u16();
    (s, resp.json().await.unwrap_or(Value::Null))
}

/// A setup with something of everything: two dashboards, three widget types (one on both
/// dashboards, one on none), changed parameters and state, edited elements, a media pool,
/// a command with aliases and cooldowns, an event binding.
async fn build_setup(d: &Daemon) {
    let main = post_json(
        d,
        "/api/dashboards",
        json!({"name": "Main", "obs_scene": "Game"}),
    )
    .await;
    let brb = post_json(d, "/api/dashboards", json!({"name": "BRB"})).await;
    let (main, brb) = (main["id"].as_u64().unwrap(), brb["id"].as_u64().unwrap());
    let confetti = post_json(
        d,
        "/api/widgets",
        json!({"widget_class": "ConfettiAlertWidget", "name": "Confetti",
               "widget_parameters": {"particle_count": 300, "default_color": "#00FF88"}, "dashboard_ids": [main]}),
    )
    .await;
    let deaths = post_json(
        d,
        "/api/widgets",
        json!({"widget_class": "DeathCounterWidget", "name": "Deaths",
               "dashboard_ids": [main, brb]}),
    )
    .await;
    post_json(
        d,
        "/api/widgets",
        json!({"widget_class": "DeathCounterWidget", "name": "Spare"}),
    )
    .await;
    let (cid, did) = (
        confetti["id"].as_u64().unwrap(),
        deaths["id"].as_u64().unwrap(),
    );
    let (s, r) = execute(d, did, "increment_deaths", json!({"amount": 3})).await;
    assert_eq!(s, 200, "{r}");
    let img = upload(d, "sprite.png", png(48, 48, 1)).await;
    let img2 = upload(d, "sprite2.png", png(20, 30, 2)).await;
    let (s, e) = call(
        &http(),
        "PATCH",
        &d.url(&format!("/api/widgets/{cid}/elements/confetti_particle")),
        Some(
            json!({"media": {"image": {"ids": [img, img2], "pick": "sequence"}},
                    "properties": {"opacity": 0.5}, "behavior": {"loop": {"type": "spin", "duration": 2.0}}}),
        ),
    )
    .await;
    assert_eq!(s, 200, "{e}");
    post_json(
        d,
        "/api/commands",
        json!({"trigger": "!confetti", "aliases": ["!boom"], "widget_id": cid,
               "feature": "trigger_blast", "args": {"intensity": "Low"},
               "permission": "subscriber", "cooldown_global_s": 30, "cooldown_user_s": 60}),
    )
    .await;
    post_json(
        d,
        "/api/event-bindings",
        json!({"event": "cheer", "min_amount": 100, "widget_id": cid,
               "feature": "trigger_blast", "parameters": {"intensity": "High"}}),
    )
    .await;
}

/// The setup as the API shows it, with ids replaced by names and media by content hash,
/// so two installs can be compared.
async fn snapshot(d: &Daemon) -> Value {
    let c = http();
    let (_, media) = call(&c, "GET", &d.url("/api/media?limit=500"), None).await;
    let media = media.as_array().unwrap().clone();
    let sha = |id: &Value| {
        media
            .iter()
            .find(|m| m["id"] == *id)
            .map(|m| m["sha256"].clone())
            .unwrap_or(Value::Null)
    };
    let (_, widgets) = call(&c, "GET", &d.url("/api/widgets"), None).await;
    let widgets = widgets.as_array().unwrap().clone();
    let wname = |id: &Value| {
        widgets
            .iter()
            .find(|w| w["id"] == *id)
            .map(|w| w["name"].clone())
            .unwrap_or(Value::Null)
    };
    let (_, dashboards) = call(&c, "GET", &d.url("/api/dashboards"), None).await;
    let dashboards: Vec<Value> = dashboards
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            json!({"name": x["name"], "obs_scene": x["obs_scene"], "position": x["position"],
                   "widgets": x["widget_ids"].as_array().unwrap().iter().map(wname).collect::<Vec<_>>()})
        })
        .collect();
    let widgets: Vec<Value> = widgets
        .iter()
        .map(|w| {
            let elements: Vec<Value> = w["elements"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| {
                    let media: serde_json::Map<String, Value> = e["media"]
                        .as_object()
                        .unwrap()
                        .iter()
                        .map(|(r, id)| (r.clone(), sha(id)))
                        .collect();
                    let pools: serde_json::Map<String, Value> = e["media_pools"]
                        .as_object()
                        .cloned()
                        .unwrap_or_default()
                        .iter()
                        .map(|(r, p)| {
                            (r.clone(), json!({"ids": p["ids"].as_array().unwrap().iter().map(sha).collect::<Vec<_>>(),
                                               "pick": p["pick"], "at": p["at"]}))
                        })
                        .collect();
                    json!({"name": e["name"], "type": e["element_type"], "properties": e["properties"],
                           "behavior": e["behavior"], "visible": e["visible"], "media": media, "pools": pools})
                })
                .collect();
            json!({"class": w["widget_class"], "name": w["name"], "params": w["widget_parameters"],
                   "state": w["state"], "elements": elements,
                   "dashboards": w["dashboard_ids"].as_array().unwrap().len()})
        })
        .collect();
    let (_, commands) = call(&c, "GET", &d.url("/api/commands"), None).await;
    let commands: Vec<Value> = commands
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            let mut x = x.clone();
            let o = x.as_object_mut().unwrap();
            o.remove("id");
            let w = o.remove("widget_id").unwrap();
            o.insert("widget".into(), wname(&w));
            x
        })
        .collect();
    let (_, bindings) = call(&c, "GET", &d.url("/api/event-bindings"), None).await;
    let bindings: Vec<Value> = bindings
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            let mut x = x.clone();
            let o = x.as_object_mut().unwrap();
            o.remove("id");
            let w = o.remove("widget_id").unwrap();
            o.insert("widget".into(), wname(&w));
            x
        })
        .collect();
    let mut library: Vec<Value> = media
        .iter()
        .map(|m| {
            json!({"sha256": m["sha256"], "display_name": m["display_name"], "tags": m["tags"],
                   "size": m["size"], "mime_type": m["mime_type"], "width": m["width"],
                   "height": m["height"], "kind": m["kind"], "original_name": m["original_name"]})
        })
        .collect();
    library.sort_by_key(|m| m["sha256"].as_str().unwrap_or("").to_string());
    json!({"dashboards": dashboards, "widgets": widgets, "commands": commands,
           "bindings": bindings, "media": library})
}

async fn media_bytes(d: &Daemon) -> Vec<(String, Vec<u8>)> {
    let c = http();
    let (_, media) = call(&c, "GET", &d.url("/api/media?limit=500"), None).await;
    let mut out = Vec::new();
    for m in media.as_array().unwrap() {
        let bytes = c
            .get(d.url(m["url"].as_str().unwrap()))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap()
            .to_vec();
        out.push((m["sha256"].as_str().unwrap().to_string(), bytes));
    }
    out.sort();
    out
}

#[tokio::test]
async fn export_then_import_into_an_empty_install_reproduces_the_setup() {
    let a = Daemon::start();
    build_setup(&a).await;
    let bundle = export(&a, "").await;

    let b = Daemon::start();
    let (s, dry) = import(&b, "?dry_run=true", bundle.clone()).await;
    assert_eq!(s, 200, "{dry}");
    assert_eq!(dry["imported"], false);
    assert_eq!(dry["report"]["conflicts"], 0);
    assert_eq!(dry["report"]["dashboards"].as_array().unwrap().len(), 2);
    let (_, none) = call(&http(), "GET", &b.url("/api/dashboards"), None).await;
    assert_eq!(none, json!([]), "a dry run writes nothing");

    let (s, done) = import(&b, "", bundle.clone()).await;
    assert_eq!(s, 200, "{done}");
    assert_eq!(done["imported"], true);
    let (sa, sb) = (snapshot(&a).await, snapshot(&b).await);
    assert_eq!(sa, sb, "same setup after export → import");
    assert_eq!(
        media_bytes(&a).await,
        media_bytes(&b).await,
        "media byte-identical"
    );

    // The same bundle again: every name is taken now.
    let (s, r) = import(&b, "", bundle.clone()).await;
    assert_eq!(s, 409, "{r}");
    let (_, dry) = import(&b, "?dry_run=true", bundle.clone()).await;
    assert!(dry["report"]["conflicts"].as_u64().unwrap() >= 4, "{dry}");
    assert_eq!(dry["report"]["dashboards"][0]["action"], "unresolved");
    let (s, r) = import(&b, "?on_conflict=skip", bundle.clone()).await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(snapshot(&b).await, sa, "skip changes nothing");
    let (s, r) = import(&b, "?on_conflict=rename", bundle.clone()).await;
    assert_eq!(s, 200, "{r}");
    let (_, dashboards) = call(&http(), "GET", &b.url("/api/dashboards"), None).await;
    let names: Vec<&str> = dashboards
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["Main", "BRB", "Main (2)", "BRB (2)"]);
    let (_, commands) = call(&http(), "GET", &b.url("/api/commands"), None).await;
    let triggers: Vec<&str> = commands
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["trigger"].as_str().unwrap())
        .collect();
    assert_eq!(triggers, vec!["!confetti", "!confetti2"]);
    // Replace overwrites in place: the original dashboards keep their ids.
    let (s, r) = import(&b, "?on_conflict=replace", bundle).await;
    assert_eq!(s, 200, "{r}");
    let (_, after) = call(&http(), "GET", &b.url("/api/dashboards"), None).await;
    assert_eq!(after.as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn a_subset_export_takes_what_its_widgets_use_and_no_secret() {
    let a = Daemon::start_with(&[
        ("STAGEHAND__SERVER__ADMIN_TOKEN", "sekrit-token-123"),
        ("STAGEHAND__OBS__PASSWORD", "obs-pass-456"),
    ]);
    let c = reqwest::Client::builder()
        .default_headers({
            let mut h = reqwest::header::HeaderMap::new();
            h.insert("authorization", "Bearer sekrit-token-123".parse().unwrap());
            h
        })
        .build()
        .unwrap();
    let (_, main) = call(
        &c,
        "POST",
        &a.url("/api/dashboards"),
        Some(json!({"name": "Main"})),
    )
    .await;
    let (_, other) = call(
        &c,
        "POST",
        &a.url("/api/dashboards"),
        Some(json!({"name": "Other"})),
    )
    .await;
    let body = json!({"widget_class": "DeathCounterWidget", "name": "Deaths", "dashboard_ids": [other["id"]]});
    let (s, _) = call(&c, "POST", &a.url("/api/widgets"), Some(body)).await;
    assert_eq!(s, 201);
    let resp = c
        .get(a.url(&format!("/api/export?dashboards={}", main["id"])))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let bytes = resp.bytes().await.unwrap().to_vec();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).unwrap();
    let mut manifest = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("manifest.json").unwrap(), &mut manifest)
        .unwrap();
    let m: Value = serde_json::from_str(&manifest).unwrap();
    assert_eq!(m["format"], "stagehand-bundle");
    assert_eq!(m["version"], 1);
    assert_eq!(m["dashboards"].as_array().unwrap().len(), 1);
    assert_eq!(
        m["widgets"],
        json!([]),
        "widgets of other dashboards stay out"
    );
    assert_eq!(m["media"], json!([]), "only media the widgets use");
    let hay = String::from_utf8_lossy(&bytes);
    assert!(!hay.contains("sekrit-token-123") && !hay.contains("obs-pass-456"));
    let resp = c
        .get(a.url("/api/export?dashboards=1,x"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 422);
    let resp = c
        .get(a.url("/api/export?dashboards=99"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 422);
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut out);
        for (name, bytes) in entries {
            z.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            z.write_all(bytes).unwrap();
        }
        z.finish().unwrap();
    }
    out.into_inner()
}

fn manifest(extra: Value) -> Vec<u8> {
    let mut m = json!({"format": "stagehand-bundle", "version": 1});
    for (k, v) in extra.as_object().unwrap() {
        m[k] = v.clone();
    }
    serde_json::to_vec(&m).unwrap()
}

#[tokio::test]
async fn bad_bundles_are_refused_whole_naming_the_problem() {
    let d = Daemon::start();
    let good_widget = json!({"id": 1, "widget_class": "DeathCounterWidget", "name": "Deaths"});
    let cases: Vec<(Vec<u8>, u16, &str)> = vec![
        (b"not a zip at all".to_vec(), 422, "bundle"),
        (zip_of(&[("other.txt", b"x")]), 422, "other.txt"),
        (
            zip_of(&[
                ("manifest.json", &manifest(json!({}))),
                ("../evil.png", b"x"),
            ]),
            422,
            "../evil.png",
        ),
        (
            zip_of(&[
                ("manifest.json", &manifest(json!({}))),
                ("media/../../x", b"x"),
            ]),
            422,
            "media/../../x",
        ),
        (
            zip_of(&[(
                "manifest.json",
                br#"{"format": "stagehand-bundle", "version": 7}"#,
            )]),
            422,
            "manifest.version",
        ),
        (zip_of(&[("manifest.json", b"{")]), 422, "manifest.json"),
        (
            zip_of(&[(
                "manifest.json",
                &manifest(
                    json!({"widgets": [{"id": 1, "widget_class": "NoSuchWidget", "name": "x"}]}),
                ),
            )]),
            422,
            "manifest.widgets[0].widget_class",
        ),
        (
            zip_of(&[(
                "manifest.json",
                &manifest(json!({"widgets": [good_widget.clone(),
                    {"id": 2, "widget_class": "ConfettiAlertWidget", "name": "C",
                     "widget_parameters": {"particle_count": 5000}}]})),
            )]),
            422,
            "manifest.widgets[1].widget_parameters.particle_count",
        ),
        (
            zip_of(&[(
                "manifest.json",
                &manifest(
                    json!({"widgets": [{"id": 1, "widget_class": "DeathCounterWidget",
                    "name": "D", "elements": [{"name": "nope"}]}]}),
                ),
            )]),
            422,
            "manifest.widgets[0].elements[0].name",
        ),
        (
            zip_of(&[(
                "manifest.json",
                &manifest(json!({"widgets": [good_widget.clone()],
                    "commands": [{"id": 1, "trigger": "!x", "widget_id": 1, "feature": "fly"}]})),
            )]),
            422,
            "manifest.commands[0].feature",
        ),
        (
            zip_of(&[(
                "manifest.json",
                &manifest(json!({"dashboards": [{"id": 1, "name": "A", "widget_ids": [5]}]})),
            )]),
            422,
            "manifest.dashboards[0].widget_ids",
        ),
        (
            zip_of(&[
                (
                    "manifest.json",
                    &manifest(
                        json!({"media": [{"id": 1, "filename": "a.png", "original_name": "a.png",
                        "mime_type": "image/png", "size": 3, "sha256": "00"}]}),
                    ),
                ),
                ("media/a.png", b"abc"),
            ]),
            422,
            "manifest.media[0].sha256",
        ),
        (
            zip_of(&[("manifest.json", &manifest(json!({"surprise": true})))]),
            422,
            "manifest.surprise",
        ),
    ];
    for (bundle, status, field) in cases {
        let (s, r) = import(&d, "", bundle).await;
        assert_eq!(
            (s, r["error"]["field"].as_str()),
            (status, Some(field)),
            "{r}"
        );
    }
    // A zip bomb: a small file that unpacks to far more than a media file may be.
    let mut d2 = Daemon::start_with(&[("STAGEHAND__STORAGE__MAX_UPLOAD_MB", "1")]);
    let zeros = vec![0u8; 8 * 1024 * 1024];
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        z.start_file("manifest.json", opts).unwrap();
        z.write_all(&manifest(json!({}))).unwrap();
        z.start_file("media/bomb.png", opts).unwrap();
        z.write_all(&zeros).unwrap();
        z.finish().unwrap();
    }
    let bomb = out.into_inner();
    assert!(bomb.len() < 100 * 1024);
    let (s, r) = import(&d2, "", bomb).await;
    assert_eq!(
        (s, r["error"]["code"].as_str()),
        (413, Some("too_large")),
        "{r}"
    );
    // Nothing of any of these was written, and no temporary file is left behind.
    let (_, w) = call(&http(), "GET", &d.url("/api/widgets"), None).await;
    assert_eq!(w, json!([]));
    let (_, dash) = call(&http(), "GET", &d.url("/api/dashboards"), None).await;
    assert_eq!(dash, json!([]));
    for dir in [
        d.data_dir().join("data/media"),
        d2.data_dir().join("data/media"),
    ] {
        let leftovers: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().to_string())
            .filter(|n| n.ends_with(".part"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }
    d2.stop();
}

#[tokio::test]
async fn templates_save_list_use_delete() {
    let d = Daemon::start();
    build_setup(&d).await;
    let t = post_json(
        &d,
        "/api/templates",
        json!({"dashboard_id": 1, "name": "Game night"}),
    )
    .await;
    assert_eq!(t["id"], "game-night");
    assert_eq!(t["dashboard_name"], "Main");
    assert_eq!(t["widgets"], 2);
    let (_, list) = call(&http(), "GET", &d.url("/api/templates"), None).await;
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    let r = post_json(
        &d,
        "/api/templates/game-night/use",
        json!({"name": "Friday"}),
    )
    .await;
    let new_id = r["report"]["dashboard_ids"][0]
        .as_u64()
        .expect("new dashboard");
    let (_, dash) = call(
        &http(),
        "GET",
        &d.url(&format!("/api/dashboards/{new_id}")),
        None,
    )
    .await;
    assert_eq!(dash["name"], "Friday");
    assert_eq!(dash["widgets"].as_array().unwrap().len(), 2, "{dash}");
    // Used again without a name: a free variant of the template's dashboard name.
    let r = post_json(&d, "/api/templates/game-night/use", json!({})).await;
    assert_eq!(r["report"]["dashboards"][0]["new_name"], "Main (2)");
    let (s, _) = call(
        &http(),
        "POST",
        &d.url("/api/templates"),
        Some(json!({"dashboard_id": 99, "name": "x"})),
    )
    .await;
    assert_eq!(s, 422);
    let (s, _) = call(&http(), "DELETE", &d.url("/api/templates/game-night"), None).await;
    assert_eq!(s, 204);
    let (s, _) = call(
        &http(),
        "POST",
        &d.url("/api/templates/..%2Fx/use"),
        Some(json!({})),
    )
    .await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn the_export_and_import_commands_work_on_a_stopped_install() {
    let mut a = Daemon::start();
    build_setup(&a).await;
    let before = snapshot(&a).await;
    a.stop();
    let bin = env!("CARGO_BIN_EXE_stagehand");
    let file = a.data_dir().join("setup.zip");
    let out = std::process::Command::new(bin)
        .args(["export", "-o"])
        .arg(&file)
        .env("STAGEHAND__STORAGE__DATA_DIR", a.data_dir().join("data"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let mut b = Daemon::start();
    b.stop();
    let run = |args: &[&str]| {
        std::process::Command::new(bin)
            .args(args)
            .arg(&file)
            .env("STAGEHAND__STORAGE__DATA_DIR", b.data_dir().join("data"))
            .output()
            .unwrap()
    };
    let dry = run(&["import", "--dry-run"]);
    assert!(
        dry.status.success(),
        "{}",
        String::from_utf8_lossy(&dry.stderr)
    );
    assert!(String::from_utf8_lossy(&dry.stdout).contains("nothing was written"));
    let done = run(&["import"]);
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let again = run(&["import"]);
    assert!(!again.status.success(), "a second import conflicts");
    assert!(String::from_utf8_lossy(&again.stderr).contains("--on-conflict"));
    b.spawn();
    assert_eq!(snapshot(&b).await, before);
}

/// What the admin UI shows before anything is written: a template's description and
/// contents (widgets with their element counts, command triggers, binding events), and the
/// element count of each widget in an import's dry run.
#[tokio::test]
async fn templates_say_what_they_contain_and_dry_runs_count_elements() {
    let d = Daemon::start();
    build_setup(&d).await;
    let t = post_json(
        &d,
        "/api/templates",
        json!({"dashboard_id": 1, "name": "Game night",
               "description": "  Confetti and a death counter\nfor long runs  "}),
    )
    .await;
    assert_eq!(
        t["description"], "Confetti and a death counter\nfor long runs",
        "{t}"
    );
    let (_, widgets) = call(&http(), "GET", &d.url("/api/widgets"), None).await;
    let elements_of = |name: &str| {
        widgets
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["name"] == name)
            .map(|w| w["elements"].as_array().unwrap().len())
            .unwrap()
    };
    let mut inside: Vec<(String, String, u64)> = t["contents"]["widgets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["name"].as_str().unwrap().to_string(),
                w["widget_class"].as_str().unwrap().to_string(),
                w["elements"].as_u64().unwrap(),
            )
        })
        .collect();
    inside.sort();
    assert_eq!(
        inside,
        vec![
            (
                "Confetti".into(),
                "ConfettiAlertWidget".into(),
                elements_of("Confetti") as u64
            ),
            (
                "Deaths".into(),
                "DeathCounterWidget".into(),
                elements_of("Deaths") as u64
            ),
        ]
    );
    assert_eq!(t["contents"]["commands"], json!(["!confetti"]));
    assert_eq!(t["contents"]["event_bindings"], json!(["cheer"]));
    let (_, list) = call(&http(), "GET", &d.url("/api/templates"), None).await;
    assert_eq!(list[0]["description"], t["description"], "{list}");
    assert_eq!(list[0]["contents"], t["contents"], "{list}");

    // A template without a description has an empty one; a too long one names the field.
    let plain = post_json(
        &d,
        "/api/templates",
        json!({"dashboard_id": 2, "name": "Plain"}),
    )
    .await;
    assert_eq!(plain["description"], "");
    let (s, r) = call(
        &http(),
        "POST",
        &d.url("/api/templates"),
        Some(json!({"dashboard_id": 1, "name": "Long", "description": "x".repeat(301)})),
    )
    .await;
    assert_eq!(
        (s, r["error"]["field"].as_str()),
        (422, Some("description")),
        "{r}"
    );

    // The dry run counts the elements each imported widget brings; skipped ones have none.
    let bundle = export(&d, "").await;
    let (s, dry) = import(&d, "?dry_run=true&on_conflict=rename", bundle.clone()).await;
    assert_eq!(s, 200, "{dry}");
    for w in dry["report"]["widgets"].as_array().unwrap() {
        let name = w["name"].as_str().unwrap();
        assert_eq!(
            w["elements"].as_u64(),
            Some(elements_of(name) as u64),
            "{w}"
        );
    }
    let (_, dry) = import(&d, "?dry_run=true&on_conflict=skip", bundle).await;
    for w in dry["report"]["widgets"].as_array().unwrap() {
        assert_eq!(w["action"], "skip", "{w}");
        assert!(w.get("elements").is_none(), "{w}");
    }
}

/// A slideshow names its images in a `media` parameter, not in an element: a dashboard export
/// takes those files along and an import points the parameter at the files' new ids.
#[tokio::test]
async fn media_parameters_travel_with_their_files_and_get_the_new_ids() {
    let a = Daemon::start();
    upload(&a, "unused.png", png(8, 8, 1)).await;
    let first = upload(&a, "first.png", png(9, 9, 2)).await;
    let second = upload(&a, "second.png", png(10, 10, 3)).await;
    let dash = post_json(&a, "/api/dashboards", json!({"name": "Show"})).await;
    post_json(
        &a,
        "/api/widgets",
        json!({"widget_class": "ImageSequenceWidget", "name": "Sponsors",
               "dashboard_ids": [dash["id"]], "widget_parameters": {"images": [second, first]}}),
    )
    .await;
    // An alert's variation rules name files inside their text: those travel too.
    post_json(
        &a,
        "/api/widgets",
        json!({"widget_class": "DonationAlertWidget", "name": "Tips", "dashboard_ids": [dash["id"]],
               "widget_parameters": {"variations": format!("amount >= 100: image {second}|{first}, confetti")}}),
    )
    .await;
    let bundle = export(&a, &format!("?dashboards={}", dash["id"])).await;

    let b = Daemon::start();
    let (s, report) = import(&b, "", bundle).await;
    assert_eq!(s, 200, "{report}");
    let (_, media) = call(&http(), "GET", &b.url("/api/media?limit=100"), None).await;
    let id_of = |name: &str| {
        media
            .as_array()
            .and_then(|all| all.iter().find(|m| m["original_name"] == name))
            .and_then(|m| m["id"].as_u64())
    };
    assert!(
        id_of("unused.png").is_none(),
        "only what the dashboard uses"
    );
    let (_, widgets) = call(&http(), "GET", &b.url("/api/widgets"), None).await;
    let w = widgets
        .as_array()
        .and_then(|all| all.iter().find(|w| w["name"] == "Sponsors"))
        .cloned()
        .expect("imported");
    let want = json!([id_of("second.png"), id_of("first.png")]);
    assert_eq!(w["widget_parameters"]["images"], want);
    assert_ne!(want, json!([second, first]), "the files got new ids");
    let tips = widgets
        .as_array()
        .and_then(|all| all.iter().find(|w| w["name"] == "Tips"))
        .cloned()
        .expect("imported");
    let (n2, n1) = (id_of("second.png").unwrap(), id_of("first.png").unwrap());
    assert_eq!(
        tips["widget_parameters"]["variations"],
        format!("amount >= 100: image {n2}|{n1}, confetti")
    );
}
