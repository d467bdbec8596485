//! The structured subject of an audit entry, known before planning (so failures have one
//! too): ids and names the admin feed shows without parsing the human-readable target.

use super::Request;
use super::world::World;
use crate::model::{AuditSubject, Id};

pub fn of(world: &World, req: &Request) -> AuditSubject {
    let widget = |id: Id, kind: &str| {
        let w = world.widgets.get(&id);
        AuditSubject {
            kind: kind.into(),
            widget_id: Some(id),
            widget_name: w.map(|w| w.name.clone()),
            widget_class: w.map(|w| w.widget_class.clone()),
            ..AuditSubject::default()
        }
    };
    let dashboard = |id: Id| AuditSubject {
        kind: "dashboard".into(),
        dashboard_id: Some(id),
        dashboard_name: world.dashboards.get(&id).map(|d| d.name.clone()),
        ..AuditSubject::default()
    };
    let run = |id: Id, feature: &str| {
        let live = world
            .active_dashboard()
            .is_some_and(|d| d.widget_ids.contains(&id));
        AuditSubject {
            feature: Some(feature.into()),
            live: Some(live),
            ..widget(id, "widget")
        }
    };
    let command = |id: Option<Id>, trigger: Option<String>| AuditSubject {
        kind: "command".into(),
        command_id: id,
        trigger: trigger
            .or_else(|| id.and_then(|i| world.commands.get(&i).map(|c| c.trigger.clone()))),
        ..AuditSubject::default()
    };
    match req {
        Request::CreateDashboard { name, .. } => AuditSubject {
            kind: "dashboard".into(),
            dashboard_name: Some(name.clone()),
            ..AuditSubject::default()
        },
        Request::UpdateDashboard { id, .. }
        | Request::DeleteDashboard { id }
        | Request::ActivateDashboard { id } => dashboard(*id),
        Request::CreateWidget {
            widget_class, name, ..
        } => AuditSubject {
            kind: "widget".into(),
            widget_name: Some(name.clone()),
            widget_class: Some(widget_class.clone()),
            ..AuditSubject::default()
        },
        Request::UpdateWidget { id, .. } | Request::DeleteWidget { id } => widget(*id, "widget"),
        Request::Execute {
            widget_id, feature, ..
        }
        | Request::ChatRun {
            widget_id, feature, ..
        } => run(*widget_id, feature),
        Request::PatchElement {
            widget_id, name, ..
        } => AuditSubject {
            element: Some(name.clone()),
            ..widget(*widget_id, "element")
        },
        Request::PutCommand { id: Some(id), .. } | Request::DeleteCommand { id } => {
            command(Some(*id), None)
        }
        Request::PutCommand { id: None, patch } => command(None, patch.trigger.clone().flatten()),
        Request::PutBinding { id, .. } => AuditSubject {
            kind: "binding".into(),
            binding_id: *id,
            ..AuditSubject::default()
        },
        Request::CreateMedia { media } => AuditSubject {
            kind: "media".into(),
            media_id: Some(media.id),
            ..AuditSubject::default()
        },
        Request::UpdateMedia { id, .. } | Request::DeleteMedia { id, .. } => AuditSubject {
            kind: "media".into(),
            media_id: Some(*id),
            ..AuditSubject::default()
        },
        Request::Import { .. } => AuditSubject {
            kind: "bundle".into(),
            ..AuditSubject::default()
        },
        Request::RecordEvent { .. } => AuditSubject {
            kind: "event".into(),
            ..AuditSubject::default()
        },
        Request::DeleteBinding { id } => AuditSubject {
            kind: "binding".into(),
            binding_id: Some(*id),
            ..AuditSubject::default()
        },
        Request::PutSettings { .. } => AuditSubject {
            kind: "settings".into(),
            ..AuditSubject::default()
        },
        Request::AlertQueue { .. } => AuditSubject {
            kind: "alert_queue".into(),
            ..AuditSubject::default()
        },
    }
}
