//! Code generation, one module per macro. Each emits calls into the runtime (and through it
//! into core) with the checked attributes as constants; no logic is copied into expansions.

pub mod custom_resource;
mod fields;
pub mod rbac;
pub mod schema;
