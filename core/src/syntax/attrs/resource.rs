//! `#[resource(...)]`: the CRD-level keys of `#[derive(CustomResource)]`, checked against the
//! API server's rules for names and paths.

use proc_macro2::Span;
use syn::Attribute;

use crate::{crd, names};

use super::value::{self, Flag, Str};
use super::{Errors, Nested, attribute, nested, nested_item, parse_list};

const EXAMPLE: &str =
    r#"#[resource(group = "webapp.example.com", version = "v1", kind = "Guestbook")]"#;
const PRINTCOLUMN: &str =
    r#"printcolumn(name = "Ready", type = "string", json_path = ".status.ready")"#;
const SCALE: &str =
    r#"scale(spec_replicas_path = ".spec.replicas", status_replicas_path = ".status.replicas")"#;
const LABEL: &str = r#"label(key = "app.kubernetes.io/part-of", value = "guestbook")"#;
const ANNOTATION: &str = r#"annotation(key = "example.com/owner", value = "web-team")"#;

attribute! {
    /// `#[resource(...)]` on the spec struct: the custom resource's identity, names,
    /// subresources and printer columns.
    #[derive(Debug, darling::FromMeta)]
    pub struct ResourceArgs in "#[resource(...)]", markers = crate::markers::RESOURCE {
        /// API group: a DNS subdomain with a dot. Required.
        #[darling(default, with = |m| value::string(m, r#"group = "webapp.example.com""#))]
        pub group: Option<Str>,
        /// API version (`v1`, `v1alpha1`, ...): an RFC 1035 label. Required.
        #[darling(default, with = |m| value::string(m, r#"version = "v1""#))]
        pub version: Option<Str>,
        /// Kind, UpperCamelCase; names the generated root struct. Required.
        #[darling(default, with = |m| value::string(m, r#"kind = "Guestbook""#))]
        pub kind: Option<Str>,
        /// Namespaced scope; without it the resource is cluster-scoped (`scope=Cluster`).
        #[darling(default, with = value::flag)]
        pub namespaced: Option<Flag>,
        /// The resource name in URLs. Default: the English plural of the lowercased kind.
        #[darling(default, with = |m| value::string(m, r#"plural = "guestbooks""#))]
        pub plural: Option<Str>,
        /// Default: the lowercased kind.
        #[darling(default, with = |m| value::string(m, r#"singular = "guestbook""#))]
        pub singular: Option<Str>,
        /// A kubectl short name.
        #[darling(multiple, with = |m| value::string_item(m, r#"shortname = "gb""#))]
        pub shortname: Vec<Str>,
        /// A kubectl category such as `all`.
        #[darling(multiple, with = |m| value::string_item(m, r#"category = "all""#))]
        pub category: Vec<Str>,
        /// The status type (`status = "GuestbookStatus"`); enables the status subresource.
        #[darling(default, with = |m| value::type_in_string(m, r#"status = "GuestbookStatus""#))]
        pub status: Option<(Str, syn::Type)>,
        /// The scale subresource: `scale(spec_replicas_path, status_replicas_path, label_selector_path)`.
        #[darling(default, with = |m| nested(m, SCALE))]
        pub scale: Option<Nested<ScaleArgs>>,
        /// A `kubectl get` column: `printcolumn(name, type, json_path, description, priority, format)`;
        /// `json_path` starts with `.`. Two columns of the same `type` trip clippy's
        /// `duplicated_attributes` (a false positive, rust-clippy#12923): generated api crates
        /// allow that lint.
        #[darling(multiple, with = |m| nested_item(m, PRINTCOLUMN))]
        pub printcolumn: Vec<Nested<PrintColumnArgs>>,
        /// Whether this version is stored (`storage = false` for the others); exactly one version
        /// of a kind is.
        #[darling(default, with = value::flag)]
        pub storage: Option<Flag>,
        /// Whether this version is served (`served = false` to stop serving it).
        #[darling(default, with = value::flag)]
        pub served: Option<Flag>,
        /// Marks the version deprecated.
        #[darling(default, with = value::flag)]
        pub deprecated: Option<Flag>,
        /// The warning clients get for this version; implies `deprecated`.
        #[darling(default, with = |m| value::string(m, r#"deprecation_warning = "webapp.example.com/v1 is deprecated; use v2""#))]
        pub deprecation_warning: Option<Str>,
        /// A field usable in field selectors, as a JSON path (`selectable = ".spec.color"`).
        #[darling(multiple, with = |m| value::string_item(m, r#"selectable = ".spec.color""#))]
        pub selectable: Vec<Str>,
        /// A label on the CRD object: `label(key, value)`.
        #[darling(multiple, with = |m| nested_item(m, LABEL))]
        pub label: Vec<Nested<KeyValueArgs>>,
        /// An annotation on the CRD object: `annotation(key, value)`.
        #[darling(multiple, with = |m| nested_item(m, ANNOTATION))]
        pub annotation: Vec<Nested<KeyValueArgs>>,
        /// The description of the whole object. Default: the spec struct's doc comment.
        #[darling(default, with = |m| value::string(m, r#"description = "Guestbook is the Schema for the guestbooks API""#))]
        pub description: Option<Str>,
        /// An extra derive on the generated root struct (`derive = "PartialEq"`).
        #[darling(multiple, with = |m| value::path_in_string(m, r#"derive = "PartialEq""#))]
        pub derive: Vec<syn::Path>,
    }
}

attribute! {
    /// `printcolumn(...)`: one `additionalPrinterColumns` entry.
    #[derive(Debug, darling::FromMeta)]
    pub struct PrintColumnArgs in "printcolumn(...)" {
        /// The column header. Required.
        #[darling(default, with = |m| value::string(m, r#"name = "Ready""#))]
        pub name: Option<Str>,
        /// `integer`, `number`, `string`, `boolean` or `date`. Required.
        #[darling(default, rename = "type", with = |m| value::string(m, r#"type = "string""#))]
        pub r#type: Option<Str>,
        /// The JSON path of the value, starting with `.`. Required.
        #[darling(default, with = |m| value::string(m, r#"json_path = ".status.ready""#))]
        pub json_path: Option<Str>,
        /// A description of the column.
        #[darling(default, with = |m| value::string(m, r#"description = "...""#))]
        pub description: Option<Str>,
        /// 0 shows the column by default, higher only with `-o wide`.
        #[darling(default, with = |m| value::unsigned(m, "priority = 1"))]
        pub priority: Option<value::Unsigned>,
        /// An OpenAPI format of the value (`int32`, `date-time`, ...).
        #[darling(default, with = |m| value::string(m, r#"format = "int32""#))]
        pub format: Option<Str>,
    }
}

attribute! {
    /// `scale(...)`: the scale subresource's paths.
    #[derive(Debug, darling::FromMeta)]
    pub struct ScaleArgs in "scale(...)" {
        /// The path of the desired replicas, under `.spec.`. Required.
        #[darling(default, with = |m| value::string(m, r#"spec_replicas_path = ".spec.replicas""#))]
        pub spec_replicas_path: Option<Str>,
        /// The path of the observed replicas, under `.status.`. Required.
        #[darling(default, with = |m| value::string(m, r#"status_replicas_path = ".status.replicas""#))]
        pub status_replicas_path: Option<Str>,
        /// The path of the label selector (a string), under `.status.`.
        #[darling(default, with = |m| value::string(m, r#"label_selector_path = ".status.selector""#))]
        pub label_selector_path: Option<Str>,
    }
}

attribute! {
    /// `label(...)` / `annotation(...)`: one key and its value.
    #[derive(Debug, darling::FromMeta)]
    pub struct KeyValueArgs in "label(...) / annotation(...)" {
        /// The label or annotation key. Required.
        #[darling(default, with = |m| value::string(m, r#"key = "app.kubernetes.io/part-of""#))]
        pub key: Option<Str>,
        /// Its value. Required.
        #[darling(default, with = |m| value::string(m, r#"value = "guestbook""#))]
        pub value: Option<Str>,
    }
}

/// A printer column that passed every check.
pub struct PrintColumn {
    pub name: String,
    pub type_: String,
    pub json_path: String,
    pub description: Option<String>,
    pub priority: Option<i32>,
    pub format: Option<String>,
}

/// The scale subresource, checked.
pub struct Scale {
    pub spec_replicas_path: String,
    pub status_replicas_path: String,
    pub label_selector_path: Option<String>,
}

/// `#[resource(...)]` that passed every check: what the expansion needs.
pub struct Resource {
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
    pub description: Option<String>,
    pub derives: Vec<syn::Path>,
}

/// Reads and checks `#[resource(...)]` (several are concatenated).
///
/// Returns the checked resource, or after an error a stand-in (when the kind itself was
/// readable): the expansion still declares the root type from it, so that code naming the
/// type does not fail a second time, with an error that only repeats the first.
pub fn parse(attrs: &[Attribute], item: Span, errors: &mut Errors) -> Parsed {
    let (items, found) = super::entries_of(attrs, "resource", EXAMPLE, errors);
    if !found {
        errors.at(
            item,
            format!(
                "#[derive(CustomResource)] needs a `#[resource(...)]` attribute, e.g. `{EXAMPLE}`"
            ),
        );
        return Parsed::Invalid(None);
    }
    let Some(args) = parse_list::<ResourceArgs>(&items, errors) else {
        return Parsed::Invalid(None);
    };
    let stand_in = args
        .kind
        .as_ref()
        .filter(|k| names::kind(&k.value).is_ok() && names::rust_identifier(&k.value).is_ok())
        .map(|k| {
            Resource::stand_in(
                k,
                args.status.as_ref().map(|(_, ty)| ty.clone()),
                flag(args.namespaced.clone(), false),
            )
        });
    let before = errors.len();
    match check(args, item, errors) {
        Some(resource) if errors.len() == before => Parsed::Valid(resource),
        _ => Parsed::Invalid(stand_in),
    }
}

/// What [`parse`] found.
pub enum Parsed {
    Valid(Resource),
    /// With a stand-in when the kind was readable.
    Invalid(Option<Resource>),
}

impl Resource {
    fn stand_in(kind: &Str, status: Option<syn::Type>, namespaced: bool) -> Self {
        Resource {
            group: "invalid.example.com".into(),
            version: "v1".into(),
            kind: kind.value.clone(),
            kind_span: kind.span(),
            namespaced,
            plural: names::plural(&kind.value),
            singular: names::singular(&kind.value),
            shortnames: vec![],
            categories: vec![],
            status,
            printcolumns: vec![],
            storage: true,
            served: true,
            deprecated: false,
            deprecation_warning: None,
            selectable: vec![],
            scale: None,
            labels: vec![],
            annotations: vec![],
            description: None,
            derives: vec![],
        }
    }
}

fn invalid(errors: &mut Errors, s: &Str, key: &str, why: &str, example: &str) {
    errors.spanned(
        &s.lit,
        format!("{key} `{}` {why}: write e.g. `{example}`", s.value),
    );
}

fn check(args: ResourceArgs, item: Span, errors: &mut Errors) -> Option<Resource> {
    for (key, value) in [
        ("group", args.group.is_some()),
        ("version", args.version.is_some()),
        ("kind", args.kind.is_some()),
    ] {
        if !value {
            errors.at(
                item,
                format!("missing `{key}` in #[resource(...)]: write `{EXAMPLE}`"),
            );
        }
    }
    let group = args.group.inspect(|g| {
        if let Err(why) = names::api_group(&g.value) {
            invalid(errors, g, "group", &why, r#"group = "webapp.example.com""#);
        }
    });
    let version = args.version.inspect(|v| {
        if let Err(why) = names::crd_version(&v.value) {
            invalid(errors, v, "version", &why, r#"version = "v1""#);
        }
    });
    let kind = args.kind.inspect(|k| {
        if let Err(why) = names::kind(&k.value).and_then(|()| names::rust_identifier(&k.value)) {
            invalid(errors, k, "kind", &why, r#"kind = "Guestbook""#);
        }
    });
    let label = |s: &Str, key: &str, example: &str, errors: &mut Errors| {
        if let Err(why) = names::dns1035_label(&s.value) {
            invalid(errors, s, key, &why, example);
        }
    };
    for s in &args.shortname {
        label(s, "shortname", r#"shortname = "gb""#, errors);
    }
    for s in &args.category {
        label(s, "category", r#"category = "all""#, errors);
    }
    if let Some(s) = &args.singular {
        label(s, "singular", r#"singular = "guestbook""#, errors);
    }
    let kind_value = kind.as_ref().map(|k| k.value.clone()).unwrap_or_default();
    let plural = match &args.plural {
        Some(s) => {
            label(s, "plural", r#"plural = "guestbooks""#, errors);
            s.value.clone()
        }
        None => names::plural(&kind_value),
    };
    let names_ok = kind.as_ref().is_some_and(|k| names::kind(&k.value).is_ok())
        && names::dns1035_label(&plural).is_ok();
    if let Some(g) = group.as_ref().filter(|_| names_ok)
        && let Err(why) = names::crd_name(&plural, &g.value)
    {
        invalid(errors, g, "group", &why, r#"group = "webapp.example.com""#);
    }
    for s in &args.selectable {
        if !s.value.starts_with('.') {
            errors.push(syn::Error::new_spanned(
                &s.lit,
                "a selectable field is a JSON path starting with `.`: write `selectable = \".spec.color\"`",
            ));
        }
    }
    let printcolumns = args
        .printcolumn
        .into_iter()
        .filter_map(|c| check_printcolumn(c, errors))
        .collect();
    let scale = args.scale.and_then(|s| check_scale(s, errors));
    let pairs =
        |list: Vec<Nested<KeyValueArgs>>, what: &str, example: &str, errors: &mut Errors| {
            list.into_iter()
                .filter_map(|kv| match (kv.args.key, kv.args.value) {
                    (Some(k), Some(v)) => Some((k.value, v.value)),
                    _ => {
                        errors.spanned(
                            &kv.at,
                            format!("{what} needs both `key` and `value`: write `{example}`"),
                        );
                        None
                    }
                })
                .collect::<Vec<_>>()
        };
    let labels = pairs(args.label, "label", LABEL, errors);
    let annotations = pairs(args.annotation, "annotation", ANNOTATION, errors);
    let deprecation_warning = args.deprecation_warning.map(|s| s.value);
    Some(Resource {
        group: group?.value,
        version: version?.value,
        kind_span: kind.as_ref()?.span(),
        kind: kind?.value,
        namespaced: flag(args.namespaced, false),
        singular: args
            .singular
            .map_or_else(|| names::singular(&kind_value), |s| s.value),
        plural,
        shortnames: args.shortname.into_iter().map(|s| s.value).collect(),
        categories: args.category.into_iter().map(|s| s.value).collect(),
        status: args.status.map(|(_, ty)| ty),
        printcolumns,
        storage: flag(args.storage, true),
        served: flag(args.served, true),
        deprecated: flag(args.deprecated, false) || deprecation_warning.is_some(),
        deprecation_warning,
        selectable: args.selectable.into_iter().map(|s| s.value).collect(),
        scale,
        labels,
        annotations,
        description: args.description.map(|s| s.value),
        derives: args.derive,
    })
}

fn flag(flag: Option<Flag>, default: bool) -> bool {
    flag.map_or(default, |f| f.value)
}

fn check_printcolumn(c: Nested<PrintColumnArgs>, errors: &mut Errors) -> Option<PrintColumn> {
    let (c, at) = (c.args, c.at);
    if let Some(t) = &c.r#type
        && !crd::COLUMN_TYPES.contains(&t.value.as_str())
    {
        errors.push(syn::Error::new_spanned(
            &t.lit,
            format!(
                "printcolumn type must be one of {}",
                crd::COLUMN_TYPES.join(", ")
            ),
        ));
    }
    if let Some(j) = &c.json_path
        && !j.value.starts_with('.')
    {
        errors.push(syn::Error::new_spanned(
            &j.lit,
            format!(
                "json_path must start with `.`: write `json_path = \".{}\"`",
                j.value
            ),
        ));
    }
    if let Some(f) = &c.format
        && !crd::COLUMN_FORMATS.contains(&f.value.as_str())
    {
        errors.push(syn::Error::new_spanned(
            &f.lit,
            format!(
                "printcolumn format must be one of {}",
                crd::COLUMN_FORMATS.join(", ")
            ),
        ));
    }
    let priority = match c.priority {
        Some(p) => match i32::try_from(p.value) {
            Ok(p) => Some(p),
            Err(_) => {
                errors.spanned(&p.at, "priority must fit in a 32-bit integer");
                None
            }
        },
        None => None,
    };
    let missing: Vec<&str> = [
        ("name", c.name.is_none()),
        ("type", c.r#type.is_none()),
        ("json_path", c.json_path.is_none()),
    ]
    .into_iter()
    .filter_map(|(k, missing)| missing.then_some(k))
    .collect();
    if let Some(key) = missing.first() {
        errors.spanned(
            &at,
            format!("printcolumn is missing `{key}`: write `{PRINTCOLUMN}`"),
        );
        return None;
    }
    Some(PrintColumn {
        name: c.name?.value,
        type_: c.r#type?.value,
        json_path: c.json_path?.value,
        description: c.description.map(|s| s.value),
        priority,
        format: c.format.map(|s| s.value),
    })
}

fn check_scale(s: Nested<ScaleArgs>, errors: &mut Errors) -> Option<Scale> {
    let (s, at) = (s.args, s.at);
    for (key, value, prefix, example) in [
        (
            "spec_replicas_path",
            &s.spec_replicas_path,
            ".spec.",
            r#"spec_replicas_path = ".spec.replicas""#,
        ),
        (
            "status_replicas_path",
            &s.status_replicas_path,
            ".status.",
            r#"status_replicas_path = ".status.replicas""#,
        ),
        (
            "label_selector_path",
            &s.label_selector_path,
            ".status.",
            r#"label_selector_path = ".status.selector""#,
        ),
    ] {
        if let Some(v) = value
            && !v.value.starts_with(prefix)
        {
            errors.push(syn::Error::new_spanned(
                &v.lit,
                format!("`{key}` must be a JSON path under `{prefix}`: write `{example}`"),
            ));
        }
    }
    for (key, value) in [
        ("spec_replicas_path", &s.spec_replicas_path),
        ("status_replicas_path", &s.status_replicas_path),
    ] {
        if value.is_none() {
            errors.spanned(&at, format!("scale is missing `{key}`: write `{SCALE}`"));
        }
    }
    Some(Scale {
        spec_replicas_path: s.spec_replicas_path?.value,
        status_replicas_path: s.status_replicas_path?.value,
        label_selector_path: s.label_selector_path.map(|s| s.value),
    })
}

impl Resource {
    /// Calls `f` with this resource as the [`crd::Resource`] CRDs are assembled from: what the
    /// derive's expansion writes as a constant, built here for a caller that read the
    /// attribute from source (the CLI's fast `manifests` route).
    pub fn with_crd<R>(&self, f: impl FnOnce(&crate::crd::Resource<'_>) -> R) -> R {
        use crate::crd;
        fn strs(list: &[String]) -> Vec<&str> {
            list.iter().map(String::as_str).collect()
        }
        fn pairs(list: &[(String, String)]) -> Vec<(&str, &str)> {
            list.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
        }
        let (short_names, categories, selectable) = (
            strs(&self.shortnames),
            strs(&self.categories),
            strs(&self.selectable),
        );
        let (labels, annotations) = (pairs(&self.labels), pairs(&self.annotations));
        let columns: Vec<_> = self
            .printcolumns
            .iter()
            .map(|c| crd::PrinterColumn {
                name: &c.name,
                type_: &c.type_,
                json_path: &c.json_path,
                description: c.description.as_deref(),
                priority: c.priority,
                format: c.format.as_deref(),
            })
            .collect();
        f(&crd::Resource {
            group: &self.group,
            version: &self.version,
            kind: &self.kind,
            plural: &self.plural,
            singular: &self.singular,
            namespaced: self.namespaced,
            short_names: &short_names,
            categories: &categories,
            printer_columns: &columns,
            selectable_fields: &selectable,
            scale: self.scale.as_ref().map(|s| crd::Scale {
                spec_replicas_path: &s.spec_replicas_path,
                status_replicas_path: &s.status_replicas_path,
                label_selector_path: s.label_selector_path.as_deref(),
            }),
            status: self.status.is_some(),
            served: self.served,
            storage: self.storage,
            deprecated: self.deprecated,
            deprecation_warning: self.deprecation_warning.as_deref(),
            labels: &labels,
            annotations: &annotations,
            description: self.description.as_deref(),
        })
    }
}
