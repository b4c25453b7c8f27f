//! The `webapp.example.com` API group.

pub mod v1;
// +cargo-operator:scaffold:versions
