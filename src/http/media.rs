//! The media library over HTTP: uploads streamed to disk (`POST /api/media`), the library
//! (`GET/PATCH/DELETE /api/media…`) and the files themselves (`GET /media/{filename}`, with
//! byte ranges, ETag and caching). Records are written by the engine; files only by this
//! module and `media::defaults`.

use super::AppState;
use super::error::{ApiError, ErrorBody};
use super::extract::{IdPath, JsonBody};
use super::openapi::examples as ex;
use crate::engine::{MediaPatch, Request};
use crate::media::range::{self, Ranges};
use crate::media::upload::{Incoming, UploadError};
use crate::media::{self, MediaKind, inspect, sniff};
use crate::model::{Actor, Id, Media, now_ms};
use axum::Json;
use axum::body::Body;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use tokio::io::{AsyncReadExt, AsyncSeekExt};

type ApiResult<T> = Result<T, ApiError>;

/// Files accepted in one upload request.
const MAX_FILES: usize = 20;
/// After the limit is hit, the rest of the body is read and discarded up to this many bytes
/// so the client reliably receives the 413 instead of a reset connection.
const DRAIN_MAX: u64 = 256 * 1024 * 1024;

fn media_dir(app: &AppState) -> PathBuf {
    media::dir(&app.settings.storage.data_dir)
}

/// A media record as the API shows it.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(example = ex::media)]
pub struct MediaView {
    #[serde(flatten)]
    pub media: Media,
    /// `image`, `video` or `audio`.
    pub kind: &'static str,
    /// Where the overlay loads it (`GET /media/{filename}`).
    pub url: String,
    /// The library thumbnail (PNG, at most 256 px), for images.
    pub thumbnail_url: Option<String>,
    /// Elements using it (the library warns before deleting those).
    pub used_by: Vec<Usage>,
}

/// An element using a media file in one of its roles.
#[derive(Serialize, Clone, utoipa::ToSchema)]
#[schema(as = MediaUsage)]
pub struct Usage {
    #[schema(value_type = u64)]
    pub widget_id: Id,
    pub widget_name: String,
    pub element: String,
    pub role: String,
}

fn kind(m: &Media) -> &'static str {
    MediaKind::parse(&m.kind)
        .or_else(|| MediaKind::of_mime(&m.mime_type))
        .map(MediaKind::as_str)
        .unwrap_or("image")
}

/// Every (media id → usages) from committed state.
fn usages(
    r: &crate::store::StoreReader,
) -> Result<std::collections::HashMap<Id, Vec<Usage>>, ApiError> {
    let mut out: std::collections::HashMap<Id, Vec<Usage>> = Default::default();
    for w in r.widgets()? {
        for e in r.elements_of(w.id)? {
            let mut seen = Vec::new();
            let pooled = e
                .media_pools
                .iter()
                .flat_map(|(role, p)| p.ids.iter().map(move |id| (role, *id)));
            for (role, id) in e.media.iter().map(|(r, id)| (r, *id)).chain(pooled) {
                if seen.contains(&(role.clone(), id)) {
                    continue;
                }
                seen.push((role.clone(), id));
                out.entry(id).or_default().push(Usage {
                    widget_id: w.id,
                    widget_name: w.name.clone(),
                    element: e.name.clone(),
                    role: role.clone(),
                });
            }
        }
    }
    Ok(out)
}

fn view(m: Media, used_by: Vec<Usage>) -> MediaView {
    MediaView {
        kind: kind(&m),
        url: m.url(),
        thumbnail_url: m.thumbnail.as_ref().map(|t| format!("/media/{t}")),
        used_by,
        media: m,
    }
}

fn one(app: &AppState, id: Id) -> ApiResult<MediaView> {
    let r = app.store.read()?;
    let m = r
        .media(id)?
        .ok_or_else(|| ApiError::not_found(format!("media {id} not found")))?;
    let used = usages(&r)?.remove(&id).unwrap_or_default();
    Ok(view(m, used))
}

// ---- upload ----

fn too_large(limit_mb: u64) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        format!("the file is larger than the {limit_mb} MB upload limit (storage.max_upload_mb)"),
    )
    .field("file")
}

fn unsupported(message: impl Into<String>) -> ApiError {
    ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media",
        message,
    )
    .field("file")
}

fn multipart_error(e: axum::extract::multipart::MultipartError) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", e.body_text());
    }
    ApiError::bad_request(format!("could not read the upload: {}", e.body_text()))
}

/// The multipart form of an upload.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// One or more (up to 20) files: PNG, JPEG, GIF, WebP, SVG, MP4, WebM, MOV, MP3, WAV, OGG.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// One file uploaded → its record; several → the list.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum Uploaded {
    One(Box<MediaView>),
    Many(Vec<MediaView>),
}

#[utoipa::path(post, path = "/api/media", tag = "media", operation_id = "upload_media",
    summary = "Upload media",
    description = "Multipart, one or more fields named `file`, checked by extension and content (a disguised file is refused naming what it is), streamed to the media folder with its sha256; `storage.max_upload_mb` per file (nothing is kept of a file over it). The same content again answers the existing record.",
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Stored (new content)", body = Uploaded),
        (status = 200, description = "Already in the library: the existing record", body = Uploaded),
        (status = 413, description = "A file is larger than `storage.max_upload_mb`", body = ErrorBody),
        (status = 400, description = "The upload could not be read", body = ErrorBody),
        (status = 415, description = "Not multipart/form-data, not an accepted type, or the content is not what the name says", body = ErrorBody),
        (status = 422, description = "No field named `file`, or more than 20 files", body = ErrorBody),
        (status = 507, description = "The file could not be stored", body = ErrorBody),
    ))]
/// `POST /api/media`: multipart, one or more fields named `file`. One file answers with its
/// record (201 new, 200 when the same content is already in the library); several with a
/// list. Each file is streamed to disk, hashed on the way and cut off at the size limit.
pub async fn upload(
    State(app): State<AppState>,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<Response> {
    let mut form = form.map_err(|e| {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            format!("send the files as multipart/form-data: {}", e.body_text()),
        )
    })?;
    let limit = app.settings.storage.max_upload_mb as u64 * 1024 * 1024;
    let dir = media_dir(&app);
    let mut results: Vec<(bool, MediaView)> = Vec::new();
    while let Some(mut field) = form.next_field().await.map_err(multipart_error)? {
        if field.name() != Some("file") {
            // Drain unknown fields so the stream moves on.
            while field.chunk().await.map_err(multipart_error)?.is_some() {}
            continue;
        }
        if results.len() >= MAX_FILES {
            return Err(ApiError::validation(
                "file",
                format!("at most {MAX_FILES} files per upload"),
            ));
        }
        let original = media::clean_original_name(field.file_name().unwrap_or(""));
        let Some(claimed) = media::type_for_name(&original) else {
            return Err(unsupported(format!(
                "'{original}' is not an accepted file type; accepted: {}",
                media::allowed_list()
            )));
        };
        let mut incoming = Incoming::create(&dir, limit).await.map_err(io_error)?;
        loop {
            let chunk = match field.chunk().await {
                Ok(Some(c)) => c,
                Ok(None) => break,
                Err(e) => return Err(multipart_error(e)),
            };
            match incoming.push(&chunk).await {
                Ok(()) => {}
                Err(UploadError::TooLarge { limit_mb }) => {
                    drop(incoming); // removes the partial file now
                    let mut drained = 0u64;
                    while let Ok(Some(c)) = field.chunk().await {
                        drained += c.len() as u64;
                        if drained > DRAIN_MAX {
                            break;
                        }
                    }
                    return Err(too_large(limit_mb));
                }
                Err(e) => return Err(io_error(e)),
            }
        }
        let received = incoming.finish().await.map_err(io_error)?;
        let outcome = store_file(&app, &dir, &original, claimed, received).await?;
        results.push(outcome);
    }
    let Some(first_new) = results.first().map(|(n, _)| *n) else {
        return Err(ApiError::validation(
            "file",
            "send the file in a multipart field named 'file'",
        ));
    };
    let any_new = results.iter().any(|(n, _)| *n);
    if results.len() == 1 {
        let (_, v) = results.remove(0);
        let status = if first_new {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        };
        return Ok((status, Json(Uploaded::One(Box::new(v)))).into_response());
    }
    let status = if any_new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let list: Vec<MediaView> = results.into_iter().map(|(_, v)| v).collect();
    Ok((status, Json(Uploaded::Many(list))).into_response())
}

fn io_error(e: UploadError) -> ApiError {
    match e {
        UploadError::TooLarge { limit_mb } => too_large(limit_mb),
        UploadError::Io(e) => {
            tracing::error!(error = %e, "media upload failed");
            ApiError::new(
                StatusCode::INSUFFICIENT_STORAGE,
                "storage_error",
                format!("could not store the upload: {e}"),
            )
        }
    }
}

/// Sniffs, de-duplicates, inspects (off the async threads) and records one received file.
async fn store_file(
    app: &AppState,
    dir: &std::path::Path,
    original: &str,
    claimed: &'static media::FileType,
    received: media::upload::Received,
) -> ApiResult<(bool, MediaView)> {
    let temp = received.temp.clone();
    let remove_temp = || {
        let _ = std::fs::remove_file(&temp);
    };
    let ft = match sniff::check(original, claimed, &received.head) {
        Ok(ft) => ft,
        Err(m) => {
            remove_temp();
            return Err(unsupported(m.to_string()));
        }
    };
    let existing = app
        .store
        .read()?
        .all_media()?
        .into_iter()
        .find(|m| m.sha256 == received.sha256);
    if let Some(m) = existing {
        remove_temp();
        return Ok((false, one(app, m.id)?));
    }
    let filename = media::stored_name(&received.sha256, ft);
    let final_path = dir.join(&filename);
    let thumb_name = media::thumbnail_name(&received.sha256);
    let thumb_path = dir.join(&thumb_name);
    let temp_path = received.temp.clone();
    let (info, thumb_ok) = tokio::task::spawn_blocking({
        let final_path = final_path.clone();
        let thumb_path = thumb_path.clone();
        move || -> std::io::Result<(inspect::Inspection, bool)> {
            std::fs::rename(&temp_path, &final_path)?;
            let info = inspect::inspect(&final_path, ft);
            let thumb = ft.kind == MediaKind::Image
                && ft.ext != "svg"
                && inspect::thumbnail(&final_path, &thumb_path);
            Ok((info, thumb))
        }
    })
    .await
    .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))?
    .map_err(|e| {
        remove_temp();
        io_error(UploadError::Io(e))
    })?;
    let m = Media {
        id: 0,
        filename: filename.clone(),
        original_name: original.to_string(),
        mime_type: ft.mime.to_string(),
        size: received.size,
        sha256: received.sha256.clone(),
        width: info.width,
        height: info.height,
        duration: info.duration,
        kind: ft.kind.as_str().to_string(),
        display_name: media::display_name_for(original),
        tags: Vec::new(),
        animated: info.animated,
        // An SVG is its own thumbnail (served with script disabled).
        thumbnail: if thumb_ok {
            Some(thumb_name)
        } else if ft.ext == "svg" {
            Some(filename.clone())
        } else {
            None
        },
        created_ms: now_ms(),
        default_asset: None,
    };
    let created_ms = m.created_ms;
    match app
        .engine
        .call(Actor::Admin, Request::CreateMedia { media: Box::new(m) })
        .await
    {
        Ok(id) => {
            let v = one(app, id)?;
            // An identical upload committed meanwhile answers with its own record (same
            // content, so the same file name: nothing to clean up).
            let ours = v.media.created_ms == created_ms && v.media.original_name == original;
            Ok((ours, v))
        }
        Err(e) => {
            let _ = tokio::fs::remove_file(&final_path).await;
            let _ = tokio::fs::remove_file(&thumb_path).await;
            Err(e.into())
        }
    }
}

// ---- library ----

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// `image`, `video` or `audio`.
    #[param(example = "image")]
    kind: Option<String>,
    /// Search in names and tags.
    #[param(example = "confetti")]
    q: Option<String>,
    /// Page size, 1 to 500 (default 100).
    #[param(example = 50)]
    limit: Option<usize>,
    /// Records to skip.
    offset: Option<usize>,
}

/// `GET /api/media?kind=image|video|audio&q=…&limit=&offset=`: newest first; the total
/// before paging is in `X-Total-Count`.
#[utoipa::path(get, path = "/api/media", tag = "media", operation_id = "list_media",
    summary = "The media library",
    description = "Newest first; the total before paging is in `X-Total-Count`.",
    params(ListQuery),
    responses(
        (status = 200, body = Vec<MediaView>, headers(("x-total-count" = u64, description = "Records matching, before paging"))),
        (status = 422, description = "A bad `kind` or `limit`", body = ErrorBody),
    ))]
pub async fn list(
    State(app): State<AppState>,
    q: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Response> {
    let Query(q) = q.map_err(|e| ApiError::validation("query", e.body_text()))?;
    let kind_filter = match q.kind.as_deref() {
        None | Some("") => None,
        Some(k) => Some(MediaKind::parse(k).ok_or_else(|| {
            ApiError::validation(
                "kind",
                format!("kind must be image, video or audio, not '{k}'"),
            )
        })?),
    };
    let limit = q.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::validation("limit", "limit must be 1 to 500"));
    }
    let needle =
        q.q.as_deref()
            .map(|s| s.trim().to_lowercase())
            .filter(|s| !s.is_empty());
    let r = app.store.read()?;
    let mut used = usages(&r)?;
    let mut all: Vec<Media> = r
        .all_media()?
        .into_iter()
        .filter(|m| kind_filter.is_none_or(|k| kind(m) == k.as_str()))
        .filter(|m| {
            needle.as_ref().is_none_or(|n| {
                m.display_name.to_lowercase().contains(n)
                    || m.original_name.to_lowercase().contains(n)
                    || m.tags.iter().any(|t| t.contains(n.as_str()))
            })
        })
        .collect();
    all.sort_by(|a, b| b.created_ms.cmp(&a.created_ms).then(b.id.cmp(&a.id)));
    let total = all.len();
    let page: Vec<MediaView> = all
        .into_iter()
        .skip(q.offset.unwrap_or(0))
        .take(limit)
        .map(|m| {
            let u = used.remove(&m.id).unwrap_or_default();
            view(m, u)
        })
        .collect();
    let mut resp = Json(page).into_response();
    if let Ok(v) = HeaderValue::from_str(&total.to_string()) {
        resp.headers_mut().insert("x-total-count", v);
    }
    Ok(resp)
}

#[utoipa::path(get, path = "/api/media/{id}", tag = "media", operation_id = "get_media",
    summary = "One media record",
    params(("id" = u64, Path, description = "Media id", example = 1)),
    responses(
        (status = 200, body = MediaView),
        (status = 404, description = "No such media", body = ErrorBody),
    ))]
pub async fn get_one(
    State(app): State<AppState>,
    IdPath(id): IdPath,
) -> ApiResult<Json<MediaView>> {
    Ok(Json(one(&app, id)?))
}

#[utoipa::path(patch, path = "/api/media/{id}", tag = "media", operation_id = "update_media",
    summary = "Rename or tag media",
    params(("id" = u64, Path, description = "Media id", example = 1)),
    request_body = MediaPatch,
    responses(
        (status = 200, body = MediaView),
        (status = 404, description = "No such media", body = ErrorBody),
    ))]
pub async fn update(
    State(app): State<AppState>,
    IdPath(id): IdPath,
    JsonBody(patch): JsonBody<MediaPatch>,
) -> ApiResult<Json<MediaView>> {
    app.engine
        .call(Actor::Admin, Request::UpdateMedia { id, patch })
        .await?;
    Ok(Json(one(&app, id)?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DeleteQuery {
    /// Delete even when elements use it: their roles are cleared (overlays hear it).
    force: Option<bool>,
}

/// `DELETE /api/media/{id}[?force=true]`: 409 naming the elements that use it; with force
/// those roles are cleared (and broadcast) in the same commit. The file goes after the commit.
#[utoipa::path(delete, path = "/api/media/{id}", tag = "media", operation_id = "delete_media",
    summary = "Delete media",
    description = "Refused (409, naming the elements) while elements use it, unless `force=true`: then those roles are cleared in the same commit. The file goes after the commit.",
    params(("id" = u64, Path, description = "Media id", example = 1), DeleteQuery),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such media", body = ErrorBody),
        (status = 409, description = "Elements use it (the message names them)", body = ErrorBody),
        (status = 422, description = "`force` is not true or false", body = ErrorBody),
    ))]
pub async fn delete(
    State(app): State<AppState>,
    IdPath(id): IdPath,
    q: Result<Query<DeleteQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<StatusCode> {
    let Query(q) = q.map_err(|e| ApiError::validation("force", e.body_text()))?;
    let m = app
        .store
        .read()?
        .media(id)?
        .ok_or_else(|| ApiError::not_found(format!("media {id} not found")))?;
    app.engine
        .call(
            Actor::Admin,
            Request::DeleteMedia {
                id,
                force: q.force.unwrap_or(false),
            },
        )
        .await?;
    let dir = media_dir(&app);
    for name in std::iter::once(&m.filename).chain(m.thumbnail.iter()) {
        if media::plain_name(name).is_some() {
            let _ = tokio::fs::remove_file(dir.join(name)).await;
        }
    }
    Ok(StatusCode::NO_CONTENT)
}

// ---- files ----

/// `GET /media/{filename}`: only names in the media table (files or their thumbnails) are
/// served, never a path; symlinks are refused.
#[utoipa::path(get, path = "/media/{filename}", tag = "media", operation_id = "media_file",
    summary = "A media file",
    description = "The file (no token needed: the overlay loads it). Single and multiple byte ranges, `ETag` = sha256 (304 on `If-None-Match`), immutable caching; SVG with `Content-Security-Policy: script-src 'none'`. Only names in the media table, never a path or a symlink.",
    security(()),
    params(
        ("filename" = String, Path, description = "The record's `filename` or `thumbnail`", example = "3f6c0e1b9a2d4c7e8f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f70.png"),
        ("Range" = Option<String>, Header, description = "Byte ranges, e.g. `bytes=0-1023`"),
        ("If-None-Match" = Option<String>, Header, description = "An ETag seen before"),
        ("If-Range" = Option<String>, Header, description = "Ranges only if the ETag still matches"),
    ),
    responses(
        (status = 200, description = "The whole file, with its MIME type", content_type = "*/*", body = Vec<u8>,
         headers(("etag" = String, description = "The sha256 in quotes"), ("accept-ranges" = String, description = "`bytes`"))),
        (status = 206, description = "The requested range(s) (`multipart/byteranges` for several)", content_type = "*/*", body = Vec<u8>,
         headers(("content-range" = String, description = "e.g. `bytes 0-1023/52340`"))),
        (status = 304, description = "Not modified (the ETag matches)"),
        (status = 400, description = "Not a media file name", body = ErrorBody),
        (status = 404, description = "No such media file", body = ErrorBody),
        (status = 416, description = "Range not satisfiable (`Content-Range: bytes */size`)"),
    ))]
pub async fn serve(
    State(app): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let Some(name) = media::plain_name(&name) else {
        return Err(ApiError::bad_request("not a media file name").field("filename"));
    };
    let records = app.store.read()?.all_media()?;
    let (mime, etag) = if let Some(m) = records.iter().find(|m| m.filename == name) {
        (m.mime_type.clone(), format!("\"{}\"", m.sha256))
    } else if let Some(m) = records
        .iter()
        .find(|m| m.thumbnail.as_deref() == Some(name))
    {
        ("image/png".to_string(), format!("\"{}-thumb\"", m.sha256))
    } else {
        return Err(ApiError::not_found(format!("no media file '{name}'")));
    };
    let path = media_dir(&app).join(name);
    let missing = || ApiError::not_found(format!("media file '{name}' is missing on disk"));
    let meta = tokio::fs::symlink_metadata(&path)
        .await
        .map_err(|_| missing())?;
    if !meta.file_type().is_file() {
        return Err(missing());
    }
    let mut file = tokio::fs::File::open(&path).await.map_err(|_| missing())?;
    let opened = file.metadata().await.map_err(|_| missing())?;
    {
        use std::os::unix::fs::MetadataExt;
        // Swapped for a link between the check and the open: refuse.
        if opened.ino() != meta.ino() || opened.dev() != meta.dev() {
            return Err(missing());
        }
    }
    let size = opened.len();
    let mut base = HeaderMap::new();
    let hv = |s: &str| HeaderValue::from_str(s).unwrap_or(HeaderValue::from_static(""));
    base.insert(header::ETAG, hv(&etag));
    // Names derive from the content hash: a name always means the same bytes.
    base.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    base.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    base.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if mime == "image/svg+xml" {
        base.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("script-src 'none'; object-src 'none'; sandbox"),
        );
    }
    let header_str = |h: header::HeaderName| headers.get(h).and_then(|v| v.to_str().ok());
    if range::none_match(header_str(header::IF_NONE_MATCH), &etag) {
        return Ok((StatusCode::NOT_MODIFIED, base).into_response());
    }
    let ranges = match header_str(header::IF_RANGE) {
        // A stale If-Range means "send it all".
        Some(v) if v.trim() != etag => Ranges::Full,
        _ => range::parse(header_str(header::RANGE), size),
    };
    match ranges {
        Ranges::Full => {
            base.insert(header::CONTENT_TYPE, hv(&mime));
            base.insert(header::CONTENT_LENGTH, hv(&size.to_string()));
            let body =
                Body::from_stream(tokio_util::io::ReaderStream::with_capacity(file, 64 * 1024));
            Ok((StatusCode::OK, base, body).into_response())
        }
        Ranges::Unsatisfiable => {
            base.insert(header::CONTENT_RANGE, hv(&format!("bytes */{size}")));
            Ok((StatusCode::RANGE_NOT_SATISFIABLE, base).into_response())
        }
        Ranges::Parts(parts) if parts.len() == 1 => {
            let (start, end) = parts[0];
            file.seek(std::io::SeekFrom::Start(start))
                .await
                .map_err(|_| missing())?;
            let len = end - start + 1;
            base.insert(header::CONTENT_TYPE, hv(&mime));
            base.insert(header::CONTENT_LENGTH, hv(&len.to_string()));
            base.insert(
                header::CONTENT_RANGE,
                hv(&format!("bytes {start}-{end}/{size}")),
            );
            let body = Body::from_stream(tokio_util::io::ReaderStream::with_capacity(
                file.take(len),
                64 * 1024,
            ));
            Ok((StatusCode::PARTIAL_CONTENT, base, body).into_response())
        }
        Ranges::Parts(parts) => {
            let boundary = format!(
                "stagehand-{}",
                &etag.trim_matches('"')[..16.min(etag.len() - 2)]
            );
            let mut reader: Box<dyn tokio::io::AsyncRead + Send + Unpin> =
                Box::new(tokio::io::empty());
            let mut total = 0u64;
            for (start, end) in parts {
                let head = format!(
                    "\r\n--{boundary}\r\nContent-Type: {mime}\r\nContent-Range: bytes {start}-{end}/{size}\r\n\r\n"
                );
                let mut f = tokio::fs::File::open(&path).await.map_err(|_| missing())?;
                f.seek(std::io::SeekFrom::Start(start))
                    .await
                    .map_err(|_| missing())?;
                let len = end - start + 1;
                total += head.len() as u64 + len;
                reader = Box::new(
                    reader
                        .chain(std::io::Cursor::new(head.into_bytes()))
                        .chain(f.take(len)),
                );
            }
            let tail = format!("\r\n--{boundary}--\r\n");
            total += tail.len() as u64;
            let reader = reader.chain(std::io::Cursor::new(tail.into_bytes()));
            base.insert(
                header::CONTENT_TYPE,
                hv(&format!("multipart/byteranges; boundary={boundary}")),
            );
            base.insert(header::CONTENT_LENGTH, hv(&total.to_string()));
            let body = Body::from_stream(tokio_util::io::ReaderStream::with_capacity(
                reader,
                64 * 1024,
            ));
            Ok((StatusCode::PARTIAL_CONTENT, base, body).into_response())
        }
    }
}
