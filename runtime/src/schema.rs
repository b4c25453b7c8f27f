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
