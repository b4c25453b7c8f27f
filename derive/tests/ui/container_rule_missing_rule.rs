use cargo_operator_derive::Schema;
use serde::{Deserialize, Serialize};

#[derive(Schema, Serialize, Deserialize, Clone, Debug)]
#[field(rule(message = "min must not exceed max"))]
pub struct Range {
    pub min: i32,
    pub max: i32,
}

fn main() {}
