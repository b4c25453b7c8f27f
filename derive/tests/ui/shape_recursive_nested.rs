use cargo_operator_derive::Schema;

#[derive(Schema)]
pub struct Step {
    pub name: String,
    pub next: Option<Box<Self>>,
}

fn main() {}
