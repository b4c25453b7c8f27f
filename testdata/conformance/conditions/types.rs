use cargo_operator_runtime::{CustomResource, Schema};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// BackendSpec defines the desired state of Backend.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(
    group = "conditions.conformance.example.com",
    version = "v1",
    kind = "Backend",
    namespaced,
    status = "BackendStatus"
)]
#[serde(rename_all = "camelCase")]
pub struct BackendSpec {
    /// URL of the backend.
    pub url: String,
}

/// BackendStatus defines the observed state of Backend.
#[derive(Serialize, Deserialize, Clone, Debug, Default, Schema)]
#[serde(rename_all = "camelCase")]
pub struct BackendStatus {
    /// Conditions are the latest observations, one per type.
    #[field(list_type = "map", list_map_keys = ["type"])]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,

    /// ObservedGeneration is the generation the status is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
}
