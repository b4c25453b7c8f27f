//! API types of guestbook-operator: one module per API group, one per version inside it.
//!
//! Edit the types in `<group>/<version>/<kind>.rs`, then run `cargo operator manifests` to
//! regenerate the CRDs in `config/crd/bases/` from them.

// clippy's `duplicated_attributes` reads two `printcolumn(...)` of the same `type` in one
// `#[resource(...)]` as a duplicate attribute (rust-clippy#12923); they are not.
#![allow(clippy::duplicated_attributes)]

pub mod cache;
pub mod infra;
pub mod webapp;
// +cargo-operator:scaffold:groups

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;

/// One CRD per kind and version defined in this crate. `cargo operator manifests` merges the
/// versions of each kind and writes them as YAML.
pub fn crds() -> Vec<CustomResourceDefinition> {
    vec![
        <webapp::v1::Guestbook as cargo_operator_runtime::CustomResourceExt>::crd(),
        <infra::v1alpha1::Policy as cargo_operator_runtime::CustomResourceExt>::crd(),
        <cache::v1alpha1::Memcached as cargo_operator_runtime::CustomResourceExt>::crd(),
        <webapp::v2::Guestbook as cargo_operator_runtime::CustomResourceExt>::crd(),
        // +cargo-operator:scaffold:crds
    ]
}
