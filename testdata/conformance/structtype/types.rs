use cargo_operator_runtime::{CustomResource, Schema};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Window is a time window.
#[derive(Serialize, Deserialize, Clone, Debug, JsonSchema)]
pub struct Window {
    /// Start is the first hour.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<i32>,
    /// End is the last hour.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<i32>,
    /// Zone is a time zone.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub zone: String,
}

/// Contact says who to call: one or two of its fields.
#[derive(Serialize, Deserialize, Clone, Debug, Schema)]
#[field(min_properties = 1, max_properties = 2)]
pub struct Contact {
    /// Email is an address.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub email: String,
    /// Phone is a number.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub phone: String,
    /// Pager is a pager id.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub pager: String,
}

/// ShiftSpec defines the desired state of Shift: struct merge strategies and property counts.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(
    group = "structtype.conformance.example.com",
    version = "v1",
    kind = "Shift",
    namespaced
)]
#[serde(rename_all = "camelCase")]
pub struct ShiftSpec {
    /// Window is replaced as a whole by server-side apply.
    #[field(map_type = "atomic")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<Window>,

    /// Backup is merged field by field.
    #[field(map_type = "granular")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup: Option<Window>,

    /// Primary must name at least one way to reach someone.
    pub primary: Contact,

    /// Secondary is optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secondary: Option<Contact>,
}
