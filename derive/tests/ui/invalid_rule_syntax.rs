use cargo_operator_runtime::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(group = "webapp.example.com", version = "v1", kind = "Guestbook")]
pub struct GuestbookSpec {
    #[field(rule(rule = "self.startsWith('a'", message = "starts with a"))]
    pub name: String,
    #[field(rule(rule = "self > 0\n  && self < 10"))]
    pub size: i32,
}

fn main() {}
