//! `#[derive(CustomResource)]`: the root type (`Guestbook { metadata, spec, status }`) and
//! kube-core's traits for it. The CRD is not built here: `crd()` calls the runtime with the
//! checked attributes as constants, and the runtime builds it with core's rules.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Data, DeriveInput, Fields};

use cargo_operator_core::syntax::attrs::resource::{self, Parsed, Resource};
use cargo_operator_core::syntax::attrs::{Errors, field};
use cargo_operator_core::syntax::fields::{self, PropertyPatch};

pub fn derive(input: DeriveInput) -> TokenStream {
    let mut errors = Errors::default();
    let fields = match &input.data {
        Data::Struct(s) => match &s.fields {
            Fields::Named(named) => Some(named),
            _ => {
                errors.spanned(
                    &input.ident,
                    "#[derive(CustomResource)] needs a struct with named fields (the spec), e.g. `struct GuestbookSpec { size: i32 }`; tuple and unit structs have no properties",
                );
                None
            }
        },
        Data::Enum(e) => {
            errors.spanned(
                e.enum_token,
                "#[derive(CustomResource)] goes on the spec struct, not an enum: write `struct GuestbookSpec { ... }` and use the enum as a field type",
            );
            None
        }
        Data::Union(u) => {
            errors.spanned(
                u.union_token,
                "#[derive(CustomResource)] needs a struct with named fields, not a union",
            );
            None
        }
    };
    if !input.generics.params.is_empty() {
        errors.spanned(
            &input.generics,
            "#[derive(CustomResource)] does not support generic spec structs: use a concrete struct",
        );
    }
    let resource = resource::parse(&input.attrs, input.ident.span(), &mut errors);
    let container = field::parse_container(&input.attrs, &input.ident, &mut errors)
        .map(|m| serde_json::Value::Object(m).to_string());
    let patches = match fields {
        Some(fields) => fields::patches(fields, &input.attrs, &input.ident, &mut errors),
        None => Vec::new(),
    };
    match (errors.finish(), resource) {
        (Ok(()), Parsed::Valid(resource)) => {
            generate(&input, &resource, &patches, container.as_deref())
        }
        (result, resource) => {
            let mut out = result
                .err()
                .map(syn::Error::into_compile_error)
                .unwrap_or_default();
            // The root type still exists, so that code naming it reports nothing more.
            let stand_in = match resource {
                Parsed::Valid(resource) => Some(resource),
                Parsed::Invalid(stand_in) => stand_in,
            };
            if let (Some(stand_in), Some(_)) = (stand_in, fields) {
                out.extend(generate(&input, &stand_in, &[], None));
            }
            out
        }
    }
}

fn opt_str(s: &Option<String>) -> TokenStream {
    match s {
        Some(s) => quote!(::core::option::Option::Some(#s)),
        None => quote!(::core::option::Option::None),
    }
}

/// The checked `#[resource(...)]` as a `core::crd::Resource` constant expression.
fn resource_const(a: &Resource) -> TokenStream {
    let p = quote!(::cargo_operator_runtime::__private);
    let (group, version, kind, plural, singular) =
        (&a.group, &a.version, &a.kind, &a.plural, &a.singular);
    let namespaced = a.namespaced;
    let short_names = &a.shortnames;
    let categories = &a.categories;
    let columns = a.printcolumns.iter().map(|c| {
        let (name, ty, path) = (&c.name, &c.type_, &c.json_path);
        let description = opt_str(&c.description);
        let format = opt_str(&c.format);
        let priority = match c.priority {
            Some(v) => quote!(::core::option::Option::Some(#v)),
            None => quote!(::core::option::Option::None),
        };
        quote! {
            #p::core::crd::PrinterColumn {
                name: #name, type_: #ty, json_path: #path,
                description: #description, priority: #priority, format: #format,
            }
        }
    });
    let selectable = &a.selectable;
    let scale = match &a.scale {
        Some(s) => {
            let (spec, status) = (&s.spec_replicas_path, &s.status_replicas_path);
            let selector = opt_str(&s.label_selector_path);
            quote!(::core::option::Option::Some(#p::core::crd::Scale {
                spec_replicas_path: #spec, status_replicas_path: #status, label_selector_path: #selector,
            }))
        }
        None => quote!(::core::option::Option::None),
    };
    let status = a.status.is_some();
    let (served, storage, deprecated) = (a.served, a.storage, a.deprecated);
    let warning = opt_str(&a.deprecation_warning);
    let pairs = |list: &[(String, String)]| {
        let (k, v): (Vec<_>, Vec<_>) = list.iter().cloned().unzip();
        quote!(&[#((#k, #v)),*])
    };
    let (labels, annotations) = (pairs(&a.labels), pairs(&a.annotations));
    let description = opt_str(&a.description);
    quote! {
        #p::core::crd::Resource {
            group: #group,
            version: #version,
            kind: #kind,
            plural: #plural,
            singular: #singular,
            namespaced: #namespaced,
            short_names: &[#(#short_names),*],
            categories: &[#(#categories),*],
            printer_columns: &[#(#columns),*],
            selectable_fields: &[#(#selectable),*],
            scale: #scale,
            status: #status,
            served: #served,
            storage: #storage,
            deprecated: #deprecated,
            deprecation_warning: #warning,
            labels: #labels,
            annotations: #annotations,
            description: #description,
        }
    }
}

fn generate(
    input: &DeriveInput,
    a: &Resource,
    patches: &[PropertyPatch],
    container: Option<&str>,
) -> TokenStream {
    let p = quote!(::cargo_operator_runtime::__private);
    let serde_crate = "::cargo_operator_runtime::__private::serde";
    let meta_ty = quote!(#p::k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta);
    let crd_ty = quote!(#p::k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition);
    let vis = &input.vis;
    let spec = &input.ident;
    let root = syn::Ident::new(&a.kind, a.kind_span);
    let (group, version, kind, plural) = (&a.group, &a.version, &a.kind, &a.plural);
    let api_version = format!("{group}/{version}");
    let doc = format!(
        " The `{kind}` custom resource (`{api_version}`), generated by `#[derive(CustomResource)]` from [`{spec}`]."
    );
    let derives = &a.derives;

    let (status_field, status_ser, status_init, status_len, has_status, status_schema) = match &a
        .status
    {
        Some(ty) => {
            let ty_name = quote!(#ty).to_string();
            (
                quote! {
                    /// The observed state, written by the controller through the status subresource.
                    #[serde(default, skip_serializing_if = "Option::is_none")]
                    pub status: ::core::option::Option<#ty>,
                },
                quote! {
                    if let ::core::option::Option::Some(status) = &self.status {
                        obj.serialize_field("status", status)?;
                    }
                },
                quote!(status: ::core::option::Option::None,),
                quote!(usize::from(self.status.is_some())),
                quote! {
                    impl #p::kube_core::object::HasStatus for #root {
                        type Status = #ty;
                        fn status(&self) -> ::core::option::Option<&#ty> {
                            self.status.as_ref()
                        }
                        fn status_mut(&mut self) -> &mut ::core::option::Option<#ty> {
                            &mut self.status
                        }
                    }
                },
                quote!(::core::option::Option::Some(#p::schema_of::<#ty>(#ty_name, &[], ::core::option::Option::None))),
            )
        }
        None => (
            quote!(),
            quote!(),
            quote!(),
            quote!(0usize),
            quote!(),
            quote!(::core::option::Option::None),
        ),
    };
    let scope = if a.namespaced {
        quote!(#p::kube_core::NamespaceResourceScope)
    } else {
        quote!(#p::kube_core::ClusterResourceScope)
    };
    let root_str = root.to_string();
    let spec_name = spec.to_string();
    let (props, jsons): (Vec<_>, Vec<_>) =
        patches.iter().map(|pp| (&pp.property, &pp.json)).unzip();
    let container = match container {
        Some(json) => quote!(::core::option::Option::Some(#json)),
        None => quote!(::core::option::Option::None),
    };
    let resource = resource_const(a);
    let shortnames = &a.shortnames;
    let crd_name = format!("{plural}.{group}");

    quote! {
        #[doc = #doc]
        #[derive(::core::clone::Clone, ::core::fmt::Debug, #p::serde::Deserialize #(, #derives)*)]
        #[serde(crate = #serde_crate, rename_all = "camelCase")]
        #vis struct #root {
            /// Standard object metadata: name, namespace, labels, annotations, ...
            #[serde(default)]
            pub metadata: #meta_ty,
            /// The desired state.
            pub spec: #spec,
            #status_field
        }

        impl #root {
            /// A new object with the given name and spec, ready to be created.
            pub fn new(name: &str, spec: #spec) -> Self {
                Self {
                    metadata: #meta_ty {
                        name: ::core::option::Option::Some(::std::string::ToString::to_string(name)),
                        ..::core::default::Default::default()
                    },
                    spec,
                    #status_init
                }
            }
        }

        impl #p::serde::Serialize for #root {
            fn serialize<S: #p::serde::Serializer>(&self, ser: S) -> ::core::result::Result<S::Ok, S::Error> {
                use #p::serde::ser::SerializeStruct;
                let mut obj = ser.serialize_struct(#root_str, 4 + #status_len)?;
                obj.serialize_field("apiVersion", #api_version)?;
                obj.serialize_field("kind", #kind)?;
                obj.serialize_field("metadata", &self.metadata)?;
                obj.serialize_field("spec", &self.spec)?;
                #status_ser
                obj.end()
            }
        }

        impl #p::kube_core::Resource for #root {
            type DynamicType = ();
            type Scope = #scope;

            fn kind(_: &()) -> ::std::borrow::Cow<'_, str> {
                ::std::borrow::Cow::Borrowed(#kind)
            }
            fn group(_: &()) -> ::std::borrow::Cow<'_, str> {
                ::std::borrow::Cow::Borrowed(#group)
            }
            fn version(_: &()) -> ::std::borrow::Cow<'_, str> {
                ::std::borrow::Cow::Borrowed(#version)
            }
            fn api_version(_: &()) -> ::std::borrow::Cow<'_, str> {
                ::std::borrow::Cow::Borrowed(#api_version)
            }
            fn plural(_: &()) -> ::std::borrow::Cow<'_, str> {
                ::std::borrow::Cow::Borrowed(#plural)
            }
            fn meta(&self) -> &#meta_ty {
                &self.metadata
            }
            fn meta_mut(&mut self) -> &mut #meta_ty {
                &mut self.metadata
            }
        }

        impl #p::kube_core::object::HasSpec for #root {
            type Spec = #spec;
            fn spec(&self) -> &#spec {
                &self.spec
            }
            fn spec_mut(&mut self) -> &mut #spec {
                &mut self.spec
            }
        }

        #has_status

        impl #p::kube_core::CustomResourceExt for #root {
            fn crd() -> #crd_ty {
                const RESOURCE: #p::core::crd::Resource<'static> = #resource;
                let spec = #p::schema_of::<#spec>(#spec_name, &[#((#props, #jsons)),*], #container);
                #p::crd(&RESOURCE, spec, #status_schema)
            }
            fn crd_name() -> &'static str {
                #crd_name
            }
            fn api_resource() -> #p::kube_core::dynamic::ApiResource {
                #p::kube_core::dynamic::ApiResource::erase::<Self>(&())
            }
            fn shortnames() -> &'static [&'static str] {
                &[#(#shortnames),*]
            }
        }
    }
}
