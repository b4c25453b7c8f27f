//! What to write in Rust instead, for each Rust shape that has no structural schema. The
//! derive says these at compile time where it can see the shape; the structural-schema
//! engine attaches them to the violation the shape produces where it cannot.

/// A type that contains itself.
pub const RECURSIVE: &str = "a recursive type has no structural schema (a CRD schema cannot refer to itself, and the API server wants every level spelled out); break the cycle with a separate, non-recursive type for the nested level, or hold it as `serde_json::Value` with #[field(preserve_unknown_fields)]";

/// A tuple, or a tuple struct with several fields.
pub const TUPLE: &str = "a tuple is written by serde as a list of values of different types, which a structural schema cannot express (one `items` schema per list); use a struct with named fields instead";

/// `serde_json::Value` without an attribute that gives it a schema.
pub const ANY_JSON: &str = "any JSON value has no structural schema by itself; on a `serde_json::Value` field add #[field(preserve_unknown_fields)] (any JSON, kept as is), #[field(int_or_string)] (an integer or a string) or #[field(embedded_resource)] (a Kubernetes object)";

/// `Vec<serde_json::Value>` without an item schema.
pub const ANY_JSON_ITEMS: &str = "the elements of a list of `serde_json::Value` have no structural schema by themselves; add #[field(items(preserve_unknown_fields))] (any JSON elements, kept as is)";

/// A map of `serde_json::Value`.
pub const ANY_JSON_VALUES: &str = "the values of a map of `serde_json::Value` have no structural schema, and no attribute can give them one; make the whole field a `serde_json::Value` with #[field(preserve_unknown_fields)], or use a map of a concrete type";

/// A node that admits several JSON types (e.g. an untagged enum of scalars).
pub const SEVERAL_TYPES: &str = "a structural schema gives every value one type; use one type (a struct, or an externally tagged enum whose variants all carry data or are all units), or `serde_json::Value` with #[field(preserve_unknown_fields)] (any JSON) or #[field(int_or_string)] (an integer or a string)";

/// An enum whose variants are different JSON types.
pub const MIXED_ENUM: &str = "an enum whose variants are different JSON types (unit variants are strings, data-carrying variants objects, untagged scalars each their own type) has no structural schema; make every variant carry data (e.g. `Off {}`) or every variant a unit, or use `serde_json::Value` with #[field(preserve_unknown_fields)] (any JSON) or #[field(int_or_string)] (an integer or a string)";

/// A `#[serde(flatten)]` map beside named fields.
pub const FLATTENED_MAP: &str = "a #[serde(flatten)] map beside named fields gives a node both named properties and a map of further ones; flatten a `BTreeMap<String, serde_json::Value>` (unknown fields are then kept), or move the map into a field of its own";

/// Rephrases a panic of kube-core's `StructuralSchemaRewriter` (whose message dumps its
/// internal schema structs) as what is wrong with the Rust type and what to do.
pub fn explain_rewriter_panic(type_name: &str, message: &str) -> String {
    let quoted = message.split('"').nth(1).unwrap_or("?");
    let why = if message.starts_with("Property ") {
        format!(
            "the variants of an enum give property `{quoted}` different schemas, and a structural schema has one schema per property (an untagged enum whose variants share a field name with different types, or an adjacently tagged enum whose variants carry different content types): give the property one type in every variant, or rename it per variant; if the value really is free-form, use `serde_json::Value` with #[field(preserve_unknown_fields)]"
        )
    } else if message.contains("conflicting with existing type") || message.contains("has type") {
        MIXED_ENUM.into()
    } else {
        message.into()
    };
    format!(
        "the schema of `{type_name}` cannot be made structural (as Kubernetes requires of a CRD): {why} (kube-core said: {})",
        message.chars().take(300).collect::<String>()
    )
}
