use cargo_operator_runtime::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(group = "webapp.example.com", version = "v1", kind = "Guestbook")]
pub struct GuestbookSpec {
    /// Ports: `min_length` is for strings, the items are integers.
    #[field(items(min_length = 1, maximum = 65535))]
    pub ports: Vec<u16>,
}

fn main() {}
