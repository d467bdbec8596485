//! The stored data model: plain serde structs, no behaviour beyond small helpers.
//!
//! Stored as MessagePack with named fields, so new fields only need `#[serde(default)]`.

pub mod alert;
mod audit;
mod chat;
mod element;
pub mod element_props;
pub mod event_log;
pub mod patch;

pub use alert::{AlertQueue, Playing, QueuedAlert};
pub use audit::{Actor, AuditEntry, AuditSubject};
pub use chat::{BindingPatch, ChatCommand, CommandPatch, EventBinding, EventKind, Permission};
pub use element::{Element, ElementType, ElementView, MediaDetail, Placement};
pub use event_log::{EventSource, LoggedEvent, NewEvent};
/// role → pool of media for roles holding several.
pub type MediaPools = BTreeMap<String, MediaPool>;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Every entity id. Kept below 2^53 so browsers decode it exactly.
pub type Id = u64;
/// Free-form JSON object (widget parameters, element properties, behaviour).
pub type Map = serde_json::Map<String, serde_json::Value>;

/// An admin-UI tab grouping widgets; at most one is active.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Dashboard {
    #[schema(value_type = u64, example = 1)]
    pub id: Id,
    #[schema(example = "Main Stream")]
    pub name: String,
    /// The OBS scene that goes with it: activating one switches to the other.
    #[serde(default)]
    #[schema(example = "Gameplay")]
    pub obs_scene: Option<String>,
    /// Widgets on it, in panel order.
    #[serde(default)]
    #[schema(value_type = Vec<u64>, example = json!([1]))]
    pub widget_ids: Vec<Id>,
    /// Tab order (0 first).
    #[serde(default)]
    pub position: u32,
}

/// An instance of a registered widget type; owns its elements.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Widget {
    #[schema(value_type = u64, example = 1)]
    pub id: Id,
    /// A class of `GET /api/widget-types`.
    #[schema(example = "ConfettiAlertWidget")]
    pub widget_class: String,
    #[schema(example = "Confetti")]
    pub name: String,
    /// Validated against the class's `widget_parameters` specs (defaults filled in).
    #[serde(default)]
    #[schema(value_type = Object)]
    pub widget_parameters: Map,
    /// Runtime state kept by features (a donation total, a death count) across dashboards.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub state: Map,
}

/// An uploaded media file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Media {
    #[schema(value_type = u64)]
    pub id: Id,
    pub filename: String,
    pub original_name: String,
    pub mime_type: String,
    pub size: u64,
    pub sha256: String,
    #[serde(default)]
    pub width: Option<u32>,
    #[serde(default)]
    pub height: Option<u32>,
    #[serde(default)]
    pub duration: Option<f64>,
    /// "image" | "video" | "audio" (derived from the MIME type for older records).
    #[serde(default)]
    pub kind: String,
    /// Shown in the library; starts as the original name without its extension.
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Animated GIF/WebP (or any video): the overlay must not treat it as a still.
    #[serde(default)]
    pub animated: bool,
    /// File name of the library thumbnail (PNG, at most 256 px), in the same folder.
    #[serde(default)]
    pub thumbnail: Option<String>,
    /// Unix ms of the upload; the library lists newest first.
    #[serde(default)]
    pub created_ms: u64,
    /// Set on the assets stagehand generates itself ("pop", "chime", …).
    #[serde(default)]
    pub default_asset: Option<String>,
}

impl Media {
    pub fn url(&self) -> String {
        format!("/media/{}", self.filename)
    }

    /// What the library shows for this file.
    pub fn display_name_or_original(&self) -> &str {
        if self.display_name.is_empty() {
            &self.original_name
        } else {
            &self.display_name
        }
    }
}

/// A change a feature makes to one element, found by its immutable name.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ElementChange {
    pub name: String,
    #[serde(default)]
    pub visible: Option<bool>,
    /// Merged into the element's properties key by key; `null` removes a key.
    #[serde(default)]
    pub properties: Map,
    /// Media roles to set (a library id, checked by the feature's `media` parameter) or clear
    /// (`None`); setting a role replaces a pool the admin assigned to it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub media: BTreeMap<String, Option<Id>>,
}

/// Something a feature asks of the outside world, performed after the commit by whoever ran
/// the feature (so widgets stay pure and OBS errors reach that caller).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Effect {
    ObsSwitchScene {
        scene: String,
    },
    /// `visible: None` toggles.
    ObsSetSourceVisible {
        scene: String,
        source: String,
        visible: Option<bool>,
    },
}

/// A follow-up scheduled by a feature (e.g. hide the confetti after `blast_duration`).
/// Persisted so it survives a restart; a newer follow-up with the same key replaces it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Timer {
    pub widget_id: Id,
    pub key: String,
    /// Unix milliseconds.
    pub due_ms: u64,
    pub changes: Vec<ElementChange>,
    /// A feature of the same widget to call when it fires (planned then, against the state
    /// at that moment). Absent in timers stored before follow-ups could call features.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call: Option<FeatureCall>,
}

/// A feature call kept for later: which feature of the widget, with which arguments.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FeatureCall {
    pub feature: String,
    #[serde(default)]
    pub args: Map,
}

/// Id counters, one per entity kind, so ids read naturally (dashboard 1, 2, …).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Dashboard,
    Widget,
    Element,
    Media,
    Audit,
    Command,
    Binding,
    /// Event log entries.
    Event,
}

impl Kind {
    pub const ALL: [Kind; 8] = [
        Kind::Dashboard,
        Kind::Widget,
        Kind::Element,
        Kind::Media,
        Kind::Audit,
        Kind::Command,
        Kind::Binding,
        Kind::Event,
    ];

    pub fn counter_key(self) -> &'static str {
        match self {
            Kind::Dashboard => "next_id.dashboard",
            Kind::Widget => "next_id.widget",
            Kind::Element => "next_id.element",
            Kind::Media => "next_id.media",
            Kind::Audit => "next_id.audit",
            Kind::Command => "next_id.command",
            Kind::Binding => "next_id.binding",
            Kind::Event => "next_id.event",
        }
    }
}

/// Widget on a dashboard? The overlay renders only elements of enabled widgets.
pub fn enabled_widgets(active: Option<&Dashboard>) -> std::collections::HashSet<Id> {
    active
        .map(|d| d.widget_ids.iter().copied().collect())
        .unwrap_or_default()
}

/// Element media assignment: role → media id.
pub type MediaRoles = BTreeMap<String, Id>;

/// A role holding several media (alert variations): the engine moves the role's current
/// media (in [`MediaRoles`]) to the next pick each time the element is shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MediaPool {
    #[schema(value_type = Vec<u64>)]
    pub ids: Vec<Id>,
    pub pick: Pick,
    /// Index of the current pick in `ids`.
    #[serde(default)]
    pub at: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Pick {
    Random,
    Sequence,
}

/// Unix time in milliseconds.
pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// The field a serde error is about: its path, or for "missing field `x`" at the top, `x`.
/// Keeps API errors pointing at what to fix.
pub fn error_field(path: &str, message: &str) -> String {
    if path == "." || path.is_empty() {
        if let Some(rest) = message.split("missing field `").nth(1) {
            return rest.split('`').next().unwrap_or("body").to_string();
        }
        return "body".to_string();
    }
    path.to_string()
}
