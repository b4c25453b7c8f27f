//! The `#[field(...)]` patches of a struct's fields, shared by both derives and the CLI's fast
//! `manifests` route: each checked against the field's Rust type and serde's view of it (its
//! JSON name, `skip`, `flatten`).

use serde_json::Value;

use super::attrs::{Errors, field};
use super::{serde_names, shape};

/// One field's patch: the field's index, its JSON property name and the patch as JSON text.
pub struct PropertyPatch {
    pub index: usize,
    pub property: String,
    pub json: String,
}

/// The patches of a struct's named fields, with every problem reported in `errors`.
pub fn patches(
    fields: &syn::FieldsNamed,
    container_attrs: &[syn::Attribute],
    me: &syn::Ident,
    errors: &mut Errors,
) -> Vec<PropertyPatch> {
    let mut patches = Vec::new();
    let rename_all = errors
        .ok(serde_names::rename_all(container_attrs))
        .flatten();
    for (index, f) in fields.named.iter().enumerate() {
        let patch = field::parse(f, errors);
        let Some(sf) = errors.ok(serde_names::field(f, rename_all.as_deref())) else {
            continue;
        };
        if !sf.skipped && !sf.flattened {
            let empty = serde_json::Map::new();
            if let Some(error) = shape::check(f, me, patch.as_ref().unwrap_or(&empty)) {
                errors.push(error);
            }
        }
        let Some(patch) = patch else {
            continue;
        };
        if sf.skipped || sf.flattened {
            let what = if sf.skipped { "skipped" } else { "flattened" };
            errors.spanned(
                f.ident.as_ref(),
                format!(
                    "#[field(...)] cannot apply to a {what} field: it has no property of its own in the schema; remove the #[field] attribute"
                ),
            );
            continue;
        }
        if !patch.is_empty() {
            patches.push(PropertyPatch {
                index,
                property: sf.name,
                json: Value::Object(patch).to_string(),
            });
        }
    }
    patches
}
