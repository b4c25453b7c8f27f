use cargo_operator_runtime::{CustomResource, Schema};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

// Every field becomes part of the CRD schema: doc comments become descriptions, `Option<T>`
// makes a field optional and `#[field(...)]` adds validation (nested structs derive `Schema`
// instead of `JsonSchema` to get `#[field]` too). Run `cargo operator manifests` after editing.

/// MemcachedSpec defines the desired state of a Memcached.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[resource(
    group = "cache.example.com",
    version = "v1alpha1",
    kind = "Memcached",
    namespaced,
    status = "MemcachedStatus",
    printcolumn(
        name = "Available",
        type = "string",
        json_path = ".status.conditions[?(@.type==\"Available\")].status"
    ),
    printcolumn(name = "Age", type = "date", json_path = ".metadata.creationTimestamp")
)]
#[serde(rename_all = "camelCase")]
pub struct MemcachedSpec {
    /// An example field: how many replicas of the managed workload to run. Edit or remove it.
    #[field(minimum = 0, maximum = 100)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
    /// The port the pods of the image listen on; default: 11211.
    #[field(minimum = 1, maximum = 65535)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_port: Option<i32>,
}

/// MemcachedStatus defines the observed state of a Memcached.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Schema)]
#[serde(rename_all = "camelCase")]
pub struct MemcachedStatus {
    /// The latest observations of the Memcached's state (Ready, Progressing, Degraded), one per
    /// type: server-side apply merges them by `type`.
    #[field(list_type = "map", list_map_keys = ["type"])]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
}
