//! `stagehand export` and `stagehand import`: the same bundle code over the data directory
//! of a stopped stagehand (redb allows one process per file; a running daemon is reported,
//! with the admin UI and the HTTP API as the way to do it live). Imports still go through an
//! engine started here, so they are planned and committed exactly as over HTTP.

use super::{Limits, OnConflict, read};
use crate::config::Settings;
use crate::engine::{ChatTable, Engine, EngineConfig, ImportReport, Request, SceneIntent, World};
use crate::hub::Hub;
use crate::model::{Actor, Id, now_ms};
use crate::store::Store;
use std::path::Path;
use std::sync::Arc;

fn open_store(settings: &Settings) -> Result<Store, String> {
    let dir = &settings.storage.data_dir;
    crate::store::backup::check(dir).map_err(|e| e.to_string())?;
    Store::open(dir).map_err(|e| {
        format!(
            "cannot open {} ({e}); if stagehand is running, stop it first or use the admin UI \
             (GET /api/export, POST /api/import)",
            dir.display()
        )
    })
}

/// Writes a bundle of everything (or of `dashboards`) to `out`; returns what it holds.
pub fn export(
    settings: &Settings,
    dashboards: Option<&[Id]>,
    out: &Path,
) -> Result<super::Manifest, String> {
    let store = open_store(settings)?;
    let r = store.read().map_err(|e| e.to_string())?;
    let media = crate::media::dir(&settings.storage.data_dir);
    super::export::to_file(&r, dashboards, &media, out).map_err(|e| e.to_string())
}

/// Checks `file` whole and (unless `dry_run`) imports it in one transaction.
pub async fn import(
    settings: &Settings,
    file: &Path,
    dry_run: bool,
    choice: Option<OnConflict>,
) -> Result<(ImportReport, bool), String> {
    let store = Arc::new(open_store(settings)?);
    let media_dir = crate::media::dir(&settings.storage.data_dir);
    let mut opened =
        read::open(file, &Limits::of(settings), &media_dir).map_err(|e| error_text(&e.into()))?;
    let world = World::from_loaded(store.load().map_err(|e| e.to_string())?);
    let (_, report) = crate::engine::plan_import(&world, &opened.manifest, choice, now_ms())
        .map_err(|e| error_text(&e.into()))?;
    if dry_run {
        return Ok((report, false));
    }
    if choice.is_none() && report.conflicts > 0 {
        return Err(format!(
            "{} item(s) of the bundle have the name of an existing one; run again with \
             --on-conflict rename, replace or skip (--dry-run lists them)",
            report.conflicts
        ));
    }
    let placed = opened
        .place(&media_dir)
        .map_err(|e| format!("could not store the bundle's media: {e}"))?;
    let hub = Arc::new(Hub::new(world.overlay_view(), world.active, 16));
    let (scene, _scene_rx) = tokio::sync::watch::channel(SceneIntent::default());
    let (chat, _chat_rx) = tokio::sync::watch::channel(Arc::new(ChatTable::default()));
    let config = EngineConfig {
        audit_keep: settings.storage.audit_keep,
        max_group: 1,
        backups_keep: settings.storage.backups_keep,
        max_pending: settings.storage.max_pending_writes,
        alert_max_wait_ms: settings.alerts.max_wait_ms(),
        event_retention_days: settings.events.retention_days,
    };
    let (engine, thread) = Engine::start(store, world, hub, scene, chat, config)
        .map_err(|e| format!("cannot start the engine: {e}"))?;
    let result = engine
        .call(
            Actor::Admin,
            Request::Import {
                bundle: Box::new(opened.manifest.clone()),
                on_conflict: choice,
            },
        )
        .await;
    tokio::task::spawn_blocking(move || thread.shutdown())
        .await
        .map_err(|e| e.to_string())?;
    match result {
        Ok(_) => Ok((report, true)),
        Err(e) => {
            for p in placed.created {
                let _ = std::fs::remove_file(p);
            }
            Err(error_text(&e.into()))
        }
    }
}

/// An API error as one line for the terminal: `field: message`.
fn error_text(e: &crate::http::error::ApiError) -> String {
    match &e.field {
        Some(f) if !e.message.starts_with(f.as_str()) => format!("{f}: {}", e.message),
        _ => e.message.clone(),
    }
}
