//! `#[webhook(...)]`: the item is unchanged, and the checked, normalised webhook is registered
//! in the program (a `static` the linker collects into one slice, like `#[rbac]`), so that
//! `cargo operator manifests` writes the webhook configurations of exactly the code the
//! operator binary contains.

use proc_macro2::TokenStream;
use quote::quote;

use cargo_operator_core::webhook::Webhook;

use cargo_operator_core::syntax::attrs::{Errors, webhook};

pub fn webhook(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let webhook = webhook::parse(args, &mut errors);
    let registration = webhook.as_ref().map(register);
    let placed = super::place(&item, registration, "#[webhook(...)]", &mut errors);
    let mut out = errors
        .finish()
        .err()
        .map(syn::Error::into_compile_error)
        .unwrap_or_default();
    out.extend(placed.unwrap_or(item));
    out
}

/// The registration of one webhook: an item valid wherever items are.
fn register(webhook: &Webhook) -> TokenStream {
    let p = quote!(::cargo_operator_runtime::__private);
    let option = |value: &Option<String>| match value {
        Some(v) => quote!(::core::option::Option::Some(#v)),
        None => quote!(::core::option::Option::None),
    };
    let Webhook {
        name,
        path,
        mutating,
        failure_policy,
        side_effects,
        groups,
        resources,
        verbs,
        versions,
        admission_review_versions,
        ..
    } = webhook;
    let match_policy = option(&webhook.match_policy);
    let reinvocation_policy = option(&webhook.reinvocation_policy);
    let timeout_seconds = match webhook.timeout_seconds {
        Some(t) => quote!(::core::option::Option::Some(#t)),
        None => quote!(::core::option::Option::None),
    };
    quote! {
        const _: () = {
            #[#p::linkme::distributed_slice(#p::WEBHOOKS)]
            #[linkme(crate = #p::linkme)]
            static WEBHOOK: #p::core::webhook::StaticWebhook = #p::core::webhook::StaticWebhook {
                name: #name,
                path: #path,
                mutating: #mutating,
                failure_policy: #failure_policy,
                side_effects: #side_effects,
                groups: &[#(#groups),*],
                resources: &[#(#resources),*],
                verbs: &[#(#verbs),*],
                versions: &[#(#versions),*],
                admission_review_versions: &[#(#admission_review_versions),*],
                match_policy: #match_policy,
                timeout_seconds: #timeout_seconds,
                reinvocation_policy: #reinvocation_policy,
                module: ::core::module_path!(),
            };
        };
    }
}
