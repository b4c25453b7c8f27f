use cargo_operator_runtime::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(group = "webapp.example.com", version = "v1", kind = "Guestbook", printcolumn(name = "Size", type = "integer", json_path = "spec.size"))]
pub struct GuestbookSpec {
    pub size: i32,
}

fn main() {}
