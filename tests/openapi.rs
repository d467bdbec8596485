//! The OpenAPI document against the real daemon: every route the router registers
//! (src/http/mod.rs, parsed) is documented and every documented operation is served; every
//! example validates against its schema; every operation is then called with its examples
//! (creating a dashboard, a widget, a command … first so the ids exist), and each answer's
//! status must be a documented one and its body must validate against the documented schema.

mod support;

use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use support::Daemon;

const TOKEN: &str = "openapi-test-token";
const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

// ---------------------------------------------------------------- the router's route table

/// The text from `open` (an index just after an opening parenthesis) to its matching `)`.
fn balanced(src: &str, open: usize) -> &str {
    let mut depth = 1;
    let mut in_str = false;
    for (i, c) in src[open..].char_indices() {
        match c {
            '"' => in_str = !in_str,
            '(' if !in_str => depth += 1,
            ')' if !in_str => {
                depth -= 1;
                if depth == 0 {
                    return &src[open..open + i];
                }
            }
            _ => {}
        }
    }
    panic!("unbalanced parentheses after {open}");
}

fn first_string(s: &str) -> Option<&str> {
    let a = s.find('"')? + 1;
    let b = a + s[a..].find('"')?;
    Some(&s[a..b])
}

/// Method calls (`get(`, `.post(`, `axum::routing::patch(`) in a `.route(…)` argument.
fn methods_in(arg: &str) -> Vec<&'static str> {
    let mut out = Vec::new();
    for m in METHODS {
        let pat = format!("{m}(");
        let mut from = 0;
        while let Some(i) = arg[from..].find(&pat) {
            let at = from + i;
            let before = arg[..at].chars().next_back();
            if before.is_none_or(|c| !(c.is_alphanumeric() || c == '_')) {
                out.push(m);
            }
            from = at + pat.len();
        }
    }
    out
}

/// The source without `//` comments (outside string literals).
fn strip_comments(src: &str) -> String {
    let mut out = String::with_capacity(src.len());
    for line in src.lines() {
        let mut in_str = false;
        let mut prev = ' ';
        let mut cut = line.len();
        for (i, c) in line.char_indices() {
            if c == '"' && prev != '\\' {
                in_str = !in_str;
            }
            if c == '/' && prev == '/' && !in_str {
                cut = i - 1;
                break;
            }
            prev = c;
        }
        out.push_str(&line[..cut]);
        out.push('\n');
    }
    out
}

/// (METHOD, path) of every route `router()` in src/http/mod.rs registers: each
/// `Router::new()` chain (a `let NAME = …;` or the returned one), its `.route(` calls with
/// their method chains, and the `.nest("/prefix", NAME)` / `.merge(NAME)` that mount it.
fn registered_routes() -> BTreeSet<(String, String)> {
    let src = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/http/mod.rs"))
        .expect("src/http/mod.rs");
    let start = src.find("pub fn router(").expect("fn router");
    let body = &src[start..];
    let body = &body[..body.find("\n}\n").expect("end of fn router")];
    let body = strip_comments(body);
    let body = body.as_str();
    // name → routes of its chain
    let mut chains: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    let mut mounts: Vec<(String, String)> = Vec::new(); // (prefix, name)
    let mut rest = body;
    while let Some(i) = rest.find("Router::new()") {
        let before = rest[..i].trim_end();
        let name = before
            .strip_suffix('=')
            .and_then(|b| b.trim_end().rsplit(' ').next())
            .map(str::to_string)
            .unwrap_or_else(|| "root".to_string());
        let chain_start = i + "Router::new()".len();
        let chain = &rest[chain_start..];
        // The chain ends at the `;` of its statement (or the function's end).
        let mut depth = 0i32;
        let mut in_str = false;
        let mut end = chain.len();
        for (j, c) in chain.char_indices() {
            match c {
                '"' => in_str = !in_str,
                '(' | '{' if !in_str => depth += 1,
                ')' | '}' if !in_str => depth -= 1,
                ';' if !in_str && depth == 0 => {
                    end = j;
                    break;
                }
                _ => {}
            }
        }
        let chain = &chain[..end];
        let mut routes = Vec::new();
        let mut from = 0;
        while let Some(k) = chain[from..].find(".route(") {
            let open = from + k + ".route(".len();
            let arg = balanced(chain, open);
            let path = first_string(arg).expect("route path").to_string();
            let after_path = &arg[arg.find(',').expect("route handler")..];
            let methods = methods_in(after_path);
            assert!(!methods.is_empty(), "no method for route {path}: {arg}");
            for m in methods {
                routes.push((m.to_uppercase(), path.clone()));
            }
            from = open + arg.len();
        }
        for (key, prefix_of) in [(".nest(", true), (".merge(", false)] {
            let mut from = 0;
            while let Some(k) = chain[from..].find(key) {
                let open = from + k + key.len();
                let arg = balanced(chain, open);
                let (prefix, name) = if prefix_of {
                    let prefix = first_string(arg).expect("nest prefix").to_string();
                    let name = arg.rsplit(',').next().expect("nested router").trim();
                    (prefix, name.to_string())
                } else {
                    (String::new(), arg.trim().to_string())
                };
                mounts.push((prefix, name));
                from = open + arg.len();
            }
        }
        chains.insert(name, routes);
        rest = &rest[chain_start + end..];
    }
    let mut out = BTreeSet::new();
    for (m, p) in chains.get("root").expect("the returned router") {
        out.insert((m.clone(), p.clone()));
    }
    for (prefix, name) in mounts {
        let routes = chains
            .get(&name)
            .unwrap_or_else(|| panic!("router {name} is mounted but not built with Router::new()"));
        for (m, p) in routes {
            out.insert((m.clone(), format!("{prefix}{p}")));
        }
    }
    out
}

// ---------------------------------------------------------------- a small JSON Schema checker

/// Follows `$ref: #/components/schemas/X`.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    let mut s = schema;
    while let Some(r) = s.get("$ref").and_then(Value::as_str) {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("unsupported $ref {r}"));
        s = &doc["components"]["schemas"][name];
        assert!(!s.is_null(), "dangling $ref {r}");
    }
    s
}

/// Property names an object schema declares, through `allOf` and `$ref`.
fn declared(doc: &Value, schema: &Value, out: &mut BTreeSet<String>) -> bool {
    let s = resolve(doc, schema);
    let mut open = s
        .get("additionalProperties")
        .is_some_and(|a| a != &Value::Bool(false));
    if let Some(props) = s.get("properties").and_then(Value::as_object) {
        out.extend(props.keys().cloned());
    }
    if let Some(all) = s.get("allOf").and_then(Value::as_array) {
        for sub in all {
            open |= declared(doc, sub, out);
        }
    }
    open
}

fn type_matches(t: &str, v: &Value) -> bool {
    match t {
        "null" => v.is_null(),
        "boolean" => v.is_boolean(),
        "string" => v.is_string(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        "number" => v.is_number(),
        "integer" => v.is_i64() || v.is_u64() || v.as_f64().is_some_and(|f| f.fract() == 0.0),
        other => panic!("unknown schema type {other}"),
    }
}

/// Checks `v` against `schema`, strictly: an object may only have the properties its schema
/// declares (unless it allows `additionalProperties`), so an undocumented field fails too.
fn check(doc: &Value, schema: &Value, v: &Value, at: &str, errors: &mut Vec<String>) {
    let s = resolve(doc, schema);
    if let Some(all) = s.get("allOf").and_then(Value::as_array) {
        for sub in all {
            check_loose(doc, sub, v, at, errors);
        }
        if let Some(obj) = v.as_object() {
            let mut names = BTreeSet::new();
            if !declared(doc, s, &mut names) {
                for k in obj.keys().filter(|k| !names.contains(*k)) {
                    errors.push(format!("{at}.{k}: not in the schema"));
                }
            }
        }
    }
    check_loose(doc, s, v, at, errors);
    if s.get("allOf").is_none()
        && let (Some(obj), Some(props)) = (v.as_object(), s.get("properties"))
        && s.get("additionalProperties").is_none()
    {
        for k in obj.keys().filter(|k| props.get(k.as_str()).is_none()) {
            errors.push(format!("{at}.{k}: not in the schema"));
        }
    }
}

/// Everything but the closed-object rule (for the parts of an `allOf`).
fn check_loose(doc: &Value, schema: &Value, v: &Value, at: &str, errors: &mut Vec<String>) {
    let s = resolve(doc, schema);
    if let Some(t) = s.get("type") {
        let ok = match t {
            Value::String(t) => type_matches(t, v),
            Value::Array(ts) => ts
                .iter()
                .filter_map(Value::as_str)
                .any(|t| type_matches(t, v)),
            _ => true,
        };
        if !ok {
            errors.push(format!("{at}: {v} is not of type {t}"));
            return;
        }
    }
    if let Some(options) = s.get("enum").and_then(Value::as_array)
        && !options.contains(v)
    {
        errors.push(format!("{at}: {v} is not one of {options:?}"));
    }
    if let Some(c) = s.get("const")
        && c != v
    {
        errors.push(format!("{at}: {v} is not {c}"));
    }
    if let (Some(min), Some(n)) = (s.get("minimum").and_then(Value::as_f64), v.as_f64())
        && n < min
    {
        errors.push(format!("{at}: {n} < minimum {min}"));
    }
    if let (Some(max), Some(n)) = (s.get("maximum").and_then(Value::as_f64), v.as_f64())
        && n > max
    {
        errors.push(format!("{at}: {n} > maximum {max}"));
    }
    for (key, exactly_one) in [("oneOf", true), ("anyOf", false)] {
        if let Some(alts) = s.get(key).and_then(Value::as_array) {
            let mut why = Vec::new();
            let matching = alts
                .iter()
                .filter(|alt| {
                    let mut e = Vec::new();
                    check(doc, alt, v, at, &mut e);
                    why.extend(e.iter().cloned());
                    e.is_empty()
                })
                .count();
            if matching == 0 || (exactly_one && matching > 1) {
                errors.push(format!(
                    "{at}: {matching} alternatives of {key} match {v} ({})",
                    why.join("; ")
                ));
            }
        }
    }
    if let Some(obj) = v.as_object() {
        if let Some(req) = s.get("required").and_then(Value::as_array) {
            for r in req.iter().filter_map(Value::as_str) {
                if !obj.contains_key(r) {
                    errors.push(format!("{at}.{r}: required but missing"));
                }
            }
        }
        let props = s.get("properties").and_then(Value::as_object);
        for (k, x) in obj {
            let path = format!("{at}.{k}");
            match props.and_then(|p| p.get(k)) {
                Some(ps) => check(doc, ps, x, &path, errors),
                None => {
                    if let Some(extra) = s.get("additionalProperties")
                        && extra.is_object()
                    {
                        check(doc, extra, x, &path, errors);
                    }
                }
            }
        }
    }
    if let (Some(items), Some(arr)) = (s.get("items"), v.as_array()) {
        for (i, x) in arr.iter().enumerate() {
            check(doc, items, x, &format!("{at}[{i}]"), errors);
        }
    }
}

fn validate(doc: &Value, schema: &Value, v: &Value, what: &str) {
    let mut errors = Vec::new();
    check(doc, schema, v, "$", &mut errors);
    assert!(
        errors.is_empty(),
        "{what} does not match its schema:\n  {}\nvalue: {v}",
        errors.join("\n  ")
    );
}

// ---------------------------------------------------------------- the document

struct Op<'a> {
    method: &'static str,
    path: &'a str,
    op: &'a Value,
}

fn operations(doc: &Value) -> Vec<Op<'_>> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                out.push(Op { method, path, op });
            }
        }
    }
    out
}

/// The JSON request example: on the media type, else on the (referenced) schema.
fn request_example(doc: &Value, op: &Value) -> Option<Value> {
    let media = op.pointer("/requestBody/content/application~1json")?;
    media
        .get("example")
        .cloned()
        .or_else(|| resolve(doc, &media["schema"]).get("example").cloned())
}

fn json_schema_of(response: &Value) -> Option<&Value> {
    response.pointer("/content/application~1json/schema")
}

async fn get_doc(d: &Daemon, c: &reqwest::Client) -> Value {
    let resp = c
        .get(d.url("/api/openapi.json"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("openapi.json");
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()[reqwest::header::CONTENT_TYPE]
            .to_str()
            .unwrap_or("")
            .starts_with("application/json")
    );
    resp.json().await.expect("openapi json")
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

fn start() -> Daemon {
    Daemon::start_with(&[("STAGEHAND__SERVER__ADMIN_TOKEN", TOKEN)])
}

/// The router's fallbacks: an unknown endpoint (JSON `no such endpoint` under /api, the
/// page fallback's plain 404 elsewhere) or a method the path does not have.
fn is_fallback(status: u16, body: &str) -> bool {
    let v: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    let message = v["error"]["message"].as_str().unwrap_or("");
    status == 405 || (status == 404 && (v.is_null() || message.starts_with("no such endpoint")))
}

#[tokio::test]
async fn every_route_is_documented_and_every_documented_operation_is_served() {
    let d = start();
    let c = client();

    // The document is behind the admin token like the rest of /api; probes are not.
    let anonymous = c
        .get(d.url("/api/openapi.json"))
        .send()
        .await
        .expect("anon");
    assert_eq!(anonymous.status(), 401);
    let health = c.get(d.url("/healthz")).send().await.expect("healthz");
    assert_eq!(health.status(), 200);
    let doc = get_doc(&d, &c).await;
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(
        doc["components"]["securitySchemes"]["admin_token"]["scheme"],
        "bearer"
    );

    let documented: BTreeSet<(String, String)> = operations(&doc)
        .iter()
        .map(|o| (o.method.to_uppercase(), o.path.to_string()))
        .collect();
    let registered = registered_routes();
    assert!(
        registered.len() > 40,
        "parsed only {} routes",
        registered.len()
    );
    let undocumented: Vec<_> = registered.difference(&documented).collect();
    assert!(
        undocumented.is_empty(),
        "routes without documentation: {undocumented:?}"
    );
    let unrouted: Vec<_> = documented.difference(&registered).collect();
    assert!(
        unrouted.is_empty(),
        "documented but not routed: {unrouted:?}"
    );

    let mut ids = BTreeSet::new();
    for o in operations(&doc) {
        let id = o.op["operationId"].as_str().unwrap_or_default();
        assert!(
            ids.insert(id.to_string()),
            "operationId {id:?} is not unique"
        );
        // Every operation says what it is, answers with documented bodies, and states its
        // security as the guard enforces it.
        assert!(
            o.op["summary"].is_string(),
            "{} {}: no summary",
            o.method,
            o.path
        );
        assert!(
            o.op["tags"][0].is_string(),
            "{} {}: no tag",
            o.method,
            o.path
        );
        let guarded =
            (o.path.starts_with("/api/") && o.path != "/api/docs") || o.path == "/metrics";
        assert_eq!(
            o.op["security"],
            if guarded {
                json!([{"admin_token": []}])
            } else {
                json!([])
            },
            "{} {}",
            o.method,
            o.path
        );
        // Served: anything but the fallbacks. Ids that do not exist, no bodies: nothing
        // is created.
        let path = o
            .path
            .replace("{id}", "999999")
            .replace("{name}", "nothing")
            .replace("{filename}", "0000000000000000.png");
        let m = reqwest::Method::from_bytes(o.method.to_uppercase().as_bytes()).expect("method");
        let resp = c
            .request(m.clone(), d.url(&path))
            .bearer_auth(TOKEN)
            .send()
            .await
            .expect("request");
        let status = resp.status().as_u16();
        assert!(
            resp.headers().contains_key("x-request-id"),
            "{m} {path}: no x-request-id"
        );
        let body = resp.text().await.unwrap_or_default();
        assert!(
            !is_fallback(status, &body),
            "{m} {path} is documented but not served: {status} {body}"
        );
        assert!(
            o.op["responses"][status.to_string()].is_object(),
            "{m} {path} answered {status}, which is not documented: {body}"
        );
    }
    // An unknown endpoint really is the fallback (the check above would catch it).
    let resp = c
        .get(d.url("/api/nothing-here"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("unknown");
    assert!(is_fallback(
        resp.status().as_u16(),
        &resp.text().await.unwrap_or_default()
    ));
}

#[tokio::test]
async fn every_example_matches_its_schema() {
    let d = start();
    let c = client();
    let doc = get_doc(&d, &c).await;
    let mut checked = 0;
    for (name, schema) in doc["components"]["schemas"].as_object().expect("schemas") {
        if let Some(ex) = schema.get("example") {
            validate(&doc, schema, ex, &format!("example of schema {name}"));
            checked += 1;
        }
    }
    for o in operations(&doc) {
        let what = format!("{} {}", o.method, o.path);
        if o.op
            .pointer("/requestBody/content/application~1json")
            .is_some()
        {
            let ex = request_example(&doc, o.op)
                .unwrap_or_else(|| panic!("{what}: a JSON body without an example"));
            if ex.is_object() {
                checked += 1;
            }
        }
        for p in o.op["parameters"].as_array().into_iter().flatten() {
            if let Some(ex) = p.get("example") {
                validate(
                    &doc,
                    &p["schema"],
                    ex,
                    &format!("{what} parameter {}", p["name"]),
                );
                checked += 1;
            }
        }
        for (status, r) in o.op["responses"].as_object().expect("responses") {
            assert!(
                r["description"].as_str().is_some_and(|s| !s.is_empty()),
                "{what} {status}: no description"
            );
            if let (Some(schema), Some(ex)) = (
                json_schema_of(r),
                r.pointer("/content/application~1json/example"),
            ) {
                validate(&doc, schema, ex, &format!("{what} {status} example"));
                checked += 1;
            }
        }
    }
    assert!(checked > 40, "only {checked} examples");
}

// ---------------------------------------------------------------- the examples, live

/// Ids created along the way, to put into paths and bodies in place of the examples' ids.
#[derive(Default)]
struct Created {
    dashboard: Option<u64>,
    widget: Option<u64>,
    command: Option<u64>,
    binding: Option<u64>,
    media: Option<u64>,
    media_file: Option<String>,
    template: Option<String>,
    bundle: Option<Vec<u8>>,
}

const RESOURCES: [&str; 6] = [
    "/api/dashboards",
    "/api/widgets",
    "/api/commands",
    "/api/event-bindings",
    "/api/media",
    "/api/templates",
];

/// Creates first (in dependency order), then reads, changes and actions, deletes last (in
/// reverse order), so every id an operation needs exists when it runs.
fn rank(method: &str, path: &str) -> (u8, usize) {
    let resource = RESOURCES
        .iter()
        .position(|r| path == *r || path.starts_with(&format!("{r}/")))
        .unwrap_or(RESOURCES.len());
    let create = method == "post" && RESOURCES.contains(&path);
    match method {
        _ if create => (0, resource),
        "delete" => (3, RESOURCES.len() - resource),
        "get" if path == "/api/export" => (1, 0),
        _ if path == "/api/import" => (2, 0),
        _ => (1, resource),
    }
}

fn substitute_path(path: &str, op: &Value, created: &Created) -> String {
    let id = RESOURCES
        .iter()
        .position(|r| path.starts_with(&format!("{r}/")))
        .and_then(|i| match i {
            0 => created.dashboard.map(|v| v.to_string()),
            1 => created.widget.map(|v| v.to_string()),
            2 => created.command.map(|v| v.to_string()),
            3 => created.binding.map(|v| v.to_string()),
            4 => created.media.map(|v| v.to_string()),
            _ => created.template.clone(),
        });
    let mut out = path.to_string();
    for p in op["parameters"].as_array().into_iter().flatten() {
        if p["in"] != "path" {
            continue;
        }
        let name = p["name"].as_str().expect("param name");
        let value = match name {
            "id" => id.clone(),
            "filename" => created.media_file.clone(),
            _ => None,
        }
        .or_else(|| {
            p.get("example").map(|e| match e {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
        })
        .unwrap_or_else(|| panic!("{path}: no value for path parameter {name}"));
        out = out.replace(&format!("{{{name}}}"), &value);
    }
    out
}

/// The example's ids replaced by those of this daemon.
fn substitute_body(mut body: Value, created: &Created) -> Value {
    if let Some(obj) = body.as_object_mut() {
        if obj.contains_key("widget_id")
            && let Some(w) = created.widget
        {
            obj.insert("widget_id".into(), json!(w));
        }
        if obj.contains_key("dashboard_id")
            && let Some(d) = created.dashboard
        {
            obj.insert("dashboard_id".into(), json!(d));
        }
        if obj.contains_key("dashboard_ids")
            && let Some(d) = created.dashboard
        {
            obj.insert("dashboard_ids".into(), json!([d]));
        }
    }
    body
}

fn png() -> Vec<u8> {
    let img = image::RgbaImage::from_fn(48, 32, |x, y| {
        image::Rgba([(x * 5) as u8, (y * 7) as u8, 180, 255])
    });
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("png");
    out
}

/// Statuses other than 2xx an example may get in this test setup (no OBS running, no
/// Twitch application configured: tests/twitch_login.rs logs in against the fake Twitch; no
/// alert widget among the examples: tests/alerts.rs fires test alerts).
fn expected_failure(method: &str, path: &str, status: u16) -> bool {
    (method == "get" && path == "/api/obs/scenes" && status == 503)
        || (method == "post" && path == "/api/twitch/accounts/{role}/login" && status == 422)
        || (method == "post" && path == "/api/alerts/test" && status == 404)
        || (method == "post" && path == "/api/alerts/preview" && status == 422)
}

#[tokio::test]
async fn every_example_round_trips_against_the_live_daemon() {
    let d = start();
    let c = client();
    let doc = get_doc(&d, &c).await;
    let mut ops = operations(&doc);
    ops.sort_by_key(|o| rank(o.method, o.path));
    let mut created = Created::default();
    let mut walked = Vec::new();

    for o in &ops {
        let what = format!("{} {}", o.method.to_uppercase(), o.path);
        let path = substitute_path(o.path, o.op, &created);
        let m = reqwest::Method::from_bytes(o.method.to_uppercase().as_bytes()).expect("method");

        if o.path == "/ws" {
            // The upgrade itself: a real WebSocket session that starts with a snapshot.
            let mut ws = support::WsClient::connect(&d.ws_url("overlay")).await;
            let first = ws.next().await;
            assert_eq!(first["type"], "snapshot", "{what}: {first}");
            walked.push(what);
            continue;
        }

        let mut req = c.request(m.clone(), d.url(&path)).bearer_auth(TOKEN);
        let content =
            o.op.pointer("/requestBody/content")
                .and_then(Value::as_object);
        let mut sent = Value::Null;
        match content.map(|c| c.keys().next().cloned().unwrap_or_default()) {
            Some(ct) if ct == "application/json" => {
                let ex = request_example(&doc, o.op).expect("example (checked by the other test)");
                sent = substitute_body(ex, &created);
                req = req.json(&sent);
            }
            Some(ct) if ct == "multipart/form-data" => {
                let part = reqwest::multipart::Part::bytes(png())
                    .file_name("openapi-confetti.png")
                    .mime_str("image/png")
                    .expect("mime");
                req = req.multipart(reqwest::multipart::Form::new().part("file", part));
            }
            Some(ct) if ct == "application/zip" => {
                let bundle = created.bundle.clone().expect("the export ran first");
                req = c
                    .request(
                        m.clone(),
                        d.url(&format!("{path}?dry_run=true&on_conflict=rename")),
                    )
                    .bearer_auth(TOKEN)
                    .header(reqwest::header::CONTENT_TYPE, "application/zip")
                    .body(bundle);
            }
            Some(other) => panic!("{what}: no way to send {other}"),
            None => {}
        }
        let resp = req.send().await.expect("request");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let bytes = resp.bytes().await.expect("body");
        let text = String::from_utf8_lossy(&bytes).to_string();
        assert!(
            headers.contains_key("x-request-id"),
            "{what}: no x-request-id"
        );
        let documented = &o.op["responses"][status.to_string()];
        assert!(
            documented.is_object(),
            "{what} → {path} answered {status}, not documented: {text}\nsent: {sent}"
        );
        assert!(
            (200..400).contains(&status) || expected_failure(o.method, o.path, status),
            "{what} → {path}: the example failed with {status}: {text}\nsent: {sent}"
        );
        let ct = headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        match documented.get("content").and_then(Value::as_object) {
            Some(contents) => {
                let (doc_ct, media) = contents.iter().next().expect("a content type");
                let essence = |s: &str| s.split(';').next().unwrap_or("").trim().to_string();
                if doc_ct != "*/*" {
                    assert_eq!(essence(&ct), essence(doc_ct), "{what}: content type");
                }
                if let Some(schema) = media.get("schema").filter(|_| doc_ct == "application/json") {
                    let v: Value = serde_json::from_str(&text)
                        .unwrap_or_else(|e| panic!("{what}: not JSON ({e}): {text}"));
                    validate(&doc, schema, &v, &format!("{what} → {status} body"));
                    remember(o.method, o.path, &v, &mut created);
                }
                if o.path == "/api/export" {
                    created.bundle = Some(bytes.to_vec());
                }
            }
            None => assert!(
                bytes.is_empty(),
                "{what}: {status} documented without a body: {text}"
            ),
        }
        if status == 307 {
            assert_eq!(
                headers
                    .get(reqwest::header::LOCATION)
                    .and_then(|v| v.to_str().ok()),
                Some("/admin/#/api")
            );
        }
        if o.path == "/media/{filename}" {
            // The conditional and partial answers, as documented.
            let ranged = c
                .get(d.url(&path))
                .header("range", "bytes=0-9")
                .send()
                .await
                .expect("range");
            assert_eq!(ranged.status(), 206);
            assert!(o.op["responses"]["206"].is_object());
            let etag = ranged.headers()["etag"].to_str().expect("etag").to_string();
            let cached = c
                .get(d.url(&path))
                .header("if-none-match", etag)
                .send()
                .await
                .expect("304");
            assert_eq!(cached.status(), 304);
            assert!(o.op["responses"]["304"].is_object());
        }
        walked.push(what);
    }

    eprintln!("walked {} operations: {walked:?}", walked.len());
    assert_eq!(walked.len(), ops.len());
    assert!(created.dashboard.is_some() && created.widget.is_some());
    assert!(created.command.is_some() && created.binding.is_some());
    assert!(created.template.is_some());
}

/// Keeps the ids a create answered with.
fn remember(method: &str, path: &str, v: &Value, created: &mut Created) {
    if method != "post" {
        return;
    }
    let id = v["id"].as_u64();
    match path {
        "/api/dashboards" => created.dashboard = id,
        "/api/widgets" => created.widget = id,
        "/api/commands" => created.command = id,
        "/api/event-bindings" => created.binding = id,
        "/api/templates" => created.template = v["id"].as_str().map(str::to_string),
        "/api/media" => {
            created.media = id;
            created.media_file = v["filename"].as_str().map(str::to_string);
        }
        _ => {}
    }
}

/// The checker itself: drift between a body and its schema is caught, not waved through.
#[test]
fn the_checker_catches_drift() {
    let doc = json!({"components": {"schemas": {
        "Base": {"type": "object", "properties": {"id": {"type": "integer", "minimum": 0}}, "required": ["id"]},
        "Thing": {"allOf": [
            {"$ref": "#/components/schemas/Base"},
            {"type": "object", "properties": {"name": {"type": ["string", "null"]}}}
        ]},
        "Pick": {"oneOf": [{"type": "integer"}, {"type": "array", "items": {"type": "integer"}}]}
    }}});
    let thing = json!({"$ref": "#/components/schemas/Thing"});
    let errors = |schema: &Value, v: Value| {
        let mut e = Vec::new();
        check(&doc, schema, &v, "$", &mut e);
        e
    };
    assert!(errors(&thing, json!({"id": 1, "name": null})).is_empty());
    assert!(errors(&thing, json!({"id": 1, "name": "x"})).is_empty());
    assert!(!errors(&thing, json!({"id": 1, "extra": true})).is_empty());
    assert!(!errors(&thing, json!({"name": "x"})).is_empty());
    assert!(!errors(&thing, json!({"id": "1"})).is_empty());
    assert!(!errors(&thing, json!({"id": -1})).is_empty());
    let pick = json!({"$ref": "#/components/schemas/Pick"});
    assert!(errors(&pick, json!([1, 2])).is_empty());
    assert!(!errors(&pick, json!("x")).is_empty());
}
