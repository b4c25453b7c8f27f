//! `#[derive(CustomResource)]`, `#[derive(Schema)]`, `#[rbac(...)]` and `#[webhook(...)]` for
//! cargo-operator:
//! kubebuilder markers as compiler-checked Rust attributes.
//!
//! Use these through `cargo_operator_runtime`, which re-exports them together with what the
//! expansion calls (`cargo_operator_runtime::__private`). The attributes are typed structs on
//! darling, in `cargo_operator_core::syntax` (where the CLI's fast `manifests` route reads them
//! too); every Kubernetes rule they are checked against lives in `cargo-operator-core`.

mod expand;

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
    expand::custom_resource::derive(input).into()
}

/// `schemars::JsonSchema` for types nested in a spec or status, honouring `#[field(...)]`.
///
/// Derive this instead of `JsonSchema` on nested structs whose fields carry `#[field(...)]`
/// (on the spec struct itself, `#[derive(CustomResource)]` already applies them).
#[proc_macro_derive(Schema, attributes(field))]
pub fn derive_schema(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    expand::schema::derive(input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Declares one RBAC rule the code needs; checked at compile time and registered in the
/// program, so that `cargo operator manifests` writes it into the manager's ClusterRole.
///
/// `#[rbac(groups = ["webapp.example.com"], resources = ["guestbooks"], verbs = ["get", "list", "watch"])]`
/// Optional: `resource_names = [...]`; `urls = ["/metrics"]` (non-resource URLs, instead of
/// groups/resources).
#[proc_macro_attribute]
pub fn rbac(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::rbac::rbac(args.into(), item.into()).into()
}

/// Declares one admission webhook (kubebuilder's `+kubebuilder:webhook`); checked at compile
/// time and registered in the program, so that `cargo operator manifests` writes it into
/// `config/webhook/manifests.yaml`. Goes on the `impl` of the `Defaulter` or `Validator` (or
/// on a function, a const, any item), which is left unchanged.
///
/// `#[webhook(name = "mguestbook-v1.kb.io", path = "/mutate-webapp-example-com-v1-guestbook", mutating, failure_policy = "Fail", side_effects = "None", groups = ["webapp.example.com"], resources = ["guestbooks"], verbs = ["CREATE", "UPDATE"], versions = ["v1"], admission_review_versions = ["v1"])]`
/// Optional: `match_policy`, `timeout_seconds`, `reinvocation_policy` (mutating only).
#[proc_macro_attribute]
pub fn webhook(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::webhook::webhook(args.into(), item.into()).into()
}
