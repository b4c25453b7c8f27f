//! What a Rust field type looks like as JSON, read from its syntax: the rough shape (for
//! keys that cannot apply, such as `min_length` on an integer) and the shapes that have no
//! structural schema (recursion, tuples, bare `serde_json::Value`), reported where the derive
//! can see them. What it cannot see, such as the variants of an enum defined elsewhere, the
//! structural-schema engine reports when the CRD is built, with the same hints.

use crate::schema::hint;
use serde_json::{Map, Value};
use syn::{GenericArgument, Ident, PathArguments, Type};

/// The rough JSON shape of a Rust field type, for catching keys that cannot apply.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Shape {
    Integer,
    Number,
    String,
    Bool,
    Array,
    Map,
    Unknown,
}

impl Shape {
    pub fn of(ty: &Type) -> Shape {
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
    pub fn element(ty: &Type) -> Shape {
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

    pub fn name(self) -> &'static str {
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
    /// A scalar has no properties, so no `fieldPath` can name a path inside it.
    pub fn is_scalar(self) -> bool {
        matches!(
            self,
            Shape::Integer | Shape::Number | Shape::String | Shape::Bool
        )
    }
}

/// Which shapes a key makes sense on (`Unknown` — a user type — is always allowed).
pub fn allowed(key: &str) -> &'static [Shape] {
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

/// The generic arguments of a path segment that are types.
fn type_args(args: &PathArguments) -> Vec<&Type> {
    match args {
        PathArguments::AngleBracketed(a) => a
            .args
            .iter()
            .filter_map(|g| match g {
                GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether `ty` names the struct itself (`Self` or its identifier), anywhere inside it.
fn names_itself(ty: &Type, me: &Ident) -> bool {
    match ty {
        Type::Path(tp) => tp.path.segments.iter().any(|seg| {
            (tp.path.segments.len() == 1 && (seg.ident == *me || seg.ident == "Self"))
                || type_args(&seg.arguments)
                    .into_iter()
                    .any(|t| names_itself(t, me))
        }),
        Type::Reference(r) => names_itself(&r.elem, me),
        Type::Array(a) => names_itself(&a.elem, me),
        Type::Slice(s) => names_itself(&s.elem, me),
        Type::Paren(p) => names_itself(&p.elem, me),
        Type::Group(g) => names_itself(&g.elem, me),
        Type::Tuple(t) => t.elems.iter().any(|t| names_itself(t, me)),
        _ => false,
    }
}

/// The first tuple type (other than `()`) inside `ty`.
fn tuple_in(ty: &Type) -> Option<&Type> {
    match ty {
        Type::Tuple(t) if !t.elems.is_empty() => Some(ty),
        Type::Path(tp) => tp
            .path
            .segments
            .iter()
            .flat_map(|seg| type_args(&seg.arguments))
            .find_map(tuple_in),
        Type::Reference(r) => tuple_in(&r.elem),
        Type::Array(a) => tuple_in(&a.elem),
        Type::Slice(s) => tuple_in(&s.elem),
        Type::Paren(p) => tuple_in(&p.elem),
        Type::Group(g) => tuple_in(&g.elem),
        _ => None,
    }
}

fn is_json_value(ty: &Type) -> bool {
    let Type::Path(tp) = ty else { return false };
    let names: Vec<String> = tp
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    names.ends_with(&["serde_json".into(), "Value".into()])
}

/// `Option<T>` / `Box<T>` → `T` (repeatedly); the last segment's name and type arguments.
fn unwrap_optional(mut ty: &Type) -> &Type {
    loop {
        let Type::Path(tp) = ty else { return ty };
        let Some(last) = tp.path.segments.last() else {
            return ty;
        };
        match (
            last.ident.to_string().as_str(),
            type_args(&last.arguments).as_slice(),
        ) {
            ("Option" | "Box", [inner]) => ty = inner,
            _ => return ty,
        }
    }
}

/// Where a `serde_json::Value` sits in a field type, if it has no schema of its own there.
enum JsonValueAt {
    Field,
    Items,
    MapValues,
}

fn json_value_at(ty: &Type) -> Option<JsonValueAt> {
    let ty = unwrap_optional(ty);
    if is_json_value(ty) {
        return Some(JsonValueAt::Field);
    }
    let Type::Path(tp) = ty else { return None };
    let last = tp.path.segments.last()?;
    let args = type_args(&last.arguments);
    match (last.ident.to_string().as_str(), args.as_slice()) {
        ("Vec" | "VecDeque", [inner]) if is_json_value(unwrap_optional(inner)) => {
            Some(JsonValueAt::Items)
        }
        ("BTreeMap" | "HashMap" | "IndexMap", [_, inner])
            if is_json_value(unwrap_optional(inner)) =>
        {
            Some(JsonValueAt::MapValues)
        }
        _ => None,
    }
}

const GIVES_A_SCHEMA: &[&str] = &[
    "x-kubernetes-preserve-unknown-fields",
    "x-kubernetes-int-or-string",
    "x-kubernetes-embedded-resource",
];

/// The compile error for a field whose type has no structural schema, if any. `patch` is the
/// field's `#[field(...)]` patch (empty without one).
pub fn check(field: &syn::Field, me: &Ident, patch: &Map<String, Value>) -> Option<syn::Error> {
    let name = field
        .ident
        .as_ref()
        .map_or_else(String::new, |i| i.to_string());
    let ty = &field.ty;
    if names_itself(ty, me) {
        return Some(syn::Error::new_spanned(
            ty,
            format!("`{name}` contains `{me}` itself: {}", hint::RECURSIVE),
        ));
    }
    if let Some(tuple) = tuple_in(ty) {
        return Some(syn::Error::new_spanned(
            tuple,
            format!("`{name}` is (or contains) a tuple: {}", hint::TUPLE),
        ));
    }
    let has = |map: &Map<String, Value>| GIVES_A_SCHEMA.iter().any(|k| map.contains_key(*k));
    let items_have = patch
        .get("items")
        .and_then(Value::as_object)
        .is_some_and(has);
    let problem = match json_value_at(ty)? {
        JsonValueAt::Field if !has(patch) => {
            format!("`{name}` is a `serde_json::Value`: {}", hint::ANY_JSON)
        }
        JsonValueAt::Items if !items_have => {
            format!(
                "`{name}` is a list of `serde_json::Value`: {}",
                hint::ANY_JSON_ITEMS
            )
        }
        JsonValueAt::MapValues => {
            format!(
                "`{name}` is a map of `serde_json::Value`: {}",
                hint::ANY_JSON_VALUES
            )
        }
        _ => return None,
    };
    Some(syn::Error::new_spanned(ty, problem))
}
