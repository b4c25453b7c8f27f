use cargo_operator_runtime::{CustomResource, Schema};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// WorkerSetSpec defines the desired state of WorkerSet.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(
    group = "subresources.conformance.example.com",
    version = "v1",
    kind = "WorkerSet",
    namespaced,
    status = "WorkerSetStatus",
    scale(
        spec_replicas_path = ".spec.replicas",
        status_replicas_path = ".status.replicas",
        label_selector_path = ".status.selector"
    )
)]
#[serde(rename_all = "camelCase")]
pub struct WorkerSetSpec {
    /// Replicas is the desired count.
    #[field(minimum = 0)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
}

/// WorkerSetStatus defines the observed state of WorkerSet.
#[derive(Serialize, Deserialize, Clone, Debug, Default, Schema)]
#[serde(rename_all = "camelCase")]
pub struct WorkerSetStatus {
    /// Replicas is the observed count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
    /// Selector is the label selector of the workers, as a string.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub selector: String,
    /// Phase is a summary.
    #[field(enum_values = ["Pending", "Running", "Failed"])]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<String>,
}
