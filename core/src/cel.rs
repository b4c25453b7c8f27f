//! `x-kubernetes-validations`: the rules the API server applies to a validation rule's
//! fields (the CEL expression itself is compiled by the API server, and parsed before that
//! by `cargo operator manifests`).

use crate::field::ErrorType;

/// The `reason` values the API server accepts (`FieldValueInvalid` when unset).
pub const REASONS: &[&str] = &[
    ErrorType::Invalid.reason(),
    ErrorType::Forbidden.reason(),
    ErrorType::Required.reason(),
    ErrorType::Duplicate.reason(),
];

/// Checks a `reason`.
pub fn reason(reason: &str) -> Result<(), String> {
    if REASONS.contains(&reason) {
        Ok(())
    } else {
        Err(format!("must be one of {}", REASONS.join(", ")))
    }
}

/// Checks the shape of a `fieldPath`: it is relative to the schema node carrying the rule
/// and names a field inside it (`.name` or `['name']` segments), so it starts with `.` or
/// `['` and names a field after every `.`. Whether the field exists is the API server's to
/// say, once it knows the whole schema.
pub fn field_path(path: &str) -> Result<(), String> {
    if path.is_empty() {
        return Err("field_path must not be empty: name a field inside the value that carries the rule, e.g. `.port`, or remove field_path".into());
    }
    if !(path.starts_with('.') || path.starts_with("['")) {
        return Err(format!(
            "field_path must start with `.` or `['`: it is relative to the value that carries \
             the rule and names a field inside it, e.g. `.{}` (not `{path}`), or `['a.b']` for a key with dots",
            path.trim_start_matches(['.', '$'])
        ));
    }
    if path == "." || path.ends_with('.') {
        return Err("field_path must name a field after each `.`, e.g. `.target.port`".into());
    }
    Ok(())
}

/// The message for a `field_path` on a rule of a scalar, which has no fields inside it.
pub fn field_path_on_scalar(what: &str) -> String {
    format!(
        "field_path does not apply here: the rule is on {what}, which has no fields inside it, \
         and field_path names a field inside the value that carries the rule (relative to it, \
         e.g. `.port` for a rule on a struct); remove field_path: a failing rule is reported \
         at this value itself"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_paths() {
        for ok in [".port", ".spec.size", "['a.b']", ".a['b']"] {
            field_path(ok).unwrap();
        }
        for bad in ["", "port", "$.port", ".", ".a."] {
            assert!(field_path(bad).is_err(), "{bad:?}");
        }
        assert!(reason("FieldValueInvalid").is_ok());
        assert!(reason("Invalid").is_err());
    }
}
