//! The API server's structural-schema rules, checked on every CRD before `cargo operator
//! manifests` writes anything, so that a schema the API server would reject fails here with the
//! exact path of the offending node (`spec.versions[0].schema.openAPIV3Schema.properties[spec]…`).
//!
//! The rules (from k8s.io/apiextensions-apiserver `pkg/apiserver/schema` and the
//! CustomResourceDefinition validation in `pkg/apis/apiextensions/validation`):
//!
//! 1. **Typed**: every node (root, each property, `items`, `additionalProperties`) has a
//!    non-empty `type`, unless it sets `x-kubernetes-int-or-string: true` or
//!    `x-kubernetes-preserve-unknown-fields: true`. The root is `type: object`.
//! 2. **No references**: `$ref`, `definitions`, `$schema`, `id`, `dependencies`,
//!    `additionalItems` and `patternProperties` are not allowed anywhere.
//! 3. **properties xor additionalProperties**: a node may not have both.
//! 4. **additionalProperties: false** is forbidden (structural schemas prune instead), and
//!    **uniqueItems: true** is forbidden (use `x-kubernetes-list-type: set`).
//! 5. **items** is a single schema (not a list of schemas), and `type: array` needs `items`.
//! 6. **metadata** at the root may only be `type: object`, with restrictions on
//!    `metadata.name` and `metadata.generateName` only (each `type: string`).
//! 7. **Junctors** (`allOf`, `anyOf`, `oneOf`, `not`) may not set `description`, `type`,
//!    `default`, `nullable`, `additionalProperties` or `x-kubernetes-*` extensions, except the
//!    int-or-string form `anyOf: [{type: integer}, {type: string}]` beside
//!    `x-kubernetes-int-or-string`; properties named in a junctor must also be in the node's
//!    own `properties`.
//! 8. **int-or-string** nodes have no `type`; **preserve-unknown-fields** may only be `true`.
//! 9. **Embedded resources** (`x-kubernetes-embedded-resource`) are `type: object` with
//!    `properties` or `x-kubernetes-preserve-unknown-fields: true`.
//! 10. **nullable / default**: `default: null` needs `nullable: true`; no `default` inside
//!     junctors or under root `metadata`.
//! 11. **List types**: `x-kubernetes-list-type` only on arrays, one of `atomic`, `set`, `map`;
//!     `x-kubernetes-list-map-keys` requires `list-type: map` and vice versa; the keys are
//!     scalar properties of the object items that are required or have a default; a `set`
//!     has scalar items (or atomic objects).
//! 12. **Map types**: `x-kubernetes-map-type` only on objects, `atomic` or `granular`.
//! 13. **CEL rules**: each `x-kubernetes-validations` entry has a non-empty `rule`, a `reason`
//!     among `FieldValueInvalid|Forbidden|Required|Duplicate`, and a `fieldPath` starting
//!     with `.` (the rule's syntax is checked by [`super::cel`]).

use anyhow::{Result, bail};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use serde_json::{Map, Value};

const FORBIDDEN: &[&str] = &[
    "$ref",
    "definitions",
    "$schema",
    "id",
    "dependencies",
    "additionalItems",
    "patternProperties",
];
const JUNCTORS: &[&str] = &["allOf", "anyOf", "oneOf", "not"];
const REASONS: &[&str] = &[
    "FieldValueInvalid",
    "FieldValueForbidden",
    "FieldValueRequired",
    "FieldValueDuplicate",
];

/// Checks every version's schema of a CRD; the error lists every violation with its path.
pub fn check_crd(crd: &CustomResourceDefinition) -> Result<()> {
    let name = crd.metadata.name.as_deref().unwrap_or("<unnamed CRD>");
    let mut all = Vec::new();
    for (i, version) in crd.spec.versions.iter().enumerate() {
        let path = format!("spec.versions[{i}].schema.openAPIV3Schema");
        match version
            .schema
            .as_ref()
            .and_then(|s| s.open_api_v3_schema.as_ref())
        {
            Some(schema) => {
                let schema = serde_json::to_value(schema)?;
                all.extend(violations(&schema, &path));
            }
            None => all.push(format!("{path}: missing (every version needs a schema)")),
        }
    }
    if !all.is_empty() {
        bail!(
            "CRD {name} is not a structural schema the API server accepts:\n  {}",
            all.join("\n  ")
        );
    }
    Ok(())
}

/// The violations of a root `openAPIV3Schema`, each as `<path>: <what is wrong>`.
pub fn violations(root: &Value, path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let Some(obj) = root.as_object() else {
        out.push(format!("{path}: must be a schema object"));
        return out;
    };
    if obj.get("type").and_then(Value::as_str) != Some("object") {
        out.push(format!("{path}.type: the root must be `type: object`"));
    }
    if let Some(meta) = obj.get("properties").and_then(|p| p.get("metadata")) {
        check_root_metadata(meta, &format!("{path}.properties[metadata]"), &mut out);
    }
    node(obj, path, Ctx::default(), &mut out);
    out
}

#[derive(Clone, Copy, Default)]
struct Ctx {
    /// Inside `allOf`/`anyOf`/`oneOf`/`not`.
    junctor: bool,
}

fn is_true(obj: &Map<String, Value>, key: &str) -> bool {
    obj.get(key) == Some(&Value::Bool(true))
}

fn check_root_metadata(meta: &Value, path: &str, out: &mut Vec<String>) {
    let Some(meta) = meta.as_object() else {
        return;
    };
    for (k, v) in meta {
        match k.as_str() {
            "type" if v == "object" => {}
            "type" => out.push(format!("{path}.type: metadata must be `type: object`")),
            "properties" => {
                for (prop, schema) in v.as_object().into_iter().flatten() {
                    if prop != "name" && prop != "generateName" {
                        out.push(format!(
                            "{path}.properties[{prop}]: only metadata.name and metadata.generateName may be restricted"
                        ));
                    } else if schema.get("type").and_then(Value::as_str) != Some("string") {
                        out.push(format!(
                            "{path}.properties[{prop}].type: must be `type: string`"
                        ));
                    }
                    if schema.get("default").is_some() {
                        out.push(format!(
                            "{path}.properties[{prop}].default: metadata fields cannot be defaulted"
                        ));
                    }
                }
            }
            other => out.push(format!(
                "{path}.{other}: metadata at the root may only have `type: object` and restrictions on name/generateName"
            )),
        }
    }
}

fn is_int_or_string_any_of(v: &Value) -> bool {
    v == &serde_json::json!([{ "type": "integer" }, { "type": "string" }])
}

fn node(obj: &Map<String, Value>, path: &str, ctx: Ctx, out: &mut Vec<String>) {
    let ty = obj.get("type").and_then(Value::as_str).unwrap_or("");
    let int_or_string = is_true(obj, "x-kubernetes-int-or-string");
    let preserve = is_true(obj, "x-kubernetes-preserve-unknown-fields");

    for key in FORBIDDEN {
        if obj.contains_key(*key) {
            out.push(format!(
                "{path}.{key}: not allowed in a structural schema (inline the referenced schema)"
            ));
        }
    }
    // Rule 1 and 8.
    if !ctx.junctor && ty.is_empty() && !int_or_string && !preserve {
        out.push(format!(
            "{path}.type: must not be empty (set a type, or x-kubernetes-int-or-string / x-kubernetes-preserve-unknown-fields)"
        ));
    }
    if int_or_string && !ty.is_empty() {
        out.push(format!(
            "{path}.type: must be empty when x-kubernetes-int-or-string is true"
        ));
    }
    if let Some(v) = obj.get("x-kubernetes-preserve-unknown-fields")
        && v != &Value::Bool(true)
    {
        out.push(format!(
            "{path}.x-kubernetes-preserve-unknown-fields: must be true or absent"
        ));
    }
    // Rule 7.
    if ctx.junctor {
        for key in [
            "description",
            "type",
            "default",
            "nullable",
            "additionalProperties",
        ] {
            if obj.contains_key(key) {
                out.push(format!(
                    "{path}.{key}: must not be set inside allOf/anyOf/oneOf/not"
                ));
            }
        }
        for key in obj.keys().filter(|k| k.starts_with("x-kubernetes-")) {
            out.push(format!(
                "{path}.{key}: must not be set inside allOf/anyOf/oneOf/not"
            ));
        }
    }
    // Rule 3 and 4.
    if obj.contains_key("properties") && obj.contains_key("additionalProperties") {
        out.push(format!(
            "{path}: properties and additionalProperties are mutually exclusive"
        ));
    }
    if obj.get("additionalProperties") == Some(&Value::Bool(false)) {
        out.push(format!(
            "{path}.additionalProperties: must not be false (unknown fields are pruned instead)"
        ));
    }
    if is_true(obj, "uniqueItems") {
        out.push(format!(
            "{path}.uniqueItems: must not be true; use x-kubernetes-list-type: set"
        ));
    }
    // Rule 5.
    match obj.get("items") {
        Some(Value::Array(_)) => out.push(format!(
            "{path}.items: must be a single schema, not a list of schemas"
        )),
        None if ty == "array" && !ctx.junctor => {
            out.push(format!("{path}.items: must be specified for type array"))
        }
        _ => {}
    }
    // Rule 9.
    if is_true(obj, "x-kubernetes-embedded-resource") {
        if ty != "object" {
            out.push(format!(
                "{path}.type: must be object if x-kubernetes-embedded-resource is true"
            ));
        }
        if !obj.contains_key("properties") && !preserve {
            out.push(format!(
                "{path}.properties: must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields"
            ));
        }
    }
    // Rule 10.
    if obj.get("default") == Some(&Value::Null) && !is_true(obj, "nullable") {
        out.push(format!(
            "{path}.default: null is only allowed with nullable: true"
        ));
    }
    // Rule 11.
    let list_type = obj.get("x-kubernetes-list-type").and_then(Value::as_str);
    if let Some(lt) = list_type {
        if ty != "array" {
            out.push(format!(
                "{path}.x-kubernetes-list-type: only allowed on type array"
            ));
        }
        if !["atomic", "set", "map"].contains(&lt) {
            out.push(format!(
                "{path}.x-kubernetes-list-type: must be atomic, set or map, not {lt:?}"
            ));
        }
    }
    let items = obj.get("items").and_then(Value::as_object);
    match (list_type, obj.get("x-kubernetes-list-map-keys")) {
        (Some("map"), Some(Value::Array(keys))) if !keys.is_empty() => {
            check_map_keys(keys, items, path, out)
        }
        (Some("map"), _) => out.push(format!(
            "{path}.x-kubernetes-list-map-keys: must be a non-empty list if x-kubernetes-list-type is map"
        )),
        (_, Some(_)) => out.push(format!(
            "{path}.x-kubernetes-list-map-keys: only allowed with x-kubernetes-list-type: map"
        )),
        _ => {}
    }
    if list_type == Some("set")
        && let Some(items) = items
    {
        let item_ty = items.get("type").and_then(Value::as_str).unwrap_or("");
        let atomic = items.get("x-kubernetes-map-type").and_then(Value::as_str) == Some("atomic");
        if (item_ty == "object" && !atomic) || item_ty == "array" {
            out.push(format!(
                "{path}.items.type: a list-type set needs scalar items (or objects with x-kubernetes-map-type: atomic)"
            ));
        }
    }
    // Rule 12.
    if let Some(mt) = obj.get("x-kubernetes-map-type") {
        if ty != "object" {
            out.push(format!(
                "{path}.x-kubernetes-map-type: only allowed on type object"
            ));
        }
        if !(mt == "atomic" || mt == "granular") {
            out.push(format!(
                "{path}.x-kubernetes-map-type: must be atomic or granular, not {mt}"
            ));
        }
    }
    // Rule 13.
    if let Some(rules) = obj.get("x-kubernetes-validations") {
        check_rules(rules, &format!("{path}.x-kubernetes-validations"), out);
    }

    // Children.
    if let Some(props) = obj.get("properties").and_then(Value::as_object) {
        for (name, child) in props {
            child_node(child, &format!("{path}.properties[{name}]"), ctx, out);
        }
    }
    if let Some(Value::Object(items)) = obj.get("items") {
        node(items, &format!("{path}.items"), ctx, out);
    }
    if let Some(Value::Object(ap)) = obj.get("additionalProperties") {
        node(ap, &format!("{path}.additionalProperties"), ctx, out);
    }
    for j in JUNCTORS {
        let Some(v) = obj.get(*j) else { continue };
        if *j == "anyOf" && int_or_string && is_int_or_string_any_of(v) {
            continue;
        }
        let subs: Vec<&Value> = match v {
            Value::Array(a) => a.iter().collect(),
            other => vec![other],
        };
        let own = obj.get("properties").and_then(Value::as_object);
        for (i, sub) in subs.into_iter().enumerate() {
            let sub_path = if *j == "not" {
                format!("{path}.not")
            } else {
                format!("{path}.{j}[{i}]")
            };
            let Some(sub_obj) = sub.as_object() else {
                out.push(format!("{sub_path}: must be a schema object"));
                continue;
            };
            for prop in sub_obj
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flat_map(|p| p.keys())
            {
                if !own.is_some_and(|o| o.contains_key(prop)) {
                    out.push(format!(
                        "{sub_path}.properties[{prop}]: must also be specified in {path}.properties"
                    ));
                }
            }
            node(sub_obj, &sub_path, Ctx { junctor: true }, out);
        }
    }
}

fn child_node(child: &Value, path: &str, ctx: Ctx, out: &mut Vec<String>) {
    match child {
        Value::Object(obj) => node(obj, path, ctx, out),
        other => out.push(format!(
            "{path}: must be a schema object, not {other} (a structural schema spells out every node)"
        )),
    }
}

fn check_map_keys(
    keys: &[Value],
    items: Option<&Map<String, Value>>,
    path: &str,
    out: &mut Vec<String>,
) {
    let Some(items) = items else { return };
    if items.get("type").and_then(Value::as_str) != Some("object") {
        out.push(format!(
            "{path}.items.type: must be object if x-kubernetes-list-type is map"
        ));
        return;
    }
    let props = items.get("properties").and_then(Value::as_object);
    let required: Vec<&str> = items
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    for key in keys {
        let Some(key) = key.as_str() else {
            out.push(format!(
                "{path}.x-kubernetes-list-map-keys: keys must be strings"
            ));
            continue;
        };
        let Some(prop) = props.and_then(|p| p.get(key)).and_then(Value::as_object) else {
            out.push(format!(
                "{path}.x-kubernetes-list-map-keys: {key:?} is not a property of the items"
            ));
            continue;
        };
        let ty = prop.get("type").and_then(Value::as_str).unwrap_or("");
        if !["string", "integer", "number", "boolean"].contains(&ty) {
            out.push(format!(
                "{path}.items.properties[{key}].type: a list-map key must be a scalar"
            ));
        }
        if !required.contains(&key) && !prop.contains_key("default") {
            out.push(format!(
                "{path}.items.properties[{key}]: a list-map key must be required or have a default"
            ));
        }
    }
}

fn check_rules(rules: &Value, path: &str, out: &mut Vec<String>) {
    let Some(rules) = rules.as_array() else {
        out.push(format!("{path}: must be a list"));
        return;
    };
    for (i, rule) in rules.iter().enumerate() {
        let p = format!("{path}[{i}]");
        let Some(rule) = rule.as_object() else {
            out.push(format!("{p}: must be an object"));
            continue;
        };
        if rule
            .get("rule")
            .and_then(Value::as_str)
            .is_none_or(|r| r.trim().is_empty())
        {
            out.push(format!("{p}.rule: must be a non-empty CEL expression"));
        }
        if let Some(reason) = rule.get("reason")
            && !reason.as_str().is_some_and(|r| REASONS.contains(&r))
        {
            out.push(format!("{p}.reason: must be one of {}", REASONS.join(", ")));
        }
        if let Some(fp) = rule.get("fieldPath")
            && !fp.as_str().is_some_and(|f| f.starts_with('.'))
        {
            out.push(format!(
                "{p}.fieldPath: must be a JSON path starting with `.`"
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const P: &str = "openAPIV3Schema";

    fn root(spec: Value) -> Value {
        json!({
            "type": "object",
            "properties": {
                "apiVersion": {"type": "string"},
                "kind": {"type": "string"},
                "metadata": {"type": "object"},
                "spec": spec,
            },
        })
    }

    fn check(spec: Value) -> Vec<String> {
        violations(&root(spec), P)
    }

    fn assert_violation(spec: Value, expected: &str) {
        let v = check(spec);
        assert!(
            v.iter().any(|m| m.contains(expected)),
            "expected a violation containing {expected:?}, got {v:#?}"
        );
    }

    #[test]
    fn a_valid_schema_passes() {
        let spec = json!({
            "type": "object",
            "required": ["ports"],
            "x-kubernetes-validations": [{"rule": "self.a <= self.b", "reason": "FieldValueInvalid", "fieldPath": ".a"}],
            "properties": {
                "a": {"type": "integer", "format": "int32"},
                "b": {"type": "integer", "nullable": true, "default": null},
                "size": {"anyOf": [{"type": "integer"}, {"type": "string"}], "x-kubernetes-int-or-string": true},
                "raw": {"x-kubernetes-preserve-unknown-fields": true},
                "embedded": {"type": "object", "x-kubernetes-embedded-resource": true, "x-kubernetes-preserve-unknown-fields": true},
                "labels": {"type": "object", "additionalProperties": {"type": "string"}, "x-kubernetes-map-type": "granular"},
                "tags": {"type": "array", "items": {"type": "string"}, "x-kubernetes-list-type": "set"},
                "ports": {
                    "type": "array",
                    "x-kubernetes-list-type": "map",
                    "x-kubernetes-list-map-keys": ["name"],
                    "items": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
                },
                "oneOfThem": {
                    "type": "object",
                    "properties": {"x": {"type": "string"}, "y": {"type": "string"}},
                    "oneOf": [{"required": ["x"]}, {"required": ["y"]}],
                },
            },
        });
        assert_eq!(check(spec), Vec::<String>::new());
        let metadata = json!({"type": "object", "properties": {
            "metadata": {"type": "object", "properties": {"name": {"type": "string", "maxLength": 63}}},
        }});
        assert_eq!(violations(&metadata, P), Vec::<String>::new());
    }

    #[test]
    fn untyped_nodes_are_rejected_with_their_path() {
        let v = check(json!({"type": "object", "properties": {"x": {"description": "no type"}}}));
        assert_eq!(
            v,
            [
                "openAPIV3Schema.properties[spec].properties[x].type: must not be empty (set a type, or x-kubernetes-int-or-string / x-kubernetes-preserve-unknown-fields)"
            ]
        );
        assert_violation(
            json!({"type": "object", "properties": {"x": true}}),
            "properties[x]: must be a schema object",
        );
        let untyped_root = violations(&json!({"properties": {}}), P);
        assert!(untyped_root[0].contains("root must be `type: object`"));
    }

    #[test]
    fn references_are_rejected() {
        assert_violation(
            json!({"type": "object", "properties": {"x": {"$ref": "#/definitions/X"}}}),
            "properties[x].$ref: not allowed",
        );
        assert_violation(
            json!({"type": "object", "definitions": {}}),
            "properties[spec].definitions: not allowed",
        );
    }

    #[test]
    fn properties_and_additional_properties_are_exclusive() {
        assert_violation(
            json!({"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": {"type": "string"}}),
            "properties[spec]: properties and additionalProperties are mutually exclusive",
        );
        assert_violation(
            json!({"type": "object", "additionalProperties": false}),
            "additionalProperties: must not be false",
        );
    }

    #[test]
    fn root_metadata_is_restricted() {
        let schema = json!({"type": "object", "properties": {
            "metadata": {"type": "object", "properties": {"labels": {"type": "object"}}},
        }});
        let v = violations(&schema, P);
        assert!(
            v[0].starts_with(
                "openAPIV3Schema.properties[metadata].properties[labels]: only metadata.name"
            ),
            "{v:?}"
        );
        let schema = json!({"type": "object", "properties": {
            "metadata": {"type": "object", "description": "x"},
        }});
        assert!(violations(&schema, P)[0].contains("metadata at the root may only"));
    }

    #[test]
    fn items_must_be_one_schema_and_unique_items_is_rejected() {
        assert_violation(
            json!({"type": "array", "items": [{"type": "string"}]}),
            "items: must be a single schema",
        );
        assert_violation(json!({"type": "array"}), "items: must be specified");
        assert_violation(
            json!({"type": "array", "items": {"type": "string"}, "uniqueItems": true}),
            "uniqueItems: must not be true",
        );
    }

    #[test]
    fn junctors_may_not_carry_types_or_defaults() {
        assert_violation(
            json!({"type": "object", "properties": {"a": {"type": "string"}}, "anyOf": [{"type": "object", "properties": {"a": {"default": "x"}}}]}),
            "anyOf[0].type: must not be set inside",
        );
        assert_violation(
            json!({"type": "object", "properties": {"a": {"type": "string"}}, "anyOf": [{"properties": {"a": {"default": "x"}}}]}),
            "anyOf[0].properties[a].default: must not be set inside",
        );
        assert_violation(
            json!({"type": "object", "allOf": [{"properties": {"b": {}}}]}),
            "allOf[0].properties[b]: must also be specified",
        );
    }

    #[test]
    fn nullable_and_default_rules() {
        assert_violation(
            json!({"type": "string", "default": null}),
            "default: null is only allowed with nullable: true",
        );
        assert_violation(
            json!({"type": "integer", "x-kubernetes-int-or-string": true}),
            "type: must be empty when x-kubernetes-int-or-string",
        );
        assert_violation(
            json!({"type": "object", "x-kubernetes-preserve-unknown-fields": false}),
            "must be true or absent",
        );
    }

    #[test]
    fn list_and_map_types_are_checked() {
        assert_violation(
            json!({"type": "array", "items": {"type": "object"}, "x-kubernetes-list-map-keys": ["name"]}),
            "only allowed with x-kubernetes-list-type: map",
        );
        assert_violation(
            json!({"type": "array", "items": {"type": "object"}, "x-kubernetes-list-type": "map"}),
            "must be a non-empty list if x-kubernetes-list-type is map",
        );
        assert_violation(
            json!({"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"],
                   "items": {"type": "object", "properties": {"name": {"type": "string"}}}}),
            "must be required or have a default",
        );
        assert_violation(
            json!({"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["port"],
                   "items": {"type": "object", "properties": {"name": {"type": "string"}}}}),
            "\"port\" is not a property of the items",
        );
        assert_violation(
            json!({"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "object"}}),
            "a list-type set needs scalar items",
        );
        assert_violation(
            json!({"type": "string", "x-kubernetes-list-type": "atomic"}),
            "only allowed on type array",
        );
        assert_violation(
            json!({"type": "object", "x-kubernetes-map-type": "merge"}),
            "must be atomic or granular",
        );
    }

    #[test]
    fn embedded_resources_and_rules_are_checked() {
        assert_violation(
            json!({"type": "object", "x-kubernetes-embedded-resource": true}),
            "must not be empty if x-kubernetes-embedded-resource",
        );
        assert_violation(
            json!({"type": "object", "x-kubernetes-validations": [{"rule": " "}]}),
            "x-kubernetes-validations[0].rule: must be a non-empty CEL expression",
        );
        assert_violation(
            json!({"type": "object", "x-kubernetes-validations": [{"rule": "true", "reason": "Nope", "fieldPath": "a"}]}),
            "x-kubernetes-validations[0].reason: must be one of",
        );
    }

    /// Every CRD snapshot of the derive's golden tests is a structural schema.
    #[test]
    fn every_derive_snapshot_is_structural() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../derive/tests/snapshots");
        let mut checked = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            // An insta snapshot: a `---`-delimited header, then the value.
            let body = text.splitn(3, "---\n").nth(2).unwrap();
            let value: Value = serde_yaml::from_str(body).unwrap();
            if value["kind"] == "CustomResourceDefinition" {
                let crd: CustomResourceDefinition = serde_json::from_value(value).unwrap();
                check_crd(&crd).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            } else {
                let v = violations(&root(value), P);
                assert!(v.is_empty(), "{}: {v:#?}", path.display());
            }
            checked += 1;
        }
        assert!(
            checked >= 4,
            "found only {checked} snapshots in {}",
            dir.display()
        );
    }
}
