use std::collections::BTreeMap;

use cargo_operator_runtime::CustomResource;
use k8s_openapi::api::core::v1::ResourceRequirements;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// QuotaSpec defines the desired state of Quota: quantities and resource requirements.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(
    group = "quantities.conformance.example.com",
    version = "v1",
    kind = "Quota",
    namespaced
)]
#[serde(rename_all = "camelCase")]
pub struct QuotaSpec {
    /// Resources are the requests and limits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourceRequirements>,

    /// Storage is a size.
    pub storage: Quantity,

    /// Burst is an optional size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub burst: Option<Quantity>,

    /// Hard are caps by resource name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub hard: BTreeMap<String, Quantity>,

    /// Sizes are several quantities.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sizes: Vec<Quantity>,
}
