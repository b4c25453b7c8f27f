use cargo_operator_runtime::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(group = "webapp.example.com", version = "v1", kind = "Guestbook")]
#[field(minimum = 1, rule(rule = "self.min <= self.max"))]
pub struct GuestbookSpec {
    pub min: i32,
    pub max: i32,
}

fn main() {}
