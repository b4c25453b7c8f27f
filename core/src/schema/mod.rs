//! Structural schemas: the rules the API server applies to a CRD's `openAPIV3Schema`, the
//! `#[field(...)]` patches that add validation to generated schemas, and the shapes that
//! controller-gen gives special values.

pub mod default;
pub mod description;
#[cfg(feature = "schemars")]
pub mod generated;
pub mod hint;
pub mod k8s;
pub mod patch;
pub mod refs;
pub mod structural;
#[cfg(feature = "schemars")]
pub mod transform;

pub use structural::{Violation, violations};

use serde_json::Value;

/// A JSON object: a schema node.
pub type Object = serde_json::Map<String, Value>;

/// The subschemas of a schema node, for walks that must not mistake data (a `default`, an
/// `enum` member, a property *named* `description`) for schema: property schemas, `items`,
/// `additionalProperties` and the junctors' branches.
pub fn subschemas_mut(node: &mut Object) -> impl Iterator<Item = &mut Value> {
    node.iter_mut().flat_map(|(key, value)| {
        let children: Vec<&mut Value> = match (key.as_str(), value) {
            ("properties" | "patternProperties", Value::Object(props)) => {
                props.values_mut().collect()
            }
            ("items" | "additionalProperties" | "not", child @ Value::Object(_)) => vec![child],
            ("allOf" | "anyOf" | "oneOf", Value::Array(branches)) => branches.iter_mut().collect(),
            _ => Vec::new(),
        };
        children
    })
}
