use std::collections::BTreeMap;

use cargo_operator_runtime::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Limits are optional caps.
#[derive(Serialize, Deserialize, Clone, Debug, JsonSchema)]
pub struct Limits {
    /// Max is the cap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<i32>,
}

/// NoteSpec defines the desired state of Note: fields that accept null.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(
    group = "nullable.conformance.example.com",
    version = "v1",
    kind = "Note",
    namespaced
)]
#[serde(rename_all = "camelCase")]
pub struct NoteSpec {
    /// Text is required, and null is an accepted value.
    #[field(nullable)]
    pub text: String,

    /// Limits may be null.
    #[field(nullable)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limits: Option<Limits>,

    /// Items may be null.
    #[field(nullable)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<String>>,

    /// Labels may be null.
    #[field(nullable)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<BTreeMap<String, String>>,

    /// Plain is optional and not nullable: a null is pruned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plain: Option<String>,
}
