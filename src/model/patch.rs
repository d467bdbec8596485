//! JSON merge-patch fields (RFC 7396) as types: a field left out keeps its stored value,
//! `null` resets it (to its default, or clears an optional one), a value replaces it.

use serde::{Deserialize, Deserializer};

/// One field of a patch: `None` = not sent, `Some(None)` = sent as `null`, `Some(Some(v))`.
pub type Field<T> = Option<Option<T>>;

/// `#[serde(default, deserialize_with = "nullable")]`: keeps an explicit `null` apart from a
/// missing field, which plain `Option<Option<T>>` would fold together.
pub fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Field<T>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// The new value of a field that has a default: sent, reset, or kept.
pub fn or_default<T>(field: Field<T>, current: Option<T>, default: impl FnOnce() -> T) -> T {
    match field {
        Some(Some(v)) => v,
        Some(None) => default(),
        None => current.unwrap_or_else(default),
    }
}

/// The new value of an optional field: sent, cleared by `null`, or kept.
pub fn optional<T>(field: Field<T>, current: Option<T>) -> Option<T> {
    match field {
        Some(v) => v,
        None => current,
    }
}

/// The new value of a required field; `None` when it is neither sent nor stored, or sent as
/// `null`.
pub fn required<T>(field: Field<T>, current: Option<T>) -> Option<T> {
    match field {
        Some(v) => v,
        None => current,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Deserialize)]
    struct P {
        #[serde(default, deserialize_with = "nullable")]
        a: Field<u32>,
    }

    #[test]
    fn missing_null_and_value_are_three_things() {
        let p = |v| serde_json::from_value::<P>(v).unwrap().a;
        assert_eq!(p(json!({})), None);
        assert_eq!(p(json!({"a": null})), Some(None));
        assert_eq!(p(json!({"a": 3})), Some(Some(3)));
        assert_eq!(or_default(p(json!({"a": null})), Some(7), || 1), 1);
        assert_eq!(or_default(p(json!({})), Some(7), || 1), 7);
        assert_eq!(optional(p(json!({"a": null})), Some(7)), None);
        assert_eq!(required(p(json!({})), None::<u32>), None);
        assert_eq!(required(p(json!({})), Some(7)), Some(7));
        assert_eq!(required(p(json!({"a": null})), Some(7)), None);
    }
}
