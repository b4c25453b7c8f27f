use cargo_operator_runtime::CustomResource;
use k8s_openapi::api::core::v1::{Container, Volume};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// SidecarSetSpec defines the desired state of SidecarSet: containers and volumes to inject.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(
    group = "containers.conformance.example.com",
    version = "v1",
    kind = "SidecarSet",
    namespaced
)]
#[serde(rename_all = "camelCase")]
pub struct SidecarSetSpec {
    /// Containers to inject, by name.
    #[field(list_type = "map", list_map_keys = ["name"], min_items = 1)]
    pub containers: Vec<Container>,

    /// Volumes the containers mount, by name.
    #[field(list_type = "map", list_map_keys = ["name"])]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub volumes: Vec<Volume>,

    /// InitContainer runs first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub init_container: Option<Container>,
}
