//! JSON views of committed state, read from the store (never from the engine's memory,
//! so the API only ever shows what is on disk).

use super::error::ApiError;
use crate::model::{Dashboard, ElementView, Id, Media, Widget, enabled_widgets};
use crate::store::StoreReader;
use crate::widgets::{self, FeatureSpec};
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};

/// A dashboard in the list.
#[derive(Serialize, utoipa::ToSchema)]
pub struct DashboardSummary {
    #[serde(flatten)]
    pub dashboard: Dashboard,
    /// It is live: its widgets render on the overlay.
    pub active: bool,
}

/// A dashboard with its widgets.
#[derive(Serialize, utoipa::ToSchema)]
pub struct DashboardDetail {
    #[serde(flatten)]
    pub dashboard: Dashboard,
    /// It is live: its widgets render on the overlay.
    pub active: bool,
    pub widgets: Vec<WidgetDetail>,
}

/// A widget with its elements and features.
#[derive(Serialize, utoipa::ToSchema)]
pub struct WidgetDetail {
    #[serde(flatten)]
    pub widget: Widget,
    /// The widget type's display name.
    pub display_name: &'static str,
    /// Dashboards this widget is on.
    #[schema(value_type = Vec<u64>)]
    pub dashboard_ids: Vec<Id>,
    /// On the active dashboard: its elements render.
    pub enabled: bool,
    pub elements: Vec<ElementView>,
    pub features: Vec<FeatureSpec>,
}

/// Shared lookups for building several views from one read transaction.
pub struct Views {
    r: StoreReader,
    dashboards: Vec<Dashboard>,
    active: Option<Id>,
    enabled: HashSet<Id>,
    media: BTreeMap<Id, Media>,
}

impl Views {
    pub fn new(r: StoreReader) -> Result<Views, ApiError> {
        let dashboards = r.dashboards()?;
        let active = r.active_dashboard()?;
        let enabled = enabled_widgets(dashboards.iter().find(|d| Some(d.id) == active));
        let media = r.all_media()?.into_iter().map(|m| (m.id, m)).collect();
        Ok(Views {
            r,
            dashboards,
            active,
            enabled,
            media,
        })
    }

    pub fn dashboards(&self) -> Vec<DashboardSummary> {
        self.dashboards
            .iter()
            .map(|d| DashboardSummary {
                dashboard: d.clone(),
                active: Some(d.id) == self.active,
            })
            .collect()
    }

    pub fn dashboard(&self, id: Id) -> Result<DashboardDetail, ApiError> {
        let d = self
            .dashboards
            .iter()
            .find(|d| d.id == id)
            .ok_or_else(|| ApiError::not_found(format!("dashboard {id} not found")))?;
        let mut widgets = Vec::with_capacity(d.widget_ids.len());
        for wid in &d.widget_ids {
            if let Some(w) = self.r.widget(*wid)? {
                widgets.push(self.widget_detail(w)?);
            }
        }
        Ok(DashboardDetail {
            dashboard: d.clone(),
            active: Some(id) == self.active,
            widgets,
        })
    }

    pub fn widgets(&self) -> Result<Vec<WidgetDetail>, ApiError> {
        self.r
            .widgets()?
            .into_iter()
            .map(|w| self.widget_detail(w))
            .collect()
    }

    pub fn widget(&self, id: Id) -> Result<WidgetDetail, ApiError> {
        let w = self
            .r
            .widget(id)?
            .ok_or_else(|| ApiError::not_found(format!("widget {id} not found")))?;
        self.widget_detail(w)
    }

    pub fn elements(&self, widget_id: Id) -> Result<Vec<ElementView>, ApiError> {
        let enabled = self.enabled.contains(&widget_id);
        Ok(self
            .r
            .elements_of(widget_id)?
            .iter()
            .map(|e| ElementView::new(e, enabled, |id| self.media.get(&id)))
            .collect())
    }

    pub fn element(&self, widget_id: Id, name: &str) -> Result<ElementView, ApiError> {
        let e = self.r.element_by_name(widget_id, name)?.ok_or_else(|| {
            ApiError::not_found(format!("element {name} (widget {widget_id}) not found"))
        })?;
        Ok(ElementView::new(
            &e,
            self.enabled.contains(&widget_id),
            |id| self.media.get(&id),
        ))
    }

    fn widget_detail(&self, widget: Widget) -> Result<WidgetDetail, ApiError> {
        let wtype = widgets::lookup(&widget.widget_class);
        let params = &widget.widget_parameters;
        Ok(WidgetDetail {
            display_name: wtype
                .map(|t| t.display_name())
                .unwrap_or("Unknown widget type"),
            dashboard_ids: self
                .dashboards
                .iter()
                .filter(|d| d.widget_ids.contains(&widget.id))
                .map(|d| d.id)
                .collect(),
            enabled: self.enabled.contains(&widget.id),
            elements: self.elements(widget.id)?,
            features: wtype.map(|t| t.features(params)).unwrap_or_default(),
            widget,
        })
    }

    pub fn reader(&self) -> &StoreReader {
        &self.r
    }
}
