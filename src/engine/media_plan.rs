//! Planning of media-library writes: records of uploaded files, renames and tags, deletion
//! (refused while an element uses the file, unless forced), assigning media to element roles
//! (single, or a pool with `pick: random|sequence`), and the default media a new widget's
//! elements start with. Pure, like `plan.rs`: the files themselves are handled by the caller.

use super::EngineError;
use super::world::World;
use super::writes::Plan;
use crate::media::MediaKind;
use crate::model::{Element, ElementType, Id, Kind, Media, MediaPool, MediaRoles, Pick};
use crate::store::Write;
use crate::widgets::params;
use serde::Deserialize;
use std::collections::BTreeMap;

const MAX_DISPLAY_NAME: usize = 120;
const MAX_TAGS: usize = 20;
const MAX_TAG: usize = 40;
const MAX_POOL: usize = 50;

/// `PATCH /api/media/{id}`.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"display_name": "Birthday confetti", "tags": ["alerts", "party"]}))]
pub struct MediaPatch {
    pub display_name: Option<String>,
    pub tags: Option<Vec<String>>,
}

/// One role's value in an element patch's `media`: an id, a list of ids (picked at random
/// each time the element is shown), or `{ids, pick}`.
#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum MediaAssign {
    #[schema(value_type = u64)]
    One(Id),
    #[schema(value_type = Vec<u64>)]
    Many(Vec<Id>),
    Pool {
        #[schema(value_type = Vec<u64>)]
        ids: Vec<Id>,
        pick: Pick,
    },
}

/// A new media record (`media.id` is ignored; the next id is used). An upload whose content
/// is already in the library answers with the existing record's id and writes nothing.
pub fn create(world: &World, media: &Media) -> Result<Plan, EngineError> {
    if let Some(existing) = world.media.values().find(|m| m.sha256 == media.sha256) {
        return Ok(Plan {
            id: existing.id,
            ..Plan::default()
        });
    }
    let id = world.next_id(Kind::Media);
    let mut m = media.clone();
    m.id = id;
    Ok(Plan {
        writes: vec![
            Write::Counter(Kind::Media, id + 1),
            Write::Media(id, Some(m)),
        ],
        id,
        effects: Vec::new(),
    })
}

pub fn update(world: &World, id: Id, patch: &MediaPatch) -> Result<Plan, EngineError> {
    let mut m = media(world, id)?.clone();
    if let Some(n) = &patch.display_name {
        let n: String = n.trim().chars().filter(|c| !c.is_control()).collect();
        if n.is_empty() || n.chars().count() > MAX_DISPLAY_NAME {
            return Err(EngineError::Validation {
                field: "display_name".into(),
                message: format!("display_name must be 1 to {MAX_DISPLAY_NAME} characters"),
            });
        }
        m.display_name = n;
    }
    if let Some(tags) = &patch.tags {
        let mut clean: Vec<String> = Vec::new();
        for (i, t) in tags.iter().enumerate() {
            let t = t.trim().to_lowercase();
            if t.is_empty() || t.chars().count() > MAX_TAG || t.chars().any(char::is_control) {
                return Err(EngineError::Validation {
                    field: format!("tags[{i}]"),
                    message: format!("a tag must be 1 to {MAX_TAG} characters"),
                });
            }
            if !clean.contains(&t) {
                clean.push(t);
            }
        }
        if clean.len() > MAX_TAGS {
            return Err(EngineError::Validation {
                field: "tags".into(),
                message: format!("at most {MAX_TAGS} tags"),
            });
        }
        m.tags = clean;
    }
    Ok(Plan {
        writes: vec![Write::Media(id, Some(m))],
        id,
        effects: Vec::new(),
    })
}

/// Elements using a media file, as "widget 'Name' (id 3), element 'pop_sound' (role audio)".
pub fn users(world: &World, id: Id) -> Vec<(&Element, Vec<String>)> {
    world
        .elements
        .values()
        .filter_map(|e| {
            let mut roles: Vec<String> = e
                .media
                .iter()
                .filter(|(_, m)| **m == id)
                .map(|(r, _)| r.clone())
                .collect();
            for (r, p) in &e.media_pools {
                if p.ids.contains(&id) && !roles.contains(r) {
                    roles.push(r.clone());
                }
            }
            (!roles.is_empty()).then_some((e, roles))
        })
        .collect()
}

/// Deletes a record. While elements use it: refused (409 naming them) unless `force`, which
/// clears those roles in the same transaction, so the overlay hears the element updates.
pub fn delete(world: &World, id: Id, force: bool) -> Result<Plan, EngineError> {
    media(world, id)?;
    let users = users(world, id);
    // Widgets whose parameters name the file (a slideshow's images, an alert's variations).
    let mut in_params: Vec<crate::model::Widget> = Vec::new();
    for w in world.widgets.values() {
        let Some(wtype) = crate::widgets::lookup(&w.widget_class) else {
            continue;
        };
        let mut w = w.clone();
        let in_media =
            params::retain_media(&wtype.parameters(), &mut w.widget_parameters, |m| m != id);
        let in_text =
            wtype.map_text_media(&mut w.widget_parameters, &mut |m| (m != id).then_some(m));
        if in_media || in_text {
            in_params.push(w);
        }
    }
    if (!users.is_empty() || !in_params.is_empty()) && !force {
        let mut named: Vec<String> = users
            .iter()
            .map(|(e, roles)| {
                let wname = world
                    .widgets
                    .get(&e.widget_id)
                    .map(|w| w.name.as_str())
                    .unwrap_or("?");
                format!(
                    "widget '{wname}' (id {}) element '{}' (role {})",
                    e.widget_id,
                    e.name,
                    roles.join(", ")
                )
            })
            .collect();
        named.extend(
            in_params
                .iter()
                .map(|w| format!("widget '{}' (id {}) parameters", w.name, w.id)),
        );
        return Err(EngineError::Conflict(format!(
            "media {id} is in use by {}; delete with ?force=true to clear those roles and parameters",
            named.join("; ")
        )));
    }
    let mut writes: Vec<Write> = in_params
        .into_iter()
        .map(|w| Write::Widget(w.id, Some(w)))
        .collect();
    for (e, roles) in users {
        let mut e = e.clone();
        for r in roles {
            if let Some(mut pool) = e.media_pools.remove(&r) {
                pool.ids.retain(|m| *m != id);
                pool.at = 0;
                match pool.ids.first().copied() {
                    Some(first) => {
                        e.media.insert(r.clone(), first);
                        if pool.ids.len() > 1 {
                            e.media_pools.insert(r, pool);
                        }
                    }
                    None => {
                        e.media.remove(&r);
                    }
                }
            } else {
                e.media.remove(&r);
            }
        }
        writes.push(Write::Element(e.id, Some(e)));
    }
    writes.push(Write::Media(id, None));
    Ok(Plan {
        writes,
        id,
        effects: Vec::new(),
    })
}

/// The kind of media a role takes: by its name when it names one, else by the element type.
pub fn role_kind(role: &str, element_type: ElementType) -> MediaKind {
    let r = role.to_ascii_lowercase();
    if r.contains("audio") || r.contains("sound") {
        MediaKind::Audio
    } else if r.contains("video") {
        MediaKind::Video
    } else if r.contains("image") || r.contains("sprite") || r.contains("gif") {
        MediaKind::Image
    } else {
        match element_type {
            ElementType::Audio => MediaKind::Audio,
            ElementType::Video => MediaKind::Video,
            _ => MediaKind::Image,
        }
    }
}

pub fn kind_of(m: &Media) -> Option<MediaKind> {
    MediaKind::parse(&m.kind).or_else(|| MediaKind::of_mime(&m.mime_type))
}

/// Applies an element patch's `media`: each role must be one of the element's
/// `media_roles`, each media must exist and be of the kind the role takes.
pub fn assign(
    world: &World,
    e: &mut Element,
    media: &BTreeMap<String, Option<MediaAssign>>,
) -> Result<(), EngineError> {
    let roles: Vec<String> = e
        .properties
        .get("media_roles")
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|r| r.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    for (role, value) in media {
        let field = format!("media.{role}");
        if !roles.iter().any(|r| r == role) {
            return Err(EngineError::Validation {
                field,
                message: if roles.is_empty() {
                    format!("element '{}' takes no media", e.name)
                } else {
                    format!(
                        "element '{}' has no media role '{role}'; roles: {}",
                        e.name,
                        roles.join(", ")
                    )
                },
            });
        }
        let (ids, pick) = match value {
            None => {
                e.media.remove(role);
                e.media_pools.remove(role);
                continue;
            }
            Some(MediaAssign::One(id)) => (vec![*id], None),
            Some(MediaAssign::Many(ids)) => (ids.clone(), Some(Pick::Random)),
            Some(MediaAssign::Pool { ids, pick }) => (ids.clone(), Some(*pick)),
        };
        if ids.is_empty() || ids.len() > MAX_POOL {
            return Err(EngineError::Validation {
                field,
                message: format!("a role takes 1 to {MAX_POOL} media (null clears it)"),
            });
        }
        let want = role_kind(role, e.element_type);
        let mut unique: Vec<Id> = Vec::new();
        for id in ids {
            let Some(m) = world.media.get(&id) else {
                return Err(EngineError::Validation {
                    field,
                    message: format!("media {id} does not exist"),
                });
            };
            let got = kind_of(m);
            if got != Some(want) {
                return Err(EngineError::Validation {
                    field,
                    message: format!(
                        "media {id} ('{}') is {}, but role '{role}' of element '{}' takes {}",
                        m.display_name_or_original(),
                        got.map(MediaKind::as_str).unwrap_or("of unknown kind"),
                        e.name,
                        want.as_str()
                    ),
                });
            }
            if !unique.contains(&id) {
                unique.push(id);
            }
        }
        e.media.insert(role.clone(), unique[0]);
        match pick {
            Some(pick) if unique.len() > 1 => {
                e.media_pools.insert(
                    role.clone(),
                    MediaPool {
                        ids: unique,
                        pick,
                        at: 0,
                    },
                );
            }
            _ => {
                e.media_pools.remove(role);
            }
        }
    }
    Ok(())
}

/// Moves every pool of an element that a feature just showed to its next pick, so each alert
/// gets the next (or a random other) variation. Deterministic in `seed` (the request time).
pub fn advance_pools(e: &mut Element, seed: u64) {
    for (role, pool) in e.media_pools.iter_mut() {
        let n = pool.ids.len();
        if n < 2 {
            continue;
        }
        pool.at = match pool.pick {
            Pick::Sequence => (pool.at + 1) % n,
            Pick::Random => {
                // Another variation than the current one, chosen by a mixed seed.
                let r = splitmix(seed ^ e.id.rotate_left(17) ^ pool.at as u64);
                (pool.at + 1 + (r % (n as u64 - 1)) as usize) % n
            }
        };
        e.media.insert(role.clone(), pool.ids[pool.at]);
    }
}

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// Which default asset a new widget's element starts with: (widget class, element, role) →
/// `default_asset` key. Only sound is preset: a sprite or image would change how an
/// unconfigured widget looks, a pop on each blast is what the streamer expects to hear.
const DEFAULTS: &[(&str, &str, &str, &str)] = &[
    ("ConfettiAlertWidget", "pop_sound", "audio", "pop"),
    ("CountdownTimerWidget", "times_up_sound", "audio", "chime"),
    ("WheelSpinnerWidget", "win_sound", "audio", "chime"),
    ("FollowerAlertWidget", "visual", "image", "alert_image"),
    ("FollowerAlertWidget", "sound", "audio", "chime"),
    ("SubscriberAlertWidget", "visual", "image", "alert_image"),
    ("SubscriberAlertWidget", "sound", "audio", "chime"),
    ("DonationAlertWidget", "visual", "image", "alert_image"),
    ("DonationAlertWidget", "sound", "audio", "chime"),
    ("RaidAlertWidget", "visual", "image", "alert_image"),
    ("RaidAlertWidget", "sound", "audio", "chime"),
    ("CheerAlertWidget", "visual", "image", "alert_image"),
    ("CheerAlertWidget", "sound", "audio", "chime"),
];

/// Media a freshly created element starts with: the matching default asset, when present.
pub fn default_media(world: &World, class: &str, element: &str) -> MediaRoles {
    let mut out = MediaRoles::new();
    for (c, el, role, key) in DEFAULTS {
        if *c == class
            && *el == element
            && let Some(m) = world
                .media
                .values()
                .find(|m| m.default_asset.as_deref() == Some(key))
        {
            out.insert(role.to_string(), m.id);
        }
    }
    out
}

fn media(world: &World, id: Id) -> Result<&Media, EngineError> {
    world.media.get(&id).ok_or(EngineError::NotFound {
        what: "media",
        id: id.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn el(pools: Vec<Id>, pick: Pick) -> Element {
        let mut e = Element {
            id: 7,
            widget_id: 1,
            name: "gif".into(),
            element_type: ElementType::Image,
            properties: Default::default(),
            behavior: Default::default(),
            visible: false,
            media: Default::default(),
            media_pools: Default::default(),
            placement: Default::default(),
        };
        e.media.insert("image".into(), pools[0]);
        e.media_pools.insert(
            "image".into(),
            MediaPool {
                ids: pools,
                pick,
                at: 0,
            },
        );
        e
    }

    #[test]
    fn sequence_cycles_and_random_changes() {
        let mut e = el(vec![1, 2, 3], Pick::Sequence);
        let seen: Vec<Id> = (0..4)
            .map(|i| {
                advance_pools(&mut e, i);
                e.media["image"]
            })
            .collect();
        assert_eq!(seen, vec![2, 3, 1, 2]);
        let mut e = el(vec![1, 2, 3], Pick::Random);
        for seed in 0..50 {
            let before = e.media["image"];
            advance_pools(&mut e, seed * 7919);
            assert_ne!(e.media["image"], before, "random picks another variation");
        }
    }

    #[test]
    fn roles_take_kinds() {
        assert_eq!(role_kind("audio", ElementType::Image), MediaKind::Audio);
        assert_eq!(role_kind("image", ElementType::Audio), MediaKind::Image);
        assert_eq!(
            role_kind("background", ElementType::Video),
            MediaKind::Video
        );
    }
}
