//! `#[derive(Schema)]`: `schemars::JsonSchema` for nested types, honouring `#[field(...)]`.
//!
//! A derive cannot change the struct it is given, so this one emits a private shadow copy of
//! it (same fields, types, docs, `serde` and `schemars` attributes), derives schemars'
//! `JsonSchema` on the shadow with a `transform` per annotated field that merges the
//! `#[field(...)]` patch, and implements `JsonSchema` for the real type by delegation.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Attribute, Data, DeriveInput, Fields};

use cargo_operator_core::syntax::attrs::{Errors, field};
use cargo_operator_core::syntax::fields;
use cargo_operator_core::syntax::serde_names;

fn kept(attrs: &[Attribute]) -> impl Iterator<Item = &Attribute> {
    attrs.iter().filter(|a| {
        let p = a.path();
        p.is_ident("doc") || p.is_ident("serde") || p.is_ident("schemars")
    })
}

pub fn derive(input: DeriveInput) -> syn::Result<TokenStream> {
    let mut errors = Errors::default();
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new_spanned(
            &input.ident,
            "#[derive(Schema)] supports structs with named fields; derive `schemars::JsonSchema` on enums",
        ));
    };
    let Fields::Named(fields) = &data.fields else {
        return Err(syn::Error::new_spanned(
            &input.ident,
            "#[derive(Schema)] supports structs with named fields; derive `schemars::JsonSchema` on tuple structs",
        ));
    };
    if !input.generics.params.is_empty() {
        errors.spanned(
            &input.generics,
            "#[derive(Schema)] does not support generic structs: use a concrete struct",
        );
    }
    let patches = fields::patches(fields, &input.attrs, &input.ident, &mut errors);
    let container = field::parse_container(&input.attrs, &input.ident, &mut errors)
        .map(|m| serde_json::Value::Object(m).to_string());
    let renamed = errors
        .ok(serde_names::has_key(&input.attrs, "rename"))
        .unwrap_or(false);
    let defaulted = errors
        .ok(serde_names::has_key(&input.attrs, "default"))
        .unwrap_or(false);
    errors.finish()?;

    let p = quote!(::cargo_operator_runtime::__private);
    let ident = &input.ident;
    let shadow = format_ident!("__CargoOperatorSchema_{}", ident);
    let name = ident.to_string();
    let rename = (!renamed).then(|| quote!(#[schemars(rename = #name)]));
    let container_attrs = kept(&input.attrs);

    let mut transforms = Vec::new();
    let shadow_fields = fields.named.iter().enumerate().map(|(i, f)| {
        let (fid, ty) = (&f.ident, &f.ty);
        let attrs = kept(&f.attrs);
        let transform = patches.iter().find(|patch| patch.index == i).map(|patch| {
            let fn_name = format_ident!("__cargo_operator_patch_{}", i);
            let json = &patch.json;
            transforms.push(quote! {
                fn #fn_name(schema: &mut #p::schemars::Schema) {
                    #p::patch_schema(schema, #json);
                }
            });
            quote!(#[schemars(transform = #fn_name)])
        });
        quote! {
            #(#attrs)*
            #transform
            #fid: #ty,
        }
    });
    let shadow_fields: Vec<_> = shadow_fields.collect();
    let container_transform = container.map(|json| {
        transforms.push(quote! {
            fn __cargo_operator_patch_self(schema: &mut #p::schemars::Schema) {
                #p::patch_schema(schema, #json);
            }
        });
        quote!(#[schemars(transform = __cargo_operator_patch_self)])
    });
    // `#[serde(default)]` on the container makes schemars read defaults from `Self::default()`.
    let default_impl = defaulted.then(|| {
        let names: Vec<_> = fields.named.iter().map(|f| &f.ident).collect();
        quote! {
            impl ::core::default::Default for #shadow {
                fn default() -> Self {
                    let value = <#ident as ::core::default::Default>::default();
                    Self { #(#names: value.#names),* }
                }
            }
        }
    });
    let schemars_crate = "::cargo_operator_runtime::__private::schemars";

    Ok(quote! {
        const _: () = {
            #[derive(#p::schemars::JsonSchema)]
            #[schemars(crate = #schemars_crate)]
            #rename
            #container_transform
            #(#container_attrs)*
            #[allow(dead_code, non_camel_case_types)]
            struct #shadow {
                #(#shadow_fields)*
            }

            #default_impl
            #(#transforms)*

            impl #p::schemars::JsonSchema for #ident {
                fn inline_schema() -> bool {
                    <#shadow as #p::schemars::JsonSchema>::inline_schema()
                }
                fn schema_name() -> ::std::borrow::Cow<'static, str> {
                    <#shadow as #p::schemars::JsonSchema>::schema_name()
                }
                fn schema_id() -> ::std::borrow::Cow<'static, str> {
                    ::std::borrow::Cow::Borrowed(::core::concat!(::core::module_path!(), "::", #name))
                }
                fn json_schema(generator: &mut #p::schemars::SchemaGenerator) -> #p::schemars::Schema {
                    <#shadow as #p::schemars::JsonSchema>::json_schema(generator)
                }
            }
        };
    })
}
