//! Writing a bundle from committed state: the manifest from one read transaction, then the
//! zip, media copied file by file (stored, not recompressed: they are compressed formats
//! already), so a large library never sits in memory.

use super::{BundleDashboard, BundleElement, BundleError, FORMAT, MANIFEST, MEDIA_PREFIX};
use super::{BundleWidget, Manifest, VERSION};
use crate::model::{Id, now_ms};
use crate::store::StoreReader;
use std::collections::BTreeSet;
use std::io::{Seek, Write};
use std::path::Path;
use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

/// The manifest of everything (`dashboards: None`) or of some dashboards: those, the widgets
/// on them, the commands and bindings of those widgets and the media their elements use.
/// Everything also takes widgets on no dashboard and the whole media library.
pub fn manifest(r: &StoreReader, dashboards: Option<&[Id]>) -> Result<Manifest, BundleError> {
    let all_dashboards = r.dashboards()?;
    let chosen: Vec<_> = match dashboards {
        None => all_dashboards,
        Some(ids) => {
            let mut out = Vec::new();
            for id in ids {
                match all_dashboards.iter().find(|d| d.id == *id) {
                    Some(d) if !out.contains(d) => out.push(d.clone()),
                    Some(_) => {}
                    None => {
                        return Err(BundleError::invalid(
                            "dashboards",
                            format!("dashboard {id} does not exist"),
                        ));
                    }
                }
            }
            out
        }
    };
    let widget_ids: BTreeSet<Id> = chosen.iter().flat_map(|d| d.widget_ids.clone()).collect();
    let widgets: Vec<_> = r
        .widgets()?
        .into_iter()
        .filter(|w| dashboards.is_none() || widget_ids.contains(&w.id))
        .collect();
    let mut used_media = BTreeSet::new();
    let mut bundle_widgets = Vec::with_capacity(widgets.len());
    for w in &widgets {
        let elements = r
            .elements_of(w.id)?
            .into_iter()
            .map(|e| {
                used_media.extend(e.media.values().copied());
                used_media.extend(e.media_pools.values().flat_map(|p| p.ids.clone()));
                BundleElement {
                    name: e.name,
                    properties: e.properties,
                    behavior: e.behavior,
                    visible: e.visible,
                    media: e.media,
                    media_pools: e.media_pools,
                    placement: e.placement,
                }
            })
            .collect();
        // Files a widget's parameters name (a slideshow's images, an alert's variation media)
        // travel along too.
        if let Some(wtype) = crate::widgets::lookup(&w.widget_class) {
            let mut params = w.widget_parameters.clone();
            used_media.extend(crate::widgets::params::map_media(
                &wtype.parameters(),
                &mut params,
                |id| id,
            ));
            wtype.map_text_media(&mut params, &mut |id| {
                used_media.insert(id);
                Some(id)
            });
        }
        bundle_widgets.push(BundleWidget {
            id: w.id,
            widget_class: w.widget_class.clone(),
            name: w.name.clone(),
            widget_parameters: w.widget_parameters.clone(),
            state: w.state.clone(),
            elements,
        });
    }
    let included: BTreeSet<Id> = widgets.iter().map(|w| w.id).collect();
    let media = r
        .all_media()?
        .into_iter()
        .filter(|m| dashboards.is_none() || used_media.contains(&m.id))
        .map(|mut m| {
            // Thumbnails are made again on import from the file itself.
            m.thumbnail = None;
            m
        })
        .collect();
    Ok(Manifest {
        format: FORMAT.into(),
        version: VERSION,
        stagehand_version: env!("CARGO_PKG_VERSION").into(),
        created_ms: now_ms(),
        template_name: None,
        template_description: None,
        dashboards: chosen
            .into_iter()
            .map(|d| BundleDashboard {
                id: d.id,
                name: d.name,
                obs_scene: d.obs_scene,
                position: d.position,
                widget_ids: d.widget_ids,
            })
            .collect(),
        widgets: bundle_widgets,
        commands: r
            .commands()?
            .into_iter()
            .filter(|c| included.contains(&c.widget_id))
            .collect(),
        event_bindings: r
            .bindings()?
            .into_iter()
            .filter(|b| included.contains(&b.widget_id))
            .collect(),
        media,
    })
}

/// Writes the zip: each media file from `media_dir`, then the manifest. A record whose file
/// is missing on disk is left out (with the element roles using it), so the bundle stays
/// importable; that is logged.
pub fn write_zip<W: Write + Seek>(
    mut manifest: Manifest,
    media_dir: &Path,
    out: W,
) -> Result<Manifest, BundleError> {
    let mut zip = zip::ZipWriter::new(out);
    let stored = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .large_file(true);
    let mut missing = BTreeSet::new();
    for m in &manifest.media {
        let plain = crate::media::plain_name(&m.filename).is_some();
        let file = plain
            .then(|| std::fs::File::open(media_dir.join(&m.filename)))
            .and_then(Result::ok);
        let Some(mut file) = file else {
            tracing::warn!(media = m.id, file = %m.filename, "media file missing on disk; left out of the bundle");
            missing.insert(m.id);
            continue;
        };
        zip.start_file(format!("{MEDIA_PREFIX}{}", m.filename), stored)
            .map_err(zip_error)?;
        std::io::copy(&mut file, &mut zip)?;
    }
    if !missing.is_empty() {
        manifest.media.retain(|m| !missing.contains(&m.id));
        for w in &mut manifest.widgets {
            for e in &mut w.elements {
                e.media.retain(|_, id| !missing.contains(id));
                for p in e.media_pools.values_mut() {
                    p.ids.retain(|id| !missing.contains(id));
                    p.at = 0;
                }
                e.media_pools.retain(|_, p| p.ids.len() > 1);
            }
        }
    }
    let json = serde_json::to_vec_pretty(&manifest)
        .map_err(|e| BundleError::Io(std::io::Error::other(e)))?;
    zip.start_file(
        MANIFEST,
        SimpleFileOptions::default().compression_method(CompressionMethod::Deflated),
    )
    .map_err(zip_error)?;
    zip.write_all(&json)?;
    zip.finish().map_err(zip_error)?;
    Ok(manifest)
}

fn zip_error(e: zip::result::ZipError) -> BundleError {
    BundleError::Io(std::io::Error::other(e))
}

/// A bundle of everything (or some dashboards) into `path` (written beside it, then renamed).
pub fn to_file(
    r: &StoreReader,
    dashboards: Option<&[Id]>,
    media_dir: &Path,
    path: &Path,
) -> Result<Manifest, BundleError> {
    let manifest = manifest(r, dashboards)?;
    let tmp = path.with_extension("zip.part");
    let file = std::fs::File::create(&tmp)?;
    let written =
        write_zip(manifest, media_dir, std::io::BufWriter::new(file)).inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })?;
    std::fs::rename(&tmp, path)?;
    Ok(written)
}
