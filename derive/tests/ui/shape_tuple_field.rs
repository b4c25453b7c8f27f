use cargo_operator_runtime::CustomResource;

#[derive(CustomResource)]
#[resource(group = "webapp.example.com", version = "v1", kind = "Guestbook")]
pub struct GuestbookSpec {
    pub ports: Vec<(String, u16)>,
}

fn main() {}
