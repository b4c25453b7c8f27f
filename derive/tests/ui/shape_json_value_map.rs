use cargo_operator_runtime::CustomResource;
use std::collections::BTreeMap;

#[derive(CustomResource)]
#[resource(group = "webapp.example.com", version = "v1", kind = "Guestbook")]
pub struct GuestbookSpec {
    pub settings: BTreeMap<String, serde_json::Value>,
}

fn main() {}
