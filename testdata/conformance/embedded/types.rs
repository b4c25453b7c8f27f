use cargo_operator_runtime::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// WrapperSpec defines the desired state of Wrapper: whole Kubernetes objects inside it.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(
    group = "embedded.conformance.example.com",
    version = "v1",
    kind = "Wrapper",
    namespaced
)]
#[serde(rename_all = "camelCase")]
pub struct WrapperSpec {
    /// Template is any Kubernetes object: apiVersion, kind and metadata are checked.
    #[field(embedded_resource)]
    pub template: serde_json::Value,

    /// Extra are more objects.
    #[field(items(embedded_resource))]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<serde_json::Value>,
}
