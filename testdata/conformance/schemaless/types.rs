use cargo_operator_runtime::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// SnapshotSpec defines the desired state of Snapshot: fields stored without a schema.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(
    group = "schemaless.conformance.example.com",
    version = "v1",
    kind = "Snapshot",
    namespaced
)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotSpec {
    /// Pod is a pod template stored without its schema, to keep the CRD small.
    #[field(preserve_unknown_fields)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod: Option<serde_json::Map<String, serde_json::Value>>,

    /// Free is any JSON at all.
    #[field(preserve_unknown_fields)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub free: Option<serde_json::Value>,
}
