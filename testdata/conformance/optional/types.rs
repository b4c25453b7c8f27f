use cargo_operator_runtime::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Owner names a person.
#[derive(Serialize, Deserialize, Clone, Debug, JsonSchema)]
pub struct Owner {
    /// Name is required.
    pub name: String,
    /// Email is optional.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub email: String,
}

/// TicketSpec defines the desired state of Ticket: which fields must be given.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(
    group = "optional.conformance.example.com",
    version = "v1",
    kind = "Ticket",
    namespaced
)]
#[serde(rename_all = "camelCase")]
pub struct TicketSpec {
    /// Title is required: no omitempty, no marker.
    pub title: String,

    /// Priority is required by marker although it has omitempty.
    pub priority: i32,

    /// Assignee is optional by marker although it has no omitempty.
    #[serde(default)]
    pub assignee: String,

    /// Watchers is optional because of omitempty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub watchers: Vec<String>,

    /// Owner is a required object.
    pub owner: Owner,

    /// Reviewer is an optional object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewer: Option<Owner>,

    /// Due is an optional pointer to a string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,

    /// Done is an optional boolean.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub done: bool,
}
