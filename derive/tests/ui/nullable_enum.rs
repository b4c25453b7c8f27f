use cargo_operator_runtime::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(group = "webapp.example.com", version = "v1", kind = "Guestbook")]
pub struct GuestbookSpec {
    #[field(nullable, enum_values = ["low", "high"])]
    pub severity: String,
    #[field(items(nullable, enum_values = [1, 2]))]
    pub sizes: Vec<i32>,
}

fn main() {}
