use cargo_operator_derive::Schema;

#[derive(Schema)]
pub enum Size {
    Small,
    Large,
}

fn main() {}
