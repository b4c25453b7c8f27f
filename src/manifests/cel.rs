//! CEL syntax check of every `x-kubernetes-validations` rule (and `messageExpression`) at
//! `cargo operator manifests` time, so that a typo fails here, naming the CRD, the schema path
//! and the rule, instead of when the CRD is applied.
//!
//! The parse is core's (`cel::syntax`: cel-spec's grammar as the API server parses it, checked
//! against a real API server by `tests/envtest_cel.rs`), not a type check: unknown fields,
//! functions or type errors are still found by the API server.

use serde_json::Value;

/// The parse errors of every CEL expression in every version's schema of a CRD.
pub fn check_crd(crd: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    for (i, version) in crd["spec"]["versions"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        if let Some(schema) = version.pointer("/schema/openAPIV3Schema") {
            errors.extend(check_schema(
                schema,
                &format!("spec.versions[{i}].schema.openAPIV3Schema"),
            ));
        }
    }
    errors
}

/// The parse errors of all CEL expressions under `schema`, each with its path and source.
pub fn check_schema(schema: &Value, path: &str) -> Vec<String> {
    let mut out = Vec::new();
    walk(schema, path, &mut out);
    out
}

/// Parses one CEL expression; the error says where (line:column) and what was expected.
pub fn parse(expression: &str) -> std::result::Result<(), String> {
    cargo_operator_core::cel::syntax::parse(expression)
}

fn walk(node: &Value, path: &str, out: &mut Vec<String>) {
    let Some(obj) = node.as_object() else { return };
    if let Some(Value::Array(rules)) = obj.get("x-kubernetes-validations") {
        for (i, rule) in rules.iter().enumerate() {
            for key in ["rule", "messageExpression"] {
                if let Some(src) = rule.get(key).and_then(Value::as_str)
                    && let Err(e) = parse(src)
                {
                    out.push(format!(
                        "{path}.x-kubernetes-validations[{i}].{key} {src:?}: {e}"
                    ));
                }
            }
        }
    }
    for (key, child) in obj {
        match (key.as_str(), child) {
            ("properties" | "patternProperties" | "definitions", Value::Object(props)) => {
                for (name, sub) in props {
                    walk(sub, &format!("{path}.{key}[{name}]"), out);
                }
            }
            ("items" | "additionalProperties" | "not", sub) => {
                walk(sub, &format!("{path}.{key}"), out)
            }
            ("allOf" | "anyOf" | "oneOf", Value::Array(subs)) => {
                for (i, sub) in subs.iter().enumerate() {
                    walk(sub, &format!("{path}.{key}[{i}]"), out);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn kubernetes_rules_parse() {
        for rule in [
            "self.size() % 2 == 0",
            "has(oldSelf.forbiddenInt) || !has(self.forbiddenInt)",
            "self == oldSelf",
            "oldSelf.hasValue() || self == 0",
            "self.all(x, x.startsWith('a'))",
            "self.minReplicas <= self.maxReplicas",
            "'Length has to be even but is ' + len(self.s) + ' instead'",
            "self.exists_one(p, p.name == 'main') && size(self) < 10",
            "self.matches('^[a-z]+$') ? true : false",
            "[1, 2, 3].map(x, x * 2)[0] == 2 && {'a': 1}['a'] == 1",
        ] {
            assert_eq!(parse(rule), Ok(()), "{rule}");
        }
    }

    #[test]
    fn syntax_errors_are_reported_with_path_and_rule() {
        let schema = json!({
            "type": "object",
            "properties": {"spec": {"type": "object", "properties": {
                "size": {"type": "integer", "x-kubernetes-validations": [
                    {"rule": "self > 1"},
                    {"rule": "self >", "messageExpression": "'bad ' +"},
                ]},
                "list": {"type": "array", "items": {"type": "string", "x-kubernetes-validations": [
                    {"rule": "self.startsWith('a'"},
                ]}},
            }}},
        });
        let errors = check_schema(&schema, "openAPIV3Schema");
        assert_eq!(errors.len(), 3, "{errors:#?}");
        assert!(
            errors[0].starts_with(
                "openAPIV3Schema.properties[spec].properties[list].items.x-kubernetes-validations[0].rule \"self.startsWith('a'\": "
            ),
            "{errors:#?}"
        );
        assert!(
            errors[1].starts_with(
                "openAPIV3Schema.properties[spec].properties[size].x-kubernetes-validations[1].rule \"self >\": "
            ),
            "{errors:#?}"
        );
        assert!(errors[2].contains("[1].messageExpression \"'bad ' +\": "));
    }

    #[test]
    fn every_version_is_checked() {
        let crd = json!({
            "spec": {"versions": [{"name": "v1", "schema": {"openAPIV3Schema": {
                "type": "object",
                "x-kubernetes-validations": [{"rule": "self.spec.size >>= 1"}],
            }}}]},
        });
        let errors = check_crd(&crd);
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].starts_with("spec.versions[0].schema.openAPIV3Schema.x-kubernetes-validations[0].rule \"self.spec.size >>= 1\""),
            "{errors:?}"
        );
    }
}
