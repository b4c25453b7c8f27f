//! Generates `docs/reference/attributes.md` from real derive output: every example below is
//! compiled, and the YAML in the page is what `crd()` produces for it. The test fails when the
//! page is stale; `UPDATE_DOCS=1 cargo test -p cargo-operator-derive --test attributes_doc`
//! rewrites it.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use cargo_operator_derive::Schema;
use cargo_operator_runtime::{CustomResource, CustomResourceExt};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Declares the field examples: each becomes a field of `ExampleSpec` and a section of the page.
macro_rules! field_examples {
    ($( $key:literal, $marker:literal, $what:literal => { #[field($($f:tt)*)] $(#[$m:meta])* $name:ident : $ty:ty } )*) => {
        /// Field-level examples for the attribute reference.
        #[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
        #[resource(group = "docs.example.com", version = "v1", kind = "Example", namespaced)]
        #[serde(rename_all = "camelCase")]
        pub struct ExampleSpec {
            $( #[field($($f)*)] $(#[$m])* pub $name: $ty, )*
        }

        /// (key, kubebuilder marker, what it does, Rust source, Rust field name)
        const FIELD_EXAMPLES: &[(&str, &str, &str, &str, &str)] = &[
            $( ($key, $marker, $what,
                concat!("#[field(", stringify!($($f)*), ")]\n", $( "#[", stringify!($m), "]\n", )* "pub ", stringify!($name), ": ", stringify!($ty), ","),
                stringify!($name)), )*
        ];
    };
}

field_examples! {
    "minimum / maximum", "+kubebuilder:validation:Minimum / Maximum", "Inclusive numeric bounds; `minimum > maximum` is a compile error." => {
        #[field(minimum = 1, maximum = 10)] replicas: i32 }
    "exclusive_minimum / exclusive_maximum", "+kubebuilder:validation:ExclusiveMinimum / ExclusiveMaximum", "Makes the bound exclusive; needs the bound itself." => {
        #[field(minimum = 0, exclusive_minimum)] ratio: f64 }
    "multiple_of", "+kubebuilder:validation:MultipleOf", "The value is a multiple of this (> 0)." => {
        #[field(multiple_of = 2)] even: i64 }
    "min_length / max_length", "+kubebuilder:validation:MinLength / MaxLength", "String length bounds." => {
        #[field(min_length = 1, max_length = 63)] name: String }
    "pattern", "+kubebuilder:validation:Pattern", "A regular expression; an invalid one is a compile error." => {
        #[field(pattern = "^[a-z0-9-]+$")] slug: String }
    "format", "+kubebuilder:validation:Format", "An OpenAPI format." => {
        #[field(format = "date-time")] not_before: String }
    "enum_values", "+kubebuilder:validation:Enum", "Allowed values (a Rust unit enum gives `enum` by itself). A schema with an `enum` is never `nullable`: the API server checks `enum` even against `null`, which matches no member (not even a listed `null`). So `nullable` with `enum_values` is a compile error, and on an `Option<T>` (also an `Option` of a Rust enum) a `null` is pruned like an absent field (then defaulted)." => {
        #[field(enum_values = ["Allow", "Forbid", "Replace"])] policy: String }
    "min_items / max_items", "+kubebuilder:validation:MinItems / MaxItems", "List length bounds." => {
        #[field(min_items = 1, max_items = 5)] hosts: Vec<String> }
    "items(...)", "+kubebuilder:validation:items:<Marker>", "Any field key applied to the list's elements." => {
        #[field(items(min_length = 1, pattern = "^[a-z.]+$"))] domains: Vec<String> }
    "unique_items", "+kubebuilder:validation:UniqueItems", "Rejected at compile time: the API server forbids `uniqueItems: true`; write `list_type = \"set\"`." => {
        #[field(list_type = "set")] unique: Vec<String> }
    "min_properties / max_properties", "+kubebuilder:validation:MinProperties / MaxProperties", "Map size bounds." => {
        #[field(min_properties = 1, max_properties = 8)] labels: BTreeMap<String, String> }
    "default", "+kubebuilder:default", "The API server's default (a literal or a list of literals)." => {
        #[field(default = ["a", "b"])] #[serde(default)] tags: Vec<String> }
    "nullable", "+nullable", "`null` is accepted (every `Option<T>` already is), except with an `enum` (see `enum_values`)." => {
        #[field(nullable)] note: String }
    "rule(...)", "+kubebuilder:validation:XValidation", "A CEL rule: `rule`, and optionally `message`, `message_expression`, `reason`, `field_path`. Repeatable. `field_path` is relative to the value carrying the rule and names a field inside it (`.port`, `['a.b']`), so it starts with `.` or `['` and is a compile error on a scalar field. Rules are parsed by `cargo operator manifests` but type-checked only by the API server: e.g. a `format = \"date-time\"` string is a CEL timestamp, so write `self >= timestamp('2000-01-01T00:00:00Z')`, not `self != ''`." => {
        #[field(rule(rule = "self == oldSelf", message = "immutable", reason = "FieldValueForbidden"))] immutable_id: String }
    "list_type / list_map_keys", "+listType / +listMapKey", "Server-side-apply list semantics: atomic, set, or map keyed by fields." => {
        #[field(list_type = "map", list_map_keys = ["name"])] ports: Vec<Port> }
    "map_type", "+mapType / +structType", "`atomic` or `granular` merge of a map or struct." => {
        #[field(map_type = "atomic")] selector: BTreeMap<String, String> }
    "preserve_unknown_fields", "+kubebuilder:pruning:PreserveUnknownFields", "Unknown fields are kept, not pruned (use with `serde_json::Value`)." => {
        #[field(preserve_unknown_fields)] config: serde_json::Value }
    "embedded_resource", "+kubebuilder:validation:EmbeddedResource", "A nested Kubernetes object (apiVersion/kind/metadata are validated)." => {
        #[field(embedded_resource)] template: serde_json::Value }
    "int_or_string", "+kubebuilder:validation:XIntOrString", "An integer or a string (`IntOrString` and `Quantity` are already)." => {
        #[field(int_or_string)] max_unavailable: serde_json::Value }
}

/// A named port.
#[derive(Serialize, Deserialize, Clone, Debug, JsonSchema)]
pub struct Port {
    pub name: String,
    pub port: u16,
}

/// `#[field(...)]` on a struct describes the whole object (here: an object-level CEL rule).
// example: range
#[derive(Schema, Serialize, Deserialize, Clone, Debug)]
#[field(
    rule(rule = "self.min <= self.max", message = "min must not exceed max"),
    max_properties = 2
)]
pub struct Range {
    pub min: i32,
    pub max: i32,
}
// end of example

/// Resource-level example: GuestbookSpec defines the desired state of Guestbook.
// example: guestbook
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(
    group = "webapp.example.com",
    version = "v1",
    kind = "Guestbook",
    namespaced,
    plural = "guestbooks",
    singular = "guestbook",
    shortname = "gb",
    category = "all",
    status = "GuestbookStatus",
    scale(
        spec_replicas_path = ".spec.replicas",
        status_replicas_path = ".status.replicas",
        label_selector_path = ".status.selector"
    ),
    printcolumn(
        name = "Replicas",
        type = "integer",
        json_path = ".spec.replicas",
        priority = 0
    ),
    printcolumn(name = "Age", type = "date", json_path = ".metadata.creationTimestamp"),
    selectable = ".spec.color",
    served,
    storage,
    deprecation_warning = "webapp.example.com/v1 Guestbook is deprecated; use v2",
    label(key = "app.kubernetes.io/part-of", value = "guestbook"),
    annotation(key = "example.com/owner", value = "web-team")
)]
#[field(rule(rule = "self.replicas <= 100", message = "at most 100 replicas"))]
pub struct GuestbookSpec {
    pub replicas: i32,
    pub color: String,
    pub range: Option<Range>,
}
// end of example

/// GuestbookStatus defines the observed state of Guestbook.
#[derive(Serialize, Deserialize, Clone, Debug, JsonSchema)]
pub struct GuestbookStatus {
    pub replicas: i32,
    pub selector: Option<String>,
}

const RESOURCE_KEYS: &[(&str, &str, &str)] = &[
    (
        "group = \"...\"",
        "+groupName (package)",
        "API group; a DNS subdomain with a dot. Required.",
    ),
    (
        "version = \"...\"",
        "+versionName / package name",
        "API version (`v1`, `v1alpha1`, ...). Required.",
    ),
    (
        "kind = \"...\"",
        "the root type's name",
        "Kind, UpperCamelCase; names the generated root struct. Required.",
    ),
    (
        "namespaced",
        "+kubebuilder:resource:scope=Namespaced",
        "Namespaced scope; without it the resource is cluster-scoped (`scope=Cluster`).",
    ),
    (
        "plural / singular",
        "+kubebuilder:resource:path / singular",
        "Default: lowercase plural / lowercase kind.",
    ),
    (
        "shortname (repeatable)",
        "+kubebuilder:resource:shortName",
        "kubectl short names.",
    ),
    (
        "category (repeatable)",
        "+kubebuilder:resource:categories",
        "kubectl categories, e.g. `all`.",
    ),
    (
        "status = \"Type\"",
        "+kubebuilder:subresource:status",
        "The status type; enables the status subresource.",
    ),
    (
        "scale(spec_replicas_path, status_replicas_path, label_selector_path)",
        "+kubebuilder:subresource:scale",
        "The scale subresource.",
    ),
    (
        "printcolumn(name, type, json_path, description, priority, format) (repeatable)",
        "+kubebuilder:printcolumn",
        "`kubectl get` columns; `json_path` must start with `.`. Two columns of the same `type` trip clippy's `duplicated_attributes` (a false positive, rust-clippy#12923): generated api crates allow that lint.",
    ),
    (
        "selectable = \".spec.x\" (repeatable)",
        "+kubebuilder:selectablefield",
        "Field selectors for the field.",
    ),
    (
        "storage / storage = false",
        "+kubebuilder:storageversion",
        "Whether this version is stored; exactly one version of a kind may be (so a lone `storage = false` version is not installable: merge it with the stored one).",
    ),
    (
        "served / served = false",
        "+kubebuilder:unservedversion",
        "Whether this version is served.",
    ),
    (
        "deprecated, deprecation_warning = \"...\"",
        "+kubebuilder:deprecatedversion:warning",
        "Marks the version deprecated (a warning implies deprecated).",
    ),
    (
        "label(key, value) / annotation(key, value) (repeatable)",
        "+kubebuilder:metadata:labels / annotations",
        "Labels / annotations on the CRD object.",
    ),
    (
        "derive = \"Trait\" (repeatable)",
        "—",
        "Extra derives on the generated root struct.",
    ),
    (
        "#[field(rule(...), ...)] on the struct",
        "+kubebuilder:validation:XValidation on the type",
        "Object-level keys: `rule`, `min_properties`, `max_properties`, `map_type`, `preserve_unknown_fields`.",
    ),
];

fn yaml(v: &Value) -> String {
    serde_yaml::to_string(v).unwrap()
}

fn render() -> String {
    let mut md = String::new();
    md.push_str("<!-- Generated by derive/tests/attributes_doc.rs from real derive output; do not edit.\n     Regenerate: UPDATE_DOCS=1 cargo test -p cargo-operator-derive --test attributes_doc -->\n\n");
    md.push_str("# Attribute reference\n\n");
    md.push_str("`#[derive(CustomResource)]` goes on the spec struct and takes `#[resource(...)]` on it and\n`#[field(...)]` on its fields. Nested structs whose fields carry `#[field(...)]` derive\n`Schema` (instead of `schemars::JsonSchema`). Every attribute is checked at compile time:\nan unknown key, a value of the wrong type, a key that does not fit the field's type,\n`min > max`, an invalid regex, a printcolumn path without a leading `.` are compile errors\non the offending attribute. The YAML below is what the derive generates for each example.\n\n");
    md.push_str("Doc comments become `description`s; `Option<T>` fields are optional (and `nullable`),\nother fields are `required` unless `#[serde(default)]`; serde renames, `flatten` and\n`skip` are honoured.\n\n");

    md.push_str("## Resource level: `#[resource(...)]`\n\n| attribute | kubebuilder marker | meaning |\n|---|---|---|\n");
    for (k, m, w) in RESOURCE_KEYS {
        let _ = writeln!(md, "| `{k}` | `{m}` | {w} |");
    }
    md.push_str("\nExample (`derive/tests/attributes_doc.rs`, `GuestbookSpec`):\n\n```rust\n");
    md.push_str(example_source("guestbook"));
    md.push_str("\n```\n\nproduces this CRD (schema shortened to `spec`):\n\n```yaml\n");
    let mut crd = serde_json::to_value(Guestbook::crd()).unwrap();
    let schema = &mut crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"];
    let spec = schema["properties"]["spec"].clone();
    *schema = serde_json::json!({ "properties": { "spec": spec }, "...": "apiVersion, kind, metadata, status as usual" });
    md.push_str(&yaml(&crd));
    md.push_str("```\n\n## Field level: `#[field(...)]`\n\n");
    md.push_str("Keys can be combined in one `#[field(...)]` or spread over several.\n\n");
    let crd = serde_json::to_value(Example::crd()).unwrap();
    let props = &crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"];
    for (key, marker, what, source, name) in FIELD_EXAMPLES {
        let prop = heck::ToLowerCamelCase::to_lower_camel_case(*name);
        let mut schema = BTreeMap::new();
        schema.insert(prop.clone(), props[&prop].clone());
        let _ = write!(
            md,
            "### `{key}`\n\nkubebuilder: `{marker}`. {what}\n\n```rust\n{source}\n```\n\n```yaml\n{}```\n\n",
            yaml(&serde_json::to_value(&schema).unwrap())
        );
    }
    md.push_str("## Struct level: `#[field(...)]` on a struct\n\nOn the spec struct or a `#[derive(Schema)]` struct, `#[field(...)]` describes the object itself:\n\n```rust\n");
    md.push_str(example_source("range"));
    md.push_str("\n```\n\n```yaml\n");
    let g = serde_json::to_value(Guestbook::crd()).unwrap();
    let range = &g["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"]
        ["range"];
    md.push_str(&yaml(&serde_json::json!({ "range": range })));
    md.push_str("```\n\n## Multiple versions\n\nDeclare the same `kind` in several modules with different `version`s; mark all but one\n`storage = false`. `cargo operator manifests` merges them into one CRD and fails when the\nversions disagree on scope or names or when the number of storage versions is not one.\n\n");
    md.push_str("## Rust shapes\n\nEvery Rust shape gives a structural schema the API server accepts, or an error that says\nwhy and what to do. Enums work in every serde tagging mode (external, `tag`, `tag` +\n`content`, `untagged` with object variants); `Option`, `flatten`, `rename_all`, `default`,\n`BTreeMap`/`HashMap`, `Vec`, nested structs and k8s-openapi's `IntOrString`, `Quantity`,\n`Time` and `Condition` need nothing extra (see `derive/tests/shapes.rs`, installed on a real\nAPI server by `cli/tests/envtest_crds.rs`). Compile errors, where the derive can see the\nproblem in the field's type: a type that contains itself (`Vec<Self>`, `Option<Box<Spec>>`),\na tuple, and `serde_json::Value` (alone, in a `Vec` or as map values) without\n`preserve_unknown_fields`, `int_or_string` or `embedded_resource`. What only the schema\nshows (recursion through another type, a unit variant beside data variants, untagged\nscalars, variants giving one property different types) makes `crd()` panic with the schema\npath, the reason and the fix, so `cargo operator manifests` fails before writing.\n\n");
    md.push_str("## Where we differ from controller-gen\n\nChecked by `derive/tests/controller_gen.rs` against controller-gen v0.19.0:\n\n- `Option<T>` fields are `nullable: true`: Rust clients serialize `None` as `null` unless\n  told otherwise (kube-rs convention). Enums are the exception, as in controller-gen: the\n  API server rejects `null` against any `enum`, so they are never nullable (see `enum_values`).\n- The root `description` is the spec struct's doc comment (there is no Rust root type to\n  document); `spec` is always required (the Rust type cannot be deserialized without it).\n- `f64` fields carry `format: double`.\n- `unique_items` is a compile error (the API server rejects `uniqueItems: true`).\n");
    md
}

/// The source of an example, cut from this file between `// example: <name>` and
/// `// end of example`, so the page shows exactly the code that was compiled.
fn example_source(name: &str) -> &'static str {
    let this = include_str!("attributes_doc.rs");
    let start_marker = format!("// example: {name}\n");
    let start = this.find(&start_marker).expect("example start marker") + start_marker.len();
    let len = this[start..]
        .find("// end of example")
        .expect("example end marker");
    this[start..start + len].trim_end()
}

#[test]
fn attribute_reference_is_up_to_date() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/reference/attributes.md");
    let page = render();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &page).unwrap();
        return;
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == page,
        "docs/reference/attributes.md is stale: run `UPDATE_DOCS=1 cargo test -p cargo-operator-derive --test attributes_doc`"
    );
}
