//! What planning produces, shared by `plan.rs` and `chat_plan.rs` so neither imports the
//! other's internals (chat_plan used to import `Plan` and `merge` from plan, which imports
//! chat_plan: an import cycle).

use crate::model::{Effect, Id, Map};
use crate::store::Write;

/// The writes of one request and the id it is about (the new id for creations).
#[derive(Debug, Default)]
pub struct Plan {
    pub writes: Vec<Write>,
    pub id: Id,
    /// What the caller must ask of OBS once this is committed.
    pub effects: Vec<Effect>,
}

/// JSON merge of one level: `null` removes a key.
pub fn merge(target: &mut Map, patch: &Map) {
    for (k, v) in patch {
        if v.is_null() {
            target.remove(k);
        } else {
            target.insert(k.clone(), v.clone());
        }
    }
}
