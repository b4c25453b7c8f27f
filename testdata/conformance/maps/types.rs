use std::collections::BTreeMap;

use cargo_operator_runtime::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Endpoint is one address of a pool.
#[derive(Serialize, Deserialize, Clone, Debug, JsonSchema)]
pub struct Endpoint {
    /// Host is a host name.
    pub host: String,
    /// Weight is the share of traffic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<i32>,
}

/// PoolSpec defines the desired state of Pool: maps and their merge strategies.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(
    group = "maps.conformance.example.com",
    version = "v1",
    kind = "Pool",
    namespaced
)]
#[serde(rename_all = "camelCase")]
pub struct PoolSpec {
    /// Labels has one to four entries.
    #[field(min_properties = 1, max_properties = 4)]
    pub labels: BTreeMap<String, String>,

    /// Selector is replaced as a whole by server-side apply.
    #[field(map_type = "atomic")]
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub selector: BTreeMap<String, String>,

    /// Limits are merged key by key.
    #[field(map_type = "granular")]
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub limits: BTreeMap<String, i64>,

    /// Endpoints by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub endpoints: BTreeMap<String, Endpoint>,

    /// Groups are lists of members by group name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub groups: BTreeMap<String, Vec<String>>,

    /// Flags are booleans by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub flags: BTreeMap<String, bool>,
}
