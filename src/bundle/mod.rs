//! Setup bundles: a versioned zip holding a JSON manifest (dashboards, widgets with their
//! elements, chat commands, event bindings, media records) and the media files themselves.
//! `export.rs` writes one from committed state, `read.rs` opens and validates one (sizes,
//! entry names, version, hashes) before anything is written; the engine plans the import
//! (`engine/import_plan.rs`) in one transaction. Templates are bundles of one dashboard kept
//! in `<data_dir>/templates/` (`templates.rs`).
//!
//! Ids inside a bundle are the exporting install's ids: they only link records to each other
//! and are never reused on import. Secrets (admin token, OBS password, Twitch token) live in
//! the settings, which a bundle never contains.

pub mod export;
pub mod offline;
pub mod read;
pub mod templates;

use crate::model::{ChatCommand, EventBinding, Id, Map, Media, MediaPools, MediaRoles};
use serde::{Deserialize, Serialize};

/// `format` of every bundle manifest.
pub const FORMAT: &str = "stagehand-bundle";
/// The manifest version this build writes and reads. A bundle of another version is refused
/// (naming both) rather than half-understood.
pub const VERSION: u64 = 1;
/// Name of the manifest entry; media files are `media/<filename>`.
pub const MANIFEST: &str = "manifest.json";
pub const MEDIA_PREFIX: &str = "media/";

/// The manifest. Unknown fields are refused so a typo or a newer format is never ignored.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format: String,
    pub version: u64,
    /// The stagehand version that wrote it (informational).
    #[serde(default)]
    pub stagehand_version: String,
    #[serde(default)]
    pub created_ms: u64,
    /// Set on templates: what the template is called in the picker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_name: Option<String>,
    /// Set on templates: the streamer's note on what the template is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_description: Option<String>,
    #[serde(default)]
    pub dashboards: Vec<BundleDashboard>,
    #[serde(default)]
    pub widgets: Vec<BundleWidget>,
    #[serde(default)]
    pub commands: Vec<ChatCommand>,
    #[serde(default)]
    pub event_bindings: Vec<EventBinding>,
    #[serde(default)]
    pub media: Vec<Media>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleDashboard {
    pub id: Id,
    pub name: String,
    #[serde(default)]
    pub obs_scene: Option<String>,
    #[serde(default)]
    pub position: u32,
    #[serde(default)]
    pub widget_ids: Vec<Id>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleWidget {
    pub id: Id,
    pub widget_class: String,
    pub name: String,
    #[serde(default)]
    pub widget_parameters: Map,
    /// Runtime state of its features (a death count, a donation total).
    #[serde(default)]
    pub state: Map,
    #[serde(default)]
    pub elements: Vec<BundleElement>,
}

/// An element by its (immutable) name; the widget type decides which names exist.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleElement {
    pub name: String,
    #[serde(default)]
    pub properties: Map,
    #[serde(default)]
    pub behavior: Map,
    #[serde(default)]
    pub visible: bool,
    /// role → bundle media id.
    #[serde(default)]
    pub media: MediaRoles,
    #[serde(default, skip_serializing_if = "MediaPools::is_empty")]
    pub media_pools: MediaPools,
    /// The streamer's placement (offset, own size), so it survives the widget's redraws.
    #[serde(default, skip_serializing_if = "crate::model::Placement::is_default")]
    pub placement: crate::model::Placement,
}

/// How an import treats an item whose name is already taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnConflict {
    /// Import it under a free name ("Main (2)", "!confetti2").
    Rename,
    /// Overwrite the existing item in place (it keeps its id).
    Replace,
    /// Keep the existing item; the bundle's is not imported (widgets: the existing one is used).
    Skip,
}

impl OnConflict {
    pub fn parse(s: &str) -> Option<OnConflict> {
        match s {
            "rename" => Some(OnConflict::Rename),
            "replace" => Some(OnConflict::Replace),
            "skip" => Some(OnConflict::Skip),
            _ => None,
        }
    }
}

/// What was wrong with a bundle. `field` names the place: `manifest.widgets[2].name`,
/// `media/abc.png`, `bundle`.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("{message}")]
    Invalid { field: String, message: String },
    #[error("{what} is larger than {limit}")]
    TooLarge { what: String, limit: String },
    #[error("this is a version {found} bundle; this build of stagehand reads version {supported}")]
    UnknownVersion { found: String, supported: u64 },
    #[error("could not read or write the bundle: {0}")]
    Io(#[from] std::io::Error),
    #[error("could not read committed state: {0}")]
    Store(#[from] crate::store::StoreError),
}

impl BundleError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> BundleError {
        BundleError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Bounds a bundle must stay within (a bomb or a hostile file stops at these).
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// The whole zip as uploaded.
    pub bundle_bytes: u64,
    /// One media file (the upload limit).
    pub media_bytes: u64,
    /// Everything unpacked together.
    pub total_bytes: u64,
}

/// Largest manifest (JSON) read.
pub const MAX_MANIFEST_BYTES: u64 = 16 * 1024 * 1024;
/// Most zip entries (manifest + media files + directories).
pub const MAX_ENTRIES: usize = 5_000;
pub const MAX_DASHBOARDS: usize = 500;
pub const MAX_WIDGETS: usize = 5_000;
pub const MAX_COMMANDS: usize = 5_000;
pub const MAX_BINDINGS: usize = 5_000;
pub const MAX_MEDIA: usize = 4_000;

impl Limits {
    pub fn of(settings: &crate::config::Settings) -> Limits {
        let mb = 1024 * 1024;
        let bundle = settings.storage.max_bundle_mb as u64 * mb;
        Limits {
            bundle_bytes: bundle,
            media_bytes: settings.storage.max_upload_mb as u64 * mb,
            // Media is stored, not compressed, so what unpacks is about what was sent; a
            // little room for the deflated manifest.
            total_bytes: bundle + MAX_MANIFEST_BYTES,
        }
    }
}
