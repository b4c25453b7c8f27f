//! The API server's structural-schema rules: one engine that walks a CRD version's
//! `openAPIV3Schema` and reports every violation with the path of its node
//! (`openAPIV3Schema.properties[spec].properties[size].type`).
//!
//! The rules (from k8s.io/apiextensions-apiserver `pkg/apiserver/schema` and the
//! CustomResourceDefinition validation in `pkg/apis/apiextensions/validation`):
//!
//! 1. **Typed**: every node (root, each property, `items`, `additionalProperties`) has one
//!    non-empty `type`, unless it sets `x-kubernetes-int-or-string: true` or
//!    `x-kubernetes-preserve-unknown-fields: true`. The root is `type: object`.
//! 2. **No references**: `$ref`, `definitions`, `$defs`, `$schema`, `id`, `dependencies`,
//!    `additionalItems`, `prefixItems` and `patternProperties` are not allowed anywhere.
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
//! 10. **nullable / default**: `default: null` needs `nullable: true`.
//! 11. **List types**: `x-kubernetes-list-type` only on arrays, one of `atomic`, `set`, `map`;
//!     `x-kubernetes-list-map-keys` requires `list-type: map` and vice versa; the keys are
//!     scalar properties of the object items that are required or have a default; a `set`
//!     has scalar items (or atomic objects).
//! 12. **Map types**: `x-kubernetes-map-type` only on objects, `atomic` or `granular`.
//! 13. **CEL rules**: each `x-kubernetes-validations` entry has a non-empty `rule`, a `reason`
//!     among [`crate::cel::REASONS`], a `fieldPath` starting with `.`, and a one-line
//!     `message`, required when the rule has line breaks (the rule's syntax is parsed by the
//!     derive and by `cargo operator manifests`, with [`crate::cel::syntax`]).
//!
//! Where a violation is what a Rust shape turns into (a recursive type, a tuple, any JSON),
//! it carries a [`hint`](Violation::hint) saying what to write in Rust instead.

use serde_json::{Map, Value};
use std::fmt;

use super::hint;

/// One broken rule at one node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The node (and key) at fault, e.g. `openAPIV3Schema.properties[spec].type`.
    pub path: String,
    /// What is wrong, in the API server's terms.
    pub message: String,
    /// What to change in the Rust type, when the violation comes from a Rust shape.
    pub hint: Option<&'static str>,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)?;
        if let Some(hint) = self.hint {
            write!(f, "; {hint}")?;
        }
        Ok(())
    }
}

const FORBIDDEN: &[(&str, Option<&str>)] = &[
    ("$ref", Some(hint::RECURSIVE)),
    ("definitions", Some(hint::RECURSIVE)),
    ("$defs", Some(hint::RECURSIVE)),
    ("$schema", None),
    ("id", None),
    ("dependencies", None),
    ("additionalItems", Some(hint::TUPLE)),
    ("prefixItems", Some(hint::TUPLE)),
    ("patternProperties", None),
];
const JUNCTORS: &[&str] = &["allOf", "anyOf", "oneOf", "not"];

/// The violations of a root `openAPIV3Schema`; `path` names the root in the messages.
pub fn violations(root: &Value, path: &str) -> Vec<Violation> {
    let mut out = Out::default();
    let Some(obj) = root.as_object() else {
        out.push(path, "must be a schema object", None);
        return out.0;
    };
    if obj.get("type").and_then(Value::as_str) != Some("object") {
        out.push(
            format!("{path}.type"),
            "the root must be `type: object`",
            None,
        );
    }
    if let Some(meta) = obj.get("properties").and_then(|p| p.get("metadata")) {
        check_root_metadata(meta, &format!("{path}.properties[metadata]"), &mut out);
    }
    node(obj, path, false, &mut out);
    out.0
}

/// The violations of a schema that is not a CRD root (the schema of a spec or status type,
/// checked on its own before it is wrapped into the root).
pub fn node_violations(schema: &Value, path: &str) -> Vec<Violation> {
    let mut out = Out::default();
    match schema.as_object() {
        Some(obj) => node(obj, path, false, &mut out),
        None => child_node(schema, path, false, &mut out),
    }
    out.0
}

#[derive(Default)]
struct Out(Vec<Violation>);

impl Out {
    fn push(
        &mut self,
        path: impl Into<String>,
        message: impl Into<String>,
        hint: Option<&'static str>,
    ) {
        self.0.push(Violation {
            path: path.into(),
            message: message.into(),
            hint,
        });
    }
}

fn is_true(obj: &Map<String, Value>, key: &str) -> bool {
    obj.get(key) == Some(&Value::Bool(true))
}

fn check_root_metadata(meta: &Value, path: &str, out: &mut Out) {
    let Some(meta) = meta.as_object() else {
        return;
    };
    for (k, v) in meta {
        match k.as_str() {
            "type" if v == "object" => {}
            "type" => out.push(format!("{path}.type"), "metadata must be `type: object`", None),
            "properties" => {
                for (prop, schema) in v.as_object().into_iter().flatten() {
                    if prop != "name" && prop != "generateName" {
                        out.push(
                            format!("{path}.properties[{prop}]"),
                            "only metadata.name and metadata.generateName may be restricted",
                            None,
                        );
                    } else if schema.get("type").and_then(Value::as_str) != Some("string") {
                        out.push(
                            format!("{path}.properties[{prop}].type"),
                            "must be `type: string`",
                            None,
                        );
                    }
                    if schema.get("default").is_some() {
                        out.push(
                            format!("{path}.properties[{prop}].default"),
                            "metadata fields cannot be defaulted",
                            None,
                        );
                    }
                }
            }
            other => out.push(
                format!("{path}.{other}"),
                "metadata at the root may only have `type: object` and restrictions on name/generateName",
                None,
            ),
        }
    }
}

/// int-or-string's own `anyOf: [{type: integer}, {type: string}]`.
pub fn is_int_or_string_any_of(v: &Value) -> bool {
    v == &serde_json::json!([{ "type": "integer" }, { "type": "string" }])
}

fn node(obj: &Map<String, Value>, path: &str, in_junctor: bool, out: &mut Out) {
    let ty = obj.get("type").and_then(Value::as_str).unwrap_or("");
    let int_or_string = is_true(obj, "x-kubernetes-int-or-string");
    let preserve = is_true(obj, "x-kubernetes-preserve-unknown-fields");

    for (key, hint) in FORBIDDEN {
        if obj.contains_key(*key) {
            out.push(
                format!("{path}.{key}"),
                "not allowed in a structural schema (every node is spelled out, no references)",
                *hint,
            );
        }
    }
    // Rules 1 and 8.
    if !in_junctor && !int_or_string && !preserve {
        match obj.get("type") {
            Some(Value::Array(_)) => out.push(
                format!("{path}.type"),
                "must be a single type, not a list of types",
                Some(hint::SEVERAL_TYPES),
            ),
            _ if ty.is_empty() => {
                let hint = if obj.contains_key("anyOf") || obj.contains_key("oneOf") {
                    hint::MIXED_ENUM
                } else {
                    hint::ANY_JSON
                };
                out.push(
                    format!("{path}.type"),
                    "must not be empty (set a type, or x-kubernetes-int-or-string / x-kubernetes-preserve-unknown-fields)",
                    Some(hint),
                )
            }
            _ => {}
        }
    }
    if int_or_string && !ty.is_empty() {
        out.push(
            format!("{path}.type"),
            "must be empty when x-kubernetes-int-or-string is true",
            None,
        );
    }
    if let Some(v) = obj.get("x-kubernetes-preserve-unknown-fields")
        && v != &Value::Bool(true)
    {
        out.push(
            format!("{path}.x-kubernetes-preserve-unknown-fields"),
            "must be true or absent",
            None,
        );
    }
    // Rule 7.
    if in_junctor {
        for key in [
            "description",
            "type",
            "default",
            "nullable",
            "additionalProperties",
        ] {
            if obj.contains_key(key) {
                let hint = (key == "type").then_some(hint::MIXED_ENUM);
                out.push(
                    format!("{path}.{key}"),
                    "must not be set inside allOf/anyOf/oneOf/not",
                    hint,
                );
            }
        }
        for key in obj.keys().filter(|k| k.starts_with("x-kubernetes-")) {
            out.push(
                format!("{path}.{key}"),
                "must not be set inside allOf/anyOf/oneOf/not",
                None,
            );
        }
    }
    // Rules 3 and 4.
    if obj.contains_key("properties") && obj.contains_key("additionalProperties") {
        out.push(
            path,
            "properties and additionalProperties are mutually exclusive",
            Some(hint::FLATTENED_MAP),
        );
    }
    if obj.get("additionalProperties") == Some(&Value::Bool(false)) {
        out.push(
            format!("{path}.additionalProperties"),
            "must not be false (unknown fields are pruned instead)",
            None,
        );
    }
    if is_true(obj, "uniqueItems") {
        out.push(
            format!("{path}.uniqueItems"),
            "must not be true; use x-kubernetes-list-type: set",
            None,
        );
    }
    // Rule 5.
    match obj.get("items") {
        Some(Value::Array(_)) => out.push(
            format!("{path}.items"),
            "must be a single schema, not a list of schemas",
            Some(hint::TUPLE),
        ),
        Some(Value::Bool(_)) if !in_junctor => out.push(
            format!("{path}.items"),
            "must be a schema object (a list of any JSON values has no item type)",
            Some(hint::ANY_JSON_ITEMS),
        ),
        None if ty == "array" && !in_junctor => out.push(
            format!("{path}.items"),
            "must be specified for type array",
            None,
        ),
        _ => {}
    }
    // Rule 9.
    if is_true(obj, "x-kubernetes-embedded-resource") {
        if ty != "object" {
            out.push(
                format!("{path}.type"),
                "must be object if x-kubernetes-embedded-resource is true",
                None,
            );
        }
        if !obj.contains_key("properties") && !preserve {
            out.push(
                format!("{path}.properties"),
                "must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields",
                None,
            );
        }
    }
    // Rule 10.
    if obj.get("default") == Some(&Value::Null) && !is_true(obj, "nullable") {
        out.push(
            format!("{path}.default"),
            "null is only allowed with nullable: true",
            None,
        );
    }
    // Rule 11.
    let list_type = obj.get("x-kubernetes-list-type").and_then(Value::as_str);
    if let Some(lt) = list_type {
        if ty != "array" {
            out.push(
                format!("{path}.x-kubernetes-list-type"),
                "only allowed on type array",
                None,
            );
        }
        if !["atomic", "set", "map"].contains(&lt) {
            out.push(
                format!("{path}.x-kubernetes-list-type"),
                format!("must be atomic, set or map, not {lt:?}"),
                None,
            );
        }
    }
    let items = obj.get("items").and_then(Value::as_object);
    match (list_type, obj.get("x-kubernetes-list-map-keys")) {
        (Some("map"), Some(Value::Array(keys))) if !keys.is_empty() => {
            check_map_keys(keys, items, path, out)
        }
        (Some("map"), _) => out.push(
            format!("{path}.x-kubernetes-list-map-keys"),
            "must be a non-empty list if x-kubernetes-list-type is map",
            None,
        ),
        (_, Some(_)) => out.push(
            format!("{path}.x-kubernetes-list-map-keys"),
            "only allowed with x-kubernetes-list-type: map",
            None,
        ),
        _ => {}
    }
    if list_type == Some("set")
        && let Some(items) = items
    {
        let item_ty = items.get("type").and_then(Value::as_str).unwrap_or("");
        let atomic = items.get("x-kubernetes-map-type").and_then(Value::as_str) == Some("atomic");
        if (item_ty == "object" && !atomic) || item_ty == "array" {
            out.push(
                format!("{path}.items.type"),
                "a list-type set needs scalar items (or objects with x-kubernetes-map-type: atomic)",
                None,
            );
        }
    }
    // Rule 12.
    if let Some(mt) = obj.get("x-kubernetes-map-type") {
        if ty != "object" {
            out.push(
                format!("{path}.x-kubernetes-map-type"),
                "only allowed on type object",
                None,
            );
        }
        if !(mt == "atomic" || mt == "granular") {
            out.push(
                format!("{path}.x-kubernetes-map-type"),
                format!("must be atomic or granular, not {mt}"),
                None,
            );
        }
    }
    // Rule 13.
    if let Some(rules) = obj.get("x-kubernetes-validations") {
        check_rules(rules, &format!("{path}.x-kubernetes-validations"), out);
    }

    // Children.
    if let Some(props) = obj.get("properties").and_then(Value::as_object) {
        for (name, child) in props {
            child_node(
                child,
                &format!("{path}.properties[{name}]"),
                in_junctor,
                out,
            );
        }
    }
    if let Some(Value::Object(items)) = obj.get("items") {
        node(items, &format!("{path}.items"), in_junctor, out);
    }
    if let Some(Value::Object(ap)) = obj.get("additionalProperties") {
        node(ap, &format!("{path}.additionalProperties"), in_junctor, out);
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
                out.push(sub_path, "must be a schema object", None);
                continue;
            };
            for prop in sub_obj
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flat_map(|p| p.keys())
            {
                if !own.is_some_and(|o| o.contains_key(prop)) {
                    out.push(
                        format!("{sub_path}.properties[{prop}]"),
                        format!("must also be specified in {path}.properties"),
                        None,
                    );
                }
            }
            node(sub_obj, &sub_path, true, out);
        }
    }
}

fn child_node(child: &Value, path: &str, in_junctor: bool, out: &mut Out) {
    match child {
        Value::Object(obj) => node(obj, path, in_junctor, out),
        // Inside a junctor, `true` only says "no further restriction" (schemars writes it
        // for a variant's unconstrained property).
        Value::Bool(true) if in_junctor => {}
        other => out.push(
            path,
            format!(
                "must be a schema object, not {other} (a structural schema spells out every node)"
            ),
            Some(hint::ANY_JSON),
        ),
    }
}

fn check_map_keys(keys: &[Value], items: Option<&Map<String, Value>>, path: &str, out: &mut Out) {
    let Some(items) = items else { return };
    if items.get("type").and_then(Value::as_str) != Some("object") {
        out.push(
            format!("{path}.items.type"),
            "must be object if x-kubernetes-list-type is map",
            None,
        );
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
            out.push(
                format!("{path}.x-kubernetes-list-map-keys"),
                "keys must be strings",
                None,
            );
            continue;
        };
        let Some(prop) = props.and_then(|p| p.get(key)).and_then(Value::as_object) else {
            out.push(
                format!("{path}.x-kubernetes-list-map-keys"),
                format!("{key:?} is not a property of the items"),
                None,
            );
            continue;
        };
        let ty = prop.get("type").and_then(Value::as_str).unwrap_or("");
        if !["string", "integer", "number", "boolean"].contains(&ty) {
            out.push(
                format!("{path}.items.properties[{key}].type"),
                "a list-map key must be a scalar",
                None,
            );
        }
        if !required.contains(&key) && !prop.contains_key("default") {
            out.push(
                format!("{path}.items.properties[{key}]"),
                "a list-map key must be required or have a default",
                None,
            );
        }
    }
}

fn check_rules(rules: &Value, path: &str, out: &mut Out) {
    let Some(rules) = rules.as_array() else {
        out.push(path, "must be a list", None);
        return;
    };
    for (i, rule) in rules.iter().enumerate() {
        let p = format!("{path}[{i}]");
        let Some(rule) = rule.as_object() else {
            out.push(p, "must be an object", None);
            continue;
        };
        if rule
            .get("rule")
            .and_then(Value::as_str)
            .is_none_or(|r| r.trim().is_empty())
        {
            out.push(
                format!("{p}.rule"),
                "must be a non-empty CEL expression",
                None,
            );
        }
        if let Some(reason) = rule.get("reason")
            && let Err(why) = crate::cel::reason(reason.as_str().unwrap_or_default())
        {
            out.push(format!("{p}.reason"), why, None);
        }
        if let Err(why) = crate::cel::message(
            rule.get("rule").and_then(Value::as_str).unwrap_or_default(),
            rule.get("message").and_then(Value::as_str),
        ) {
            out.push(format!("{p}.message"), why, None);
        }
        if let Some(fp) = rule.get("fieldPath")
            && !fp
                .as_str()
                .is_some_and(|f| f.starts_with('.') || f.starts_with("['"))
        {
            out.push(
                format!("{p}.fieldPath"),
                "must be a JSON path starting with `.`",
                None,
            );
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

    fn messages(violations: Vec<Violation>) -> Vec<String> {
        violations
            .into_iter()
            .map(|v| format!("{}: {}", v.path, v.message))
            .collect()
    }

    fn check(spec: Value) -> Vec<String> {
        messages(violations(&root(spec), P))
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
        assert_eq!(messages(violations(&metadata, P)), Vec::<String>::new());
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
        let untyped_root = messages(violations(&json!({"properties": {}}), P));
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
        let v = messages(violations(&schema, P));
        assert!(
            v[0].starts_with(
                "openAPIV3Schema.properties[metadata].properties[labels]: only metadata.name"
            ),
            "{v:?}"
        );
        let schema = json!({"type": "object", "properties": {
            "metadata": {"type": "object", "description": "x"},
        }});
        assert!(messages(violations(&schema, P))[0].contains("metadata at the root may only"));
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

    #[test]
    fn rust_shapes_get_a_hint() {
        let v = violations(
            &root(json!({"type": "object", "properties": {
                "any": {"description": "serde_json::Value"},
                "pair": {"type": "array", "items": [{"type": "string"}, {"type": "integer"}]},
                "mixed": {"oneOf": [{"type": "string"}, {"type": "object"}]},
                "self": {"$ref": "#/$defs/Spec"},
            }})),
            P,
        );
        let hint = |path: &str| {
            v.iter()
                .find(|v| v.path.ends_with(path))
                .and_then(|v| v.hint)
        };
        assert_eq!(hint("properties[any].type"), Some(hint::ANY_JSON));
        assert_eq!(hint("properties[pair].items"), Some(hint::TUPLE));
        assert_eq!(hint("properties[mixed].type"), Some(hint::MIXED_ENUM));
        assert_eq!(hint("properties[self].$ref"), Some(hint::RECURSIVE));
        assert!(v[0].to_string().contains("; "), "{}", v[0]);
    }
}
