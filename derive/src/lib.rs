//! `#[derive(CustomResource)]` and `#[rbac(...)]` for cargo-operator: kubebuilder markers as
//! compiler-checked Rust attributes.
//!
//! Use these through `cargo_operator_runtime`, which re-exports them together with the
//! dependencies the expansion refers to (`cargo_operator_runtime::__private`).

mod attr_parse;
mod expand;
mod field_attrs;
mod patch;
mod rbac;
mod resource_attrs;
mod schema;
mod schema_derive;
mod serde_names;
mod shape_check;

use proc_macro::TokenStream;

/// Derives a Kubernetes custom resource from its spec struct.
///
/// For `#[resource(kind = "Guestbook", ...)]` on `GuestbookSpec` this generates the struct
/// `Guestbook { metadata, spec, status }` with `kube_core::Resource`, `HasSpec`, `HasStatus`,
/// `CustomResourceExt` (`crd()` builds the CustomResourceDefinition) and `Guestbook::new`.
/// See the book's attribute reference for every `#[resource(...)]` and `#[field(...)]` key.
#[proc_macro_derive(CustomResource, attributes(resource, field))]
pub fn derive_custom_resource(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    expand::derive(input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// `schemars::JsonSchema` for types nested in a spec or status, honouring `#[field(...)]`.
///
/// Derive this instead of `JsonSchema` on nested structs whose fields carry `#[field(...)]`
/// (on the spec struct itself, `#[derive(CustomResource)]` already applies them).
#[proc_macro_derive(Schema, attributes(field))]
pub fn derive_schema(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    schema_derive::derive(input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Declares one RBAC rule the controller needs; checked at compile time, the item is unchanged.
///
/// `#[rbac(groups = ["webapp.example.com"], resources = ["guestbooks"], verbs = ["get", "list", "watch"])]`
/// Optional: `resource_names = [...]`; `urls = ["/metrics"]` (non-resource URLs, instead of
/// groups/resources). `cargo operator manifests` collects these into the ClusterRole.
#[proc_macro_attribute]
pub fn rbac(args: TokenStream, item: TokenStream) -> TokenStream {
    let item2: proc_macro2::TokenStream = item.into();
    match rbac::rbac(args.into(), item2.clone()) {
        Ok(ts) => ts.into(),
        Err(e) => {
            let mut out = e.into_compile_error();
            out.extend(item2);
            out.into()
        }
    }
}
