use cargo_operator_runtime::CustomResource;

#[derive(CustomResource)]
#[resource(group = "webapp.example.com", version = "v1", kind = "Guestbook")]
pub struct GuestbookSpec(i32);

fn main() {}
