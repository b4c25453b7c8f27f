//! The `cache.example.com` API group.

pub mod v1alpha1;
// +cargo-operator:scaffold:versions
