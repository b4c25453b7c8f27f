use cargo_operator_runtime::CustomResource;

#[derive(CustomResource)]
#[resource(group = "webapp.example.com", version = "v1", kind = "Guestbook")]
pub enum GuestbookSpec {
    Small,
    Large,
}

fn main() {}
