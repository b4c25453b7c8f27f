//! The schemas controller-gen gives the Kubernetes API types a CRD embeds (`PodTemplateSpec`,
//! `Condition`, `Quantity`, ...), so that a Rust CRD validates a pod template exactly as a Go
//! one does: list and map types with their keys, defaults, optionality, the Quantity pattern,
//! int-or-string, `metav1.Condition`'s rules.
//!
//! k8s-openapi's schemas describe the wire format for clients and lack all of that, so they
//! are replaced by a table (`core/data/k8s-schemas-v1.35.json`) that `hack/k8s-schemas`
//! generates, at maintenance time, by running controller-gen's schema generator on the Go
//! types at the Kubernetes version in [`crate::kubernetes`] (see `docs/architecture.md`).
//! In the table, a subtree that is another table type is `{"$ref": "<name>", ...keys}`: the
//! named type with the field's own keys (its description, list type, default) laid over it.

use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::Value;

use super::{Object, refs, subschemas_mut};

#[derive(Deserialize)]
struct Table {
    /// `major.minor` of the Go API modules the table was generated from.
    kubernetes: String,
    /// By k8s-openapi's schema name, e.g. `io.k8s.api.core.v1.PodSpec`.
    types: Object,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        serde_json::from_str(include_str!("../../data/k8s-schemas-v1.35.json"))
            .expect("core/data/k8s-schemas-v1.35.json is a valid table")
    })
}

/// The Kubernetes minor version (`1.35`) the table describes.
pub fn kubernetes() -> &'static str {
    &table().kubernetes
}

/// Whether the table has the type (by its k8s-openapi schema name).
pub fn has(name: &str) -> bool {
    table().types.contains_key(name)
}

/// controller-gen's schema of a type, every reference resolved.
pub fn schema(name: &str) -> Option<Object> {
    let Value::Object(entry) = table().types.get(name)? else {
        return None;
    };
    let mut entry = entry.clone();
    resolve(&mut entry);
    Some(entry)
}

/// The table's own references: the named entry with the referring keys over it, key by key
/// (the table's contract; its generator checks that this reproduces controller-gen).
fn resolve(node: &mut Object) {
    if let Some(Value::String(name)) = node.remove("$ref") {
        let mut resolved = schema(&name).unwrap_or_else(|| {
            panic!("the k8s schema table refers to `{name}`, which it does not define")
        });
        for (key, value) in std::mem::take(node) {
            resolved.insert(key, value);
        }
        *node = resolved;
    }
    for child in subschemas_mut(node) {
        if let Value::Object(child) = child {
            resolve(child);
        }
    }
}

/// Replaces every `{"$ref": "<table type>", ...}` that [`super::refs::inline`] kept below
/// `node` with the table's schema, the referring keys (a field's description, its
/// `#[field(...)]` patch) merged over it.
pub fn fill(node: &mut Object) {
    if let Some(Value::String(name)) = node.get("$ref")
        && let Some(mut resolved) = schema(name)
    {
        let mut own = std::mem::take(node);
        own.remove("$ref");
        refs::conjoin(&mut resolved, own);
        *node = resolved;
        return;
    }
    for child in subschemas_mut(node) {
        if let Value::Object(child) = child {
            fill(child);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_table_describes_the_supported_kubernetes_version() {
        let minor = crate::kubernetes::VERSION
            .rsplit_once('.')
            .map(|(minor, _)| minor)
            .unwrap();
        assert_eq!(kubernetes(), minor);
    }

    #[test]
    fn kubernetes_types_keep_controller_gens_validation() {
        let condition = schema("io.k8s.apimachinery.pkg.apis.meta.v1.Condition").unwrap();
        let props = &condition["properties"];
        assert_eq!(props["status"]["enum"], json!(["True", "False", "Unknown"]));
        assert_eq!(props["reason"]["minLength"], json!(1));
        assert_eq!(props["lastTransitionTime"]["format"], json!("date-time"));
        let container = schema("io.k8s.api.core.v1.Container").unwrap();
        let ports = &container["properties"]["ports"];
        assert_eq!(ports["x-kubernetes-list-type"], json!("map"));
        assert_eq!(
            ports["items"]["properties"]["protocol"]["default"],
            json!("TCP")
        );
        let quantity = schema("io.k8s.apimachinery.pkg.api.resource.Quantity").unwrap();
        assert!(quantity["pattern"].is_string());
    }

    #[test]
    fn every_reference_in_the_table_resolves() {
        for name in table().types.keys() {
            let resolved = Value::Object(schema(name).unwrap());
            assert!(!resolved.to_string().contains("\"$ref\""), "{name}");
        }
    }

    #[test]
    fn fill_merges_the_fields_keys_over_the_type() {
        let mut node = json!({"type": "object", "properties": {"image": {
            "$ref": "io.k8s.api.core.v1.Container", "description": "the main container"}}});
        fill(node.as_object_mut().unwrap());
        let image = &node["properties"]["image"];
        assert_eq!(image["description"], json!("the main container"));
        assert_eq!(image["required"], json!(["name"]));
    }
}
