use cargo_operator_runtime::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// DiskSpec defines the desired state of Disk in v2.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(
    group = "multiversion.conformance.example.com",
    version = "v2",
    kind = "Disk",
    namespaced
)]
#[serde(rename_all = "camelCase")]
pub struct DiskSpec {
    /// SizeGi is the size in GiB.
    #[field(minimum = 1)]
    pub size_gi: i32,
}
