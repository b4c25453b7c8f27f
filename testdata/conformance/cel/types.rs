use cargo_operator_runtime::{CustomResource, Schema};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Range is a closed interval.
#[derive(Serialize, Deserialize, Clone, Debug, Schema)]
#[field(rule(rule = "self.min <= self.max", message = "min must not exceed max"))]
pub struct Range {
    /// Min is the lower end.
    pub min: i32,
    /// Max is the upper end.
    pub max: i32,
}

/// Listener is a port with an optional TLS secret.
#[derive(Serialize, Deserialize, Clone, Debug, Schema)]
#[field(rule(
    rule = "!has(self.tls) || self.port == 443",
    message = "TLS needs port 443",
    field_path = ".port",
    reason = "FieldValueForbidden"
))]
pub struct Listener {
    /// Port is the port number.
    pub port: i32,
    /// TLS names a secret.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub tls: String,
}

/// BudgetSpec defines the desired state of Budget: CEL validation rules.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(
    group = "cel.conformance.example.com",
    version = "v1",
    kind = "Budget",
    namespaced
)]
#[field(rule(
    rule = "self.replicas <= self.maxReplicas",
    message = "replicas must not exceed maxReplicas"
))]
#[field(rule(
    rule = "!has(self.owner) || self.owner.startsWith('team-')",
    message_expression = "'owner ' + self.owner + ' is not a team'"
))]
#[serde(rename_all = "camelCase")]
pub struct BudgetSpec {
    /// Replicas is the current count.
    pub replicas: i32,

    /// MaxReplicas is the cap.
    pub max_replicas: i32,

    /// ID cannot change once set.
    #[field(rule(
        rule = "self == oldSelf",
        message = "id is immutable",
        reason = "FieldValueForbidden"
    ))]
    pub id: String,

    /// Owner is a team.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub owner: String,

    /// Window is a range of hours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<Range>,

    /// Listeners have distinct ports.
    #[field(
        rule(
            rule = "self.all(l, self.exists_one(m, m.port == l.port))",
            message = "ports must be unique",
            reason = "FieldValueDuplicate"
        ),
        max_items = 8
    )]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub listeners: Vec<Listener>,

    /// Tags are short.
    #[field(
        items(
            rule(rule = "self.size() <= 5", message = "a tag has at most 5 characters"),
            max_length = 64
        ),
        max_items = 4
    )]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}
