//! Manifests generated from the project's Rust code: CRDs from the API types, the manager's
//! ClusterRole from `#[rbac]` attributes. Both are written as deterministic YAML.

pub mod cel;
pub mod crd;
pub mod rbac;
pub mod structural;
pub mod yaml;
