use cargo_operator_runtime::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// IndexSpec defines the desired state of Index: its plural is left to the tools.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(
    group = "plurals.conformance.example.com",
    version = "v1",
    kind = "Index",
    namespaced
)]
#[serde(rename_all = "camelCase")]
pub struct IndexSpec {
    /// Fields that are indexed.
    pub fields: Vec<String>,
}
