use cargo_operator_runtime::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(group = "trees.example.com", version = "v1", kind = "Tree")]
pub struct TreeSpec {
    pub name: String,
    pub children: Vec<TreeSpec>,
}

fn main() {}
