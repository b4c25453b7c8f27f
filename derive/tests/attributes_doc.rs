//! Generates `docs/reference/attributes.md` from real derive output: every example below is
//! compiled, and the YAML in the page is what `crd()` produces for it. The test fails when the
//! page is stale; `UPDATE_DOCS=1 cargo test -p cargo-operator-derive --test attributes_doc`
//! rewrites it.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use cargo_operator_derive::Schema;
use cargo_operator_runtime::{CustomResource, CustomResourceExt, webhook};
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
    "default", "+kubebuilder:default", "The API server's default: a literal (`default = 3`), a list of literals (`default = [\"a\", \"b\"]`), or JSON in `json!(...)` for an object; checked against the field's schema at compile time. The only source of defaults: `#[serde(default)]` alone puts none in the CRD (like `omitempty` in Go)." => {
        #[field(default = json!({"team": "core"}))] #[serde(default)] annotations: BTreeMap<String, String> }
    "nullable", "+nullable", "`null` is kept (an `Option<T>` is optional, not nullable, so without this a `null` is pruned like an absent field), except with an `enum` (see `enum_values`)." => {
        #[field(nullable)] note: String }
    "rule(...)", "+kubebuilder:validation:XValidation", "A CEL rule: `rule`, and optionally `message`, `message_expression`, `reason`, `field_path`. Repeatable. `field_path` is relative to the value carrying the rule and names a field inside it (`.port`, `['a.b']`), so it starts with `.` or `['` and is a compile error on a scalar field. A rule or `message_expression` that does not parse is a compile error on it, as is a rule over several lines without a `message` (the API server's parser and rules, `core::cel`); rules are type-checked only by the API server: e.g. a `format = \"date-time\"` string is a CEL timestamp, so write `self >= timestamp('2000-01-01T00:00:00Z')`, not `self != ''`." => {
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

/// The admission webhooks of the Guestbook (in an operator, on `impl Defaulter<Guestbook>` and
/// `impl Validator<Guestbook>`).
pub struct GuestbookWebhook;

// example: webhook
#[webhook(
    name = "mguestbook-v1.kb.io",
    path = "/mutate-webapp-example-com-v1-guestbook",
    mutating,
    failure_policy = "Fail",
    side_effects = "None",
    groups = ["webapp.example.com"],
    resources = ["guestbooks"],
    verbs = ["CREATE", "UPDATE"],
    versions = ["v1"],
    admission_review_versions = ["v1"]
)]
impl GuestbookWebhook {
    #[webhook(
        name = "vguestbook-v1.kb.io",
        path = "/validate-webapp-example-com-v1-guestbook",
        failure_policy = "fail",
        side_effects = "None",
        groups = ["webapp.example.com"],
        resources = ["guestbooks"],
        verbs = ["create", "update", "delete"],
        versions = ["v1"],
        admission_review_versions = ["v1"],
        timeout_seconds = 5
    )]
    pub fn validate(&self) {}
}
// end of example

/// One key of an attribute, read from its definition in `core/src/syntax/attrs/`: the struct
/// field, its doc comment and whether it repeats (a `Vec`).
struct Key {
    name: String,
    doc: String,
    repeatable: bool,
}

/// The keys of every `attribute!` struct in `core/src/syntax/attrs/<file>`, by struct name. The
/// reference is generated from these definitions, the same ones the derive parses with.
fn attribute_keys(file: &str) -> BTreeMap<String, (String, Vec<Key>)> {
    use syn::parse::Parser;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../core/src/syntax/attrs")
        .join(file);
    let source = syn::parse_file(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let mut out = BTreeMap::new();
    for item in source.items {
        let syn::Item::Macro(m) = item else { continue };
        if !m.mac.path.is_ident("attribute") {
            continue;
        }
        let tokens: Vec<proc_macro2::TokenTree> = m.mac.tokens.into_iter().collect();
        let name = tokens
            .windows(2)
            .find_map(|w| match (&w[0], &w[1]) {
                (proc_macro2::TokenTree::Ident(s), proc_macro2::TokenTree::Ident(n))
                    if s == "struct" =>
                {
                    Some(n.to_string())
                }
                _ => None,
            })
            .unwrap();
        let what = tokens
            .iter()
            .find_map(|t| match t {
                proc_macro2::TokenTree::Literal(l) => {
                    Some(l.to_string().trim_matches('"').to_string())
                }
                _ => None,
            })
            .unwrap();
        let body = tokens
            .iter()
            .find_map(|t| match t {
                proc_macro2::TokenTree::Group(g)
                    if g.delimiter() == proc_macro2::Delimiter::Brace =>
                {
                    Some(g.stream())
                }
                _ => None,
            })
            .unwrap();
        let parser = |input: syn::parse::ParseStream| {
            syn::punctuated::Punctuated::<syn::Field, syn::Token![,]>::parse_terminated_with(
                input,
                syn::Field::parse_named,
            )
        };
        let fields = parser.parse2(body).unwrap();
        let keys = fields
            .iter()
            .map(|f| Key {
                name: f.ident.as_ref().unwrap().to_string().trim_start_matches("r#").to_string(),
                doc: doc_of(&f.attrs),
                repeatable: matches!(&f.ty, syn::Type::Path(p) if p.path.segments[0].ident == "Vec"),
            })
            .collect();
        out.insert(name, (what, keys));
    }
    out
}

fn doc_of(attrs: &[syn::Attribute]) -> String {
    attrs
        .iter()
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) if nv.path.is_ident("doc") => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value().trim().to_string()),
                _ => None,
            },
            _ => None,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn marker(markers: &[cargo_operator_core::markers::Marker], key: &str) -> String {
    cargo_operator_core::markers::marker_of(markers, key)
        .map(|m| format!("`{m}`"))
        .unwrap_or_else(|| "—".into())
}

/// A table of one attribute's keys.
fn key_table(
    md: &mut String,
    keys: &[Key],
    markers: Option<&[cargo_operator_core::markers::Marker]>,
) {
    match markers {
        Some(_) => md.push_str("| key | kubebuilder marker | meaning |\n|---|---|---|\n"),
        None => md.push_str("| key | meaning |\n|---|---|\n"),
    }
    for key in keys {
        let repeat = if key.repeatable { " (repeatable)" } else { "" };
        match markers {
            Some(markers) => {
                let _ = writeln!(
                    md,
                    "| `{}`{repeat} | {} | {} |",
                    key.name,
                    marker(markers, &key.name),
                    key.doc
                );
            }
            None => {
                let _ = writeln!(md, "| `{}`{repeat} | {} |", key.name, key.doc);
            }
        }
    }
}

fn yaml(v: &Value) -> String {
    let mut options = serde_saphyr::SerializerOptions::default();
    options.folded_wrap_chars = usize::MAX;
    serde_saphyr::to_string_with_options(v, options).unwrap()
}

fn render() -> String {
    let mut md = String::new();
    md.push_str("<!-- Generated by derive/tests/attributes_doc.rs from real derive output; do not edit.\n     Regenerate: UPDATE_DOCS=1 cargo test -p cargo-operator-derive --test attributes_doc -->\n\n");
    md.push_str("# Attribute reference\n\n");
    md.push_str("`#[derive(CustomResource)]` goes on the spec struct and takes `#[resource(...)]` on it and\n`#[field(...)]` on its fields. Nested structs whose fields carry `#[field(...)]` derive\n`Schema` (instead of `schemars::JsonSchema`). Every attribute is checked at compile time:\nan unknown key, a value of the wrong type, a key that does not fit the field's type,\n`min > max`, an invalid regex, a printcolumn path without a leading `.` are compile errors\non the offending attribute. The YAML below is what the derive generates for each example.\n\n");
    md.push_str("Doc comments become `description`s; `Option<T>` fields are optional (not `nullable`,\nas in controller-gen: a `null` is pruned like an absent field), other fields are `required` unless `#[serde(default)]`; serde renames, `flatten` and\n`skip` are honoured.\n\n");

    let resource = attribute_keys("resource.rs");
    md.push_str("## Resource level: `#[resource(...)]`\n\n");
    key_table(
        &mut md,
        &resource["ResourceArgs"].1,
        Some(cargo_operator_core::markers::RESOURCE),
    );
    for (name, title) in [
        ("PrintColumnArgs", "printcolumn(...)"),
        ("ScaleArgs", "scale(...)"),
        ("KeyValueArgs", "label(...) / annotation(...)"),
    ] {
        let _ = writeln!(md, "\n`{title}`:\n");
        key_table(&mut md, &resource[name].1, None);
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
    let field = attribute_keys("field.rs");
    key_table(
        &mut md,
        &field["FieldArgs"].1,
        Some(cargo_operator_core::markers::FIELD),
    );
    md.push_str("\n`rule(...)`:\n\n");
    key_table(&mut md, &field["RuleArgs"].1, None);
    md.push_str("\nkubebuilder markers that have no key, because Rust says them another way:\n\n");
    for m in cargo_operator_core::markers::FIELD
        .iter()
        .filter(|m| m.key.is_none())
    {
        let _ = writeln!(md, "- `{}`: {}.", m.marker, m.instead);
    }
    md.push('\n');
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
    md.push_str("```\n\n## Program level: `#[rbac(...)]` and `#[webhook(...)]`\n\nOn any item of the operator (a function, an `impl` block, a const; on a method the\nregistration goes into its body). Each is checked at compile time and registered in the\nprogram; `cargo operator manifests` runs the built operator with\n`CARGO_OPERATOR_EMIT_MANIFESTS` and writes what it contains, so code that is not compiled\n(`#[cfg(test)]`, a file no module declares) adds nothing.\n\n### `#[rbac(...)]`: one rule of the manager's ClusterRole\n\n");
    key_table(&mut md, &attribute_keys("rbac.rs")["RbacArgs"].1, None);
    md.push_str("\nRules are merged as controller-gen merges them (`config/rbac/role.yaml`).\n\n### `#[webhook(...)]`: one admission webhook\n\nkubebuilder: `+kubebuilder:webhook`. Values are checked as the API server checks them and\nkubebuilder's spellings are normalised as controller-gen normalises them (`fail` → `Fail`,\n`create` → `CREATE`, `core` → `\"\"`).\n\n");
    key_table(
        &mut md,
        &attribute_keys("webhook.rs")["WebhookArgs"].1,
        Some(cargo_operator_core::markers::WEBHOOK),
    );
    md.push_str("\nkubebuilder parameters that have no key:\n\n");
    for m in cargo_operator_core::markers::WEBHOOK
        .iter()
        .filter(|m| m.key.is_none())
    {
        let _ = writeln!(md, "- `{}`: {}.", m.marker, m.instead);
    }
    md.push_str("\nExample (`derive/tests/attributes_doc.rs`):\n\n```rust\n");
    md.push_str(example_source("webhook"));
    md.push_str("\n```\n\nproduces `config/webhook/manifests.yaml` (`cargo_operator_core::webhook::configurations`):\n\n```yaml\n");
    GuestbookWebhook.validate();
    for configuration in
        cargo_operator_core::webhook::configurations(&cargo_operator_runtime::registered_webhooks())
    {
        md.push_str("---\n");
        md.push_str(&yaml(&configuration));
    }
    md.push_str("```\n\nA conversion webhook has no attribute: `Conversion::<Hub>::new().spoke::<V>()` in the\nmanager serves `/convert`, and the CRD's `spec.conversion` points there\n(`cargo_operator_core::webhook::conversion()`).\n\n## Multiple versions\n\nDeclare the same `kind` in several modules with different `version`s; mark all but one\n`storage = false`. `cargo operator manifests` merges them into one CRD and fails when the\nversions disagree on scope or names or when the number of storage versions is not one.\n\n");
    md.push_str("## Rust shapes\n\nEvery Rust shape gives a structural schema the API server accepts, or an error that says\nwhy and what to do. Enums work in every serde tagging mode (external, `tag`, `tag` +\n`content`, `untagged` with object variants); `Option`, `flatten`, `rename_all`, `default`,\n`BTreeMap`/`HashMap`, `Vec`, nested structs and k8s-openapi's `IntOrString`, `Quantity`,\n`Time` and `Condition` need nothing extra (see `derive/tests/shapes.rs`, installed on a real\nAPI server by `tests/envtest_crds.rs`). Compile errors, where the derive can see the\nproblem in the field's type: a type that contains itself (`Vec<Self>`, `Option<Box<Spec>>`),\na tuple, and `serde_json::Value` (alone, in a `Vec` or as map values) without\n`preserve_unknown_fields`, `int_or_string` or `embedded_resource`. What only the schema\nshows (recursion through another type, a unit variant beside data variants, untagged\nscalars, variants giving one property different types) makes `crd()` panic with the schema\npath, the reason and the fix, so `cargo operator manifests` fails before writing.\n\n");
    md.push_str("## Where we differ from controller-gen\n\nChecked, case by case and by two real API servers, by the conformance corpus against\ncontroller-gen (`testdata/conformance/`; every difference and its reason in\n[conformance](conformance.md)):\n\n- The root `description` is the spec struct's doc comment unless\n  `#[resource(description = \"...\")]` says otherwise (there is no Rust root type to\n  document); `spec` is always required (the Rust type cannot be deserialized without it).\n- `f64` fields carry `format: double`; unsigned integers carry their bounds.\n- `unique_items` is a compile error (the API server rejects `uniqueItems: true`).\n- Optional fields are as in controller-gen: `Option<T>` is optional and not nullable\n  (`#[field(nullable)]` is `+nullable`), and `#[serde(default)]` alone adds no default.\n");
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

/// Every key of `#[field(...)]` (from its definition) has a compiled example on the page, and
/// every example is of a real key.
#[test]
fn every_field_key_has_an_example() {
    let defined: std::collections::BTreeSet<String> = attribute_keys("field.rs")["FieldArgs"]
        .1
        .iter()
        .map(|k| k.name.clone())
        .collect();
    let documented: std::collections::BTreeSet<String> = FIELD_EXAMPLES
        .iter()
        .flat_map(|(key, ..)| key.split(" / "))
        .map(|k| k.trim_end_matches("(...)").to_string())
        .collect();
    assert_eq!(defined, documented);
}
