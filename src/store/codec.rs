//! MessagePack with named fields, so records stay readable when fields are added.

use super::StoreError;
use serde::{Serialize, de::DeserializeOwned};

pub fn enc<T: Serialize>(table: &'static str, v: &T) -> Result<Vec<u8>, StoreError> {
    rmp_serde::to_vec_named(v).map_err(|e| StoreError::Codec {
        table,
        message: e.to_string(),
    })
}

pub fn dec<T: DeserializeOwned>(table: &'static str, bytes: &[u8]) -> Result<T, StoreError> {
    rmp_serde::from_slice(bytes).map_err(|e| StoreError::Codec {
        table,
        message: e.to_string(),
    })
}
