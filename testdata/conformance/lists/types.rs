use cargo_operator_runtime::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// PlaylistSpec defines the desired state of Playlist: list lengths and item constraints.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(
    group = "lists.conformance.example.com",
    version = "v1",
    kind = "Playlist",
    namespaced
)]
#[serde(rename_all = "camelCase")]
pub struct PlaylistSpec {
    /// Hosts has one to three entries.
    #[field(min_items = 1, max_items = 3)]
    pub hosts: Vec<String>,

    /// Domains are lower-case names, each at least 3 characters long.
    #[field(items(min_length = 3, max_length = 20, pattern = "^[a-z.]+$"))]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<String>,

    /// Ports are each between 1 and 65535.
    #[field(items(minimum = 1, maximum = 65535), max_items = 4)]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<i32>,

    /// Tiers are each one of three names.
    #[field(items(enum_values = ["gold", "silver", "bronze"]))]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tiers: Vec<String>,

    /// Matrix is a list of lists of integers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub matrix: Vec<Vec<i64>>,

    /// Empty may hold nothing, but must be given.
    pub empty: Vec<String>,
}
