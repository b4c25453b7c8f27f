use cargo_operator_runtime::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(group = "webapp.example.com", version = "v1", kind = "Guestbook")]
pub struct GuestbookSpec {
    pub size: i32,
    #[field(minimum = 1)]
    #[serde(skip)]
    #[schemars(skip)]
    pub cache: i32,
}

fn main() {}
