//! Rust syntax read the way the derive reads it: the typed `#[resource(...)]`, `#[field(...)]`,
//! `#[rbac(...)]` and `#[webhook(...)]` attributes, serde's view of a field and the JSON shape
//! of a field type. The derive checks attributes with these at compile time; the CLI's fast
//! `manifests` route reads the same sources with the same code, so the two cannot disagree
//! about what an attribute means.

pub mod attrs;
pub mod fields;
pub mod serde_names;
pub mod shape;
