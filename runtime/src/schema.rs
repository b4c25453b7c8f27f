//! Schema rules the API server enforces that schemars and kube-core's transforms do not.
//! Used by the code `#[derive(CustomResource)]` expands to.

use schemars::Schema;
use schemars::transform::{Transform, transform_subschemas};
use serde_json::{Map, Value};

/// A schema with an `enum` is never nullable.
///
/// The API server checks `enum` even against `null`, and `null` matches no member — not even
/// a listed `null` — so a nullable enum rejects `null` every time (seen on kube-apiserver
/// 1.35). Without `nullable`, a `null` is pruned like an absent field (and then defaulted)
/// before validation, which is what a Rust `None` means. This covers `Option<Enum>` (the
/// `null` member and `nullable` that kube-core's `OptionalEnum` and schemars' `AddNullable`
/// produce) and `#[field(nullable)]` on an enum. controller-gen emits no `nullable` there
/// either.
#[derive(Debug, Clone, Copy, Default)]
pub struct EnumsNeverNullable;

impl Transform for EnumsNeverNullable {
    fn transform(&mut self, schema: &mut Schema) {
        if let Some(object) = schema.as_object_mut() {
            strip_nullable_from_enum(object);
        }
        transform_subschemas(self, schema);
    }
}

/// The rule of [`EnumsNeverNullable`] on one schema object.
pub fn strip_nullable_from_enum(schema: &mut Map<String, Value>) {
    let has_value = match schema.get("enum") {
        Some(Value::Array(members)) => members.iter().any(|member| !member.is_null()),
        _ => false,
    };
    if !has_value {
        return;
    }
    if let Some(Value::Array(members)) = schema.get_mut("enum") {
        members.retain(|member| !member.is_null());
    }
    schema.remove("nullable");
    if let Some(Value::Array(types)) = schema.get_mut("type") {
        types.retain(|t| t != "null");
        if types.len() == 1 {
            let single = types.pop().expect("one type");
            schema.insert("type".into(), single);
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

/// The first place where a generated schema breaks the API server's structural-schema rules
/// that schemars and kube-core's rewriter can leave broken, as `(path, why and what to do)`.
/// `crd()` panics with it, so a schema the API server would reject never leaves `crd()`.
pub fn structural_problem(schema: &Map<String, Value>) -> Option<(String, String)> {
    let mut found = None;
    check_node(schema, "", false, &mut found);
    found
}

fn check_node(
    node: &Map<String, Value>,
    path: &str,
    in_junctor: bool,
    found: &mut Option<(String, String)>,
) {
    if found.is_some() {
        return;
    }
    let here = if path.is_empty() { "." } else { path };
    let flag = |key: &str| node.get(key) == Some(&Value::Bool(true));
    let typed = matches!(node.get("type"), Some(Value::String(_)));
    if let Some(key) = ["$ref", "definitions", "$defs"]
        .into_iter()
        .find(|k| node.contains_key(*k))
    {
        *found = Some((
            here.into(),
            format!(
                "it holds `{key}`: a recursive type, which a structural schema (no references) cannot express; break the cycle, e.g. store the nested value as `serde_json::Value` with #[field(preserve_unknown_fields)]"
            ),
        ));
        return;
    }
    if matches!(node.get("items"), Some(Value::Array(_))) || node.contains_key("prefixItems") {
        *found = Some((
            here.into(),
            "it is a tuple (a fixed-length list of different types), which a structural schema cannot express: use a struct with named fields".into(),
        ));
        return;
    }
    if !in_junctor
        && !typed
        && !flag("x-kubernetes-int-or-string")
        && !flag("x-kubernetes-preserve-unknown-fields")
    {
        let why = if matches!(node.get("type"), Some(Value::Array(_))) {
            "it admits several JSON types"
        } else if node.contains_key("anyOf") || node.contains_key("oneOf") {
            "it is an enum whose variants are different JSON types (e.g. an untagged enum of scalars, or unit and data-carrying variants mixed), and a structural schema gives every value one type"
        } else {
            "it has no type (any JSON value, e.g. `serde_json::Value`; on a field write #[field(preserve_unknown_fields)], on the elements of a list #[field(items(preserve_unknown_fields))])"
        };
        *found = Some((
            here.into(),
            format!(
                "{why}; give it one type (a struct, or an externally tagged enum whose variants all carry data or are all units), or use `serde_json::Value` with #[field(preserve_unknown_fields)] (any JSON) or #[field(int_or_string)] (an integer or a string)"
            ),
        ));
        return;
    }
    if node.contains_key("properties")
        && node
            .get("additionalProperties")
            .is_some_and(Value::is_object)
    {
        *found = Some((
            here.into(),
            "it has named properties and a map of further ones (a #[serde(flatten)] map beside named fields), and a structural schema has properties or additionalProperties, not both; \
             flatten a `BTreeMap<String, serde_json::Value>` (unknown fields are then kept), or move the map into a field of its own".into(),
        ));
        return;
    }
    if in_junctor && node.contains_key("type") {
        *found = Some((
            here.into(),
            "an enum variant has a type of its own inside `oneOf`/`anyOf`: its variants are different JSON types; make them all objects (data-carrying) or all strings (unit)".into(),
        ));
        return;
    }
    if let Some(Value::Object(props)) = node.get("properties") {
        for (name, child) in props {
            match child {
                Value::Object(child) => {
                    check_node(child, &format!("{path}.properties.{name}"), in_junctor, found)
                }
                _ if in_junctor => {}
                _ => {
                    *found = Some((
                        format!("{path}.properties.{name}"),
                        "it accepts any JSON value and has no type; use `serde_json::Value` with #[field(preserve_unknown_fields)]".into(),
                    ))
                }
            }
        }
    }
    for key in ["items", "additionalProperties"] {
        match node.get(key) {
            Some(Value::Object(child)) => check_node(child, &format!("{path}.{key}"), in_junctor, found),
            Some(Value::Bool(true)) if !in_junctor && key == "items" => {
                *found = Some((format!("{path}.items"), "a list of any JSON values has no item type; use items(preserve_unknown_fields) on the field".into()))
            }
            _ => {}
        }
    }
    // int-or-string's own `anyOf: [{type: integer}, {type: string}]` is the allowed exception.
    let junctors: &[&str] = if flag("x-kubernetes-int-or-string") {
        &["oneOf", "allOf"]
    } else {
        &["oneOf", "anyOf", "allOf"]
    };
    for key in junctors {
        for (i, child) in node
            .get(*key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            if let Value::Object(child) = child {
                check_node(child, &format!("{path}.{key}[{i}]"), true, found);
            }
        }
    }
}

/// Rephrases a panic of kube-core's `StructuralSchemaRewriter` (whose message dumps its
/// internal schema structs) as what is wrong with the Rust type and what to do.
pub fn explain_rewriter_panic(type_name: &str, message: &str) -> String {
    let quoted = message.split('"').nth(1).unwrap_or("?");
    let why = if message.starts_with("Property ") {
        format!(
            "the variants of an enum give property `{quoted}` different schemas, and a structural schema has one schema per property (an untagged enum whose variants share a field name with different types, or an adjacently tagged enum whose variants carry different content types): give the property one type in every variant, or rename it per variant"
        )
    } else if message.contains("conflicting with existing type") || message.contains("has type") {
        "an enum mixes variants of different JSON types (unit variants are strings, data-carrying variants objects), and a structural schema gives every value one type: make every variant carry data (e.g. `Off {}`), or every variant a unit".into()
    } else {
        message.into()
    };
    format!(
        "the schema of `{type_name}` cannot be made structural (as Kubernetes requires of a CRD): {why}. If the value really is free-form, use `serde_json::Value` with #[field(preserve_unknown_fields)]. (kube-core said: {})",
        message.chars().take(300).collect::<String>()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn optional_enums_lose_null_and_nullable_everywhere() {
        let mut schema: Schema = serde_json::from_value(json!({
            "type": "object",
            "properties": {
                "level": { "enum": ["low", "high", null], "nullable": true, "type": "string" },
                "items": { "type": "array", "items": { "enum": ["a", null], "type": ["string", "null"] } },
                "plain": { "type": "string", "nullable": true }
            }
        }))
        .unwrap();
        EnumsNeverNullable.transform(&mut schema);
        assert_eq!(
            serde_json::to_value(&schema).unwrap(),
            json!({
                "type": "object",
                "properties": {
                    "level": { "enum": ["low", "high"], "type": "string" },
                    "items": { "type": "array", "items": { "enum": ["a"], "type": "string" } },
                    "plain": { "type": "string", "nullable": true }
                }
            })
        );
    }
}
