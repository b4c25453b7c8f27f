use cargo_operator_runtime::CustomResource;

#[derive(CustomResource)]
pub struct GuestbookSpec {
    pub size: i32,
}

fn main() {}
