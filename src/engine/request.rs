//! What can be asked of the engine. Every trigger (admin button, chat, OBS, timer) becomes one.

use crate::model::{BindingPatch, CommandPatch, Id, Map};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Clone, Debug)]
pub enum Request {
    CreateDashboard {
        name: String,
        obs_scene: Option<String>,
    },
    UpdateDashboard {
        id: Id,
        patch: DashboardPatch,
    },
    DeleteDashboard {
        id: Id,
    },
    ActivateDashboard {
        id: Id,
    },
    CreateWidget {
        widget_class: String,
        name: String,
        widget_parameters: Map,
        dashboard_ids: Vec<Id>,
    },
    UpdateWidget {
        id: Id,
        name: Option<String>,
        widget_parameters: Option<Map>,
    },
    DeleteWidget {
        id: Id,
    },
    Execute {
        widget_id: Id,
        feature: String,
        parameters: Map,
        /// Replays a run from the audit log; the engine picks a fresh seed when absent.
        seed: Option<u64>,
    },
    /// A chat command that passed permission and cooldown checks: execute and record when it
    /// fired, in the same transaction, so cooldowns survive restarts.
    ChatRun {
        command_id: Id,
        user_id: String,
        widget_id: Id,
        feature: String,
        parameters: Map,
    },
    /// Create (`id: None`) or merge-patch a chat command.
    PutCommand {
        id: Option<Id>,
        patch: CommandPatch,
    },
    DeleteCommand {
        id: Id,
    },
    /// Create (`id: None`) or merge-patch an event binding.
    PutBinding {
        id: Option<Id>,
        patch: BindingPatch,
    },
    DeleteBinding {
        id: Id,
    },
    PatchElement {
        widget_id: Id,
        name: String,
        patch: ElementPatch,
    },
    /// Record of an uploaded file (already in the media folder); see `media_plan`.
    CreateMedia {
        media: Box<crate::model::Media>,
    },
    UpdateMedia {
        id: Id,
        patch: super::media_plan::MediaPatch,
    },
    DeleteMedia {
        id: Id,
        force: bool,
    },
    /// A whole setup bundle (already checked by `bundle::read`), in one transaction; see
    /// `import_plan`. Without `on_conflict`, a name clash refuses it.
    Import {
        bundle: Box<crate::bundle::Manifest>,
        on_conflict: Option<crate::bundle::OnConflict>,
    },
    /// Save (or forget, `None`) settings from the admin UI; validated by the settings
    /// service against every layer before it gets here.
    PutSettings {
        changes: crate::settings::Changes,
    },
    /// A platform event for the event log (already cleaned); the widgets that follow events
    /// (event list, leaderboard) are fed it in the same group.
    RecordEvent {
        event: crate::model::NewEvent,
    },
    /// The admin acts on an alert queue (the Alerts page's buttons and drag-to-reorder).
    AlertQueue {
        queue: String,
        action: QueueAction,
    },
}

/// What the admin does to an alert queue.
#[derive(Clone, Debug, PartialEq)]
pub enum QueueAction {
    Control(crate::widgets::QueueControl),
    /// Waiting alerts by id, in the order they should play (the others follow).
    Reorder(Vec<u64>),
}

/// `PATCH /api/dashboards/{id}`: absent fields stay as they are.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Main Stream", "obs_scene": "Gameplay"}))]
pub struct DashboardPatch {
    pub name: Option<String>,
    /// `null` unbinds the scene.
    #[serde(default, deserialize_with = "some_nullable")]
    #[schema(value_type = Option<String>)]
    pub obs_scene: Option<Option<String>>,
    /// The widgets on it, in panel order (replaces the list).
    #[schema(value_type = Option<Vec<u64>>)]
    pub widget_ids: Option<Vec<Id>>,
    pub position: Option<u32>,
}

/// `PATCH /api/widgets/{id}/elements/{name}`. The name itself is immutable.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ElementPatch {
    /// Merged key by key; `null` removes a key. Typed per element type: opacity/volume 0–1,
    /// `size.width/height` > 0 and ≤ 8192, `position.x/y` within ±8192, known `css` keys.
    #[schema(value_type = Option<Object>)]
    pub properties: Option<Map>,
    /// Merged key by key: `entrance`, `exit`, `emphasis` animations.
    #[schema(value_type = Option<Object>)]
    pub behavior: Option<Map>,
    pub visible: Option<bool>,
    /// role → media id, list of ids or `{ids, pick}`; `null` clears the role.
    #[schema(value_type = Option<BTreeMap<String, super::media_plan::MediaAssign>>)]
    pub media: Option<BTreeMap<String, Option<super::media_plan::MediaAssign>>>,
}

/// Distinguishes "absent" (None) from "null" (Some(None)).
fn some_nullable<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

impl Request {
    /// Audit action name.
    pub fn action(&self) -> &'static str {
        match self {
            Request::CreateDashboard { .. } => "create_dashboard",
            Request::UpdateDashboard { .. } => "update_dashboard",
            Request::DeleteDashboard { .. } => "delete_dashboard",
            Request::ActivateDashboard { .. } => "activate_dashboard",
            Request::CreateWidget { .. } => "create_widget",
            Request::UpdateWidget { .. } => "update_widget",
            Request::DeleteWidget { .. } => "delete_widget",
            Request::Execute { .. } => "execute",
            Request::PatchElement { .. } => "patch_element",
            Request::ChatRun { .. } => "execute",
            Request::PutCommand { id: None, .. } => "create_command",
            Request::PutCommand { .. } => "update_command",
            Request::DeleteCommand { .. } => "delete_command",
            Request::PutBinding { id: None, .. } => "create_event_binding",
            Request::PutBinding { .. } => "update_event_binding",
            Request::DeleteBinding { .. } => "delete_event_binding",
            Request::CreateMedia { .. } => "create_media",
            Request::UpdateMedia { .. } => "update_media",
            Request::DeleteMedia { .. } => "delete_media",
            Request::Import { .. } => "import",
            Request::PutSettings { .. } => "update_settings",
            Request::AlertQueue { .. } => "alert_queue",
            Request::RecordEvent { .. } => "record_event",
        }
    }
}
