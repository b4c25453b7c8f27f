//! Structural schemas: the rules the API server applies to a CRD's `openAPIV3Schema`, the
//! `#[field(...)]` patches that add validation to generated schemas, and the shapes that
//! controller-gen gives special values.

pub mod default;
pub mod hint;
pub mod patch;
pub mod structural;
#[cfg(feature = "schemars")]
pub mod transform;

pub use structural::{Violation, violations};

/// A JSON object: a schema node.
pub type Object = serde_json::Map<String, serde_json::Value>;
