//! The runtime half of `#[field(...)]`: a function, emitted into the expansion, that merges a
//! JSON patch (built at compile time) into one property's schema object.

use proc_macro2::TokenStream;
use quote::quote;

/// Emits `fn __merge(target: &mut Map<String, Value>, patch: &str)`.
///
/// `x-kubernetes-validations` rules are appended (an identical rule is not added twice);
/// `anyOf` (from `int_or_string`) replaces `type`/`format`; every other key is set.
pub fn merge_fn() -> TokenStream {
    let p = quote!(::cargo_operator_runtime::__private);
    quote! {
        fn __merge(
            target: &mut #p::serde_json::Map<::std::string::String, #p::serde_json::Value>,
            patch: &str,
        ) {
            use #p::serde_json::Value;
            let Value::Object(patch) = #p::serde_json::from_str(patch)
                .expect("the derive emits a valid JSON patch")
            else {
                unreachable!("the derive emits a JSON object")
            };
            for (key, value) in patch {
                match (key.as_str(), value) {
                    ("x-kubernetes-validations", Value::Array(rules)) => {
                        let existing = target
                            .entry("x-kubernetes-validations")
                            .or_insert_with(|| Value::Array(::std::vec::Vec::new()));
                        if let Value::Array(existing) = existing {
                            for rule in rules {
                                if !existing.contains(&rule) {
                                    existing.push(rule);
                                }
                            }
                        }
                    }
                    ("anyOf", value) => {
                        // int-or-string: the two alternatives replace the single type.
                        target.remove("type");
                        target.remove("format");
                        target.insert(key, value);
                    }
                    (_, value) => {
                        target.insert(key, value);
                    }
                }
            }
        }
    }
}
