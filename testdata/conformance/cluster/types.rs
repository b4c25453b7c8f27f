use cargo_operator_runtime::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// RegionSpec defines the desired state of Region, a cluster-scoped resource.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(
    group = "cluster.conformance.example.com",
    version = "v1",
    kind = "Region",
    shortname = "rg",
    shortname = "rgn",
    category = "infra",
    category = "all",
    singular = "region"
)]
#[serde(rename_all = "camelCase")]
pub struct RegionSpec {
    /// Zones in the region.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub zones: Vec<String>,
}
