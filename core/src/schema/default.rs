//! Defaults are validated by the API server against their own schema node when the CRD is
//! created, and a default that breaks it makes the server refuse the whole CRD. This checks
//! a default the same way before anything is written: type, enum, bounds, lengths, pattern,
//! and the same recursively for the elements and properties of lists and objects.

use serde_json::Value;

use super::Object;

/// Why `value` does not validate against `schema` (the keywords present there only).
pub fn check(value: &Value, schema: &Object) -> Result<(), String> {
    check_at(value, schema, "")
}

fn at(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!(" at `{path}`")
    }
}

fn check_at(value: &Value, schema: &Object, path: &str) -> Result<(), String> {
    let flag = |key: &str| schema.get(key) == Some(&Value::Bool(true));
    if value.is_null() {
        return if flag("nullable") {
            Ok(())
        } else {
            Err(format!(
                "null{} is not allowed: the schema is not nullable",
                at(path)
            ))
        };
    }
    if flag("x-kubernetes-int-or-string") {
        if !(value.is_string() || is_integer(value)) {
            return Err(format!(
                "{value}{} is neither an integer nor a string",
                at(path)
            ));
        }
    } else if let Some(ty) = schema.get("type").and_then(Value::as_str) {
        let fits = match ty {
            "integer" => is_integer(value),
            "number" => value.is_number(),
            "string" => value.is_string(),
            "boolean" => value.is_boolean(),
            "array" => value.is_array(),
            "object" => value.is_object(),
            _ => true,
        };
        if !fits {
            return Err(format!("{value}{} is not of type {ty}", at(path)));
        }
    }
    if let Some(Value::Array(members)) = schema.get("enum")
        && !members.contains(value)
    {
        let list: Vec<String> = members.iter().map(Value::to_string).collect();
        return Err(format!(
            "{value}{} is not one of the enum values {}",
            at(path),
            list.join(", ")
        ));
    }
    if let Some(n) = value.as_f64() {
        check_number(value, n, schema, path)?;
    }
    if let Some(s) = value.as_str() {
        check_string(value, s, schema, path)?;
    }
    if let Some(items) = value.as_array() {
        check_size(
            items.len(),
            schema,
            "minItems",
            "maxItems",
            "items",
            value,
            path,
        )?;
        if let Some(Value::Object(item_schema)) = schema.get("items") {
            for (i, item) in items.iter().enumerate() {
                check_at(item, item_schema, &format!("{path}[{i}]"))?;
            }
        }
    }
    if let Some(object) = value.as_object() {
        check_size(
            object.len(),
            schema,
            "minProperties",
            "maxProperties",
            "properties",
            value,
            path,
        )?;
        let properties = schema.get("properties").and_then(Value::as_object);
        for required in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            let defaulted = properties
                .and_then(|p| p.get(required))
                .is_some_and(|p| p.get("default").is_some());
            if !object.contains_key(required) && !defaulted {
                return Err(format!(
                    "{value}{} lacks the required property `{required}`",
                    at(path)
                ));
            }
        }
        for (key, item) in object {
            let child = properties
                .and_then(|p| p.get(key))
                .or_else(|| schema.get("additionalProperties"));
            if let Some(Value::Object(child)) = child {
                check_at(item, child, &format!("{path}.{key}"))?;
            }
        }
    }
    Ok(())
}

fn is_integer(value: &Value) -> bool {
    value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|f| f.fract() == 0.0)
}

fn check_number(value: &Value, n: f64, schema: &Object, path: &str) -> Result<(), String> {
    let flag = |key: &str| schema.get(key) == Some(&Value::Bool(true));
    if let Some(min) = schema.get("minimum").and_then(Value::as_f64) {
        let exclusive = flag("exclusiveMinimum");
        if n < min || (exclusive && n == min) {
            let bound = if exclusive {
                "exclusive minimum"
            } else {
                "minimum"
            };
            return Err(format!("{value}{} is below the {bound} {min}", at(path)));
        }
    }
    if let Some(max) = schema.get("maximum").and_then(Value::as_f64) {
        let exclusive = flag("exclusiveMaximum");
        if n > max || (exclusive && n == max) {
            let bound = if exclusive {
                "exclusive maximum"
            } else {
                "maximum"
            };
            return Err(format!("{value}{} is above the {bound} {max}", at(path)));
        }
    }
    if let Some(step) = schema.get("multipleOf").and_then(Value::as_f64)
        && step > 0.0
    {
        let quotient = n / step;
        if (quotient - quotient.round()).abs() > 1e-9 {
            return Err(format!("{value}{} is not a multiple of {step}", at(path)));
        }
    }
    Ok(())
}

fn check_string(value: &Value, s: &str, schema: &Object, path: &str) -> Result<(), String> {
    // Go counts a string's length in runes, as `chars()` does.
    let len = s.chars().count();
    if let Some(min) = schema.get("minLength").and_then(Value::as_u64)
        && (len as u64) < min
    {
        return Err(format!(
            "{value}{} is shorter than the minimum length {min}",
            at(path)
        ));
    }
    if let Some(max) = schema.get("maxLength").and_then(Value::as_u64)
        && (len as u64) > max
    {
        return Err(format!(
            "{value}{} is longer than the maximum length {max}",
            at(path)
        ));
    }
    if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
        // A pattern the regex engine cannot compile is reported by the pattern check.
        if let Ok(re) = regex_lite::Regex::new(pattern)
            && !re.is_match(s)
        {
            return Err(format!(
                "{value}{} does not match the pattern {pattern:?}",
                at(path)
            ));
        }
    }
    Ok(())
}

fn check_size(
    len: usize,
    schema: &Object,
    min_key: &str,
    max_key: &str,
    what: &str,
    value: &Value,
    path: &str,
) -> Result<(), String> {
    if let Some(min) = schema.get(min_key).and_then(Value::as_u64)
        && (len as u64) < min
    {
        return Err(format!(
            "{value}{} has {len} {what}, fewer than the minimum {min}",
            at(path)
        ));
    }
    if let Some(max) = schema.get(max_key).and_then(Value::as_u64)
        && (len as u64) > max
    {
        return Err(format!(
            "{value}{} has {len} {what}, more than the maximum {max}",
            at(path)
        ));
    }
    Ok(())
}

/// Every default in a schema that does not validate against its own node, as
/// `(path of the node, why)`.
pub fn violations(schema: &Value, path: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    walk(schema, path, &mut out);
    out
}

fn walk(node: &Value, path: &str, out: &mut Vec<(String, String)>) {
    let Some(obj) = node.as_object() else { return };
    if let Some(default) = obj.get("default")
        && let Err(why) = check(default, obj)
    {
        out.push((format!("{path}.default"), format!("the default {why}")));
    }
    if let Some(Value::Object(props)) = obj.get("properties") {
        for (name, child) in props {
            walk(child, &format!("{path}.properties[{name}]"), out);
        }
    }
    for key in ["items", "additionalProperties"] {
        if let Some(child) = obj.get(key) {
            walk(child, &format!("{path}.{key}"), out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema(value: Value) -> Object {
        let Value::Object(map) = value else { panic!() };
        map
    }

    #[test]
    fn defaults_are_checked_like_the_api_server_checks_them() {
        let int = schema(json!({"type": "integer", "minimum": 1, "maximum": 10}));
        assert!(check(&json!(5), &int).is_ok());
        assert!(
            check(&json!(11), &int)
                .unwrap_err()
                .contains("above the maximum 10")
        );
        assert!(
            check(&json!("5"), &int)
                .unwrap_err()
                .contains("not of type integer")
        );
        let level = schema(json!({"type": "string", "enum": ["low", "high"]}));
        assert!(
            check(&json!("medium"), &level)
                .unwrap_err()
                .contains("enum")
        );
        let name = schema(json!({"type": "string", "maxLength": 3, "pattern": "^[a-z]+$"}));
        assert!(check(&json!("abcd"), &name).unwrap_err().contains("longer"));
        assert!(check(&json!("AB"), &name).unwrap_err().contains("pattern"));
        let list = schema(json!({"type": "array", "maxItems": 1, "items": {"type": "string"}}));
        assert!(check(&json!(["a", 1]), &list).is_err());
        let object = schema(
            json!({"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}}),
        );
        assert!(
            check(&json!({}), &object)
                .unwrap_err()
                .contains("required property `a`")
        );
        assert!(check(&json!(null), &object).is_err());
        let found = violations(
            &json!({"type": "object", "properties": {"size": {"type": "integer", "maximum": 3, "default": 4}}}),
            "spec",
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "spec.properties[size].default");
    }
}
