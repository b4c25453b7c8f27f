//! Version v1alpha1 of the `infra.example.com` API group.

mod policy;
pub use policy::*;
// +cargo-operator:scaffold:kinds
