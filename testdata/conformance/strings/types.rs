use cargo_operator_runtime::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// LabelSpec defines the desired state of Label: string lengths and patterns.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(
    group = "strings.conformance.example.com",
    version = "v1",
    kind = "Label",
    namespaced
)]
#[serde(rename_all = "camelCase")]
pub struct LabelSpec {
    /// Name is a DNS label.
    #[field(
        min_length = 1,
        max_length = 63,
        pattern = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
    )]
    pub name: String,

    /// Title is at most 10 characters (not bytes).
    #[field(max_length = 10)]
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,

    /// Code is exactly three upper-case letters.
    #[field(pattern = "^[A-Z]{3}$")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,

    /// Path is an absolute path with escaped characters in its pattern.
    #[field(pattern = r"^(/[\w.-]+)+/?$")]
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub path: String,

    /// Note is anything non-empty.
    #[field(min_length = 1)]
    pub note: String,
}
