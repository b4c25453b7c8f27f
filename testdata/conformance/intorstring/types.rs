use cargo_operator_runtime::CustomResource;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// RolloutSpec defines the desired state of Rollout: values that are an integer or a string.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(
    group = "intorstring.conformance.example.com",
    version = "v1",
    kind = "Rollout",
    namespaced
)]
#[serde(rename_all = "camelCase")]
pub struct RolloutSpec {
    /// MaxUnavailable is a count or a percentage.
    pub max_unavailable: IntOrString,

    /// MaxSurge is optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_surge: Option<IntOrString>,

    /// Port is a number or a name.
    #[field(int_or_string)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<serde_json::Value>,

    /// Partition is a count or a percentage, 25% unless set.
    #[field(default = "25%", pattern = "^[0-9]+%?$")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition: Option<IntOrString>,
}
