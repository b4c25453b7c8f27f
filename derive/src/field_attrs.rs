//! The field attribute `#[field(...)]`: parsing, compile-time checks, and the JSON patch that
//! `crd()` merges into the generated schema of that property.

use serde_json::{Map, Value, json};
use syn::{Field, GenericArgument, Meta, PathArguments, Type};

use crate::attr_parse::{self as p, Errors, Seen};

const KEYS: &[&str] = &[
    "minimum",
    "maximum",
    "exclusive_minimum",
    "exclusive_maximum",
    "multiple_of",
    "min_length",
    "max_length",
    "pattern",
    "format",
    "min_items",
    "max_items",
    "unique_items",
    "min_properties",
    "max_properties",
    "default",
    "nullable",
    "enum_values",
    "list_type",
    "list_map_keys",
    "map_type",
    "preserve_unknown_fields",
    "embedded_resource",
    "int_or_string",
    "rule",
    "items",
];
/// Keys of `#[field(...)]` on a struct itself (they describe the object, not one property).
const CONTAINER_KEYS: &[&str] = &[
    "rule",
    "min_properties",
    "max_properties",
    "map_type",
    "preserve_unknown_fields",
];
const RULE_KEYS: &[&str] = &[
    "rule",
    "message",
    "message_expression",
    "reason",
    "field_path",
];
const REASONS: &[&str] = &[
    "FieldValueInvalid",
    "FieldValueForbidden",
    "FieldValueRequired",
    "FieldValueDuplicate",
];

/// The rough JSON shape of a Rust field type, for catching keys that cannot apply.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Shape {
    Integer,
    Number,
    String,
    Bool,
    Array,
    Map,
    Unknown,
}

impl Shape {
    fn of(ty: &Type) -> Shape {
        let Type::Path(tp) = ty else {
            return match ty {
                Type::Reference(r) => Shape::of(&r.elem),
                Type::Slice(_) | Type::Array(_) => Shape::Array,
                _ => Shape::Unknown,
            };
        };
        let Some(last) = tp.path.segments.last() else {
            return Shape::Unknown;
        };
        match last.ident.to_string().as_str() {
            "Option" | "Box" => match &last.arguments {
                PathArguments::AngleBracketed(args) => match args.args.first() {
                    Some(GenericArgument::Type(inner)) => Shape::of(inner),
                    _ => Shape::Unknown,
                },
                _ => Shape::Unknown,
            },
            "i8" | "i16" | "i32" | "i64" | "i128" | "isize" | "u8" | "u16" | "u32" | "u64"
            | "u128" | "usize" | "NonZeroU32" | "NonZeroU64" | "NonZeroI32" | "NonZeroI64" => {
                Shape::Integer
            }
            "f32" | "f64" => Shape::Number,
            "String" | "str" => Shape::String,
            "bool" => Shape::Bool,
            "Vec" | "VecDeque" | "HashSet" | "BTreeSet" | "IndexSet" => Shape::Array,
            "HashMap" | "BTreeMap" | "IndexMap" => Shape::Map,
            _ => Shape::Unknown,
        }
    }

    /// The shape of the elements of a list type (`Vec<T>` → shape of `T`).
    fn element(ty: &Type) -> Shape {
        match ty {
            Type::Reference(r) => Shape::element(&r.elem),
            Type::Slice(s) => Shape::of(&s.elem),
            Type::Array(a) => Shape::of(&a.elem),
            Type::Path(tp) => {
                let Some(last) = tp.path.segments.last() else {
                    return Shape::Unknown;
                };
                let PathArguments::AngleBracketed(args) = &last.arguments else {
                    return Shape::Unknown;
                };
                let Some(GenericArgument::Type(inner)) = args.args.first() else {
                    return Shape::Unknown;
                };
                match last.ident.to_string().as_str() {
                    "Option" | "Box" => Shape::element(inner),
                    "Vec" | "VecDeque" | "HashSet" | "BTreeSet" | "IndexSet" => Shape::of(inner),
                    _ => Shape::Unknown,
                }
            }
            _ => Shape::Unknown,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Shape::Integer => "an integer",
            Shape::Number => "a number",
            Shape::String => "a string",
            Shape::Bool => "a boolean",
            Shape::Array => "a list",
            Shape::Map => "a map",
            Shape::Unknown => "an object",
        }
    }
}

/// Which shapes a key makes sense on (`Unknown` — a user type — is always allowed).
fn allowed(key: &str) -> &'static [Shape] {
    use Shape::*;
    match key {
        "minimum" | "maximum" | "exclusive_minimum" | "exclusive_maximum" | "multiple_of" => {
            &[Integer, Number]
        }
        "min_length" | "max_length" | "pattern" => &[String],
        "min_items" | "max_items" | "unique_items" | "list_type" | "list_map_keys" | "items" => {
            &[Array]
        }
        "min_properties" | "max_properties" => &[Map],
        _ => &[Integer, Number, String, Bool, Array, Map],
    }
}

/// The parsed `#[field(...)]` of one field: a JSON object merged into its property schema.
pub struct FieldPatch {
    pub patch: Map<String, Value>,
}

/// Parses all `#[field(...)]` attributes of a field. `None` if there are none.
pub fn parse(field: &Field, errors: &mut Errors) -> Option<FieldPatch> {
    let mut entries = Vec::new();
    let mut found = false;
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("field")) {
        found = true;
        match &attr.meta {
            Meta::List(list) => {
                if let Some(e) = errors.ok(p::entries(list.tokens.clone())) {
                    entries.extend(e);
                }
            }
            other => errors.spanned(other, "expected a list: write `#[field(minimum = 1)]`"),
        }
    }
    if !found {
        return None;
    }
    let patch = parse_entries(
        &entries,
        Shape::of(&field.ty),
        Some(&field.ty),
        &field.ident,
        KEYS,
        "#[field(...)]",
        errors,
    );
    Some(FieldPatch { patch })
}

/// Parses `#[field(...)]` on a struct (the container): keys that describe the whole object,
/// such as object-level CEL rules. `None` if there is none.
pub fn parse_container(
    attrs: &[syn::Attribute],
    ident: &syn::Ident,
    errors: &mut Errors,
) -> Option<Map<String, Value>> {
    let mut entries = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("field")) {
        match &attr.meta {
            Meta::List(list) => {
                if let Some(e) = errors.ok(p::entries(list.tokens.clone())) {
                    entries.extend(e);
                }
            }
            other => errors.spanned(
                other,
                r#"expected a list: write `#[field(rule(rule = "self.min <= self.max"))]`"#,
            ),
        }
    }
    if entries.is_empty() {
        return None;
    }
    let patch = parse_entries(
        &entries,
        Shape::Unknown,
        None,
        ident,
        CONTAINER_KEYS,
        "#[field(...)] on a struct",
        errors,
    );
    (!patch.is_empty()).then_some(patch)
}

/// The JSON patch of a list of `#[field(...)]` entries for a value of the given shape.
/// `ty` (the Rust type, when known) gives the element shape for `items(...)`.
fn parse_entries(
    entries: &[Meta],
    shape: Shape,
    ty: Option<&Type>,
    ident: &dyn quote::ToTokens,
    keys: &[&str],
    what: &str,
    errors: &mut Errors,
) -> Map<String, Value> {
    let mut seen = Seen::default();
    let mut patch = Map::new();
    let mut rules = Vec::new();
    let mut bounds: [Option<(f64, &Meta)>; 2] = [None, None];
    let mut sizes: Vec<(String, u64, &Meta)> = Vec::new();
    let mut list_type: Option<String> = None;
    let mut list_map_keys: Option<&Meta> = None;
    let mut exclusive: Vec<(String, &Meta)> = Vec::new();
    let mut nullable: Option<&Meta> = None;

    for meta in entries {
        let Some(k) = errors.ok(p::key(meta)) else {
            continue;
        };
        if !keys.contains(&k.as_str()) {
            errors.push(p::unknown_key(meta, &k, what, keys));
            continue;
        }
        if k != "rule" && !seen.check(&k, meta, errors) {
            continue;
        }
        if shape != Shape::Unknown && !allowed(&k).contains(&shape) {
            errors.spanned(
                meta.path(),
                format!(
                    "`{k}` does not apply to this field: its type is {}, `{k}` needs {}",
                    shape.name(),
                    allowed(&k)
                        .iter()
                        .map(|s| s.name())
                        .collect::<Vec<_>>()
                        .join(" or ")
                ),
            );
            continue;
        }
        let json_key = camel(&k);
        match k.as_str() {
            "minimum" | "maximum" | "multiple_of" => {
                let ex = format!("{k} = 1");
                if let Some((v, f)) = errors.ok(p::number(meta, &ex)) {
                    if k == "multiple_of" && f <= 0.0 {
                        errors.spanned(meta, "multiple_of must be greater than 0");
                    }
                    match k.as_str() {
                        "minimum" => bounds[0] = Some((f, meta)),
                        "maximum" => bounds[1] = Some((f, meta)),
                        _ => {}
                    }
                    patch.insert(json_key, v);
                }
            }
            "min_length" | "max_length" | "min_items" | "max_items" | "min_properties"
            | "max_properties" => {
                if let Some(v) = errors.ok(p::unsigned(meta, &format!("{k} = 1"))) {
                    sizes.push((k.clone(), v, meta));
                    patch.insert(json_key, json!(v));
                }
            }
            "exclusive_minimum" | "exclusive_maximum" => {
                if let Some(true) = errors.ok(p::flag(meta)) {
                    exclusive.push((k.clone(), meta));
                    patch.insert(json_key, json!(true));
                }
            }
            "nullable" | "preserve_unknown_fields" | "embedded_resource" | "int_or_string" => {
                if let Some(true) = errors.ok(p::flag(meta)) {
                    match k.as_str() {
                        "nullable" => {
                            nullable = Some(meta);
                            patch.insert("nullable".into(), json!(true));
                        }
                        "preserve_unknown_fields" => {
                            patch
                                .insert("x-kubernetes-preserve-unknown-fields".into(), json!(true));
                        }
                        "embedded_resource" => {
                            patch.insert("type".into(), json!("object"));
                            patch.insert("x-kubernetes-embedded-resource".into(), json!(true));
                        }
                        _ => {
                            patch.insert("x-kubernetes-int-or-string".into(), json!(true));
                            patch.insert(
                                "anyOf".into(),
                                json!([{"type": "integer"}, {"type": "string"}]),
                            );
                        }
                    }
                }
            }
            "unique_items" => {
                if let Some(true) = errors.ok(p::flag(meta)) {
                    errors.spanned(
                        meta,
                        "the Kubernetes API server rejects `uniqueItems: true` in CRD schemas: write `list_type = \"set\"` instead",
                    );
                }
            }
            "pattern" => {
                if let Some(s) = errors.ok(p::string(meta, r#"pattern = "^[a-z]+$""#)) {
                    if let Err(e) = regex_syntax::Parser::new().parse(&s.value()) {
                        errors.spanned(&s, format!("invalid regular expression: {e}"));
                    }
                    patch.insert(json_key, json!(s.value()));
                }
            }
            "format" => {
                if let Some(s) = errors.ok(p::string(meta, r#"format = "date-time""#)) {
                    patch.insert(json_key, json!(s.value()));
                }
            }
            "default" => {
                if let Some(v) = errors.ok(p::literal(meta, "default = 1")) {
                    patch.insert(json_key, v);
                }
            }
            "enum_values" => {
                if let Some(v) = errors.ok(p::literal(meta, r#"enum_values = ["a", "b"]"#)) {
                    match v {
                        Value::Array(a) if !a.is_empty() => {
                            patch.insert("enum".into(), Value::Array(a));
                        }
                        _ => errors.spanned(
                            meta,
                            r#"expected a non-empty list: write `enum_values = ["a", "b"]`"#,
                        ),
                    }
                }
            }
            "list_type" => {
                if let Some(s) = errors.ok(p::string(meta, r#"list_type = "atomic""#)) {
                    if !["atomic", "set", "map"].contains(&s.value().as_str()) {
                        errors.spanned(&s, r#"list_type must be "atomic", "set" or "map""#);
                    }
                    list_type = Some(s.value());
                    patch.insert("x-kubernetes-list-type".into(), json!(s.value()));
                }
            }
            "list_map_keys" => {
                if let Some(keys) = errors.ok(p::string_list(meta, r#"list_map_keys = ["name"]"#)) {
                    if keys.is_empty() {
                        errors.spanned(meta, r#"list_map_keys needs at least one key: write `list_map_keys = ["name"]`"#);
                    }
                    list_map_keys = Some(meta);
                    let keys: Vec<String> = keys.iter().map(|s| s.value()).collect();
                    patch.insert("x-kubernetes-list-map-keys".into(), json!(keys));
                }
            }
            "map_type" => {
                if let Some(s) = errors.ok(p::string(meta, r#"map_type = "atomic""#)) {
                    if !["atomic", "granular"].contains(&s.value().as_str()) {
                        errors.spanned(&s, r#"map_type must be "atomic" or "granular""#);
                    }
                    patch.insert("x-kubernetes-map-type".into(), json!(s.value()));
                }
            }
            "rule" => {
                if let Some(r) = parse_rule(meta, shape, errors) {
                    rules.push(r);
                }
            }
            "items" => {
                const EX: &str = r#"items(min_length = 1, pattern = "^[a-z]+$")"#;
                if let Some(inner) = errors.ok(p::nested(meta, EX)) {
                    if inner.is_empty() {
                        errors.spanned(meta, format!("items(...) is empty: write `{EX}`"));
                    }
                    let element = ty.map_or(Shape::Unknown, Shape::element);
                    let items = parse_entries(
                        &inner,
                        element,
                        None,
                        meta.path(),
                        KEYS,
                        "items(...)",
                        errors,
                    );
                    patch.insert("items".into(), Value::Object(items));
                }
            }
            _ => unreachable!("all keys handled"),
        }
    }

    if let [Some((min, _)), Some((max, max_meta))] = bounds
        && min > max
    {
        errors.spanned(
            max_meta,
            format!("maximum ({max}) is smaller than minimum ({min})"),
        );
    }
    for (lo, hi) in [
        ("min_length", "max_length"),
        ("min_items", "max_items"),
        ("min_properties", "max_properties"),
    ] {
        let get = |n: &str| sizes.iter().find(|(k, ..)| *k == n);
        if let (Some((_, l, _)), Some((_, h, hm))) = (get(lo), get(hi))
            && l > h
        {
            errors.spanned(hm, format!("{hi} ({h}) is smaller than {lo} ({l})"));
        }
    }
    for (k, m) in exclusive {
        let needed = if k == "exclusive_minimum" { 0 } else { 1 };
        if bounds[needed].is_none() {
            let bound = if needed == 0 { "minimum" } else { "maximum" };
            errors.spanned(
                m,
                format!("`{k}` needs `{bound}`: write `{bound} = 0, {k}`"),
            );
        }
    }
    if let Some(m) = list_map_keys {
        if list_type.as_deref() != Some("map") {
            errors.spanned(m, r#"list_map_keys needs `list_type = "map"`: write `list_type = "map", list_map_keys = ["name"]`"#);
        }
    } else if list_type.as_deref() == Some("map") {
        errors.spanned(
            ident,
            r#"list_type = "map" needs the key fields: add `list_map_keys = ["name"]`"#,
        );
    }
    if let Some(m) = nullable
        && patch.contains_key("enum")
    {
        errors.spanned(
            m,
            "`nullable` cannot apply with `enum_values`: the API server checks `enum` even against null, \
             which matches no member (not even a listed `null`), so the field would reject null; \
             remove `nullable`: on an optional field (`Option<T>`, `#[serde(default)]`) a null is then \
             pruned like an absent field",
        );
    }
    if !rules.is_empty() {
        patch.insert("x-kubernetes-validations".into(), Value::Array(rules));
    }
    patch
}

/// `min_length` → `minLength`.
fn camel(k: &str) -> String {
    crate::serde_names::apply_rule(Some("camelCase"), k)
}

/// Whether a Rust type of this shape is a scalar: its schema has no properties, so no
/// `fieldPath` can name a path inside it.
fn is_scalar(shape: Shape) -> bool {
    matches!(
        shape,
        Shape::Integer | Shape::Number | Shape::String | Shape::Bool
    )
}

/// The compile-time part of the API server's check of a rule's `fieldPath`: it is relative
/// to the schema node carrying the rule and names a field inside it (`.name` or
/// `['name']` segments), so it starts with `.` or `['`, and a scalar has nothing inside it.
/// Whether the named field exists in a user type is known only to the API server.
fn check_field_path(s: &syn::LitStr, shape: Shape, errors: &mut Errors) {
    let path = s.value();
    if is_scalar(shape) {
        errors.spanned(
            s,
            format!(
                "field_path does not apply here: the rule is on {}, which has no fields inside it, \
                 and field_path names a field inside the value that carries the rule (relative to it, \
                 e.g. `.port` for a rule on a struct); remove field_path: a failing rule is reported \
                 at this value itself",
                shape.name()
            ),
        );
    } else if path.is_empty() {
        errors.spanned(
            s,
            "field_path must not be empty: name a field inside the value that carries the rule, e.g. `.port`, or remove field_path",
        );
    } else if !(path.starts_with('.') || path.starts_with("['")) {
        errors.spanned(
            s,
            format!(
                "field_path must start with `.` or `['`: it is relative to the value that carries \
                 the rule and names a field inside it, e.g. `.{}` (not `{path}`), or `['a.b']` for a key with dots",
                path.trim_start_matches(['.', '$'])
            ),
        );
    } else if path == "." || path.ends_with('.') {
        errors.spanned(
            s,
            "field_path must name a field after each `.`, e.g. `.target.port`",
        );
    }
}

fn parse_rule(meta: &Meta, shape: Shape, errors: &mut Errors) -> Option<Value> {
    const EX: &str = r#"rule(rule = "self.size() <= 10", message = "at most 10")"#;
    let entries = errors.ok(p::nested(meta, EX))?;
    let mut seen = Seen::default();
    let mut out = Map::new();
    for m in &entries {
        let Some(k) = errors.ok(p::key(m)) else {
            continue;
        };
        if !RULE_KEYS.contains(&k.as_str()) {
            errors.push(p::unknown_key(m, &k, "rule(...)", RULE_KEYS));
            continue;
        }
        if !seen.check(&k, m, errors) {
            continue;
        }
        let Some(s) = errors.ok(p::string(m, &format!(r#"{k} = "...""#))) else {
            continue;
        };
        if k == "reason" && !REASONS.contains(&s.value().as_str()) {
            errors.spanned(&s, format!("reason must be one of {}", REASONS.join(", ")));
        }
        if k == "rule" && s.value().trim().is_empty() {
            errors.spanned(&s, "the CEL rule must not be empty");
        }
        if k == "field_path" {
            check_field_path(&s, shape, errors);
        }
        out.insert(camel(&k), json!(s.value()));
    }
    if !out.contains_key("rule") && !entries.iter().any(|m| m.path().is_ident("rule")) {
        errors.spanned(meta, format!("rule(...) is missing `rule`: write `{EX}`"));
        return None;
    }
    Some(Value::Object(out))
}
