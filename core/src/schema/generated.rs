//! From schemars' output to a CRD schema: what happens to a generated schema after schemars,
//! the same whether the runtime generated it from the compiled type or the CLI's fast
//! `manifests` route reproduced it from the type's source.
//!
//! Definitions are inlined where they are used, except the Kubernetes types (k8s-openapi's,
//! which describe only the wire format), which are replaced by the schema controller-gen
//! gives them ([`super::k8s`]) after the transforms, so that nothing rewrites Kubernetes' own
//! validation; kube-core's and core's transforms make the rest structural; the `#[field(...)]`
//! patches of the spec's properties and of the struct itself are merged in.

use schemars::transform::Transform as _;
use serde_json::Value;

use super::{Object, hint, k8s, patch, refs, transform};

/// The CRD schema of a type named `name` (in messages) from schemars' root schema `root`
/// (`$defs` included), with the `#[field(...)]` patches of its properties (`(property,
/// patch JSON)`) and of the struct itself (`container`).
///
/// `Err` says why no CRD can have the schema, in Rust terms: a type that contains itself, an
/// enum kube-core cannot hoist.
pub fn finish(
    name: &str,
    mut root: Object,
    properties: &[(&str, &str)],
    container: Option<&str>,
) -> Result<Object, String> {
    root.remove("$schema");
    root.remove("title");
    let definitions = match root.remove(refs::DEFINITIONS) {
        Some(Value::Object(definitions)) => definitions,
        _ => Object::new(),
    };
    refs::inline(&mut root, &definitions, &k8s::has)
        .map_err(|why| format!("the schema of `{name}`: {why}"))?;
    let mut map = structural(name, root)?;
    patch::int_or_string_any_of(&mut map);
    for (property, json) in properties {
        patch::patch_property(&mut map, name, property, &patch::parse(json));
    }
    if let Some(json) = container {
        patch::merge(&mut map, patch::parse(json));
    }
    patch::only_attribute_defaults(&mut map);
    k8s::fill(&mut map);
    Ok(map)
}

/// What kube-core's and core's transforms make of an inlined schema: `null` means absent,
/// enums hoisted into one object the API server accepts.
fn structural(name: &str, schema: Object) -> Result<Object, String> {
    let mut schema = schemars::Schema::from(schema);
    transform::NullMeansAbsent.transform(&mut schema);
    transform::TaggedEnums.transform(&mut schema);
    // kube-core's rewriter panics on enums it cannot hoist; say why in Rust terms.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        kube_core::schema::StructuralSchemaRewriter.transform(&mut schema)
    }))
    .map_err(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        hint::explain_rewriter_panic(name, &message)
    })?;
    transform::TagConstraints.transform(&mut schema);
    match schema.to_value() {
        Value::Object(map) => Ok(map),
        _ => unreachable!("an object schema stays an object"),
    }
}
