//! The runtime half of `#[field(...)]`: a function, emitted into the expansion, that merges a
//! JSON patch (built at compile time) into one property's schema object.

use proc_macro2::TokenStream;
use quote::quote;

/// Emits `fn __merge(target: &mut Map<String, Value>, patch: &str)`.
///
/// `x-kubernetes-validations` rules are appended (an identical rule is not added twice);
/// `items` (from `items(...)`) is merged into the element schema; `anyOf` (from
/// `int_or_string`) replaces `type`/`format`; every other key is set. Afterwards, a schema
/// with an `enum` loses `nullable` (and `null` from `enum` and `type`), as everywhere else
/// (the runtime's `EnumsNeverNullable` says why).
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
            __merge_map(target, patch);
        }

        fn __merge_map(
            target: &mut #p::serde_json::Map<::std::string::String, #p::serde_json::Value>,
            patch: #p::serde_json::Map<::std::string::String, #p::serde_json::Value>,
        ) {
            use #p::serde_json::Value;
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
                    ("items", Value::Object(items)) => {
                        // items(...): merged into the element schema, not replacing it.
                        let existing = target
                            .entry("items")
                            .or_insert_with(|| Value::Object(#p::serde_json::Map::new()));
                        if let Value::Bool(true) = existing {
                            *existing = Value::Object(#p::serde_json::Map::new());
                        }
                        if let Value::Object(existing) = existing {
                            __merge_map(existing, items);
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
            // A schema with an `enum` is never nullable (see the runtime's `EnumsNeverNullable`):
            // a patch may have added an enum or `nullable`.
            #p::schema::strip_nullable_from_enum(target);
            // An embedded resource without a schema of its own (e.g. `serde_json::Value`) keeps
            // its unknown fields, as controller-gen does for `runtime.RawExtension`; the API
            // server requires properties or x-kubernetes-preserve-unknown-fields beside it.
            if target.get("x-kubernetes-embedded-resource") == ::core::option::Option::Some(&Value::Bool(true))
                && !target.contains_key("properties")
            {
                target.insert(
                    ::std::string::ToString::to_string("x-kubernetes-preserve-unknown-fields"),
                    Value::Bool(true),
                );
            }
        }
    }
}
