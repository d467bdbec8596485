//! Opening a bundle: every check that needs no engine, done before anything is written.
//! Entry names (only `manifest.json` and `media/<plain name>`), entry count, declared and
//! actual sizes (each file is read through a limit, so a lying header or a zip bomb stops at
//! the bound), the manifest version, its shape (field paths in errors), links between its
//! records, and each media file's size, sha256 and content type. Media files are unpacked to
//! temporary files beside the media folder; [`Opened::place`] moves them in, dropping an
//! `Opened` removes them.

use super::VERSION;
use super::{BundleError, FORMAT, Limits, MANIFEST, MAX_MANIFEST_BYTES, MEDIA_PREFIX, Manifest};
use super::{MAX_BINDINGS, MAX_COMMANDS, MAX_DASHBOARDS, MAX_ENTRIES, MAX_MEDIA, MAX_WIDGETS};
use crate::media::{self, MediaKind, inspect, sniff};
use crate::model::Id;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

/// A media file unpacked and verified, still under a temporary name.
#[derive(Debug)]
struct Staged {
    /// Index into `manifest.media`.
    index: usize,
    temp: PathBuf,
}

/// A bundle that passed every check. Its media files wait in temporary files.
#[derive(Debug)]
pub struct Opened {
    pub manifest: Manifest,
    staged: Vec<Staged>,
}

static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Opens and checks the bundle at `path`; media files are unpacked into `staging` (the media
/// folder, so placing them is a rename).
pub fn open(path: &Path, limits: &Limits, staging: &Path) -> Result<Opened, BundleError> {
    let file = std::fs::File::open(path)?;
    if file.metadata()?.len() > limits.bundle_bytes {
        return Err(too_large("the bundle", limits.bundle_bytes));
    }
    open_reader(std::io::BufReader::new(file), limits, staging)
}

fn too_large(what: impl Into<String>, bytes: u64) -> BundleError {
    BundleError::TooLarge {
        what: what.into(),
        limit: format!("{} MiB", bytes.div_ceil(1024 * 1024)),
    }
}

fn zip_invalid(field: &str, e: impl std::fmt::Display) -> BundleError {
    BundleError::invalid(
        field,
        format!("{field}: damaged or not a zip entry stagehand can read: {e}"),
    )
}

/// [`open`] over any seekable reader (the fuzz tests feed mutated zips from memory).
pub fn open_reader<R: Read + Seek>(
    reader: R,
    limits: &Limits,
    staging: &Path,
) -> Result<Opened, BundleError> {
    let mut zip = zip::ZipArchive::new(reader).map_err(|e| {
        BundleError::invalid("bundle", format!("not a stagehand bundle (zip): {e}"))
    })?;
    if zip.len() > MAX_ENTRIES {
        return Err(BundleError::TooLarge {
            what: format!("the bundle's {} entries", zip.len()),
            limit: format!("{MAX_ENTRIES} entries"),
        });
    }
    let mut declared = 0u64;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|e| zip_invalid("bundle", e))?;
        let name = entry
            .name()
            .map_err(|e| zip_invalid("bundle", e))?
            .to_string();
        let ok = name == MANIFEST
            || name == MEDIA_PREFIX
            || name
                .strip_prefix(MEDIA_PREFIX)
                .and_then(media::plain_name)
                .is_some();
        if !ok {
            return Err(BundleError::invalid(
                name.chars().take(120).collect::<String>(),
                format!(
                    "unexpected entry '{}': a bundle holds manifest.json and media/<file> only",
                    name.escape_debug().take(120).collect::<String>()
                ),
            ));
        }
        if entry.encrypted() {
            return Err(BundleError::invalid(
                name,
                "encrypted entries are not accepted",
            ));
        }
        let limit = if name == MANIFEST {
            MAX_MANIFEST_BYTES
        } else {
            limits.media_bytes
        };
        if entry.size() > limit {
            return Err(too_large(format!("'{name}'"), limit));
        }
        declared = declared.saturating_add(entry.size());
    }
    if declared > limits.total_bytes {
        return Err(too_large("the unpacked bundle", limits.total_bytes));
    }

    let manifest = read_manifest(&mut zip)?;
    check_links(&manifest)?;

    let mut opened = Opened {
        manifest,
        staged: Vec::new(),
    };
    std::fs::create_dir_all(staging)?;
    let mut total = 0u64;
    for index in 0..opened.manifest.media.len() {
        let m = &opened.manifest.media[index];
        let entry_name = format!("{MEDIA_PREFIX}{}", m.filename);
        let field = format!("manifest.media[{index}]");
        let mut entry = zip.by_name(&entry_name).map_err(|_| {
            BundleError::invalid(
                format!("{field}.filename"),
                format!("the bundle has no file {entry_name}"),
            )
        })?;
        let n = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let temp = staging.join(format!(".upload-import-{}-{n}.part", std::process::id()));
        // Registered before writing, so a failure below removes the partial file too.
        opened.staged.push(Staged {
            index,
            temp: temp.clone(),
        });
        let mut out = std::io::BufWriter::new(std::fs::File::create(&temp)?);
        let mut hasher = Sha256::new();
        let mut head = Vec::new();
        let mut size = 0u64;
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let got = entry
                .read(&mut buf)
                .map_err(|e| zip_invalid(&entry_name, e))?;
            if got == 0 {
                break;
            }
            size += got as u64;
            total += got as u64;
            if size > limits.media_bytes {
                return Err(too_large(format!("'{entry_name}'"), limits.media_bytes));
            }
            if total > limits.total_bytes {
                return Err(too_large("the unpacked bundle", limits.total_bytes));
            }
            if head.len() < sniff::HEAD {
                let take = (sniff::HEAD - head.len()).min(got);
                head.extend_from_slice(&buf[..take]);
            }
            hasher.update(&buf[..got]);
            out.write_all(&buf[..got])?;
        }
        out.flush()?;
        drop(out);
        let sha = hex::encode(hasher.finalize());
        let m = &mut opened.manifest.media[index];
        if size != m.size {
            return Err(BundleError::invalid(
                format!("{field}.size"),
                format!(
                    "{entry_name} has {size} bytes, the manifest says {}",
                    m.size
                ),
            ));
        }
        if !sha.eq_ignore_ascii_case(&m.sha256) {
            return Err(BundleError::invalid(
                format!("{field}.sha256"),
                format!("{entry_name} does not match its sha256 (damaged or altered)"),
            ));
        }
        let claimed = media::type_for_name(&m.filename).ok_or_else(|| {
            BundleError::invalid(
                format!("{field}.filename"),
                format!(
                    "'{}' is not an accepted file type; accepted: {}",
                    m.filename,
                    media::allowed_list()
                ),
            )
        })?;
        let ft = sniff::check(&m.filename, claimed, &head)
            .map_err(|e| BundleError::invalid(format!("{field}.filename"), e.to_string()))?;
        // What the content is decides the stored name and type, not what the manifest says.
        m.sha256 = sha.clone();
        m.filename = media::stored_name(&sha, ft);
        m.mime_type = ft.mime.to_string();
        m.kind = ft.kind.as_str().to_string();
        m.thumbnail = None;
    }
    Ok(opened)
}

fn read_manifest<R: Read + Seek>(zip: &mut zip::ZipArchive<R>) -> Result<Manifest, BundleError> {
    let mut entry = zip
        .by_name(MANIFEST)
        .map_err(|_| BundleError::invalid(MANIFEST, "the bundle has no manifest.json"))?;
    let mut bytes = Vec::new();
    (&mut entry)
        .take(MAX_MANIFEST_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| zip_invalid(MANIFEST, e))?;
    if bytes.len() as u64 > MAX_MANIFEST_BYTES {
        return Err(too_large(MANIFEST, MAX_MANIFEST_BYTES));
    }
    parse_manifest(&bytes)
}

/// The manifest JSON: format and version first (a newer bundle is refused by name, not by
/// whatever field it added), then the shape, with the path of the first wrong field.
pub fn parse_manifest(bytes: &[u8]) -> Result<Manifest, BundleError> {
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        BundleError::invalid(MANIFEST, format!("manifest.json is not valid JSON: {e}"))
    })?;
    if value.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
        return Err(BundleError::invalid(
            "manifest.format",
            format!("not a stagehand bundle (manifest.format must be \"{FORMAT}\")"),
        ));
    }
    match value.get("version") {
        Some(v) if v.as_u64() == Some(VERSION) => {}
        other => {
            return Err(BundleError::UnknownVersion {
                found: other.map_or("(none)".into(), |v| v.to_string()),
                supported: VERSION,
            });
        }
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let message = e.into_inner().to_string();
        let field = crate::model::error_field(&path, &message);
        BundleError::invalid(
            format!("manifest.{field}"),
            format!("manifest.{field}: {message}"),
        )
    })
}

/// Counts within bounds, ids unique, and every reference pointing at a record of the bundle.
pub fn check_links(m: &Manifest) -> Result<(), BundleError> {
    for (what, n, max) in [
        ("dashboards", m.dashboards.len(), MAX_DASHBOARDS),
        ("widgets", m.widgets.len(), MAX_WIDGETS),
        ("commands", m.commands.len(), MAX_COMMANDS),
        ("event_bindings", m.event_bindings.len(), MAX_BINDINGS),
        ("media", m.media.len(), MAX_MEDIA),
    ] {
        if n > max {
            return Err(BundleError::TooLarge {
                what: format!("{n} {what}"),
                limit: format!("{max} {what}"),
            });
        }
    }
    fn unique(ids: impl Iterator<Item = Id>, what: &str) -> Result<BTreeSet<Id>, BundleError> {
        let mut seen = BTreeSet::new();
        for id in ids {
            if !seen.insert(id) {
                return Err(BundleError::invalid(
                    format!("manifest.{what}"),
                    format!("id {id} appears twice in manifest.{what}"),
                ));
            }
        }
        Ok(seen)
    }
    let widgets = unique(m.widgets.iter().map(|w| w.id), "widgets")?;
    unique(m.dashboards.iter().map(|d| d.id), "dashboards")?;
    let media = unique(m.media.iter().map(|x| x.id), "media")?;
    let mut files = BTreeMap::new();
    for (i, x) in m.media.iter().enumerate() {
        if media::plain_name(&x.filename).is_none() || x.filename.len() > 200 {
            return Err(BundleError::invalid(
                format!("manifest.media[{i}].filename"),
                "a media filename is one plain file name",
            ));
        }
        if files.insert(x.filename.clone(), i).is_some() {
            return Err(BundleError::invalid(
                format!("manifest.media[{i}].filename"),
                format!("{} is listed twice", x.filename),
            ));
        }
        if MediaKind::parse(&x.kind).is_none() && !x.kind.is_empty() {
            return Err(BundleError::invalid(
                format!("manifest.media[{i}].kind"),
                "kind must be image, video or audio",
            ));
        }
    }
    for (i, d) in m.dashboards.iter().enumerate() {
        if let Some(w) = d.widget_ids.iter().find(|w| !widgets.contains(w)) {
            return Err(BundleError::invalid(
                format!("manifest.dashboards[{i}].widget_ids"),
                format!("widget {w} is not in the bundle"),
            ));
        }
    }
    for (i, w) in m.widgets.iter().enumerate() {
        let mut names = BTreeSet::new();
        for (j, e) in w.elements.iter().enumerate() {
            let field = format!("manifest.widgets[{i}].elements[{j}]");
            if !names.insert(e.name.as_str()) {
                return Err(BundleError::invalid(
                    format!("{field}.name"),
                    format!("element '{}' appears twice", e.name),
                ));
            }
            let pooled = e.media_pools.values().flat_map(|p| p.ids.iter());
            if let Some(id) = e
                .media
                .values()
                .chain(pooled)
                .find(|id| !media.contains(id))
            {
                return Err(BundleError::invalid(
                    format!("{field}.media"),
                    format!("media {id} is not in the bundle"),
                ));
            }
        }
    }
    for (i, c) in m.commands.iter().enumerate() {
        if !widgets.contains(&c.widget_id) {
            return Err(BundleError::invalid(
                format!("manifest.commands[{i}].widget_id"),
                format!("widget {} is not in the bundle", c.widget_id),
            ));
        }
    }
    for (i, b) in m.event_bindings.iter().enumerate() {
        if !widgets.contains(&b.widget_id) {
            return Err(BundleError::invalid(
                format!("manifest.event_bindings[{i}].widget_id"),
                format!("widget {} is not in the bundle", b.widget_id),
            ));
        }
    }
    Ok(())
}

/// Files an import put into the media folder, for removal if the import is refused.
#[derive(Debug, Default)]
pub struct Placed {
    pub created: Vec<PathBuf>,
}

impl Opened {
    /// Moves the unpacked media into `media_dir` under their content names (a file already
    /// there is the same content), inspects them (size, duration, animation) and makes the
    /// thumbnails, as an upload does. Blocking.
    pub fn place(&mut self, media_dir: &Path) -> std::io::Result<Placed> {
        let mut placed = Placed::default();
        for s in std::mem::take(&mut self.staged) {
            let m = &mut self.manifest.media[s.index];
            let Some(ft) = media::type_for_name(&m.filename) else {
                let _ = std::fs::remove_file(&s.temp);
                continue;
            };
            let dest = media_dir.join(&m.filename);
            if dest.exists() {
                let _ = std::fs::remove_file(&s.temp);
            } else {
                std::fs::rename(&s.temp, &dest)?;
                placed.created.push(dest.clone());
            }
            let info = inspect::inspect(&dest, ft);
            m.width = info.width;
            m.height = info.height;
            m.duration = info.duration;
            m.animated = info.animated;
            m.thumbnail = if ft.ext == "svg" {
                Some(m.filename.clone())
            } else if ft.kind == MediaKind::Image {
                let name = media::thumbnail_name(&m.sha256);
                let thumb = media_dir.join(&name);
                if thumb.exists() {
                    Some(name)
                } else if inspect::thumbnail(&dest, &thumb) {
                    placed.created.push(thumb);
                    Some(name)
                } else {
                    None
                }
            } else {
                None
            };
        }
        Ok(placed)
    }
}

impl Drop for Opened {
    fn drop(&mut self) {
        for s in &self.staged {
            let _ = std::fs::remove_file(&s.temp);
        }
    }
}
