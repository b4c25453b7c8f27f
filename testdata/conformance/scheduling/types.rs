use std::collections::BTreeMap;

use cargo_operator_runtime::CustomResource;
use k8s_openapi::api::core::v1::{Affinity, Toleration, TopologySpreadConstraint};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// PlacementSpec defines the desired state of Placement: where pods may be scheduled.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(
    group = "scheduling.conformance.example.com",
    version = "v1",
    kind = "Placement",
    namespaced
)]
#[serde(rename_all = "camelCase")]
pub struct PlacementSpec {
    /// Affinity rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affinity: Option<Affinity>,

    /// Tolerations of taints.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tolerations: Vec<Toleration>,

    /// NodeSelector must match a node's labels.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub node_selector: BTreeMap<String, String>,

    /// Spread constraints.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub spread: Vec<TopologySpreadConstraint>,
}
