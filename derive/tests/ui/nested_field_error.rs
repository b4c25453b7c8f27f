use cargo_operator_derive::Schema;
use serde::{Deserialize, Serialize};

#[derive(Schema, Serialize, Deserialize)]
pub struct Target {
    #[field(min_items = 1, list_type = "map")]
    pub ports: Vec<String>,
}

fn main() {}
