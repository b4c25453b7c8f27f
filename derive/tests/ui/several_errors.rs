use cargo_operator_runtime::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(group = "example", version = "v1", kind = "Guestbook", shortname = "GB", scale(spec_replicas_path = ".spec.size"))]
pub struct GuestbookSpec {
    #[field(minimum = "one")]
    pub size: i32,
}

fn main() {}
