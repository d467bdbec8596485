//! Elements: the rendered building blocks a widget owns, and their one wire/API form.

use super::{Id, Map, Media, MediaPool, MediaPools, MediaRoles};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ElementType {
    Image,
    Video,
    Audio,
    Text,
    Timer,
    Counter,
    Animation,
    Canvas,
    /// A layout container: elements of the same widget whose `parent` is its name are laid
    /// out inside it by the overlay (so widgets describe lists without computing pixels).
    Stack,
    /// The live Twitch chat (the overlay draws the lines the hub's `chat` frames carry).
    Chat,
}

/// A stored element. `name` is unique within its widget and never changes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Element {
    pub id: Id,
    pub widget_id: Id,
    pub name: String,
    pub element_type: ElementType,
    #[serde(default)]
    pub properties: Map,
    #[serde(default)]
    pub behavior: Map,
    #[serde(default)]
    pub visible: bool,
    #[serde(default)]
    pub media: MediaRoles,
    /// Roles holding several media; their current pick is in `media`.
    #[serde(default, skip_serializing_if = "MediaPools::is_empty")]
    pub media_pools: MediaPools,
}

/// Media as the overlay needs it to render an element.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MediaDetail {
    #[schema(value_type = u64)]
    pub id: Id,
    pub role: String,
    pub url: String,
    pub mime_type: String,
}

/// The one serialized form of an element, shared by the REST API and the overlay protocol
/// (PROTOCOL.md "Element on the wire"), so the two can never drift apart.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ElementView {
    #[schema(value_type = u64)]
    pub id: Id,
    #[schema(value_type = u64)]
    pub widget_id: Id,
    /// Unique within the widget and immutable (`PATCH …/elements/{name}`).
    #[schema(example = "confetti_burst")]
    pub name: String,
    pub element_type: ElementType,
    /// Typed per element type (docs/protocol.md "Element types and their properties").
    #[schema(value_type = Object)]
    pub properties: Map,
    /// Entrance/exit/emphasis animations (docs/protocol.md "behavior").
    #[schema(value_type = Object)]
    pub behavior: Map,
    pub visible: bool,
    /// Its widget is on the active dashboard.
    pub enabled: bool,
    /// role → media id.
    #[schema(value_type = BTreeMap<String, u64>)]
    pub media: MediaRoles,
    /// Roles holding several media (`pick: random|sequence`); omitted when there are none.
    #[serde(default, skip_serializing_if = "MediaPools::is_empty")]
    #[schema(value_type = BTreeMap<String, MediaPool>)]
    pub media_pools: MediaPools,
    pub media_details: Vec<MediaDetail>,
}

impl ElementView {
    /// `media_of` resolves a media id; unknown ids (deleted files) are left out.
    pub fn new<'a>(e: &Element, enabled: bool, media_of: impl Fn(Id) -> Option<&'a Media>) -> Self {
        let media_details = e
            .media
            .iter()
            .filter_map(|(role, id)| {
                media_of(*id).map(|m| MediaDetail {
                    id: m.id,
                    role: role.clone(),
                    url: m.url(),
                    mime_type: m.mime_type.clone(),
                })
            })
            .collect();
        ElementView {
            id: e.id,
            widget_id: e.widget_id,
            name: e.name.clone(),
            element_type: e.element_type,
            properties: e.properties.clone(),
            behavior: e.behavior.clone(),
            visible: e.visible,
            enabled,
            media: e.media.clone(),
            media_pools: e.media_pools.clone(),
            media_details,
        }
    }

    /// What the overlay actually shows.
    pub fn shown(&self) -> bool {
        self.visible && self.enabled
    }
}
