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
    /// Where the streamer moved or sized it, kept across the widget's own redraws.
    #[serde(default, skip_serializing_if = "Placement::is_default")]
    pub placement: Placement,
}

/// The streamer's own placement of an element: an offset from where its widget puts it and,
/// once resized by hand, its size. A widget that lays itself out on every update (a
/// leaderboard, a split list) would otherwise put a moved element back each time.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Placement {
    #[serde(default)]
    pub dx: f64,
    #[serde(default)]
    pub dy: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<serde_json::Value>,
}

impl Placement {
    pub fn is_default(&self) -> bool {
        *self == Placement::default()
    }

    /// An edit by the streamer (`patch`, merged into `before` to give `after`): a position
    /// change moves the offset by as much, a size is kept (`null` gives it back to the widget).
    pub fn edited(&mut self, before: &Map, patch: &Map, after: &Map) {
        let xy = |m: &Map, k: &str| {
            m.get("position")
                .and_then(|p| p.get(k))
                .and_then(serde_json::Value::as_f64)
        };
        if patch.contains_key("position") {
            if let (Some(a), Some(b)) = (xy(after, "x"), xy(before, "x")) {
                self.dx += a - b;
            }
            if let (Some(a), Some(b)) = (xy(after, "y"), xy(before, "y")) {
                self.dy += a - b;
            }
        }
        if let Some(size) = patch.get("size") {
            self.size = (!size.is_null())
                .then(|| after.get("size").cloned())
                .flatten();
        }
    }

    /// A widget's own update of the element (`changed`: the properties it set) with the
    /// streamer's placement applied on top.
    pub fn apply(&self, changed: &Map, properties: &mut Map) {
        if changed.contains_key("position")
            && let Some(serde_json::Value::Object(pos)) = properties.get_mut("position")
        {
            for (k, d) in [("x", self.dx), ("y", self.dy)] {
                if d != 0.0
                    && let Some(v) = pos.get(k).and_then(serde_json::Value::as_f64)
                {
                    pos.insert(k.into(), crate::widgets::params::num_value(v + d));
                }
            }
        }
        if changed.contains_key("size")
            && let Some(size) = &self.size
        {
            properties.insert("size".into(), size.clone());
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::props;

    #[test]
    fn a_moved_and_resized_element_stays_where_the_streamer_put_it() {
        let mut p = Placement::default();
        let before = props! {"position": {"x": 100, "y": 50, "z_index": 3}, "size": {"width": 400, "height": 60}};
        let patch = props! {"position": {"x": 160, "y": 20}, "size": {"width": 500, "height": 60}};
        let mut after = before.clone();
        crate::engine::merge(&mut after, &patch);
        p.edited(&before, &patch, &after);
        assert_eq!((p.dx, p.dy), (60.0, -30.0));
        // The widget redraws itself at its own place and size: the streamer's win.
        let redraw = props! {"position": {"x": 100, "y": 116, "z_index": 3}, "size": {"width": 400, "height": 70}, "text": "x"};
        let mut props = after.clone();
        crate::engine::merge(&mut props, &redraw);
        p.apply(&redraw, &mut props);
        assert_eq!(
            props["position"],
            serde_json::json!({"x": 160, "y": 86, "z_index": 3})
        );
        assert_eq!(
            props["size"],
            serde_json::json!({"width": 500, "height": 60})
        );
        // A text-only update leaves the geometry alone; `size: null` gives the size back.
        let mut again = props.clone();
        p.apply(&props! {"text": "y"}, &mut again);
        assert_eq!(again, props);
        p.edited(&props, &props! {"size": null}, &props);
        assert_eq!(p.size, None);
    }
}
