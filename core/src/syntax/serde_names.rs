//! The JSON property name of a field as serde (and therefore schemars) sees it:
//! `#[serde(rename_all = ...)]` on the struct, `#[serde(rename = ...)]` on the field, and
//! schemars' own `rename`, which wins over serde's. Also reports `skip` and `flatten`.

use syn::{Attribute, Expr, ExprLit, Field, Lit};

/// What serde does with one field.
pub struct SerdeField {
    pub name: String,
    pub skipped: bool,
    pub flattened: bool,
}

/// Reads `rename_all` from the container attributes (`serde` then `schemars`).
pub fn rename_all(attrs: &[Attribute]) -> syn::Result<Option<String>> {
    let mut rule = None;
    for ns in ["serde", "schemars"] {
        for attr in attrs.iter().filter(|a| a.path().is_ident(ns)) {
            walk(attr, &mut |key, val| {
                if key == "rename_all" {
                    rule = Some(val.unwrap_or_default());
                }
            })?;
        }
    }
    Ok(rule)
}

/// True if the container's `serde`/`schemars` attributes carry `key` (e.g. `rename`, `default`).
pub fn has_key(attrs: &[Attribute], wanted: &str) -> syn::Result<bool> {
    let mut found = false;
    for attr in attrs
        .iter()
        .filter(|a| a.path().is_ident("serde") || a.path().is_ident("schemars"))
    {
        walk(attr, &mut |key, _| found |= key == wanted)?;
    }
    Ok(found)
}

/// Resolves a field's JSON name under the container's `rename_all`.
pub fn field(f: &Field, rename_all: Option<&str>) -> syn::Result<SerdeField> {
    let ident = f.ident.as_ref().map(|i| i.to_string()).unwrap_or_default();
    let ident = ident.trim_start_matches("r#").to_owned();
    let mut out = SerdeField {
        name: apply_rule(rename_all, &ident),
        skipped: false,
        flattened: false,
    };
    for ns in ["serde", "schemars"] {
        for attr in f.attrs.iter().filter(|a| a.path().is_ident(ns)) {
            walk(attr, &mut |key, val| match key {
                "rename" => {
                    if let Some(v) = val {
                        out.name = v;
                    }
                }
                "skip" | "skip_serializing" => out.skipped = true,
                "flatten" => out.flattened = true,
                _ => {}
            })?;
        }
    }
    Ok(out)
}

/// The value of one top-level entry of a `#[serde(...)]` attribute.
#[derive(Debug, Clone, PartialEq)]
pub enum SerdeValue {
    /// `default`
    Flag,
    /// `rename = "x"`
    Str(String),
    /// `default = some::path` or another expression that is not a string literal
    NotStr,
    /// `rename(serialize = "x", ...)`, with its `serialize` string if any
    List { serialize: Option<String> },
}

/// Every top-level entry of the `#[serde(...)]` attributes among `attrs`, in order.
pub fn entries(attrs: &[Attribute]) -> syn::Result<Vec<(String, SerdeValue)>> {
    let mut out = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        out.extend(entries_of(attr)?);
    }
    Ok(out)
}

fn entries_of(attr: &Attribute) -> syn::Result<Vec<(String, SerdeValue)>> {
    let mut out = Vec::new();
    attr.parse_nested_meta(|meta| {
        let key = meta
            .path
            .get_ident()
            .map(|i| i.to_string())
            .unwrap_or_default();
        let value = if meta.input.peek(syn::Token![=]) {
            match meta.value()?.parse::<Expr>()? {
                Expr::Lit(ExprLit {
                    lit: Lit::Str(s), ..
                }) => SerdeValue::Str(s.value()),
                _ => SerdeValue::NotStr,
            }
        } else if meta.input.peek(syn::token::Paren) {
            let mut serialize = None;
            meta.parse_nested_meta(|inner| {
                if inner.input.peek(syn::Token![=]) {
                    let expr: Expr = inner.value()?.parse()?;
                    if inner.path.is_ident("serialize")
                        && let Expr::Lit(ExprLit {
                            lit: Lit::Str(s), ..
                        }) = expr
                    {
                        serialize = Some(s.value());
                    }
                } else if inner.input.peek(syn::token::Paren) {
                    let content;
                    syn::parenthesized!(content in inner.input);
                    let _: proc_macro2::TokenStream = content.parse()?;
                }
                Ok(())
            })?;
            SerdeValue::List { serialize }
        } else {
            SerdeValue::Flag
        };
        out.push((key, value));
        Ok(())
    })?;
    Ok(out)
}

/// Calls `f(key, string value)` for every top-level entry of a `#[serde(...)]` attribute.
/// `rename(serialize = "x")` reports `x` as the value of `rename`.
fn walk(attr: &Attribute, f: &mut dyn FnMut(&str, Option<String>)) -> syn::Result<()> {
    for (key, value) in entries_of(attr)? {
        match value {
            SerdeValue::Flag | SerdeValue::NotStr => f(&key, None),
            SerdeValue::Str(s) => f(&key, Some(s)),
            SerdeValue::List { serialize: Some(s) } => f(&key, Some(s)),
            SerdeValue::List { serialize: None } => {}
        }
    }
    Ok(())
}

/// serde's `RenameRule::apply_to_field`, for snake_case Rust field names.
pub fn apply_rule(rule: Option<&str>, field: &str) -> String {
    match rule {
        Some("UPPERCASE") | Some("SCREAMING_SNAKE_CASE") => field.to_ascii_uppercase(),
        Some("PascalCase") => pascal(field),
        Some("camelCase") => {
            let p = pascal(field);
            let mut chars = p.chars();
            match chars.next() {
                Some(c) => c.to_ascii_lowercase().to_string() + chars.as_str(),
                None => p,
            }
        }
        Some("kebab-case") => field.replace('_', "-"),
        Some("SCREAMING-KEBAB-CASE") => field.to_ascii_uppercase().replace('_', "-"),
        _ => field.to_owned(),
    }
}

/// serde's `RenameRule::apply_to_variant`, for PascalCase Rust variant names.
pub fn apply_variant_rule(rule: Option<&str>, variant: &str) -> String {
    let snake = || {
        let mut out = String::new();
        for (i, ch) in variant.char_indices() {
            if i > 0 && ch.is_uppercase() {
                out.push('_');
            }
            out.push(ch.to_ascii_lowercase());
        }
        out
    };
    match rule {
        Some("lowercase") => variant.to_ascii_lowercase(),
        Some("UPPERCASE") => variant.to_ascii_uppercase(),
        Some("camelCase") => {
            let mut chars = variant.chars();
            match chars.next() {
                Some(c) => c.to_ascii_lowercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        }
        Some("snake_case") => snake(),
        Some("SCREAMING_SNAKE_CASE") => snake().to_ascii_uppercase(),
        Some("kebab-case") => snake().replace('_', "-"),
        Some("SCREAMING-KEBAB-CASE") => snake().to_ascii_uppercase().replace('_', "-"),
        _ => variant.to_owned(),
    }
}

fn pascal(field: &str) -> String {
    let mut out = String::new();
    let mut capitalize = true;
    for ch in field.chars() {
        if ch == '_' {
            capitalize = true;
        } else if capitalize {
            out.push(ch.to_ascii_uppercase());
            capitalize = false;
        } else {
            out.push(ch);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::apply_rule;

    #[test]
    fn rules_match_serde() {
        assert_eq!(
            apply_rule(Some("camelCase"), "min_ready_seconds"),
            "minReadySeconds"
        );
        assert_eq!(apply_rule(Some("PascalCase"), "size"), "Size");
        assert_eq!(apply_rule(Some("kebab-case"), "a_b"), "a-b");
        assert_eq!(apply_rule(Some("SCREAMING-KEBAB-CASE"), "a_b"), "A-B");
        assert_eq!(apply_rule(None, "a_b"), "a_b");
    }

    #[test]
    fn variant_rules_match_serde() {
        use super::apply_variant_rule as rule;
        assert_eq!(rule(Some("snake_case"), "HTTPServer"), "h_t_t_p_server");
        assert_eq!(rule(Some("camelCase"), "OnFailure"), "onFailure");
        assert_eq!(
            rule(Some("SCREAMING-KEBAB-CASE"), "OnFailure"),
            "ON-FAILURE"
        );
        assert_eq!(rule(Some("lowercase"), "OnFailure"), "onfailure");
        assert_eq!(rule(None, "OnFailure"), "OnFailure");
    }
}
