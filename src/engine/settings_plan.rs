//! Saved settings: one write per key. The settings service validated the values against
//! every layer (it knows the config file and the environment, the engine does not); here
//! only the keys are checked, so nothing but settings and stored logins lands in the table.

use super::EngineError;
use super::writes::Plan;
use crate::settings::{Changes, keys};
use crate::store::Write;

/// Prefix of internal keys (Twitch logins) that the API cannot set directly.
pub const INTERNAL_PREFIX: &str = "auth.";

pub fn plan(changes: &Changes) -> Result<Plan, EngineError> {
    let mut writes = Vec::with_capacity(changes.len());
    for (key, value) in changes {
        if keys::find(key).is_none() && !key.starts_with(INTERNAL_PREFIX) {
            return Err(EngineError::Validation {
                field: key.clone(),
                message: format!("{key} is not a setting"),
            });
        }
        writes.push(Write::Setting(key.clone(), value.clone()));
    }
    Ok(Plan {
        writes,
        id: 0,
        effects: Vec::new(),
    })
}
