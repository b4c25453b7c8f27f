//! Rust shapes that have no structural schema, caught where the derive can see them: in the
//! type of a field of the struct being derived. (What it cannot see, such as the variants of
//! an enum defined elsewhere, `crd()` reports at run time with the path of the schema node.)

use serde_json::{Map, Value};
use syn::{GenericArgument, Ident, PathArguments, Type};

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
            format!(
                "`{name}` contains `{me}` itself: a recursive type has no structural schema (a CRD schema cannot refer to itself, and the API server wants every level spelled out); \
                 break the cycle with a separate, non-recursive type for the nested level, or hold it as `serde_json::Value` with #[field(preserve_unknown_fields)]"
            ),
        ));
    }
    if let Some(tuple) = tuple_in(ty) {
        return Some(syn::Error::new_spanned(
            tuple,
            format!(
                "`{name}` is (or contains) a tuple: serde writes it as a list of values of different types, which a structural schema cannot express (one `items` schema per list); \
                 use a struct with named fields instead"
            ),
        ));
    }
    let has = |map: &Map<String, Value>| GIVES_A_SCHEMA.iter().any(|k| map.contains_key(*k));
    let items_have = patch
        .get("items")
        .and_then(Value::as_object)
        .is_some_and(has);
    let problem = match json_value_at(ty)? {
        JsonValueAt::Field if !has(patch) => format!(
            "`{name}` is a `serde_json::Value`: any JSON, which has no structural schema by itself; \
             add #[field(preserve_unknown_fields)] (any JSON, kept as is), #[field(int_or_string)] (an integer or a string) or #[field(embedded_resource)] (a Kubernetes object)"
        ),
        JsonValueAt::Items if !items_have => format!(
            "`{name}` is a list of `serde_json::Value`: its elements have no structural schema by themselves; \
             add #[field(items(preserve_unknown_fields))] (any JSON elements, kept as is)"
        ),
        JsonValueAt::MapValues => format!(
            "`{name}` is a map of `serde_json::Value`: its values have no structural schema, and no attribute can give them one; \
             make the whole field a `serde_json::Value` with #[field(preserve_unknown_fields)], or use a map of a concrete type"
        ),
        _ => return None,
    };
    Some(syn::Error::new_spanned(ty, problem))
}
