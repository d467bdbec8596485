//! Planning: each request becomes a list of writes, computed from the in-memory world
//! WITHOUT touching it. A request that fails validation produces no writes at all, which is
//! what keeps every command all-or-nothing inside a shared group commit.

use super::world::World;
use super::writes::{Plan, merge};
use super::{EngineError, Request, apply_change, chat_plan, media_plan};
use crate::model::{Dashboard, Element, ElementChange, Id, Kind, Map, Timer, Widget};
use crate::store::Write;
use crate::widgets::{self, FeatureCtx, FeatureError, Outcome, WidgetType};
use crate::widgets::{ElementTemplate, FollowUpAction};
use std::collections::{BTreeMap, HashSet};

const MAX_NAME: usize = 80;
const MAX_SCENE: usize = 256;

/// `seed` is the execution's random seed (used by feature runs, recorded in the audit).
pub fn plan(world: &World, req: &Request, now_ms: u64, seed: u64) -> Result<Plan, EngineError> {
    match req {
        Request::CreateDashboard { name, obs_scene } => {
            let id = world.next_id(Kind::Dashboard);
            let position = world
                .dashboards
                .values()
                .map(|d| d.position + 1)
                .max()
                .unwrap_or(0);
            let d = Dashboard {
                id,
                name: clean_name(name, "name")?,
                obs_scene: clean_scene(obs_scene.as_deref())?,
                widget_ids: vec![],
                position,
            };
            Ok(Plan {
                writes: vec![
                    Write::Counter(Kind::Dashboard, id + 1),
                    Write::Dashboard(id, Some(d)),
                ],
                id,
                effects: Vec::new(),
            })
        }
        Request::UpdateDashboard { id, patch } => {
            let mut d = dashboard(world, *id)?.clone();
            if let Some(n) = &patch.name {
                d.name = clean_name(n, "name")?;
            }
            if let Some(scene) = &patch.obs_scene {
                d.obs_scene = clean_scene(scene.as_deref())?;
            }
            if let Some(ids) = &patch.widget_ids {
                d.widget_ids = existing_widgets(world, ids, "widget_ids")?;
            }
            if let Some(p) = patch.position {
                d.position = p;
            }
            Ok(Plan {
                writes: vec![Write::Dashboard(*id, Some(d))],
                id: *id,
                effects: Vec::new(),
            })
        }
        Request::DeleteDashboard { id } => {
            dashboard(world, *id)?;
            let mut writes = vec![Write::Dashboard(*id, None)];
            if world.active == Some(*id) {
                writes.push(Write::Active(None));
            }
            Ok(Plan {
                writes,
                id: *id,
                effects: Vec::new(),
            })
        }
        Request::ActivateDashboard { id } => {
            dashboard(world, *id)?;
            // Activating the active dashboard changes nothing (and broadcasts nothing).
            let writes = if world.active == Some(*id) {
                vec![]
            } else {
                vec![Write::Active(Some(*id))]
            };
            Ok(Plan {
                writes,
                id: *id,
                effects: Vec::new(),
            })
        }
        Request::CreateWidget {
            widget_class,
            name,
            widget_parameters,
            dashboard_ids,
        } => create_widget(world, widget_class, name, widget_parameters, dashboard_ids),
        Request::UpdateWidget {
            id,
            name,
            widget_parameters,
        } => {
            let w = widget(world, *id)?;
            let wtype = widget_type(w)?;
            let mut new = w.clone();
            if let Some(n) = name {
                new.name = clean_name(n, "name")?;
            }
            let mut plan = Plan {
                id: *id,
                writes: vec![],
                effects: Vec::new(),
            };
            if let Some(patch) = widget_parameters {
                new.widget_parameters =
                    widgets::patched_params(wtype, &w.widget_parameters, patch, world)
                        .map_err(|e| EngineError::param("widget_parameters", e))?;
                plan.writes = redrawn(world, wtype, &new, now_ms, seed)?;
            }
            plan.writes.push(Write::Widget(*id, Some(new)));
            Ok(plan)
        }
        Request::DeleteWidget { id } => {
            widget(world, *id)?;
            let mut writes: Vec<Write> = world
                .dashboards
                .values()
                .filter(|d| d.widget_ids.contains(id))
                .map(|d| {
                    let mut d = d.clone();
                    d.widget_ids.retain(|w| w != id);
                    Write::Dashboard(d.id, Some(d))
                })
                .collect();
            writes.extend(
                world
                    .elements_of(*id)
                    .iter()
                    .map(|e| Write::Element(e.id, None)),
            );
            writes.extend(
                world
                    .timers
                    .keys()
                    .filter(|(wid, _)| wid == id)
                    .map(|k| Write::Timer(k.clone(), None)),
            );
            writes.extend(chat_plan::widget_cascade(world, *id));
            writes.push(Write::Widget(*id, None));
            Ok(Plan {
                writes,
                id: *id,
                effects: Vec::new(),
            })
        }
        Request::Execute {
            widget_id,
            feature,
            parameters,
            ..
        } => execute(world, *widget_id, feature, parameters, now_ms, seed),
        Request::ChatRun {
            command_id,
            user_id,
            widget_id,
            feature,
            parameters,
        } => {
            let mut plan = execute(world, *widget_id, feature, parameters, now_ms, seed)?;
            plan.writes.extend(chat_plan::cooldown_writes(
                world,
                *command_id,
                user_id,
                now_ms,
            ));
            Ok(plan)
        }
        Request::PutCommand { id, patch } => chat_plan::put_command(world, *id, patch),
        Request::DeleteCommand { id } => chat_plan::delete_command(world, *id),
        Request::PutBinding { id, patch } => chat_plan::put_binding(world, *id, patch),
        Request::DeleteBinding { id } => chat_plan::delete_binding(world, *id),
        Request::CreateMedia { media } => media_plan::create(world, media),
        Request::UpdateMedia { id, patch } => media_plan::update(world, *id, patch),
        Request::DeleteMedia { id, force } => media_plan::delete(world, *id, *force),
        Request::Import {
            bundle,
            on_conflict,
        } => super::import_plan::plan_request(world, bundle, *on_conflict, now_ms),
        Request::PutSettings { changes } => super::settings_plan::plan(changes),
        Request::RecordEvent { event } => Ok(super::event_plan::record(world, event, now_ms)),
        Request::AlertQueue { queue, action } => Ok(Plan {
            writes: super::alert_plan::admin_writes(world, queue, action, now_ms)?,
            id: 0,
            effects: Vec::new(),
        }),
        Request::PatchElement {
            widget_id,
            name,
            patch,
        } => {
            widget(world, *widget_id)?;
            let e =
                world
                    .element_by_name(*widget_id, name)
                    .ok_or_else(|| EngineError::NotFound {
                        what: "element",
                        id: format!("{name} (widget {widget_id})"),
                    })?;
            let mut new = e.clone();
            if let Some(props) = &patch.properties {
                crate::model::element_props::validate(props).map_err(|p| {
                    EngineError::Validation {
                        field: p.field,
                        message: p.message,
                    }
                })?;
                merge(&mut new.properties, props);
                new.placement.edited(&e.properties, props, &new.properties);
            }
            if let Some(b) = &patch.behavior {
                crate::model::element_props::validate_behavior(b).map_err(|p| {
                    EngineError::Validation {
                        field: p.field,
                        message: p.message,
                    }
                })?;
                merge(&mut new.behavior, b);
            }
            if let Some(v) = patch.visible {
                new.visible = v;
            }
            if let Some(media) = &patch.media {
                media_plan::assign(world, &mut new, media)?;
            }
            Ok(Plan {
                writes: vec![Write::Element(e.id, Some(new))],
                id: *widget_id,
                effects: Vec::new(),
            })
        }
    }
}

/// Runs a feature: validation by the widget's specs, then the outcome as writes.
pub fn execute(
    world: &World,
    widget_id: Id,
    feature: &str,
    parameters: &Map,
    now_ms: u64,
    seed: u64,
) -> Result<Plan, EngineError> {
    let w = widget(world, widget_id)?;
    let wtype = widget_type(w)?;
    let elements = world.elements_of(widget_id);
    let ctx = FeatureCtx {
        params: &w.widget_parameters,
        state: &w.state,
        elements: &elements,
        now_ms,
        seed,
        media: world,
    };
    let outcome = wtype
        .run(feature, parameters, &ctx)
        .map_err(feature_error)?;
    let effects = outcome.effects.clone();
    Ok(Plan {
        writes: outcome_writes(world, w, outcome, now_ms)?,
        id: widget_id,
        effects,
    })
}

/// A new widget's state with the log's past events (newest first, as read) folded in, its
/// elements redrawn from it: a leaderboard or an event list that looks back.
pub(super) fn plan_history(
    world: &World,
    id: Id,
    mut events: Vec<crate::model::LoggedEvent>,
    now_ms: u64,
    seed: u64,
) -> Result<Vec<Write>, EngineError> {
    let w = widget(world, id)?;
    let wtype = widget_type(w)?;
    events.reverse();
    let mut new = w.clone();
    new.state = wtype
        .history(&w.widget_parameters, &w.state, &events, now_ms)
        .map_err(feature_error)?;
    let mut writes = redrawn(world, wtype, &new, now_ms, seed)?;
    writes.push(Write::Widget(id, Some(new)));
    Ok(writes)
}

/// The element writes of `new` (its parameters or state just changed) redrawing itself
/// through its `parameters_changed`.
fn redrawn(
    world: &World,
    wtype: &dyn WidgetType,
    new: &Widget,
    now_ms: u64,
    seed: u64,
) -> Result<Vec<Write>, EngineError> {
    let elements = world.elements_of(new.id);
    let ctx = FeatureCtx {
        params: &new.widget_parameters,
        state: &new.state,
        elements: &elements,
        now_ms,
        seed,
        media: world,
    };
    let outcome = wtype.parameters_changed(&ctx).map_err(feature_error)?;
    outcome_writes(world, new, outcome, now_ms)
}

/// A widget's error as the engine reports it (also for the Alerts page's dry-run preview).
pub fn feature_error(e: FeatureError) -> EngineError {
    match e {
        FeatureError::UnknownFeature { .. } => EngineError::Validation {
            field: "feature".into(),
            message: e.to_string(),
        },
        FeatureError::Param(p) => EngineError::param("parameters", p),
        FeatureError::Failed {
            class,
            feature,
            message,
        } => EngineError::WidgetFailed {
            widget: class.to_string(),
            feature,
            message,
        },
    }
}

/// A due follow-up, forgotten in the same transaction: fixed changes are applied; a feature
/// call is planned now, against the widget as it is. A call that fails is dropped with the
/// error (the caller records it), so a broken follow-up never fires again and again.
pub fn fire_timer(
    world: &World,
    key: &(Id, String),
    now_ms: u64,
    seed: u64,
) -> (Plan, Option<Result<(), EngineError>>) {
    let Some(timer) = world.timers.get(key) else {
        return (Plan::default(), None);
    };
    let forget = Write::Timer(key.clone(), None);
    let Some(call) = &timer.call else {
        let mut writes = vec![forget];
        writes.extend(change_writes(world, timer.widget_id, &[], &timer.changes));
        let plan = Plan {
            writes,
            id: timer.widget_id,
            effects: Vec::new(),
        };
        return (plan, None);
    };
    match execute(
        world,
        timer.widget_id,
        &call.feature,
        &call.args,
        now_ms,
        seed,
    ) {
        Ok(mut plan) => {
            // Forget first: the feature may schedule the same key again.
            plan.writes.insert(0, forget);
            (plan, Some(Ok(())))
        }
        Err(e) => {
            let plan = Plan {
                writes: vec![forget],
                id: timer.widget_id,
                effects: Vec::new(),
            };
            (plan, Some(Err(e)))
        }
    }
}

fn create_widget(
    world: &World,
    class: &str,
    name: &str,
    input: &Map,
    dashboard_ids: &[Id],
) -> Result<Plan, EngineError> {
    let wtype = widgets::lookup(class).ok_or_else(|| EngineError::Validation {
        field: "widget_class".into(),
        message: format!(
            "unknown widget class '{class}'; available: {}",
            widgets::REGISTRY
                .iter()
                .map(|w| w.class())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    })?;
    let params = widgets::checked_params(wtype, input, world)
        .map_err(|e| EngineError::param("widget_parameters", e))?;
    let state = wtype.initial_state(&params).map_err(feature_error)?;
    let templates = wtype.elements(&params).map_err(feature_error)?;
    let mut seen = HashSet::new();
    for d in dashboard_ids {
        if !world.dashboards.contains_key(d) {
            return Err(EngineError::Validation {
                field: "dashboard_ids".into(),
                message: format!("dashboard {d} does not exist"),
            });
        }
        seen.insert(*d);
    }
    let id = world.next_id(Kind::Widget);
    let w = Widget {
        id,
        widget_class: class.to_string(),
        name: clean_name(name, "name")?,
        state,
        widget_parameters: params,
    };
    let first_element = world.next_id(Kind::Element);
    let mut writes = vec![
        Write::Counter(Kind::Widget, id + 1),
        Write::Counter(Kind::Element, first_element + templates.len() as u64),
        Write::Widget(id, Some(w)),
    ];
    for (i, t) in templates.into_iter().enumerate() {
        let eid = first_element + i as u64;
        writes.push(Write::Element(
            eid,
            Some(new_element(world, eid, id, class, t)),
        ));
    }
    for d in seen {
        if let Some(dash) = world.dashboards.get(&d) {
            let mut dash = dash.clone();
            dash.widget_ids.push(id);
            writes.push(Write::Dashboard(d, Some(dash)));
        }
    }
    Ok(Plan {
        writes,
        id,
        effects: Vec::new(),
    })
}

/// An element from a template: defaults for its media come from the widget type's assets.
fn new_element(world: &World, id: Id, widget_id: Id, class: &str, t: ElementTemplate) -> Element {
    Element {
        id,
        widget_id,
        media: media_plan::default_media(world, class, &t.name),
        name: t.name,
        element_type: t.element_type,
        properties: t.properties,
        behavior: t.behavior,
        visible: t.visible,
        media_pools: Default::default(),
        placement: Default::default(),
    }
}

/// Turns a widget's outcome into writes: elements created and deleted, element changes,
/// state, parameters, follow-ups. A widget that creates a name it already has (or changes
/// one it does not have) is a bug in that widget: the request fails, nothing is written.
fn outcome_writes(
    world: &World,
    w: &Widget,
    outcome: Outcome,
    now_ms: u64,
) -> Result<Vec<Write>, EngineError> {
    let bug = |message: String| EngineError::WidgetFailed {
        widget: w.widget_class.clone(),
        feature: "outcome".into(),
        message,
    };
    let mut writes = Vec::new();
    let mut deleted: HashSet<&str> = HashSet::new();
    for name in &outcome.delete {
        match world.element_by_name(w.id, name) {
            Some(e) => {
                deleted.insert(name);
                writes.push(Write::Element(e.id, None));
            }
            None => {
                return Err(bug(format!(
                    "deleted element '{name}', which it does not have"
                )));
            }
        }
    }
    let mut created = Vec::new();
    let first = world.next_id(Kind::Element);
    for (i, t) in outcome.create.into_iter().enumerate() {
        let clash = (world.element_by_name(w.id, &t.name).is_some()
            && !deleted.contains(t.name.as_str()))
            || created.iter().any(|e: &Element| e.name == t.name);
        if clash || t.name.trim().is_empty() || t.name.chars().count() > MAX_NAME {
            return Err(bug(format!(
                "created element '{}', a name it cannot have (taken or invalid)",
                t.name
            )));
        }
        created.push(new_element(
            world,
            first + i as u64,
            w.id,
            &w.widget_class,
            t,
        ));
    }
    if !created.is_empty() {
        writes.push(Write::Counter(Kind::Element, first + created.len() as u64));
    }
    let changed = change_writes(world, w.id, &created, &outcome.changes);
    let missing = outcome.changes.iter().find(|c| {
        deleted.contains(c.name.as_str())
            || (world.element_by_name(w.id, &c.name).is_none()
                && !created.iter().any(|e| e.name == c.name))
    });
    if let Some(c) = missing {
        return Err(bug(format!(
            "changed element '{}', which it does not have",
            c.name
        )));
    }
    let mut element_writes: Vec<Write> = changed;
    for e in created {
        if !element_writes
            .iter()
            .any(|wr| matches!(wr, Write::Element(id, _) if *id == e.id))
        {
            element_writes.push(Write::Element(e.id, Some(e)));
        }
    }
    shown_pools_advance(&mut element_writes, &outcome.changes, now_ms);
    writes.extend(element_writes);
    if outcome.state.is_some() || outcome.parameters.is_some() {
        let mut new = w.clone();
        if let Some(s) = outcome.state {
            new.state = s;
        }
        if let Some(p) = outcome.parameters {
            new.widget_parameters = p;
        }
        writes.push(Write::Widget(w.id, Some(new)));
    }
    for key in outcome.cancel {
        let k = (w.id, key);
        if world.timers.contains_key(&k) {
            writes.push(Write::Timer(k, None));
        }
    }
    writes.extend(super::alert_plan::ops_writes(
        world,
        w.id,
        outcome.alerts,
        now_ms,
    ));
    for f in outcome.follow_ups {
        let (changes, call) = match f.action {
            FollowUpAction::Changes(c) => (c, None),
            FollowUpAction::Call(call) => (Vec::new(), Some(call)),
        };
        let timer = Timer {
            widget_id: w.id,
            key: f.key.clone(),
            due_ms: now_ms + f.after_ms,
            changes,
            call,
        };
        writes.push(Write::Timer((w.id, f.key), Some(timer)));
    }
    Ok(writes)
}

/// Elements `changes` show move their media pools to the next variation (a random or the
/// next picture each time an alert or effect is shown).
pub(super) fn shown_pools_advance(writes: &mut [Write], changes: &[ElementChange], now_ms: u64) {
    for write in writes.iter_mut() {
        if let Write::Element(_, Some(e)) = write
            && !e.media_pools.is_empty()
            && changes
                .iter()
                .any(|c| c.name == e.name && c.visible == Some(true))
        {
            media_plan::advance_pools(e, now_ms);
        }
    }
}

/// Element changes by name → element writes (several changes to one element are folded);
/// `created` are elements of this same outcome, not in the world yet.
pub(super) fn change_writes(
    world: &World,
    widget_id: Id,
    created: &[Element],
    changes: &[ElementChange],
) -> Vec<Write> {
    let mut changed: BTreeMap<Id, Element> = BTreeMap::new();
    for c in changes {
        let found = created
            .iter()
            .find(|e| e.name == c.name)
            .or_else(|| world.element_by_name(widget_id, &c.name));
        let Some(e) = found else {
            tracing::warn!(widget_id, element = %c.name, "a change to an element the widget does not have");
            continue;
        };
        let entry = changed.entry(e.id).or_insert_with(|| e.clone());
        apply_change(entry, c);
    }
    changed
        .into_iter()
        .map(|(id, e)| Write::Element(id, Some(e)))
        .collect()
}

fn dashboard(world: &World, id: Id) -> Result<&Dashboard, EngineError> {
    world.dashboards.get(&id).ok_or(EngineError::NotFound {
        what: "dashboard",
        id: id.to_string(),
    })
}

fn widget(world: &World, id: Id) -> Result<&Widget, EngineError> {
    world.widgets.get(&id).ok_or(EngineError::NotFound {
        what: "widget",
        id: id.to_string(),
    })
}

fn widget_type(w: &Widget) -> Result<&'static dyn WidgetType, EngineError> {
    widgets::lookup(&w.widget_class).ok_or_else(|| {
        EngineError::Conflict(format!(
            "widget {} is of type '{}', which this build of stagehand does not provide",
            w.id, w.widget_class
        ))
    })
}

fn existing_widgets(world: &World, ids: &[Id], field: &str) -> Result<Vec<Id>, EngineError> {
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if !world.widgets.contains_key(id) {
            return Err(EngineError::Validation {
                field: field.into(),
                message: format!("widget {id} does not exist"),
            });
        }
        if !out.contains(id) {
            out.push(*id);
        }
    }
    Ok(out)
}

fn clean_name(name: &str, field: &str) -> Result<String, EngineError> {
    let n: String = name.trim().chars().filter(|c| !c.is_control()).collect();
    if n.is_empty() || n.chars().count() > MAX_NAME {
        return Err(EngineError::Validation {
            field: field.into(),
            message: format!("{field} must be 1 to {MAX_NAME} characters"),
        });
    }
    Ok(n)
}

fn clean_scene(scene: Option<&str>) -> Result<Option<String>, EngineError> {
    match scene.map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) if s.chars().count() > MAX_SCENE => Err(EngineError::Validation {
            field: "obs_scene".into(),
            message: format!("obs_scene must be at most {MAX_SCENE} characters"),
        }),
        Some(s) => Ok(Some(s.to_string())),
    }
}
