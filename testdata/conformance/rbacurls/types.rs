use cargo_operator_runtime::{CustomResource, rbac};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Non-resource URLs the operator of Probes reads.
#[rbac(urls = ["/metrics", "/healthz"], verbs = ["get"])]
#[rbac(urls = ["/livez"], verbs = ["get"])]
#[rbac(urls = ["/debug/*"], verbs = ["get", "post"])]
pub fn permissions() {}

/// ProbeSpec defines the desired state of Probe.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(
    group = "rbacurls.conformance.example.com",
    version = "v1",
    kind = "Probe"
)]
#[serde(rename_all = "camelCase")]
pub struct ProbeSpec {
    /// Path to probe.
    pub path: String,
}
