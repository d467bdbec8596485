//! Planning a bundle import: every record becomes the request a person would have made
//! (create media, widget, dashboard, command, binding), planned with the SAME planners and
//! validators against a scratch copy of the world that each step is applied to, so later
//! steps see earlier ones (a command sees its new widget). All the writes form one plan:
//! one transaction, all or nothing. Pure, like `plan.rs`; the dry run is this same function
//! over a world read from committed state.

use super::world::World;
use super::writes::Plan;
use super::{DashboardPatch, EngineError, MediaAssign, Request, chat_plan, media_plan, plan};
use crate::bundle::{BundleElement, Manifest, OnConflict};
use crate::model::{BindingPatch, CommandPatch, Id, Map};
use crate::store::Write;
use crate::widgets::{self, params};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// What an import does (or, in a dry run, would do) with each record of the bundle.
#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    pub dashboards: Vec<Item>,
    pub widgets: Vec<Item>,
    pub commands: Vec<Item>,
    pub event_bindings: Vec<Item>,
    pub media: Vec<Item>,
    /// Items whose name is taken; without `on_conflict` the import is refused (409).
    pub conflicts: usize,
    /// Dashboards created or replaced, in bundle order (ids of this install).
    #[schema(value_type = Vec<u64>)]
    pub dashboard_ids: Vec<Id>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[schema(as = ImportItem)]
pub struct Item {
    /// The record's name in the bundle (trigger for commands, event for bindings).
    pub name: String,
    pub action: Action,
    /// The name is taken by this existing record.
    pub conflict: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<u64>)]
    pub existing_id: Option<Id>,
    /// The free name a rename picked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_name: Option<String>,
    /// Widgets: how many of its elements the bundle configures (absent when skipped).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub elements: Option<usize>,
    /// Why it is skipped when not by choice.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = ImportAction)]
pub enum Action {
    Create,
    Rename,
    Replace,
    Skip,
    /// Media whose content is already in the library: the existing record is used.
    Reuse,
    /// A conflict nobody chose for yet (dry run without `on_conflict`).
    Unresolved,
}

fn item(name: &str, action: Action) -> Item {
    Item {
        name: name.to_string(),
        action,
        conflict: false,
        existing_id: None,
        new_name: None,
        elements: None,
        note: None,
    }
}

/// The action for a record, given whether (and with what) its name conflicts.
fn decide(existing: Option<Id>, choice: Option<OnConflict>, name: &str, rep: &mut usize) -> Item {
    let Some(id) = existing else {
        return item(name, Action::Create);
    };
    *rep += 1;
    let action = match choice {
        None => Action::Unresolved,
        Some(OnConflict::Rename) => Action::Rename,
        Some(OnConflict::Replace) => Action::Replace,
        Some(OnConflict::Skip) => Action::Skip,
    };
    Item {
        conflict: true,
        existing_id: Some(id),
        ..item(name, action)
    }
}

/// Plans `bundle` against `world`. An unresolved conflict is planned like a rename (so a
/// dry run reports everything); [`plan_request`] refuses it.
pub fn plan_import(
    world: &World,
    bundle: &Manifest,
    choice: Option<OnConflict>,
    now_ms: u64,
) -> Result<(Plan, ImportReport), EngineError> {
    let mut s = Scratch {
        world: world.clone(),
        writes: Vec::new(),
        now_ms,
    };
    let mut rep = ImportReport::default();
    let mut conflicts = 0usize;

    // Media first: elements point at it. The same content already in the library is reused.
    let mut media_ids: BTreeMap<Id, Id> = BTreeMap::new();
    for (i, m) in bundle.media.iter().enumerate() {
        let p = s.run(
            Request::CreateMedia {
                media: Box::new(m.clone()),
            },
            &format!("manifest.media[{i}]"),
        )?;
        let action = if p.writes.is_empty() {
            Action::Reuse
        } else {
            Action::Create
        };
        let mut it = item(m.display_name_or_original(), action);
        if action == Action::Reuse {
            it.existing_id = Some(p.id);
        }
        rep.media.push(it);
        media_ids.insert(m.id, p.id);
    }

    // Which dashboards come in decides which widgets do.
    let mut order: Vec<usize> = (0..bundle.dashboards.len()).collect();
    order.sort_by_key(|i| (bundle.dashboards[*i].position, *i));
    let mut dash_items: BTreeMap<usize, Item> = BTreeMap::new();
    for &i in &order {
        let d = &bundle.dashboards[i];
        let existing = s
            .world
            .dashboards
            .values()
            .find(|x| same_name(&x.name, &d.name))
            .map(|x| x.id);
        dash_items.insert(i, decide(existing, choice, &d.name, &mut conflicts));
    }
    let on_kept_dashboard: BTreeSet<Id> = dash_items
        .iter()
        .filter(|(_, it)| it.action != Action::Skip)
        .flat_map(|(i, _)| bundle.dashboards[*i].widget_ids.iter().copied())
        .collect();
    let on_any_dashboard: BTreeSet<Id> = bundle
        .dashboards
        .iter()
        .flat_map(|d| d.widget_ids.iter().copied())
        .collect();

    let mut widget_ids: BTreeMap<Id, Id> = BTreeMap::new();
    for (i, w) in bundle.widgets.iter().enumerate() {
        let field = format!("manifest.widgets[{i}]");
        if on_any_dashboard.contains(&w.id) && !on_kept_dashboard.contains(&w.id) {
            let mut it = item(&w.name, Action::Skip);
            it.note = Some("only on skipped dashboards".into());
            rep.widgets.push(it);
            continue;
        }
        let existing = s
            .world
            .widgets
            .values()
            .find(|x| x.widget_class == w.widget_class && same_name(&x.name, &w.name))
            .map(|x| x.id);
        let mut it = decide(existing, choice, &w.name, &mut conflicts);
        let id = match (it.action, existing) {
            (Action::Skip, Some(id)) => id,
            (Action::Replace, Some(id)) => {
                let Some(wtype) = widgets::lookup(&w.widget_class) else {
                    return Err(unknown_class(&field, &w.widget_class));
                };
                let mut new = s.world.widgets[&id].clone();
                let specs = wtype.parameters();
                let mut given = w.widget_parameters.clone();
                params::map_media(&specs, &mut given, |id| {
                    media_ids.get(&id).copied().unwrap_or(id)
                });
                wtype.map_text_media(&mut given, &mut |id| {
                    Some(media_ids.get(&id).copied().unwrap_or(id))
                });
                new.widget_parameters = widgets::checked_params(wtype, &given, &s.world)
                    .map_err(|e| EngineError::param(&format!("{field}.widget_parameters"), e))?;
                new.state = w.state.clone();
                s.write(Write::Widget(id, Some(new)));
                id
            }
            _ => {
                let name = if it.action == Action::Create {
                    w.name.clone()
                } else {
                    let n = free_name(&w.name, |n| {
                        s.world
                            .widgets
                            .values()
                            .any(|x| x.widget_class == w.widget_class && same_name(&x.name, n))
                    });
                    it.new_name = Some(n.clone());
                    n
                };
                let Some(wtype) = widgets::lookup(&w.widget_class) else {
                    return Err(unknown_class(&field, &w.widget_class));
                };
                // The bundle's files got new ids here: so do a widget's `media` parameters.
                let mut given = w.widget_parameters.clone();
                params::map_media(&wtype.parameters(), &mut given, |id| {
                    media_ids.get(&id).copied().unwrap_or(id)
                });
                wtype.map_text_media(&mut given, &mut |id| {
                    Some(media_ids.get(&id).copied().unwrap_or(id))
                });
                let p = s.run(
                    Request::CreateWidget {
                        widget_class: w.widget_class.clone(),
                        name,
                        widget_parameters: given,
                        dashboard_ids: Vec::new(),
                    },
                    &field,
                )?;
                let mut new = s.world.widgets[&p.id].clone();
                new.state = w.state.clone();
                s.write(Write::Widget(p.id, Some(new)));
                p.id
            }
        };
        if it.action != Action::Skip {
            it.elements = Some(w.elements.len());
            for (j, e) in w.elements.iter().enumerate() {
                let f = format!("{field}.elements[{j}]");
                s.element(id, &w.widget_class, e, &media_ids, &f)?;
            }
        }
        widget_ids.insert(w.id, id);
        rep.widgets.push(it);
    }

    // Dashboards, in their order; into an empty install they keep their positions.
    let keep_positions = world.dashboards.is_empty();
    for &i in &order {
        let d = &bundle.dashboards[i];
        let field = format!("manifest.dashboards[{i}]");
        let mut it = dash_items
            .remove(&i)
            .unwrap_or_else(|| item(&d.name, Action::Create));
        let mut ids: Vec<Id> = Vec::new();
        for w in &d.widget_ids {
            if let Some(id) = widget_ids.get(w)
                && !ids.contains(id)
            {
                ids.push(*id);
            }
        }
        match (it.action, it.existing_id) {
            (Action::Skip, _) => {}
            (Action::Replace, Some(id)) => {
                let patch = DashboardPatch {
                    obs_scene: Some(d.obs_scene.clone()),
                    widget_ids: Some(ids),
                    ..DashboardPatch::default()
                };
                s.run(Request::UpdateDashboard { id, patch }, &field)?;
                rep.dashboard_ids.push(id);
            }
            _ => {
                let name = if it.action == Action::Create {
                    d.name.clone()
                } else {
                    let n = free_name(&d.name, |n| {
                        s.world.dashboards.values().any(|x| same_name(&x.name, n))
                    });
                    it.new_name = Some(n.clone());
                    n
                };
                let p = s.run(
                    Request::CreateDashboard {
                        name,
                        obs_scene: d.obs_scene.clone(),
                    },
                    &field,
                )?;
                let patch = DashboardPatch {
                    widget_ids: Some(ids),
                    position: keep_positions.then_some(d.position),
                    ..DashboardPatch::default()
                };
                s.run(Request::UpdateDashboard { id: p.id, patch }, &field)?;
                rep.dashboard_ids.push(p.id);
            }
        }
        rep.dashboards.push(it);
    }

    for (i, c) in bundle.commands.iter().enumerate() {
        let field = format!("manifest.commands[{i}]");
        let Some(widget_id) = widget_ids.get(&c.widget_id).copied() else {
            let mut it = item(&c.trigger, Action::Skip);
            it.note = Some("its widget is not imported".into());
            rep.commands.push(it);
            continue;
        };
        let names: Vec<String> = std::iter::once(&c.trigger)
            .chain(&c.aliases)
            .map(|n| chat_plan::bare(n))
            .collect();
        let existing = names.iter().find_map(|n| taken(&s.world, n)).map(|o| o.id);
        let mut it = decide(existing, choice, &c.trigger, &mut conflicts);
        let mut patch = CommandPatch::from(c.clone());
        patch.widget_id = Some(Some(widget_id));
        match (it.action, it.existing_id) {
            (Action::Skip, _) => {}
            (Action::Replace, Some(id)) => {
                s.run(
                    Request::PutCommand {
                        id: Some(id),
                        patch,
                    },
                    &field,
                )?;
            }
            (action, _) => {
                if action != Action::Create {
                    let trigger = free_trigger(&c.trigger, |n| taken(&s.world, n).is_some());
                    let aliases = c
                        .aliases
                        .iter()
                        .filter(|a| taken(&s.world, a).is_none())
                        .cloned()
                        .collect();
                    it.new_name = Some(trigger.clone());
                    patch.trigger = Some(Some(trigger));
                    patch.aliases = Some(Some(aliases));
                }
                s.run(Request::PutCommand { id: None, patch }, &field)?;
            }
        }
        rep.commands.push(it);
    }

    for (i, b) in bundle.event_bindings.iter().enumerate() {
        let field = format!("manifest.event_bindings[{i}]");
        let name = serde_json::to_value(b.event)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let Some(widget_id) = widget_ids.get(&b.widget_id).copied() else {
            let mut it = item(&name, Action::Skip);
            it.note = Some("its widget is not imported".into());
            rep.event_bindings.push(it);
            continue;
        };
        let existing = s
            .world
            .bindings
            .values()
            .find(|o| {
                o.event == b.event
                    && o.min_amount == b.min_amount
                    && o.reward == b.reward
                    && o.widget_id == widget_id
                    && o.feature == b.feature
            })
            .map(|o| o.id);
        let it = decide(existing, choice, &name, &mut conflicts);
        let mut patch = BindingPatch::from(b.clone());
        patch.widget_id = Some(Some(widget_id));
        match (it.action, it.existing_id) {
            (Action::Skip, _) => {}
            (Action::Replace, Some(id)) => {
                s.run(
                    Request::PutBinding {
                        id: Some(id),
                        patch,
                    },
                    &field,
                )?;
            }
            _ => {
                s.run(Request::PutBinding { id: None, patch }, &field)?;
            }
        }
        rep.event_bindings.push(it);
    }

    rep.conflicts = conflicts;
    Ok((
        Plan {
            writes: s.writes,
            id: rep.dashboard_ids.first().copied().unwrap_or(0),
            effects: Vec::new(),
        },
        rep,
    ))
}

/// The engine's arm: like [`plan_import`], refusing unresolved conflicts.
pub fn plan_request(
    world: &World,
    bundle: &Manifest,
    choice: Option<OnConflict>,
    now_ms: u64,
) -> Result<Plan, EngineError> {
    let (p, rep) = plan_import(world, bundle, choice, now_ms)?;
    if choice.is_none() && rep.conflicts > 0 {
        return Err(EngineError::Conflict(format!(
            "{} item(s) of the bundle have the name of an existing one; import with \
             on_conflict=rename, replace or skip (a dry run lists them)",
            rep.conflicts
        )));
    }
    Ok(p)
}

/// The world as the import has changed it so far, and the writes that did it.
struct Scratch {
    world: World,
    writes: Vec<Write>,
    now_ms: u64,
}

impl Scratch {
    /// Plans one request with the ordinary planner and applies it to the scratch world.
    fn run(&mut self, req: Request, field: &str) -> Result<Plan, EngineError> {
        // An import only creates and configures; it runs no feature, so no randomness is drawn.
        let p = plan::plan(&self.world, &req, self.now_ms, 0).map_err(|e| within(field, e))?;
        for w in &p.writes {
            self.world.apply(w);
        }
        self.writes.extend(p.writes.iter().cloned());
        Ok(p)
    }

    fn write(&mut self, w: Write) {
        self.world.apply(&w);
        self.writes.push(w);
    }

    /// One element as the bundle has it: properties checked by the element validator,
    /// media by the role/kind rules of an element edit, pools keeping their current pick.
    fn element(
        &mut self,
        widget_id: Id,
        class: &str,
        be: &BundleElement,
        media_ids: &BTreeMap<Id, Id>,
        field: &str,
    ) -> Result<(), EngineError> {
        let Some(e) = self.world.element_by_name(widget_id, &be.name) else {
            return Err(EngineError::Validation {
                field: format!("{field}.name"),
                message: format!("{class} has no element '{}'", be.name),
            });
        };
        let mut new = e.clone();
        // What differs from the element as it stands is an element edit, checked as one
        // (so keys the widget defines, like media_roles, stay the widget's).
        let mut diff = Map::new();
        for (k, v) in &be.properties {
            if new.properties.get(k) != Some(v) {
                diff.insert(k.clone(), v.clone());
            }
        }
        for k in new.properties.keys() {
            if !be.properties.contains_key(k) {
                diff.insert(k.clone(), serde_json::Value::Null);
            }
        }
        crate::model::element_props::validate(&diff).map_err(|p| EngineError::Validation {
            field: format!("{field}.{}", p.field),
            message: p.message,
        })?;
        super::merge(&mut new.properties, &diff);
        new.behavior = be.behavior.clone();
        new.visible = be.visible;
        new.placement = be.placement.clone();
        let mapped = |id: &Id| media_ids.get(id).copied().unwrap_or(*id);
        let mut assign: BTreeMap<String, Option<MediaAssign>> = new
            .media
            .keys()
            .chain(new.media_pools.keys())
            .map(|r| (r.clone(), None))
            .collect();
        for (role, id) in &be.media {
            let value = match be.media_pools.get(role) {
                Some(pool) => MediaAssign::Pool {
                    ids: pool.ids.iter().map(mapped).collect(),
                    pick: pool.pick,
                },
                None => MediaAssign::One(mapped(id)),
            };
            assign.insert(role.clone(), Some(value));
        }
        // Roles the element has no media_roles for cannot be cleared by `assign`: they are
        // simply absent from what the bundle gives.
        let roles: BTreeSet<String> = new
            .properties
            .get("media_roles")
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|r| r.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        assign.retain(|role, v| v.is_some() || roles.contains(role));
        new.media.retain(|role, _| roles.contains(role));
        new.media_pools.retain(|role, _| roles.contains(role));
        media_plan::assign(&self.world, &mut new, &assign).map_err(|e| within(field, e))?;
        for (role, bp) in &be.media_pools {
            if let Some(pool) = new.media_pools.get_mut(role)
                && bp.at < pool.ids.len()
                && pool.ids.len() == bp.ids.len()
            {
                pool.at = bp.at;
                new.media.insert(role.clone(), pool.ids[bp.at]);
            }
        }
        self.write(Write::Element(new.id, Some(new)));
        Ok(())
    }
}

/// The command already using chat name `n` (with or without its prefix).
fn taken<'a>(w: &'a World, n: &str) -> Option<&'a crate::model::ChatCommand> {
    let n = chat_plan::bare(n);
    w.commands.values().find(|o| {
        std::iter::once(&o.trigger)
            .chain(&o.aliases)
            .any(|x| chat_plan::bare(x) == n)
    })
}

/// An error of a step, located in the manifest (`manifest.widgets[2].widget_parameters.x`).
fn within(prefix: &str, e: EngineError) -> EngineError {
    match e {
        EngineError::Validation { field, message } => EngineError::Validation {
            field: format!("{prefix}.{field}"),
            message,
        },
        EngineError::NotFound { what, id } => EngineError::Validation {
            field: prefix.to_string(),
            message: format!("{what} {id} not found"),
        },
        EngineError::Conflict(m) => EngineError::Conflict(format!("{prefix}: {m}")),
        other => other,
    }
}

fn unknown_class(field: &str, class: &str) -> EngineError {
    EngineError::Validation {
        field: format!("{field}.widget_class"),
        message: format!(
            "unknown widget class '{class}'; available: {}",
            widgets::REGISTRY
                .iter()
                .map(|w| w.class())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn same_name(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

/// "Main" → "Main (2)", "Main (3)", … whichever is free; kept within the 80-character limit.
fn free_name(base: &str, taken: impl Fn(&str) -> bool) -> String {
    let base: String = base.trim().chars().take(72).collect();
    (2..)
        .map(|n| format!("{base} ({n})"))
        .find(|n| !taken(n))
        .unwrap_or(base)
}

/// "!confetti" → "!confetti2", "!confetti3", … (one word, within the trigger limit).
fn free_trigger(base: &str, taken: impl Fn(&str) -> bool) -> String {
    let base: String = base.trim().chars().take(28).collect();
    (2..)
        .map(|n| format!("{base}{n}"))
        .find(|n| !taken(n))
        .unwrap_or(base)
}
