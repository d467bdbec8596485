//! The widget framework: a widget type is one file here implementing [`typed::Widget`]
//! (parameters and features declared once with [`params!`](crate::params) and
//! [`features!`](crate::features)), plus one line in [`REGISTRY`]. Widgets are pure: they get
//! their parameters, state and elements and return changes; they know nothing of HTTP, redb
//! or sockets.

pub mod alert;
pub mod color;
mod declare;
mod icons;
mod look;
pub mod params;
mod progress;
#[cfg(any(test, feature = "test-widgets"))]
pub mod testing;
pub mod typed;

mod chat_box;
mod cheer_alert;
mod confetti_alert;
mod countdown_timer;
mod current_game;
mod death_counter;
mod donation_alert;
mod donation_goal;
mod event_list;
mod follower_alert;
mod goal_tracker;
mod image;
mod image_sequence;
mod obs_scene;
mod poll;
mod raid_alert;
mod social_media;
mod sound_board;
mod split_timer;
mod subscriber_alert;
mod text;
mod text_ticker;
mod top_supporter;
mod video_player;
mod wheel_spinner;

use crate::model::{Element, ElementChange, ElementType, FeatureCall, Map};
use params::{ParamError, ParamSpec};
use serde::Serialize;
use typed::Typed;

/// Every registered widget type, in the order the widget library lists them.
pub static REGISTRY: &[&dyn WidgetType] = &[
    &Typed::<confetti_alert::ConfettiAlertWidget>::NEW,
    &Typed::<donation_goal::DonationGoalWidget>::NEW,
    &Typed::<death_counter::DeathCounterWidget>::NEW,
    &Typed::<poll::PollWidget>::NEW,
    &Typed::<obs_scene::ObsSceneWidget>::NEW,
    &Typed::<text::TextWidget>::NEW,
    &Typed::<countdown_timer::CountdownTimerWidget>::NEW,
    &Typed::<wheel_spinner::WheelSpinnerWidget>::NEW,
    &Typed::<goal_tracker::GoalTrackerWidget>::NEW,
    &Typed::<text_ticker::TextTickerWidget>::NEW,
    &Typed::<split_timer::SplitTimerWidget>::NEW,
    &Typed::<social_media::SocialMediaWidget>::NEW,
    &Typed::<image::ImageWidget>::NEW,
    &Typed::<image_sequence::ImageSequenceWidget>::NEW,
    &Typed::<video_player::VideoPlayerWidget>::NEW,
    &Typed::<sound_board::SoundBoardWidget>::NEW,
    &Typed::<current_game::CurrentGameWidget>::NEW,
    &Typed::<chat_box::ChatBoxWidget>::NEW,
    &Typed::<follower_alert::FollowerAlertWidget>::NEW,
    &Typed::<subscriber_alert::SubscriberAlertWidget>::NEW,
    &Typed::<donation_alert::DonationAlertWidget>::NEW,
    &Typed::<raid_alert::RaidAlertWidget>::NEW,
    &Typed::<cheer_alert::CheerAlertWidget>::NEW,
    &Typed::<event_list::EventListWidget>::NEW,
    &Typed::<top_supporter::TopSupporterWidget>::NEW,
];

/// Looks a widget type up by its class name (`ConfettiAlertWidget`).
pub fn lookup(class: &str) -> Option<&'static dyn WidgetType> {
    let found = REGISTRY.iter().copied().find(|w| w.class() == class);
    #[cfg(any(test, feature = "test-widgets"))]
    let found = found.or_else(|| {
        testing::TEST_REGISTRY
            .iter()
            .copied()
            .find(|w| w.class() == class)
    });
    found
}

/// A widget instance's feature, with the defaults its parameters give (None when the type
/// or the feature is unknown).
pub fn feature_of(widget: &crate::model::Widget, feature: &str) -> Option<FeatureSpec> {
    lookup(&widget.widget_class)?
        .features(&widget.widget_parameters)
        .into_iter()
        .find(|f| f.name == feature)
}

/// A new widget's parameters as they are saved: validated by the type's specs, the media
/// they name checked against the library, then the widget's own checks.
pub fn checked_params(
    wtype: &dyn WidgetType,
    input: &Map,
    media: &dyn params::MediaLibrary,
) -> Result<Map, ParamError> {
    let v = params::validate_in(&wtype.parameters(), input, media)?;
    wtype.check_parameters(&v, media)?;
    Ok(v)
}

/// `patch` over a widget's `current` parameters, checked as [`checked_params`] checks a new
/// widget's (a save, and the alert preview of unsaved edits).
pub fn patched_params(
    wtype: &dyn WidgetType,
    current: &Map,
    patch: &Map,
    media: &dyn params::MediaLibrary,
) -> Result<Map, ParamError> {
    let specs = wtype.parameters();
    let v = params::validate_patch(&specs, current, patch)?;
    params::check_media(&specs, &v, media)?;
    wtype.check_parameters(&v, media)?;
    Ok(v)
}

/// An element a widget instance has: from its template at creation, or created later by
/// one of its features (a wheel segment per option).
#[derive(Clone, Debug, PartialEq)]
pub struct ElementTemplate {
    pub name: String,
    pub element_type: ElementType,
    pub properties: Map,
    pub behavior: Map,
    pub visible: bool,
}

impl ElementTemplate {
    /// A hidden element without behaviour.
    pub fn new(name: impl Into<String>, element_type: ElementType, properties: Map) -> Self {
        ElementTemplate {
            name: name.into(),
            element_type,
            properties,
            behavior: Map::new(),
            visible: false,
        }
    }
    pub fn behavior(mut self, behavior: Map) -> Self {
        self.behavior = behavior;
        self
    }
    pub fn visible(mut self, visible: bool) -> Self {
        self.visible = visible;
        self
    }
}

/// Metadata of one feature for `/api/widget-types` and the admin UI.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct FeatureSpec {
    pub name: &'static str,
    pub display_name: &'static str,
    #[serde(skip_serializing_if = "str::is_empty")]
    pub description: &'static str,
    pub parameters: Vec<ParamSpec>,
}

/// What the engine hands a widget: its stored parameters, state and elements.
pub struct FeatureCtx<'a> {
    pub params: &'a Map,
    pub state: &'a Map,
    pub elements: &'a [&'a Element],
    /// Unix milliseconds, passed in so features stay pure and testable.
    pub now_ms: u64,
    /// The execution's random seed (recorded in the audit entry).
    pub seed: u64,
    /// The media library, for `media` parameters (their files must exist and fit).
    pub media: &'a dyn params::MediaLibrary,
}

/// A follow-up the engine runs later (persisted, survives restarts).
#[derive(Clone, Debug, PartialEq)]
pub struct FollowUp<F = FeatureCall> {
    /// Unique per widget: scheduling the same key again replaces the earlier one.
    pub key: String,
    pub after_ms: u64,
    pub action: FollowUpAction<F>,
}

/// What a follow-up does when it fires.
#[derive(Clone, Debug, PartialEq)]
pub enum FollowUpAction<F = FeatureCall> {
    /// Apply fixed element changes (hide the confetti).
    Changes(Vec<ElementChange>),
    /// Call one of the widget's own features, planned when it fires against the state then
    /// (end the poll with the votes it has by then).
    Call(F),
}

/// What a feature did, in the engine's untyped terms (see [`typed::Out`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outcome {
    pub changes: Vec<ElementChange>,
    /// Replaces the widget's state when set.
    pub state: Option<Map>,
    /// Replaces the widget's parameters when set (e.g. `set_goal`).
    pub parameters: Option<Map>,
    pub follow_ups: Vec<FollowUp>,
    /// Follow-up keys to cancel.
    pub cancel: Vec<String>,
    /// Requests to OBS, performed after the commit.
    pub effects: Vec<crate::model::Effect>,
    /// Elements to add to the widget.
    pub create: Vec<ElementTemplate>,
    /// Names of the widget's elements to delete.
    pub delete: Vec<String>,
    /// Alerts to queue and queue controls (the engine owns the queues).
    pub alerts: Vec<AlertOp>,
}

/// What a feature asks of an alert queue (see `model::alert`).
#[derive(Clone, Debug, PartialEq)]
pub enum AlertOp {
    Enqueue {
        queue: String,
        alert: NewAlert,
    },
    Control {
        queue: String,
        control: QueueControl,
    },
}

/// An alert as a widget describes it; the engine gives it its id and queue time.
#[derive(Clone, Debug, PartialEq)]
pub struct NewAlert {
    pub kind: String,
    pub label: String,
    pub priority: i64,
    pub duration_ms: u64,
    pub show: Vec<ElementChange>,
    pub hide: Vec<ElementChange>,
    /// The line of the widget's variation rules that chose its look (1-based), for the
    /// Alerts page's preview; not stored with the queued alert.
    pub rule: Option<u32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueueControl {
    Pause,
    Resume,
    /// Ends the alert on screen now; the next one starts.
    Skip,
    /// Forgets every waiting alert (the one on screen finishes).
    Clear,
    /// Plays the last finished alert again, next.
    ReplayLast,
}

/// A feature could not run: the engine maps these to 4xx (and `Failed` to 500).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum FeatureError {
    #[error("unknown feature '{feature}'; {class} has: {available}")]
    UnknownFeature {
        feature: String,
        class: &'static str,
        available: String,
    },
    #[error(transparent)]
    Param(#[from] ParamError),
    /// The widget's own code failed (panicked, or produced what its types cannot hold): a
    /// bug in the widget, not bad input. The request fails, nothing of it is written, and
    /// the engine keeps serving.
    #[error("widget {class} failed in feature '{feature}': {message}")]
    Failed {
        class: &'static str,
        feature: String,
        message: String,
    },
}

/// One widget type as the engine sees it: untyped maps in, [`Outcome`] out. Implemented once,
/// by [`typed::Typed`], for every [`typed::Widget`].
pub trait WidgetType: Sync {
    fn class(&self) -> &'static str;
    fn display_name(&self) -> &'static str;
    fn description(&self) -> &'static str;
    /// Widget-wide configuration specs (defaults included).
    fn parameters(&self) -> Vec<ParamSpec>;
    /// Elements a new instance starts with, given its validated parameters.
    fn elements(&self, params: &Map) -> Result<Vec<ElementTemplate>, FeatureError>;
    /// Features; defaults may depend on the instance's parameters (e.g. `default_color`).
    fn features(&self, params: &Map) -> Vec<FeatureSpec>;
    /// Initial state of a new instance.
    fn initial_state(&self, params: &Map) -> Result<Map, FeatureError>;
    /// Validates the arguments against the feature's spec, then runs it.
    fn run(&self, feature: &str, args: &Map, ctx: &FeatureCtx) -> Result<Outcome, FeatureError>;
    /// The widget's own checks of validated parameters, before they are saved.
    fn check_parameters(
        &self,
        params: &Map,
        media: &dyn params::MediaLibrary,
    ) -> Result<(), ParamError>;
    /// See [`typed::Widget::map_text_media`].
    fn map_text_media(
        &self,
        params: &mut Map,
        f: &mut dyn FnMut(crate::model::Id) -> Option<crate::model::Id>,
    ) -> bool;
    /// Element changes after the widget's parameters were edited.
    fn parameters_changed(&self, ctx: &FeatureCtx) -> Result<Outcome, FeatureError>;
    /// How many of the log's newest events a new instance folds in (0: none).
    fn history_len(&self) -> usize;
    /// A new instance's state with the log's past events (oldest first) folded in.
    fn history(
        &self,
        params: &Map,
        state: &Map,
        events: &[crate::model::LoggedEvent],
        now_ms: u64,
    ) -> Result<Map, FeatureError>;
    /// The call of one of its own features a platform event maps to, for types the event log
    /// feeds (event list, leaderboard); `None` for the others.
    fn on_event(&self, ev: &crate::model::LoggedEvent, params: &Map) -> Option<FeatureCall>;
}

/// Builds a JSON object (`Map`) with `serde_json::json!` syntax; keeps widget files short.
#[macro_export]
macro_rules! props {
    ($($tt:tt)*) => {
        match serde_json::json!({ $($tt)* }) {
            serde_json::Value::Object(m) => m,
            _ => $crate::model::Map::new(),
        }
    };
}

/// Templates with the properties of `changes` merged in: a widget draws its initial look with
/// the same function as its updates (e.g. a goal bar at zero).
pub fn with_changes(
    mut templates: Vec<ElementTemplate>,
    changes: &[ElementChange],
) -> Vec<ElementTemplate> {
    for t in &mut templates {
        for c in changes.iter().filter(|c| c.name == t.name) {
            t.properties.extend(c.properties.clone());
        }
    }
    templates
}

/// An element change that only sets visibility.
pub fn set_visible(name: &str, visible: bool) -> ElementChange {
    ElementChange {
        name: name.to_string(),
        visible: Some(visible),
        ..ElementChange::default()
    }
}

/// An element change that merges properties.
pub fn set_props(name: &str, properties: Map) -> ElementChange {
    ElementChange {
        name: name.to_string(),
        properties,
        ..ElementChange::default()
    }
}

/// An element change that puts library media `id` in `role` (`None` clears the role).
pub fn set_media(name: &str, role: &str, id: Option<crate::model::Id>) -> ElementChange {
    ElementChange {
        name: name.to_string(),
        media: [(role.to_string(), id)].into(),
        ..ElementChange::default()
    }
}
