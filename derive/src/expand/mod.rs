//! Code generation, one module per macro. Each emits calls into the runtime (and through it
//! into core) with the checked attributes as constants; no logic is copied into expansions.

pub mod custom_resource;
pub mod rbac;
pub mod schema;
pub mod webhook;

use proc_macro2::TokenStream;
use quote::quote;

use cargo_operator_core::syntax::attrs::Errors;

/// The item of a registering attribute (`#[rbac]`, `#[webhook]`) with its registration (an
/// item itself): inside a function's body (where any item may go, also for methods in an
/// `impl`), or after any other item (an `impl` block, a struct, a module, a const).
fn place(
    item: &TokenStream,
    registration: Option<TokenStream>,
    attribute: &str,
    errors: &mut Errors,
) -> Option<TokenStream> {
    let registration = registration?;
    if let Ok(mut function) = syn::parse2::<syn::ItemFn>(item.clone()) {
        let stmt: syn::Stmt = syn::parse2(quote!(#registration)).ok()?;
        function.block.stmts.insert(0, stmt);
        return Some(quote!(#function));
    }
    match syn::parse2::<syn::Item>(item.clone()) {
        Ok(item) => Some(quote!(#item #registration)),
        Err(_) => {
            errors.spanned(
                item,
                format!("{attribute} goes on a function with a body or on an item at module level (an `impl` block, a struct, a module, a const)"),
            );
            None
        }
    }
}
