use cargo_operator_runtime::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(group = "webapp.example.com", version = "v1", kind = "Guestbook")]
#[field(rule(rule = "self.size > 0", field_path = "size"))]
pub struct GuestbookSpec {
    // A scalar has no fields inside it for `field_path` to name.
    #[field(rule(rule = "self == oldSelf", field_path = ".schedule"))]
    pub schedule: Option<String>,
    #[field(rule(rule = "self > 0", field_path = ".size"))]
    pub size: i32,
    #[field(items(rule(rule = "self != ''", field_path = ".name")))]
    pub names: Vec<String>,
    // Relative to the value carrying the rule, so it starts with `.` or `['`.
    #[field(rule(rule = "self.all(k, k != '')", field_path = "$.settings"))]
    pub settings: std::collections::BTreeMap<String, String>,
    #[field(rule(rule = "self.all(k, k != '')", field_path = ""))]
    pub labels: std::collections::BTreeMap<String, String>,
    #[field(rule(rule = "self.all(k, k != '')", field_path = ".limits."))]
    pub limits: std::collections::BTreeMap<String, String>,
    // Valid: a key of a map, with and without dots.
    #[field(rule(rule = "has(self.a)", field_path = ".a"))]
    #[field(rule(rule = "!('b.c' in self) || self['b.c'] != ''", field_path = "['b.c']"))]
    pub annotations: std::collections::BTreeMap<String, String>,
}

fn main() {}
