use cargo_operator_runtime::CustomResource;
use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// PodSetSpec defines the desired state of PodSet: a pod template and a label selector.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(
    group = "podtemplate.conformance.example.com",
    version = "v1",
    kind = "PodSet",
    namespaced
)]
#[serde(rename_all = "camelCase")]
pub struct PodSetSpec {
    /// Template describes the pods to run.
    pub template: PodTemplateSpec,

    /// Selector selects the pods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<LabelSelector>,
}
