//! `#[rbac(...)]`: the item is unchanged, and the checked rule is registered in the program
//! (a `static` that the linker collects into one slice, with linkme), so that `cargo operator manifests` reads the rules
//! of exactly the code the operator binary contains: a rule in a file no module declares, or
//! under `#[cfg(test)]`, is not compiled and so not registered.

use proc_macro2::TokenStream;
use quote::quote;

use cargo_operator_core::syntax::attrs::{Errors, rbac};

pub fn rbac(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let rule = rbac::parse(args, &mut errors);
    let registration = rule.as_ref().map(register);
    let placed = super::place(&item, registration, "#[rbac(...)]", &mut errors);
    let mut out = errors
        .finish()
        .err()
        .map(syn::Error::into_compile_error)
        .unwrap_or_default();
    out.extend(placed.unwrap_or(item));
    out
}

/// The registration of one rule: an item valid wherever items are.
fn register(rule: &cargo_operator_core::rbac::Rule) -> TokenStream {
    let p = quote!(::cargo_operator_runtime::__private);
    let (groups, resources, names, urls, verbs) = (
        &rule.groups,
        &rule.resources,
        &rule.resource_names,
        &rule.urls,
        &rule.verbs,
    );
    quote! {
        const _: () = {
            #[#p::linkme::distributed_slice(#p::RBAC_RULES)]
            #[linkme(crate = #p::linkme)]
            static RULE: #p::core::rbac::StaticRule = #p::core::rbac::StaticRule {
                groups: &[#(#groups),*],
                resources: &[#(#resources),*],
                resource_names: &[#(#names),*],
                urls: &[#(#urls),*],
                verbs: &[#(#verbs),*],
                module: ::core::module_path!(),
            };
        };
    }
}
