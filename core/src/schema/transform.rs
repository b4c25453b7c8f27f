//! schemars transforms that turn schemars' output into what the API server accepts, for the
//! shapes kube-core's own transforms leave alone. The runtime runs them when it generates a
//! CRD's schema.

use schemars::Schema;
use schemars::transform::{Transform, transform_subschemas};
use serde_json::{Map, Value};

/// `Option<T>` means "may be absent", as an optional Go field does for controller-gen: not
/// nullable. schemars says `null` in three ways — `type: [T, "null"]`, `enum: [.., null]` and
/// `anyOf: [T, {type: null}]` — and this removes each, so an explicit `null` is pruned and
/// defaulted by the API server like a missing field instead of being stored.
/// `#[field(nullable)]` adds `nullable: true` back, after this runs. Runs first.
#[derive(Debug, Clone, Copy, Default)]
pub struct NullMeansAbsent;

impl Transform for NullMeansAbsent {
    fn transform(&mut self, schema: &mut Schema) {
        transform_subschemas(self, schema);
        if let Some(object) = schema.as_object_mut() {
            without_null(object);
        }
    }
}

fn is_null_schema(schema: &Value) -> bool {
    match schema.get("type") {
        Some(Value::String(t)) => t == "null",
        _ => schema.get("enum") == Some(&serde_json::json!([null])),
    }
}

fn without_null(object: &mut Map<String, Value>) {
    if let Some(Value::Array(types)) = object.get_mut("type") {
        types.retain(|t| t != "null");
        if types.len() == 1 {
            let single = types.pop().expect("one type");
            object.insert("type".into(), single);
        }
    }
    if let Some(Value::Array(members)) = object.get_mut("enum") {
        members.retain(|member| !member.is_null());
    }
    for junctor in ["anyOf", "oneOf"] {
        let Some(Value::Array(arms)) = object.get_mut(junctor) else {
            continue;
        };
        arms.retain(|arm| !is_null_schema(arm));
        if arms.len() != 1 {
            continue;
        }
        // `Option<T>` of a `T` with subschemas: `T` itself, under the field's own keys.
        let Some(Value::Object(arm)) = object
            .remove(junctor)
            .and_then(|mut a| a.as_array_mut()?.pop())
        else {
            continue;
        };
        for (key, value) in arm {
            object.entry(key).or_insert(value);
        }
    }
}

/// Marks, on one variant of an internally or adjacently tagged enum, the tag value(s) that
/// select it (`{"type": ["Http"]}`), until [`TagConstraints`] turns it into a constraint.
const TAG_MARKER: &str = "x-cargo-operator-tag";

/// Makes serde's internally (`#[serde(tag = "...")]`) and adjacently (`#[serde(tag, content)]`)
/// tagged enums hoistable by kube-core's `StructuralSchemaRewriter`. Runs before it.
///
/// schemars gives every variant its own tag property (`type: {type: string, enum: [Http]}`),
/// and the rewriter, which lifts variant properties onto the enum's object, panics when two
/// variants give one property different schemas. Here a property whose schemas differ only
/// in their `enum` becomes one property whose `enum` lists every variant's value, and each
/// variant remembers its own values (see [`TagConstraints`]): without that, a unit variant
/// (whose only required property is the tag) would match every object and `oneOf` would
/// reject every object of another variant.
#[derive(Debug, Clone, Copy, Default)]
pub struct TaggedEnums;

impl Transform for TaggedEnums {
    fn transform(&mut self, schema: &mut Schema) {
        transform_subschemas(self, schema);
        let Some(object) = schema.as_object_mut() else {
            return;
        };
        for junctor in ["oneOf", "anyOf"] {
            if let Some(Value::Array(variants)) = object.get_mut(junctor) {
                merge_tags(variants);
            }
        }
    }
}

fn without_enum(schema: &Value) -> Option<Map<String, Value>> {
    let mut map = schema.as_object()?.clone();
    map.remove("enum")?;
    map.remove("const");
    Some(map)
}

fn merge_tags(variants: &mut [Value]) {
    let mut names: Vec<String> = Vec::new();
    for variant in variants.iter() {
        if let Some(Value::Object(props)) = variant.get("properties") {
            names.extend(
                props
                    .keys()
                    .filter(|k| !names.contains(k))
                    .cloned()
                    .collect::<Vec<_>>(),
            );
        }
    }
    for name in names {
        let schemas: Vec<&Value> = variants
            .iter()
            .filter_map(|v| v.get("properties").and_then(|p| p.get(&name)))
            .collect();
        if schemas.len() < 2 || schemas.windows(2).all(|w| w[0] == w[1]) {
            continue;
        }
        // A tag: every occurrence is the same schema but for its `enum`.
        let bare: Vec<_> = schemas.iter().map(|s| without_enum(s)).collect();
        let Some(Some(first)) = bare.first().cloned() else {
            continue;
        };
        if bare.iter().any(|b| b.as_ref() != Some(&first)) {
            continue;
        }
        let mut members: Vec<Value> = Vec::new();
        for schema in &schemas {
            for member in schema["enum"].as_array().into_iter().flatten() {
                if !members.contains(member) {
                    members.push(member.clone());
                }
            }
        }
        let mut merged = first;
        merged.insert("enum".into(), Value::Array(members));
        for variant in variants.iter_mut() {
            let Some(variant) = variant.as_object_mut() else {
                continue;
            };
            let Some(Value::Object(props)) = variant.get_mut("properties") else {
                continue;
            };
            let Some(own) = props.get_mut(&name) else {
                continue;
            };
            let values = own.get("enum").cloned().unwrap_or(Value::Array(Vec::new()));
            *own = Value::Object(merged.clone());
            // A variant's description would be pushed onto its tag (when the tag is its only
            // property) and make the tags differ again; `oneOf` branches carry none anyway.
            variant.remove("description");
            let marker = variant
                .entry(TAG_MARKER)
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(marker) = marker {
                marker.insert(name.clone(), values);
            }
        }
    }
}

/// Turns the per-variant tag values that [`TaggedEnums`] recorded into the variant's own
/// constraint, `oneOf: [{required: [...], properties: {type: {enum: [Http]}}}, ...]` (a
/// junctor may restrict the values of a property the node declares). Runs after kube-core's
/// `StructuralSchemaRewriter`.
#[derive(Debug, Clone, Copy, Default)]
pub struct TagConstraints;

impl Transform for TagConstraints {
    fn transform(&mut self, schema: &mut Schema) {
        transform_subschemas(self, schema);
        let Some(object) = schema.as_object_mut() else {
            return;
        };
        let Some(Value::Object(tags)) = object.remove(TAG_MARKER) else {
            return;
        };
        let props = object
            .entry("properties")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(props) = props {
            for (name, values) in tags {
                props.insert(name, serde_json::json!({ "enum": values }));
            }
        }
    }
}
