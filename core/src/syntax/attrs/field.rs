//! `#[field(...)]`: validation and structure of one property (or, on a struct, of the whole
//! object), checked at compile time against the field's Rust type and turned into the JSON
//! patch that the CRD's assembly merges into that property's schema.

use darling::ast::NestedMeta;
use serde_json::{Map, Value, json};
use syn::{Field, Meta, Type};

use crate::{cel, schema};

use super::value::{self, Flag, Literal, Number, Str, StrList, Unsigned};
use super::{Errors, Nested, attribute, nested_item, parse_list_with};
use crate::syntax::shape::{Shape, allowed};

const EXAMPLE: &str = "#[field(minimum = 1)]";
const RULE: &str = r#"rule(rule = "self.size() <= 10", message = "at most 10")"#;
const ITEMS: &str = r#"items(min_length = 1, pattern = "^[a-z]+$")"#;

/// The keys `#[field(...)]` takes on a struct: they describe the whole object.
pub const ON_STRUCT: &[&str] = &[
    "rule",
    "min_properties",
    "max_properties",
    "map_type",
    "preserve_unknown_fields",
];

attribute! {
    /// `#[field(...)]` on a field of a spec, status or `#[derive(Schema)]` struct.
    #[derive(Debug, darling::FromMeta)]
    pub struct FieldArgs in "#[field(...)]", markers = crate::markers::FIELD {
        /// Inclusive lower bound of a number; `minimum > maximum` is a compile error.
        #[darling(default, with = |m| value::number(m, "minimum = 1"))]
        pub minimum: Option<Number>,
        /// Inclusive upper bound of a number.
        #[darling(default, with = |m| value::number(m, "maximum = 10"))]
        pub maximum: Option<Number>,
        /// Makes `minimum` exclusive (needs `minimum`).
        #[darling(default, with = value::flag)]
        pub exclusive_minimum: Option<Flag>,
        /// Makes `maximum` exclusive (needs `maximum`).
        #[darling(default, with = value::flag)]
        pub exclusive_maximum: Option<Flag>,
        /// The value is a multiple of this (> 0).
        #[darling(default, with = |m| value::number(m, "multiple_of = 2"))]
        pub multiple_of: Option<Number>,
        /// Minimum string length, in characters.
        #[darling(default, with = |m| value::unsigned(m, "min_length = 1"))]
        pub min_length: Option<Unsigned>,
        /// Maximum string length, in characters.
        #[darling(default, with = |m| value::unsigned(m, "max_length = 63"))]
        pub max_length: Option<Unsigned>,
        /// A regular expression the string must match; an invalid one is a compile error.
        #[darling(default, with = |m| value::string(m, r#"pattern = "^[a-z]+$""#))]
        pub pattern: Option<Str>,
        /// An OpenAPI format (`date-time`, `int32`, ...).
        #[darling(default, with = |m| value::string(m, r#"format = "date-time""#))]
        pub format: Option<Str>,
        /// Minimum list length.
        #[darling(default, with = |m| value::unsigned(m, "min_items = 1"))]
        pub min_items: Option<Unsigned>,
        /// Maximum list length.
        #[darling(default, with = |m| value::unsigned(m, "max_items = 5"))]
        pub max_items: Option<Unsigned>,
        /// Rejected at compile time: the API server forbids `uniqueItems: true`; write
        /// `list_type = "set"`.
        #[darling(default, with = value::flag)]
        pub unique_items: Option<Flag>,
        /// Minimum number of map entries (or object properties).
        #[darling(default, with = |m| value::unsigned(m, "min_properties = 1"))]
        pub min_properties: Option<Unsigned>,
        /// Maximum number of map entries (or object properties).
        #[darling(default, with = |m| value::unsigned(m, "max_properties = 8"))]
        pub max_properties: Option<Unsigned>,
        /// The API server's default (a literal, a list of literals, or JSON in `json!(...)`
        /// for an object), checked against the field's type and its other keys at compile
        /// time. The only source of defaults: `#[serde(default)]` is a client-side matter
        /// (Go's `omitempty`) and puts none in the CRD.
        #[darling(default, with = |m| value::literal(m, "default = 1"))]
        pub default: Option<Literal>,
        /// `null` is accepted (an `Option<T>` is not nullable by itself: a `null` is pruned like
        /// an absent field); a compile error with `enum_values`, because the API server checks
        /// `enum` even against `null`.
        #[darling(default, with = value::flag)]
        pub nullable: Option<Flag>,
        /// The allowed values (a Rust unit enum gives `enum` by itself).
        #[darling(default, with = |m| value::literal(m, r#"enum_values = ["a", "b"]"#))]
        pub enum_values: Option<Literal>,
        /// Server-side-apply list semantics: `atomic`, `set`, or `map` (with `list_map_keys`).
        #[darling(default, with = |m| value::string(m, r#"list_type = "atomic""#))]
        pub list_type: Option<Str>,
        /// The fields that key a `list_type = "map"` list.
        #[darling(default, with = |m| value::string_list(m, r#"list_map_keys = ["name"]"#))]
        pub list_map_keys: Option<StrList>,
        /// `atomic` or `granular` merge of a map or struct.
        #[darling(default, with = |m| value::string(m, r#"map_type = "atomic""#))]
        pub map_type: Option<Str>,
        /// Unknown fields are kept, not pruned (use with `serde_json::Value`).
        #[darling(default, with = value::flag)]
        pub preserve_unknown_fields: Option<Flag>,
        /// A nested Kubernetes object (its apiVersion, kind and metadata are validated).
        #[darling(default, with = value::flag)]
        pub embedded_resource: Option<Flag>,
        /// An integer or a string (`IntOrString` and `Quantity` are already).
        #[darling(default, with = value::flag)]
        pub int_or_string: Option<Flag>,
        /// A CEL rule: `rule`, and optionally `message`, `message_expression`, `reason`,
        /// `field_path`.
        #[darling(multiple, with = |m| nested_item(m, RULE))]
        pub rule: Vec<Nested<RuleArgs>>,
        /// Any of these keys, applied to the elements of a list: `items(min_length = 1)`.
        #[darling(default, with = raw)]
        pub items: Option<Meta>,
    }
}

attribute! {
    /// `rule(...)`: one `x-kubernetes-validations` entry.
    #[derive(Debug, darling::FromMeta)]
    pub struct RuleArgs in "rule(...)" {
        /// The CEL expression; `self` is the value carrying the rule. Required.
        #[darling(default, with = |m| value::string(m, r#"rule = "self.size() <= 10""#))]
        pub rule: Option<Str>,
        /// The message when the rule fails.
        #[darling(default, with = |m| value::string(m, r#"message = "at most 10""#))]
        pub message: Option<Str>,
        /// A CEL expression computing the message.
        #[darling(default, with = |m| value::string(m, r#"message_expression = "'got ' + string(self.size())""#))]
        pub message_expression: Option<Str>,
        /// `FieldValueInvalid` (default), `FieldValueForbidden`, `FieldValueRequired` or
        /// `FieldValueDuplicate`.
        #[darling(default, with = |m| value::string(m, r#"reason = "FieldValueInvalid""#))]
        pub reason: Option<Str>,
        /// The field the failure is reported at, relative to the value carrying the rule
        /// (`.port`, `['a.b']`).
        #[darling(default, with = |m| value::string(m, r#"field_path = ".port""#))]
        pub field_path: Option<Str>,
    }
}

fn raw(meta: &Meta) -> darling::Result<Option<Meta>> {
    Ok(Some(meta.clone()))
}

/// The JSON patch of a field's `#[field(...)]` attributes, `None` without any.
pub fn parse(field: &Field, errors: &mut Errors) -> Option<Map<String, Value>> {
    let (items, found) = super::entries_of(&field.attrs, "field", EXAMPLE, errors);
    if !found {
        return None;
    }
    let shape = Shape::of(&field.ty);
    let element = Shape::element(&field.ty);
    let patch = parse_entries(
        &items,
        shape,
        element,
        &field.ident,
        Some(&field.ty),
        errors,
    );
    Some(patch)
}

/// The JSON patch of `#[field(...)]` on a struct: keys that describe the whole object, such
/// as object-level CEL rules. `None` without any.
pub fn parse_container(
    attrs: &[syn::Attribute],
    ident: &syn::Ident,
    errors: &mut Errors,
) -> Option<Map<String, Value>> {
    let (items, found) = super::entries_of(
        attrs,
        "field",
        r#"#[field(rule(rule = "self.min <= self.max"))]"#,
        errors,
    );
    if !found {
        return None;
    }
    let args = parse_list_with::<FieldArgs>(&items, errors, |key, meta| {
        (!ON_STRUCT.contains(&key)).then(|| {
            syn::Error::new_spanned(
                meta.path(),
                format!(
                    "`{key}` does not apply to a struct: on a struct, #[field(...)] takes {} (put `{key}` on a field)",
                    ON_STRUCT.join(", ")
                ),
            )
        })
    })?;
    let patch = patch(&args, Shape::Unknown, Shape::Unknown, ident, None, errors);
    (!patch.is_empty()).then_some(patch)
}

fn parse_entries(
    items: &[NestedMeta],
    shape: Shape,
    element: Shape,
    ident: &dyn quote::ToTokens,
    ty: Option<&Type>,
    errors: &mut Errors,
) -> Map<String, Value> {
    let applies = |key: &str, meta: &Meta| -> Option<syn::Error> {
        if shape == Shape::Unknown || allowed(key).contains(&shape) {
            return None;
        }
        let needs: Vec<&str> = allowed(key).iter().map(|s| s.name()).collect();
        Some(syn::Error::new_spanned(
            meta.path(),
            format!(
                "`{key}` does not apply to this field: its type is {}, `{key}` needs {}",
                shape.name(),
                needs.join(" or ")
            ),
        ))
    };
    let Some(args) = parse_list_with::<FieldArgs>(items, errors, applies) else {
        return Map::new();
    };
    patch(&args, shape, element, ident, ty, errors)
}

/// The JSON patch of checked arguments, for a value of the given shape (`element`: the shape
/// of a list's elements, for `items(...)`).
fn patch(
    args: &FieldArgs,
    shape: Shape,
    element: Shape,
    ident: &dyn quote::ToTokens,
    ty: Option<&Type>,
    errors: &mut Errors,
) -> Map<String, Value> {
    let mut patch = Map::new();
    for (key, number) in [
        ("minimum", &args.minimum),
        ("maximum", &args.maximum),
        ("multipleOf", &args.multiple_of),
    ] {
        if let Some(n) = number {
            patch.insert(key.into(), n.json.clone());
        }
    }
    if let Some(m) = &args.multiple_of
        && m.value <= 0.0
    {
        errors.spanned(&m.at, "multiple_of must be greater than 0");
    }
    if let (Some(min), Some(max)) = (&args.minimum, &args.maximum)
        && min.value > max.value
    {
        errors.spanned(
            &max.at,
            format!(
                "maximum ({}) is smaller than minimum ({})",
                max.json, min.json
            ),
        );
    }
    for (key, bound, flag) in [
        ("exclusive_minimum", &args.minimum, &args.exclusive_minimum),
        ("exclusive_maximum", &args.maximum, &args.exclusive_maximum),
    ] {
        if let Some(f) = flag
            && f.value
        {
            if bound.is_none() {
                let bound = key.trim_start_matches("exclusive_");
                errors.spanned(
                    &f.at,
                    format!("`{key}` needs `{bound}`: write `{bound} = 0, {key}`"),
                );
            }
            let json_key = if key == "exclusive_minimum" {
                "exclusiveMinimum"
            } else {
                "exclusiveMaximum"
            };
            patch.insert(json_key.into(), json!(true));
        }
    }
    for (lo_key, hi_key, lo, hi, json_lo, json_hi) in [
        (
            "min_length",
            "max_length",
            &args.min_length,
            &args.max_length,
            "minLength",
            "maxLength",
        ),
        (
            "min_items",
            "max_items",
            &args.min_items,
            &args.max_items,
            "minItems",
            "maxItems",
        ),
        (
            "min_properties",
            "max_properties",
            &args.min_properties,
            &args.max_properties,
            "minProperties",
            "maxProperties",
        ),
    ] {
        if let Some(l) = lo {
            patch.insert(json_lo.into(), json!(l.value));
        }
        if let Some(h) = hi {
            patch.insert(json_hi.into(), json!(h.value));
        }
        if let (Some(l), Some(h)) = (lo, hi)
            && l.value > h.value
        {
            errors.spanned(
                &h.at,
                format!(
                    "{hi_key} ({}) is smaller than {lo_key} ({})",
                    h.value, l.value
                ),
            );
        }
    }
    if let Some(p) = &args.pattern {
        if let Err(why) = crate::regex::check(&p.value) {
            errors.spanned(&p.lit, format!("invalid regular expression: {why}"));
        }
        patch.insert("pattern".into(), json!(p.value));
    }
    if let Some(f) = &args.format {
        patch.insert("format".into(), json!(f.value));
    }
    if let Some(f) = &args.unique_items
        && f.value
    {
        errors.spanned(&f.at,
            "the Kubernetes API server rejects `uniqueItems: true` in CRD schemas: write `list_type = \"set\"` instead",
        );
    }
    if let Some(v) = &args.enum_values {
        match &v.json {
            Value::Array(a) if !a.is_empty() => {
                patch.insert("enum".into(), v.json.clone());
            }
            _ => errors.spanned(
                &v.at,
                r#"expected a non-empty list: write `enum_values = ["a", "b"]`"#,
            ),
        }
    }
    if let Some(f) = &args.nullable
        && f.value
    {
        if args.enum_values.is_some() {
            errors.spanned(&f.at,
                "`nullable` cannot apply with `enum_values`: the API server checks `enum` even against null, \
                 which matches no member (not even a listed `null`), so the field would reject null; \
                 remove `nullable`: on an optional field (`Option<T>`, `#[serde(default)]`) a null is then \
                 pruned like an absent field",
            );
        }
        patch.insert("nullable".into(), json!(true));
    }
    if let Some(s) = &args.list_type {
        if !["atomic", "set", "map"].contains(&s.value.as_str()) {
            errors.spanned(&s.lit, r#"list_type must be "atomic", "set" or "map""#);
        }
        patch.insert("x-kubernetes-list-type".into(), json!(s.value));
    }
    match (
        &args.list_map_keys,
        args.list_type.as_ref().map(|s| s.value.as_str()),
    ) {
        (Some(keys), list_type) => {
            if keys.items.is_empty() {
                errors.spanned(
                    &keys.at,
                    r#"list_map_keys needs at least one key: write `list_map_keys = ["name"]`"#,
                );
            }
            if list_type != Some("map") {
                errors.spanned(&keys.at,
                    r#"list_map_keys needs `list_type = "map"`: write `list_type = "map", list_map_keys = ["name"]`"#,
                );
            }
            patch.insert("x-kubernetes-list-map-keys".into(), json!(keys.values()));
        }
        (None, Some("map")) => errors.spanned(
            ident,
            r#"list_type = "map" needs the key fields: add `list_map_keys = ["name"]`"#,
        ),
        _ => {}
    }
    if let Some(s) = &args.map_type {
        if !["atomic", "granular"].contains(&s.value.as_str()) {
            errors.spanned(&s.lit, r#"map_type must be "atomic" or "granular""#);
        }
        patch.insert("x-kubernetes-map-type".into(), json!(s.value));
    }
    for (flag, key) in [
        (
            &args.preserve_unknown_fields,
            "x-kubernetes-preserve-unknown-fields",
        ),
        (&args.int_or_string, "x-kubernetes-int-or-string"),
    ] {
        if let Some(f) = flag
            && f.value
        {
            patch.insert(key.into(), json!(true));
        }
    }
    if args.int_or_string.as_ref().is_some_and(|f| f.value) {
        patch.insert(
            "anyOf".into(),
            json!([{"type": "integer"}, {"type": "string"}]),
        );
    }
    if args.embedded_resource.as_ref().is_some_and(|f| f.value) {
        patch.insert("type".into(), json!("object"));
        patch.insert("x-kubernetes-embedded-resource".into(), json!(true));
    }
    let rules: Vec<Value> = args
        .rule
        .iter()
        .filter_map(|r| rule(r, shape, errors))
        .collect();
    if !rules.is_empty() {
        patch.insert("x-kubernetes-validations".into(), Value::Array(rules));
    }
    if let Some(meta) = &args.items {
        let items = items(meta, element, errors);
        patch.insert("items".into(), Value::Object(items));
    }
    if let Some(default) = &args.default {
        check_default(default, &patch, shape, ty, errors);
        patch.insert("default".into(), default.json.clone());
    }
    patch
}

/// `items(...)`: the keys of the list's elements.
fn items(meta: &Meta, element: Shape, errors: &mut Errors) -> Map<String, Value> {
    let Meta::List(list) = meta else {
        errors.spanned(
            meta,
            format!("expected a parenthesized list: write `{ITEMS}`"),
        );
        return Map::new();
    };
    let Some(entries) = errors.ok(NestedMeta::parse_meta_list(list.tokens.clone())) else {
        return Map::new();
    };
    if entries.is_empty() {
        errors.spanned(meta, format!("items(...) is empty: write `{ITEMS}`"));
    }
    parse_entries(&entries, element, Shape::Unknown, meta.path(), None, errors)
}

/// A default must validate against the schema it sits in, or the API server refuses the CRD.
/// The derive sees the field's own keys and the shape of its Rust type; what it cannot see
/// (the variants of an enum defined elsewhere) is checked when the CRD is built.
fn check_default(
    default: &Literal,
    patch: &Map<String, Value>,
    shape: Shape,
    ty: Option<&Type>,
    errors: &mut Errors,
) {
    let mut node = patch.clone();
    let json_type = match shape {
        Shape::Integer => Some("integer"),
        Shape::Number => Some("number"),
        Shape::String => Some("string"),
        Shape::Bool => Some("boolean"),
        Shape::Array => Some("array"),
        Shape::Map => Some("object"),
        Shape::Unknown => None,
    };
    if let Some(t) = json_type
        && !node.contains_key("anyOf")
        && !node.contains_key("type")
    {
        node.insert("type".into(), json!(t));
    }
    if shape == Shape::Array
        && let Some(element) = ty.map(Shape::element)
        && let Some(t) = match element {
            Shape::Integer => Some("integer"),
            Shape::Number => Some("number"),
            Shape::String => Some("string"),
            Shape::Bool => Some("boolean"),
            _ => None,
        }
    {
        let items = node
            .entry("items")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(items) = items {
            items.entry("type").or_insert_with(|| json!(t));
        }
    }
    if let Err(why) = schema::default::check(&default.json, &node) {
        errors.spanned(
            &default.at,
            format!(
                "this default is invalid for its field: {why}; the API server would refuse the CRD"
            ),
        );
    }
}

fn rule(r: &Nested<RuleArgs>, shape: Shape, errors: &mut Errors) -> Option<Value> {
    let args = &r.args;
    let mut out = Map::new();
    let Some(expression) = &args.rule else {
        errors.spanned(
            &r.at,
            format!("rule(...) is missing `rule`: write `{RULE}`"),
        );
        return None;
    };
    if expression.value.trim().is_empty() {
        errors.spanned(&expression.lit, "the CEL rule must not be empty");
    } else if let Err(why) = cel::syntax::parse(&expression.value) {
        errors.spanned(
            &expression.lit,
            format!("this CEL rule does not parse: {why}"),
        );
    }
    if let Some(m) = &args.message_expression
        && let Err(why) = cel::syntax::parse(&m.value)
    {
        errors.spanned(
            &m.lit,
            format!("this CEL message expression does not parse: {why}"),
        );
    }
    if let Err(why) = cel::message(
        &expression.value,
        args.message.as_ref().map(|m| m.value.as_str()),
    ) {
        let at = args.message.as_ref().map_or(&expression.lit, |m| &m.lit);
        errors.spanned(at, why);
    }
    if let Some(reason) = &args.reason
        && let Err(why) = cel::reason(&reason.value)
    {
        errors.spanned(&reason.lit, format!("reason {why}"));
    }
    if let Some(path) = &args.field_path {
        let check = if shape.is_scalar() {
            Err(cel::field_path_on_scalar(shape.name()))
        } else {
            cel::field_path(&path.value)
        };
        if let Err(why) = check {
            errors.spanned(&path.lit, why);
        }
    }
    for (key, value) in [
        ("fieldPath", &args.field_path),
        ("message", &args.message),
        ("messageExpression", &args.message_expression),
        ("reason", &args.reason),
        ("rule", &args.rule),
    ] {
        if let Some(v) = value {
            out.insert(key.into(), json!(v.value));
        }
    }
    Some(Value::Object(out))
}
