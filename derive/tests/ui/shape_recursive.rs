use cargo_operator_runtime::CustomResource;

#[derive(CustomResource)]
#[resource(group = "trees.example.com", version = "v1", kind = "Tree")]
pub struct TreeSpec {
    pub name: String,
    pub children: Vec<TreeSpec>,
}

fn main() {}
