//! Deterministic YAML: same objects, byte-identical files.
//!
//! Objects go through `serde_json::Value`, whose maps are sorted by key (the `preserve_order`
//! feature is off), so field order never depends on struct layout or hash seeds — the same
//! property controller-gen's output has.

use anyhow::Result;
use serde::Serialize;

/// One YAML document, starting with `---` like controller-gen's files.
pub fn document<T: Serialize>(object: &T) -> Result<String> {
    let mut value = serde_json::to_value(object)?;
    integral_floats_as_integers(&mut value);
    // controller-gen never folds a long line; a multi-line string is a `|` block.
    let mut options = serde_saphyr::SerializerOptions::default();
    options.folded_wrap_chars = usize::MAX;
    Ok(format!(
        "---\n{}",
        serde_saphyr::to_string_with_options(&value, options)?
    ))
}

/// k8s-openapi keeps schema bounds as `f64`, which would print `maximum: 100.0` where
/// controller-gen prints `maximum: 100`. JSON does not tell the two apart, so whole numbers
/// are written as integers.
fn integral_floats_as_integers(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Number(number) => {
            if let Some(float) = number.as_f64().filter(|_| number.is_f64())
                && float.fract() == 0.0
                && float.abs() < 9_007_199_254_740_992.0
            {
                *value = serde_json::Value::from(float as i64);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(integral_floats_as_integers),
        serde_json::Value::Object(map) => map.values_mut().for_each(integral_floats_as_integers),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn whole_floats_print_as_integers() {
        let value = serde_json::json!({ "maximum": 100.0, "multipleOf": 0.5, "minimum": -3.0 });
        assert_eq!(
            super::document(&value).unwrap(),
            "---\nmaximum: 100\nminimum: -3\nmultipleOf: 0.5\n"
        );
    }

    #[test]
    fn keys_are_sorted() {
        let value = serde_json::json!({ "b": 1, "a": { "d": [1, 2], "c": "x" } });
        assert_eq!(
            super::document(&value).unwrap(),
            "---\na:\n  c: x\n  d:\n  - 1\n  - 2\nb: 1\n"
        );
    }
}
