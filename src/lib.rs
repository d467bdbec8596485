//! stagehand: a stream-overlay companion daemon. See ARCHITECTURE.md for the map.

pub mod accounts;
pub mod bridge;
pub mod bundle;
pub mod chat;
pub mod config;
pub mod engine;
pub mod http;
pub mod hub;
pub mod media;
pub mod metrics;
pub mod model;
pub mod server;
pub mod settings;
pub mod shutdown;
pub mod store;
pub mod widgets;
