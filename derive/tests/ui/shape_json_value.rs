use cargo_operator_runtime::CustomResource;

#[derive(CustomResource)]
#[resource(group = "webapp.example.com", version = "v1", kind = "Guestbook")]
pub struct GuestbookSpec {
    pub config: Option<serde_json::Value>,
}

fn main() {}
