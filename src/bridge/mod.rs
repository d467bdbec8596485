//! Bridges between platform adapters and the engine. Adapters know nothing of dashboards or
//! widgets; the bridges map their plain events to engine requests and committed intents back
//! to adapter requests.

pub mod chat_feed;
pub mod events;
pub mod obs;
pub mod twitch;
