//! `#[field(...)]` patches: JSON objects built by the derive at compile time and merged into
//! the generated schema of one property (or of a whole struct) when the CRD is assembled.

use serde_json::Value;

use super::Object;

/// Merges `patch` into the schema of `property` of the object schema `schema`.
///
/// Panics when the property does not exist: the derive only emits patches for properties it
/// saw, so a missing one means the schema and the struct disagree (a bug to report).
pub fn patch_property(schema: &mut Object, owner: &str, property: &str, patch: &Object) {
    let target = schema
        .get_mut("properties")
        .and_then(|p| p.get_mut(property))
        .unwrap_or_else(|| {
            panic!("#[field(...)]: property `{property}` not found in the generated schema of `{owner}`")
        });
    if let Value::Bool(true) = target {
        *target = Value::Object(Object::new());
    }
    let Value::Object(target) = target else {
        panic!("#[field(...)]: the schema of property `{property}` of `{owner}` is not an object");
    };
    merge(target, patch.clone());
}

/// Parses a patch the derive emitted as a JSON string. Its defaults are set aside under
/// [`ATTRIBUTE_DEFAULT`] until [`only_attribute_defaults`] runs.
pub fn parse(patch: &str) -> Object {
    match serde_json::from_str(patch) {
        Ok(Value::Object(mut patch)) => {
            mark_defaults(&mut patch);
            patch
        }
        _ => panic!("the derive emits every #[field(...)] patch as a JSON object, not {patch:?}"),
    }
}

/// Where a `#[field(default = ...)]` waits while schemars' own defaults are still around.
pub const ATTRIBUTE_DEFAULT: &str = "x-cargo-operator-default";

fn mark_defaults(node: &mut Object) {
    if let Some(default) = node.remove("default") {
        node.insert(ATTRIBUTE_DEFAULT.into(), default);
    }
    for child in super::subschemas_mut(node) {
        if let Value::Object(child) = child {
            mark_defaults(child);
        }
    }
}

/// Keeps the defaults of `#[field(default = ...)]` and drops the ones schemars derives from
/// `#[serde(default)]`: that attribute says what the *client* does with a missing field, like
/// Go's `omitempty`, for which controller-gen writes no default either; as a CRD default it
/// would make the API server store zero values (`0`, `""`) the user never sent.
pub fn only_attribute_defaults(node: &mut Object) {
    node.remove("default");
    if let Some(default) = node.remove(ATTRIBUTE_DEFAULT) {
        node.insert("default".into(), default);
    }
    for child in super::subschemas_mut(node) {
        if let Value::Object(child) = child {
            only_attribute_defaults(child);
        }
    }
}

/// Merges a patch into a schema node.
///
/// `x-kubernetes-validations` rules are appended (an identical rule is not added twice);
/// `items` (from `items(...)`) is merged into the element schema; `anyOf` (from
/// `int_or_string`) replaces `type`/`format`; every other key is set. Afterwards, a schema
/// with an `enum` loses `nullable` ([`strip_nullable_from_enum`] says why), and an embedded
/// resource without properties keeps its unknown fields.
pub fn merge(target: &mut Object, patch: Object) {
    for (key, value) in patch {
        match (key.as_str(), value) {
            ("x-kubernetes-validations", Value::Array(rules)) => {
                let existing = target
                    .entry("x-kubernetes-validations")
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(existing) = existing {
                    for rule in rules {
                        if !existing.contains(&rule) {
                            existing.push(rule);
                        }
                    }
                }
            }
            ("items", Value::Object(items)) => {
                let existing = target
                    .entry("items")
                    .or_insert_with(|| Value::Object(Object::new()));
                if let Value::Bool(true) = existing {
                    *existing = Value::Object(Object::new());
                }
                if let Value::Object(existing) = existing {
                    merge(existing, items);
                }
            }
            ("anyOf", value) => {
                target.remove("type");
                target.remove("format");
                target.insert(key, value);
            }
            (_, value) => {
                target.insert(key, value);
            }
        }
    }
    strip_nullable_from_enum(target);
    // `serde_json::Map` values are `additionalProperties: true`, under which the API server
    // prunes every unknown field even when the node preserves them; preserving is the point.
    if target.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true))
        && target.get("additionalProperties") == Some(&Value::Bool(true))
    {
        target.remove("additionalProperties");
    }
    // An embedded resource without a schema of its own (e.g. `serde_json::Value`) keeps its
    // unknown fields, as controller-gen does for `runtime.RawExtension`; the API server
    // requires properties or x-kubernetes-preserve-unknown-fields beside it.
    if target.get("x-kubernetes-embedded-resource") == Some(&Value::Bool(true))
        && !target.contains_key("properties")
    {
        target.insert(
            "x-kubernetes-preserve-unknown-fields".into(),
            Value::Bool(true),
        );
    }
}

/// A schema with an `enum` is never nullable.
///
/// The API server checks `enum` even against `null`, and `null` matches no member — not even
/// a listed `null` — so a nullable enum rejects `null` every time (seen on kube-apiserver
/// 1.35). Without `nullable`, a `null` is pruned like an absent field (and then defaulted)
/// before validation, which is what a Rust `None` means. controller-gen emits no `nullable`
/// there either.
pub fn strip_nullable_from_enum(schema: &mut Object) {
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

/// controller-gen's shape for int-or-string (`IntOrString`, `Quantity`), everywhere below
/// `node`: the extension plus `anyOf: [integer, string]`, so that plain JSON-schema
/// validators see the same alternatives the API server allows.
pub fn int_or_string_any_of(node: &mut Object) {
    if node.get("x-kubernetes-int-or-string") == Some(&Value::Bool(true))
        && !node.contains_key("anyOf")
    {
        node.insert(
            "anyOf".into(),
            serde_json::json!([{ "type": "integer" }, { "type": "string" }]),
        );
    }
    for (key, child) in node.iter_mut() {
        match (key.as_str(), child) {
            ("properties", Value::Object(props)) => {
                for prop in props.values_mut() {
                    if let Value::Object(prop) = prop {
                        int_or_string_any_of(prop);
                    }
                }
            }
            ("items" | "additionalProperties", Value::Object(child)) => int_or_string_any_of(child),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(value: Value) -> Object {
        let Value::Object(map) = value else { panic!() };
        map
    }

    #[test]
    fn rules_append_items_merge_and_enums_lose_null() {
        let mut target = object(json!({
            "type": "array",
            "items": {"type": "string"},
            "x-kubernetes-validations": [{"rule": "a"}],
        }));
        merge(
            &mut target,
            object(json!({
                "maxItems": 3,
                "items": {"minLength": 1},
                "x-kubernetes-validations": [{"rule": "a"}, {"rule": "b"}],
            })),
        );
        assert_eq!(
            Value::Object(target),
            json!({
                "type": "array",
                "maxItems": 3,
                "items": {"type": "string", "minLength": 1},
                "x-kubernetes-validations": [{"rule": "a"}, {"rule": "b"}],
            })
        );
        let mut level =
            object(json!({"enum": ["low", null], "nullable": true, "type": ["string", "null"]}));
        strip_nullable_from_enum(&mut level);
        assert_eq!(
            Value::Object(level),
            json!({"enum": ["low"], "type": "string"})
        );
    }

    #[test]
    fn int_or_string_replaces_the_type() {
        let mut target = object(json!({"type": "string", "format": "x"}));
        merge(
            &mut target,
            object(
                json!({"x-kubernetes-int-or-string": true, "anyOf": [{"type": "integer"}, {"type": "string"}]}),
            ),
        );
        assert_eq!(
            Value::Object(target),
            json!({"x-kubernetes-int-or-string": true, "anyOf": [{"type": "integer"}, {"type": "string"}]})
        );
        let mut nested =
            object(json!({"properties": {"port": {"x-kubernetes-int-or-string": true}}}));
        int_or_string_any_of(&mut nested);
        assert_eq!(
            nested["properties"]["port"]["anyOf"][1],
            json!({"type": "string"})
        );
    }
}
