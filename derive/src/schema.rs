//! Generates `CustomResourceExt::crd()`: the CustomResourceDefinition with a structural
//! OpenAPI v3 schema built by schemars the way kube-derive 5 builds it, wrapped in a root
//! shaped like controller-gen's, with `#[field(...)]` patches merged in.

use proc_macro2::TokenStream;
use quote::quote;

use crate::expand::PropertyPatch;
use crate::patch::merge_fn;
use crate::resource_attrs::ResourceAttrs;

/// controller-gen's description of `apiVersion` (from `metav1.TypeMeta`).
const API_VERSION_DESC: &str = "APIVersion defines the versioned schema of this representation of an object.\nServers should convert recognized schemas to the latest internal value, and\nmay reject unrecognized values.\nMore info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources";
/// controller-gen's description of `kind` (from `metav1.TypeMeta`).
const KIND_DESC: &str = "Kind is a string value representing the REST resource this object represents.\nServers may infer this from the endpoint the client submits requests to.\nCannot be updated.\nIn CamelCase.\nMore info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds";

fn opt_vec(items: Vec<TokenStream>) -> TokenStream {
    if items.is_empty() {
        quote!(::core::option::Option::None)
    } else {
        quote!(::core::option::Option::Some(::std::vec![#(#items),*]))
    }
}

fn opt_str(s: &Option<String>) -> TokenStream {
    match s {
        Some(s) => quote!(::core::option::Option::Some(::std::string::ToString::to_string(#s))),
        None => quote!(::core::option::Option::None),
    }
}

fn opt_map(kvs: &[(String, String)]) -> TokenStream {
    if kvs.is_empty() {
        return quote!(::core::option::Option::None);
    }
    let (k, v): (Vec<_>, Vec<_>) = kvs.iter().cloned().unzip();
    quote! {
        ::core::option::Option::Some(::std::collections::BTreeMap::from([
            #((::std::string::ToString::to_string(#k), ::std::string::ToString::to_string(#v))),*
        ]))
    }
}

fn string(s: &str) -> TokenStream {
    quote!(::std::string::ToString::to_string(#s))
}

pub fn crd_fn(
    a: &ResourceAttrs,
    spec: &syn::Ident,
    patches: &[PropertyPatch],
    container: Option<&str>,
) -> TokenStream {
    let p = quote!(::cargo_operator_runtime::__private);
    let ext = quote!(#p::k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1);
    let meta_ty = quote!(#p::k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta);
    let (group, version, kind, plural, singular) =
        (&a.group, &a.version, &a.kind, &a.plural, &a.singular);
    let list_kind = format!("{kind}List");
    let scope = if a.namespaced {
        "Namespaced"
    } else {
        "Cluster"
    };
    let crd_name = format!("{plural}.{group}");
    let fallback_desc = format!("{kind} is the Schema for the {plural} API");

    let (prop, patch): (Vec<_>, Vec<_>) = patches.iter().map(|pp| (&pp.property, &pp.json)).unzip();
    let spec_name = spec.to_string();

    let status_schema = match &a.status {
        Some(ty) => {
            let ty_name = quote!(#ty).to_string();
            quote! {
                let status = __schema_of::<#ty>(#ty_name);
                __structural(#ty_name, &status);
                properties.insert(
                    ::std::string::ToString::to_string("status"),
                    serde_json::Value::Object(status),
                );
            }
        }
        None => quote!(),
    };

    let columns = a
        .printcolumns
        .iter()
        .map(|c| {
            let (name, ty, path) = (&c.name, &c.type_, &c.json_path);
            let desc = opt_str(&c.description);
            let format = opt_str(&c.format);
            let priority = match c.priority {
                Some(v) => quote!(::core::option::Option::Some(#v)),
                None => quote!(::core::option::Option::None),
            };
            let (name, ty, path) = (string(name), string(ty), string(path));
            quote! {
                #ext::CustomResourceColumnDefinition {
                    name: #name, type_: #ty, json_path: #path,
                    description: #desc, format: #format, priority: #priority,
                }
            }
        })
        .collect();
    let columns = opt_vec(columns);
    let selectable = opt_vec(
        a.selectable
            .iter()
            .map(|s| {
                let s = string(s);
                quote!(#ext::SelectableField { json_path: #s })
            })
            .collect(),
    );
    let shortnames = opt_vec(a.shortnames.iter().map(|s| string(s)).collect());
    let categories = opt_vec(a.categories.iter().map(|s| string(s)).collect());
    let status_sub = if a.status.is_some() {
        quote!(::core::option::Option::Some(#ext::CustomResourceSubresourceStatus(serde_json::json!({}))))
    } else {
        quote!(::core::option::Option::None)
    };
    let scale_sub = match &a.scale {
        Some(s) => {
            let (spec_p, status_p) = (
                string(&s.spec_replicas_path),
                string(&s.status_replicas_path),
            );
            let sel = opt_str(&s.label_selector_path);
            quote!(::core::option::Option::Some(#ext::CustomResourceSubresourceScale {
                spec_replicas_path: #spec_p, status_replicas_path: #status_p, label_selector_path: #sel,
            }))
        }
        None => quote!(::core::option::Option::None),
    };
    let subresources = if a.status.is_some() || a.scale.is_some() {
        quote!(::core::option::Option::Some(#ext::CustomResourceSubresources { status: #status_sub, scale: #scale_sub }))
    } else {
        quote!(::core::option::Option::None)
    };
    let deprecated = if a.deprecated {
        quote!(::core::option::Option::Some(true))
    } else {
        quote!(::core::option::Option::None)
    };
    let deprecation_warning = opt_str(&a.deprecation_warning);
    let (served, storage) = (a.served, a.storage);
    let labels = opt_map(&a.labels);
    let annotations = opt_map(&a.annotations);
    let (group_s, kind_s, plural_s, singular_s, list_kind_s, scope_s, version_s, crd_name_s) = (
        string(group),
        string(kind),
        string(plural),
        string(singular),
        string(&list_kind),
        string(scope),
        string(version),
        string(&crd_name),
    );

    let container_patch = container.map(|json| quote!(__merge(&mut spec, #json);));
    let merge = merge_fn();
    quote! {
        fn crd() -> #ext::CustomResourceDefinition {
            use #p::serde_json;

            /// The structural schema of `T`, generated exactly as kube-derive 5 does.
            fn __schema_of<T: #p::schemars::JsonSchema>(name: &str) -> serde_json::Map<::std::string::String, serde_json::Value> {
                let generator = #p::schemars::generate::SchemaSettings::openapi3()
                    .with(|s| {
                        s.inline_subschemas = true;
                        s.meta_schema = ::core::option::Option::None;
                    })
                    .with_transform(#p::schemars::transform::AddNullable::default())
                    .with_transform(#p::schema::TaggedEnums)
                    .with_transform(#p::kube_core::schema::StructuralSchemaRewriter)
                    .with_transform(#p::schema::TagConstraints)
                    .with_transform(#p::kube_core::schema::OptionalEnum)
                    .with_transform(#p::kube_core::schema::OptionalIntOrString)
                    .with_transform(#p::schema::EnumsNeverNullable)
                    .into_generator();
                // kube-core's rewriter panics on enums it cannot hoist; say why in Rust terms.
                let schema = ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| {
                    generator.into_root_schema_for::<T>()
                }))
                .unwrap_or_else(|payload| {
                    let message = payload
                        .downcast_ref::<&str>()
                        .map(|s| ::std::string::ToString::to_string(*s))
                        .or_else(|| payload.downcast_ref::<::std::string::String>().cloned())
                        .unwrap_or_default();
                    panic!("{}", #p::schema::explain_rewriter_panic(name, &message))
                });
                let serde_json::Value::Object(mut map) = serde_json::to_value(schema)
                    .expect("a schemars schema serializes to JSON")
                else {
                    panic!("the JSON schema of `{name}` is not an object; a custom resource spec/status must be a struct");
                };
                if map.contains_key("$defs") || map.contains_key("definitions") {
                    panic!("the JSON schema of `{name}` refers to itself (a recursive type); Kubernetes structural schemas cannot express recursion: break the cycle, e.g. store the nested value as `serde_json::Value` with #[field(preserve_unknown_fields)]");
                }
                map.remove("$schema");
                map.remove("title");
                __int_or_string(&mut map);
                map
            }

            /// controller-gen's shape for int-or-string (`IntOrString`, `Quantity`): the
            /// extension plus `anyOf: [integer, string]`, so that plain JSON-schema validators
            /// see the same alternatives the API server allows.
            fn __int_or_string(node: &mut serde_json::Map<::std::string::String, serde_json::Value>) {
                if node.get("x-kubernetes-int-or-string") == ::core::option::Option::Some(&serde_json::Value::Bool(true))
                    && !node.contains_key("anyOf")
                {
                    node.insert(
                        ::std::string::ToString::to_string("anyOf"),
                        serde_json::json!([{ "type": "integer" }, { "type": "string" }]),
                    );
                }
                for (key, child) in node.iter_mut() {
                    match (key.as_str(), child) {
                        ("properties", serde_json::Value::Object(props)) => {
                            for prop in props.values_mut() {
                                if let serde_json::Value::Object(prop) = prop {
                                    __int_or_string(prop);
                                }
                            }
                        }
                        ("items" | "additionalProperties", serde_json::Value::Object(child)) => {
                            __int_or_string(child)
                        }
                        _ => {}
                    }
                }
            }

            /// Merges one `#[field(...)]` patch into the property's schema.
            fn __patch(
                schema: &mut serde_json::Map<::std::string::String, serde_json::Value>,
                property: &str,
                patch: &str,
            ) {
                let target = schema
                    .get_mut("properties")
                    .and_then(|p| p.get_mut(property))
                    .unwrap_or_else(|| panic!("#[field(...)]: property `{property}` not found in the generated schema of `{}`", #spec_name));
                if let serde_json::Value::Bool(true) = target {
                    *target = serde_json::Value::Object(serde_json::Map::new());
                }
                let serde_json::Value::Object(target) = target else {
                    panic!("#[field(...)]: the schema of property `{property}` is not an object");
                };
                __merge(target, patch);
            }

            /// A schema the API server would reject never leaves `crd()`.
            fn __structural(name: &str, schema: &serde_json::Map<::std::string::String, serde_json::Value>) {
                if let ::core::option::Option::Some((path, why)) = #p::schema::structural_problem(schema) {
                    panic!("the schema of `{name}` is not structural (as Kubernetes requires of a CRD) at `{path}`: {why}");
                }
            }

            #merge

            let mut spec = __schema_of::<#spec>(#spec_name);
            #( __patch(&mut spec, #prop, #patch); )*
            #container_patch
            __structural(#spec_name, &spec);
            let description = spec
                .get("description")
                .cloned()
                .unwrap_or_else(|| serde_json::Value::String(::std::string::ToString::to_string(#fallback_desc)));

            let mut properties = serde_json::Map::new();
            properties.insert(
                ::std::string::ToString::to_string("apiVersion"),
                serde_json::json!({ "description": #API_VERSION_DESC, "type": "string" }),
            );
            properties.insert(
                ::std::string::ToString::to_string("kind"),
                serde_json::json!({ "description": #KIND_DESC, "type": "string" }),
            );
            properties.insert(
                ::std::string::ToString::to_string("metadata"),
                serde_json::json!({ "type": "object" }),
            );
            properties.insert(::std::string::ToString::to_string("spec"), serde_json::Value::Object(spec));
            #status_schema

            // `spec` is required: the Rust type has a non-optional `spec`, so an object without
            // one could not be deserialized. This matches kubebuilder >= 4.7 scaffolds, whose
            // `Spec` field is marked `+required`. `status` is optional.
            let root = serde_json::json!({
                "description": description,
                "type": "object",
                "properties": properties,
                "required": ["spec"],
            });
            let schema: #ext::JSONSchemaProps = serde_json::from_value(root)
                .expect("the generated schema is a valid JSONSchemaProps");

            #ext::CustomResourceDefinition {
                metadata: #meta_ty {
                    name: ::core::option::Option::Some(#crd_name_s),
                    labels: #labels,
                    annotations: #annotations,
                    ..::core::default::Default::default()
                },
                spec: #ext::CustomResourceDefinitionSpec {
                    group: #group_s,
                    names: #ext::CustomResourceDefinitionNames {
                        kind: #kind_s,
                        list_kind: ::core::option::Option::Some(#list_kind_s),
                        plural: #plural_s,
                        singular: ::core::option::Option::Some(#singular_s),
                        short_names: #shortnames,
                        categories: #categories,
                    },
                    scope: #scope_s,
                    versions: ::std::vec![#ext::CustomResourceDefinitionVersion {
                        name: #version_s,
                        served: #served,
                        storage: #storage,
                        deprecated: #deprecated,
                        deprecation_warning: #deprecation_warning,
                        additional_printer_columns: #columns,
                        selectable_fields: #selectable,
                        subresources: #subresources,
                        schema: ::core::option::Option::Some(#ext::CustomResourceValidation {
                            open_api_v3_schema: ::core::option::Option::Some(schema),
                        }),
                    }],
                    conversion: ::core::option::Option::None,
                    preserve_unknown_fields: ::core::option::Option::None,
                },
                status: ::core::option::Option::None,
            }
        }
    }
}
