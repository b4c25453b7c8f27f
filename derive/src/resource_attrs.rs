//! The container attribute `#[resource(...)]`: parsing and compile-time checks.

use proc_macro2::Span;
use syn::{Attribute, LitStr, Meta};

use crate::attr_parse::{self as p, Errors, Seen};

const KEYS: &[&str] = &[
    "group",
    "version",
    "kind",
    "namespaced",
    "plural",
    "singular",
    "shortname",
    "category",
    "status",
    "printcolumn",
    "storage",
    "served",
    "deprecated",
    "deprecation_warning",
    "selectable",
    "scale",
    "label",
    "annotation",
    "derive",
];
const REPEATABLE: &[&str] = &[
    "shortname",
    "category",
    "printcolumn",
    "selectable",
    "label",
    "annotation",
    "derive",
];
const COLUMN_KEYS: &[&str] = &[
    "name",
    "type",
    "json_path",
    "description",
    "priority",
    "format",
];
const COLUMN_TYPES: &[&str] = &["integer", "number", "string", "boolean", "date"];
const COLUMN_FORMATS: &[&str] = &[
    "int32",
    "int64",
    "float",
    "double",
    "byte",
    "binary",
    "date",
    "date-time",
    "password",
];
const SCALE_KEYS: &[&str] = &[
    "spec_replicas_path",
    "status_replicas_path",
    "label_selector_path",
];
const KV_KEYS: &[&str] = &["key", "value"];

pub struct PrintColumn {
    pub name: String,
    pub type_: String,
    pub json_path: String,
    pub description: Option<String>,
    pub priority: Option<i32>,
    pub format: Option<String>,
}

pub struct Scale {
    pub spec_replicas_path: String,
    pub status_replicas_path: String,
    pub label_selector_path: Option<String>,
}

pub struct ResourceAttrs {
    pub group: String,
    pub version: String,
    pub kind: String,
    pub kind_span: Span,
    pub namespaced: bool,
    pub plural: String,
    pub singular: String,
    pub shortnames: Vec<String>,
    pub categories: Vec<String>,
    pub status: Option<syn::Type>,
    pub printcolumns: Vec<PrintColumn>,
    pub storage: bool,
    pub served: bool,
    pub deprecated: bool,
    pub deprecation_warning: Option<String>,
    pub selectable: Vec<String>,
    pub scale: Option<Scale>,
    pub labels: Vec<(String, String)>,
    pub annotations: Vec<(String, String)>,
    pub derives: Vec<syn::Path>,
}

/// The default plural, shared with the CLI: `pluralizer` over the lowercased kind.
pub fn default_plural(kind: &str) -> String {
    pluralizer::pluralize(&kind.to_lowercase(), 2, false)
}

const EXAMPLE: &str =
    r#"#[resource(group = "webapp.example.com", version = "v1", kind = "Guestbook")]"#;

/// Parses every `#[resource(...)]` attribute on the item (they are concatenated).
pub fn parse(attrs: &[Attribute], item_span: Span, errors: &mut Errors) -> Option<ResourceAttrs> {
    let mut entries = Vec::new();
    let mut found = false;
    for attr in attrs.iter().filter(|a| a.path().is_ident("resource")) {
        found = true;
        match &attr.meta {
            Meta::List(list) => {
                if let Some(e) = errors.ok(p::entries(list.tokens.clone())) {
                    entries.extend(e);
                }
            }
            other => errors.spanned(other, format!("expected a list: write `{EXAMPLE}`")),
        }
    }
    if !found {
        errors.at(
            item_span,
            format!(
                "#[derive(CustomResource)] needs a `#[resource(...)]` attribute, e.g. `{EXAMPLE}`"
            ),
        );
        return None;
    }

    let mut seen = Seen::default();
    let mut group: Option<LitStr> = None;
    let mut version: Option<LitStr> = None;
    let mut kind: Option<LitStr> = None;
    let mut plural: Option<LitStr> = None;
    let mut singular: Option<LitStr> = None;
    let mut out = ResourceAttrs {
        group: String::new(),
        version: String::new(),
        kind: String::new(),
        kind_span: item_span,
        namespaced: false,
        plural: String::new(),
        singular: String::new(),
        shortnames: vec![],
        categories: vec![],
        status: None,
        printcolumns: vec![],
        storage: true,
        served: true,
        deprecated: false,
        deprecation_warning: None,
        selectable: vec![],
        scale: None,
        labels: vec![],
        annotations: vec![],
        derives: vec![],
    };

    for meta in &entries {
        let Some(k) = errors.ok(p::key(meta)) else {
            continue;
        };
        if !KEYS.contains(&k.as_str()) {
            errors.push(p::unknown_key(meta, &k, "#[resource(...)]", KEYS));
            continue;
        }
        if !REPEATABLE.contains(&k.as_str()) && !seen.check(&k, meta, errors) {
            continue;
        }
        match k.as_str() {
            "group" => group = errors.ok(p::string(meta, r#"group = "webapp.example.com""#)),
            "version" => version = errors.ok(p::string(meta, r#"version = "v1""#)),
            "kind" => kind = errors.ok(p::string(meta, r#"kind = "Guestbook""#)),
            "namespaced" => out.namespaced = errors.ok(p::flag(meta)).unwrap_or(false),
            "plural" => plural = errors.ok(p::string(meta, r#"plural = "guestbooks""#)),
            "singular" => singular = errors.ok(p::string(meta, r#"singular = "guestbook""#)),
            "shortname" => {
                if let Some(s) = errors.ok(p::string(meta, r#"shortname = "gb""#)) {
                    check_lower_label(&s, "shortname", "gb", errors);
                    out.shortnames.push(s.value());
                }
            }
            "category" => {
                if let Some(s) = errors.ok(p::string(meta, r#"category = "all""#)) {
                    check_lower_label(&s, "category", "all", errors);
                    out.categories.push(s.value());
                }
            }
            "status" => {
                if let Some(s) = errors.ok(p::string(meta, r#"status = "GuestbookStatus""#)) {
                    out.status = errors.ok(s.parse::<syn::Type>().map_err(|_| {
                        syn::Error::new_spanned(&s, "expected the name of the status type: write `status = \"GuestbookStatus\"`")
                    }));
                }
            }
            "printcolumn" => {
                if let Some(c) = parse_printcolumn(meta, errors) {
                    out.printcolumns.push(c);
                }
            }
            "storage" => out.storage = errors.ok(p::flag(meta)).unwrap_or(true),
            "served" => out.served = errors.ok(p::flag(meta)).unwrap_or(true),
            "deprecated" => out.deprecated = errors.ok(p::flag(meta)).unwrap_or(false),
            "deprecation_warning" => {
                out.deprecation_warning = errors
                    .ok(p::string(
                        meta,
                        r#"deprecation_warning = "webapp.example.com/v1 is deprecated; use v2""#,
                    ))
                    .map(|s| s.value());
            }
            "selectable" => {
                if let Some(s) = errors.ok(p::string(meta, r#"selectable = ".spec.color""#)) {
                    if !s.value().starts_with('.') {
                        errors.spanned(&s, "a selectable field is a JSON path starting with `.`: write `selectable = \".spec.color\"`");
                    }
                    out.selectable.push(s.value());
                }
            }
            "scale" => out.scale = parse_scale(meta, errors),
            "label" => {
                if let Some(kv) = parse_kv(meta, "label", errors) {
                    out.labels.push(kv);
                }
            }
            "annotation" => {
                if let Some(kv) = parse_kv(meta, "annotation", errors) {
                    out.annotations.push(kv);
                }
            }
            "derive" => {
                if let Some(s) = errors.ok(p::string(meta, r#"derive = "PartialEq""#))
                    && let Some(path) = errors.ok(s.parse::<syn::Path>().map_err(|_| {
                        syn::Error::new_spanned(
                            &s,
                            "expected a trait path: write `derive = \"PartialEq\"`",
                        )
                    }))
                {
                    out.derives.push(path);
                }
            }
            _ => unreachable!("all keys handled"),
        }
    }

    for (name, val) in [("group", &group), ("version", &version), ("kind", &kind)] {
        if val.is_none() && !seen_key(&entries, name) {
            errors.at(
                item_span,
                format!("missing `{name}` in #[resource(...)]: write `{EXAMPLE}`"),
            );
        }
    }
    if let Some(g) = &group {
        out.group = g.value();
        if !p::is_dns_subdomain(&out.group) || !out.group.contains('.') {
            errors.spanned(
                g,
                "group must be a lowercase DNS subdomain with at least one dot: write e.g. `group = \"webapp.example.com\"`",
            );
        }
    }
    if let Some(v) = &version {
        out.version = v.value();
        if !is_version(&out.version) {
            errors.spanned(
                v,
                "version must be a lowercase DNS label starting with a letter, like `v1`, `v1alpha1` or `v2beta3`",
            );
        }
    }
    if let Some(k) = &kind {
        out.kind = k.value();
        out.kind_span = k.span();
        if !is_upper_camel(&out.kind) {
            errors.spanned(
                k,
                "kind must be UpperCamelCase (an ASCII uppercase letter, then letters and digits): write e.g. `kind = \"Guestbook\"`",
            );
        }
    }
    out.singular = match &singular {
        Some(s) => {
            check_lower_label(s, "singular", "guestbook", errors);
            s.value()
        }
        None => out.kind.to_lowercase(),
    };
    out.plural = match &plural {
        Some(s) => {
            check_lower_label(s, "plural", "guestbooks", errors);
            s.value()
        }
        None => default_plural(&out.kind),
    };
    if out.deprecation_warning.is_some() {
        out.deprecated = true;
    }
    errors.is_empty().then_some(out)
}

fn seen_key(entries: &[Meta], name: &str) -> bool {
    entries.iter().any(|m| m.path().is_ident(name))
}

fn is_version(s: &str) -> bool {
    p::is_dns_label(s) && s.starts_with(|c: char| c.is_ascii_lowercase())
}

fn is_upper_camel(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_uppercase()) && s.chars().all(|c| c.is_ascii_alphanumeric())
}

fn check_lower_label(s: &LitStr, key: &str, example: &str, errors: &mut Errors) {
    if !p::is_dns_label(&s.value()) {
        errors.spanned(
            s,
            format!("{key} must be a lowercase DNS label (a-z, 0-9, '-'): write e.g. `{key} = \"{example}\"`"),
        );
    }
}

fn parse_printcolumn(meta: &Meta, errors: &mut Errors) -> Option<PrintColumn> {
    const EX: &str = r#"printcolumn(name = "Ready", type = "string", json_path = ".status.ready")"#;
    let entries = errors.ok(p::nested(meta, EX))?;
    let mut seen = Seen::default();
    let (mut name, mut type_, mut json_path) = (None, None, None);
    let mut col = PrintColumn {
        name: String::new(),
        type_: String::new(),
        json_path: String::new(),
        description: None,
        priority: None,
        format: None,
    };
    for m in &entries {
        let Some(k) = errors.ok(p::key(m)) else {
            continue;
        };
        if !COLUMN_KEYS.contains(&k.as_str()) {
            errors.push(p::unknown_key(m, &k, "printcolumn(...)", COLUMN_KEYS));
            continue;
        }
        if !seen.check(&k, m, errors) {
            continue;
        }
        match k.as_str() {
            "name" => name = errors.ok(p::string(m, r#"name = "Ready""#)),
            "type" => {
                if let Some(t) = errors.ok(p::string(m, r#"type = "string""#)) {
                    if !COLUMN_TYPES.contains(&t.value().as_str()) {
                        errors.spanned(
                            &t,
                            format!(
                                "printcolumn type must be one of {}",
                                COLUMN_TYPES.join(", ")
                            ),
                        );
                    }
                    type_ = Some(t);
                }
            }
            "json_path" => {
                if let Some(j) = errors.ok(p::string(m, r#"json_path = ".status.ready""#)) {
                    if !j.value().starts_with('.') {
                        errors.spanned(
                            &j,
                            format!(
                                "json_path must start with `.`: write `json_path = \".{}\"`",
                                j.value()
                            ),
                        );
                    }
                    json_path = Some(j);
                }
            }
            "description" => {
                col.description = errors
                    .ok(p::string(m, r#"description = "..." "#))
                    .map(|s| s.value())
            }
            "priority" => {
                col.priority = errors
                    .ok(p::unsigned(m, "priority = 1"))
                    .and_then(|v| i32::try_from(v).ok())
            }
            "format" => {
                if let Some(f) = errors.ok(p::string(m, r#"format = "int32""#)) {
                    if !COLUMN_FORMATS.contains(&f.value().as_str()) {
                        errors.spanned(
                            &f,
                            format!(
                                "printcolumn format must be one of {}",
                                COLUMN_FORMATS.join(", ")
                            ),
                        );
                    }
                    col.format = Some(f.value());
                }
            }
            _ => unreachable!(),
        }
    }
    for (key, v) in [("name", &name), ("type", &type_), ("json_path", &json_path)] {
        if v.is_none() && !seen_key(&entries, key) {
            errors.spanned(
                meta,
                format!("printcolumn is missing `{key}`: write `{EX}`"),
            );
        }
    }
    col.name = name?.value();
    col.type_ = type_?.value();
    col.json_path = json_path?.value();
    Some(col)
}

fn parse_scale(meta: &Meta, errors: &mut Errors) -> Option<Scale> {
    const EX: &str = r#"scale(spec_replicas_path = ".spec.replicas", status_replicas_path = ".status.replicas")"#;
    let entries = errors.ok(p::nested(meta, EX))?;
    let mut seen = Seen::default();
    let (mut spec, mut status, mut selector) = (None, None, None);
    for m in &entries {
        let Some(k) = errors.ok(p::key(m)) else {
            continue;
        };
        if !SCALE_KEYS.contains(&k.as_str()) {
            errors.push(p::unknown_key(m, &k, "scale(...)", SCALE_KEYS));
            continue;
        }
        if !seen.check(&k, m, errors) {
            continue;
        }
        let (slot, prefix, ex) = match k.as_str() {
            "spec_replicas_path" => (
                &mut spec,
                ".spec.",
                r#"spec_replicas_path = ".spec.replicas""#,
            ),
            "status_replicas_path" => (
                &mut status,
                ".status.",
                r#"status_replicas_path = ".status.replicas""#,
            ),
            _ => (
                &mut selector,
                ".status.",
                r#"label_selector_path = ".status.selector""#,
            ),
        };
        if let Some(s) = errors.ok(p::string(m, ex)) {
            if !s.value().starts_with(prefix) {
                errors.spanned(
                    &s,
                    format!("`{k}` must be a JSON path under `{prefix}`: write `{ex}`"),
                );
            }
            *slot = Some(s.value());
        }
    }
    if spec.is_none() && !seen_key(&entries, "spec_replicas_path") {
        errors.spanned(
            meta,
            format!("scale is missing `spec_replicas_path`: write `{EX}`"),
        );
    }
    if status.is_none() && !seen_key(&entries, "status_replicas_path") {
        errors.spanned(
            meta,
            format!("scale is missing `status_replicas_path`: write `{EX}`"),
        );
    }
    Some(Scale {
        spec_replicas_path: spec?,
        status_replicas_path: status?,
        label_selector_path: selector,
    })
}

fn parse_kv(meta: &Meta, what: &str, errors: &mut Errors) -> Option<(String, String)> {
    let ex = format!(r#"{what}(key = "app.kubernetes.io/part-of", value = "guestbook")"#);
    let entries = errors.ok(p::nested(meta, &ex))?;
    let mut seen = Seen::default();
    let (mut key, mut value) = (None, None);
    for m in &entries {
        let Some(k) = errors.ok(p::key(m)) else {
            continue;
        };
        if !KV_KEYS.contains(&k.as_str()) {
            errors.push(p::unknown_key(m, &k, &format!("{what}(...)"), KV_KEYS));
            continue;
        }
        if !seen.check(&k, m, errors) {
            continue;
        }
        let v = errors.ok(p::string(m, &ex)).map(|s| s.value());
        if k == "key" {
            key = v;
        } else {
            value = v;
        }
    }
    if key.is_none() || value.is_none() {
        if !seen_key(&entries, "key") || !seen_key(&entries, "value") {
            errors.spanned(
                meta,
                format!("{what} needs both `key` and `value`: write `{ex}`"),
            );
        }
        return None;
    }
    Some((key?, value?))
}

#[cfg(test)]
mod tests {
    use super::default_plural;

    #[test]
    fn plurals_agree_with_the_cli() {
        assert_eq!(default_plural("Guestbook"), "guestbooks");
        assert_eq!(default_plural("Policy"), "policies");
        assert_eq!(default_plural("Ingress"), "ingresses");
        assert_eq!(default_plural("Status"), "statuses");
    }
}
