use cargo_operator_runtime::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// DiskSpec defines the desired state of Disk in v1beta1.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(
    group = "multiversion.conformance.example.com",
    version = "v1beta1",
    kind = "Disk",
    namespaced,
    served = false,
    deprecated,
    storage = false
)]
#[serde(rename_all = "camelCase")]
pub struct DiskSpec {
    /// Size is free text.
    pub size: String,
}
