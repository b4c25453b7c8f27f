use cargo_operator_runtime::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// BadgeSpec defines the desired state of Badge: labels and annotations on the CRD itself.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(
    group = "crdmeta.conformance.example.com",
    version = "v1",
    kind = "Badge",
    namespaced,
    label(key = "app.kubernetes.io/part-of", value = "conformance"),
    label(key = "example.com/tier", value = "gold"),
    annotation(key = "example.com/owner", value = "platform-team")
)]
#[serde(rename_all = "camelCase")]
pub struct BadgeSpec {
    /// Holder of the badge.
    pub holder: String,
}
