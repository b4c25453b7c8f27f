use cargo_operator_runtime::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(group = "webapp.example.com", version = "v1", kind = "Guestbook")]
pub struct GuestbookSpec {
    /// `preserve_unknown_fields` on the list itself does not reach its elements.
    #[field(preserve_unknown_fields)]
    pub extras: Vec<serde_json::Value>,
}

fn main() {}
