use cargo_operator_runtime::CustomResource;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, Time};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// MaintenanceSpec defines the desired state of Maintenance: times and durations.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(
    group = "times.conformance.example.com",
    version = "v1",
    kind = "Maintenance",
    namespaced
)]
#[serde(rename_all = "camelCase")]
pub struct MaintenanceSpec {
    /// Start is when the window opens.
    pub start: Time,

    /// End is when it closes, if it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<Time>,

    /// Length is how long each run may take, as a Go duration.
    // k8s-openapi has no `metav1.Duration`: on the wire it is a string, and so it is here.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub length: String,

    /// Grace is an optional duration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grace: Option<String>,

    /// Precise is a time with microseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precise: Option<MicroTime>,
}
