//! Setup bundles over HTTP: `GET /api/export[?dashboards=1,2]` (a zip, streamed from a
//! temporary file), `POST /api/import[?dry_run=true][&on_conflict=rename|replace|skip]`
//! (the zip as the body, streamed to disk and checked whole before the engine writes it in
//! one transaction), and dashboard templates under `/api/templates`.

use super::AppState;
use super::error::{ApiError, ErrorBody};
use super::extract::JsonBody;
use crate::bundle::{self, Limits, OnConflict, read, templates};
use crate::engine::{ImportReport, Request, World, plan_import};
use crate::media::upload::{Incoming, UploadError};
use crate::model::{Actor, Id, now_ms};
use axum::Json;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

type ApiResult<T> = Result<T, ApiError>;

/// After the size limit is hit, this much more of the body is read and dropped so the client
/// gets the 413 rather than a reset connection.
const DRAIN_MAX: u64 = 256 * 1024 * 1024;

fn media_dir(app: &AppState) -> PathBuf {
    crate::media::dir(&app.settings.storage.data_dir)
}

fn blocking_failed(e: tokio::task::JoinError) -> ApiError {
    ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string())
}

// ---- export ----

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// Comma-separated dashboard ids; absent = everything.
    #[param(example = "1,2")]
    dashboards: Option<String>,
}

fn parse_ids(raw: &str) -> ApiResult<Vec<Id>> {
    raw.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<Id>().ok().filter(|id| *id > 0).ok_or_else(|| {
                ApiError::validation(
                    "dashboards",
                    format!("'{s}' is not a dashboard id; send ?dashboards=1,2"),
                )
            })
        })
        .collect()
}

/// `GET /api/export`: the bundle as `application/zip`, written to a temporary file first
/// (media are copied file by file) and streamed from there.
#[utoipa::path(get, path = "/api/export", tag = "bundles", operation_id = "export_bundle",
    summary = "Export a setup bundle",
    description = "A zip with the dashboards (all, or those of `dashboards`), their widgets and elements, the chat commands and event bindings for them, and the media they use. Import it with `POST /api/import` (here or on another machine).",
    params(ExportQuery),
    responses(
        (status = 200, description = "The bundle (`Content-Disposition: attachment`)", content_type = "application/zip", body = Vec<u8>),
        (status = 422, description = "`dashboards` is not a list of ids, or names one that does not exist", body = ErrorBody),
        (status = 507, description = "The bundle could not be written to a temporary file", body = ErrorBody),
    ))]
pub async fn export(
    State(app): State<AppState>,
    q: Result<Query<ExportQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Response> {
    let Query(q) = q.map_err(|e| ApiError::validation("query", e.body_text()))?;
    let ids = q.dashboards.as_deref().map(parse_ids).transpose()?;
    let r = app.store.read()?;
    let data_dir = app.settings.storage.data_dir.clone();
    let media = media_dir(&app);
    static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = data_dir.join(format!(".export-{}-{n}.zip.part", std::process::id()));
    let file =
        tokio::task::spawn_blocking(move || -> Result<std::fs::File, bundle::BundleError> {
            let result = (|| {
                let manifest = bundle::export::manifest(&r, ids.as_deref())?;
                let out = std::fs::File::create(&tmp)?;
                bundle::export::write_zip(manifest, &media, std::io::BufWriter::new(out))?;
                Ok(std::fs::File::open(&tmp)?)
            })();
            // Open (or failed): the name is not needed any more; the open file streams on.
            let _ = std::fs::remove_file(&tmp);
            result
        })
        .await
        .map_err(blocking_failed)??;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let stamp = now_ms() / 1000;
    let body = Body::from_stream(tokio_util::io::ReaderStream::with_capacity(
        tokio::fs::File::from_std(file),
        64 * 1024,
    ));
    let mut resp = (StatusCode::OK, body).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/zip"),
    );
    if let Ok(v) = HeaderValue::from_str(&len.to_string()) {
        h.insert(header::CONTENT_LENGTH, v);
    }
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"stagehand-setup-{stamp}.zip\""
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(resp)
}

// ---- import ----

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    /// `true`: check the bundle and report what would happen, write nothing.
    #[serde(default)]
    #[param(value_type = Option<bool>, example = true)]
    dry_run: Option<String>,
    /// What to do with items whose name is taken: `rename`, `replace` or `skip` (without
    /// it, a bundle with conflicts is refused with 409).
    #[serde(default)]
    #[param(example = "rename")]
    on_conflict: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ImportOutcome {
    pub dry_run: bool,
    /// Written (false for a dry run).
    pub imported: bool,
    pub report: ImportReport,
}

fn parse_choice(raw: Option<&str>) -> ApiResult<Option<OnConflict>> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => OnConflict::parse(s).map(Some).ok_or_else(|| {
            ApiError::validation(
                "on_conflict",
                format!("on_conflict must be rename, replace or skip, not '{s}'"),
            )
        }),
    }
}

fn parse_bool(raw: Option<&str>, field: &str) -> ApiResult<bool> {
    match raw.map(str::trim) {
        None | Some("") | Some("false") | Some("0") => Ok(false),
        Some("true") | Some("1") => Ok(true),
        Some(s) => Err(ApiError::validation(
            field,
            format!("{field} must be true or false, not '{s}'"),
        )),
    }
}

#[utoipa::path(post, path = "/api/import", tag = "bundles", operation_id = "import_bundle",
    summary = "Import a setup bundle",
    description = "The body is the zip of `GET /api/export`. The whole bundle is checked (sizes, names, version, hashes, widget classes and parameters, element properties, commands) before anything is written; then it is written in one transaction, or not at all.",
    params(ImportQuery),
    request_body(content = Vec<u8>, content_type = "application/zip", description = "The bundle"),
    responses(
        (status = 200, description = "Imported (or, for a dry run, what would be)", body = ImportOutcome, example = super::openapi::examples::import_outcome),
        (status = 409, description = "Items have the name of existing ones and `on_conflict` is not given", body = ErrorBody),
        (status = 413, description = "Larger than `storage.max_bundle_mb`", body = ErrorBody),
        (status = 422, description = "Not a valid bundle (`field` names what is wrong) or an unsupported version", body = ErrorBody),
        (status = 507, description = "The bundle or its media could not be stored", body = ErrorBody),
    ))]
/// `POST /api/import`: the body is the zip. The whole bundle is checked (sizes, names,
/// version, hashes, widget classes and parameters, element properties, commands) before
/// anything is written; then it is written in one transaction, or not at all.
pub async fn import(
    State(app): State<AppState>,
    q: Result<Query<ImportQuery>, axum::extract::rejection::QueryRejection>,
    body: Body,
) -> ApiResult<Json<ImportOutcome>> {
    let Query(q) = q.map_err(|e| ApiError::validation("query", e.body_text()))?;
    let dry_run = parse_bool(q.dry_run.as_deref(), "dry_run")?;
    let choice = parse_choice(q.on_conflict.as_deref())?;
    let limit = app.settings.storage.max_bundle_mb as u64 * 1024 * 1024;
    let mut incoming = Incoming::create(&media_dir(&app), limit)
        .await
        .map_err(upload_error)?;
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk
            .map_err(|e| ApiError::bad_request(format!("could not read the request body: {e}")))?;
        match incoming.push(&chunk).await {
            Ok(()) => {}
            Err(UploadError::TooLarge { .. }) => {
                drop(incoming);
                let mut drained = chunk.len() as u64;
                while let Some(Ok(c)) = stream.next().await {
                    drained += c.len() as u64;
                    if drained > DRAIN_MAX {
                        break;
                    }
                }
                return Err(ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "too_large",
                    format!(
                        "the bundle is larger than {} MiB (storage.max_bundle_mb)",
                        app.settings.storage.max_bundle_mb
                    ),
                )
                .field("bundle"));
            }
            Err(e) => return Err(upload_error(e)),
        }
    }
    let received = incoming.finish().await.map_err(upload_error)?;
    let temp = received.temp.clone();
    let result = import_file(&app, temp.clone(), dry_run, choice, None).await;
    let _ = tokio::fs::remove_file(&temp).await;
    result.map(Json)
}

fn upload_error(e: UploadError) -> ApiError {
    match e {
        UploadError::TooLarge { limit_mb } => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("the bundle is larger than {limit_mb} MiB (storage.max_bundle_mb)"),
        )
        .field("bundle"),
        UploadError::Io(e) => {
            tracing::error!(error = %e, "could not store an uploaded bundle");
            ApiError::new(
                StatusCode::INSUFFICIENT_STORAGE,
                "storage_error",
                format!("could not store the bundle: {e}"),
            )
        }
    }
}

/// Checks and (unless `dry_run`) imports the bundle at `path`. `dashboard_name` renames the
/// bundle's first dashboard (a template used under a new name).
pub async fn import_file(
    app: &AppState,
    path: PathBuf,
    dry_run: bool,
    choice: Option<OnConflict>,
    dashboard_name: Option<String>,
) -> ApiResult<ImportOutcome> {
    let limits = Limits::of(&app.settings);
    let dir = media_dir(app);
    let staging = dir.clone();
    let mut opened = tokio::task::spawn_blocking(move || read::open(&path, &limits, &staging))
        .await
        .map_err(blocking_failed)??;
    for w in &mut opened.manifest.widgets {
        for e in &mut w.elements {
            e.properties
                .values_mut()
                .chain(e.behavior.values_mut())
                .for_each(super::api::strip_control_chars);
        }
    }
    if let Some(name) = dashboard_name
        && let Some(d) = opened.manifest.dashboards.first_mut()
    {
        d.name = name;
    }
    let world = World::from_loaded(app.store.load()?);
    let (_, report) = plan_import(&world, &opened.manifest, choice, now_ms())?;
    if dry_run {
        return Ok(ImportOutcome {
            dry_run,
            imported: false,
            report,
        });
    }
    if choice.is_none() && report.conflicts > 0 {
        return Err(crate::engine::EngineError::Conflict(format!(
            "{} item(s) of the bundle have the name of an existing one; import with \
             on_conflict=rename, replace or skip (a dry run lists them)",
            report.conflicts
        ))
        .into());
    }
    let place_dir = dir.clone();
    let (opened, placed) = tokio::task::spawn_blocking(move || {
        let placed = opened.place(&place_dir);
        (opened, placed)
    })
    .await
    .map_err(blocking_failed)?;
    let placed = placed.map_err(|e| {
        ApiError::new(
            StatusCode::INSUFFICIENT_STORAGE,
            "storage_error",
            format!("could not store the bundle's media: {e}"),
        )
    })?;
    let req = Request::Import {
        bundle: Box::new(opened.manifest.clone()),
        on_conflict: choice,
    };
    match app.engine.call(Actor::Admin, req).await {
        Ok(_) => Ok(ImportOutcome {
            dry_run,
            imported: true,
            report,
        }),
        Err(e) => {
            // Files this import brought in go again, unless a record uses them by now.
            let used: Vec<String> = app
                .store
                .read()
                .and_then(|r| r.all_media())
                .map(|all| {
                    all.into_iter()
                        .flat_map(|m| std::iter::once(m.filename).chain(m.thumbnail))
                        .collect()
                })
                .unwrap_or_default();
            for p in placed.created {
                let name = p.file_name().map(|n| n.to_string_lossy().to_string());
                if name.is_some_and(|n| !used.contains(&n)) {
                    let _ = tokio::fs::remove_file(&p).await;
                }
            }
            Err(e.into())
        }
    }
}

// ---- templates ----

#[utoipa::path(get, path = "/api/templates", tag = "bundles",
    summary = "List dashboard templates",
    responses((status = 200, body = Vec<templates::TemplateInfo>, example = super::openapi::examples::templates)))]
pub async fn list_templates(
    State(app): State<AppState>,
) -> ApiResult<Json<Vec<templates::TemplateInfo>>> {
    let dir = app.settings.storage.data_dir.clone();
    let list = tokio::task::spawn_blocking(move || templates::list(&dir))
        .await
        .map_err(blocking_failed)?;
    Ok(Json(list))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"dashboard_id": 1, "name": "Birthday stream", "description": "Confetti, a goal bar and the !party command"}))]
pub struct NewTemplate {
    #[schema(value_type = u64)]
    dashboard_id: Id,
    name: String,
    /// What the template is for (shown in the picker); up to 300 characters.
    #[serde(default)]
    description: Option<String>,
}

/// `POST /api/templates {dashboard_id, name, description?}`: "Save dashboard as template".
#[utoipa::path(post, path = "/api/templates", tag = "bundles",
    summary = "Save a dashboard as a template",
    description = "A bundle of the dashboard (widgets, elements, commands, media) kept in the data dir's templates folder.",
    request_body = NewTemplate,
    responses(
        (status = 201, description = "Saved", body = templates::TemplateInfo),
        (status = 422, description = "No such dashboard (`dashboard_id`), a bad `name` or a `description` over 300 characters", body = ErrorBody),
        (status = 507, description = "The template could not be written", body = ErrorBody),
    ))]
pub async fn save_template(
    State(app): State<AppState>,
    JsonBody(b): JsonBody<NewTemplate>,
) -> ApiResult<Response> {
    let r = app.store.read()?;
    let data_dir = app.settings.storage.data_dir.clone();
    let media = media_dir(&app);
    let info = tokio::task::spawn_blocking(move || {
        let description = b.description.unwrap_or_default();
        templates::save(&r, &data_dir, &media, b.dashboard_id, &b.name, &description)
    })
    .await
    .map_err(blocking_failed)??;
    Ok((StatusCode::CREATED, Json(info)).into_response())
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Birthday stream (Saturday)"}))]
pub struct UseTemplate {
    /// Name of the new dashboard (default: the template's dashboard name, made unique).
    #[serde(default)]
    name: Option<String>,
}

/// `POST /api/templates/{id}/use`: "New dashboard from template". Names already taken get a
/// free variant ("Main (2)"), so using a template twice gives two dashboards.
#[utoipa::path(post, path = "/api/templates/{id}/use", tag = "bundles",
    summary = "New dashboard from a template",
    description = "Imports the template; names already taken get a free variant (\"Main (2)\").",
    params(("id" = String, Path, description = "Template id", example = "birthday-stream-1733338800")),
    request_body = UseTemplate,
    responses(
        (status = 201, description = "Created", body = ImportOutcome),
        (status = 404, description = "No such template", body = ErrorBody),
        (status = 422, description = "The template is not a valid bundle any more", body = ErrorBody),
    ))]
pub async fn use_template(
    State(app): State<AppState>,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<UseTemplate>,
) -> ApiResult<Response> {
    let path = template_path(&app, &id)?;
    let name = b
        .name
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty());
    let outcome = import_file(&app, path, false, Some(OnConflict::Rename), name).await?;
    Ok((StatusCode::CREATED, Json(outcome)).into_response())
}

fn template_path(app: &AppState, id: &str) -> ApiResult<PathBuf> {
    let not_found = || ApiError::not_found(format!("template '{id}' not found"));
    let path = templates::path(&app.settings.storage.data_dir, id).ok_or_else(not_found)?;
    if !path.is_file() {
        return Err(not_found());
    }
    Ok(path)
}

#[utoipa::path(delete, path = "/api/templates/{id}", tag = "bundles",
    summary = "Delete a template",
    params(("id" = String, Path, description = "Template id", example = "birthday-stream-1733338800")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such template", body = ErrorBody),
        (status = 507, description = "The file could not be removed", body = ErrorBody),
    ))]
pub async fn delete_template(
    State(app): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let path = template_path(&app, &id)?;
    tokio::fs::remove_file(&path).await.map_err(|e| {
        ApiError::new(
            StatusCode::INSUFFICIENT_STORAGE,
            "storage_error",
            format!("could not delete the template: {e}"),
        )
    })?;
    Ok(StatusCode::NO_CONTENT)
}
