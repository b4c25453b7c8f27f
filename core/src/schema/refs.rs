//! `$ref`s in a generated schema: a CRD schema has none, so every definition a schema refers
//! to is inlined where it is used — except the ones a caller keeps, to fill in later (the
//! Kubernetes types, see [`super::k8s`]).

use serde_json::Value;

use super::{Object, hint, patch, subschemas_mut};

/// Where schemars puts definitions, and the prefix of its `$ref`s.
pub const DEFINITIONS: &str = "$defs";
const PREFIX: &str = "#/$defs/";

/// Replaces every `$ref` below `node` with the definition it names (from `definitions`), the
/// referring node's own keys (a field's description, its `#[field(...)]` patch) merged over
/// it. A `$ref` to a name `keep` accepts stays, as `{"$ref": "<name>", ...own keys}`.
///
/// A type that contains itself has no structural schema (the API server needs every level
/// spelled out), so a cycle is an error naming the types.
pub fn inline(
    node: &mut Object,
    definitions: &Object,
    keep: &dyn Fn(&str) -> bool,
) -> Result<(), String> {
    inline_at(node, definitions, keep, &mut Vec::new())
}

fn inline_at(
    node: &mut Object,
    definitions: &Object,
    keep: &dyn Fn(&str) -> bool,
    stack: &mut Vec<String>,
) -> Result<(), String> {
    if let Some(Value::String(reference)) = node.get("$ref") {
        let name = name_of(reference);
        if keep(&name) {
            node.insert("$ref".into(), Value::String(name));
            return Ok(());
        }
        if stack.contains(&name) {
            stack.push(name);
            return Err(format!(
                "`{}` contains itself: {}",
                stack.join("` → `"),
                hint::RECURSIVE
            ));
        }
        let Some(Value::Object(definition)) = definitions.get(&name) else {
            return Err(format!("`$ref` to `{name}`, which schemars did not define"));
        };
        let mut resolved = definition.clone();
        stack.push(name);
        inline_at(&mut resolved, definitions, keep, stack)?;
        stack.pop();
        let mut own = std::mem::take(node);
        own.remove("$ref");
        conjoin(&mut resolved, own);
        *node = resolved;
        return Ok(());
    }
    for child in subschemas_mut(node) {
        if let Value::Object(child) = child {
            inline_at(child, definitions, keep, stack)?;
        }
    }
    Ok(())
}

/// Lays the keys of a node that refers to `resolved` over it. A `$ref` with siblings means
/// both apply, so the properties and required names of both are kept (an internally tagged
/// newtype variant is its type's `$ref` plus the tag property); everything else is a patch
/// (a field's description, its `#[field(...)]` keys), see [`patch::merge`].
pub fn conjoin(resolved: &mut Object, mut own: Object) {
    for key in ["properties", "patternProperties"] {
        if let (Some(Value::Object(theirs)), Some(Value::Object(ours))) =
            (resolved.get_mut(key), own.remove(key))
        {
            theirs.extend(ours);
        }
    }
    if let (Some(Value::Array(theirs)), Some(Value::Array(ours))) =
        (resolved.get_mut("required"), own.remove("required"))
    {
        for name in ours {
            if !theirs.contains(&name) {
                theirs.push(name);
            }
        }
    }
    patch::merge(resolved, own);
}

/// `#/$defs/a~1b` → `a/b` (a JSON pointer's escapes undone).
fn name_of(reference: &str) -> String {
    reference
        .strip_prefix(PREFIX)
        .unwrap_or(reference)
        .replace("~1", "/")
        .replace("~0", "~")
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
    fn definitions_are_inlined_under_the_referring_keys_and_kept_names_stay() {
        let definitions = object(json!({
            "Inner": {"type": "object", "description": "the type", "properties": {
                "pod": {"$ref": "#/$defs/io.k8s.api.core.v1.PodSpec", "description": "a pod"}}},
        }));
        let mut node = object(json!({"type": "object", "properties": {
            "inner": {"$ref": "#/$defs/Inner", "description": "the field"}}}));
        inline(&mut node, &definitions, &|name| name.starts_with("io.k8s.")).unwrap();
        assert_eq!(
            Value::Object(node),
            json!({"type": "object", "properties": {"inner": {
                "type": "object", "description": "the field", "properties": {
                    "pod": {"$ref": "io.k8s.api.core.v1.PodSpec", "description": "a pod"}}}}})
        );
    }

    #[test]
    fn a_type_that_contains_itself_is_an_error() {
        let definitions = object(json!({
            "Tree": {"type": "object", "properties": {
                "children": {"type": "array", "items": {"$ref": "#/$defs/Tree"}}}},
        }));
        let mut node = object(json!({"$ref": "#/$defs/Tree"}));
        let error = inline(&mut node, &definitions, &|_| false).unwrap_err();
        assert!(error.contains("`Tree` → `Tree`"), "{error}");
    }
}
