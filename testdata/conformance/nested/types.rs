use std::collections::BTreeMap;

use cargo_operator_runtime::{CustomResource, Schema};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Common fields shared by several types, embedded in Go and flattened in Rust.
#[derive(Serialize, Deserialize, Clone, Debug, JsonSchema)]
pub struct Common {
    /// Owner of the thing.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub owner: String,
    /// Revision counter.
    pub revision: i64,
}

/// Leaf is the innermost level.
#[derive(Serialize, Deserialize, Clone, Debug, Schema)]
pub struct Leaf {
    /// Value of the leaf.
    #[field(min_length = 1)]
    pub value: String,
}

/// Branch holds leaves.
#[derive(Serialize, Deserialize, Clone, Debug, JsonSchema)]
pub struct Branch {
    /// Name of the branch.
    pub name: String,
    /// Leaves on the branch.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub leaves: Vec<Leaf>,
    /// Tip is a single leaf.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tip: Option<Leaf>,
}

/// TreeSpec defines the desired state of Tree: nested and embedded structs.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(
    group = "nested.conformance.example.com",
    version = "v1",
    kind = "Tree",
    namespaced
)]
#[serde(rename_all = "camelCase")]
pub struct TreeSpec {
    #[serde(flatten)]
    pub common: Common,

    /// Root is a required nested object.
    pub root: Branch,

    /// Branches are a list of objects.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub branches: Vec<Branch>,

    /// Named are objects by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub named: BTreeMap<String, Branch>,

    /// Grid is a list of lists of objects.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grid: Vec<Vec<Leaf>>,
}
