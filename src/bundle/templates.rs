//! Dashboard templates: bundles of one dashboard kept as `<data_dir>/templates/<id>.zip`,
//! so "New dashboard from template" can pick one later. The id is a slug of the name; the
//! name itself is in the manifest (`template_name`).

use super::{BundleError, MANIFEST, MAX_MANIFEST_BYTES};
use crate::model::Id;
use crate::store::StoreReader;
use serde::Serialize;
use std::io::Read;
use std::path::{Path, PathBuf};

const MAX_NAME: usize = 80;
const MAX_DESCRIPTION: usize = 300;

pub fn dir(data_dir: &Path) -> PathBuf {
    data_dir.join("templates")
}

/// A template as the picker lists it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct TemplateInfo {
    pub id: String,
    pub name: String,
    /// What it is for, as the streamer wrote it ("" when none).
    pub description: String,
    /// The dashboard it was saved from.
    pub dashboard_name: String,
    pub widgets: usize,
    pub media: usize,
    /// What using it creates, so the picker can show it before anything is written.
    pub contents: TemplateContents,
    pub created_ms: u64,
    pub bytes: u64,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct TemplateContents {
    pub widgets: Vec<TemplateWidget>,
    /// Chat command triggers (`!confetti`).
    pub commands: Vec<String>,
    /// Event binding events (`cheer`, `raid`).
    pub event_bindings: Vec<String>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct TemplateWidget {
    pub name: String,
    pub widget_class: String,
    /// Elements whose settings the template carries.
    pub elements: usize,
}

/// The path of template `id`, if `id` is a well-formed template id (never a path).
pub fn path(data_dir: &Path, id: &str) -> Option<PathBuf> {
    let ok = !id.is_empty()
        && id.len() <= 100
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    ok.then(|| dir(data_dir).join(format!("{id}.zip")))
}

fn slug(name: &str) -> String {
    let mut s = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            s.push(c);
        } else if !s.ends_with('-') {
            s.push('-');
        }
    }
    let s: String = s.trim_matches('-').chars().take(60).collect();
    if s.is_empty() { "template".into() } else { s }
}

/// Saves dashboard `dashboard_id` (its widgets, their commands, bindings and media) as a
/// template called `name`, with an optional `description`.
pub fn save(
    r: &StoreReader,
    data_dir: &Path,
    media_dir: &Path,
    dashboard_id: Id,
    name: &str,
    description: &str,
) -> Result<TemplateInfo, BundleError> {
    let name: String = name.trim().chars().filter(|c| !c.is_control()).collect();
    if name.is_empty() || name.chars().count() > MAX_NAME {
        return Err(BundleError::invalid(
            "name",
            format!("name must be 1 to {MAX_NAME} characters"),
        ));
    }
    let description: String = description
        .trim()
        .chars()
        .filter(|c| *c == '\n' || !c.is_control())
        .collect();
    if description.chars().count() > MAX_DESCRIPTION {
        return Err(BundleError::invalid(
            "description",
            format!("description must be at most {MAX_DESCRIPTION} characters"),
        ));
    }
    let mut manifest = super::export::manifest(r, Some(&[dashboard_id])).map_err(|e| match e {
        BundleError::Invalid { message, .. } => BundleError::invalid("dashboard_id", message),
        other => other,
    })?;
    manifest.template_name = Some(name.clone());
    manifest.template_description = (!description.is_empty()).then_some(description);
    let dir = dir(data_dir);
    std::fs::create_dir_all(&dir)?;
    let base = slug(&name);
    let id = std::iter::once(base.clone())
        .chain((2..).map(|n| format!("{base}-{n}")))
        .find(|id| !dir.join(format!("{id}.zip")).exists())
        .unwrap_or(base);
    let path = dir.join(format!("{id}.zip"));
    let tmp = dir.join(format!(".{id}.zip.part"));
    let file = std::fs::File::create(&tmp)?;
    let written = super::export::write_zip(manifest, media_dir, std::io::BufWriter::new(file))
        .inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })?;
    std::fs::rename(&tmp, &path)?;
    Ok(info(&id, &written, std::fs::metadata(&path)?.len()))
}

fn info(id: &str, m: &super::Manifest, bytes: u64) -> TemplateInfo {
    TemplateInfo {
        id: id.to_string(),
        name: m.template_name.clone().unwrap_or_else(|| id.to_string()),
        dashboard_name: m
            .dashboards
            .first()
            .map(|d| d.name.clone())
            .unwrap_or_default(),
        description: m.template_description.clone().unwrap_or_default(),
        widgets: m.widgets.len(),
        media: m.media.len(),
        contents: TemplateContents {
            widgets: m
                .widgets
                .iter()
                .map(|w| TemplateWidget {
                    name: w.name.clone(),
                    widget_class: w.widget_class.clone(),
                    elements: w.elements.len(),
                })
                .collect(),
            commands: m.commands.iter().map(|c| c.trigger.clone()).collect(),
            event_bindings: m
                .event_bindings
                .iter()
                .map(|b| {
                    serde_json::to_value(b.event)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default()
                })
                .collect(),
        },
        created_ms: m.created_ms,
        bytes,
    }
}

/// Only the manifest of a template (for the list; the full check happens on use).
fn read_info(path: &Path, id: &str) -> Result<TemplateInfo, BundleError> {
    let file = std::fs::File::open(path)?;
    let bytes = file.metadata()?.len();
    let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file))
        .map_err(|e| BundleError::invalid("template", e.to_string()))?;
    let mut entry = zip
        .by_name(MANIFEST)
        .map_err(|e| BundleError::invalid("template", e.to_string()))?;
    let mut json = Vec::new();
    (&mut entry)
        .take(MAX_MANIFEST_BYTES + 1)
        .read_to_end(&mut json)?;
    let m = super::read::parse_manifest(&json)?;
    Ok(info(id, &m, bytes))
}

/// Every readable template, newest first; unreadable files are skipped (and logged).
pub fn list(data_dir: &Path) -> Vec<TemplateInfo> {
    let Ok(entries) = std::fs::read_dir(dir(data_dir)) else {
        return Vec::new();
    };
    let mut out: Vec<TemplateInfo> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            let id = name.strip_suffix(".zip")?.to_string();
            path(data_dir, &id)?;
            match read_info(&e.path(), &id) {
                Ok(i) => Some(i),
                Err(err) => {
                    tracing::warn!(file = %e.path().display(), error = %err, "unreadable template skipped");
                    None
                }
            }
        })
        .collect();
    out.sort_by(|a, b| b.created_ms.cmp(&a.created_ms).then(a.id.cmp(&b.id)));
    out
}
