use cargo_operator_runtime::{CustomResource, Schema};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

// Every field becomes part of the CRD schema: doc comments become descriptions, `Option<T>`
// makes a field optional and `#[field(...)]` adds validation (nested structs derive `Schema`
// instead of `JsonSchema` to get `#[field]` too). Run `cargo operator manifests` after editing.

/// GuestbookSpec defines the desired state of a Guestbook.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[resource(
    group = "webapp.example.com",
    version = "v2",
    kind = "Guestbook",
    namespaced,
    storage = false,
    status = "GuestbookStatus",
    printcolumn(
        name = "Ready",
        type = "string",
        json_path = ".status.conditions[?(@.type==\"Ready\")].status"
    ),
    printcolumn(name = "Age", type = "date", json_path = ".metadata.creationTimestamp")
)]
#[serde(rename_all = "camelCase")]
pub struct GuestbookSpec {
    /// An example field: how many replicas of the managed workload to run. Edit or remove it.
    #[field(minimum = 0, maximum = 100)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
}

/// GuestbookStatus defines the observed state of a Guestbook.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Schema)]
#[serde(rename_all = "camelCase")]
pub struct GuestbookStatus {
    /// The latest observations of the Guestbook's state (Ready, Progressing, Degraded), one per
    /// type: server-side apply merges them by `type`.
    #[field(list_type = "map", list_map_keys = ["type"])]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
}
