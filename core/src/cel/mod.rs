//! `x-kubernetes-validations`: the rules the API server applies to a validation rule's
//! fields, and the [`syntax`] of its CEL expressions (which the API server then compiles).

pub mod syntax;

use crate::field::ErrorType;

/// The `reason` values the API server accepts (`FieldValueInvalid` when unset).
pub const REASONS: &[&str] = &[
    ErrorType::Invalid.reason(),
    ErrorType::Forbidden.reason(),
    ErrorType::Required.reason(),
    ErrorType::Duplicate.reason(),
];

/// Checks a rule's `message` against the rule: the API server shows the message on one line,
/// so it may not have line breaks, and a rule written over several lines needs one (the rule
/// itself would be a poor message).
pub fn message(rule: &str, message: Option<&str>) -> Result<(), String> {
    let breaks = |text: &str| text.contains(['\n', '\r']);
    match message {
        Some(message) if breaks(message) => Err("the message must not contain line breaks".into()),
        None | Some("") if breaks(rule) => Err(
            "the rule has line breaks, so it needs a message (the API server requires one)".into(),
        ),
        _ => Ok(()),
    }
}

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
        assert!(message("a\n&& b", Some("m")).is_ok());
        assert!(message("a\n&& b", None).is_err());
        assert!(message("a", Some("two\nlines")).is_err());
        assert!(reason("FieldValueInvalid").is_ok());
        assert!(reason("Invalid").is_err());
    }
}
