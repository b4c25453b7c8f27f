use cargo_operator_runtime::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// DiskSpec defines the desired state of Disk in v1.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(
    group = "multiversion.conformance.example.com",
    version = "v1",
    kind = "Disk",
    namespaced,
    storage = false,
    deprecation_warning = "multiversion.conformance.example.com/v1 Disk is deprecated; use v2"
)]
#[serde(rename_all = "camelCase")]
pub struct DiskSpec {
    /// Size is a quantity such as 10Gi.
    #[field(pattern = "^[0-9]+Gi$")]
    pub size: String,
}
